package tui

import (
	"strings"

	"huddle/session"
)

// summaryView is the closing screen: duration against the time-box,
// attendance, each speaker's time, blockers and the parking lot. It
// scrolls when it is longer than the screen.
func (m *Model) summaryView(w, h int) string {
	if m.summary.Width() != w || m.summary.Height() != h {
		m.syncSummary() // a size the last sync did not know; show it right anyway
	}
	return m.summary.View()
}

// syncSummary fits the summary's viewport to the body and refills it.
func (m *Model) syncSummary() {
	if m.state.Phase != session.Closed {
		return
	}
	w, h := m.bodySize()
	m.summary.SetWidth(w)
	m.summary.SetHeight(h)
	m.summary.SetContent(m.summaryText(w))
}

func (m *Model) summaryText(w int) string {
	if m.state.Config.Kind == session.Retro {
		return retroPhases{m.retro}.retroSummary(w)
	}
	st, s := m.styles, m.state
	var b strings.Builder
	line := func(parts ...string) { b.WriteString(strings.Join(parts, "") + "\n") }

	line(st.Heading.Render("Stand-up of "+s.Config.Team), st.Subtle.Render(" · "+s.Created.In(m.zone()).Format("Mon 2 Jan 2006, 15:04")))
	if !s.Started.IsZero() {
		took := s.Overall.Elapsed(s.Ended)
		verdict := st.Notice.Render(" · within the time-box")
		if took > s.Overall.Budget {
			verdict = st.Over.Render(" · over by " + clock(took-s.Overall.Budget))
		}
		line(st.Text.Render("Duration "+clock(took)+" of "+clock(s.Overall.Budget)), verdict)
	} else {
		line(st.Subtle.Render("Ended before the rounds started."))
	}
	line()
	line(st.Heading.Render("Attendance"))
	var watchers []string
	for _, p := range s.Participants {
		if p.Role == session.Observer {
			// Watchers neither attend nor miss anything: listed apart.
			if !p.Arrived.IsZero() {
				watchers = append(watchers, p.Name)
			}
			continue
		}
		if !p.Expected && p.Arrived.IsZero() {
			continue
		}
		switch {
		case p.Arrived.IsZero():
			line(st.Missing.Render("  · "+p.Name), st.Subtle.Render(" absent"))
		case p.LateBy >= 60e9:
			line(st.Late.Render("  ! "+p.Name), st.Late.Render(" late by "+minutes(p.LateBy)))
		default:
			line(st.Present.Render("  ✓ "+p.Name), st.Subtle.Render(" on time"))
		}
	}
	if len(watchers) > 0 {
		line(st.Subtle.Render(truncate("  Watching (not attending): "+strings.Join(watchers, ", "), w)))
	}
	if len(s.Turns) > 0 {
		line()
		line(st.Heading.Render("Turns"))
		for _, t := range s.Turns {
			used := t.Timer.Elapsed(t.Ended)
			entry := "  " + padRight(s.Name(t.Speaker), 16) + clock(used) + " of " + clock(t.Timer.Budget)
			switch {
			case t.Skipped:
				line(st.Subtle.Render(entry + " · skipped"))
			case used > t.Timer.Budget:
				line(st.Over.Render(entry + " · +" + clock(used-t.Timer.Budget) + " over"))
			default:
				line(st.Text.Render(entry))
			}
		}
	}
	if len(s.Blockers) > 0 {
		line()
		line(st.Heading.Render("Blockers"))
		for _, bl := range s.Blockers {
			line(st.Warn.Render("  ! "), st.Text.Render(truncate(bl.Speaker.Name+": "+bl.Text, w-4)))
		}
	}
	open, resolved, forRetro := m.parkingItems()
	if len(open)+len(resolved) > 0 {
		line()
		line(st.Heading.Render("Parking lot"))
		for _, it := range append(resolved, open...) {
			for _, l := range m.itemLines(it, false, w) {
				line(l)
			}
		}
	}
	if n := len(s.CarryOver()); n > 0 {
		line(st.Subtle.Render("  " + count(n, "topic carries", "topics carry") + " over to the team's next session (" + itoa(forRetro+countSentHere(resolved)) + " of them for the retrospective)."))
	}
	line()
	line(st.Subtle.Render("Minutes: huddle export " + s.ID + "  ·  record: huddle export " + s.ID + " --format json"))
	return strings.TrimRight(b.String(), "\n")
}

func padRight(s string, n int) string {
	if d := n - lenRunes(s); d > 0 {
		return s + repeat(" ", d)
	}
	return s + " "
}

func countSentHere(items []session.Item) int {
	n := 0
	for _, it := range items {
		if it.Status == session.SentToRetro {
			n++
		}
	}
	return n
}
