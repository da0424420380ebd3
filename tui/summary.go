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
	sum := session.Summarize(m.state)
	st := m.styles
	var b strings.Builder
	line := func(parts ...string) { b.WriteString(strings.Join(parts, "") + "\n") }

	line(st.Heading.Render(sum.Kind.Title()+" of "+sum.Team), st.Subtle.Render(" · "+sum.Created.In(m.zone()).Format("Mon 2 Jan 2006, 15:04")))
	line(m.summaryDuration(sum, "Ended before the rounds started."))
	line()
	line(st.Heading.Render("Attendance"))
	for _, a := range sum.Attendance {
		switch {
		case !a.Came() && a.Excused:
			line(st.Missing.Render("  · "+a.Name), st.Subtle.Render(" excused"))
		case !a.Came():
			line(st.Missing.Render("  · "+a.Name), st.Subtle.Render(" absent"))
		case a.Late():
			line(st.Late.Render("  ! "+a.Name), st.Late.Render(" late by "+minutes(a.LateBy)))
		default:
			line(st.Present.Render("  ✓ "+a.Name), st.Subtle.Render(" on time"))
		}
	}
	if len(sum.Watchers) > 0 {
		line(st.Subtle.Render(truncate("  Watching (not attending): "+strings.Join(sum.Watchers, ", "), w)))
	}
	if len(sum.Turns) > 0 {
		line()
		line(st.Heading.Render("Turns"))
		for _, t := range sum.Turns {
			entry := "  " + padRight(t.Speaker, 16) + session.MinSec(t.Used) + " of " + session.MinSec(t.Budget)
			switch {
			case t.Skipped:
				line(st.Subtle.Render(entry + " · skipped"))
			case t.Over() > 0:
				line(st.Over.Render(entry + " · +" + session.MinSec(t.Over()) + " over"))
			default:
				line(st.Text.Render(entry))
			}
		}
	}
	if len(sum.Blockers) > 0 {
		line()
		line(st.Heading.Render("Blockers"))
		for _, bl := range sum.Blockers {
			line(st.Warn.Render("  ! "), st.Text.Render(truncate(bl.Speaker+": "+bl.Text, w-4)))
		}
	}
	m.summaryParkingLot(line, w)
	if sum.CarryOver > 0 {
		forRetro := 0
		for _, it := range sum.Parked {
			if it.Status == session.SentToRetro {
				forRetro++
			}
		}
		line(st.Subtle.Render("  " + count(sum.CarryOver, "topic carries", "topics carry") + " over to the team's next session (" + itoa(forRetro) + " of them for the retrospective)."))
	}
	line()
	for _, l := range m.summaryFooter(sum) {
		line(l)
	}
	return strings.TrimRight(b.String(), "\n")
}

// summaryDuration is the closing screens' line of how long the session
// took against its time-box, or notStarted.
func (m *common) summaryDuration(sum session.Summary, notStarted string) string {
	st := m.styles
	if sum.Started.IsZero() {
		return st.Subtle.Render(notStarted)
	}
	verdict := st.Notice.Render(" · within the time-box")
	if sum.Over() > 0 {
		verdict = st.Over.Render(" · over by " + session.MinSec(sum.Over()))
	}
	return st.Text.Render("Duration "+session.MinSec(sum.Took)+" of "+session.MinSec(sum.Budget)) + verdict
}

// summaryParkingLot writes the parking lot as the parking phase shows it,
// the items resolved first, if there are any.
func (m *common) summaryParkingLot(line func(...string), w int) {
	open, resolved, _ := m.parkingItems()
	if len(open)+len(resolved) == 0 {
		return
	}
	line()
	line(m.styles.Heading.Render("Parking lot"))
	for _, it := range append(resolved, open...) {
		for _, l := range m.itemLines(it, false, w) {
			line(l)
		}
	}
}

// summaryFooter says how to export the minutes and the record and, for a
// session of a team, how to see the team's decision log, with commands
// that work where the participant is (see exportHint).
// One line each.
func (m *common) summaryFooter(sum session.Summary) []string {
	out := []string{m.styles.Subtle.Render(hints{m}.exportHint(sum.ID))}
	if h := (hints{m}).decisionLogHint(); h != "" {
		out = append(out, m.styles.Subtle.Render(h))
	}
	return out
}

func padRight(s string, n int) string {
	if d := n - lenRunes(s); d > 0 {
		return s + repeat(" ", d)
	}
	return s + " "
}
