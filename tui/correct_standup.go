package tui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// Corrections of ordinary mistakes at a stand-up (see session/correct.go):
// a wrong arrival taken back, a guest removed or put on the roster, the
// next speaker chosen or moved up, a parked topic or a blocker edited or
// deleted. Editing reuses the one prompt, filled with the text as it is;
// what deletes something asks first. The waiting room's keys (u, m) are
// the retrospective's too (correct_retro.go).

// standupCorrections are the stand-up's keys of corrections.
type standupCorrections struct {
	Unmark     key.Binding // u: not here after all (an arrival or a guest taken back)
	ToRoster   key.Binding // m: a guest becomes a member of the team (as the door's m lets a knocker in as one)
	ChooseNext key.Binding // N: who speaks next
	MoveUp     key.Binding // U: someone one place up in the order
	EditIt     key.Binding // E: edit the selected parked topic, or a blocker
	DeleteIt   key.Binding // X: delete it (asks first)

	me     session.ParticipantID // whose topics and blockers are their own
	cursor *int                  // the parking lot's cursor (common.cursor)
}

func newStandupCorrections() standupCorrections {
	return standupCorrections{
		Unmark:     bind("u", "not here", "u"),
		ToRoster:   bind("m", "to roster", "m"),
		ChooseNext: bind("N", "choose next", "N"),
		MoveUp:     bind("U", "move up", "U"),
		EditIt:     bind("E", "edit", "E"),
		DeleteIt:   bind("X", "delete", "X"),
	}
}

// setCorrections enables the corrections that would work now (setFor
// calls it last).
func (k *KeyMap) setCorrections(s *session.State, role session.Role, prompting bool) {
	c := &k.standupCorrections
	for _, b := range []*key.Binding{&c.Unmark, &c.ToRoster, &c.ChooseNext, &c.MoveUp, &c.EditIt, &c.DeleteIt} {
		b.SetEnabled(false)
	}
	if prompting || s.Phase == session.Closed || role == session.Observer {
		return
	}
	// This runs on every snapshot and second of every program: it asks
	// whether there is one, without listing them all.
	fac := role == session.Facilitator
	c.Unmark.SetEnabled(fac && anyUnmarkable(s, c.me))
	c.ToRoster.SetEnabled(fac && anyPromotable(s))
	switch s.Phase {
	case session.Rounds:
		movable := fac && anyMovable(s)
		c.ChooseNext.SetEnabled(movable)
		c.MoveUp.SetEnabled(movable)
		mine := anyOwnBlocker(s, c.me, fac)
		c.EditIt.SetEnabled(mine)
		c.DeleteIt.SetEnabled(mine)
		c.EditIt.SetHelp("E", "edit blocker")
		c.DeleteIt.SetHelp("X", "delete blocker")
	case session.Parking:
		cursor := 0
		if c.cursor != nil {
			cursor = *c.cursor
		}
		it, found := openItem(s, cursor)
		ok := found && (fac || it.RaisedBy.ID == c.me)
		c.EditIt.SetEnabled(ok)
		c.DeleteIt.SetEnabled(ok)
		c.EditIt.SetHelp("E", "edit topic")
		c.DeleteIt.SetHelp("X", "delete topic")
	}
}

// unmarkable are those whose arrival the facilitator may take back: here,
// marked by name (not joined with a key of their own), not yet spoken, and
// not the one at the keyboard.
func unmarkable(s *session.State, me session.ParticipantID) []session.Participant {
	var out []session.Participant
	for _, p := range s.Participants {
		if p.Present && !p.Removed && p.Role != session.Observer && p.Key == "" && p.ID != me &&
			!slices.ContainsFunc(s.Turns, func(t session.Turn) bool { return t.Speaker == p.ID }) {
			out = append(out, p)
		}
	}
	return out
}

// anyUnmarkable reports whether unmarkable(s, me) has anyone.
func anyUnmarkable(s *session.State, me session.ParticipantID) bool {
	for i := range s.Participants {
		p := &s.Participants[i]
		if p.Present && !p.Removed && p.Role != session.Observer && p.Key == "" && p.ID != me &&
			!slices.ContainsFunc(s.Turns, func(t session.Turn) bool { return t.Speaker == p.ID }) {
			return true
		}
	}
	return false
}

// anyPromotable reports whether promotable(s) has anyone.
func anyPromotable(s *session.State) bool {
	for i := range s.Participants {
		if p := &s.Participants[i]; !p.Removed && !p.Expected && p.ID != s.Facilitator && p.Role != session.Observer {
			return true
		}
	}
	return false
}

// anyMovable reports whether movable(s) has anyone: whether two of
// those here are still to speak.
func anyMovable(s *session.State) bool {
	n := 0
	for _, id := range s.Upcoming() {
		if p, ok := s.Participant(id); ok && p.Speaks() {
			if n++; n == 2 {
				return true
			}
		}
	}
	return false
}

// anyOwnBlocker reports whether ownBlockers(s, me, fac) has any.
func anyOwnBlocker(s *session.State, me session.ParticipantID, fac bool) bool {
	return slices.ContainsFunc(s.Blockers, func(b session.Blocker) bool { return fac || b.Speaker.ID == me || b.NotedBy == me })
}

// openItem is the i-th open item of s.OpenItems(), without copying them.
func openItem(s *session.State, i int) (*session.Item, bool) {
	for k := range s.Items {
		if s.Items[k].Status == session.Open {
			if i == 0 {
				return &s.Items[k], true
			}
			i--
		}
	}
	return nil, false
}

// promotable are the guests who take part: who could join the roster.
func promotable(s *session.State) []session.Participant {
	var out []session.Participant
	for _, p := range s.Participants {
		if guestOf(s, p) && p.Role != session.Observer {
			out = append(out, p)
		}
	}
	return out
}

// guestOf reports whether p is a guest: not on the roster, not the
// facilitator.
func guestOf(s *session.State, p session.Participant) bool {
	return !p.Removed && !p.Expected && p.ID != s.Facilitator
}

// waitingHere are those here who have not spoken yet, in the order.
func waitingHere(s *session.State) []session.Participant {
	var out []session.Participant
	for _, id := range s.Upcoming() {
		if p, ok := s.Participant(id); ok && p.Speaks() {
			out = append(out, p)
		}
	}
	return out
}

// movable are those of waitingHere who are not up next: whom the
// facilitator can choose as the next speaker or move up.
func movable(s *session.State) []session.Participant {
	w := waitingHere(s)
	return w[min(1, len(w)):]
}

// ownBlockers are the positions of the blockers the participant may
// change: every one for the facilitator, else their own and those they
// noted.
func ownBlockers(s *session.State, me session.ParticipantID, fac bool) []int {
	var out []int
	for i, b := range s.Blockers {
		if fac || b.Speaker.ID == me || b.NotedBy == me {
			out = append(out, i)
		}
	}
	return out
}

// pickFrom finds the one of ps a typed name means, as lookupName does.
func pickFrom(ps []session.Participant, v string) (session.Participant, error) {
	r := roster{state: &session.State{Participants: ps}}
	return r.lookupName(v)
}

// notHere is what "not here after all" does with a name: a roster member's
// arrival taken back at once, or the question whether to remove a guest
// from the session (a guest removed is gone from it).
func notHere(s *session.State, me session.ParticipantID, v string) (c session.Command, notice, question string, err error) {
	p, err := pickFrom(unmarkable(s, me), v)
	if err != nil {
		return nil, "", "", err
	}
	if guestOf(s, p) {
		return session.RemoveGuest{Who: p.ID}, "the guest " + p.Name + " is removed",
			"Remove the guest " + p.Name + " from the session? (y/n)", nil
	}
	return session.Unarrive{Who: p.ID}, p.Name + " is no longer marked present", "", nil
}

// toRoster is the answer to "Add to the team's roster".
func toRoster(s *session.State, v string) (session.Command, string, error) {
	p, err := pickFrom(promotable(s), v)
	if err != nil {
		return nil, "", err
	}
	return session.PromoteGuest{Who: p.ID}, p.Name + " is on the team's roster now", nil
}

// correctionKey handles the stand-up's corrections; it reports false for
// a key that is none.
func (m *standupScreen) correctionKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.keys.standupCorrections
	switch {
	case key.Matches(msg, k.Unmark):
		p := newPrompt("Not here after all", m.styles, func(v string) tea.Cmd {
			c, notice, question, err := notHere(m.state, m.me, v)
			switch {
			case err != nil:
				return m.queue.fail(err)
			case question != "":
				return m.confirm(question, c, notice)
			}
			return m.submit(c, notice)
		})
		p.input.SetSuggestions(names(unmarkable(m.state, m.me)))
		return m.openPrompt(p), true
	case key.Matches(msg, k.ToRoster):
		p := newPrompt("Add to the team's roster", m.styles, func(v string) tea.Cmd {
			c, notice, err := toRoster(m.state, v)
			if err != nil {
				return m.queue.fail(err)
			}
			return m.submit(c, notice)
		})
		p.input.SetSuggestions(names(promotable(m.state)))
		return m.openPrompt(p), true
	case key.Matches(msg, k.ChooseNext, k.MoveUp):
		next := key.Matches(msg, k.ChooseNext)
		label := "Move up in the order"
		if next {
			label = "Who speaks next?"
		}
		p := newPrompt(label, m.styles, func(v string) tea.Cmd {
			// Anyone waiting: for the one up next already, the session says so.
			q, err := pickFrom(waitingHere(m.state), v)
			if err != nil {
				return m.queue.fail(err)
			}
			if next {
				return m.submit(session.UpNext{Who: q.ID}, q.Name+" speaks next")
			}
			return m.submit(session.MoveUp{Who: q.ID}, q.Name+" moves up")
		})
		p.input.SetSuggestions(names(movable(m.state)))
		return m.openPrompt(p), true
	case key.Matches(msg, k.EditIt, k.DeleteIt):
		edit := key.Matches(msg, k.EditIt)
		if m.state.Phase == session.Parking {
			return m.correctItem(edit), true
		}
		return m.correctBlocker(edit), true
	}
	return nil, false
}

// correctItem edits or deletes the parked topic under the cursor.
func (m *standupScreen) correctItem(edit bool) tea.Cmd {
	it, ok := m.selectedItem()
	if !ok {
		return nil
	}
	ref := "#" + itoa(it.ID)
	if !edit {
		return m.confirm("Delete "+ref+" “"+session.CleanText(it.Topic, 40)+"” as if never parked? (y/n)",
			session.DeleteItem{Item: it.ID}, ref+" deleted")
	}
	p := newPrompt("Edit "+ref, m.styles, func(v string) tea.Cmd {
		return m.submit(session.EditItem{Item: it.ID, Topic: v}, ref+" changed")
	})
	p.input.SetValue(it.Topic)
	p.input.CursorEnd()
	return m.openPrompt(p)
}

// correctBlocker edits or deletes a blocker: the only one this participant
// may change, or the one whose number (#N, as the rounds show it) they
// give, the newest offered.
func (m *standupScreen) correctBlocker(edit bool) tea.Cmd {
	own := ownBlockers(m.state, m.me, m.role() == session.Facilitator)
	if len(own) == 0 {
		return nil
	}
	if len(own) == 1 {
		return m.onBlocker(own[0], edit)
	}
	verb := "Delete"
	if edit {
		verb = "Edit"
	}
	nums := make([]string, len(own))
	for i, b := range own {
		nums[i] = itoa(b + 1)
	}
	p := newPrompt(verb+" blocker number ("+strings.Join(nums, ", ")+")", m.styles, func(v string) tea.Cmd {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "#"))
		if err != nil || !slices.Contains(own, n-1) {
			return m.queue.fail(errNoBlocker(v))
		}
		return m.onBlocker(n-1, edit)
	})
	p.input.SetValue(nums[len(nums)-1])
	p.input.CursorEnd()
	return m.openPrompt(p)
}

// onBlocker opens the edit of the blocker at position i, or asks whether
// to delete it. Was guards against a blocker that changed meanwhile.
func (m *standupScreen) onBlocker(i int, edit bool) tea.Cmd {
	b := m.state.Blockers[i]
	ref := "blocker #" + itoa(i+1)
	if !edit {
		return m.confirm("Delete "+ref+" of "+b.Speaker.Name+", “"+session.CleanText(b.Text, 40)+"”? (y/n)",
			session.DeleteBlocker{Blocker: i, Was: b.Text}, ref+" deleted")
	}
	p := newPrompt("Edit "+ref+" of "+b.Speaker.Name, m.styles, func(v string) tea.Cmd {
		return m.submit(session.EditBlocker{Blocker: i, Was: b.Text, Text: v}, ref+" changed")
	})
	p.input.SetValue(b.Text)
	p.input.CursorEnd()
	return m.openPrompt(p)
}

// errNoBlocker says that a typed number is no blocker one may change.
type errNoBlocker string

func (e errNoBlocker) Error() string { return "no blocker " + string(e) + " that you may change" }
