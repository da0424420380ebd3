package session

import (
	"encoding/json"
	"fmt"
	"time"
)

// ParticipantID identifies a participant within a session: an SSH key
// fingerprint, the local operator, or a roster member marked present by name.
type ParticipantID string

// System is the actor of events that nobody typed, such as a time-box
// expiring.
const System ParticipantID = ""

// RosterID is the identity of a roster member who is marked present by name.
func RosterID(name string) ParticipantID { return ParticipantID("roster:" + name) }

// Person names a participant inside an event, so that items keep their
// people's names when they carry over to another session.
type Person struct {
	ID   ParticipantID `json:"id"`
	Name string        `json:"name"`
}

// EventType names the kind of an event in the store and in records.
type EventType string

// Event is the unit of recording: one change to a session.
type Event struct {
	Seq     int64         // 1-based, contiguous within a session
	Time    time.Time     // when it happened, from the room's clock
	Actor   ParticipantID // who caused it; System for the room itself
	Payload Payload       // what happened
}

// Type is the type name of the event's payload.
func (e Event) Type() EventType { return e.Payload.Type() }

// Payload is the body of an event. The set of payloads is closed: every
// implementation lives in this package and is registered in payloadTypes.
type Payload interface {
	Type() EventType
	apply(s *State, e Event)
}

// The payloads of a stand-up.
type (
	// Created opens a session; it is always event 1.
	Created struct {
		Config      Config   `json:"config"`
		Facilitator Person   `json:"facilitator"`
		Roster      []string `json:"roster,omitempty"`
		Carried     []Item   `json:"carried,omitempty"`
		Actions     []Action `json:"actions,omitempty"` // open action items of earlier sessions
		// Bound is the team's names bound to SSH keys (see Team.Keys):
		// a name bound to a key can only be claimed by that key.
		Bound map[string]string `json:"bound,omitempty"`
		// Prepared and Excused come from the team's log (see prep.go).
		Prepared []Prepared `json:"prepared,omitempty"`
		Excused  []string   `json:"excused,omitempty"`
		// Review is, for a retrospective, the decisions its review phase
		// lists (see TeamHistory.ReviewList).
		Review []LogEntry `json:"review,omitempty"`
	}
	// Arrived marks a participant present, adding them if they are new.
	Arrived struct {
		Who    Person        `json:"who"`
		Role   Role          `json:"role"`
		LateBy time.Duration `json:"late_by,omitempty"`
		Key    string        `json:"key,omitempty"` // the SSH key they joined with
	}
	// Left marks a participant away.
	Left struct {
		Who ParticipantID `json:"who"`
	}
	// Started ends the waiting room and fixes the speaking order.
	Started struct {
		Order      []ParticipantID `json:"order"`
		TurnBudget time.Duration   `json:"turn_budget"`
	}
	// TurnStarted gives the floor to a speaker. When the speaker comes
	// later in the order than the next place, those in between (who were
	// away when their turn came) go to the end of the order, in their
	// order; they speak then if they are back.
	TurnStarted struct {
		Speaker ParticipantID `json:"speaker"`
		Budget  time.Duration `json:"budget"`
	}
	// TurnEnded ends the current turn; a skipped speaker goes to the end of
	// the order.
	TurnEnded struct {
		Skipped bool `json:"skipped,omitempty"`
	}
	// Paused stops the running timers.
	Paused struct {
		Reason string `json:"reason,omitempty"`
	}
	// Resumed restarts the timers.
	Resumed struct{}
	// Extended adds time to the current turn.
	Extended struct {
		By time.Duration `json:"by"`
	}
	// Expired records that a time-box ran out; overtime runs on.
	Expired struct {
		Timer TimerKind `json:"timer"`
	}
	// BlockerNoted records a blocker for a speaker.
	BlockerNoted struct {
		Speaker Person `json:"speaker"`
		Text    string `json:"text"`
	}
	// Parked adds a topic to the parking lot.
	Parked struct {
		Item     int    `json:"item"`
		Topic    string `json:"topic"`
		RaisedBy Person `json:"raised_by"`
		Speaker  Person `json:"speaker,omitzero"`
		Phase    Phase  `json:"phase"`
	}
	// StayChanged adds or removes someone who needs to stay for an item.
	StayChanged struct {
		Item int    `json:"item"`
		Who  Person `json:"who"`
		Stay bool   `json:"stay"`
	}
	// Resolved gives a parking-lot item its outcome.
	Resolved struct {
		Item    int      `json:"item"`
		Status  Status   `json:"status"`
		Note    string   `json:"note,omitempty"`
		Present []string `json:"present,omitempty"`
		Absent  []string `json:"absent,omitempty"`
	}
	// PhaseChanged moves the session to another phase.
	PhaseChanged struct {
		To Phase `json:"to"`
	}
	// Ended closes the session; nothing changes after it.
	Ended struct{}
	// Handed makes another participant the facilitator; the previous one
	// becomes a member.
	Handed struct {
		To Person `json:"to"`
	}
)

// TimerKind names one of a session's timers.
type TimerKind string

// Timers of a stand-up.
const (
	TurnTimer      TimerKind = "turn"
	TimeboxTimer   TimerKind = "timebox"
	PhaseTimerKind TimerKind = "phase" // a retrospective's phase, or discussed topic
)

var payloadTypes = map[EventType]func() Payload{}

func register[P Payload](name EventType, newP func() P) {
	payloadTypes[name] = func() Payload { return newP() }
}

func init() {
	register("created", func() *Created { return new(Created) })
	register("arrived", func() *Arrived { return new(Arrived) })
	register("left", func() *Left { return new(Left) })
	register("started", func() *Started { return new(Started) })
	register("turn-started", func() *TurnStarted { return new(TurnStarted) })
	register("turn-ended", func() *TurnEnded { return new(TurnEnded) })
	register("paused", func() *Paused { return new(Paused) })
	register("resumed", func() *Resumed { return new(Resumed) })
	register("extended", func() *Extended { return new(Extended) })
	register("expired", func() *Expired { return new(Expired) })
	register("blocker-noted", func() *BlockerNoted { return new(BlockerNoted) })
	register("parked", func() *Parked { return new(Parked) })
	register("stay-changed", func() *StayChanged { return new(StayChanged) })
	register("resolved", func() *Resolved { return new(Resolved) })
	register("phase-changed", func() *PhaseChanged { return new(PhaseChanged) })
	register("ended", func() *Ended { return new(Ended) })
	register("handed", func() *Handed { return new(Handed) })
}

func (*Created) Type() EventType      { return "created" }
func (*Arrived) Type() EventType      { return "arrived" }
func (*Left) Type() EventType         { return "left" }
func (*Started) Type() EventType      { return "started" }
func (*TurnStarted) Type() EventType  { return "turn-started" }
func (*TurnEnded) Type() EventType    { return "turn-ended" }
func (*Paused) Type() EventType       { return "paused" }
func (*Resumed) Type() EventType      { return "resumed" }
func (*Extended) Type() EventType     { return "extended" }
func (*Expired) Type() EventType      { return "expired" }
func (*BlockerNoted) Type() EventType { return "blocker-noted" }
func (*Parked) Type() EventType       { return "parked" }
func (*StayChanged) Type() EventType  { return "stay-changed" }
func (*Resolved) Type() EventType     { return "resolved" }
func (*PhaseChanged) Type() EventType { return "phase-changed" }
func (*Ended) Type() EventType        { return "ended" }
func (*Handed) Type() EventType       { return "handed" }

// EncodePayload returns the JSON body of a payload, as stored.
func EncodePayload(p Payload) ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", p.Type(), err)
	}
	return b, nil
}

// DecodePayload rebuilds a payload from its type name and JSON body. An
// unknown type or a malformed body is an ErrInvalid error, whose text shows
// what the body holds only through Printable.
func DecodePayload(t EventType, data []byte) (Payload, error) {
	newP, ok := payloadTypes[t]
	if !ok {
		return nil, fmt.Errorf("%w: unknown event type %q", ErrInvalid, t)
	}
	p := newP()
	if err := json.Unmarshal(data, p); err != nil {
		// The decoder's errors may quote the body, and time's do so with
		// DEL unescaped.
		return nil, fmt.Errorf("%w: decode %s: %s", ErrInvalid, t, Printable(err.Error()))
	}
	return p, nil
}
