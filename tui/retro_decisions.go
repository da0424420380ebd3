package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// The review phase of a retrospective lists, after the earlier action
// items, the team's decisions taken with members absent and those a
// member asked to review (State.Review, filled when the retrospective
// was opened). One cursor (↑/↓) goes over the action items, then the
// decisions; on a decision the facilitator confirms it with y or reopens
// it with o (it is to be taken again), and may change an outcome given
// before the same way. Both record a decision-reviewed event.

// reviewRows is how many rows the review phase's cursor goes over: the
// earlier action items, then the decisions to review.
func (m retroPhases) reviewRows() int { return len(m.earlierActions()) + len(m.state.Review) }

// reviewRow is the cursor's row, kept inside the list.
func (m retroPhases) reviewRow() int { return max(0, min(m.ui().row, m.reviewRows()-1)) }

// selectedDecision is the decision under the cursor; ok is false when the
// cursor is on an action item or there is no decision to review.
func (m retroPhases) selectedDecision() (session.LogEntry, bool) {
	i := m.reviewRow() - len(m.earlierActions())
	if i < 0 || i >= len(m.state.Review) {
		return session.LogEntry{}, false
	}
	return m.state.Review[i], true
}

// reviewDecisionKeys enables y and o (the discussion's keys, which the
// review phase does not use otherwise) for the facilitator while the
// cursor is on a decision.
func (m retroPhases) reviewDecisionKeys(k *retroKeyMap, fac bool) {
	e, ok := m.selectedDecision()
	if !ok || !fac {
		return
	}
	confirm, reopen := "confirm decision", "reopen decision"
	if e.Outcome != "" {
		confirm, reopen = "change to confirmed", "change to reopened"
	}
	k.ThumbUp.SetHelp("y", confirm)
	k.ThumbUp.SetEnabled(e.Outcome != session.Confirmed)
	k.Note.SetHelp("o", reopen)
	k.Note.SetEnabled(e.Outcome != session.Reopened)
}

// reviewDecisionKey handles y and o on the decision under the cursor and
// moves on to the next row; ok reports whether the key was one of them.
func (m retroPhases) reviewDecisionKey(msg tea.KeyPressMsg, k retroKeyMap) (tea.Cmd, bool) {
	e, ok := m.selectedDecision()
	if !ok || m.role() != session.Facilitator {
		return nil, false
	}
	outcome, words := session.Confirmed, "confirmed: "
	switch {
	case key.Matches(msg, k.ThumbUp):
	case key.Matches(msg, k.Note):
		outcome, words = session.Reopened, "reopened: "
	default:
		return nil, false
	}
	if e.Outcome == outcome {
		return nil, true // it is so already
	}
	b := m.ui()
	b.row = min(m.reviewRow()+1, m.reviewRows()-1)
	m.setBoard(b)
	return m.submit(session.ReviewDecision{Decision: e.Ref, Outcome: outcome}, words+e.Text), true
}

// reviewDecisionLines lists the decisions to review, the one under the
// cursor marked for the facilitator; sel is that one's line (-1: the
// cursor is not on a decision).
func (m retroPhases) reviewDecisionLines(w int) (lines []string, sel int) {
	s, st := m.state, m.styles
	sel = -1
	if len(s.Review) == 0 {
		return nil, sel
	}
	fac := m.role() == session.Facilitator
	cur, onDecision := m.selectedDecision()
	head := "Decisions to review (" + itoa(len(s.Review)) + ")"
	if fac {
		head += st.Subtle.Render("  ↑/↓ select · y confirm · o reopen")
	}
	lines = []string{"", st.Heading.Render(head)}
	for _, e := range s.Review {
		mark, text := "  ", st.Text.Render(e.Text)
		if onDecision && e.Ref == cur.Ref {
			sel = len(lines) // scrolled to for everyone, marked for the facilitator
			if fac {
				mark, text = st.Selected.Render("▸ "), st.Selected.Render(e.Text)
			}
		}
		var why []string
		if len(e.Absent) > 0 {
			why = append(why, "absent: "+strings.Join(e.Absent, ", "))
		}
		for _, r := range e.Reviews {
			ask := "review asked by " + r.Who
			if r.Reason != "" {
				ask += " (" + r.Reason + ")"
			}
			why = append(why, ask)
		}
		meta := " — " + e.At.In(m.zone()).Format("2 Jan") + " · " + strings.Join(why, " · ")
		status := ""
		switch e.Outcome {
		case session.Confirmed:
			status = st.Notice.Render(" ✓ confirmed")
		case session.Reopened:
			status = st.Late.Render(" ↺ reopened")
		}
		lines = append(lines, truncate(mark+text+st.Subtle.Render(meta)+status, w))
	}
	return lines, sel
}
