package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// The ESVP poll's answers, explained.
var esvpHints = [...]string{"", "eager to discover new ideas", "happy to take home one useful idea",
	"glad to be away from work for a while", "would rather be somewhere else"}

// checkInKey takes the check-in: a word, or an answer to the poll.
func (m retroPhases) checkInKey(msg tea.KeyPressMsg, k retroKeyMap) tea.Cmd {
	switch {
	case key.Matches(msg, k.Word):
		return m.open(askWord, "One word for how you arrive", "", nil, retroAsker{m.retroScreen}.then(func(v string) tea.Cmd {
			return m.submit(session.CheckInWord{Word: v, For: m.actingFor()}, "checked in")
		}))
	case key.Matches(msg, k.Poll):
		n := int(msg.String()[0] - '0')
		return m.submit(session.CheckInPoll{Answer: n, For: m.actingFor()}, "you answered "+session.ESVPNames[n]+": the poll is anonymous")
	}
	return nil
}

// checkInView shows the words so far, or the poll as a histogram.
func (m retroPhases) checkInView(w, h int) string {
	st, s := m.styles, m.state
	present := 0
	for _, p := range s.Participants {
		if p.Speaks() {
			present++
		}
	}
	if s.Config.ESVP {
		counts := make([]int, len(session.ESVPNames))
		mine := 0
		for _, c := range s.CheckIns {
			if c.ESVP > 0 && c.ESVP < len(counts) {
				counts[c.ESVP]++
				if c.Who == m.viewer {
					mine = c.ESVP
				}
			}
		}
		lines := []string{
			st.Text.Render("How do you come to this retrospective? Answer 1–4; nobody sees who said what."),
			st.Subtle.Render(itoa(len(s.CheckIns)) + " of " + itoa(present) + " answered"),
			"",
		}
		var labels []string
		for i := 1; i < len(session.ESVPNames); i++ {
			labels = append(labels, itoa(i)+" "+session.ESVPNames[i])
		}
		if s.TallyHidden() {
			// Each answer that showed as it came would say whose it is.
			lines = append(lines, st.Subtle.Render("The answers show once everyone here has answered."))
			if mine > 0 {
				lines = append(lines, st.Subtle.Render("You answered ")+st.Text.Render(session.ESVPNames[mine])+st.Subtle.Render("."))
			}
		} else {
			lines = append(lines, m.histogram(labels, counts[1:], mine-1, w)...)
		}
		if h-len(lines) > len(esvpHints) {
			lines = append(lines, "")
			for i := 1; i < len(esvpHints); i++ {
				lines = append(lines, st.Subtle.Render(session.ESVPNames[i]+": "+esvpHints[i]))
			}
		}
		return strings.Join(lines, "\n")
	}
	lines := []string{
		st.Text.Render("Check in with one word: how do you arrive today?"),
		st.Subtle.Render(itoa(len(s.CheckIns)) + " of " + itoa(present) + " checked in"),
		"",
	}
	var words []string
	for _, c := range s.CheckIns {
		if c.Word == "" {
			continue // someone's word, hidden until everyone has checked in
		}
		word := st.Speaker.Render(c.Word)
		if !s.Config.Anonymous {
			word += st.Subtle.Render(" " + c.Who)
		}
		words = append(words, word)
	}
	if s.TallyHidden() && len(s.CheckIns) > 0 {
		words = append(words, st.Subtle.Render("(the words show once everyone here has checked in)"))
	}
	if len(words) == 0 {
		words = []string{st.Subtle.Render("nobody yet")}
	}
	lines = append(lines, flow(words, "   ", w)...)
	return strings.Join(lines, "\n")
}
