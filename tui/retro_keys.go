package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"huddle/session"
)

// retroKeys returns the key map with the bindings of this moment enabled.
func (m *retroScreen) retroKeys() retroKeyMap {
	k := newRetroKeyMap()
	k.width = m.width - 2    // the footer's width
	k.Invite = m.keys.Invite // the join code again, handled by onKey
	s, b := m.state, m.ui()
	role := m.role()
	fac, act := role == session.Facilitator, role != session.Observer
	all := []*key.Binding{&k.Move, &k.Up, &k.Down, &k.Left, &k.Right, &k.NextCol, &k.PrevCol,
		&k.Start, &k.Next, &k.Extend, &k.Ready, &k.Park, &k.End, &k.HandOver, &k.TakeOver, &k.ActFor,
		&k.Present, &k.Arrive, &k.Word, &k.Poll, &k.Done, &k.Carry, &k.Drop,
		&k.Add, &k.Edit, &k.Delete, &k.Reveal, &k.Pick, &k.Place, &k.Unpick, &k.Undo, &k.Name,
		&k.Vote, &k.Unvote, &k.ThumbUp, &k.ThumbDown, &k.Note, &k.Decide, &k.Action, &k.Roti,
		&k.Confirm, &k.Cancel, &k.Complete}
	for _, x := range all {
		x.SetEnabled(false)
	}
	if m.help.ShowAll {
		k.Help.SetHelp("?", "fewer keys")
	}
	if b.prompt != nil {
		k.Help.SetEnabled(false)
		k.Quit.SetKeys("ctrl+c") // q is text now
		k.Quit.SetHelp("ctrl+c", "quit")
		if b.prompt.ask == askEnd {
			k.Confirm.SetHelp("y", "end it")
			k.Cancel.SetHelp("n", "keep going")
		}
		k.Confirm.SetEnabled(true)
		k.Cancel.SetEnabled(true)
		if b.prompt.ask == askGuest {
			k.Confirm.SetHelp("y", "yes")
			k.Cancel.SetHelp("n", "neither")
		}
		if b.prompt.ask == askConfirm {
			k.Confirm.SetHelp("y", "yes")
			k.Cancel.SetHelp("n", "no")
		}
		k.Complete.SetEnabled(b.prompt.ask == askPark || len(b.prompt.field.input.AvailableSuggestions()) > 0)
		return k
	}
	if s.Phase == session.Closed {
		k.closed = true
		k.Move.SetHelp("↑/↓", "scroll")
		for _, x := range []*key.Binding{&k.Move, &k.Up, &k.Down} {
			x.SetEnabled(true)
		}
		return k
	}
	k.Park.SetEnabled(act)
	k.End.SetEnabled(fac)
	// At the shared keyboard the keyboard is the facilitator: handing the
	// role away would lock it out (see handOverRefused).
	k.HandOver.SetEnabled(fac && !m.opts.SharedKeyboard && s.Facilitator != "" && len(presentMembers(s)) > 0)
	if wait, here := session.TakeOverWait(s, m.now); role == session.Member && !here && wait == 0 {
		k.TakeOver.SetEnabled(true)
	}
	if s.Phase == session.Waiting {
		missing := len(m.missing())
		k.Start.SetEnabled(fac)
		k.Present.SetEnabled(fac && missing > 0)
		k.Arrive.SetEnabled(fac)
		k.Move.SetHelp("↑/↓", "select")
		for _, x := range []*key.Binding{&k.Move, &k.Up, &k.Down} {
			x.SetEnabled(fac && missing > 1)
		}
		retroPhases{m}.collectKeys(&k) // cards written ahead: collect.go
		retroCorrector{m}.retroCorrectionKeys(&k)
		return k
	}
	k.Next.SetEnabled(fac)
	k.Next.SetHelp("n", m.nextLabel())
	k.Extend.SetEnabled(fac)
	if m.anotherRound() {
		k.Extend.SetHelp("+", "another round")
	}
	k.Ready.SetEnabled(act)
	k.ActFor.SetEnabled(fac && m.opts.SharedKeyboard && !s.Config.Anonymous)
	if s.Ready[m.actor()] {
		k.Ready.SetHelp("space", "not done")
	}
	switch s.Phase {
	case session.CheckIn:
		k.Word.SetEnabled(act && !s.Config.ESVP)
		k.Poll.SetEnabled(act && s.Config.ESVP)
	case session.Review:
		rp := retroPhases{m}
		k.Move.SetHelp("↑/↓", "select")
		for _, x := range []*key.Binding{&k.Move, &k.Up, &k.Down} {
			x.SetEnabled(rp.reviewRows() > 1)
		}
		for _, x := range []*key.Binding{&k.Done, &k.Carry, &k.Drop} {
			x.SetEnabled(fac && rp.reviewRow() < len(rp.earlierActions()))
		}
		rp.reviewDecisionKeys(&k, fac) // retro_decisions.go
	case session.Write, session.Group, session.Vote:
		retroBoard{m}.boardKeys(&k, act, fac)
	case session.Discuss:
		_, topic := s.CurrentTopic()
		k.ThumbUp.SetEnabled(act && topic)
		k.ThumbDown.SetEnabled(act && topic)
		k.Note.SetEnabled(act && topic)
		k.Decide.SetEnabled(fac)
		k.Action.SetEnabled(act)
	case session.Actions:
		k.Action.SetEnabled(act)
		k.Decide.SetEnabled(fac)
	case session.Roti:
		k.Roti.SetEnabled(act)
	}
	retroCorrector{m}.retroCorrectionKeys(&k)
	return k
}

// boardKeys enables the keys of the board phases.
func (m retroBoard) boardKeys(k *retroKeyMap, act, fac bool) {
	s, b := m.state, m.ui()
	cols := m.boardCols()
	_, _, sel := b.resolve(cols)
	for _, x := range []*key.Binding{&k.Move, &k.Up, &k.Down, &k.Left, &k.Right, &k.NextCol, &k.PrevCol} {
		x.SetEnabled(true)
	}
	if len(cols) == 1 {
		k.Move.SetHelp("↑/↓", "move")
		for _, x := range []*key.Binding{&k.Left, &k.Right, &k.NextCol, &k.PrevCol} {
			x.SetEnabled(false)
		}
	}
	switch s.Phase {
	case session.Write:
		mine := false
		if c, ok := s.Card(sel); ok {
			mine = m.mine(c) && !c.FromStandup
		}
		k.Add.SetEnabled(act)
		k.Edit.SetEnabled(act && mine)
		k.Delete.SetEnabled(act && mine)
		k.Reveal.SetEnabled(fac && !s.Revealed)
	case session.Group:
		k.Pick.SetEnabled(act && b.moving == 0 && sel != 0)
		k.Place.SetEnabled(act && b.moving != 0 && sel != 0 && sel != b.moving)
		k.Unpick.SetEnabled(b.moving != 0)
		k.Undo.SetEnabled(fac && len(s.Moves) > 0)
		k.Name.SetEnabled(act && sel != 0 && b.moving == 0)
	case session.Vote:
		voter := m.voterID()
		k.Vote.SetEnabled(act && sel != 0 && s.VotesLeft(voter) > 0)
		k.Unvote.SetEnabled(act && sel != 0 && s.VotesBy(voter, sel) > 0)
		k.Name.SetEnabled(act && sel != 0)
	}
}

// ShortHelp is the footer: the keys of the moment, most needed first, as
// many as fit in one line before ? and q; ? shows the others.
func (k retroKeyMap) ShortHelp() []key.Binding {
	if k.closed {
		return []key.Binding{k.Move, k.Help, k.Quit}
	}
	var keys []key.Binding
	for _, b := range []key.Binding{k.Confirm, k.Cancel, k.Complete, k.Start, k.Present, k.Next,
		k.Word, k.Poll, k.Roti, k.Done, k.Carry, k.Drop,
		k.Add, k.Edit, k.Delete, k.Reveal, k.Pick, k.Place, k.Unpick, k.Name, k.Undo, k.Vote, k.Unvote,
		k.ThumbUp, k.ThumbDown, k.Note, k.Decide, k.Action, k.Ready, k.ActFor,
		k.MoveCard, k.Unmark, k.ToRoster, k.SkipToActs, k.Back, k.Quit} {
		if b.Enabled() {
			keys = append(keys, b)
		}
	}
	if k.Help.Enabled() {
		keys = append(keys[:len(keys)-1], k.Help, k.Quit) // ? more before q quit
	}
	const sep = 3 // " • "
	width := func(bs []key.Binding) int {
		n := 0
		for _, b := range bs {
			n += lipgloss.Width(b.Help().Key) + 1 + lipgloss.Width(b.Help().Desc) + sep
		}
		return n - sep
	}
	tail := 1
	if k.Help.Enabled() {
		tail = 2
	}
	for k.width > 0 && len(keys) > tail && width(keys) > k.width {
		keys = append(keys[:len(keys)-tail-1], keys[len(keys)-tail:]...)
	}
	return keys
}

// FullHelp is every key of the moment, shown with ?.
func (k retroKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Move, k.NextCol, k.PrevCol, k.Present, k.Arrive, k.Unmark, k.ToRoster, k.Word, k.Poll, k.Roti},
		{k.Done, k.Carry, k.Drop, k.Add, k.Edit, k.Delete, k.MoveCard, k.Reveal, k.Pick, k.Place, k.Unpick, k.Name, k.Undo,
			k.Vote, k.Unvote, k.ThumbUp, k.ThumbDown, k.Note, k.Decide, k.Action},
		{k.Start, k.Next, k.Extend, k.SkipToActs, k.Back, k.Ready, k.ActFor, k.Park},
		{k.End, k.HandOver, k.TakeOver, k.Invite, k.Confirm, k.Cancel, k.Complete, k.Help, k.Quit},
	}
}

// helpKeys is the key map the footer shows during a retrospective:
// m.help.View(m.retro.helpKeys()).
func (m *retroScreen) helpKeys() help.KeyMap { return m.retroKeys() }

// nextLabel says where n leads from here.
func (m *retroScreen) nextLabel() string {
	s := m.state
	switch {
	case s.Phase == session.Discuss && s.TopicPos+1 < len(s.Topics):
		return "next topic"
	case s.Phase == session.Roti:
		return "finish"
	}
	for i, p := range retroPlan {
		if p == s.Phase && i+1 < len(retroPlan) {
			return "to " + retroPlan[i+1].String()
		}
	}
	return "next"
}
