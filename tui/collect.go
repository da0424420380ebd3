package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// A retrospective opened for collecting (Config.Collect): in its waiting
// room members write cards already, with w, into the column tab picks.
// The cards are hidden from everyone else until the reveal and recorded
// as anonymously as in the writing phase (the domain sees to both); the
// waiting room lists one's own and says how many the others wrote.
// Editing and deleting them waits for the writing phase and its board.

// collecting reports whether this participant writes cards in the
// waiting room now.
func (m retroPhases) collecting() bool {
	return m.state.Config.Collect && m.state.Phase == session.Waiting && m.role() != session.Observer &&
		len(m.state.Config.Columns) > 0
}

// collectKeys enables the waiting room's card keys: w (the writing
// phase's add, moved off a, which marks arrivals here) and tab.
func (m retroPhases) collectKeys(k *retroKeyMap) {
	if !m.collecting() {
		return
	}
	col := m.collectCol()
	k.Add.SetKeys("w")
	k.Add.SetHelp("w", "write a card ("+m.columnName(col)+")")
	k.Add.SetEnabled(true)
	k.NextCol.SetHelp("tab", "other column")
	k.NextCol.SetEnabled(len(m.state.Config.Columns) > 1)
}

// collectCol is the column w writes into.
func (m retroPhases) collectCol() int {
	n := len(m.state.Config.Columns)
	return max(0, min(m.ui().col, n-1))
}

// collectKey handles w and tab in the waiting room; ok reports whether
// the key was one of them.
func (m retroPhases) collectKey(msg tea.KeyPressMsg, k retroKeyMap) (tea.Cmd, bool) {
	if !m.collecting() {
		return nil, false
	}
	switch {
	case key.Matches(msg, k.Add):
		return retroAsker{m.retroScreen}.askCard(m.collectCol()), true
	case key.Matches(msg, k.NextCol):
		b := m.ui()
		b.col = (m.collectCol() + 1) % len(m.state.Config.Columns)
		m.setBoard(b)
		return nil, true
	}
	return nil, false
}

// collectView is the waiting room's list of one's own cards, and how many
// the others wrote, hidden until the reveal.
func (m retroPhases) collectView(w int) string {
	if !m.collecting() {
		return ""
	}
	st := m.styles
	var mine []string
	others := 0
	for _, c := range m.state.Cards {
		switch {
		case m.mine(c):
			mine = append(mine, truncate(st.Text.Render("• "+c.Text)+st.Subtle.Render(" · "+m.columnName(c.Column)), w))
		case !c.FromStandup:
			others++
		}
	}
	head := st.Heading.Render("Cards written ahead") + st.Subtle.Render(" · hidden from the others until the reveal · w writes into "+m.columnName(m.collectCol()))
	lines := []string{truncate(head, w)}
	if len(mine) == 0 {
		lines = append(lines, st.Subtle.Render("none of yours yet"))
	}
	if len(mine) > 3 {
		lines = append(lines, mine[len(mine)-3:]...)
		lines = append(lines, st.Subtle.Render("  … and "+itoa(len(mine)-3)+" more of yours"))
	} else {
		lines = append(lines, mine...)
	}
	if others > 0 {
		lines = append(lines, st.Subtle.Render(count(others, "card", "")+" by the others"))
	}
	return strings.Join(lines, "\n")
}
