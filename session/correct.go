package session

// This file is long (about 740 lines) on purpose: it is the one list of
// the corrections, of both kinds of session, each command's decide next
// to its event and its fold, so that what may be corrected, by whom and
// how it changes the state reads in one place.

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Corrections: what a facilitator (and, where it is theirs, the author)
// does about ordinary mistakes made during a meeting. Every correction is
// an event of its own, so the record shows that something was corrected;
// the state, and so the minutes, show only the corrected result: an
// edited text replaces the old one, and a deleted topic, blocker or action
// item is gone (it appears nowhere, not even struck through). These event
// types were added in version 2 of the record (see docs/record.md).

// The payloads of corrections.
type (
	// ArrivalUndone takes back a roster member's arrival that was marked
	// by mistake: they are expected and not yet here again, as if never
	// marked present. What they contributed stays theirs.
	ArrivalUndone struct {
		Who Person `json:"who"`
	}
	// GuestRemoved takes a guest who was marked present by mistake (a
	// mistyped name, say) out of the session altogether.
	GuestRemoved struct {
		Who Person `json:"who"`
	}
	// GuestPromoted makes a guest a member of the team's roster: expected
	// in this session, and on the roster of the team's next sessions.
	GuestPromoted struct {
		Who Person `json:"who"`
	}
	// ItemEdited changes a parking-lot topic's text.
	ItemEdited struct {
		Item  int    `json:"item"`
		Topic string `json:"topic"`
	}
	// ItemDeleted takes a topic out of the parking lot, as if it had
	// never been parked.
	ItemDeleted struct {
		Item int `json:"item"`
	}
	// BlockerEdited changes the text of the blocker at a position of
	// State.Blockers (from 0).
	BlockerEdited struct {
		Blocker int    `json:"blocker"`
		Text    string `json:"text"`
	}
	// BlockerDeleted takes back the blocker at a position.
	BlockerDeleted struct {
		Blocker int `json:"blocker"`
	}
	// ActionEdited replaces an action item's text, owner and due date.
	ActionEdited struct {
		Action int       `json:"action"`
		Text   string    `json:"text"`
		Owner  Person    `json:"owner"`
		Due    time.Time `json:"due,omitzero"`
	}
	// ActionDeleted takes an action item back.
	ActionDeleted struct {
		Action int `json:"action"`
	}
	// SpeakerMoved puts a speaker who has not spoken yet at another place
	// of the speaking order, after the current speaker.
	SpeakerMoved struct {
		Speaker ParticipantID `json:"speaker"`
		To      int           `json:"to"`
	}
	// WentBack returns a retrospective to the phase before its current
	// one; see Back for what each step back keeps and discards.
	WentBack struct {
		To Phase `json:"to"`
	}
	// CardColumnChanged puts a card into another column of the board.
	CardColumnChanged struct {
		Card   int `json:"card"`
		Column int `json:"column"`
	}
)

func init() {
	register("arrival-undone", func() *ArrivalUndone { return new(ArrivalUndone) })
	register("guest-removed", func() *GuestRemoved { return new(GuestRemoved) })
	register("guest-promoted", func() *GuestPromoted { return new(GuestPromoted) })
	register("item-edited", func() *ItemEdited { return new(ItemEdited) })
	register("item-deleted", func() *ItemDeleted { return new(ItemDeleted) })
	register("blocker-edited", func() *BlockerEdited { return new(BlockerEdited) })
	register("blocker-deleted", func() *BlockerDeleted { return new(BlockerDeleted) })
	register("action-edited", func() *ActionEdited { return new(ActionEdited) })
	register("action-deleted", func() *ActionDeleted { return new(ActionDeleted) })
	register("speaker-moved", func() *SpeakerMoved { return new(SpeakerMoved) })
	register("went-back", func() *WentBack { return new(WentBack) })
	register("card-column-changed", func() *CardColumnChanged { return new(CardColumnChanged) })
}

func (*ArrivalUndone) Type() EventType     { return "arrival-undone" }
func (*GuestRemoved) Type() EventType      { return "guest-removed" }
func (*GuestPromoted) Type() EventType     { return "guest-promoted" }
func (*ItemEdited) Type() EventType        { return "item-edited" }
func (*ItemDeleted) Type() EventType       { return "item-deleted" }
func (*BlockerEdited) Type() EventType     { return "blocker-edited" }
func (*BlockerDeleted) Type() EventType    { return "blocker-deleted" }
func (*ActionEdited) Type() EventType      { return "action-edited" }
func (*ActionDeleted) Type() EventType     { return "action-deleted" }
func (*SpeakerMoved) Type() EventType      { return "speaker-moved" }
func (*WentBack) Type() EventType          { return "went-back" }
func (*CardColumnChanged) Type() EventType { return "card-column-changed" }

// Since returns the record version that added an event type: 1 for the
// types of the first version, 2 for the corrections. A record that holds
// an event of a type is at least of that version.
func Since(t EventType) int {
	switch t {
	case "arrival-undone", "guest-removed", "guest-promoted", "item-edited", "item-deleted",
		"blocker-edited", "blocker-deleted", "action-edited", "action-deleted", "speaker-moved",
		"went-back", "card-column-changed",
		"missed-acknowledged", "decision-reviewed": // see greet.go
		return 2
	}
	return 1
}

// The commands of corrections.
type (
	// Unarrive takes back the arrival of a roster member (or the
	// facilitator) marked present by name by mistake: they count as not
	// yet here, and no longer as late. Facilitator only. Someone who
	// joined with their own SSH key arrived themselves (mark them away,
	// or remove them); someone who has had a turn was here. A guest is
	// removed with RemoveGuest instead.
	Unarrive struct{ Who ParticipantID }
	// RemoveGuest takes a guest marked present by name by mistake out of
	// the session, as if never marked. Facilitator only. A guest who has
	// taken part (a turn, a blocker, a topic, a card, a vote…) stays:
	// Remove them instead, which keeps what they contributed.
	RemoveGuest struct{ Who ParticipantID }
	// PromoteGuest makes a guest a member of the team: expected from now
	// on in this session, and put on the team's roster (with the key they
	// joined with bound to their name) by a Room with RoomOptions.Teams.
	// Only the facilitator, and only one who may change the team (an
	// owner, or the operator at the shared keyboard).
	PromoteGuest struct {
		Who ParticipantID
		// Team is the team as it is now (see Join.Team).
		Team *Team
	}
	// EditItem changes an open parking-lot topic's text. Who parked it
	// or the facilitator.
	EditItem struct {
		Item  int
		Topic string
	}
	// DeleteItem takes an open topic out of the parking lot: a topic
	// parked by mistake. (Dropping it with Resolve keeps it in the
	// minutes.) Who parked it or the facilitator.
	DeleteItem struct{ Item int }
	// EditBlocker changes the text of the blocker at position Blocker of
	// State.Blockers. Was, if set, must be its text now, so that a
	// correction meant for one blocker never hits another. The blocker's
	// speaker, who noted it, or the facilitator.
	EditBlocker struct {
		Blocker int
		Was     string
		Text    string
	}
	// DeleteBlocker takes back the blocker at a position; Was as for
	// EditBlocker.
	DeleteBlocker struct {
		Blocker int
		Was     string
	}
	// EditAction changes an action item agreed in this session: its text,
	// and its owner (empty: unchanged) and due date (nil: unchanged; a
	// zero time: none). Its owner or the facilitator.
	EditAction struct {
		Action int
		Text   string
		Owner  ParticipantID
		Due    *time.Time
	}
	// DeleteAction takes back an action item agreed in this session. Its
	// owner or the facilitator. (Items of earlier sessions are reviewed,
	// not deleted.)
	DeleteAction struct{ Action int }
	// UpNext makes someone who is here and has not spoken yet the next
	// speaker; with Now they get the floor at once (the current turn ends,
	// Speaker checked as for Next). Facilitator only.
	UpNext struct {
		Who     ParticipantID
		Now     bool
		Speaker ParticipantID
	}
	// MoveUp moves someone who has not spoken yet one place up in the
	// speaking order, never before the current speaker. Facilitator only.
	MoveUp struct{ Who ParticipantID }
	// Back returns a retrospective one step: while discussing a topic
	// after the first, to the previous topic; else to the phase before.
	// Facilitator only; the screen asks first. Step is checked as for
	// Next. Going back keeps what was done, except:
	//   - back from voting to grouping discards every dot: grouping again
	//     changes the topics the dots were on; everyone votes anew;
	//   - back from the first topic to voting discards the discussion
	//     order (it is worked out again from the dots when the
	//     discussion starts again), and so is refused once a note, a
	//     decision or an action item is tied to a discussed topic;
	//   - back from the actions goes to the last topic, with a fresh
	//     time-box and fresh thumbs.
	// There is no going back from the check-in into the waiting room.
	// Cards stay revealed once revealed; ROTI scores, check-ins and
	// reviews stay.
	Back struct{ Step string }
	// SkipToActions ends the discussion at the current topic and goes on
	// to the action items when no topic after it has a dot. Facilitator
	// only; Step as for Next.
	SkipToActions struct{ Step string }
	// MoveCard puts a card into another column while writing: the
	// author's own card (For as for EditCard), or, by the facilitator, a
	// topic a stand-up sent to the retrospective, which lands in the
	// first column.
	MoveCard struct {
		Card   int
		Column int
		For    ParticipantID
	}
)

// facilitatorOrOwn allows the facilitator, and the participants named:
// whose the thing is (who parked it, whose blocker it is or who noted it,
// who owns the action item).
func facilitatorOrOwn(a Participant, what string, owners ...ParticipantID) error {
	if a.Role == Facilitator || slices.Contains(owners, a.ID) {
		return nil
	}
	return fmt.Errorf("%w: only the facilitator, or whose it is, can %s", ErrForbidden, what)
}

func (c Unarrive) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "take back an arrival"); err != nil {
		return nil, err
	}
	p, ok := s.Participant(c.Who)
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, c.Who)
	case p.Removed:
		return nil, fmt.Errorf("%w: %s was removed", ErrConflict, p.Name)
	case p.Arrived.IsZero():
		return nil, fmt.Errorf("%w: %s was not marked present", ErrConflict, p.Name)
	case p.Key != "":
		return nil, fmt.Errorf("%w: %s joined with their own key; mark them away or remove them instead", ErrInvalid, p.Name)
	case !p.Expected && p.ID != s.Facilitator:
		return nil, fmt.Errorf("%w: %s is a guest; remove the guest instead", ErrInvalid, p.Name)
	case spoke(s, p.ID):
		return nil, fmt.Errorf("%w: %s has had a turn; mark them away instead", ErrConflict, p.Name)
	}
	// Like someone leaving, it may be the last one not done.
	return append([]Payload{&ArrivalUndone{Who: p.Person()}}, afterLeaving(s, p.ID)...), nil
}

// spoke reports whether the participant has had a turn (or has it now).
func spoke(s *State, id ParticipantID) bool {
	return slices.ContainsFunc(s.Turns, func(t Turn) bool { return t.Speaker == id })
}

// trace names something that ties a participant to what happened in the
// session, or is "" when there is nothing.
func trace(s *State, p Participant) string {
	id := p.ID
	is := func(q Person) bool { return q.ID == id }
	switch {
	case spoke(s, id):
		return "had a turn"
	case slices.ContainsFunc(s.Blockers, func(b Blocker) bool { return is(b.Speaker) || b.NotedBy == id }):
		return "has a blocker"
	case slices.ContainsFunc(s.Items, func(it Item) bool { return is(it.RaisedBy) || is(it.Speaker) || slices.ContainsFunc(it.Stay, is) }):
		return "is part of a parked topic"
	case slices.ContainsFunc(s.Cards, func(c Card) bool { return is(c.Author) }):
		return "wrote a card"
	case slices.ContainsFunc(s.Actions, func(x Action) bool { return is(x.Owner) }):
		return "owns an action item"
	case slices.ContainsFunc(s.Votes, func(d Dot) bool { return d.Voter == string(id) }):
		return "voted"
	case slices.ContainsFunc(s.CheckIns, func(c CheckInEntry) bool { return c.ID == 0 && c.Who == p.Name }):
		return "checked in"
	case s.Ready[id]:
		return "said done"
	}
	if _, ok := s.Thumbs[string(id)]; ok {
		return "showed a thumb"
	}
	return ""
}

// guest finds a participant who is a guest: not on the roster and not the
// facilitator.
func guest(s *State, who ParticipantID) (Participant, error) {
	p, ok := s.Participant(who)
	switch {
	case !ok:
		return Participant{}, fmt.Errorf("%w: no participant %q", ErrNotFound, who)
	case p.Removed:
		return Participant{}, fmt.Errorf("%w: %s was removed", ErrConflict, p.Name)
	case p.Expected || p.ID == s.Facilitator:
		return Participant{}, fmt.Errorf("%w: %s is not a guest", ErrInvalid, p.Name)
	}
	return p, nil
}

func (c RemoveGuest) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "remove guests"); err != nil {
		return nil, err
	}
	p, err := guest(s, c.Who)
	if err != nil {
		return nil, err
	}
	if p.Key != "" {
		return nil, fmt.Errorf("%w: %s joined with their own key; remove them instead", ErrInvalid, p.Name)
	}
	if t := trace(s, p); t != "" {
		return nil, fmt.Errorf("%w: %s %s; remove them instead, which keeps it", ErrConflict, p.Name, t)
	}
	return append([]Payload{&GuestRemoved{Who: p.Person()}}, afterLeaving(s, p.ID)...), nil
}

func (c PromoteGuest) withTeam(t *Team) Command { c.Team = t; return c }

// callerOf is who a participant is to the team rules: the key they joined
// with, or without one the operator at the shared keyboard.
func callerOf(a Participant) Caller {
	if a.Key != "" {
		return KeyCaller(a.Key)
	}
	if key, ok := strings.CutPrefix(string(a.ID), "ssh:"); ok {
		return KeyCaller(key)
	}
	return LocalCaller()
}

func (c PromoteGuest) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "add guests to the team"); err != nil {
		return nil, err
	}
	p, err := guest(s, c.Who)
	if err != nil {
		return nil, err
	}
	if p.Role == Observer {
		return nil, fmt.Errorf("%w: %s only watches; they join the team once they take part", ErrInvalid, p.Name)
	}
	if slices.ContainsFunc(s.Participants, func(q Participant) bool { return q.Expected && strings.EqualFold(q.Name, p.Name) }) {
		return nil, fmt.Errorf("%w: the roster has a %s already", ErrConflict, p.Name)
	}
	if c.Team != nil {
		if !c.Team.Owns(callerOf(a)) {
			return nil, fmt.Errorf("%w: only an owner of %s can add to its roster", ErrForbidden, c.Team.Name)
		}
		if p.Key != "" {
			if other, ok := c.Team.MemberOf(p.Key); ok && !strings.EqualFold(other, p.Name) {
				return nil, fmt.Errorf("%w: %s's key is %s's in the team already", ErrConflict, p.Name, other)
			}
		}
		if k := c.Team.BoundTo(p.Name); c.Team.onRoster(p.Name) && k != "" && k != p.Key {
			return nil, fmt.Errorf("%w: the team's %s is someone else, with another key", ErrConflict, c.Team.rosterName(p.Name))
		}
	}
	return []Payload{&GuestPromoted{Who: p.Person()}}, nil
}

// parkedItem finds an open item that the actor may change.
func parkedItem(s *State, a Participant, id int, what string) (Item, error) {
	if err := notObserver(a, what); err != nil {
		return Item{}, err
	}
	it, err := openItem(s, id)
	if err != nil {
		return Item{}, err
	}
	if err := facilitatorOrOwn(a, what, it.RaisedBy.ID); err != nil {
		return Item{}, err
	}
	return it, nil
}

func (c EditItem) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	it, err := parkedItem(s, a, c.Item, "change a parked topic")
	if err != nil {
		return nil, err
	}
	topic := CleanText(c.Topic, DefaultMaxText)
	switch topic {
	case "":
		return nil, fmt.Errorf("%w: a parked topic needs some text; delete it instead", ErrInvalid)
	case it.Topic:
		return nil, fmt.Errorf("%w: nothing to change", ErrConflict)
	}
	return []Payload{&ItemEdited{Item: it.ID, Topic: topic}}, nil
}

func (c DeleteItem) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	it, err := parkedItem(s, a, c.Item, "delete a parked topic")
	if err != nil {
		return nil, err
	}
	return []Payload{&ItemDeleted{Item: it.ID}}, nil
}

// blocker finds a blocker that the actor may change.
func blocker(s *State, a Participant, i int, was, what string) (Blocker, error) {
	if err := notObserver(a, what); err != nil {
		return Blocker{}, err
	}
	if i < 0 || i >= len(s.Blockers) {
		return Blocker{}, fmt.Errorf("%w: no blocker %d", ErrNotFound, i+1)
	}
	b := s.Blockers[i]
	if was != "" && b.Text != was {
		return Blocker{}, fmt.Errorf("%w: that blocker has changed meanwhile; look again", ErrConflict)
	}
	if err := facilitatorOrOwn(a, what, b.Speaker.ID, b.NotedBy); err != nil {
		return Blocker{}, err
	}
	return b, nil
}

func (c EditBlocker) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	b, err := blocker(s, a, c.Blocker, c.Was, "change a blocker")
	if err != nil {
		return nil, err
	}
	text := CleanText(c.Text, DefaultMaxText)
	switch text {
	case "":
		return nil, fmt.Errorf("%w: a blocker needs some text; delete it instead", ErrInvalid)
	case b.Text:
		return nil, fmt.Errorf("%w: nothing to change", ErrConflict)
	}
	return []Payload{&BlockerEdited{Blocker: c.Blocker, Text: text}}, nil
}

func (c DeleteBlocker) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if _, err := blocker(s, a, c.Blocker, c.Was, "delete a blocker"); err != nil {
		return nil, err
	}
	return []Payload{&BlockerDeleted{Blocker: c.Blocker}}, nil
}

// ownAction finds an action item of this session that the actor may change.
func ownAction(s *State, a Participant, id int, what string) (Action, error) {
	if err := notObserver(a, what); err != nil {
		return Action{}, err
	}
	i := slices.IndexFunc(s.Actions, func(x Action) bool { return x.ID == id })
	if i < 0 {
		return Action{}, fmt.Errorf("%w: no action item #%d", ErrNotFound, id)
	}
	x := s.Actions[i]
	if x.Session != s.ID {
		return Action{}, fmt.Errorf("%w: action item #%d was agreed in an earlier session; review it instead", ErrInvalid, id)
	}
	if err := facilitatorOrOwn(a, what, x.Owner.ID); err != nil {
		return Action{}, err
	}
	return x, nil
}

func (c EditAction) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	x, err := ownAction(s, a, c.Action, "change an action item")
	if err != nil {
		return nil, err
	}
	text := CleanText(c.Text, DefaultMaxText)
	if text == "" {
		return nil, fmt.Errorf("%w: an action item needs some text; delete it instead", ErrInvalid)
	}
	out := &ActionEdited{Action: x.ID, Text: text, Owner: x.Owner, Due: x.Due}
	if c.Owner != "" {
		owner, ok := s.Participant(c.Owner)
		if !ok || owner.Role == Observer {
			return nil, fmt.Errorf("%w: an action item needs an owner from the team", ErrInvalid)
		}
		out.Owner = owner.Person()
	}
	if c.Due != nil {
		out.Due = *c.Due
	}
	if out.Text == x.Text && out.Owner == x.Owner && out.Due.Equal(x.Due) {
		return nil, fmt.Errorf("%w: nothing to change", ErrConflict)
	}
	return []Payload{out}, nil
}

func (c DeleteAction) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	x, err := ownAction(s, a, c.Action, "delete an action item")
	if err != nil {
		return nil, err
	}
	return []Payload{&ActionDeleted{Action: x.ID}}, nil
}

// waitingSpeaker finds someone here who has not spoken yet: their index in
// the speaking order, after the current speaker's.
func waitingSpeaker(s *State, a Participant, who ParticipantID, what string) (int, error) {
	if err := facilitatorOnly(a, what); err != nil {
		return 0, err
	}
	if err := inPhase(s, Rounds, "the speaking order changes"); err != nil {
		return 0, err
	}
	p, ok := s.Participant(who)
	if !ok {
		return 0, fmt.Errorf("%w: no participant %q", ErrNotFound, who)
	}
	i := slices.Index(s.Order, who)
	switch {
	case i == s.Pos:
		return 0, fmt.Errorf("%w: %s is speaking now", ErrConflict, p.Name)
	case i >= 0 && i < s.Pos:
		return 0, fmt.Errorf("%w: %s has spoken already", ErrConflict, p.Name)
	case i < 0 || !p.Speaks():
		return 0, fmt.Errorf("%w: %s is not here to speak; mark them present first", ErrInvalid, p.Name)
	}
	return i, nil
}

func (c UpNext) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	i, err := waitingSpeaker(s, a, c.Who, "choose the next speaker")
	if err != nil {
		return nil, err
	}
	var out []Payload
	if i != s.Pos+1 {
		out = append(out, &SpeakerMoved{Speaker: c.Who, To: s.Pos + 1})
	}
	if c.Now {
		if err := stillSpeaking(s, c.Speaker); err != nil {
			return nil, err
		}
		return append(out, &TurnEnded{}, &TurnStarted{Speaker: c.Who, Budget: s.TurnBudget}), nil
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %s is up next already", ErrConflict, s.Name(c.Who))
	}
	return out, nil
}

func (c MoveUp) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	i, err := waitingSpeaker(s, a, c.Who, "change the speaking order")
	if err != nil {
		return nil, err
	}
	if i == s.Pos+1 {
		return nil, fmt.Errorf("%w: %s is up next already", ErrConflict, s.Name(c.Who))
	}
	return []Payload{&SpeakerMoved{Speaker: c.Who, To: i - 1}}, nil
}

func (c Back) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := retroOnly(s); err != nil {
		return nil, err
	}
	if err := facilitatorOnly(a, "go back"); err != nil {
		return nil, err
	}
	if c.Step != "" && c.Step != s.Step() {
		return nil, fmt.Errorf("%w: the retrospective has moved on already", ErrConflict)
	}
	switch s.Phase {
	case Waiting, CheckIn:
		return nil, fmt.Errorf("%w: there is no phase to go back to", ErrPhase)
	case Discuss:
		if s.TopicPos > 0 {
			return []Payload{&TopicChanged{Pos: s.TopicPos - 1}}, nil
		}
		if len(s.Notes) > 0 || len(s.Decisions) > 0 ||
			slices.ContainsFunc(s.Actions, func(x Action) bool { return x.Session == s.ID && x.Topic != 0 }) {
			return nil, fmt.Errorf("%w: notes, decisions or action items are recorded on the topics; voting again would change what they belong to", ErrConflict)
		}
	}
	i := slices.Index(retroPhases, s.Phase)
	return []Payload{&WentBack{To: retroPhases[i-1]}}, nil
}

func (c SkipToActions) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := inRetroPhase(s, "skipping to the action items", Discuss); err != nil {
		return nil, err
	}
	if err := facilitatorOnly(a, "skip to the action items"); err != nil {
		return nil, err
	}
	if c.Step != "" && c.Step != s.Step() {
		return nil, fmt.Errorf("%w: the retrospective has moved on already", ErrConflict)
	}
	voted := 0
	for _, g := range s.Topics[min(s.TopicPos+1, len(s.Topics)):] {
		if s.VotesFor(g) > 0 {
			voted++
		}
	}
	if voted > 0 {
		return nil, fmt.Errorf("%w: %d topics still to come have dots; discuss them first", ErrConflict, voted)
	}
	return []Payload{&PhaseChanged{To: Actions}}, nil
}

func (c MoveCard) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "moving cards to other columns", Write); err != nil {
		return nil, err
	}
	card, err := changeableCard(s, a, env, c.Card, c.For)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Column < 0 || c.Column >= len(s.Config.Columns):
		return nil, fmt.Errorf("%w: no column %d", ErrInvalid, c.Column)
	case c.Column == card.Column:
		return nil, fmt.Errorf("%w: the card is in that column already", ErrConflict)
	}
	return []Payload{&CardColumnChanged{Card: card.ID, Column: c.Column}}, nil
}

// changeableCard finds a card that the actor may change: their own, one
// of the member they act for (the facilitator at the shared keyboard, in a
// retrospective that is not anonymous: see onBehalf), or by the
// facilitator a topic a stand-up sent here, which is nobody's card.
func changeableCard(s *State, a Participant, env Env, id int, who ParticipantID) (Card, error) {
	if card, ok := s.Card(id); ok && card.FromStandup {
		if err := facilitatorOnly(a, "change a topic from the stand-up"); err != nil {
			return Card{}, err
		}
		return card, nil
	}
	if err := notObserver(a, "change cards"); err != nil {
		return Card{}, err
	}
	p, err := onBehalf(s, a, who, "changes cards")
	if err != nil {
		return Card{}, err
	}
	return ownCard(s, p, env, id)
}

func (p *ArrivalUndone) apply(s *State, _ Event) {
	i := s.participant(p.Who.ID)
	if i < 0 {
		return
	}
	pt := &s.Participants[i]
	pt.Present, pt.Arrived, pt.ArrivalSeq, pt.LateBy, pt.AwaySince = false, time.Time{}, 0, 0, time.Time{}
	s.dropFromOrder(pt.ID)
	delete(s.Ready, pt.ID)
}

// dropFromOrder takes someone who has not spoken out of the speaking order.
func (s *State) dropFromOrder(id ParticipantID) {
	if i := slices.Index(s.Order, id); i > s.Pos {
		s.Order = slices.Delete(s.Order, i, i+1)
	}
}

func (p *GuestRemoved) apply(s *State, _ Event) {
	s.Participants = slices.DeleteFunc(s.Participants, func(q Participant) bool { return q.ID == p.Who.ID })
	s.dropFromOrder(p.Who.ID)
	delete(s.Ready, p.Who.ID)
}

func (p *GuestPromoted) apply(s *State, _ Event) {
	if i := s.participant(p.Who.ID); i >= 0 {
		s.Participants[i].Expected = true
	}
}

func (p *ItemEdited) apply(s *State, _ Event) {
	if i := s.item(p.Item); i >= 0 {
		s.Items[i].Topic = p.Topic
	}
}

func (p *ItemDeleted) apply(s *State, _ Event) {
	s.Items = slices.DeleteFunc(s.Items, func(it Item) bool { return it.ID == p.Item })
}

func (p *BlockerEdited) apply(s *State, _ Event) {
	if p.Blocker >= 0 && p.Blocker < len(s.Blockers) {
		s.Blockers[p.Blocker].Text = p.Text
	}
}

func (p *BlockerDeleted) apply(s *State, _ Event) {
	if p.Blocker >= 0 && p.Blocker < len(s.Blockers) {
		s.Blockers = slices.Delete(s.Blockers, p.Blocker, p.Blocker+1)
	}
}

func (p *ActionEdited) apply(s *State, _ Event) {
	if i := slices.IndexFunc(s.Actions, func(x Action) bool { return x.ID == p.Action }); i >= 0 {
		x := &s.Actions[i]
		x.Text, x.Owner, x.Due = p.Text, p.Owner, p.Due
	}
}

func (p *ActionDeleted) apply(s *State, _ Event) {
	s.Actions = slices.DeleteFunc(s.Actions, func(x Action) bool { return x.ID == p.Action })
}

func (p *SpeakerMoved) apply(s *State, _ Event) {
	i := slices.Index(s.Order, p.Speaker)
	if i <= s.Pos || p.To <= s.Pos || p.To >= len(s.Order) {
		return
	}
	s.Order = slices.Insert(slices.Delete(s.Order, i, i+1), p.To, p.Speaker)
}

func (p *WentBack) apply(s *State, e Event) {
	switch s.Phase {
	case Vote:
		s.Votes = nil // the topics may change: everyone votes anew
	case Discuss:
		s.Topics, s.TopicPos, s.Thumbs = nil, 0, nil // worked out again from the dots
	}
	s.Phase = p.To
	if p.To == Discuss {
		s.TopicPos, s.Thumbs = max(0, len(s.Topics)-1), nil
	}
	s.enterRetroPhase(e.Time)
}

func (p *CardColumnChanged) apply(s *State, _ Event) {
	if i := slices.IndexFunc(s.Cards, func(c Card) bool { return c.ID == p.Card }); i >= 0 {
		s.Cards[i].Column = p.Column
	}
}
