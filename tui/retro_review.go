package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// earlierActions are the action items this retrospective reviews: those
// agreed in earlier sessions.
func (m retroPhases) earlierActions() []session.Action {
	var out []session.Action
	for _, a := range m.state.Actions {
		if a.Session != m.state.ID {
			out = append(out, a)
		}
	}
	return out
}

// reviewKey moves one cursor over the earlier action items, then the
// decisions to review, and for the facilitator gives the selected action
// item its status (a decision its outcome: retro_decisions.go).
func (m retroPhases) reviewKey(msg tea.KeyPressMsg, k retroKeyMap) tea.Cmd {
	if cmd, ok := m.reviewDecisionKey(msg, k); ok {
		return cmd
	}
	n := m.reviewRows()
	if n == 0 {
		return nil
	}
	acts := m.earlierActions()
	b := m.ui()
	b.row = m.reviewRow()
	switch {
	case key.Matches(msg, k.Up): // no wrap: the list has a top and an end
		b.row = max(0, b.row-1)
	case key.Matches(msg, k.Down):
		b.row = min(n-1, b.row+1)
	case key.Matches(msg, k.Done, k.Carry, k.Drop) && b.row < len(acts):
		a := acts[b.row]
		status := session.ActionDone
		switch {
		case key.Matches(msg, k.Carry):
			status = session.ActionNotDone
		case key.Matches(msg, k.Drop):
			status = session.ActionDropped
		}
		b.row = min(b.row+1, n-1) // on to the next item, or the first decision
		m.setBoard(b)
		return m.submit(session.ReviewAction{Action: a.ID, Status: status}, "#"+itoa(a.ID)+" "+statusWords(status))
	}
	m.setBoard(b)
	return nil
}

// statusWords says what a review made of an action item.
func statusWords(s session.ActionStatus) string {
	switch s {
	case session.ActionDone:
		return "done"
	case session.ActionNotDone:
		return "not done: carried on"
	case session.ActionDropped:
		return "dropped"
	}
	return "open"
}

// reviewView lists the earlier action items with their status, and the
// topics stand-ups sent here.
func (m retroPhases) reviewView(w, h int) string {
	st := m.styles
	acts := m.earlierActions()
	row := m.reviewRow()
	fac := m.role() == session.Facilitator
	var lines []string
	sel := 0
	if len(acts) == 0 {
		lines = append(lines, st.Heading.Render("Action items from earlier sessions"),
			st.Subtle.Render("none open: nothing to review"))
	} else {
		head := "Action items from earlier sessions (" + itoa(len(acts)) + ")"
		if fac {
			head += st.Subtle.Render("  d done · c not done, carry on · x drop")
		}
		lines = append(lines, st.Heading.Render(head))
		for i, a := range acts {
			if i == row {
				sel = len(lines)
			}
			lines = append(lines, m.actionLine(a, fac && i == row, w))
		}
	}
	decisions, dsel := m.reviewDecisionLines(w) // retro_decisions.go
	if dsel >= 0 {
		sel = len(lines) + dsel
	}
	lines = append(lines, decisions...)
	if cards := m.standupCards(); len(cards) > 0 {
		lines = append(lines, "", st.Heading.Render("Topics from the stand-ups ("+itoa(len(cards))+")")+
			st.Subtle.Render("  they are cards on the board"))
		for _, c := range cards {
			line := st.Text.Render("• " + c.Text)
			if !m.state.Config.Anonymous && c.Author.Name != "" {
				line += st.Subtle.Render(" · raised by " + c.Author.Name)
			}
			lines = append(lines, truncate(line, w))
		}
	}
	return strings.Join(scrollTo(lines, sel, sel+1, h, st), "\n")
}

// actionLine renders an action item: text, owner, due date and status.
func (m retroPhases) actionLine(a session.Action, selected bool, w int) string {
	st := m.styles
	mark, text := "  ", st.Text.Render(a.Text)
	if selected {
		mark, text = st.Selected.Render("▸ "), st.Selected.Render(a.Text)
	}
	meta := " — " + a.Owner.Name
	if !a.Due.IsZero() {
		meta += " · due " + a.Due.In(m.zone()).Format("Mon 2 Jan")
		if a.Carries() && a.Due.Before(m.now) {
			meta += " (overdue)"
		}
	}
	status := st.Subtle.Render(" · " + a.Status.String())
	switch a.Status {
	case session.ActionDone:
		status = st.Notice.Render(" ✓ done")
	case session.ActionNotDone:
		status = st.Late.Render(" → carried on")
	case session.ActionDropped:
		status = st.Subtle.Render(" ✗ dropped")
	}
	if between := betweenWords(a, m.zone()); between != "" {
		status += st.Subtle.Render(" · " + between) // between meetings: actions_between.go
	}
	return truncate(mark+st.Subtle.Render("#"+itoa(a.ID)+" ")+text+st.Subtle.Render(meta)+status, w)
}
