package session

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestCapsHoldAtTheLimit fills each capped collection up to its cap with
// commands, every one accepted, and checks that one more is refused with
// ErrLimit, a message saying what is full, and no change.
func TestCapsHoldAtTheLimit(t *testing.T) {
	inRounds := func(tb testing.TB) *fixture {
		f := newFixture(tb, Config{}, "Lukas", "Julia")
		f.arrive("Lukas", "Julia")
		f.must(fac, Start{})
		return f
	}
	retroIn := func(p Phase) func(testing.TB) *fixture {
		return func(tb testing.TB) *fixture {
			f := newRetro(tb, Config{Format: StartStopContinue}, "Lukas", "Julia")
			if p > Write {
				f.to(Write)
				f.must(lukas, AddCard{Column: 0, Text: "pair on reviews"})
				f.must(julia, AddCard{Column: 1, Text: "friday deploys"})
				f.must(julia, AddCard{Column: 2, Text: "standups"})
			}
			f.to(p)
			return f
		}
	}
	for _, c := range []struct {
		name    string
		setup   func(testing.TB) *fixture
		actor   ParticipantID
		command func(i int) Command
		max     int
		count   func(s *State) int
		want    string
	}{
		{"parking lot", inRounds, lukas, func(i int) Command { return Park{Topic: fmt.Sprintf("topic %d", i)} },
			MaxTopics, func(s *State) int { return len(s.Items) }, "limit reached: the parking lot is full (200 topics)"},
		{"blockers", inRounds, julia, func(i int) Command { return NoteBlocker{Text: fmt.Sprintf("blocker %d", i)} },
			MaxBlockers, func(s *State) int { return len(s.Blockers) }, "limit reached: 200 blockers are noted already, as many as a stand-up holds"},
		{"cards", retroIn(Write), lukas, func(i int) Command { return AddCard{Column: i % 3, Text: fmt.Sprintf("card %d", i)} },
			MaxCards, func(s *State) int { return len(s.Cards) }, "limit reached: the board is full (500 cards)"},
		{"grouping steps", retroIn(Group), julia, func(i int) Command { return GroupCard{Card: 1, Onto: 2 + i%2} },
			MaxMoves, func(s *State) int { return len(s.Moves) }, "limit reached: the cards have been moved 2000 times, as often as a retrospective allows"},
		{"notes", retroIn(Discuss), lukas, func(i int) Command { return AddNote{Text: fmt.Sprintf("note %d", i)} },
			MaxNotes, func(s *State) int { return len(s.Notes) }, "limit reached: 500 notes are taken already, as many as a retrospective holds"},
		{"decisions", retroIn(Discuss), fac, func(i int) Command { return RecordDecision{Text: fmt.Sprintf("decision %d", i)} },
			MaxDecisions, func(s *State) int { return len(s.Decisions) }, "limit reached: 200 decisions are recorded already, as many as a retrospective holds"},
		{"action items", retroIn(Actions), julia, func(i int) Command { return AddAction{Text: fmt.Sprintf("do %d", i), Owner: lukas} },
			MaxActions, func(s *State) int { return len(s.Actions) }, "limit reached: the session holds 200 action items already, as many as it may"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.setup(t)
			for i := c.count(f.s); i < c.max; i++ {
				f.must(c.actor, c.command(i))
			}
			if n := c.count(f.s); n != c.max {
				t.Fatalf("%d at the limit, want %d", n, c.max)
			}
			seq := f.s.Seq
			err := f.do(c.actor, c.command(c.max))
			if !errors.Is(err, ErrLimit) || err.Error() != c.want {
				t.Fatalf("one past the limit: %v\nwant %q", err, c.want)
			}
			if f.s.Seq != seq || c.count(f.s) != c.max {
				t.Fatal("the refused command changed the state")
			}
		})
	}
}

// TestRoomLimitsTheSessionsCommandRate: the session as a whole takes a
// burst of commands and then its rate, on the room's clock, whoever sends
// them; past it commands are refused with ErrBusy. Presence and the
// room's own expiries are never refused.
func TestRoomLimitsTheSessionsCommandRate(t *testing.T) {
	st := newMemStore()
	st.put("s", healthyStandup()...)
	clock := NewFakeClock(t0.Add(4 * time.Second))
	room, err := OpenRoom(context.Background(), st, "s", RoomOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer room.Close()
	// Members flood the session; the facilitator runs the meeting.
	if err := room.Submit(SSHID("k-olga"), Join{Key: "k-olga", Name: "olga"}); err != nil {
		t.Fatal(err)
	}
	olga := room.Snapshot().State.Participants[len(room.Snapshot().State.Participants)-1].ID
	actors := []ParticipantID{lukas, olga}
	park := func(i int) error { return room.Submit(actors[i%2], Park{Topic: fmt.Sprintf("topic %d", i)}) }
	for i := range DefaultBurst {
		if err := park(i); err != nil {
			t.Fatalf("command %d of the burst: %v", i+1, err)
		}
	}
	err = park(DefaultBurst)
	if !errors.Is(err, ErrBusy) || err.Error() != "busy: too many actions in this session at once; try again in a moment" {
		t.Fatalf("past the burst: %v, want ErrBusy", err)
	}
	// A command refused for what it is says so, busy or not, and costs
	// nothing.
	if err := room.Submit(lukas, Park{}); err == nil || errors.Is(err, ErrBusy) {
		t.Fatalf("an empty topic while busy: %v, want the command's own error", err)
	}
	// The facilitator is never kept waiting by the members.
	if err := room.Submit(fac, Park{Topic: "the facilitator's"}); err != nil {
		t.Fatalf("the facilitator while busy: %v", err)
	}
	// Coming and going is never refused.
	for _, c := range []Command{Leave{Who: lukas}, Arrive{Who: lukas}, Join{Key: "k-ben", Name: "ben"}} {
		actor := fac
		if j, ok := c.(Join); ok {
			actor = SSHID(j.Key)
		}
		if err := room.Submit(actor, c); err != nil {
			t.Fatalf("%T while busy: %v", c, err)
		}
	}
	// A second later the session takes DefaultRate more.
	clock.Advance(time.Second)
	for i := range DefaultRate {
		if err := park(100 + i); err != nil {
			t.Fatalf("command %d after a second: %v", i+1, err)
		}
	}
	if err := park(200); !errors.Is(err, ErrBusy) {
		t.Fatalf("past the rate: %v, want ErrBusy", err)
	}
	if n := len(room.Snapshot().State.Items); n != DefaultBurst+DefaultRate+1 {
		t.Fatalf("%d topics parked, want %d", n, DefaultBurst+DefaultRate+1)
	}
}

// TestRefusedCommandsCostTheSessionNothing: members hammering at a full
// parking lot do not use up the session's rate; another member's action
// still goes through.
func TestRefusedCommandsCostTheSessionNothing(t *testing.T) {
	st := newMemStore()
	st.put("s", healthyStandup()...)
	clock := NewFakeClock(t0.Add(4 * time.Second))
	room, err := OpenRoom(context.Background(), st, "s", RoomOptions{Clock: clock, Rate: 1.0 / 3600, Burst: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer room.Close()
	for range 1000 {
		if err := room.Submit(lukas, Park{}); err == nil || errors.Is(err, ErrBusy) {
			t.Fatalf("an empty topic: %v, want the command's own error", err)
		}
	}
	for i := range 3 {
		if err := room.Submit(lukas, Park{Topic: fmt.Sprint("topic ", i)}); err != nil {
			t.Fatalf("topic %d after a thousand refused: %v", i, err)
		}
	}
	if err := room.Submit(lukas, Park{Topic: "one more"}); !errors.Is(err, ErrBusy) {
		t.Fatalf("past the burst: %v, want ErrBusy", err)
	}
}

// TestRoomRateIsConfigurable: RoomOptions sets the rate and burst; a
// negative rate is no limit; time-box expiries are recorded while the
// session is busy.
func TestRoomRateIsConfigurable(t *testing.T) {
	st := newMemStore()
	st.put("slow", healthyStandup()...)
	st.put("free", healthyStandup()...)
	clock := NewFakeClock(t0.Add(4 * time.Second))
	slow, err := OpenRoom(context.Background(), st, "slow", RoomOptions{Clock: clock, Rate: 1.0 / 3600, Burst: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	free, err := OpenRoom(context.Background(), st, "free", RoomOptions{Clock: clock, Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer free.Close()
	for i := range 2 {
		if err := slow.Submit(lukas, Park{Topic: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := slow.Submit(lukas, Park{Topic: "3"}); !errors.Is(err, ErrBusy) {
		t.Fatalf("err %v, want ErrBusy", err)
	}
	for i := range 3 * DefaultBurst {
		if err := free.Submit(fac, Park{Topic: fmt.Sprint(i)}); err != nil {
			t.Fatalf("without a limit, command %d: %v", i+1, err)
		}
	}
	// Five minutes on the turn is over; the slow session has not earned
	// a command yet, but its expiry is recorded all the same.
	sub := slow.Subscribe()
	defer sub.Close()
	clock.Advance(5 * time.Minute)
	if err := slow.Submit(lukas, Park{Topic: "4"}); !errors.Is(err, ErrBusy) {
		t.Fatalf("err %v, want ErrBusy", err)
	}
	limit := time.After(5 * time.Second) // only against a hung test
	for {
		select {
		case snap := <-sub.C():
			if turn, ok := snap.State.CurrentTurn(); ok && turn.Timer.Expired {
				return
			}
		case <-limit:
			t.Fatal("the expiry was not recorded while the session was busy")
		}
	}
}
