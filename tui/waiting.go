package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"huddle/session"
)

func (m Model) waitingView(w, h int) string {
	st, s := m.styles, m.state
	at := s.Config.ScheduledAt.Local()
	var when string
	switch d := at.Sub(m.now); {
	case at.IsZero():
		when = st.Text.Render("No fixed start time") + st.Subtle.Render(" · start when ready; later arrivals count as late")
	case d > 0:
		when = st.Text.Render("Starts at "+at.Format("15:04")) + st.Subtle.Render(" · in "+clock(d))
	case d > -time.Minute:
		when = st.Text.Render("Scheduled for "+at.Format("15:04")) + st.Subtle.Render(" · now")
	default:
		when = st.Text.Render("Scheduled for "+at.Format("15:04")) + st.Late.Render(" · "+clock(d)+" past the start")
	}

	var here, missing []string
	for _, p := range s.Participants {
		if p.Present {
			line := st.Present.Render("✓ ") + st.Text.Render(p.Name)
			if p.LateBy >= 60e9 {
				line += st.Late.Render(" late " + minutes(p.LateBy))
			}
			here = append(here, line)
		}
	}
	for i, p := range s.Absent() {
		mark, name := "  ", st.Missing.Render(p.Name)
		if i == m.cursor && m.role() == session.Facilitator {
			mark, name = st.Selected.Render("▸ "), st.Selected.Render(p.Name)
		}
		missing = append(missing, mark+name)
	}
	colW := max(18, (w-6)/3)
	block := func(title string, lines []string, empty string) string {
		if len(lines) == 0 {
			lines = []string{st.Subtle.Render(empty)}
		}
		for i := range lines {
			lines[i] = truncate(lines[i], colW)
			lines[i] += strings.Repeat(" ", max(0, colW-lipgloss.Width(lines[i])))
		}
		return st.Heading.Render(title) + "\n" + strings.Join(lines, "\n")
	}
	var agreements []string
	for _, a := range s.Config.Agreements {
		agreements = append(agreements, st.Text.Render("• "+a))
	}
	cols := columns(w,
		block("Here ("+itoa(len(here))+")", here, "nobody yet"),
		block("Missing ("+itoa(len(s.Absent()))+")", missing, "everyone is here"),
		block("Agreements", agreements, "none yet"),
	)
	parts := []string{when, "", cols}
	if open := s.OpenItems(); len(open) > 0 {
		parts = append(parts, "", m.parkingPanel(w, max(3, h-strings.Count(cols, "\n")-5), "Parking lot · carried over and new"))
	}
	return strings.Join(parts, "\n")
}
