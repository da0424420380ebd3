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
// was opened). The facilitator confirms the next one not yet reviewed
// with y, or reopens it with o (it is to be taken again); both record a
// decision-reviewed event.

// nextReview is the first decision on the review list without an
// outcome; ok is false when none is left.
func (m retroPhases) nextReview() (session.LogEntry, bool) {
	for _, e := range m.state.Review {
		if e.Outcome == "" {
			return e, true
		}
	}
	return session.LogEntry{}, false
}

// reviewDecisionKeys enables y and o (the discussion's keys, which the
// review phase does not use otherwise) for the facilitator while a
// decision waits for its review.
func (m retroPhases) reviewDecisionKeys(k *retroKeyMap, fac bool) {
	if _, ok := m.nextReview(); !ok || !fac {
		return
	}
	k.ThumbUp.SetHelp("y", "confirm decision")
	k.ThumbUp.SetEnabled(true)
	k.Note.SetHelp("o", "reopen decision")
	k.Note.SetEnabled(true)
}

// reviewDecisionKey handles y and o; ok reports whether the key was one
// of them.
func (m retroPhases) reviewDecisionKey(msg tea.KeyPressMsg, k retroKeyMap) (tea.Cmd, bool) {
	e, ok := m.nextReview()
	if !ok || m.role() != session.Facilitator {
		return nil, false
	}
	switch {
	case key.Matches(msg, k.ThumbUp):
		return m.submit(session.ReviewDecision{Decision: e.Ref, Outcome: session.Confirmed}, "confirmed: "+e.Text), true
	case key.Matches(msg, k.Note):
		return m.submit(session.ReviewDecision{Decision: e.Ref, Outcome: session.Reopened}, "reopened: "+e.Text), true
	}
	return nil, false
}

// reviewDecisionLines lists the decisions to review, the next one marked
// for the facilitator.
func (m retroPhases) reviewDecisionLines(w int) []string {
	s, st := m.state, m.styles
	if len(s.Review) == 0 {
		return nil
	}
	fac := m.role() == session.Facilitator
	next, _ := m.nextReview()
	head := "Decisions to review (" + itoa(len(s.Review)) + ")"
	if fac && next.Ref != "" {
		head += st.Subtle.Render("  y confirm · o reopen")
	}
	lines := []string{"", st.Heading.Render(head)}
	for _, e := range s.Review {
		mark, text := "  ", st.Text.Render(e.Text)
		if fac && e.Ref == next.Ref {
			mark, text = st.Selected.Render("▸ "), st.Selected.Render(e.Text)
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
	return lines
}
