package session

import "fmt"

// names maps an enum's values to the words it prints and parses as.
type names[T ~int] []string

func (n names[T]) str(v T) string {
	if int(v) >= 0 && int(v) < len(n) {
		return n[v]
	}
	return fmt.Sprintf("%T(%d)", v, int(v))
}

func (n names[T]) parse(kind, s string) (T, error) {
	for i, name := range n {
		if name == s {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q (want one of %v)", ErrInvalid, kind, s, []string(n))
}

// Kind is the kind of a session.
type Kind int

// Kinds of session.
const (
	Standup Kind = iota
	Retro
)

var kindNames = names[Kind]{"standup", "retro"}

func (k Kind) String() string { return kindNames.str(k) }

// ParseKind parses "standup" or "retro".
func ParseKind(s string) (Kind, error) { return kindNames.parse("kind", s) }

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) (err error) { *k, err = ParseKind(string(b)); return err }

// Role is what a participant may do in a session.
type Role int

// Roles. The facilitator runs the session, members take part, observers only
// watch.
const (
	Member Role = iota
	Facilitator
	Observer
)

var roleNames = names[Role]{"member", "facilitator", "observer"}

func (r Role) String() string { return roleNames.str(r) }

// ParseRole parses "member", "facilitator" or "observer".
func ParseRole(s string) (Role, error) { return roleNames.parse("role", s) }

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Role) UnmarshalText(b []byte) (err error) { *r, err = ParseRole(string(b)); return err }

// Phase is where a session is in its plan.
type Phase int

// The phases of a stand-up (Waiting, Rounds, Parking, Closed) and of a
// retrospective (Waiting, CheckIn … Roti, Closed), in order.
const (
	Waiting Phase = iota // the waiting room, before the start
	Rounds               // one turn per present member
	Parking              // the parking lot, after the last turn
	CheckIn              // retro: a word, or the ESVP poll
	Review               // retro: earlier action items, topics sent from stand-ups
	Write                // retro: silent writing
	Group                // retro: cards grouped into themes
	Vote                 // retro: dot voting
	Discuss              // retro: topics in vote order
	Actions              // retro: action items
	Roti                 // retro: return on time invested
	Closed               // the summary; nothing changes any more
)

var phaseNames = names[Phase]{"waiting", "rounds", "parking", "check-in", "review", "write", "group", "vote", "discuss", "actions", "roti", "closed"}

func (p Phase) String() string { return phaseNames.str(p) }

// ParsePhase parses a phase name such as "rounds".
func ParsePhase(s string) (Phase, error) { return phaseNames.parse("phase", s) }

// MarshalText implements encoding.TextMarshaler.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Phase) UnmarshalText(b []byte) (err error) { *p, err = ParsePhase(string(b)); return err }

// Order is how the speaking order of a stand-up is chosen.
type Order int

// Speaking orders.
const (
	OrderJoin   Order = iota // in the order people arrived
	OrderRandom              // shuffled at the start
	OrderAlpha               // by display name
)

var orderNames = names[Order]{"join", "random", "alpha"}

func (o Order) String() string { return orderNames.str(o) }

// ParseOrder parses "join", "random" or "alpha".
func ParseOrder(s string) (Order, error) { return orderNames.parse("order", s) }

// MarshalText implements encoding.TextMarshaler.
func (o Order) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (o *Order) UnmarshalText(b []byte) (err error) { *o, err = ParseOrder(string(b)); return err }

// Status is the state of a parking-lot item.
type Status int

// Parking-lot item statuses. Open items carry over to the team's next
// session; items sent to the retro carry over until a retrospective takes
// them.
const (
	Open Status = iota
	Discussed
	Decided
	SentToRetro
	Dropped
)

var statusNames = names[Status]{"open", "discussed", "decided", "sent-to-retro", "dropped"}

func (s Status) String() string { return statusNames.str(s) }

// ParseStatus parses a status name such as "sent-to-retro".
func ParseStatus(s string) (Status, error) { return statusNames.parse("status", s) }

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) (err error) { *s, err = ParseStatus(string(b)); return err }
