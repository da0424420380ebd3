package tui

import (
	"strings"

	"huddle/session"
)

// The rounds of a stand-up show, in the turn of a member who is not here
// but wrote their update beforehand (huddle prep, ssh HOST prep), what
// they wrote, for the facilitator to read out or skip. If they come after
// all and speak in their turn, their turn replaces it (the domain marks
// it replaced) and it is no longer shown.

// preparedNote is the written update of the speaker whose turn it stands
// in for, in lines of at most w cells; empty for anyone else.
func (m *standupScreen) preparedNote(id session.ParticipantID, w int) string {
	st, s := m.styles, m.state
	pr, ok := s.PreparedBy(id)
	p, _ := s.Participant(id)
	if !ok || pr.Replaced || p.Present {
		return ""
	}
	hint := " · read it out, or move on"
	if m.role() != session.Facilitator {
		hint = ""
	}
	lines := []string{st.PanelTitle.Render(truncate(pr.Who.Name+" · written "+pr.Written.In(m.zone()).Format("Mon 15:04"), w)) + st.Subtle.Render(truncate(hint, max(0, w-30)))}
	part := func(label, text string) {
		for i, l := range wrapText(text, w-12, 2) {
			if i == 0 {
				l = st.Subtle.Render(label) + st.Text.Render(l)
			} else {
				l = repeat(" ", len(label)) + st.Text.Render(l)
			}
			lines = append(lines, l)
		}
	}
	if pr.Yesterday != "" {
		part("yesterday  ", pr.Yesterday)
	}
	if pr.Today != "" {
		part("today      ", pr.Today)
	}
	for _, b := range pr.Blockers {
		part("blocker    ", b)
	}
	return strings.Join(lines, "\n")
}

// absentLabel is a missing participant's name as the waiting room and the
// rounds list it: excused (they said beforehand they would be away), or
// away (they were here and left).
func absentLabel(p session.Participant) string {
	switch {
	case p.Excused && p.Arrived.IsZero():
		return p.Name + " (excused)"
	case !p.AwaySince.IsZero():
		return p.Name + " (away)"
	}
	return p.Name
}

// waitingLabel is absentLabel in the waiting room, which also says who
// wrote their update beforehand: their turn will show it.
func (m *common) waitingLabel(p session.Participant) string {
	label := absentLabel(p)
	if pr, ok := m.state.PreparedBy(p.ID); ok && !pr.Replaced {
		label += " (update written)"
	}
	return label
}
