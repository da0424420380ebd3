package tui

import (
	"slices"
	"time"

	"charm.land/bubbles/v2/key"

	"huddle/session"
)

// The keys of every screen are defined here, in one place: the groups
// the screens share (commonKeys, promptKeys, listKeys) and each screen's
// map built from them (DefaultKeyMap, newRetroKeyMap, newLobbyKeys,
// newReplayKeyMap). Each screen switches its bindings on and off for the
// moment, so that its help only shows keys that do something now.

// bind is a key binding with its help.
func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// commonKeys are the keys every screen of a session has, which the root
// handles once (Model.onKey). Only end differs: e in a stand-up, E in a
// retrospective, where e edits a card.
type commonKeys struct {
	Park, End, HandOver, TakeOver key.Binding
	Invite                        key.Binding // the join code again: see Options.JoinCommand
	Help, Quit                    key.Binding
}

func newCommonKeys(end string) commonKeys {
	return commonKeys{
		Park:     bind("p", "park", "p"),
		End:      bind(end, "end now", end),
		HandOver: bind("f", "hand over", "f"),
		TakeOver: bind("t", "take over", "t"),
		Invite:   bind("i", "join code", "i"),
		Help:     bind("?", "more", "?"),
		Quit:     quitKey(),
	}
}

// quitKey is q or ctrl+c, on every screen; while a prompt is open, q is
// text and only ctrl+c quits.
func quitKey() key.Binding { return bind("q", "quit", "q", "ctrl+c") }

// promptKeys are the keys of an open prompt.
type promptKeys struct {
	Confirm, Cancel, Complete key.Binding
}

func newPromptKeys() promptKeys {
	return promptKeys{
		Confirm:  bind("enter", "confirm", "enter"),
		Cancel:   bind("esc", "cancel", "esc"),
		Complete: bind("tab", "complete", "tab"),
	}
}

// listKeys move the cursor in a list.
type listKeys struct {
	Up, Down key.Binding
}

func newListKeys() listKeys {
	return listKeys{Up: bind("↑/k", "up", "up", "k"), Down: bind("↓/j", "down", "down", "j")}
}

// KeyMap is every key binding of the stand-up. Bindings are switched on
// and off per phase and role (see setFor), so the generated help only ever
// shows keys that do something now.
type KeyMap struct {
	commonKeys
	promptKeys
	listKeys
	Start   key.Binding
	Next    key.Binding
	Pause   key.Binding
	Extend  key.Binding
	Skip    key.Binding
	Blocker key.Binding
	Arrive  key.Binding
	Present key.Binding
	Stay    key.Binding
	Discuss key.Binding
	Decide  key.Binding
	Retro   key.Binding
	Drop    key.Binding

	// Corrections (correct_standup.go): the facilitator's, and for
	// what is theirs (a parked topic, a blocker) a member's.
	standupCorrections

	scrolling bool      // the summary: ↑/↓ belong in the footer
	now       time.Time // the screen's clock: t is offered once it would work
	shared    bool      // the shared keyboard, which facilitates: no f
	completes bool      // the open prompt completes something with tab (see prompt.completes)

	short []key.Binding // ShortHelp's, reused: the footer asks for it on every update
}

// DefaultKeyMap returns huddle's keys of a stand-up, as documented in the
// README.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		commonKeys: newCommonKeys("e"),
		promptKeys: newPromptKeys(),
		listKeys:   newListKeys(),
		Start:      bind("n", "start", "n"),
		Next:       bind("n", "next", "n"),
		Pause:      bind("space", "pause", "space"),
		Extend:     bind("+", "+1m", "+", "="),
		Skip:       bind("s", "skip", "s"),
		Blocker:    bind("b", "blocker", "b"),
		Arrive:     bind("a", "arrival", "a"),
		Present:    bind("enter", "mark present", "enter"),
		Stay:       bind("s", "stays", "s"),
		Discuss:    bind("d", "discussed", "d"),
		Decide:     bind("c", "decision", "c"),
		Retro:      bind("r", "retro", "r"),
		Drop:       bind("x", "drop", "x"),

		standupCorrections: newStandupCorrections(),
	}
}

// setFor enables the bindings that act in the state for a participant of
// the role, and whether a prompt is open.
func (k *KeyMap) setFor(s *session.State, role session.Role, prompting bool) {
	defer k.setCorrections(s, role, prompting)
	fac := role == session.Facilitator
	act := role != session.Observer
	open := slices.ContainsFunc(s.Items, func(it session.Item) bool { return it.Status == session.Open }) // not OpenItems: it copies them, on every update
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
	k.TakeOver.SetEnabled(k.takeOverOpen(s, role, prompting))
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
		k.Skip.SetEnabled(fac && s.HasUpcoming())
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

// takeOverOpen reports whether t (take over) would work now: for a
// member, once the facilitator has been away long enough. It is the only
// key that the time alone opens; tick follows it each second.
func (k *KeyMap) takeOverOpen(s *session.State, role session.Role, prompting bool) bool {
	if prompting || s.Phase == session.Closed || role != session.Member || s.Created.IsZero() {
		return false
	}
	wait, here := session.TakeOverWait(s, k.now)
	return !here && wait == 0
}

// tick moves the keys on to the time now: t opens once it would work.
// The rest of the keys change with the session, the role, the prompt and
// the cursor, and setFor follows those when they change.
func (k *KeyMap) tick(now time.Time, s *session.State, role session.Role, prompting bool) {
	k.now = now
	k.TakeOver.SetEnabled(k.takeOverOpen(s, role, prompting))
}

// ShortHelp is the footer: the keys of the moment. The corrections are
// in the full help (?) only: mistakes are the exception.
// The slice is k's own, valid until the next call: the help reads it at
// once.
func (k *KeyMap) ShortHelp() []key.Binding {
	if k.scrolling {
		k.short = append(k.short[:0], k.Up, k.Down, k.Help, k.Quit)
	} else {
		k.short = append(k.short[:0], k.Confirm, k.Cancel, k.Complete, k.Start, k.Next, k.Present, k.Pause, k.Extend, k.Skip,
			k.Park, k.Blocker, k.Stay, k.Discuss, k.Decide, k.Retro, k.Drop, k.TakeOver, k.Help, k.Quit)
	}
	return k.short
}

// FullHelp is every key of the moment, shown with ?.
func (k *KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Start, k.Next, k.Pause, k.Extend, k.Skip, k.ChooseNext, k.MoveUp, k.End, k.HandOver, k.TakeOver},
		{k.Park, k.Blocker, k.Arrive, k.Present, k.Unmark, k.ToRoster, k.Stay},
		{k.Discuss, k.Decide, k.Retro, k.Drop, k.EditIt, k.DeleteIt, k.Up, k.Down},
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

// retroKeyMap is every key of a retrospective. retroKeys switches the
// bindings on and off for the phase, the role and what is selected, so
// that the footer only ever shows keys that do something now. Keys are
// reused across phases (d deletes a card while writing and marks an
// action item done in the review), never within one.
type retroKeyMap struct {
	// Moving about. Move only labels the arrows in the help.
	Move, Up, Down, Left, Right, NextCol, PrevCol key.Binding

	// Every phase: the keys every screen has, and the retrospective's.
	commonKeys
	Start, Next, Extend, Ready, ActFor key.Binding

	// The waiting room.
	Present, Arrive key.Binding
	// Check-in: one word, or the ESVP poll.
	Word, Poll key.Binding
	// Review of earlier action items.
	Done, Carry, Drop key.Binding
	// Writing.
	Add, Edit, Delete, Reveal key.Binding
	// Grouping.
	Pick, Place, Unpick, Undo, Name key.Binding
	// Voting.
	Vote, Unvote key.Binding
	// Discussing and action items.
	ThumbUp, ThumbDown, Note, Decide, Action key.Binding
	// Close.
	Roti key.Binding

	// Corrections (correct_retro.go): the facilitator's; e and d also
	// edit and delete cards typed for a member and action items.
	retroCorrections

	// A prompt is open.
	promptKeys

	closed bool // the summary
	width  int  // the footer's width: the short help keeps what fits
}

// newRetroKeyMap returns the retrospective's keys, as documented in the
// README, all enabled.
func newRetroKeyMap() retroKeyMap {
	b := bind
	return retroKeyMap{
		Move:    b("←↓↑→", "move", "left", "down", "up", "right"),
		Up:      b("↑/k", "up", "up", "k"),
		Down:    b("↓/j", "down", "down", "j"),
		Left:    b("←/h", "left column", "left", "h"),
		Right:   b("→/l", "right column", "right", "l"),
		NextCol: b("tab", "next column", "tab"),
		PrevCol: b("shift+tab", "previous column", "shift+tab"),

		Start:      b("n", "start", "n"),
		Next:       b("n", "next", "n"),
		Extend:     b("+", "+1m", "+", "="),
		Ready:      b("space", "done", "space", "."),
		commonKeys: newCommonKeys("E"),
		ActFor:     b("@", "act for", "@"),

		Present: b("enter", "mark present", "enter"),
		Arrive:  b("a", "arrival", "a"),
		Word:    b("w", "check in", "w"),
		Poll:    b("1-4", "answer", "1", "2", "3", "4"),
		Done:    b("d", "done", "d"),
		Carry:   b("c", "carry on", "c"),
		Drop:    b("x", "drop", "x"),

		Add:    b("a", "add", "a"),
		Edit:   b("e", "edit", "e"),
		Delete: b("d", "delete", "d"),
		Reveal: b("r", "reveal", "r"),

		Pick:   b("g", "group", "g"),
		Place:  b("enter", "drop here", "enter"),
		Unpick: b("esc", "cancel", "esc"),
		Undo:   b("u", "undo", "u"),
		Name:   b("N", "name", "N"),

		Vote:   b("v", "vote", "v"),
		Unvote: b("V", "unvote", "V"),

		ThumbUp:   b("y", "keep going", "y"),
		ThumbDown: b("x", "move on", "x"),
		Note:      b("o", "note", "o"),
		Decide:    b("c", "decision", "c"),
		Action:    b("A", "action", "A"),

		Roti: b("1-5", "score", "1", "2", "3", "4", "5"),

		retroCorrections: newRetroCorrections(),

		promptKeys: newPromptKeys(),
	}
}

// lobbyKeys are the lobby's keys (App): the list of sessions, and the
// form of a new one.
type lobbyKeys struct {
	Up, Down, Enter, Watch, New, Refresh, Next, Prev, Cancel, Quit, Close key.Binding
	Pick                                                                  key.Binding // ←/→ in a field of choices (form_choice.go)
	Move                                                                  key.Binding // Up and Down in the footer
	form                                                                  bool
}

func (k lobbyKeys) ShortHelp() []key.Binding {
	if k.form {
		return []key.Binding{k.Next, k.Prev, k.Pick, k.Enter, k.Cancel}
	}
	return []key.Binding{k.Move, k.Enter, k.Watch, k.New, k.Close, k.Refresh, k.Quit}
}

func (k lobbyKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// newLobbyKeys returns the lobby's keys, as documented in the README.
func newLobbyKeys() lobbyKeys {
	b := bind
	return lobbyKeys{
		Up: b("↑/k", "up", "up", "k"), Down: b("↓/j", "down", "down", "j"),
		Enter: b("enter", "join", "enter"), Watch: b("w", "watch", "w"), New: b("n", "new session", "n"),
		Refresh: b("r", "refresh", "r"), Next: b("tab", "next field", "tab"), Prev: b("shift+tab", "previous", "shift+tab"),
		Cancel: b("esc", "cancel", "esc"), Quit: quitKey(),
		Close: b("x", "close", "x"), Move: b("↑/↓", "move", "up", "down", "k", "j"),
		Pick: b("←/→", "choose", "left", "right"),
	}
}

// replayKeyMap is the replay's keys. Phases and Speed only label pairs of
// keys in the help; keyMap switches the bindings on and off so that the
// footer only shows keys that do something now.
type replayKeyMap struct {
	Play, Step, Back             key.Binding
	Phases, PrevPhase, NextPhase key.Binding
	Speed, Faster, Slower        key.Binding
	Scroll, Quit                 key.Binding
}

// newReplayKeyMap returns the replay's keys, as documented in the README.
func newReplayKeyMap() replayKeyMap {
	b := bind
	return replayKeyMap{
		Play:      b("space", "play", "space"),
		Step:      b("→/l", "step", "right", "l"),
		Back:      b("←/h", "back", "left", "h"),
		Phases:    b("[/]", "phase", "[", "]"),
		PrevPhase: b("[", "previous phase", "["),
		NextPhase: b("]", "next phase", "]"),
		Speed:     b("+/-", "speed", "+", "=", "-"),
		Faster:    b("+", "faster", "+", "="),
		Slower:    b("-", "slower", "-"),
		Scroll:    b("↑/↓", "scroll", "up", "down", "k", "j", "pgup", "pgdown"),
		Quit:      quitKey(),
	}
}

// ---- What you missed (issue 14), kept in a block of their own: the
// greeting and the list of unseen decisions (tui/missed.go). The review of
// decisions in a retrospective (y, o: tui/retro_decisions.go) and writing
// cards ahead in its waiting room (w, tab: tui/collect.go) reuse bindings
// of retroKeyMap that their phase has no other use for, with help of
// their own.

// missedKeys are the keys of the greeting that shows a member what they
// missed, and the facilitator's key that lists unseen decisions.
type missedKeys struct {
	Ack, Close, Up, Down key.Binding
	Unseen               key.Binding
}

// newMissedKeys returns the greeting's keys, as documented in the README.
func newMissedKeys() missedKeys {
	return missedKeys{
		Ack:    bind("a", "acknowledge all", "a"),
		Close:  bind("esc", "later", "esc"),
		Up:     bind("↑/k", "scroll up", "up", "k"),
		Down:   bind("↓/j", "scroll down", "down", "j"),
		Unseen: bind("L", "not seen yet", "L"),
	}
}
