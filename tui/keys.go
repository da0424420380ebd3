package tui

import (
	"time"

	"charm.land/bubbles/v2/key"

	"huddle/session"
)

// KeyMap is every key binding of the interface. Bindings are switched on
// and off per phase and role (see setFor), so the generated help only ever
// shows keys that do something now.
type KeyMap struct {
	Start    key.Binding
	Next     key.Binding
	Pause    key.Binding
	Extend   key.Binding
	Skip     key.Binding
	Park     key.Binding
	Blocker  key.Binding
	Arrive   key.Binding
	Present  key.Binding
	Up       key.Binding
	Down     key.Binding
	Stay     key.Binding
	Discuss  key.Binding
	Decide   key.Binding
	Retro    key.Binding
	Drop     key.Binding
	End      key.Binding
	HandOver key.Binding
	TakeOver key.Binding
	Invite   key.Binding // the join code again: see Options.JoinCommand
	Help     key.Binding
	Quit     key.Binding
	Confirm  key.Binding
	Cancel   key.Binding
	Complete key.Binding

	scrolling bool      // the summary: ↑/↓ belong in the footer
	now       time.Time // the screen's clock: t is offered once it would work
	shared    bool      // the shared keyboard, which facilitates: no f
	completes bool      // the open prompt completes something with tab (see prompt.completes)
}

// DefaultKeyMap returns huddle's keys, as documented in the README.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Start:    b("n", "start", "n"),
		Next:     b("n", "next", "n"),
		Pause:    b("space", "pause", "space"),
		Extend:   b("+", "+1m", "+", "="),
		Skip:     b("s", "skip", "s"),
		Park:     b("p", "park", "p"),
		Blocker:  b("b", "blocker", "b"),
		Arrive:   b("a", "arrival", "a"),
		Present:  b("enter", "mark present", "enter"),
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		Stay:     b("s", "stays", "s"),
		Discuss:  b("d", "discussed", "d"),
		Decide:   b("c", "decision", "c"),
		Retro:    b("r", "retro", "r"),
		Drop:     b("x", "drop", "x"),
		End:      b("e", "end now", "e"),
		HandOver: b("f", "hand over", "f"),
		TakeOver: b("t", "take over", "t"),
		Invite:   b("i", "join code", "i"),
		Help:     b("?", "more", "?"),
		Quit:     b("q", "quit", "q", "ctrl+c"),
		Confirm:  b("enter", "confirm", "enter"),
		Cancel:   b("esc", "cancel", "esc"),
		Complete: b("tab", "complete", "tab"),
	}
}

// setFor enables the bindings that act in the state for a participant of
// the role, and whether a prompt is open.
func (k *KeyMap) setFor(s *session.State, role session.Role, prompting bool) {
	fac := role == session.Facilitator
	act := role != session.Observer
	open := len(s.OpenItems()) > 0
	phase := s.Phase
	all := []*key.Binding{&k.Start, &k.Next, &k.Pause, &k.Extend, &k.Skip, &k.Park, &k.Blocker, &k.Arrive,
		&k.Present, &k.Up, &k.Down, &k.Stay, &k.Discuss, &k.Decide, &k.Retro, &k.Drop, &k.End, &k.HandOver, &k.TakeOver}
	for _, b := range all {
		b.SetEnabled(false)
	}
	k.Confirm.SetEnabled(prompting)
	k.Cancel.SetEnabled(prompting)
	k.Complete.SetEnabled(prompting && k.completes)
	k.Help.SetEnabled(!prompting)
	k.Quit.SetEnabled(!prompting)
	k.scrolling = phase == session.Closed
	if prompting || phase == session.Closed {
		k.Up.SetEnabled(phase == session.Closed && !prompting)
		k.Down.SetEnabled(phase == session.Closed && !prompting)
		return
	}
	k.Park.SetEnabled(act)
	k.Arrive.SetEnabled(fac)
	k.End.SetEnabled(fac)
	k.HandOver.SetEnabled(fac && !k.shared && s.Facilitator != "" && len(presentMembers(s)) > 0)
	if wait, here := session.TakeOverWait(s, k.now); role == session.Member && !here && wait == 0 && !s.Created.IsZero() {
		k.TakeOver.SetEnabled(true)
	}
	switch phase {
	case session.Waiting:
		k.Start.SetEnabled(fac)
		k.Present.SetEnabled(fac && len(s.Absent()) > 0)
		k.Up.SetEnabled(fac && len(s.Absent()) > 1)
		k.Down.SetEnabled(fac && len(s.Absent()) > 1)
	case session.Rounds:
		k.Next.SetEnabled(fac)
		k.Pause.SetEnabled(fac)
		k.Extend.SetEnabled(fac)
		k.Skip.SetEnabled(fac && len(s.Upcoming()) > 0)
		k.Blocker.SetEnabled(act)
	case session.Parking:
		k.Next.SetEnabled(fac)
		k.Up.SetEnabled(open)
		k.Down.SetEnabled(open)
		k.Stay.SetEnabled(act && open)
		for _, b := range []*key.Binding{&k.Discuss, &k.Decide, &k.Retro, &k.Drop} {
			b.SetEnabled(fac && open)
		}
	}
}

// ShortHelp is the footer: the keys of the moment.
func (k KeyMap) ShortHelp() []key.Binding {
	if k.scrolling {
		return []key.Binding{k.Up, k.Down, k.Help, k.Quit}
	}
	return []key.Binding{k.Confirm, k.Cancel, k.Complete, k.Start, k.Next, k.Present, k.Pause, k.Extend, k.Skip,
		k.Park, k.Blocker, k.Stay, k.Discuss, k.Decide, k.Retro, k.Drop, k.TakeOver, k.Help, k.Quit}
}

// FullHelp is every key of the moment, shown with ?.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Start, k.Next, k.Pause, k.Extend, k.Skip, k.End, k.HandOver, k.TakeOver},
		{k.Park, k.Blocker, k.Arrive, k.Present, k.Stay},
		{k.Discuss, k.Decide, k.Retro, k.Drop, k.Up, k.Down},
		{k.Invite, k.Confirm, k.Cancel, k.Complete, k.Help, k.Quit},
	}
}

// presentMembers names the members here: who could take the role.
func presentMembers(s *session.State) []string {
	var out []string
	for _, p := range s.Participants {
		if p.Present && p.Role == session.Member {
			out = append(out, p.Name)
		}
	}
	return out
}
