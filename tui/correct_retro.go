package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// retroCorrector is the retrospective's screen as the facilitator's
// corrections: going back a phase, skipping to the actions, moving, editing
// and deleting cards and action items (a view of retroScreen, as
// retroPhases is).
type retroCorrector struct{ *retroScreen }

// Corrections of ordinary mistakes in a retrospective (see
// session/correct.go): in the waiting room an arrival taken back (u) or a
// guest put on the roster (m), as at a stand-up; back one phase (B, which
// asks, and says what it discards); on to the action items past topics
// nobody voted for (S); a card moved to another column (M); and with e
// and d, a card typed at the shared keyboard for a member, a topic a
// stand-up sent here, and an action item agreed in this retrospective.

// retroCorrections are the retrospective's keys of corrections that are
// not its e and d. They start disabled: retroCorrectionKeys enables them.
type retroCorrections struct {
	Unmark, ToRoster key.Binding // the waiting room (the stand-up's u and m; R removes someone over SSH: door.go)
	Back, SkipToActs key.Binding
	MoveCard         key.Binding
}

func newRetroCorrections() retroCorrections {
	off := func(help, desc string, keys ...string) key.Binding {
		b := bind(help, desc, keys...)
		b.SetEnabled(false)
		return b
	}
	return retroCorrections{
		Unmark:     off("u", "not here", "u"),
		ToRoster:   off("m", "to roster", "m"),
		Back:       off("B", "back", "B"),
		SkipToActs: off("S", "skip to actions", "S"),
		MoveCard:   off("M", "column", "M"), // move the card to another column
	}
}

// The retrospective's prompts of corrections (see retroAsk).
const (
	askConfirm  retroAsk = 100 + iota // a yes/no question: y or enter, n or esc
	askUnmark                         // who is not here after all
	askToRoster                       // which guest joins the roster
	askColumn                         // the column a card moves to
	askActEdit                        // an action item's new text, then its owner and due date
)

// retroCorrectionKeys enables the corrections that would work now; the
// screen has no prompt open and the retrospective has not ended.
func (m retroCorrector) retroCorrectionKeys(k *retroKeyMap) {
	s := m.state
	fac := m.role() == session.Facilitator
	switch s.Phase {
	case session.Waiting:
		k.Unmark.SetEnabled(fac && len(unmarkable(s, m.me)) > 0)
		k.ToRoster.SetEnabled(fac && len(promotable(s)) > 0)
		return
	case session.Write:
		c, ok := m.selectedCard()
		_, can := m.changeable(c)
		k.Edit.SetEnabled(ok && can)
		k.Delete.SetEnabled(ok && can)
		k.MoveCard.SetEnabled(ok && can && len(s.Config.Columns) > 1)
	case session.Discuss:
		later := s.Topics[min(len(s.Topics), s.TopicPos+1):]
		voted := false
		for _, g := range later {
			voted = voted || s.VotesFor(g) > 0
		}
		k.SkipToActs.SetEnabled(fac && len(later) > 0 && !voted)
	case session.Actions:
		acts := m.ownActions()
		k.Move.SetHelp("↑/↓", "select")
		for _, x := range []*key.Binding{&k.Move, &k.Up, &k.Down} {
			x.SetEnabled(len(acts) > 1 && m.role() != session.Observer)
		}
		if a, ok := m.selectedAction(); ok && (fac || a.Owner.ID == m.actor()) {
			k.Edit.SetEnabled(true)
			k.Delete.SetEnabled(true)
		}
	}
	k.Back.SetEnabled(fac && m.backTo() != "")
}

// backTo names where B leads from here, or "" where there is no going
// back (the waiting room, the check-in, and the first topic once
// something is recorded on the topics: see session.Back).
func (m retroCorrector) backTo() string {
	s := m.state
	switch s.Phase {
	case session.Waiting, session.CheckIn, session.Closed:
		return ""
	case session.Discuss:
		if s.TopicPos > 0 {
			return "the previous topic"
		}
		if len(s.Notes) > 0 || len(s.Decisions) > 0 {
			return ""
		}
		for _, a := range s.Actions {
			if a.Session == s.ID && a.Topic != 0 {
				return ""
			}
		}
	case session.Actions:
		if len(s.Topics) > 0 {
			return "the last topic"
		}
	}
	for i, p := range retroPlan {
		if p == s.Phase && i > 0 {
			return "the " + retroPlan[i-1].String() + " phase"
		}
	}
	return ""
}

// backQuestion is what B asks: where it goes, and what going back
// discards or starts afresh.
func (m retroCorrector) backQuestion() string {
	to := m.backTo()
	switch s := m.state; {
	case s.Phase == session.Vote:
		return "Back to grouping? Every dot is discarded: everyone votes again. (y/n)"
	case s.Phase == session.Discuss && s.TopicPos == 0:
		return "Back to voting? The dots stay; the order of topics is worked out again. (y/n)"
	case s.Phase == session.Actions && len(s.Topics) > 0:
		return "Back to the last topic, with a fresh time-box and fresh thumbs? (y/n)"
	case s.Phase == session.Discuss:
		return "Back to the previous topic? (y/n)"
	default:
		return "Back to " + to + "? (y/n)"
	}
}

// selectedCard is the card under the board's cursor while writing.
func (m retroCorrector) selectedCard() (session.Card, bool) {
	_, _, sel := m.ui().resolve(retroBoard{m.retroScreen}.boardCols())
	return m.state.Card(sel)
}

// changeable reports whether this screen may change a card, and for whom
// (session.EditCard's For): one's own; at the shared keyboard, in a
// retrospective that is not anonymous, the facilitator a member's card,
// typed on their behalf; and the facilitator a topic from a stand-up.
func (m retroCorrector) changeable(c session.Card) (session.ParticipantID, bool) {
	fac := m.role() == session.Facilitator
	switch {
	case c.ID == 0 || c.Hidden():
		return "", false
	case c.FromStandup:
		return "", fac
	case m.mine(c):
		return "", true
	case fac && m.opts.SharedKeyboard && !m.state.Config.Anonymous && c.Author.ID != "":
		return c.Author.ID, true
	}
	return "", false
}

// editCard opens the edit of a card, filled with its text.
func (m retroCorrector) editCard(c session.Card) tea.Cmd {
	whom, ok := m.changeable(c)
	if !ok {
		return nil
	}
	label := "Edit card"
	if whom != "" {
		label += " of " + m.state.Name(whom)
	}
	return m.open(askEdit, label, c.Text, nil, retroAsker{m.retroScreen}.then(func(v string) tea.Cmd {
		return m.submit(session.EditCard{Card: c.ID, Text: v, For: whom}, "card changed")
	}))
}

// deleteCard deletes one's own card at once (writing); a member's card
// or a topic from a stand-up, which someone else wrote, only after asking.
func (m retroCorrector) deleteCard(c session.Card) tea.Cmd {
	whom, ok := m.changeable(c)
	switch {
	case !ok:
		return nil
	case whom == "" && !c.FromStandup:
		return m.submit(session.DeleteCard{Card: c.ID}, "card deleted")
	}
	whose := "the stand-up's topic"
	if whom != "" {
		whose = m.state.Name(whom) + "'s card"
	}
	return retroAsker{m.retroScreen}.question(askConfirm, "Delete "+whose+" “"+session.CleanText(c.Text, 40)+"”? (y/n)", yesNo(func() tea.Cmd {
		return m.submit(session.DeleteCard{Card: c.ID, For: whom}, "card deleted")
	}))
}

// moveCard asks for the column a card goes to.
func (m retroCorrector) moveCard(c session.Card) tea.Cmd {
	whom, ok := m.changeable(c)
	if !ok {
		return nil
	}
	var others []string
	for i, col := range m.state.Config.Columns {
		if i != c.Column {
			others = append(others, col)
		}
	}
	return m.open(askColumn, "Move “"+session.CleanText(c.Text, 30)+"” to column", "", others, func(v string) tea.Cmd {
		col, ok := m.columnNamed(v)
		if !ok {
			return retroAsker{m.retroScreen}.refuse("name a column: " + strings.Join(m.state.Config.Columns, ", "))
		}
		m.closeAsk()
		return m.submit(session.MoveCard{Card: c.ID, Column: col, For: whom}, "card moved to "+m.columnName(col))
	})
}

// columnNamed finds the column a typed name (or the start of one, or its
// number from 1) means.
func (m retroCorrector) columnNamed(v string) (int, bool) {
	cols := m.state.Config.Columns
	if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= len(cols) {
		return n - 1, true
	}
	found := -1
	for i, c := range cols {
		switch {
		case strings.EqualFold(c, v):
			return i, true
		case hasPrefixFold(c, v):
			if found >= 0 {
				return 0, false // more than one
			}
			found = i
		}
	}
	return found, found >= 0
}

// ownActions are the action items agreed in this retrospective, which
// the actions phase lists and corrects.
func (m retroCorrector) ownActions() []session.Action {
	var out []session.Action
	for _, a := range m.state.Actions {
		if a.Session == m.state.ID {
			out = append(out, a)
		}
	}
	return out
}

// selectedAction is the action item under the cursor in the actions phase.
func (m retroCorrector) selectedAction() (session.Action, bool) {
	acts := m.ownActions()
	if len(acts) == 0 {
		return session.Action{}, false
	}
	return acts[max(0, min(m.ui().row, len(acts)-1))], true
}

// retroCorrectionKey handles the corrections; it reports false for a key
// that is none of them.
func (m retroCorrector) retroCorrectionKey(msg tea.KeyPressMsg, k retroKeyMap) (tea.Cmd, bool) {
	s := m.state
	switch {
	case key.Matches(msg, k.Unmark):
		return m.open(askUnmark, "Not here after all", "", names(unmarkable(s, m.me)), func(v string) tea.Cmd {
			c, notice, question, err := notHere(m.state, m.me, v)
			if err != nil {
				return retroAsker{m.retroScreen}.refuse(err.Error())
			}
			m.closeAsk()
			if question != "" {
				return retroAsker{m.retroScreen}.question(askConfirm, question, yesNo(func() tea.Cmd { return m.submit(c, notice) }))
			}
			return m.submit(c, notice)
		}), true
	case key.Matches(msg, k.ToRoster):
		return m.open(askToRoster, "Add to the team's roster", "", names(promotable(s)), func(v string) tea.Cmd {
			c, notice, err := toRoster(m.state, v)
			if err != nil {
				return retroAsker{m.retroScreen}.refuse(err.Error())
			}
			m.closeAsk()
			return m.submit(c, notice)
		}), true
	case key.Matches(msg, k.Back):
		step := s.Step()
		return retroAsker{m.retroScreen}.question(askConfirm, m.backQuestion(), yesNo(func() tea.Cmd {
			return m.submit(session.Back{Step: step}, "back to "+m.backTo())
		})), true
	case key.Matches(msg, k.SkipToActs):
		return m.submit(session.SkipToActions{Step: s.Step()}, "on to the action items: no later topic has a dot"), true
	}
	switch s.Phase {
	case session.Write:
		c, ok := m.selectedCard()
		switch {
		case !ok:
		case key.Matches(msg, k.Edit):
			return m.editCard(c), true
		case key.Matches(msg, k.Delete):
			return m.deleteCard(c), true
		case key.Matches(msg, k.MoveCard):
			return m.moveCard(c), true
		}
	case session.Actions:
		return m.actionKey(msg, k)
	}
	return nil, false
}

// actionKey moves over the action items of this retrospective and edits
// or deletes the selected one.
func (m retroCorrector) actionKey(msg tea.KeyPressMsg, k retroKeyMap) (tea.Cmd, bool) {
	acts := m.ownActions()
	b := m.ui()
	switch {
	case key.Matches(msg, k.Up): // no wrap, as in the review
		b.row = max(0, min(b.row, len(acts)-1)-1)
		m.setBoard(b)
		return nil, true
	case key.Matches(msg, k.Down):
		b.row = max(0, min(len(acts)-1, b.row+1))
		m.setBoard(b)
		return nil, true
	}
	a, ok := m.selectedAction()
	if !ok {
		return nil, false
	}
	ref := "action item #" + itoa(a.ID)
	switch {
	case key.Matches(msg, k.Edit):
		ask := retroAsker{m.retroScreen}
		return m.open(askActEdit, "Edit "+ref, a.Text, nil, func(text string) tea.Cmd {
			return m.closeAsk().open(askOwner, "Who owns it?", a.Owner.Name, m.teamNames(), func(v string) tea.Cmd {
				q, err := m.memberNamed(v)
				if err != nil {
					return ask.refuse(err.Error())
				}
				due := ""
				if !a.Due.IsZero() {
					due = a.Due.In(time.Local).Format(time.DateOnly)
				}
				return m.closeAsk().open(askDue, "Due date (YYYY-MM-DD, enter for none)", due, nil, func(v string) tea.Cmd {
					var d time.Time
					if v != "" {
						var err error
						if d, err = time.ParseInLocation(time.DateOnly, v, time.Local); err != nil {
							return ask.refuse("write the date as YYYY-MM-DD, like " + m.now.AddDate(0, 0, 7).Format(time.DateOnly))
						}
					}
					m.closeAsk()
					return m.submit(session.EditAction{Action: a.ID, Text: text, Owner: q.ID, Due: &d}, ref+" changed")
				})
			})
		}), true
	case key.Matches(msg, k.Delete):
		return retroAsker{m.retroScreen}.question(askConfirm, "Delete "+ref+" “"+session.CleanText(a.Text, 40)+"”? (y/n)", yesNo(func() tea.Cmd {
			return m.submit(session.DeleteAction{Action: a.ID}, ref+" deleted")
		})), true
	}
	return nil, false
}
