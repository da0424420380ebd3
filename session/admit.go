package session

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Knock is a key waiting at the door of a session for the facilitator.
type Knock struct {
	Key      string    `json:"key"`
	Name     string    `json:"name"`               // the name they came with
	Observer bool      `json:"observer,omitempty"` // they asked to watch
	At       time.Time `json:"at"`
}

// The payloads of the door.
type (
	// Knocked puts a key that is not the team's at the door.
	Knocked struct {
		Key      string `json:"key"`
		Name     string `json:"name"`
		Observer bool   `json:"observer,omitempty"`
	}
	// KnockWithdrawn: the knocking key went away before anyone answered.
	KnockWithdrawn struct {
		Key string `json:"key"`
	}
	// TurnedAway: the facilitator did not let the knocking key in; it
	// cannot knock again.
	TurnedAway struct {
		Key  string `json:"key"`
		Name string `json:"name"`
	}
	// Removed: the facilitator removed a participant from the session.
	// What they contributed stays; they cannot come back.
	Removed struct {
		Who Person `json:"who"`
		Key string `json:"key,omitempty"`
	}
)

func init() {
	register("knocked", func() *Knocked { return new(Knocked) })
	register("knock-withdrawn", func() *KnockWithdrawn { return new(KnockWithdrawn) })
	register("turned-away", func() *TurnedAway { return new(TurnedAway) })
	register("removed", func() *Removed { return new(Removed) })
}

func (*Knocked) Type() EventType        { return "knocked" }
func (*KnockWithdrawn) Type() EventType { return "knock-withdrawn" }
func (*TurnedAway) Type() EventType     { return "turned-away" }
func (*Removed) Type() EventType        { return "removed" }

func (p *Knocked) apply(s *State, e Event) {
	s.dropKnock(p.Key)
	s.Knocking = append(s.Knocking, Knock{Key: p.Key, Name: p.Name, Observer: p.Observer, At: e.Time})
}

func (p *KnockWithdrawn) apply(s *State, _ Event) { s.dropKnock(p.Key) }

func (p *TurnedAway) apply(s *State, _ Event) {
	s.dropKnock(p.Key)
	s.bar(p.Key)
}

func (p *Removed) apply(s *State, e Event) {
	if i := s.participant(p.Who.ID); i >= 0 {
		pt := &s.Participants[i]
		pt.Removed = true
		if pt.Present {
			pt.Present, pt.AwaySince = false, e.Time
		}
	}
	s.bar(p.Key)
}

func (s *State) dropKnock(key string) {
	s.Knocking = slices.DeleteFunc(s.Knocking, func(k Knock) bool { return k.Key == key })
}

func (s *State) bar(key string) {
	if key == "" {
		return
	}
	if s.Barred == nil {
		s.Barred = map[string]bool{}
	}
	s.Barred[key] = true
}

// Knocker returns the knock of a key waiting at the door.
func (s *State) Knocker(key string) (Knock, bool) {
	i := slices.IndexFunc(s.Knocking, func(k Knock) bool { return k.Key == key })
	if i < 0 {
		return Knock{}, false
	}
	return s.Knocking[i], true
}

// The commands of the door.
type (
	// Admit lets a knocking key in: as a guest when As is empty, else as
	// the roster member of that name (also one marked present by name
	// already, who is then the same participant), binding the key to the
	// name in the team. Facilitator only.
	Admit struct {
		Key string
		As  string
		// Team is the team as it is now (see Join.Team).
		Team *Team
	}
	// TurnAway sends a knocking key away for good. Facilitator only.
	TurnAway struct{ Key string }
	// Withdraw takes back the knock of a key that left. Like Join it
	// needs no actor.
	Withdraw struct{ Key string }
	// Remove takes a participant out of the session: they leave and
	// cannot come back; what they contributed stays. Facilitator only.
	Remove struct{ Who ParticipantID }
)

// teamCommand is a command that decides with the team as it is now; a
// Room with RoomOptions.Teams gives it the team before deciding.
type teamCommand interface {
	Command
	withTeam(t *Team) Command
}

func (c Join) withTeam(t *Team) Command  { c.Team = t; return c }
func (c Admit) withTeam(t *Team) Command { c.Team = t; return c }

// bindings are the names bound to keys, lower-cased: the team's now if
// known, else the session's from its creation.
func (s *State) bindings(t *Team) map[string]string {
	if t == nil {
		return s.Bound
	}
	out := map[string]string{}
	for n, k := range t.Keys {
		if n != legacyOpener && t.onRoster(n) {
			out[strings.ToLower(n)] = k
		}
	}
	return out
}

// claimable reports whether key may become the expected participant p.
func (s *State) claimable(p Participant, key string, t *Team) bool {
	// Someone marked present by name at the keyboard, who then joins
	// with their key, is the same participant: a present one without a
	// key may be claimed.
	if p.Key != "" || p.Removed || (!p.Expected && p.ID != s.Facilitator) {
		return false
	}
	if p.ID != RosterID(p.Name) {
		return false // the opener's own key (ssh:), or the operator (local:)
	}
	if t != nil && p.Expected && p.ID != s.Facilitator && !t.onRoster(p.Name) {
		return false // no longer on the roster
	}
	if t != nil {
		if other, ok := t.MemberOf(key); ok && !strings.EqualFold(other, p.Name) {
			return false // the key is someone else's
		}
	}
	bound := s.bindings(t)[strings.ToLower(p.Name)]
	return bound == "" || bound == key
}

func (c Join) join(s *State, env Env) ([]Payload, error) {
	if c.Key == "" {
		return nil, fmt.Errorf("%w: joining needs a key", ErrInvalid)
	}
	name := CleanName(c.Name)
	if name == "" {
		name = "guest"
	}
	if s.Barred[c.Key] {
		return nil, fmt.Errorf("%w: the facilitator has not let you into this session", ErrForbidden)
	}
	who, known := s.ByKey(c.Key)
	if !known {
		who, known = s.Participant(SSHID(c.Key)) // the opener, say
	}
	if !known {
		// The name the team has bound the key to, else the name it
		// came with, if that is free.
		claim := func(n string) bool {
			i := slices.IndexFunc(s.Participants, func(p Participant) bool {
				return strings.EqualFold(p.Name, n) && s.claimable(p, c.Key, c.Team)
			})
			if i >= 0 {
				who, known = s.Participants[i], true
			}
			return known
		}
		if c.Team != nil {
			if n, ok := c.Team.MemberOf(c.Key); ok {
				claim(n)
			}
		} else {
			for n, k := range s.Bound {
				if k == c.Key && claim(n) {
					break
				}
			}
		}
		if !known {
			claim(name)
		}
	}
	if who.Removed {
		return nil, fmt.Errorf("%w: the facilitator has not let you into this session", ErrForbidden)
	}
	upgrade := false
	switch {
	case !known && !s.Config.OpenDoor:
		if _, waiting := s.Knocker(c.Key); waiting {
			return nil, nil // another connection of someone at the door
		}
		if err := capped(len(s.Knocking), MaxKnocking, "%d people are waiting at the door already; try again later"); err != nil {
			return nil, err
		}
		return []Payload{&Knocked{Key: c.Key, Name: name, Observer: c.Observer}}, nil
	case !known:
		who = Participant{ID: SSHID(c.Key), Name: uniqueName(s, name), Role: Member}
		if c.Observer {
			who.Role = Observer
		}
	case c.Observer && who.Role != Observer:
		return nil, fmt.Errorf("%w: you take part in this session; join it instead of watching", ErrConflict)
	case !c.Observer && who.Role == Observer:
		who.Role, upgrade = Member, true
	}
	if who.Present && !upgrade && who.Key != "" {
		return nil, nil // another connection of someone who is here
	}
	out := []Payload{&Arrived{Who: who.Person(), Role: who.Role, LateBy: lateness(s, who, env.Now), Key: c.Key}}
	// A session opened before facilitators were always named: its first
	// roster member to come takes the role, never a guest.
	if s.Facilitator == "" && who.Role != Observer && who.Expected {
		out = append(out, &Handed{To: who.Person()})
	}
	return out, nil
}

func lateness(s *State, who Participant, now time.Time) time.Duration {
	if due, ok := s.Due(); ok && who.Arrived.IsZero() && who.Role != Observer && now.Sub(due) >= time.Minute {
		return now.Sub(due).Truncate(time.Minute)
	}
	return 0
}

// MaxKnocking bounds the keys waiting at one session's door.
const MaxKnocking = 20

func (c Admit) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "let people in"); err != nil {
		return nil, err
	}
	k, ok := s.Knocker(c.Key)
	if !ok {
		return nil, fmt.Errorf("%w: nobody with that key is waiting at the door", ErrNotFound)
	}
	role := Member
	if k.Observer {
		role = Observer
	}
	if strings.TrimSpace(c.As) == "" {
		who := Person{ID: SSHID(k.Key), Name: uniqueName(s, k.Name)}
		return []Payload{&Arrived{Who: who, Role: role, Key: k.Key}}, nil
	}
	as := CleanName(c.As)
	i := slices.IndexFunc(s.Participants, func(p Participant) bool { return strings.EqualFold(p.Name, as) && p.Expected })
	if i < 0 {
		return nil, fmt.Errorf("%w: %s is not on the roster of this session", ErrNotFound, as)
	}
	p := s.Participants[i]
	if p.Key != "" || p.Removed {
		return nil, fmt.Errorf("%w: %s has a key already; admit them as a guest", ErrConflict, p.Name)
	}
	if c.Team != nil {
		if err := c.Team.canBind(p.Name, k.Key); err != nil {
			return nil, err
		}
	} else if b := s.Bound[strings.ToLower(p.Name)]; b != "" && b != k.Key {
		return nil, fmt.Errorf("%w: %s is bound to another key; admit them as a guest", ErrConflict, p.Name)
	}
	if p.Role == Facilitator {
		role = Facilitator
	} else if !k.Observer {
		role = p.Role
	}
	return []Payload{&Arrived{Who: p.Person(), Role: role, Key: k.Key, LateBy: lateness(s, p, env.Now)}}, nil
}

func (c TurnAway) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "turn people away"); err != nil {
		return nil, err
	}
	k, ok := s.Knocker(c.Key)
	if !ok {
		return nil, fmt.Errorf("%w: nobody with that key is waiting at the door", ErrNotFound)
	}
	return []Payload{&TurnedAway{Key: k.Key, Name: k.Name}}, nil
}

func (c Withdraw) decide(s *State, _ Participant, _ Env) ([]Payload, error) { return c.withdraw(s) }

func (c Withdraw) withdraw(s *State) ([]Payload, error) {
	if _, ok := s.Knocker(c.Key); !ok {
		return nil, nil
	}
	return []Payload{&KnockWithdrawn{Key: c.Key}}, nil
}

func (c Remove) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "remove people"); err != nil {
		return nil, err
	}
	p, ok := s.Participant(c.Who)
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, c.Who)
	case p.ID == a.ID:
		return nil, fmt.Errorf("%w: you cannot remove yourself; hand the role over and leave", ErrInvalid)
	case p.Removed:
		return nil, fmt.Errorf("%w: %s was removed already", ErrConflict, p.Name)
	}
	return append([]Payload{&Removed{Who: p.Person(), Key: p.Key}}, afterLeaving(s, p.ID)...), nil
}

func (c Join) decide(s *State, _ Participant, env Env) ([]Payload, error) { return c.join(s, env) }
