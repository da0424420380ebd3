package session

// This file is long (about 600 lines) on purpose: it is the
// retrospective's part of State in one place, its types, the questions
// the screens and the exports ask of them, its phases, and its events
// with how each applies.

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Card is a retrospective card. In an anonymous retrospective it has no
// Author, only AuthorHash: the card's own token (see anon.go), made with
// the contribution number Nonce, which lets its author edit it while the
// session's secret exists and ties it to nobody once it is gone.
type Card struct {
	ID          int    `json:"id"`
	Column      int    `json:"column"`
	Text        string `json:"text"`
	Author      Person `json:"author,omitzero"`
	AuthorHash  string `json:"author_hash,omitempty"`
	Nonce       int64  `json:"nonce,omitempty"`
	Group       int    `json:"group"`                  // the topic it belongs to: its own id until grouped
	FromStandup bool   `json:"from_standup,omitempty"` // a parked topic a stand-up sent here
}

// Move is one grouping step, kept so the facilitator can undo it.
type Move struct {
	Card int `json:"card"`
	From int `json:"from"`
	To   int `json:"to"`
}

// Dot is one vote on a topic. Voter is the participant id, or in an
// anonymous retrospective the dot's own token (see anon.go); ID is its
// contribution number, by which it is taken back.
type Dot struct {
	Voter string `json:"voter,omitempty"`
	Group int    `json:"group"`
	ID    int64  `json:"id,omitempty"`
}

// Note is something said about a topic during the discussion.
type Note struct {
	Topic int       `json:"topic"`
	Text  string    `json:"text"`
	At    time.Time `json:"at"`
}

// Decision is a decision taken during a retrospective's discussion, with
// who was there and who was not.
type Decision struct {
	Topic   int       `json:"topic"`
	Text    string    `json:"text"`
	Present []string  `json:"present,omitempty"`
	Absent  []string  `json:"absent,omitempty"`
	At      time.Time `json:"at"`
}

// ActionStatus is the state of an action item.
type ActionStatus int

// Action item statuses. Open items carry over to the team's next session.
const (
	ActionOpen ActionStatus = iota
	ActionDone
	ActionNotDone // reviewed, not done, carried on
	ActionDropped
)

var actionStatusNames = names[ActionStatus]{"open", "done", "not-done", "dropped"}

func (a ActionStatus) String() string { return actionStatusNames.str(a) }

// ParseActionStatus parses "open", "done", "not-done" or "dropped".
func ParseActionStatus(s string) (ActionStatus, error) {
	return actionStatusNames.parse("action status", s)
}

// MarshalText implements encoding.TextMarshaler.
func (a ActionStatus) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *ActionStatus) UnmarshalText(b []byte) (err error) {
	*a, err = ParseActionStatus(string(b))
	return err
}

// Action is an action item: something someone will do by a date.
type Action struct {
	ID      int          `json:"id"`
	Text    string       `json:"text"`
	Owner   Person       `json:"owner"`
	Due     time.Time    `json:"due,omitzero"`
	Status  ActionStatus `json:"status"`
	Topic   int          `json:"topic,omitempty"` // the discussed topic it came from
	Session string       `json:"session"`         // where it was agreed
	// Between are the changes made to it between meetings, from the
	// team's log (see TeamHistory.OpenActions), oldest first.
	Between []ActionChange `json:"between,omitempty"`
}

// Carries reports whether the action item goes on to the next session.
func (a Action) Carries() bool { return a.Status == ActionOpen || a.Status == ActionNotDone }

// ESVP answers of the check-in poll.
const (
	Explorer = iota + 1
	Shopper
	Vacationer
	Prisoner
)

// ESVPNames are the poll's answers, by value.
var ESVPNames = [...]string{"", "Explorer", "Shopper", "Vacationer", "Prisoner"}

// CheckInEntry is one check-in: a word with a name, or an anonymous ESVP
// answer (or word, in an anonymous retrospective) under its own token,
// made with the contribution number ID.
type CheckInEntry struct {
	Who  string `json:"who"`
	Word string `json:"word,omitempty"`
	ESVP int    `json:"esvp,omitempty"`
	ID   int64  `json:"id,omitempty"`
}

// RotiEntry is one anonymous return-on-time-invested score, 1 to 5, under
// its own token, made with the contribution number ID.
type RotiEntry struct {
	Voter string `json:"voter"`
	Score int    `json:"score"`
	ID    int64  `json:"id,omitempty"`
}

// Anonymous is the actor recorded for what must not be tied to anyone.
const Anonymous ParticipantID = "anonymous"

// RecordedActor is the actor an event is stored with. Cards, dots,
// check-ins and thumbs of an anonymous retrospective, and ROTI scores and
// ESVP answers of every retrospective, are recorded as Anonymous, so that
// the log ties them to nobody: their payloads carry only tokens that
// differ per contribution. Whatever else the same command brings about is
// recorded as System (see recordedActors).
func RecordedActor(s *State, actor ParticipantID, p Payload) ParticipantID {
	switch p := p.(type) {
	case *RotiGiven:
		return Anonymous
	case *CheckedIn:
		if p.Entry.ESVP != 0 || s.Config.Anonymous {
			return Anonymous
		}
	case *CardAdded, *CardEdited, *CardDeleted, *CardColumnChanged, *Voted, *Thumbed:
		if s.Config.Anonymous {
			return Anonymous
		}
	}
	return actor
}

// Card returns the card with the id.
func (s *State) Card(id int) (Card, bool) {
	i := slices.IndexFunc(s.Cards, func(c Card) bool { return c.ID == id })
	if i < 0 {
		return Card{}, false
	}
	return s.Cards[i], true
}

// TopicCards returns the cards of a group (topic), in order.
func (s *State) TopicCards(group int) []Card {
	var out []Card
	for _, c := range s.Cards {
		if c.Group == group {
			out = append(out, c)
		}
	}
	return out
}

// GroupIDs returns the topics on the board: the groups that hold cards.
func (s *State) GroupIDs() []int {
	var out []int
	for _, c := range s.Cards {
		if !slices.Contains(out, c.Group) {
			out = append(out, c.Group)
		}
	}
	return out
}

// VotesFor counts the dots on a topic.
func (s *State) VotesFor(group int) int {
	n := 0
	for _, v := range s.Votes {
		if v.Group == group {
			n++
		}
	}
	return n
}

// VotesBy counts a voter's dots, on one topic or (group 0) on all.
func (s *State) VotesBy(voter string, group int) int {
	n := 0
	for _, v := range s.Votes {
		if v.Voter == voter && (group == 0 || v.Group == group) {
			n++
		}
	}
	return n
}

// CurrentTopic returns the group under discussion.
func (s *State) CurrentTopic() (int, bool) {
	if s.Phase != Discuss || s.TopicPos < 0 || s.TopicPos >= len(s.Topics) {
		return 0, false
	}
	return s.Topics[s.TopicPos], true
}

// Step names where a retrospective is: its phase, and while discussing
// the topic's place in the order.
func (s *State) Step() string {
	if s.Phase == Discuss {
		return s.Phase.String() + "#" + strconv.Itoa(s.TopicPos)
	}
	return s.Phase.String()
}

// OpenActions returns the action items that carry over.
func (s *State) OpenActions() []Action {
	var out []Action
	for _, a := range s.Actions {
		if a.Carries() {
			out = append(out, a)
		}
	}
	return out
}

// Voices are the participants whose say counts in a show of hands: the
// thumbs on a discussed topic, the ROTI scores and the "done" signals.
// They are the members who are here: observers never count, and the
// facilitator counts as any member does, when here (at the shared
// keyboard, once marked present). Someone who is not here may not give a
// thumb or a score, and the facilitator may not give one for them.
func (s *State) Voices() []Participant {
	var out []Participant
	for _, p := range s.Participants {
		if p.Speaks() {
			out = append(out, p)
		}
	}
	return out
}

// ThumbsAwaited names those who count (Voices) and have shown no thumb on
// the discussed topic yet. In an anonymous retrospective the thumbs name
// nobody, so it is nil there: screens say how many are in.
func (s *State) ThumbsAwaited() []string {
	if s.Config.Anonymous {
		return nil
	}
	var out []string
	for _, p := range s.Voices() {
		if _, ok := s.Thumbs[string(p.ID)]; !ok {
			out = append(out, p.Name)
		}
	}
	return out
}

// RotiTally counts the ROTI scores for the "scored of" line. Only members
// who are here may score (Voices). A member who scored and then left
// keeps the score: it is theirs to give, and taking it back as they leave
// would tell which score was theirs; which scores are theirs is not known
// while the scores stay anonymous. So of counts everyone who took part:
// the members here and those who were here and left (left), and scored,
// the number of scores, is never more than of.
func (s *State) RotiTally() (scored, of, left int) {
	for _, p := range s.Participants {
		switch {
		case p.Role == Observer:
		case p.Present:
			of++
		case !p.Arrived.IsZero() && !s.Started.IsZero() && p.AwaySince.After(s.Started):
			of++
			left++
		}
	}
	return min(len(s.Rotis), of), of, left
}

// DefaultPhaseBoxes are the time-boxes of a retrospective's phases.
var DefaultPhaseBoxes = map[Phase]time.Duration{
	CheckIn: 5 * time.Minute, Review: 5 * time.Minute, Write: 7 * time.Minute, Group: 5 * time.Minute,
	Vote: 3 * time.Minute, Discuss: 5 * time.Minute, Actions: 7 * time.Minute, Roti: 3 * time.Minute,
}

// phaseBox is the time-box of a phase (per topic while discussing).
func (s *State) phaseBox(p Phase) time.Duration {
	if p == Discuss && s.Config.TopicBox > 0 {
		return s.Config.TopicBox
	}
	if d, ok := s.Config.PhaseBoxes[p]; ok && d > 0 {
		return d
	}
	return DefaultPhaseBoxes[p]
}

// retroPhases is a retrospective's plan, in order.
var retroPhases = []Phase{Waiting, CheckIn, Review, Write, Group, Vote, Discuss, Actions, Roti, Closed}

func nextRetroPhase(p Phase) Phase {
	i := slices.Index(retroPhases, p)
	if i < 0 || i+1 >= len(retroPhases) {
		return Closed
	}
	return retroPhases[i+1]
}

// discussionOrder puts the topics in vote order, most dots first; ties
// keep board order.
func discussionOrder(s *State) []int {
	groups := s.GroupIDs()
	slices.SortStableFunc(groups, func(a, b int) int { return cmp.Compare(s.VotesFor(b), s.VotesFor(a)) })
	return groups
}

// enterRetroPhase starts a retrospective phase at t. s.Phase is the new
// phase.
func (s *State) enterRetroPhase(t time.Time) {
	s.Ready = nil
	if s.Phase >= Group {
		s.Revealed = true
	}
	if s.Phase == Discuss && s.Topics == nil {
		s.Topics, s.TopicPos, s.Thumbs = discussionOrder(s), 0, nil
	}
	s.PhaseTimer = Timer{}
	if s.Phase != Closed {
		s.PhaseTimer = Timer{Budget: s.phaseBox(s.Phase)}
		s.PhaseTimer.start(t)
		s.resume(t) // moving on ends a pause
	}
}

func (s *State) resume(t time.Time) {
	if s.Paused {
		s.Paused, s.PauseReason = false, ""
		s.Overall.start(t)
	}
}

// The payloads of a retrospective.
type (
	// CheckedIn records a check-in; Replaces is the contribution number
	// of the anonymous answer it replaces.
	CheckedIn struct {
		Entry    CheckInEntry `json:"entry"`
		Replaces int64        `json:"replaces,omitempty"`
	}
	// ActionReviewed gives an earlier action item its review status.
	ActionReviewed struct {
		Action int          `json:"action"`
		Status ActionStatus `json:"status"`
	}
	// CardAdded puts a card on the board.
	CardAdded struct {
		Card Card `json:"card"`
	}
	// CardEdited changes a card's text.
	CardEdited struct {
		Card int    `json:"card"`
		Text string `json:"text"`
	}
	// CardDeleted takes a card off the board.
	CardDeleted struct {
		Card int `json:"card"`
	}
	// CardsRevealed shows every card to everyone.
	CardsRevealed struct{}
	// CardMoved puts a card into another group, or back (an undo).
	CardMoved struct {
		Move Move `json:"move"`
		Undo bool `json:"undo,omitempty"`
	}
	// GroupNamed names a topic.
	GroupNamed struct {
		Group int    `json:"group"`
		Name  string `json:"name"`
	}
	// Voted adds (or with Remove, takes back) a dot.
	Voted struct {
		Dot    Dot  `json:"dot"`
		Remove bool `json:"remove,omitempty"`
	}
	// TopicChanged moves the discussion to the topic at Pos.
	TopicChanged struct {
		Pos int `json:"pos"`
	}
	// Thumbed records a thumbs up (continue) or down on the current
	// topic. Voter is the participant id, or in an anonymous
	// retrospective the thumb's number and token; Replaces is the number
	// of the anonymous thumb it replaces.
	Thumbed struct {
		Voter    string `json:"voter"`
		Up       bool   `json:"up"`
		Replaces int64  `json:"replaces,omitempty"`
	}
	// Noted records a note on a topic.
	Noted struct {
		Note Note `json:"note"`
	}
	// DecisionRecorded records a decision with who was present and absent.
	DecisionRecorded struct {
		Decision Decision `json:"decision"`
	}
	// ActionAdded adds an action item.
	ActionAdded struct {
		Action Action `json:"action"`
	}
	// RotiGiven records a return-on-time-invested score; Replaces is the
	// contribution number of the score it replaces.
	RotiGiven struct {
		Entry    RotiEntry `json:"entry"`
		Replaces int64     `json:"replaces,omitempty"`
	}
	// ReadyChanged records that someone is (or is no longer) done with
	// the current phase.
	ReadyChanged struct {
		Who   ParticipantID `json:"who"`
		Ready bool          `json:"ready"`
	}
)

func init() {
	register("checked-in", func() *CheckedIn { return new(CheckedIn) })
	register("action-reviewed", func() *ActionReviewed { return new(ActionReviewed) })
	register("card-added", func() *CardAdded { return new(CardAdded) })
	register("card-edited", func() *CardEdited { return new(CardEdited) })
	register("card-deleted", func() *CardDeleted { return new(CardDeleted) })
	register("cards-revealed", func() *CardsRevealed { return new(CardsRevealed) })
	register("card-moved", func() *CardMoved { return new(CardMoved) })
	register("group-named", func() *GroupNamed { return new(GroupNamed) })
	register("voted", func() *Voted { return new(Voted) })
	register("topic-changed", func() *TopicChanged { return new(TopicChanged) })
	register("thumbed", func() *Thumbed { return new(Thumbed) })
	register("noted", func() *Noted { return new(Noted) })
	register("decision-recorded", func() *DecisionRecorded { return new(DecisionRecorded) })
	register("action-added", func() *ActionAdded { return new(ActionAdded) })
	register("roti-given", func() *RotiGiven { return new(RotiGiven) })
	register("ready-changed", func() *ReadyChanged { return new(ReadyChanged) })
}

func (*CheckedIn) Type() EventType        { return "checked-in" }
func (*ActionReviewed) Type() EventType   { return "action-reviewed" }
func (*CardAdded) Type() EventType        { return "card-added" }
func (*CardEdited) Type() EventType       { return "card-edited" }
func (*CardDeleted) Type() EventType      { return "card-deleted" }
func (*CardsRevealed) Type() EventType    { return "cards-revealed" }
func (*CardMoved) Type() EventType        { return "card-moved" }
func (*GroupNamed) Type() EventType       { return "group-named" }
func (*Voted) Type() EventType            { return "voted" }
func (*TopicChanged) Type() EventType     { return "topic-changed" }
func (*Thumbed) Type() EventType          { return "thumbed" }
func (*Noted) Type() EventType            { return "noted" }
func (*DecisionRecorded) Type() EventType { return "decision-recorded" }
func (*ActionAdded) Type() EventType      { return "action-added" }
func (*RotiGiven) Type() EventType        { return "roti-given" }
func (*ReadyChanged) Type() EventType     { return "ready-changed" }

func (p *CheckedIn) apply(s *State, _ Event) {
	s.CheckIns = slices.DeleteFunc(s.CheckIns, func(c CheckInEntry) bool {
		if p.Replaces != 0 {
			return c.ID == p.Replaces
		}
		return c.Who == p.Entry.Who
	})
	s.CheckIns = append(s.CheckIns, p.Entry)
}

func (p *ActionReviewed) apply(s *State, _ Event) {
	if i := slices.IndexFunc(s.Actions, func(a Action) bool { return a.ID == p.Action }); i >= 0 {
		s.Actions[i].Status = p.Status
	}
}

func (p *CardAdded) apply(s *State, _ Event) { s.Cards = append(s.Cards, p.Card) }

func (p *CardEdited) apply(s *State, _ Event) {
	if i := slices.IndexFunc(s.Cards, func(c Card) bool { return c.ID == p.Card }); i >= 0 {
		s.Cards[i].Text = p.Text
	}
}

func (p *CardDeleted) apply(s *State, _ Event) {
	s.Cards = slices.DeleteFunc(s.Cards, func(c Card) bool { return c.ID == p.Card })
}

func (*CardsRevealed) apply(s *State, _ Event) { s.Revealed = true }

func (p *CardMoved) apply(s *State, _ Event) {
	i := slices.IndexFunc(s.Cards, func(c Card) bool { return c.ID == p.Move.Card })
	if i < 0 {
		return
	}
	if p.Undo {
		s.Cards[i].Group = p.Move.From
		if n := len(s.Moves); n > 0 {
			s.Moves = s.Moves[:n-1]
		}
		return
	}
	s.Cards[i].Group = p.Move.To
	s.Moves = append(s.Moves, p.Move)
}

func (p *GroupNamed) apply(s *State, _ Event) {
	if s.GroupNames == nil {
		s.GroupNames = map[int]string{}
	}
	s.GroupNames[p.Group] = p.Name
}

func (p *Voted) apply(s *State, _ Event) {
	if !p.Remove {
		s.Votes = append(s.Votes, p.Dot)
		return
	}
	i := slices.Index(s.Votes, p.Dot)
	if p.Dot.ID != 0 {
		i = slices.IndexFunc(s.Votes, func(d Dot) bool { return d.ID == p.Dot.ID })
	}
	if i >= 0 {
		s.Votes = slices.Delete(s.Votes, i, i+1)
	}
}

func (p *TopicChanged) apply(s *State, e Event) {
	s.TopicPos, s.Thumbs, s.Ready = p.Pos, nil, nil
	s.PhaseTimer = Timer{Budget: s.phaseBox(Discuss)}
	s.PhaseTimer.start(e.Time)
	s.resume(e.Time)
}

func (p *Thumbed) apply(s *State, _ Event) {
	if s.Thumbs == nil {
		s.Thumbs = map[string]bool{}
	}
	if p.Replaces != 0 {
		prefix := strconv.FormatInt(p.Replaces, 10) + ":"
		maps.DeleteFunc(s.Thumbs, func(k string, _ bool) bool { return strings.HasPrefix(k, prefix) })
	}
	s.Thumbs[p.Voter] = p.Up
}

func (p *Noted) apply(s *State, _ Event) { s.Notes = append(s.Notes, p.Note) }

func (p *DecisionRecorded) apply(s *State, _ Event) { s.Decisions = append(s.Decisions, p.Decision) }

func (p *ActionAdded) apply(s *State, _ Event) { s.Actions = append(s.Actions, p.Action) }

func (p *RotiGiven) apply(s *State, _ Event) {
	s.Rotis = slices.DeleteFunc(s.Rotis, func(r RotiEntry) bool {
		if p.Replaces != 0 {
			return r.ID == p.Replaces
		}
		return r.Voter == p.Entry.Voter
	})
	s.Rotis = append(s.Rotis, p.Entry)
}

func (p *ReadyChanged) apply(s *State, _ Event) {
	if s.Ready == nil {
		s.Ready = map[ParticipantID]bool{}
	}
	if p.Ready {
		s.Ready[p.Who] = true
	} else {
		delete(s.Ready, p.Who)
	}
}

// ParsePhaseBoxes reads time-boxes for a retrospective's phases, as in
// "write=10m,vote=5m".
func ParsePhaseBoxes(spec string) (map[Phase]time.Duration, error) {
	out := map[Phase]time.Duration{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		p, err := ParsePhase(strings.TrimSpace(name))
		if err != nil || !ok || !slices.Contains(retroPhases[1:len(retroPhases)-1], p) {
			return nil, fmt.Errorf("%w: %q: want phase=duration, like write=10m, for a phase of %v", ErrInvalid, part, retroPhases[1:len(retroPhases)-1])
		}
		d, err := time.ParseDuration(strings.TrimSpace(value))
		if err != nil || d <= 0 || d > 4*time.Hour {
			return nil, fmt.Errorf("%w: %q: the time-box must be a duration up to 4h, like 10m", ErrInvalid, part)
		}
		out[p] = d
	}
	return out, nil
}
