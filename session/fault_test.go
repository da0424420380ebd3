package session_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/session"
)

// faultStore is a store whose Append fails, writing nothing, while a fault
// is set: a full or failing disk that can be switched on and off.
type faultStore struct {
	session.Store
	mu    sync.Mutex
	fault error
}

func (f *faultStore) set(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = err
}

func (f *faultStore) Append(ctx context.Context, id string, events ...session.Event) error {
	f.mu.Lock()
	err := f.fault
	f.mu.Unlock()
	if err != nil {
		return fmt.Errorf("append events: session %q: %w", id, err)
	}
	return f.Store.Append(ctx, id, events...)
}

// The faults a store reports: a full disk as the sqlite store words it,
// and an I/O error that is not about space.
var (
	faultFull = fmt.Errorf("%w: database or disk is full (13)", session.ErrFull)
	faultIO   = errors.New("disk I/O error (10)")
)

// wantStoreError checks the error a participant gets for a write the
// store refused: it says nothing changed, and keeps the store's error.
func wantStoreError(tb testing.TB, err, fault error) {
	tb.Helper()
	if !errors.Is(err, session.ErrStore) || !errors.Is(err, fault) {
		tb.Fatalf("err = %v; want a session.ErrStore error wrapping %v", err, fault)
	}
	if !strings.HasPrefix(err.Error(), "could not save; nothing was changed: ") {
		tb.Fatalf("err = %q; want it to say it could not save and nothing was changed", err)
	}
	if errors.Is(fault, session.ErrFull) != errors.Is(err, session.ErrFull) {
		tb.Fatalf("err = %v: ErrFull is lost or made up", err)
	}
}

// noSnapshot checks that nothing was published to the subscriber.
func noSnapshot(tb testing.TB, sub *session.Subscription) {
	tb.Helper()
	select {
	case snap := <-sub.C():
		tb.Fatalf("a snapshot was published after a failed write: seq %d", snap.State.Seq)
	default:
	}
}

// reopened folds the stored events again, in a fresh store on the same
// file and a fresh room: the state a restarted server would have.
func reopened(tb testing.TB, dir, id string, clock session.Clock) *session.State {
	tb.Helper()
	st := mustStore(tb, dir)
	defer st.Close()
	r, err := session.OpenRoom(context.Background(), st, id, session.RoomOptions{Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	return r.Snapshot().State
}

// contiguous checks that the stored events are numbered 1..n.
func contiguous(tb testing.TB, st session.Store, id string) []session.Event {
	tb.Helper()
	events, err := st.Events(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	for i, e := range events {
		if e.Seq != int64(i)+1 {
			tb.Fatalf("event %d has seq %d: a gap in the log", i, e.Seq)
		}
	}
	return events
}

var (
	faultLukas = session.RosterID("Lukas")
	faultJulia = session.RosterID("Julia")
)

// TestRoomStoreFaultChangesNothing refuses one command's write for each
// kind of command (one event or several, stand-up and retrospective) and
// each kind of fault: the actor gets an ErrStore error that says nothing
// changed, the room's state is deep-equal to before, subscribers get no
// new snapshot, the store has no new event, and trying again while the
// store still fails gives the same error (nothing was half applied). Once
// the store works again the same command goes through, and a reopened
// store folds to the live state.
func TestRoomStoreFaultChangesNothing(t *testing.T) {
	type step struct {
		who session.ParticipantID
		c   session.Command
	}
	retro := session.Config{Kind: session.Retro}
	standup := session.Config{}
	toPhase := func(p session.Phase) func(*testing.T, *session.Room) {
		return func(t *testing.T, r *session.Room) {
			for r.Snapshot().State.Phase != p {
				mustSubmit(t, r, fac, session.Next{})
			}
		}
	}
	cases := []struct {
		name  string
		cfg   session.Config
		setup []step
		then  func(*testing.T, *session.Room) // after setup
		act   step
		done  func(*session.State) bool // the command's effect, once it went through
	}{{
		name: "park a topic",
		cfg:  standup,
		act:  step{fac, session.Park{Topic: "release date"}},
		done: func(s *session.State) bool { return len(s.Items) == 1 && s.Items[0].Topic == "release date" },
	}, {
		name: "start the rounds (several events)",
		cfg:  standup,
		setup: []step{
			{fac, session.Arrive{Name: "Lukas"}},
			{fac, session.Arrive{Name: "Julia"}},
		},
		act:  step{fac, session.Start{}},
		done: func(s *session.State) bool { return s.Phase == session.Rounds && len(s.Turns) == 1 },
	}, {
		name: "next speaker",
		cfg:  standup,
		setup: []step{
			{fac, session.Arrive{Name: "Lukas"}},
			{fac, session.Arrive{Name: "Julia"}},
			{fac, session.Start{}},
		},
		act:  step{fac, session.Next{Speaker: faultLukas}},
		done: func(s *session.State) bool { return s.Pos == 1 },
	}, {
		name: "end the stand-up",
		cfg:  standup,
		setup: []step{
			{fac, session.Park{Topic: "ci"}},
		},
		act:  step{fac, session.End{}},
		done: func(s *session.State) bool { return s.Phase == session.Closed },
	}, {
		name: "write a card",
		cfg:  retro,
		setup: []step{
			{fac, session.Arrive{Name: "Lukas"}},
			{fac, session.Arrive{Name: "Julia"}},
			{fac, session.Start{}},
		},
		then: toPhase(session.Write),
		act:  step{faultLukas, session.AddCard{Column: 0, Text: "pairing helped"}},
		done: func(s *session.State) bool { return len(s.Cards) == 1 },
	}, {
		name: "put a dot on a topic",
		cfg:  retro,
		setup: []step{
			{fac, session.Arrive{Name: "Lukas"}},
			{fac, session.Arrive{Name: "Julia"}},
			{fac, session.Start{}},
		},
		then: func(t *testing.T, r *session.Room) {
			toPhase(session.Write)(t, r)
			mustSubmit(t, r, faultLukas, session.AddCard{Column: 0, Text: "pairing helped"})
			mustSubmit(t, r, faultJulia, session.AddCard{Column: 1, Text: "flaky tests"})
			toPhase(session.Vote)(t, r)
			mustSubmit(t, r, faultJulia, session.CastVote{Group: 1})
		},
		act:  step{faultLukas, session.CastVote{Group: 2}},
		done: func(s *session.State) bool { return s.VotesBy(string(faultLukas), 0) == 1 },
	}, {
		name: "end the vote (totals come out)",
		cfg:  retro,
		setup: []step{
			{fac, session.Arrive{Name: "Lukas"}},
			{fac, session.Start{}},
		},
		then: func(t *testing.T, r *session.Room) {
			toPhase(session.Write)(t, r)
			mustSubmit(t, r, faultLukas, session.AddCard{Column: 0, Text: "pairing helped"})
			toPhase(session.Vote)(t, r)
			mustSubmit(t, r, faultLukas, session.CastVote{Group: 1})
		},
		act:  step{fac, session.Next{}},
		done: func(s *session.State) bool { return s.Phase == session.Discuss },
	}}
	for _, tc := range cases {
		for kind, fault := range map[string]error{"disk full": faultFull, "io error": faultIO} {
			t.Run(tc.name+"/"+kind, func(t *testing.T) {
				dir := t.TempDir()
				st := mustStore(t, dir)
				defer st.Close()
				info := mustCreate(t, st, tc.cfg, "Lukas", "Julia")
				fs := &faultStore{Store: st}
				clock := session.NewFakeClock(t0)
				r := mustRoom(t, fs, info.ID, clock)
				for _, s := range tc.setup {
					mustSubmit(t, r, s.who, s.c)
				}
				if tc.then != nil {
					tc.then(t, r)
				}
				sub := r.Subscribe()
				defer sub.Close()
				<-sub.C() // the current state
				before := r.Snapshot().State
				want := before.Clone()
				stored := len(contiguous(t, st, info.ID))

				fs.set(fault)
				wantStoreError(t, r.Submit(tc.act.who, tc.act.c), fault)
				noSnapshot(t, sub)
				if got := r.Snapshot().State; got != before || !reflect.DeepEqual(got, want) {
					t.Fatalf("the state changed after a failed write:\n got %+v\nwant %+v", got, want)
				}
				if n := len(contiguous(t, st, info.ID)); n != stored {
					t.Fatalf("the store has %d events after a failed write, want %d", n, stored)
				}
				// Nothing was half applied: the room still sees the
				// command as new, and refuses it only for the store.
				wantStoreError(t, r.Submit(tc.act.who, tc.act.c), fault)
				noSnapshot(t, sub)

				fs.set(nil)
				mustSubmit(t, r, tc.act.who, tc.act.c)
				live := await(t, sub, func(s *session.State) bool { return s.Seq > want.Seq })
				if !tc.done(live) {
					t.Fatalf("the command had no effect once the store worked: %+v", live)
				}
				events := contiguous(t, st, info.ID)
				if got := reflect.DeepEqual(session.Fold(info.ID, events), live); !got {
					t.Fatal("the live state differs from the fold of the stored events")
				}
				r.Close()
				if got := reopened(t, dir, info.ID, clock); !reflect.DeepEqual(got, live) {
					t.Fatalf("a reopened store folds to another state:\n got %+v\nwant %+v", got, live)
				}
			})
		}
	}
}

// TestRoomRetriesAnExpiryTheStoreRefused: a time-box runs out while the
// store fails. The room reports the failure, does not mark the time-box
// expired, and refuses every command (the expiry comes first in the log);
// once the store works again it records the expiry once, on its next try.
func TestRoomRetriesAnExpiryTheStoreRefused(t *testing.T) {
	dir := t.TempDir()
	st := mustStore(t, dir)
	defer st.Close()
	info := mustCreate(t, st, session.Config{Timebox: 4 * time.Minute}, "Lukas", "Julia")
	fs := &faultStore{Store: st}
	clock := session.NewFakeClock(t0)
	reported := make(chan error, 16)
	r, err := session.OpenRoom(context.Background(), fs, info.ID, session.RoomOptions{
		Clock: clock,
		Error: func(err error) { reported <- err },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sub := r.Subscribe()
	defer sub.Close()
	mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
	mustSubmit(t, r, fac, session.Arrive{Name: "Julia"})
	mustSubmit(t, r, fac, session.Start{})
	before := await(t, sub, func(s *session.State) bool { return s.Phase == session.Rounds })
	want := before.Clone()

	fs.set(faultFull)
	clock.Advance(2 * time.Minute) // the first 2m turn runs out
	select {
	case err := <-reported:
		wantStoreError(t, errors.Unwrap(err), faultFull) // "record expiry: ..."
	case <-time.After(5 * time.Second):
		t.Fatal("the room did not report the failed expiry")
	}
	noSnapshot(t, sub)
	if got := r.Snapshot().State; !reflect.DeepEqual(got, want) {
		t.Fatal("the state changed after a failed expiry")
	}
	wantStoreError(t, r.Submit(faultLukas, session.Park{Topic: "ci"}), faultFull)
	noSnapshot(t, sub)

	// The room tries again a second later (its own clock).
	deadline := time.Now().Add(5 * time.Second)
	for clock.Timers() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the room did not wait to try the expiry again")
		}
		time.Sleep(time.Millisecond)
	}
	fs.set(nil)
	clock.Advance(time.Second)
	live := await(t, sub, func(s *session.State) bool { turn, _ := s.CurrentTurn(); return turn.Timer.Expired })
	mustSubmit(t, r, faultLukas, session.Park{Topic: "ci"})
	live = await(t, sub, func(s *session.State) bool { return len(s.Items) == 1 })
	expired := 0
	for _, e := range contiguous(t, st, info.ID) {
		if e.Type() == "expired" {
			expired++
		}
	}
	if expired != 1 {
		t.Fatalf("%d expired events, want 1", expired)
	}
	r.Close()
	if got := reopened(t, dir, info.ID, clock); !reflect.DeepEqual(got, live) {
		t.Fatal("a reopened store folds to another state")
	}
}

// fillWithCards writes 280-character cards for lukas until the real
// database is full, which the room must report as such. It returns how
// many went in.
func fillWithCards(tb testing.TB, r *session.Room) int {
	tb.Helper()
	for n := range 500 {
		err := r.Submit(faultLukas, session.AddCard{Column: 0, Text: fmt.Sprintf("%03d %s", n, strings.Repeat("x", 276))})
		if err == nil {
			continue
		}
		if !errors.Is(err, session.ErrStore) || !errors.Is(err, session.ErrFull) ||
			!strings.Contains(err.Error(), "database or disk is full") {
			tb.Fatalf("card %d: %v; want a could-not-save error for a full database", n, err)
		}
		return n
	}
	tb.Fatal("the database never filled up")
	return 0
}

// TestRoomOverAFullDatabase runs a retrospective on the real SQLite store
// capped at its size (SQLite then reports SQLITE_FULL, as on a full disk):
// the cards and dots written before stay, the refused card changes
// nothing for anyone, and once there is space the retrospective goes on
// and a reopened store folds to the same state.
func TestRoomOverAFullDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := mustStore(t, dir)
	defer st.Close()
	info := mustCreate(t, st, session.Config{Kind: session.Retro}, "Lukas", "Julia")
	clock := session.NewFakeClock(t0)
	r := mustRoom(t, st, info.ID, clock)
	mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
	mustSubmit(t, r, fac, session.Arrive{Name: "Julia"})
	mustSubmit(t, r, fac, session.Start{})
	for r.Snapshot().State.Phase != session.Write {
		mustSubmit(t, r, fac, session.Next{})
	}
	sub := r.Subscribe()
	defer sub.Close()

	if _, err := st.LimitPages(ctx, 1); err != nil {
		t.Fatal(err)
	}
	written := fillWithCards(t, r)
	<-sub.C() // the newest state: the cards that went in
	before := r.Snapshot().State
	want := before.Clone()
	if len(want.Cards) != written {
		t.Fatalf("%d cards in the state, %d went in", len(want.Cards), written)
	}
	// Julia's card is as long as the one that did not fit.
	err := r.Submit(faultJulia, session.AddCard{Column: 1, Text: fmt.Sprintf("%03d %s", 999, strings.Repeat("y", 276))})
	if !errors.Is(err, session.ErrStore) || !errors.Is(err, session.ErrFull) {
		t.Fatalf("julia's card on a full database: %v", err)
	}
	noSnapshot(t, sub)
	if got := r.Snapshot().State; got != before || !reflect.DeepEqual(got, want) {
		t.Fatal("the state changed after a failed write")
	}
	if events := contiguous(t, st, info.ID); int64(len(events)) != want.Seq {
		t.Fatalf("%d events stored, want %d", len(events), want.Seq)
	}

	if _, err := st.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, r, faultJulia, session.AddCard{Column: 1, Text: "flaky tests"})
	for r.Snapshot().State.Phase != session.Vote {
		mustSubmit(t, r, fac, session.Next{})
	}
	mustSubmit(t, r, faultJulia, session.CastVote{Group: 1})
	mustSubmit(t, r, faultLukas, session.CastVote{Group: 1})
	live := await(t, sub, func(s *session.State) bool { return s.VotesBy(string(faultLukas), 0) == 1 })
	if len(live.Cards) != written+1 {
		t.Fatalf("%d cards, want %d", len(live.Cards), written+1)
	}
	contiguous(t, st, info.ID)
	r.Close()
	if got := reopened(t, dir, info.ID, clock); !reflect.DeepEqual(got, live) {
		t.Fatal("a reopened store folds to another state")
	}
}
