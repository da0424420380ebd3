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

	"go.uber.org/goleak"

	"huddle/session"
)

// mustRecordStandup holds a whole stand-up through a Room on a fake clock
// and returns its stored events: two arrivals, a late one, a parked topic,
// a turn that runs over, a pause, the parking lot and the end.
func mustRecordStandup(tb testing.TB) (string, []session.Event) {
	tb.Helper()
	st := mustStore(tb, tb.TempDir())
	tb.Cleanup(func() { st.Close() })
	info := mustCreate(tb, st, session.Config{Timebox: 6 * time.Minute, Turn: 2 * time.Minute}, "Lukas", "Julia", "Jörg")
	clock := session.NewFakeClock(t0)
	r := mustRoom(tb, st, info.ID, clock)
	step := func(d time.Duration, c session.Command) {
		tb.Helper()
		clock.Advance(d)
		mustSubmit(tb, r, fac, c)
	}
	step(time.Minute, session.Arrive{Name: "Lukas"})
	step(30*time.Second, session.Arrive{Name: "Julia"})
	step(0, session.Start{})
	step(40*time.Second, session.Park{Topic: "release date"})
	step(3*time.Minute, session.Pause{Reason: "fire alarm"}) // Lukas's turn ran over: expired first
	step(5*time.Minute, session.Resume{})
	step(10*time.Second, session.Next{})
	step(0, session.Arrive{Name: "Jörg"})
	step(time.Minute, session.Next{})
	step(time.Minute, session.Next{})
	step(20*time.Second, session.Resolve{Item: 1, Status: session.Dropped})
	step(0, session.Next{})
	if s := r.Snapshot().State; s.Phase != session.Closed {
		tb.Fatalf("the stand-up is %s, want closed", s.Phase)
	}
	events, err := st.Events(context.Background(), info.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return info.ID, events
}

func mustPlayer(tb testing.TB, id string, events []session.Event) *session.Player {
	tb.Helper()
	p := session.NewPlayer(id, events)
	tb.Cleanup(func() { p.Close() })
	return p
}

// mustBeAt checks the player's position, state and clock against the
// fold of the first seq events.
func mustBeAt(tb testing.TB, p *session.Player, id string, events []session.Event, seq int) {
	tb.Helper()
	if got, total := p.Position(); got != int64(seq) || total != int64(len(events)) {
		tb.Fatalf("position %d of %d, want %d of %d", got, total, seq, len(events))
	}
	if want := session.Fold(id, events[:seq]); !reflect.DeepEqual(p.Snapshot().State, want) {
		tb.Fatalf("at %d the state differs from the fold of the first %d events", seq, seq)
	}
	if now, want := p.Clock().Now(), events[seq-1].Time; !now.Equal(want) {
		tb.Fatalf("at %d the clock reads %s, want the event's time %s", seq, now, want)
	}
}

func TestPlayerStartsAtTheCreatedSession(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	mustBeAt(t, p, id, events, 1)
	if s := p.Snapshot().State; s.Phase != session.Waiting || s.Config.Team != "musicstore" {
		t.Fatalf("the first state is %s of %q", s.Phase, s.Config.Team)
	}
}

func TestPlayerStepsThroughEveryEvent(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	for seq := 2; seq <= len(events); seq++ {
		if !p.Step() {
			t.Fatalf("step to %d refused", seq)
		}
		mustBeAt(t, p, id, events, seq)
	}
	if p.Step() {
		t.Fatal("stepped past the end")
	}
	mustBeAt(t, p, id, events, len(events))
}

func TestPlayerSeeksBackAndForth(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	p.SeekTo(int64(len(events)))
	mustBeAt(t, p, id, events, len(events))
	for _, seq := range []int{5, 4, 9, 1, len(events) - 1} {
		p.SeekTo(int64(seq))
		mustBeAt(t, p, id, events, seq)
	}
	p.SeekTo(0)
	mustBeAt(t, p, id, events, 1)
	p.SeekTo(1 << 40)
	mustBeAt(t, p, id, events, len(events))
}

func TestPlayerJumpsToTheStartOfAPhase(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	var phases []session.Phase
	for _, m := range p.Marks() {
		phases = append(phases, m.Phase)
	}
	if want := []session.Phase{session.Waiting, session.Rounds, session.Parking, session.Closed}; !reflect.DeepEqual(phases, want) {
		t.Fatalf("marks %v, want %v", phases, want)
	}
	p.SeekTo(int64(len(events)))
	for _, phase := range []session.Phase{session.Rounds, session.Parking, session.Waiting, session.Closed} {
		if err := p.JumpTo(phase); err != nil {
			t.Fatal(err)
		}
		seq, _ := p.Position()
		if got := p.Snapshot().State.Phase; got != phase {
			t.Fatalf("jumped to %s, the state is in %s", phase, got)
		}
		if seq > 1 && session.Fold(id, events[:seq-1]).Phase == phase {
			t.Fatalf("event %d is not the first of the %s phase", seq, phase)
		}
		mustBeAt(t, p, id, events, int(seq))
	}
	before, _ := p.Position()
	if err := p.JumpTo(session.Vote); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("a stand-up's jump to voting: %v", err)
	}
	if after, _ := p.Position(); after != before {
		t.Fatal("a failed jump moved the replay")
	}
}

func TestPlayerAdvanceAppliesWhatIsDue(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	start := events[0].Time

	// Lukas arrives at +1:00: 59 seconds apply nothing, yet the clock
	// moves on; one more applies his arrival.
	if !p.Advance(59 * time.Second) {
		t.Fatal("the replay ended after 59 seconds")
	}
	if seq, _ := p.Position(); seq != 1 || !p.Clock().Now().Equal(start.Add(59*time.Second)) {
		t.Fatalf("at +0:59: position %d, clock %s", seq, p.Clock().Now())
	}
	p.Advance(time.Second)
	if s := p.Snapshot().State; s.Seq != 2 || !p.Clock().Now().Equal(start.Add(time.Minute)) {
		t.Fatalf("at +1:00: position %d, clock %s", s.Seq, p.Clock().Now())
	}
	// Everything of one instant comes at once: at +1:30 Julia's arrival,
	// the start and the first turn; the topic parked at +2:10 waits.
	p.Advance(30 * time.Second)
	s := p.Snapshot().State
	if s.Phase != session.Rounds || len(s.Turns) != 1 || len(s.Items) != 0 {
		t.Fatalf("at +1:30: %s with %d turns and %d items", s.Phase, len(s.Turns), len(s.Items))
	}
	if next := events[s.Seq]; !next.Time.Equal(start.Add(130 * time.Second)) {
		t.Fatalf("the next event is at %s", next.Time)
	}
	mustBeAt(t, p, id, events, int(s.Seq))
}

// TestPlayerPlaysAtASpeed plays the log the way the replay screen does: a
// real clock (fake here) ticks, and each tick advances the replay by the
// tick times the speed, until the end.
func TestPlayerPlaysAtASpeed(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	const tick, speed = 100 * time.Millisecond, 10
	wall := session.NewFakeClock(t0)
	began := wall.Now()
	recorded := events[len(events)-1].Time.Sub(events[0].Time)
	for {
		wall.Advance(tick)
		if !p.Advance(tick * speed) {
			break
		}
		if wall.Now().Sub(began) > recorded {
			t.Fatal("the replay did not end")
		}
	}
	mustBeAt(t, p, id, events, len(events))
	played := wall.Now().Sub(began)
	if want := recorded / speed; played < want || played > want+tick {
		t.Fatalf("played %s of real time for %s recorded at ×%d, want %s", played, recorded, speed, want)
	}
	if p.Advance(time.Hour) || !p.Clock().Now().Equal(events[len(events)-1].Time) {
		t.Fatal("the clock ran on past the end")
	}
}

func TestPlayerRefusesEveryCommand(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	p.SeekTo(4)
	before := p.Snapshot()
	for _, c := range []session.Command{session.Next{}, session.Park{Topic: "x"}, session.End{}} {
		err := p.Submit(fac, c)
		if !errors.Is(err, session.ErrForbidden) || !strings.Contains(err.Error(), "this is a replay; nothing can change") {
			t.Fatalf("%T: %v", c, err)
		}
	}
	if !reflect.DeepEqual(p.Snapshot(), before) {
		t.Fatal("a refused command changed the replay")
	}
	if v := p.Viewer(fac); v != "" {
		t.Fatalf("viewer %q, want none: a replay watches as an observer", v)
	}
}

func TestPlayerSubscribersGetTheNewestStateAndNeverBlock(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	slow := p.Subscribe() // never read until the end
	sub := p.Subscribe()
	if snap := <-sub.C(); snap.State.Seq != 1 {
		t.Fatalf("the first snapshot is at %d, want 1", snap.State.Seq)
	}
	for range 5 {
		p.Step()
	}
	p.SeekTo(3)
	p.Advance(time.Minute) // nothing due
	p.Advance(time.Hour)   // to the end
	snap := <-sub.C()
	if snap.State.Seq != int64(len(events)) || !snap.At.Equal(events[len(events)-1].Time) {
		t.Fatalf("newest snapshot at %d (%s), want the end", snap.State.Seq, snap.At)
	}
	select {
	case old := <-sub.C():
		t.Fatalf("a stale snapshot at %d was kept", old.State.Seq)
	default:
	}
	if snap := <-slow.C(); snap.State.Seq != int64(len(events)) {
		t.Fatalf("the slow subscriber got %d, want the newest", snap.State.Seq)
	}
	// Snapshots are copies: changing one changes nothing in the player.
	p.SeekTo(2)
	p.Snapshot().State.Participants[0].Name = "changed"
	p.Step()
	if p.Snapshot().State.Participants[0].Name == "changed" {
		t.Fatal("a snapshot shares its state with the player")
	}
	sub.Close()
	for range sub.C() {
	}
	if p.Subscribers() != 1 {
		t.Fatalf("a closed subscription stays: %d subscribers", p.Subscribers())
	}
}

func TestPlayerIsSafeForConcurrentUse(t *testing.T) {
	id, events := mustRecordStandup(t)
	p := mustPlayer(t, id, events)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			sub := p.Subscribe()
			defer sub.Close()
			for j := range 50 {
				switch (i + j) % 5 {
				case 0:
					p.Step()
				case 1:
					p.SeekTo(int64(j % len(events)))
				case 2:
					p.Advance(10 * time.Second)
				case 3:
					_ = p.JumpTo(session.Parking)
				default:
					p.Position()
					p.Clock().Now()
				}
				select {
				case <-sub.C():
				default:
				}
			}
		})
	}
	wg.Wait()
	// Advance may have left the clock between two events.
	seq, _ := p.Position()
	if !reflect.DeepEqual(p.Snapshot().State, session.Fold(id, events[:seq])) || p.Clock().Now().Before(events[seq-1].Time) {
		t.Fatalf("at %d after concurrent use: the state or the clock (%s) is off", seq, p.Clock().Now())
	}
}

func TestPlayerCloseStopsEverything(t *testing.T) {
	id, events := mustRecordStandup(t) // its room closes at the cleanup
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := session.NewPlayer(id, events)
	sub := p.Subscribe()
	p.Close()
	for range sub.C() {
	}
	if _, open := <-p.Subscribe().C(); open {
		t.Fatal("subscribing to a closed replay must give a closed channel")
	}
	if p.Step() || p.Advance(time.Hour) {
		t.Fatal("a closed replay moved on")
	}
	p.SeekTo(5)
	if seq, _ := p.Position(); seq != 1 {
		t.Fatalf("a closed replay sought to %d", seq)
	}
	if err := p.Submit(fac, session.Next{}); !errors.Is(err, session.ErrForbidden) {
		t.Fatalf("submit after close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("a second close: %v", err)
	}
}

func TestPlayerOfNoEventsIsEmpty(t *testing.T) {
	p := mustPlayer(t, "none", nil)
	if seq, total := p.Position(); seq != 0 || total != 0 {
		t.Fatalf("position %d of %d", seq, total)
	}
	if p.Step() || p.Advance(time.Minute) || p.Snapshot().State == nil {
		t.Fatal("an empty replay must stay put with an empty state")
	}
	p.SeekTo(3)
	if err := p.JumpTo(session.Rounds); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("jump in an empty replay: %v", err)
	}
}

func ExamplePlayer() {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	lukas := session.Person{ID: session.RosterID("Lukas"), Name: "Lukas"}
	events := []session.Event{
		{Seq: 1, Time: at, Payload: &session.Created{Config: session.Config{Team: "musicstore", Timebox: 15 * time.Minute},
			Facilitator: session.Person{ID: "local:maria", Name: "maria"}, Roster: []string{"Lukas"}}},
		{Seq: 2, Time: at.Add(time.Minute), Actor: "local:maria", Payload: &session.Arrived{Who: lukas}},
		{Seq: 3, Time: at.Add(2 * time.Minute), Actor: "local:maria", Payload: &session.Started{
			Order: []session.ParticipantID{lukas.ID}, TurnBudget: 15 * time.Minute}},
	}
	p := session.NewPlayer("s1", events)
	defer p.Close()
	show := func() {
		seq, total := p.Position()
		fmt.Printf("event %d of %d at %s: %s\n", seq, total, p.Clock().Now().Format("15:04:05"), p.Snapshot().State.Phase)
	}
	show()
	p.Step()
	show()
	p.JumpTo(session.Rounds)
	show()
	p.SeekTo(1)
	ticks := 0
	for p.Advance(30 * time.Second) { // at ×300, one tick of 100ms
		ticks++
	}
	show()
	fmt.Println(ticks+1, "ticks;", p.Submit("local:maria", session.Next{}))
	// Output:
	// event 1 of 3 at 10:00:00: waiting
	// event 2 of 3 at 10:01:00: waiting
	// event 3 of 3 at 10:02:00: rounds
	// event 3 of 3 at 10:02:00: rounds
	// 4 ticks; not allowed: this is a replay; nothing can change
}
