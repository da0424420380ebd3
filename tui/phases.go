package tui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

func (m Model) waitingKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	absent := m.state.Absent()
	switch {
	case key.Matches(msg, m.keys.Start):
		return m, m.submit(session.Start{}, "")
	case key.Matches(msg, m.keys.Up):
		m.moveCursor(-1, len(absent))
	case key.Matches(msg, m.keys.Down):
		m.moveCursor(1, len(absent))
	case key.Matches(msg, m.keys.Present):
		if m.cursor < len(absent) {
			p := absent[m.cursor]
			return m, m.submit(session.Arrive{Who: p.ID}, p.Name+" is here")
		}
	}
	return m, nil
}

func (m Model) roundsKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Next):
		return m, m.submit(session.Next{}, "")
	case key.Matches(msg, m.keys.Skip):
		return m, m.submit(session.Skip{}, "skipped: back to the end of the order")
	case key.Matches(msg, m.keys.Pause):
		if m.state.Paused {
			return m, m.submit(session.Resume{}, "")
		}
		return m, m.submit(session.Pause{}, "")
	case key.Matches(msg, m.keys.Extend):
		return m, m.submit(session.Extend{By: time.Minute}, "one more minute")
	case key.Matches(msg, m.keys.Blocker):
		label := "Blocker"
		if sp, ok := m.state.Speaker(); ok {
			label = "Blocker for " + sp.Name
		}
		return m.openPrompt(newPrompt(promptBlocker, label, m.styles))
	}
	return m, nil
}

func (m Model) parkingKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	items := m.state.Items
	switch {
	case key.Matches(msg, m.keys.Next):
		return m, m.submit(session.Next{}, "")
	case key.Matches(msg, m.keys.Up):
		m.moveCursor(-1, len(items))
		return m, nil
	case key.Matches(msg, m.keys.Down):
		m.moveCursor(1, len(items))
		return m, nil
	}
	if m.cursor >= len(items) {
		return m, nil
	}
	it := items[m.cursor]
	var p *prompt
	switch {
	case key.Matches(msg, m.keys.Stay):
		p = newPrompt(promptStay, "Who needs to stay for #"+itoa(it.ID)+"?", m.styles)
		p.input.SetSuggestions(names(m.state.Participants))
	case key.Matches(msg, m.keys.Discuss):
		p = newPrompt(promptDiscussed, "Note on #"+itoa(it.ID)+" (optional)", m.styles)
	case key.Matches(msg, m.keys.Decide):
		p = newPrompt(promptDecision, "Decision on #"+itoa(it.ID), m.styles)
	case key.Matches(msg, m.keys.Retro):
		return m, m.submit(session.Resolve{Item: it.ID, Status: session.SentToRetro}, "sent to the next retrospective")
	case key.Matches(msg, m.keys.Drop):
		return m, m.submit(session.Resolve{Item: it.ID, Status: session.Dropped}, "dropped")
	default:
		return m, nil
	}
	p.item = it.ID
	return m.openPrompt(p)
}
