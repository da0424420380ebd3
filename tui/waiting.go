package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"huddle/session"
)

func (m *waitingRoom) waitingView(w, h int) string {
	st, s := m.styles, m.state
	at := s.Config.ScheduledAt.In(m.zone())
	var when string
	switch d := at.Sub(m.now); {
	case at.IsZero():
		when = st.Text.Render("No fixed start time") + st.Subtle.Render(" · start when ready; later arrivals count as late")
	case d > 0:
		when = st.Text.Render("Starts at "+at.Format("15:04")) + st.Subtle.Render(" · in "+session.MinSec(d))
	case d > -time.Minute:
		when = st.Text.Render("Scheduled for "+at.Format("15:04")) + st.Subtle.Render(" · now")
	default:
		when = st.Text.Render("Scheduled for "+at.Format("15:04")) + st.Late.Render(" · "+session.MinSec(d)+" past the start")
	}

	var here, missing []string
	var watching []string
	for _, p := range s.Participants {
		if p.Present && p.Role == session.Observer {
			watching = append(watching, p.Name)
			continue
		}
		if p.Present {
			line := st.Present.Render("✓ ") + st.Text.Render(p.Name)
			if p.LateBy >= time.Minute {
				line += st.Late.Render(" late " + minutes(p.LateBy))
			}
			here = append(here, line)
		}
	}
	for i, p := range m.missing() {
		label := m.waitingLabel(p) // (excused), (away), (update written): prepared.go
		mark, name := "  ", st.Missing.Render(label)
		if i == m.cursor && m.role() == session.Facilitator {
			mark, name = st.Selected.Render("▸ "), st.Selected.Render(label)
		}
		missing = append(missing, mark+name)
	}

	var agreements []string
	for _, a := range s.Config.Agreements {
		agreements = append(agreements, lipgloss.NewStyle().Width(w).Render(st.Text.Render("• "+a)))
	}
	agreed := st.Heading.Render("Agreements")
	if len(agreements) == 0 {
		agreed += "\n" + lipgloss.NewStyle().Width(w).Render(st.Subtle.Render(hints{m.common}.agreementHint()))
	} else {
		agreed += "\n" + strings.Join(agreements, "\n")
	}
	open := s.OpenCount()
	panel := 0
	if open > 0 {
		panel = min(open, 3) + 3 // a few newest items, the title and the border
	}
	// The lists get what the start line, agreements and parking lot leave.
	inv := m.invitation(w)
	if inv != "" {
		panel += 2 // the invitation's lines
	}
	rows := max(2, h-3-lipgloss.Height(agreed)-1-panel)
	colW := max(20, min(34, (w-3)/2))
	block := func(title string, lines []string, empty string, focus int) string {
		if len(lines) == 0 {
			lines = []string{st.Subtle.Render(empty)}
		}
		lines = window(lines, rows, focus, st)
		for i := range lines {
			lines[i] = truncate(lines[i], colW)
			lines[i] += repeat(" ", max(0, colW-lipgloss.Width(lines[i])))
		}
		return st.Heading.Render(title) + "\n" + strings.Join(lines, "\n")
	}
	cols := columns(w,
		block("Here ("+itoa(len(here))+")", here, "nobody yet", len(here)-1),
		block("Missing ("+itoa(len(missing))+")", missing, "everyone is here", m.cursor),
	)
	parts := []string{when, "", cols}
	if inv != "" {
		parts = []string{inv, when, "", cols}
	}
	if len(watching) > 0 {
		parts = append(parts, st.Subtle.Render(truncate("Watching: "+strings.Join(watching, ", "), w)))
	}
	parts = append(parts, "", agreed)
	if acts := s.OpenActions(); len(acts) > 0 && s.Config.Kind == session.Standup {
		lines := []string{st.Heading.Render("Open action items (" + itoa(len(acts)) + ")")}
		for i, a := range acts {
			if i == 3 {
				lines = append(lines, st.Subtle.Render("  … "+itoa(len(acts)-3)+" more"))
				break
			}
			line := "• " + a.Text + " — " + a.Owner.Name
			if !a.Due.IsZero() {
				line += " · due " + a.Due.In(m.zone()).Format("Mon 2 Jan")
			}
			lines = append(lines, truncate(st.Text.Render(line), w))
		}
		if due := dueTodayLine(acts, m.now, m.zone()); due != "" { // actions_between.go
			lines = append(lines, truncate(st.Late.Render(due), w))
		}
		parts = append(parts, "", strings.Join(lines, "\n"))
	}
	if open > 0 {
		parts = append(parts, "", m.parkingPanel(w, panel, "Parking lot · carried over and new"))
	}
	return strings.Join(parts, "\n")
}

// invitation is the facilitator's line with the join code and the
// command that joins, ready to paste; empty for everyone else and
// locally.
func (m *waitingRoom) invitation(w int) string {
	line := m.joinLine()
	if line == "" || m.role() != session.Facilitator {
		return ""
	}
	st := m.styles
	return truncate(st.Heading.Render("Join code "+m.state.Config.Code)+st.Subtle.Render(" · others join with"), w) +
		"\n" + truncate(st.Text.Render(line), w)
}

// window keeps at most n lines of a list, around the focused one, and says
// how many more there are.
func window(lines []string, n, focus int, st *Styles) []string {
	if len(lines) <= n {
		return lines
	}
	n = max(1, n-1) // one line says how many are hidden
	start := max(0, min(focus-n/2, len(lines)-n))
	out := append([]string(nil), lines[start:start+n]...)
	return append(out, st.Subtle.Render("  … "+itoa(len(lines)-n)+" more"))
}
