package session

// This file is long (about 700 lines) on purpose: it is the one list of
// what a stand-up can be told, each command's decide next to the guards
// they share (retrospectives: retro_command.go; corrections: correct.go).

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Command is something a participant asks a session to do. Decide checks
// it against the state and the actor's role and turns it into events.
type Command interface {
	decide(s *State, actor Participant, env Env) ([]Payload, error)
}

// Env is what Decide needs from outside the state: the time, and a source
// of randomness for shuffled speaking orders.
type Env struct {
	Now  time.Time
	Rand *rand.Rand // nil means an unseeded source
	// Salt keys the hashes that stand for people in anonymous votes and
	// cards. It is never part of an event; the Room keeps it until the
	// session ends.
	Salt []byte
}

// hash is the salted stand-in for a participant in anonymous records.
func (e Env) hash(id ParticipantID) string {
	mac := hmac.New(sha256.New, e.Salt)
	mac.Write([]byte(id))
	return hex.EncodeToString(mac.Sum(nil)[:12])
}

// MaxExtend bounds how much time one Extend command may add.
const MaxExtend = 30 * time.Minute

// Decide checks a command against the state and the actor's role and
// returns the payloads of the events it becomes. It changes nothing. A
// rejected command returns an error wrapping one of ErrForbidden, ErrPhase,
// ErrInvalid, ErrNotFound, ErrConflict or ErrLimit (a cap such as MaxTopics
// is reached), with a sentence fit to show the actor.
func Decide(s *State, actor ParticipantID, c Command, env Env) ([]Payload, error) {
	if s.Seq == 0 {
		return nil, fmt.Errorf("%w: the session has not been created", ErrNotFound)
	}
	if s.Phase == Closed {
		return nil, fmt.Errorf("%w: the session is over", ErrPhase)
	}
	// Someone at the door is nobody's participant yet: they act for
	// their own key, and only for it.
	switch c := c.(type) {
	case Join:
		if actor != SSHID(c.Key) {
			return nil, fmt.Errorf("%w: a key joins only as itself", ErrForbidden)
		}
		return c.join(s, env)
	case Withdraw:
		if actor != SSHID(c.Key) {
			return nil, fmt.Errorf("%w: only the key at the door can leave it", ErrForbidden)
		}
		return c.withdraw(s)
	}
	a, ok := s.Participant(actor)
	if !ok || a.Removed {
		return nil, fmt.Errorf("%w: you are not part of this session", ErrForbidden)
	}
	if env.Rand == nil {
		env.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return c.decide(s, a, env)
}

// The commands of a stand-up.
type (
	// Arrive marks a participant present. Who names a known participant;
	// when it is empty, Name finds one by name or adds a guest.
	Arrive struct {
		Who  ParticipantID
		Name string
		Role Role // for a new participant
	}
	// Leave marks a participant away.
	Leave struct{ Who ParticipantID }
	// Start ends the waiting room and gives the first turn.
	Start struct{}
	// Next ends the current turn (or phase) and moves on. If Speaker is
	// set, it must still be the current speaker: a second press of the
	// same key, or two facilitators at once, cannot end two turns.
	Next struct {
		Speaker ParticipantID
		// Step, if set, must be the retrospective's current State.Step,
		// so a double press moves on once.
		Step string
	}
	// Skip sends the current speaker to the end of the order; Speaker is
	// checked as for Next.
	Skip struct{ Speaker ParticipantID }
	// Pause stops the timers; Reason is shown while paused.
	Pause struct{ Reason string }
	// Resume restarts the timers.
	Resume struct{}
	// Extend adds time to the current turn.
	Extend struct{ By time.Duration }
	// NoteBlocker notes a blocker. A member's blocker is their own:
	// Speaker must be empty or the member. The facilitator notes one for
	// anyone taking part: Speaker, or the current speaker if empty.
	NoteBlocker struct {
		Speaker ParticipantID
		Text    string
	}
	// Park puts a topic in the parking lot, raised by RaisedBy (the actor
	// if empty), with the people who need to stay for it.
	Park struct {
		Topic    string
		RaisedBy ParticipantID
		Stay     []ParticipantID
	}
	// Stay adds (or with Stay false removes) someone who needs to stay for
	// a parking-lot item.
	Stay struct {
		Item int
		Who  ParticipantID
		Stay bool
	}
	// Resolve gives a parking-lot item its outcome. Decided needs the
	// decision as Note.
	Resolve struct {
		Item   int
		Status Status
		Note   string
	}
	// End closes the session.
	End struct{}

	// Join is how someone arrives with an SSH key, on their own. The same
	// key is always the same participant. A new key claims the expected
	// participant (a roster member, or the facilitator named when the
	// session was opened) of the name its key is bound to in the team, or
	// else of its own name if the team has bound that name to no key
	// (trust on first use). A roster member marked present by name who
	// then joins with such a key is that same participant: the key
	// becomes theirs, with no second turn and no "Eli 2". Any other key
	// knocks (see Knocked) and waits
	// for the facilitator, unless the session's door is open
	// (Config.OpenDoor): then it joins as a guest under its name, made
	// unique. A key the facilitator removed or turned away cannot come
	// back. Join needs no actor: its actor should be SSHID(Key).
	Join struct {
		Key      string
		Name     string
		Observer bool // watch only
		// Team is the team as it is now: its roster and bindings decide
		// who may claim a name. Nil: those the session was created with.
		// A Room with RoomOptions.Teams fills it in.
		Team *Team
	}
	// HandOver makes another present member the facilitator.
	HandOver struct{ To ParticipantID }
	// TakeOver makes the actor the facilitator when the facilitator has
	// been away for TakeOverAfter, so that a session never gets stuck.
	TakeOver struct{}
)

// TakeOverAfter is how long the facilitator must have been away before a
// member may take the role.
const TakeOverAfter = 2 * time.Minute

// SSHID is the participant id of a key that joined as a new participant.
func SSHID(key string) ParticipantID { return ParticipantID("ssh:" + key) }

func facilitatorOnly(a Participant, what string) error {
	if a.Role != Facilitator {
		return fmt.Errorf("%w: only the facilitator can %s", ErrForbidden, what)
	}
	return nil
}

func selfOrFacilitator(a Participant, who ParticipantID, what string) error {
	if a.ID != who && a.Role != Facilitator {
		return fmt.Errorf("%w: only the facilitator can %s for someone else", ErrForbidden, what)
	}
	return nil
}

func notObserver(a Participant, what string) error {
	if a.Role == Observer {
		return fmt.Errorf("%w: observers cannot %s", ErrForbidden, what)
	}
	return nil
}

func inPhase(s *State, p Phase, what string) error {
	if s.Phase != p {
		return fmt.Errorf("%w: %s only during the %s phase", ErrPhase, what, p)
	}
	return nil
}

func (c Arrive) decide(s *State, a Participant, env Env) ([]Payload, error) {
	var who Participant
	if c.Who != "" {
		p, ok := s.Participant(c.Who)
		if !ok {
			// A name that arrives with an id comes from a client (over
			// SSH, its user name: bytes the client chose): it is cut to
			// MaxNameWidth columns, not refused.
			name := CleanName(c.Name)
			if name == "" {
				return nil, fmt.Errorf("%w: a new participant needs a name", ErrInvalid)
			}
			p = Participant{ID: c.Who, Name: name, Role: c.Role}
		}
		who = p
	} else {
		name, err := CheckName(c.Name)
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, fmt.Errorf("%w: whom to mark present? a name is needed", ErrInvalid)
		}
		i := slices.IndexFunc(s.Participants, func(p Participant) bool { return strings.EqualFold(p.Name, name) })
		if i >= 0 {
			who = s.Participants[i]
		} else {
			who = Participant{ID: RosterID(name), Name: name, Role: Member}
			if _, taken := s.Participant(who.ID); taken {
				return nil, fmt.Errorf("%w: the name %s is taken", ErrConflict, name)
			}
		}
	}
	if err := selfOrFacilitator(a, who.ID, "mark people present"); err != nil {
		return nil, err
	}
	if who.Role == Facilitator && who.ID != s.Facilitator {
		return nil, fmt.Errorf("%w: a session has one facilitator", ErrInvalid)
	}
	if who.Present {
		return nil, fmt.Errorf("%w: %s is already here", ErrConflict, who.Name)
	}
	var late time.Duration
	if due, ok := s.Due(); ok && who.Arrived.IsZero() && env.Now.Sub(due) >= time.Minute {
		late = env.Now.Sub(due).Truncate(time.Minute)
	}
	return []Payload{&Arrived{Who: who.Person(), Role: who.Role, LateBy: late}}, nil
}

func (c Leave) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	p, ok := s.Participant(c.Who)
	if !ok {
		return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, c.Who)
	}
	if err := selfOrFacilitator(a, c.Who, "mark people away"); err != nil {
		return nil, err
	}
	if !p.Present {
		return nil, fmt.Errorf("%w: %s is not here", ErrConflict, p.Name)
	}
	return append([]Payload{&Left{Who: c.Who}}, afterLeaving(s, c.Who)...), nil
}

func (Start) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "start"); err != nil {
		return nil, err
	}
	if err := inPhase(s, Waiting, "starting is possible"); err != nil {
		return nil, err
	}
	if s.Config.Kind == Retro {
		return []Payload{&PhaseChanged{To: CheckIn}}, nil
	}
	var speakers []Participant
	for _, p := range s.Participants {
		if p.Speaks() {
			speakers = append(speakers, p)
		}
	}
	if len(speakers) == 0 {
		return nil, fmt.Errorf("%w: nobody is here yet; mark people present first", ErrInvalid)
	}
	switch s.Config.Order {
	case OrderJoin:
		slices.SortStableFunc(speakers, func(x, y Participant) int { return cmp.Compare(x.ArrivalSeq, y.ArrivalSeq) })
	case OrderAlpha:
		col := collate.New(language.Und, collate.IgnoreCase, collate.IgnoreDiacritics)
		slices.SortStableFunc(speakers, func(x, y Participant) int { return col.CompareString(x.Name, y.Name) })
	case OrderRandom:
		env.Rand.Shuffle(len(speakers), func(i, j int) { speakers[i], speakers[j] = speakers[j], speakers[i] })
	}
	order := make([]ParticipantID, len(speakers))
	for i, p := range speakers {
		order[i] = p.ID
	}
	order = s.withPrepared(order)
	budget := s.Config.Turn
	if budget <= 0 {
		budget = (s.Config.Timebox / time.Duration(len(order))).Truncate(time.Second)
	}
	return []Payload{
		&Started{Order: order, TurnBudget: budget},
		&TurnStarted{Speaker: order[0], Budget: budget},
	}, nil
}

// stillSpeaking rejects a command meant for a speaker whose turn is over.
func stillSpeaking(s *State, want ParticipantID) error {
	if want == "" {
		return nil
	}
	if sp, ok := s.Speaker(); !ok || sp.ID != want {
		return fmt.Errorf("%w: %s's turn is already over", ErrConflict, s.Name(want))
	}
	return nil
}

func (c Next) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "move on"); err != nil {
		return nil, err
	}
	if err := stillSpeaking(s, c.Speaker); err != nil {
		return nil, err
	}
	if s.Config.Kind == Retro {
		if c.Step != "" && c.Step != s.Step() {
			return nil, fmt.Errorf("%w: the retrospective has moved on already", ErrConflict)
		}
		if s.Phase == Waiting {
			return Start{}.decide(s, a, Env{})
		}
		return retroNext(s), nil
	}
	switch s.Phase {
	case Rounds:
		out := []Payload{&TurnEnded{}}
		if next, ok := nextSpeaker(s); ok {
			return append(out, &TurnStarted{Speaker: next, Budget: s.TurnBudget}), nil
		}
		// The order is done, or everyone left in it is away: the rounds
		// end as they do after the last turn.
		if len(s.OpenItems()) > 0 {
			return append(out, &PhaseChanged{To: Parking}), nil
		}
		return append(out, &Ended{}), nil
	case Parking:
		return []Payload{&Ended{}}, nil
	default:
		return nil, fmt.Errorf("%w: start the stand-up first", ErrPhase)
	}
}

func (c Skip) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "skip a speaker"); err != nil {
		return nil, err
	}
	if err := inPhase(s, Rounds, "skipping is possible"); err != nil {
		return nil, err
	}
	if err := stillSpeaking(s, c.Speaker); err != nil {
		return nil, err
	}
	next, ok := nextSpeaker(s)
	if !ok {
		return nil, fmt.Errorf("%w: %s is the last speaker here; nobody to skip to", ErrInvalid, s.Name(s.Order[s.Pos]))
	}
	return []Payload{
		&TurnEnded{Skipped: true},
		&TurnStarted{Speaker: next, Budget: s.TurnBudget},
	}, nil
}

// nextSpeaker finds whose turn follows the current one: the first after it
// in the order who is here. Those before them in the order who are away
// are passed over: the TurnStarted event moves them to the end of the
// order, and they speak when the order comes to them again if they are
// back by then. ok is false when nobody after the current speaker is here:
// then the rounds end, as after the last turn, and those still away have
// missed their turn.
func nextSpeaker(s *State) (next ParticipantID, ok bool) {
	for _, id := range s.Order[min(s.Pos+1, len(s.Order)):] {
		if i := s.participant(id); i >= 0 && s.takesTurn(i) {
			return id, true
		}
	}
	return "", false
}

// timed accepts the phases whose timers run: a stand-up's rounds, and every
// phase of a retrospective between the waiting room and the end.
func timed(s *State, what string) error {
	if s.Config.Kind == Retro {
		if s.Phase == Waiting {
			return fmt.Errorf("%w: start the retrospective first", ErrPhase)
		}
		return nil
	}
	return inPhase(s, Rounds, what)
}

func (c Pause) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "pause"); err != nil {
		return nil, err
	}
	if err := timed(s, "pausing is possible"); err != nil {
		return nil, err
	}
	if s.Paused {
		return nil, fmt.Errorf("%w: already paused", ErrConflict)
	}
	return []Payload{&Paused{Reason: CleanText(c.Reason, DefaultMaxText)}}, nil
}

func (Resume) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "resume"); err != nil {
		return nil, err
	}
	if err := timed(s, "resuming is possible"); err != nil {
		return nil, err
	}
	if !s.Paused {
		return nil, fmt.Errorf("%w: not paused", ErrConflict)
	}
	return []Payload{&Resumed{}}, nil
}

func (c Extend) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "add time"); err != nil {
		return nil, err
	}
	if s.Config.Kind == Retro {
		if s.Phase == Waiting {
			return nil, fmt.Errorf("%w: start the retrospective first", ErrPhase)
		}
	} else if err := inPhase(s, Rounds, "adding time is possible"); err != nil {
		return nil, err
	}
	if c.By <= 0 || c.By > MaxExtend {
		return nil, fmt.Errorf("%w: add between 1s and %s", ErrInvalid, MaxExtend)
	}
	return []Payload{&Extended{By: c.By}}, nil
}

func (c NoteBlocker) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := notObserver(a, "note blockers"); err != nil {
		return nil, err
	}
	if err := inPhase(s, Rounds, "blockers are noted"); err != nil {
		return nil, err
	}
	if err := capped(len(s.Blockers), MaxBlockers, "%d blockers are noted already, as many as a stand-up holds"); err != nil {
		return nil, err
	}
	who := c.Speaker
	switch {
	case a.Role != Facilitator && who != "" && who != a.ID:
		return nil, fmt.Errorf("%w: you can note only your own blockers; the facilitator notes them for others", ErrForbidden)
	case a.Role != Facilitator:
		who = a.ID
	case who == "":
		who = s.Order[s.Pos]
	}
	p, ok := s.Participant(who)
	if !ok {
		return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, who)
	}
	if p.Role == Observer {
		return nil, fmt.Errorf("%w: %s only watches and has no blockers", ErrInvalid, p.Name)
	}
	text := CleanText(c.Text, DefaultMaxText)
	if text == "" {
		return nil, fmt.Errorf("%w: a blocker needs some text", ErrInvalid)
	}
	return []Payload{&BlockerNoted{Speaker: p.Person(), Text: text}}, nil
}

func (c Park) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := notObserver(a, "park topics"); err != nil {
		return nil, err
	}
	if err := capped(len(s.Items), MaxTopics, "the parking lot is full (%d topics)"); err != nil {
		return nil, err
	}
	topic := CleanText(c.Topic, DefaultMaxText)
	if topic == "" {
		return nil, fmt.Errorf("%w: a parked topic needs some text", ErrInvalid)
	}
	raiser := a
	if c.RaisedBy != "" {
		if err := selfOrFacilitator(a, c.RaisedBy, "park topics"); err != nil {
			return nil, err
		}
		p, ok := s.Participant(c.RaisedBy)
		if !ok {
			return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, c.RaisedBy)
		}
		raiser = p
	}
	id := 1
	for _, it := range s.Items {
		id = max(id, it.ID+1)
	}
	p := &Parked{Item: id, Topic: topic, RaisedBy: raiser.Person(), Phase: s.Phase}
	if sp, ok := s.Speaker(); ok {
		p.Speaker = sp.Person()
	}
	out := []Payload{p}
	for _, who := range c.Stay {
		if slices.ContainsFunc(out[1:], func(q Payload) bool { return q.(*StayChanged).Who.ID == who }) {
			continue
		}
		q, ok := s.Participant(who) // whoever parks a topic names who is involved
		if !ok {
			return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, who)
		}
		out = append(out, &StayChanged{Item: id, Who: q.Person(), Stay: true})
	}
	return out, nil
}

func openItem(s *State, id int) (Item, error) {
	it, ok := s.Item(id)
	if !ok {
		return Item{}, fmt.Errorf("%w: no parking-lot item #%d", ErrNotFound, id)
	}
	if it.Status != Open {
		return Item{}, fmt.Errorf("%w: item #%d is already %s", ErrConflict, id, it.Status)
	}
	return it, nil
}

func (c Stay) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := notObserver(a, "stay for topics"); err != nil {
		return nil, err
	}
	if err := selfOrFacilitator(a, c.Who, "change who stays"); err != nil {
		return nil, err
	}
	it, err := openItem(s, c.Item)
	if err != nil {
		return nil, err
	}
	p, ok := s.Participant(c.Who)
	if !ok {
		return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, c.Who)
	}
	if it.Stays(c.Who) == c.Stay {
		return nil, fmt.Errorf("%w: nothing to change", ErrConflict)
	}
	return []Payload{&StayChanged{Item: c.Item, Who: p.Person(), Stay: c.Stay}}, nil
}

func (c Resolve) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "resolve parked topics"); err != nil {
		return nil, err
	}
	if _, err := openItem(s, c.Item); err != nil {
		return nil, err
	}
	r := &Resolved{Item: c.Item, Status: c.Status, Note: CleanText(c.Note, DefaultMaxText)}
	switch c.Status {
	case Discussed, SentToRetro, Dropped:
	case Decided:
		if r.Note == "" {
			return nil, fmt.Errorf("%w: a decision needs its text", ErrInvalid)
		}
		r.Present, r.Absent = s.whoIsHere()
	default:
		return nil, fmt.Errorf("%w: an outcome cannot be %s", ErrInvalid, c.Status)
	}
	return []Payload{r}, nil
}

func (End) decide(_ *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "end the session"); err != nil {
		return nil, err
	}
	return []Payload{&Ended{}}, nil
}

// uniqueName returns name, or name with a number when someone in the
// session already has it or one that looks like it (see lookAlike).
func uniqueName(s *State, name string) string {
	taken := func(n string) bool {
		return slices.ContainsFunc(s.Participants, func(p Participant) bool { return lookAlike(p.Name, n) })
	}
	candidate := name
	for i := 2; taken(candidate); i++ {
		suffix := " " + strconv.Itoa(i)
		candidate = CleanText(ansi.Truncate(name, MaxNameWidth-len(suffix), ""), MaxName) + suffix
	}
	return candidate
}

func (c HandOver) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := facilitatorOnly(a, "hand the facilitator role over"); err != nil {
		return nil, err
	}
	to, ok := s.Participant(c.To)
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, c.To)
	case to.ID == a.ID:
		return nil, fmt.Errorf("%w: you are the facilitator already", ErrConflict)
	case to.Role == Observer || !to.Present:
		return nil, fmt.Errorf("%w: %s must be here as a member to facilitate", ErrInvalid, to.Name)
	}
	return []Payload{&Handed{To: to.Person()}}, nil
}

func (TakeOver) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := notObserver(a, "facilitate"); err != nil {
		return nil, err
	}
	if a.Role == Facilitator {
		return nil, fmt.Errorf("%w: you are the facilitator already", ErrConflict)
	}
	if f, ok := s.Participant(s.Facilitator); ok {
		wait, here := TakeOverWait(s, env.Now)
		if here {
			return nil, fmt.Errorf("%w: %s is here and facilitating; ask them to hand over", ErrForbidden, f.Name)
		}
		if wait > 0 {
			return nil, fmt.Errorf("%w: %s has been away for less than %s; %s to go", ErrForbidden, f.Name, TakeOverAfter, wait.Round(time.Second))
		}
	}
	return []Payload{&Handed{To: a.Person()}}, nil
}

// TakeOverWait is how long a member must still wait at now before
// TakeOver works (0: it works), and whether the facilitator is here, when
// it does not work at all: the rule of TakeOver, for a screen that offers
// the key only when it would work.
func TakeOverWait(s *State, now time.Time) (wait time.Duration, here bool) {
	f, ok := s.Participant(s.Facilitator)
	if !ok {
		return 0, false
	}
	if f.Present {
		return 0, true
	}
	since := f.AwaySince
	if since.IsZero() {
		// Never came: count from the start that was planned.
		since = s.Created
		if s.Config.ScheduledAt.After(since) {
			since = s.Config.ScheduledAt
		}
	}
	return max(0, TakeOverAfter-now.Sub(since)), false
}

// expiries returns the Expired events that are due at now and not yet
// recorded.
func expiries(s *State, env Env) []Payload {
	var out []Payload
	now := env.Now
	if t, ok := s.CurrentTurn(); ok && !t.Timer.Expired && t.Timer.Running() && t.Timer.Remaining(now) <= 0 {
		out = append(out, &Expired{Timer: TurnTimer})
	}
	if s.Phase == Rounds && !s.Overall.Expired && s.Overall.Running() && s.Overall.Remaining(now) <= 0 {
		out = append(out, &Expired{Timer: TimeboxTimer})
	}
	if t := s.PhaseTimer; s.Config.Kind == Retro && s.Phase != Closed && !t.Expired && t.Running() && t.Remaining(now) <= 0 {
		out = append(out, &Expired{Timer: PhaseTimerKind})
		// With auto-advance a phase ends with its time-box; a discussed
		// topic waits for the thumbs instead.
		if s.Config.AutoAdvance && s.Phase != Discuss {
			out = append(out, retroNext(s)...)
		}
		out = append(out, thumbsAtExpiry(s, env)...)
	}
	return out
}

// nextDeadline is the earliest time an expiry may become due.
func nextDeadline(s *State) (time.Time, bool) {
	var next time.Time
	if t, ok := s.CurrentTurn(); ok && !t.Timer.Expired {
		if d, ok := t.Timer.Deadline(); ok {
			next = d
		}
	}
	if s.Phase == Rounds && !s.Overall.Expired {
		if d, ok := s.Overall.Deadline(); ok && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	if s.Config.Kind == Retro && s.Phase != Closed && !s.PhaseTimer.Expired {
		if d, ok := s.PhaseTimer.Deadline(); ok && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	return next, !next.IsZero()
}
