package session_test

import (
	"context"
	"testing"
	"time"

	"huddle/session"
)

// TestGracefulRestartTakesNoTime: a server shut down gracefully (Hub.Close)
// for 30 s gives the speaker and the stand-up their time back when the
// session is opened again after the restart, through the real store.
func TestGracefulRestartTakesNoTime(t *testing.T) {
	tests := []struct {
		name       string
		pauseFirst string // a pause someone made before the restart
		wantPaused bool
	}{
		{name: "running time-boxes pause and resume"},
		{name: "a deliberate pause stays", pauseFirst: "coffee", wantPaused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			st := mustStore(t, dir)
			info := mustCreate(t, st, session.Config{Timebox: 10 * time.Minute}, "Lukas", "Julia")
			clock := session.NewFakeClock(t0)
			hub := session.NewHub(st, session.RoomOptions{Clock: clock})
			r, err := hub.ByCode(ctx, info.Code)
			if err != nil {
				t.Fatal(err)
			}
			mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
			mustSubmit(t, r, fac, session.Arrive{Name: "Julia"})
			mustSubmit(t, r, fac, session.Start{})
			clock.Advance(10 * time.Second)
			if tt.pauseFirst != "" {
				mustSubmit(t, r, fac, session.Pause{Reason: tt.pauseFirst})
			}
			turn, _ := r.Snapshot().State.CurrentTurn()
			wantTurn := turn.Timer.Remaining(clock.Now())
			wantOverall := r.Snapshot().State.Overall.Remaining(clock.Now())
			if wantTurn != 5*time.Minute-10*time.Second {
				t.Fatalf("before the restart %v left of the turn, want 4m50s", wantTurn)
			}

			if err := hub.Close(); err != nil {
				t.Fatal(err)
			}
			st.Close()
			clock.Advance(30 * time.Second) // the server is down

			st2 := mustStore(t, dir)
			defer st2.Close()
			hub2 := session.NewHub(st2, session.RoomOptions{Clock: clock})
			defer hub2.Close()
			r2, err := hub2.ByCode(ctx, info.Code) // the first rejoin opens the room
			if err != nil {
				t.Fatal(err)
			}
			s := r2.Snapshot().State
			turn, _ = s.CurrentTurn()
			if got := turn.Timer.Remaining(clock.Now()); got != wantTurn {
				t.Fatalf("after 30 s down the speaker has %v left, want %v as before", got, wantTurn)
			}
			if got := s.Overall.Remaining(clock.Now()); got != wantOverall {
				t.Fatalf("after 30 s down the stand-up has %v left, want %v as before", got, wantOverall)
			}
			if s.Paused != tt.wantPaused || (tt.wantPaused && s.PauseReason != tt.pauseFirst) {
				t.Fatalf("paused %v (%q) after the restart, want %v", s.Paused, s.PauseReason, tt.wantPaused)
			}
			clock.Advance(5 * time.Second)
			turn, _ = r2.Snapshot().State.CurrentTurn()
			want := wantTurn - 5*time.Second
			if tt.wantPaused {
				want = wantTurn
			}
			if got := turn.Timer.Remaining(clock.Now()); got != want {
				t.Fatalf("5 s after the rejoin %v left, want %v", got, want)
			}
			events, err := st2.Events(ctx, info.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				if p, ok := e.Payload.(*session.Paused); ok && p.Reason == session.RestartReason && e.Actor != session.System {
					t.Fatalf("the restart's pause was recorded for %q, want the system", e.Actor)
				}
			}
		})
	}
}

// TestRestartInTheWaitingRoomRecordsNothing: no timer runs there.
func TestRestartInTheWaitingRoomRecordsNothing(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	defer st.Close()
	info := mustCreate(t, st, session.Config{}, "Lukas")
	hub := session.NewHub(st, session.RoomOptions{Clock: session.NewFakeClock(t0)})
	r, err := hub.ByCode(ctx, info.Code)
	if err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
	if err := hub.Close(); err != nil {
		t.Fatal(err)
	}
	events, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(events); n != 2 {
		t.Fatalf("%d events, want 2 (created, arrived): nothing to pause", n)
	}
}
