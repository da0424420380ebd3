package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// memStore holds sessions' events in memory: what a Room and a Hub need
// of a store, and a switch that makes Append panic, as a buggy store
// might.
type memStore struct {
	Store  // the rest is not used here
	mu     sync.Mutex
	events map[string][]Event
	panics atomic.Bool
}

func newMemStore() *memStore { return &memStore{events: map[string][]Event{}} }

// put stores a session made of the payloads, stamped a second apart.
func (m *memStore) put(id string, ps ...Payload) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, p := range ps {
		m.events[id] = append(m.events[id], Event{Seq: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Second), Actor: fac, Payload: p})
	}
}

func (m *memStore) Append(_ context.Context, id string, events ...Event) error {
	if m.panics.Load() {
		panic("the store's driver failed")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(events) > 0 && events[0].Seq != int64(len(m.events[id])+1) {
		return fmt.Errorf("%w: seq %d after %d", ErrConflict, events[0].Seq, len(m.events[id]))
	}
	m.events[id] = append(m.events[id], events...)
	return nil
}

func (m *memStore) Events(_ context.Context, id string) ([]Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.events[id]), nil
}

func (m *memStore) Secret(context.Context, string) ([]byte, error) { return []byte("salt"), nil }
func (m *memStore) ForgetSecret(context.Context, string) error     { return nil }

func (m *memStore) DeleteSessions(_ context.Context, ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		delete(m.events, id)
	}
	return nil
}

func (m *memStore) RewriteTeam(_ context.Context, _ Team, events map[string][]Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, evs := range events {
		m.events[id] = slices.Clone(evs)
	}
	return nil
}

// errorLog collects what rooms report through RoomOptions.Error.
type errorLog struct {
	mu   sync.Mutex
	errs []error
	c    chan error
}

func newErrorLog() *errorLog { return &errorLog{c: make(chan error, 100)} }

func (l *errorLog) report(err error) {
	l.mu.Lock()
	l.errs = append(l.errs, err)
	l.mu.Unlock()
	select {
	case l.c <- err:
	default:
	}
}

// await waits for a reported error that matches.
func (l *errorLog) await(tb testing.TB, ok func(error) bool) error {
	tb.Helper()
	limit := time.After(5 * time.Second) // only against a hung test
	for {
		select {
		case err := <-l.c:
			if ok(err) {
				return err
			}
		case <-limit:
			tb.Fatal("no such error was reported")
			return nil
		}
	}
}

var maria = Person{ID: fac, Name: "maria"}

// healthyStandup is a stand-up in its rounds, Lukas speaking.
func healthyStandup() []Payload {
	lukas := Person{ID: RosterID("Lukas"), Name: "Lukas"}
	return []Payload{
		&Created{Config: Config{Team: "webshop", Timebox: 15 * time.Minute}, Facilitator: maria, Roster: []string{"Lukas"}},
		&Arrived{Who: maria, Role: Facilitator},
		&Arrived{Who: lukas, Role: Member},
		&Started{Order: []ParticipantID{lukas.ID, fac}, TurnBudget: 5 * time.Minute},
		&TurnStarted{Speaker: lukas.ID, Budget: 5 * time.Minute},
	}
}

// brokenStandup is a stand-up whose only turn has ended while the rounds
// go on: the speaker's position equals the length of the order, a state
// no room decides and a made-up record can hold.
func brokenStandup() []Payload {
	return []Payload{
		&Created{Config: Config{Team: "musicstore", Timebox: 15 * time.Minute}, Facilitator: maria},
		&Arrived{Who: maria, Role: Facilitator},
		&Started{Order: []ParticipantID{fac}, TurnBudget: 5 * time.Minute},
		&TurnStarted{Speaker: fac, Budget: 5 * time.Minute},
		&TurnEnded{},
	}
}

func TestBrokenStandupFailsValidate(t *testing.T) {
	err := Fold("broken", events(brokenStandup())).Validate()
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "speaker's position 1 is past the end of the speaking order of 1") {
		t.Fatalf("err %v", err)
	}
	if err := Fold("healthy", events(healthyStandup())).Validate(); err != nil {
		t.Fatal(err)
	}
}

func events(ps []Payload) []Event {
	out := make([]Event, len(ps))
	for i, p := range ps {
		out[i] = Event{Seq: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Second), Actor: fac, Payload: p}
	}
	return out
}

// TestRoomSurvivesAFaultWhileDeciding: a command that panics on a broken
// state fails with ErrInternal, reported with its stack; the process
// goes on, the same room takes other commands, and so does another
// session's room on the same hub.
func TestRoomSurvivesAFaultWhileDeciding(t *testing.T) {
	st := newMemStore()
	st.put("broken", brokenStandup()...)
	st.put("healthy", healthyStandup()...)
	log := newErrorLog()
	hub := NewHub(st, RoomOptions{Clock: NewFakeClock(t0.Add(time.Minute)), Error: log.report})
	defer hub.Close()
	ctx := context.Background()
	broken, err := hub.Room(ctx, "broken")
	if err != nil {
		t.Fatal(err)
	}
	// Opening it says what is wrong with it, for whoever runs the server.
	log.await(t, func(err error) bool {
		return errors.Is(err, ErrInvalid) && strings.Contains(err.Error(), "past the end")
	})

	before := broken.Snapshot().State
	err = broken.Submit(fac, NoteBlocker{Text: "the build is red"})
	if !errors.Is(err, ErrInternal) || err.Error() != "internal error: something went wrong in huddle; nothing was changed" {
		t.Fatalf("err %v, want ErrInternal", err)
	}
	reported := log.await(t, func(err error) bool { return errors.Is(err, ErrInternal) })
	for _, want := range []string{"session broken", "deciding session.NoteBlocker", "index out of range", "room.go"} {
		if !strings.Contains(reported.Error(), want) {
			t.Errorf("the report lacks %q:\n%v", want, reported)
		}
	}
	if after := broken.Snapshot().State; after.Seq != before.Seq {
		t.Fatalf("the failed command changed the state: seq %d → %d", before.Seq, after.Seq)
	}

	// The same room goes on.
	if err := broken.Submit(fac, Park{Topic: "flaky CI"}); err != nil {
		t.Fatal(err)
	}
	// And another session on the hub is untouched.
	healthy, err := hub.Room(ctx, "healthy")
	if err != nil {
		t.Fatal(err)
	}
	if err := healthy.Submit(fac, NoteBlocker{Text: "waiting for the API"}); err != nil {
		t.Fatal(err)
	}
	if err := healthy.Submit(fac, Next{}); err != nil {
		t.Fatal(err)
	}
	if s := healthy.Snapshot().State; len(s.Blockers) != 1 || s.Order[s.Pos] != fac {
		t.Fatalf("the healthy session: blockers %v, speaker %v", s.Blockers, s.Order[s.Pos])
	}
	if again, err := hub.Room(ctx, "broken"); err != nil || again != broken {
		t.Fatalf("the hub gave another room (%v) for a room that did not close", err)
	}
}

// boom is an event whose apply panics while armed: a fault in applying
// what the store has already recorded.
type boom struct{ armed *atomic.Bool }

func (*boom) Type() EventType { return "boom" }
func (b *boom) apply(*State, Event) {
	if b.armed.Load() {
		panic("boom")
	}
}

// explode is a command that decides a boom.
type explode struct{ armed *atomic.Bool }

func (c explode) decide(*State, Participant, Env) ([]Payload, error) {
	return []Payload{&boom{armed: c.armed}}, nil
}

// TestRoomClosesAfterAFaultWhileApplying: once the store has the events,
// a fault while applying them leaves the live state in doubt, so that
// room closes: its subscribers see the end, later commands get
// ErrClosed. The hub opens the session again from the store on the next
// use, or says it cannot; other rooms go on.
func TestRoomClosesAfterAFaultWhileApplying(t *testing.T) {
	st := newMemStore()
	st.put("faulty", healthyStandup()...)
	st.put("healthy", healthyStandup()...)
	log := newErrorLog()
	hub := NewHub(st, RoomOptions{Clock: NewFakeClock(t0.Add(time.Minute)), Error: log.report})
	defer hub.Close()
	ctx := context.Background()
	room, err := hub.Room(ctx, "faulty")
	if err != nil {
		t.Fatal(err)
	}
	sub := room.Subscribe()
	<-sub.C()
	armed := new(atomic.Bool)
	armed.Store(true)
	if err := room.Submit(fac, explode{armed}); !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "join it again") {
		t.Fatalf("err %v, want ErrInternal", err)
	}
	if r := log.await(t, func(err error) bool { return errors.Is(err, ErrInternal) }); !strings.Contains(r.Error(), "applying events 6 to 6: panic: boom") {
		t.Fatalf("report %v", r)
	}
	if _, open := <-sub.C(); open {
		t.Fatal("the subscription stayed open")
	}
	if err := room.Submit(fac, Park{Topic: "x"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("err %v, want ErrClosed", err)
	}

	// Opening it again folds the log, boom and all: while that still
	// fails, the hub says so and the process goes on.
	if _, err := hub.Room(ctx, "faulty"); !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "cannot be read") {
		t.Fatalf("err %v, want ErrInternal", err)
	}
	healthy, err := hub.Room(ctx, "healthy")
	if err != nil {
		t.Fatal(err)
	}
	if err := healthy.Submit(fac, Park{Topic: "y"}); err != nil {
		t.Fatal(err)
	}
	// Once it folds, the hub opens a new room from the store.
	armed.Store(false)
	again, err := hub.Room(ctx, "faulty")
	if err != nil || again == room {
		t.Fatalf("reopened %v (the same room: %v)", err, again == room)
	}
	if s := again.Snapshot().State; s.Seq != 6 {
		t.Fatalf("the reopened room is at seq %d, want 6 (the log's)", s.Seq)
	}
	if err := again.Submit(fac, Park{Topic: "z"}); err != nil {
		t.Fatal(err)
	}
	if err := room.Close(); err != nil { // the closed room closes again quietly
		t.Fatal(err)
	}
}

// TestRoomSurvivesAFaultWhileRecordingExpiry: the room's own goroutine
// recovers a fault while recording a time-box's expiry, reports it, and
// tries again after faultPause.
func TestRoomSurvivesAFaultWhileRecordingExpiry(t *testing.T) {
	st := newMemStore()
	st.put("s", healthyStandup()...)
	log := newErrorLog()
	clock := NewFakeClock(t0.Add(4 * time.Second)) // the turn started at t0+4s
	room, err := OpenRoom(context.Background(), st, "s", RoomOptions{Clock: clock, Error: log.report})
	if err != nil {
		t.Fatal(err)
	}
	defer room.Close()
	sub := room.Subscribe()
	defer sub.Close()
	st.panics.Store(true)
	awaitTimers(t, clock, 1)
	clock.Advance(5 * time.Minute) // the turn's time is up
	if r := log.await(t, func(err error) bool { return errors.Is(err, ErrInternal) }); !strings.Contains(r.Error(), "recording expiry: panic: the store's driver failed") {
		t.Fatalf("report %v", r)
	}
	awaitTimers(t, clock, 1) // waiting faultPause
	st.panics.Store(false)
	clock.Advance(faultPause)
	for snap := range sub.C() {
		if tu, ok := snap.State.CurrentTurn(); ok && tu.Timer.Expired {
			break
		}
	}
	if err := room.Submit(fac, Next{}); err != nil {
		t.Fatal(err)
	}
}

// awaitTimers waits until the clock has n timers pending.
func awaitTimers(tb testing.TB, c *FakeClock, n int) {
	tb.Helper()
	limit := time.Now().Add(5 * time.Second)
	for c.Timers() < n {
		if time.Now().After(limit) {
			tb.Fatalf("%d timers pending, want %d", c.Timers(), n)
		}
		time.Sleep(time.Millisecond)
	}
}
