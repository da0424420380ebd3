package tui

import (
	tea "charm.land/bubbletea/v2"
)

// retroKey handles a key in a retrospective. (The board is being built:
// see the retrospectives issue.)
func (m Model) retroKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	return m, nil
}

// retroView renders a retrospective's phase.
func (m Model) retroView(w, h int) string {
	return m.styles.Subtle.Render(m.state.Phase.String())
}
