package tui

import (
	"charm.land/bubbles/v2/help"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// standupScreen is the stand-up's screen: the waiting room, the rounds,
// the parking lot and the summary, with their keys.
type standupScreen struct {
	*common
	waitingRoom
}

// promptKey: the stand-up's prompt is the root's (Model.promptKey).
func (m *standupScreen) promptKey(tea.KeyPressMsg) (tea.Cmd, bool) { return nil, false }

func (m *standupScreen) shared() sharedKeys {
	k := &m.keys
	return sharedKeys{Help: k.Help, Park: k.Park, End: k.End, HandOver: k.HandOver, TakeOver: k.TakeOver}
}

func (m *standupScreen) ask(a retroAsk) tea.Cmd {
	switch a {
	case askPark:
		p := newPrompt("Park a topic", m.styles, m.park)
		p.mentions = true
		return m.openPrompt(p)
	case askEnd:
		return m.confirm("End the stand-up now? (y/n)", session.End{}, "the stand-up has ended")
	}
	p := newPrompt("Hand the facilitator role to", m.styles, m.handOver)
	p.input.SetSuggestions(presentMembers(m.state))
	return m.openPrompt(p)
}

// key handles the stand-up's own keys: an arrival, and the phase's.
func (m *standupScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := m.correctionKey(msg); ok {
		return cmd
	}
	if key.Matches(msg, m.keys.Arrive) {
		p := newPrompt("Who arrived?", m.styles, m.arriveTyped)
		p.input.SetSuggestions(names(m.state.Absent()))
		return m.openPrompt(p)
	}
	switch m.state.Phase {
	case session.Waiting:
		return m.waitingKey(msg)
	case session.Rounds:
		return m.roundsKey(msg)
	case session.Parking:
		return m.parkingKey(msg)
	}
	return nil
}

// update hands a paste to the open prompt.
func (m *standupScreen) update(msg tea.Msg) tea.Cmd {
	if m.prompt != nil {
		return m.updatePrompt(msg)
	}
	return nil
}

// view draws the phase's body.
func (m *standupScreen) view(w, h int) string {
	switch m.state.Phase {
	case session.Waiting:
		return m.waitingView(w, h)
	case session.Rounds:
		return m.roundsView(w, h)
	}
	return m.parkingView(w, h)
}

func (m *standupScreen) helpKeys() help.KeyMap { return &m.keys }

// waitingRoom is the waiting room of either kind: who is here, who is
// missing, and the facilitator's arrivals and start.
type waitingRoom struct{ *common }

func (m *waitingRoom) waitingKey(msg tea.KeyPressMsg) tea.Cmd {
	absent := m.missing()
	switch {
	case key.Matches(msg, m.keys.Start):
		return m.submit(session.Start{}, "")
	case key.Matches(msg, m.keys.Up):
		m.moveCursor(-1, len(absent))
	case key.Matches(msg, m.keys.Down):
		m.moveCursor(1, len(absent))
	case key.Matches(msg, m.keys.Present):
		if m.cursor < len(absent) {
			p := absent[m.cursor]
			if m.arriving == nil {
				m.arriving = map[session.ParticipantID]bool{}
			}
			m.arriving[p.ID] = true
			m.clampCursor()
			submit := m.submit(session.Arrive{Who: p.ID}, p.Name+" is here")
			return func() tea.Msg {
				done := submit().(doneMsg)
				done.arrived = p.ID
				return done
			}
		}
	}
	return nil
}

func (m *standupScreen) roundsKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Next):
		sp, _ := m.state.Speaker()
		next := session.Next{Speaker: sp.ID}
		if !m.state.HasUpcoming() && m.state.OpenCount() == 0 {
			// The last turn, and no parking lot to go to: this n ends
			// the stand-up, which always asks.
			return m.confirm("Last turn: end the stand-up? (y/n)", next, "the stand-up has ended")
		}
		return m.submit(next, "")
	case key.Matches(msg, m.keys.Skip):
		sp, _ := m.state.Speaker()
		return m.submit(session.Skip{Speaker: sp.ID}, sp.Name+" goes to the end of the order")
	case key.Matches(msg, m.keys.Pause):
		if m.state.Paused {
			return m.submit(session.Resume{}, "")
		}
		return m.submit(session.Pause{}, "")
	case key.Matches(msg, m.keys.Extend):
		return m.submit(session.Extend{By: time.Minute}, "one more minute")
	case key.Matches(msg, m.keys.Blocker):
		// A member's blocker is their own; the facilitator notes one for
		// the speaker, or for whoever the text starts with @Name.
		if m.role() != session.Facilitator {
			p := newPrompt("Your blocker", m.styles, m.blocker(m.me))
			p.mentions = true
			return m.openPrompt(p)
		}
		sp, _ := m.state.Speaker()
		p := newPrompt("Blocker for "+sp.Name+" (@Name: someone else)", m.styles, m.blocker(sp.ID))
		p.mentions = true
		var whom []string
		for _, q := range m.state.Participants {
			if q.Role != session.Observer {
				whom = append(whom, "@"+q.Name+" ")
			}
		}
		p.input.SetSuggestions(whom)
		return m.openPrompt(p)
	}
	return nil
}

func (m *standupScreen) parkingKey(msg tea.KeyPressMsg) tea.Cmd {
	open, _, _ := m.parkingItems()
	switch {
	case key.Matches(msg, m.keys.Next):
		// Leaving the parking lot ends the stand-up: it always asks, so
		// that a quick second n after the last turn cannot skip the
		// topics (and an n while it asks answers no).
		label := "End the stand-up? (y/n)"
		if len(open) > 0 {
			label = "End with " + count(len(open), "topic", "") + " still open in the parking lot? (y/n)"
		}
		return m.confirm(label, session.Next{}, "the stand-up has ended")
	case key.Matches(msg, m.keys.Up):
		m.moveCursor(-1, len(open))
		m.keys.setFor(m.state, m.role(), false) // E and X follow the selected topic
		return nil
	case key.Matches(msg, m.keys.Down):
		m.moveCursor(1, len(open))
		m.keys.setFor(m.state, m.role(), false)
		return nil
	}
	it, ok := m.selectedItem()
	if !ok {
		return nil
	}
	var p *prompt
	switch {
	case key.Matches(msg, m.keys.Stay):
		p = newPrompt("Who needs to stay for #"+itoa(it.ID)+"?", m.styles, m.stay(it.ID))
		p.input.SetSuggestions(names(m.state.Participants))
	case key.Matches(msg, m.keys.Discuss):
		p = newPrompt("Note on #"+itoa(it.ID)+" (optional)", m.styles, func(note string) tea.Cmd {
			return m.submit(session.Resolve{Item: it.ID, Status: session.Discussed, Note: note}, "marked as discussed")
		})
		p.optional = true
	case key.Matches(msg, m.keys.Decide):
		p = newPrompt("Decision on #"+itoa(it.ID), m.styles, func(note string) tea.Cmd {
			return m.submit(session.Resolve{Item: it.ID, Status: session.Decided, Note: note}, "decision recorded")
		})
	case key.Matches(msg, m.keys.Retro):
		return m.submit(session.Resolve{Item: it.ID, Status: session.SentToRetro}, "#"+itoa(it.ID)+" goes to the next retrospective")
	case key.Matches(msg, m.keys.Drop):
		return m.submit(session.Resolve{Item: it.ID, Status: session.Dropped}, "#"+itoa(it.ID)+" dropped")
	default:
		return nil
	}
	return m.openPrompt(p)
}

// blocker is the answer to the blocker prompt: a blocker of the speaker,
// or at the facilitator's "@Name …" of someone else.
func (m *standupScreen) blocker(speaker session.ParticipantID) func(string) tea.Cmd {
	return func(value string) tea.Cmd {
		who, text := speaker, value
		if m.role() == session.Facilitator && strings.HasPrefix(value, "@") {
			q, rest, err := m.mentionAt(value[1:])
			if err != nil {
				return m.queue.fail(err)
			}
			who, text = q.ID, strings.TrimSpace(rest)
		}
		notice := "blocker noted"
		if q, ok := m.state.Participant(who); ok {
			notice = "blocker noted for " + q.Name
		}
		return m.submit(session.NoteBlocker{Speaker: who, Text: text}, notice)
	}
}

// stay is the answer to "Who needs to stay for #N?": it marks them, or
// unmarks one marked already.
func (m *standupScreen) stay(item int) func(string) tea.Cmd {
	return func(value string) tea.Cmd {
		who, ok := m.findByName(value)
		if !ok {
			return m.queue.fail(errNoSuchName(value))
		}
		it, _ := m.state.Item(item)
		stay := !it.Stays(who.ID)
		notice := who.Name + " stays for #" + itoa(item)
		if !stay {
			notice = who.Name + " no longer needs to stay"
		}
		return m.submit(session.Stay{Item: item, Who: who.ID, Stay: stay}, notice)
	}
}
