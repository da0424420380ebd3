package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"huddle/session"
)

// The door: who knocks waits for the facilitator, who lets them in as a
// guest or as a roster member, or turns them away; the facilitator can
// also remove someone from the session.

var (
	doorKey   = key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "answer the door"))
	removeKey = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "remove someone"))
)

// knocking reports whether this participant is waiting at the door.
func (m *common) knocking() bool {
	if m.opts.Key == "" {
		return false
	}
	if p, ok := m.self(); ok && p.Key == m.opts.Key {
		return false // in with the key: what ByKey would find, without looking at everyone
	}
	if _, in := m.state.ByKey(m.opts.Key); in {
		return false
	}
	_, waiting := m.state.Knocker(m.opts.Key)
	return waiting
}

// barred reports whether the facilitator removed this key or turned it
// away.
func (m *common) barred() bool { return m.opts.Key != "" && m.state.Barred[m.opts.Key] }

// Barred reports whether the program ended because the facilitator
// removed the participant or turned them away.
func (m *Model) Barred() bool { return m.barred() }

// follow makes the model the participant its key became: a knocker let
// in as a roster member is that member from now on.
func (m *Model) follow() {
	if m.opts.Key == "" {
		return
	}
	if p, ok := m.state.ByKey(m.opts.Key); ok && p.ID != m.me {
		m.me = p.ID
		m.viewer = m.room.Viewer(p.ID)
		m.queue.become(p.ID)
	}
}

func (m *common) knockingView(w, h int) string {
	st := m.styles
	kind := m.state.Config.Kind.Noun()
	msg := st.Heading.Render("You are at the door of the "+m.state.Config.Team+" "+kind+".") + "\n\n" +
		st.Text.Render("Waiting for the facilitator to let you in…") + "\n" +
		st.Subtle.Render("Your key is not one of the team's yet. q leaves.")
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, msg)
}

// doorLine is the facilitator's notice of who is at the door.
func (m *common) doorLine(w int) string {
	if m.role() != session.Facilitator || len(m.state.Knocking) == 0 || m.opts.SharedKeyboard {
		return ""
	}
	var names []string
	for _, k := range m.state.Knocking {
		n := k.Name
		if k.Observer {
			n += " (to watch)"
		}
		names = append(names, n)
	}
	return truncate(m.styles.Late.Render("⚑ at the door: "+strings.Join(names, ", ")+" · D to answer"), w)
}

// doorKeys handles the facilitator's door and remove keys, in every
// phase. It reports whether it took the key.
func (m *Model) doorKeys(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if m.role() != session.Facilitator || m.opts.SharedKeyboard || m.state.Phase == session.Closed {
		return nil, false
	}
	switch {
	case key.Matches(msg, doorKey) && len(m.state.Knocking) > 0:
		k := m.state.Knocking[0]
		label := k.Name + " is at the door: g let in as a guest · m as a member · x turn away · esc later"
		return m.openPrompt(newQuestion(label, m.styles, m.doorAnswer(k.Key, k.Name))), true
	case key.Matches(msg, removeKey):
		p := newPrompt("Remove from the session", m.styles, m.removeCommand)
		var here []string
		for _, q := range m.state.Participants {
			if q.ID != m.me && !q.Removed && (q.Present || !q.Arrived.IsZero()) {
				here = append(here, q.Name)
			}
		}
		p.input.SetSuggestions(here)
		return m.openPrompt(p), true
	}
	return nil, false
}

// doorAnswer is the continuation of the door's question about the
// knocking key: g lets them in as a guest, m asks as which member, x
// turns them away, esc leaves them knocking.
func (m *Model) doorAnswer(knock, who string) func(key string) func() tea.Cmd {
	return func(key string) func() tea.Cmd {
		switch key {
		case "g", "G":
			return func() tea.Cmd { return m.submit(session.Admit{Key: knock}, who+" is in, as a guest") }
		case "m", "M":
			return func() tea.Cmd {
				q := newPrompt("Let "+who+" in as which member", m.styles, func(as string) tea.Cmd {
					return m.submit(session.Admit{Key: knock, As: as}, who+" is in, as "+session.CleanName(as))
				})
				var free []string
				for _, x := range m.state.Participants {
					if x.Expected && x.Key == "" && !x.Present && !x.Removed {
						free = append(free, x.Name)
					}
				}
				q.input.SetSuggestions(free)
				return m.openPrompt(q)
			}
		case "x", "X":
			return func() tea.Cmd { return m.submit(session.TurnAway{Key: knock}, who+" was turned away") }
		case "esc":
			return func() tea.Cmd { return nil }
		}
		return nil
	}
}

// removeCommand is the confirmed remove prompt.
func (m *common) removeCommand(value string) tea.Cmd {
	who, ok := m.findByName(value)
	if !ok {
		return m.queue.fail(errNoSuchName(value))
	}
	return m.submit(session.Remove{Who: who.ID}, who.Name+" was removed; what they added stays")
}
