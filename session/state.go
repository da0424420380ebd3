package session

// This file is long (about 650 lines) on purpose: it is State, the
// stand-up's fold (Apply sees every event type) and the questions asked
// of it, kept beside each other so that a new event and its reading
// change together.

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Config is how a session was set up. It is fixed by the Created event.
type Config struct {
	Team        string        `json:"team"`
	Kind        Kind          `json:"kind"`
	Code        string        `json:"code"`
	ScheduledAt time.Time     `json:"scheduled_at,omitzero"` // zero: start when ready
	Timebox     time.Duration `json:"timebox"`               // the whole stand-up
	Turn        time.Duration `json:"turn,omitempty"`        // per turn; 0 divides Timebox among speakers
	Order       Order         `json:"order"`
	Agreements  []string      `json:"agreements,omitempty"`
	// OpenDoor lets any key with the join code in as a guest, as for an
	// all-hands; otherwise a key that is not the team's knocks and waits
	// for the facilitator.
	OpenDoor bool `json:"open_door,omitempty"`

	// Retrospectives.
	Format      Format                  `json:"format,omitempty"`
	Columns     []string                `json:"columns,omitempty"`      // the board's columns
	VoteBudget  int                     `json:"vote_budget,omitempty"`  // dots per person
	VoteCap     int                     `json:"vote_cap,omitempty"`     // most dots per person on one topic; 0: no cap
	Anonymous   bool                    `json:"anonymous,omitempty"`    // no author is stored for cards and votes
	AutoAdvance bool                    `json:"auto_advance,omitempty"` // a phase ends when everyone is done
	ESVP        bool                    `json:"esvp,omitempty"`         // check in with the ESVP poll, not a word
	Collect     bool                    `json:"collect,omitempty"`      // cards may be written in the waiting room (see collect.go)
	PhaseBoxes  map[Phase]time.Duration `json:"phase_boxes,omitempty"`
	TopicBox    time.Duration           `json:"topic_box,omitempty"` // per discussed topic
}

// Participant is someone in a session: present, away, or expected and not
// yet arrived.
type Participant struct {
	ID         ParticipantID
	Name       string
	Role       Role
	Expected   bool          // on the team's roster
	Present    bool          // here now
	Arrived    time.Time     // first arrival; zero if never arrived
	ArrivalSeq int64         // the event of the first arrival, for join order
	LateBy     time.Duration // how late after the scheduled start they first arrived
	Key        string        // SSH key fingerprint, once someone joined with a key
	AwaySince  time.Time     // when they last left; zero while present or never arrived
	Removed    bool          // the facilitator removed them; they cannot come back
	Excused    bool          // they said beforehand they would miss it (never late)
}

// Person returns the participant's reference for events.
func (p Participant) Person() Person { return Person{ID: p.ID, Name: p.Name} }

// Speaks reports whether the participant takes a turn in the rounds.
func (p Participant) Speaks() bool { return p.Present && p.Role != Observer }

// Timer is a time-box: a budget and the time used of it. Overtime is used
// time beyond the budget; it is never hidden or capped.
type Timer struct {
	Budget  time.Duration
	Used    time.Duration // used before Since
	Since   time.Time     // when it last started running; zero when stopped
	Expired bool          // the room has recorded that the budget ran out
}

// Running reports whether the timer is counting.
func (t Timer) Running() bool { return !t.Since.IsZero() }

// Elapsed is the time used at now.
func (t Timer) Elapsed(now time.Time) time.Duration {
	if t.Running() && now.After(t.Since) {
		return t.Used + now.Sub(t.Since)
	}
	return t.Used
}

// Remaining is the budget left at now; negative in overtime.
func (t Timer) Remaining(now time.Time) time.Duration { return t.Budget - t.Elapsed(now) }

// Deadline is when a running timer's budget runs out.
func (t Timer) Deadline() (time.Time, bool) {
	if !t.Running() {
		return time.Time{}, false
	}
	return t.Since.Add(t.Budget - t.Used), true
}

func (t *Timer) start(at time.Time) {
	if !t.Running() {
		t.Since = at
	}
}

func (t *Timer) stop(at time.Time) {
	t.Used = t.Elapsed(at)
	t.Since = time.Time{}
}

// Turn is one speaker's time in the rounds.
type Turn struct {
	Speaker ParticipantID
	Timer   Timer
	Started time.Time
	Ended   time.Time // zero while it runs
	Skipped bool      // ended by a skip; the speaker went to the end
}

// Overtime is how far the turn ran over its budget at now.
func (t Turn) Overtime(now time.Time) time.Duration {
	return max(0, -t.Timer.Remaining(now))
}

// Blocker is something in a speaker's way, noted during their turn.
type Blocker struct {
	Speaker Person
	Text    string
	NotedBy ParticipantID
	At      time.Time
}

// Item is a parking-lot topic.
type Item struct {
	ID       int       `json:"id"`
	Topic    string    `json:"topic"`
	RaisedBy Person    `json:"raised_by"`
	Speaker  Person    `json:"speaker,omitzero"` // whose turn it was, if any
	Phase    Phase     `json:"phase"`
	At       time.Time `json:"at"`
	Session  string    `json:"session"` // the session it was parked in
	Stay     []Person  `json:"stay,omitempty"`
	Status   Status    `json:"status"`
	Note     string    `json:"note,omitempty"`    // the outcome: a note or the decision
	Present  []string  `json:"present,omitempty"` // for a decision: who was there
	Absent   []string  `json:"absent,omitempty"`  // and who was not
	Resolved time.Time `json:"resolved,omitzero"`
}

// Stays reports whether the participant needs to stay for the item.
func (it Item) Stays(id ParticipantID) bool {
	return slices.ContainsFunc(it.Stay, func(p Person) bool { return p.ID == id })
}

// State is a session as the fold of its events. Values returned by a Room
// are snapshots that nobody changes; use Clone before changing one.
type State struct {
	ID           string
	Config       Config
	Facilitator  ParticipantID
	Phase        Phase
	Seq          int64 // the last event applied
	Created      time.Time
	Started      time.Time // end of the waiting room
	RoundsEnded  time.Time // end of the last turn
	Ended        time.Time
	Participants []Participant
	Bound        map[string]string // lower-cased name → the only key that may claim it
	Knocking     []Knock           // keys waiting at the door for the facilitator
	Barred       map[string]bool   // keys removed or turned away: they cannot come in again
	Order        []ParticipantID   // the speaking order, late arrivals appended
	Pos          int               // index in Order of the current speaker
	TurnBudget   time.Duration
	Turns        []Turn // every turn taken; the last one runs during the rounds
	Overall      Timer  // the whole stand-up's time-box
	Paused       bool
	PauseReason  string
	Blockers     []Blocker
	Items        []Item
	Actions      []Action   // action items: carried over and new
	Prepared     []Prepared // updates written beforehand (see prep.go)
	Review       []LogEntry // a retrospective's decisions to review (see prep.go)

	// Retrospectives (see retro.go).
	PhaseTimer Timer                  // the current phase's time-box; per topic while discussing
	Ready      map[ParticipantID]bool // who is done with the current phase
	Revealed   bool                   // the cards are visible to everyone
	Cards      []Card
	GroupNames map[int]string // by group id
	Moves      []Move         // grouping history, for undo
	Votes      []Dot
	Topics     []int // group ids in discussion order, fixed when discussion starts
	TopicPos   int
	Thumbs     map[string]bool // on the current topic: voter → thumbs up
	Notes      []Note
	Decisions  []Decision
	CheckIns   []CheckInEntry
	Rotis      []RotiEntry
}

// Fold builds a session's state from its events.
func Fold(id string, events []Event) *State {
	s := &State{ID: id}
	for _, e := range events {
		s.Apply(e)
	}
	return s
}

// Apply folds one event into the state. Events come from Decide or from a
// store that recorded them, so Apply trusts them: it never fails.
func (s *State) Apply(e Event) {
	s.Seq = e.Seq
	e.Payload.apply(s, e)
}

// Due is the time against which arrivals count as late: the scheduled
// start if one was set, else the actual start once the rounds began.
func (s *State) Due() (time.Time, bool) {
	switch {
	case !s.Config.ScheduledAt.IsZero():
		return s.Config.ScheduledAt, true
	case !s.Started.IsZero():
		return s.Started, true
	}
	return time.Time{}, false
}

// Participant returns the participant with the id.
func (s *State) Participant(id ParticipantID) (Participant, bool) {
	i := s.participant(id)
	if i < 0 {
		return Participant{}, false
	}
	return s.Participants[i], true
}

func (s *State) participant(id ParticipantID) int {
	for i := range s.Participants { // by index: a Participant is too big to copy per look
		if s.Participants[i].ID == id {
			return i
		}
	}
	return -1
}

// ByKey returns the participant who joined with the SSH key fingerprint.
func (s *State) ByKey(key string) (Participant, bool) {
	if key == "" {
		return Participant{}, false
	}
	for i := range s.Participants {
		if s.Participants[i].Key == key {
			return s.Participants[i], true
		}
	}
	return Participant{}, false
}

// Name returns a participant's display name, or the id when unknown.
func (s *State) Name(id ParticipantID) string {
	if p, ok := s.Participant(id); ok {
		return p.Name
	}
	return string(id)
}

// Speaker returns the current speaker during the rounds.
func (s *State) Speaker() (Participant, bool) {
	if s.Phase != Rounds || s.Pos >= len(s.Order) {
		return Participant{}, false
	}
	return s.Participant(s.Order[s.Pos])
}

// CurrentTurn returns the running turn during the rounds.
func (s *State) CurrentTurn() (Turn, bool) {
	if s.Phase != Rounds || len(s.Turns) == 0 || !s.Turns[len(s.Turns)-1].Ended.IsZero() {
		return Turn{}, false
	}
	return s.Turns[len(s.Turns)-1], true
}

// Upcoming returns the speakers after the current one who are here, in
// order. Those who are away are left out: when their turn comes they go to
// the end of the order (see Next), and speak if they are back by then.
func (s *State) Upcoming() []ParticipantID {
	if s.Phase != Rounds || s.Pos+1 >= len(s.Order) {
		return nil
	}
	var out []ParticipantID
	at := s.byID() // one search of the roster, not one per turn
	for _, id := range s.Order[s.Pos+1:] {
		if i, ok := at[id]; ok && s.takesTurn(i) {
			out = append(out, id)
		}
	}
	return out
}

// takesTurn reports whether participant i of s speaks in the rounds: in
// person, or by an update prepared for them.
func (s *State) takesTurn(i int) bool {
	return s.Participants[i].Speaks() || s.preparedTurn(s.Participants[i].ID)
}

// byID is where each participant is in s.Participants (the first, if an
// id were there twice, as participant finds it), for the loops that look
// up many.
func (s *State) byID() map[ParticipantID]int {
	at := make(map[ParticipantID]int, len(s.Participants))
	for i := range s.Participants {
		if _, dup := at[s.Participants[i].ID]; !dup {
			at[s.Participants[i].ID] = i
		}
	}
	return at
}

// Names returns the display names of the participants (Name of each).
func (s *State) Names(ids []ParticipantID) []string {
	at := s.byID()
	out := make([]string, len(ids))
	for n, id := range ids {
		if i, ok := at[id]; ok {
			out[n] = s.Participants[i].Name
		} else {
			out[n] = string(id)
		}
	}
	return out
}

// HasUpcoming reports whether anyone speaks after the current turn:
// Upcoming is not empty.
func (s *State) HasUpcoming() bool {
	if s.Phase != Rounds {
		return false
	}
	_, ok := nextSpeaker(s)
	return ok
}

// TimersRunning reports whether the session's time-boxes are counting: a
// stand-up's rounds, or a retrospective between its waiting room and its
// end, while not paused.
func (s *State) TimersRunning() bool {
	if s.Paused || s.Phase == Closed || s.Phase == Waiting {
		return false
	}
	return s.Config.Kind == Retro || s.Phase == Rounds
}

// Item returns the parking-lot item with the id.
func (s *State) Item(id int) (Item, bool) {
	i := s.item(id)
	if i < 0 {
		return Item{}, false
	}
	return s.Items[i], true
}

func (s *State) item(id int) int {
	return slices.IndexFunc(s.Items, func(it Item) bool { return it.ID == id })
}

// OpenItems returns the parking-lot items still waiting for an outcome.
func (s *State) OpenItems() []Item {
	var out []Item
	for _, it := range s.Items {
		if it.Status == Open {
			out = append(out, it)
		}
	}
	return out
}

// OpenCount is how many parking-lot items are still waiting for an
// outcome: len(OpenItems()) without copying them.
func (s *State) OpenCount() int {
	n := 0
	for i := range s.Items {
		if s.Items[i].Status == Open {
			n++
		}
	}
	return n
}

// Absent returns who is missing: expected participants who are not
// present, and members who came and left (away).
func (s *State) Absent() []Participant {
	var out []Participant
	for _, p := range s.Participants {
		if p.missing() {
			out = append(out, p)
		}
	}
	return out
}

// whoIsHere names the members present and those missing, as a decision
// records them.
func (s *State) whoIsHere() (present, absent []string) {
	for _, p := range s.Participants {
		switch {
		case p.Present && p.Role != Observer:
			present = append(present, p.Name)
		case p.missing():
			absent = append(absent, p.Name)
		}
	}
	return present, absent
}

func (p Participant) missing() bool {
	return !p.Present && !p.Removed && p.Role != Observer && (p.Expected || !p.AwaySince.IsZero())
}

// Clone returns a deep copy that shares nothing with s.
func (s *State) Clone() *State {
	c := *s
	c.Config.Agreements = slices.Clone(s.Config.Agreements)
	c.Participants = slices.Clone(s.Participants)
	c.Bound = maps.Clone(s.Bound)
	c.Knocking = slices.Clone(s.Knocking)
	c.Barred = maps.Clone(s.Barred)
	c.Order = slices.Clone(s.Order)
	c.Turns = slices.Clone(s.Turns)
	c.Blockers = slices.Clone(s.Blockers)
	c.Items = slices.Clone(s.Items)
	c.Actions = slices.Clone(s.Actions)
	c.Prepared = slices.Clone(s.Prepared)
	c.Review = slices.Clone(s.Review)
	c.Config.Columns = slices.Clone(s.Config.Columns)
	c.Config.PhaseBoxes = maps.Clone(s.Config.PhaseBoxes)
	c.Ready = maps.Clone(s.Ready)
	c.Cards = slices.Clone(s.Cards)
	c.GroupNames = maps.Clone(s.GroupNames)
	c.Moves = slices.Clone(s.Moves)
	c.Votes = slices.Clone(s.Votes)
	c.Topics = slices.Clone(s.Topics)
	c.Thumbs = maps.Clone(s.Thumbs)
	c.Notes = slices.Clone(s.Notes)
	c.Decisions = slices.Clone(s.Decisions)
	for i := range c.Decisions {
		c.Decisions[i].Present = slices.Clone(c.Decisions[i].Present)
		c.Decisions[i].Absent = slices.Clone(c.Decisions[i].Absent)
	}
	c.CheckIns = slices.Clone(s.CheckIns)
	c.Rotis = slices.Clone(s.Rotis)
	for i := range c.Items {
		c.Items[i].Stay = slices.Clone(c.Items[i].Stay)
		c.Items[i].Present = slices.Clone(c.Items[i].Present)
		c.Items[i].Absent = slices.Clone(c.Items[i].Absent)
	}
	return &c
}

// CarryOver returns what a finished or abandoned session hands to the team's
// next session: its open parking-lot items, and the items sent to the retro
// (which wait there until a retrospective takes them).
func (s *State) CarryOver() []Item {
	var out []Item
	for _, it := range s.Items {
		if it.Status == SentToRetro && s.Config.Kind == Retro {
			continue // this retrospective took it
		}
		if it.Status == Open || it.Status == SentToRetro {
			it.Stay = slices.Clone(it.Stay)
			out = append(out, it)
		}
	}
	return out
}

func (p *Created) apply(s *State, e Event) {
	s.Config = p.Config
	s.Config.Agreements = slices.Clone(p.Config.Agreements)
	s.Created = e.Time
	s.Phase = Waiting
	s.Facilitator = p.Facilitator.ID
	for name, key := range p.Bound {
		if s.Bound == nil {
			s.Bound = map[string]string{}
		}
		s.Bound[strings.ToLower(name)] = key
	}
	if p.Facilitator.ID != "" { // empty: the first member to join facilitates
		s.Participants = append(s.Participants, Participant{ID: p.Facilitator.ID, Name: p.Facilitator.Name, Role: Facilitator})
	}
	for _, name := range p.Roster {
		id := RosterID(name)
		if i := s.participant(id); i >= 0 {
			s.Participants[i].Expected = true
			continue
		}
		s.Participants = append(s.Participants, Participant{ID: id, Name: name, Role: Member, Expected: true})
	}
	for _, it := range p.Carried {
		it.Stay = slices.Clone(it.Stay)
		s.Items = append(s.Items, it)
		if s.Config.Kind == Retro && it.Status == SentToRetro {
			// A topic a stand-up sent here is a ready-made card.
			id := len(s.Cards) + 1
			s.Cards = append(s.Cards, Card{ID: id, Column: 0, Text: it.Topic, Author: it.RaisedBy, Group: id, FromStandup: true})
		}
	}
	s.Actions = append(s.Actions, p.Actions...)
	s.Config.Columns = slices.Clone(p.Config.Columns)
	s.Config.PhaseBoxes = maps.Clone(p.Config.PhaseBoxes)
	s.applyTeamLog(p)
}

func (p *Arrived) apply(s *State, e Event) {
	i := s.participant(p.Who.ID)
	if i < 0 {
		s.Participants = append(s.Participants, Participant{ID: p.Who.ID, Name: p.Who.Name, Role: p.Role})
		i = len(s.Participants) - 1
	}
	pt := &s.Participants[i]
	if pt.Role == Observer && p.Role == Member {
		pt.Role = Member // a watcher who joins to take part
	}
	pt.Present, pt.AwaySince = true, time.Time{}
	if p.Key != "" {
		pt.Key = p.Key
		s.dropKnock(p.Key)
	}
	if pt.Arrived.IsZero() {
		pt.Arrived, pt.ArrivalSeq = e.Time, e.Seq
		pt.LateBy = p.LateBy
		if pt.Excused {
			pt.LateBy = 0
		}
	}
	if s.Phase == Rounds && pt.Speaks() && !slices.Contains(s.Order, pt.ID) {
		s.Order = append(s.Order, pt.ID)
	}
}

func (p *Left) apply(s *State, e Event) {
	if i := s.participant(p.Who); i >= 0 {
		s.Participants[i].Present = false
		s.Participants[i].AwaySince = e.Time
	}
}

func (p *Handed) apply(s *State, _ Event) {
	if i := s.participant(s.Facilitator); i >= 0 {
		s.Participants[i].Role = Member
	}
	i := s.participant(p.To.ID)
	if i < 0 {
		s.Participants = append(s.Participants, Participant{ID: p.To.ID, Name: p.To.Name})
		i = len(s.Participants) - 1
	}
	s.Participants[i].Role = Facilitator
	s.Facilitator = p.To.ID
}

func (p *Started) apply(s *State, e Event) {
	s.Phase = Rounds
	s.Started = e.Time
	s.Order = slices.Clone(p.Order)
	s.Pos = 0
	s.TurnBudget = p.TurnBudget
	s.Overall = Timer{Budget: s.Config.Timebox}
	s.Overall.start(e.Time)
}

func (p *TurnStarted) apply(s *State, e Event) {
	if i := slices.Index(s.Order, p.Speaker); i > s.Pos && s.Pos < len(s.Order) {
		passed := slices.Clone(s.Order[s.Pos:i])
		s.Order = append(slices.Delete(s.Order, s.Pos, i), passed...)
	}
	if i := slices.Index(s.Order, p.Speaker); i >= 0 {
		s.Pos = i
	}
	s.replacePrepared(p.Speaker)
	t := Turn{Speaker: p.Speaker, Started: e.Time, Timer: Timer{Budget: p.Budget}}
	t.Timer.start(e.Time)
	s.Turns = append(s.Turns, t)
	s.Paused, s.PauseReason = false, ""
	s.Overall.start(e.Time)
}

func (p *TurnEnded) apply(s *State, e Event) {
	if len(s.Turns) > 0 {
		t := &s.Turns[len(s.Turns)-1]
		t.Timer.stop(e.Time)
		t.Ended = e.Time
		t.Skipped = p.Skipped
	}
	if s.Pos >= len(s.Order) {
		return
	}
	if p.Skipped {
		id := s.Order[s.Pos]
		s.Order = append(slices.Delete(s.Order, s.Pos, s.Pos+1), id)
		return
	}
	s.Pos++
}

func (p *Paused) apply(s *State, e Event) {
	s.Paused, s.PauseReason = true, p.Reason
	s.Overall.stop(e.Time)
	s.PhaseTimer.stop(e.Time)
	if len(s.Turns) > 0 && s.Turns[len(s.Turns)-1].Ended.IsZero() {
		s.Turns[len(s.Turns)-1].Timer.stop(e.Time)
	}
}

func (*Resumed) apply(s *State, e Event) {
	s.Paused, s.PauseReason = false, ""
	s.Overall.start(e.Time)
	if s.Config.Kind == Retro && s.Phase != Closed {
		s.PhaseTimer.start(e.Time)
	}
	if len(s.Turns) > 0 && s.Turns[len(s.Turns)-1].Ended.IsZero() {
		s.Turns[len(s.Turns)-1].Timer.start(e.Time)
	}
}

func (p *Extended) apply(s *State, e Event) {
	if s.Config.Kind == Retro {
		t := &s.PhaseTimer
		t.Budget += p.By
		t.Expired = t.Expired && t.Remaining(e.Time) <= 0
		if s.Phase == Discuss {
			s.Thumbs = nil // another round: a fresh show of thumbs at its end
		}
		return
	}
	if len(s.Turns) > 0 {
		t := &s.Turns[len(s.Turns)-1]
		t.Timer.Budget += p.By
		t.Timer.Expired = t.Timer.Expired && t.Timer.Remaining(e.Time) <= 0
	}
}

func (p *Expired) apply(s *State, _ Event) {
	switch p.Timer {
	case TurnTimer:
		if len(s.Turns) > 0 {
			s.Turns[len(s.Turns)-1].Timer.Expired = true
		}
	case TimeboxTimer:
		s.Overall.Expired = true
	case PhaseTimerKind:
		s.PhaseTimer.Expired = true
	}
}

func (p *BlockerNoted) apply(s *State, e Event) {
	s.Blockers = append(s.Blockers, Blocker{Speaker: p.Speaker, Text: p.Text, NotedBy: e.Actor, At: e.Time})
}

func (p *Parked) apply(s *State, e Event) {
	s.Items = append(s.Items, Item{
		ID: p.Item, Topic: p.Topic, RaisedBy: p.RaisedBy, Speaker: p.Speaker,
		Phase: p.Phase, At: e.Time, Session: s.ID, Status: Open,
	})
}

func (p *StayChanged) apply(s *State, _ Event) {
	i := s.item(p.Item)
	if i < 0 {
		return
	}
	it := &s.Items[i]
	it.Stay = slices.DeleteFunc(it.Stay, func(q Person) bool { return q.ID == p.Who.ID })
	if p.Stay {
		it.Stay = append(it.Stay, p.Who)
	}
}

func (p *Resolved) apply(s *State, e Event) {
	i := s.item(p.Item)
	if i < 0 {
		return
	}
	it := &s.Items[i]
	it.Status, it.Note, it.Resolved = p.Status, p.Note, e.Time
	it.Present, it.Absent = slices.Clone(p.Present), slices.Clone(p.Absent)
}

func (p *PhaseChanged) apply(s *State, e Event) {
	if s.Phase == Rounds && p.To != Rounds {
		s.endRounds(e.Time)
	}
	if s.Config.Kind == Retro && s.Phase == Waiting && p.To != Waiting {
		s.Started = e.Time
		s.Overall = Timer{Budget: s.Config.Timebox}
		s.Overall.start(e.Time)
	}
	s.Phase = p.To
	if s.Config.Kind == Retro {
		s.enterRetroPhase(e.Time)
	}
}

func (*Ended) apply(s *State, e Event) {
	if s.Phase == Rounds {
		s.endRounds(e.Time)
	}
	if s.Config.Kind == Retro {
		s.Overall.stop(e.Time)
		s.PhaseTimer.stop(e.Time)
	}
	s.Phase = Closed
	s.Ended = e.Time
	s.Paused, s.PauseReason = false, ""
}

func (s *State) endRounds(at time.Time) {
	if len(s.Turns) > 0 {
		if t := &s.Turns[len(s.Turns)-1]; t.Ended.IsZero() {
			t.Timer.stop(at)
			t.Ended = at
		}
	}
	s.Overall.stop(at)
	s.RoundsEnded = at
	s.Paused, s.PauseReason = false, ""
}
