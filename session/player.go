package session

import (
	"fmt"
	"sync"
	"time"
)

// Player plays a recorded session back: a read-only stand-in for a Room
// over the session's event log. It has the methods of a Room that a view
// needs (Submit, Subscribe, Clock, Viewer), so the interface that showed
// the session live shows its replay, and a set of controls that move the
// position in the log: Step, SeekTo, JumpTo and Advance.
//
// The position is a number of events applied, from 1 (the session as
// created) to the total. The player's clock reads the recorded time of the
// position, so that views count time-boxes down exactly as they did live;
// Advance moves it on between events, which is how playing at a speed
// works. Every change of position is published to subscribers as a new
// Snapshot, through the same one-slot mailboxes as a Room's: publishing
// never blocks.
//
// A Player starts no goroutines: whoever plays it calls Advance on their
// own ticks, as the replay screen does, so nothing outlives Close. Its
// methods are safe for concurrent use.
type Player struct {
	id     string
	events []Event
	marks  []Mark
	clock  *FakeClock

	// fan keeps the subscriptions and the newest snapshot, as a Room's
	// does, so that a Subscription of a player behaves exactly like one
	// of a Room.
	fan *fanout

	mu     sync.Mutex // guards state and pos; taken before fan.mu
	state  *State     // the fold of events[:pos]; never published itself
	pos    int
	closed bool
}

// Mark is an event that moved the session into a phase.
type Mark struct {
	Seq   int64
	Phase Phase
	At    time.Time
}

// errReplay is what every command gets from a player.
var errReplay = fmt.Errorf("%w: this is a replay; nothing can change", ErrForbidden)

// NewPlayer returns a player of the session's events, which must be the
// whole log in order (as Store.Events returns it) and are not changed
// afterwards: the player keeps them. It is positioned on the
// first event, the session as it was created, with its clock at that
// event's time. A player of no events shows an empty state.
func NewPlayer(id string, events []Event) *Player {
	p := &Player{
		id:     id,
		events: events,
		clock:  NewFakeClock(time.Time{}),
		fan:    new(fanout),
		state:  &State{ID: id},
	}
	fold := &State{ID: id}
	for i, e := range events {
		before := fold.Phase
		fold.Apply(e)
		if i == 0 || fold.Phase != before {
			p.marks = append(p.marks, Mark{Seq: e.Seq, Phase: fold.Phase, At: e.Time})
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seek(min(1, len(events)))
	return p
}

// ID returns the session id.
func (p *Player) ID() string { return p.id }

// Submit refuses every command: a replay changes nothing.
func (p *Player) Submit(ParticipantID, Command) error { return errReplay }

// Viewer returns "": a replay watches as an observer, who finds none of
// the anonymous records their own.
func (p *Player) Viewer(ParticipantID) string { return "" }

// Clock returns the replay's clock, a *FakeClock that reads the recorded
// time of the current position. Only the player moves it.
func (p *Player) Clock() Clock { return p.clock }

// Subscribe returns a subscription that receives the newest snapshot,
// starting with the current one. After Close its channel is closed.
func (p *Player) Subscribe() *Subscription { return p.fan.subscribe() }

// Subscribers counts the open subscriptions.
func (p *Player) Subscribers() int { return p.fan.count() }

// Snapshot returns the state at the current position.
func (p *Player) Snapshot() Snapshot { return p.fan.snapshot() }

// Position returns the current position, the number of events applied,
// and the number of events in the log.
func (p *Player) Position() (seq, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return int64(p.pos), int64(len(p.events))
}

// Marks returns the events that moved the session into a phase, in order,
// starting with the first event (the waiting room). A phase entered twice
// has two marks.
func (p *Player) Marks() []Mark {
	return append([]Mark(nil), p.marks...)
}

// Step applies the next event and moves the clock to its time. It reports
// false, changing nothing, at the end of the log or after Close.
func (p *Player) Step() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.pos >= len(p.events) {
		return false
	}
	p.seek(p.pos + 1)
	return true
}

// SeekTo moves to the position seq, clamped to the log, and the clock to
// that event's time. Seeking back folds the log again from the start.
func (p *Player) SeekTo(seq int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.seek(int(min(max(seq, 1), int64(len(p.events)))))
	}
}

// JumpTo seeks to the first event that moved the session into the phase.
// It returns an ErrNotFound error if the session never got there.
func (p *Player) JumpTo(phase Phase) error {
	for _, m := range p.marks {
		if m.Phase == phase {
			p.SeekTo(m.Seq)
			return nil
		}
	}
	return fmt.Errorf("%w: the session never reached the %s phase", ErrNotFound, phase)
}

// Advance moves the clock on by d and applies every event whose time has
// come, publishing once. The clock stops at the last event's time. It
// reports whether events remain to be played.
func (p *Player) Advance(d time.Duration) (more bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.pos >= len(p.events) {
		return false
	}
	to := p.clock.Now().Add(max(d, 0))
	if last := p.events[len(p.events)-1].Time; to.After(last) {
		to = last
	}
	n := p.pos
	for n < len(p.events) && !p.events[n].Time.After(to) {
		n++
	}
	p.apply(n)
	p.clock.Set(to)
	if n > p.pos {
		p.pos = n
		p.publish()
	}
	return p.pos < len(p.events)
}

// Close ends every subscription; the player's controls then do nothing.
// It returns nil; closing twice is harmless.
func (p *Player) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.fan.close()
	return nil
}

// seek moves to position n (0 ≤ n ≤ len(events)), sets the clock to its
// event's time and publishes. p.mu is held.
func (p *Player) seek(n int) {
	if n < p.pos {
		p.state, p.pos = &State{ID: p.id}, 0
	}
	p.apply(n)
	p.pos = n
	if n > 0 {
		p.clock.Set(p.events[n-1].Time)
	}
	p.publish()
}

// apply folds the events from the position up to n into the working
// state. p.mu is held.
func (p *Player) apply(n int) {
	for _, e := range p.events[p.pos:n] {
		p.state.Apply(e)
	}
}

// publish hands subscribers a copy of the working state. p.mu is held.
func (p *Player) publish() {
	p.fan.publish(Snapshot{State: p.state.Clone(), At: p.clock.Now()})
}
