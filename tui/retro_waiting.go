package tui

import (
	"strings"

	"huddle/session"
)

// formatInfo describes the retrospective's format; a custom one has the
// team's columns.
func (m retroPhases) formatInfo() session.FormatInfo {
	cfg := m.state.Config
	info := session.FormatInfo{Format: cfg.Format, Title: "Custom", Guidance: "A board of the team's own columns."}
	for _, f := range session.Formats {
		if f.Format == cfg.Format && cfg.Format != session.Custom {
			info = f
		}
	}
	info.Columns = cfg.Columns
	return info
}

// retroWaitingView is the stand-up's waiting room under the format, the
// rules of this retrospective, and what it carries over.
func (m retroPhases) retroWaitingView(w, h int) string {
	st, cfg := m.styles, m.state.Config
	info := m.formatInfo()
	lines := []string{st.Heading.Render(info.Title) + st.Subtle.Render("  ·  ") + st.Text.Render(strings.Join(info.Columns, " / "))}
	for _, l := range wrapText(info.Guidance, w, 2) {
		lines = append(lines, st.Subtle.Render(l))
	}
	rules := []string{itoa(max(cfg.VoteBudget, 1)) + " dots each"}
	if cfg.VoteCap > 0 {
		rules[0] += ", at most " + itoa(cfg.VoteCap) + " on one topic"
	}
	if cfg.Anonymous {
		rules = append(rules, "anonymous: nobody sees who wrote a card")
	}
	if cfg.ESVP {
		rules = append(rules, "check-in: ESVP poll")
	}
	if cfg.AutoAdvance {
		rules = append(rules, "phases end when everyone is done")
	}
	lines = append(lines, st.Text.Render(strings.Join(rules, " · ")))
	var carried []string
	open, handled := 0, 0
	for _, a := range m.earlierActions() {
		if a.Carries() {
			open++
		} else {
			handled++ // closed between meetings (actions_between.go)
		}
	}
	if open > 0 {
		carried = append(carried, count(open, "open action item", ""))
	}
	if handled > 0 {
		carried = append(carried, count(handled, "action item", "")+" closed between meetings")
	}
	if n := len(m.standupCards()); n > 0 {
		carried = append(carried, count(n, "topic", "")+" from the stand-ups")
	}
	if len(carried) > 0 {
		lines = append(lines, st.Subtle.Render("To review: "+strings.Join(carried, " · ")))
	}
	for i := range lines {
		lines[i] = truncate(lines[i], w)
	}
	if cv := m.collectView(w); cv != "" { // cards written ahead: collect.go
		lines = append(lines, "")
		lines = append(lines, strings.Split(cv, "\n")...)
	}
	head := strings.Join(lines, "\n")
	return head + "\n\n" + m.waitingView(w, max(4, h-len(lines)-1))
}

// standupCards are the topics stand-ups sent to this retrospective.
func (m retroPhases) standupCards() []session.Card {
	var out []session.Card
	for _, c := range m.state.Cards {
		if c.FromStandup {
			out = append(out, c)
		}
	}
	return out
}
