package tui

import (
	"testing"
	"time"

	"huddle/session"
)

func TestBeatWakesEveryWaiterOnceATurn(t *testing.T) {
	b := &beat{every: 20 * time.Millisecond, now: time.Now}
	a, c := b.next(), b.next()
	if a != c {
		t.Fatal("two waiters of one turn got different channels")
	}
	select {
	case <-a:
	case <-time.After(10 * time.Second):
		t.Fatal("the beat never turned")
	}
	n := b.next()
	if n == a {
		t.Fatal("the next turn's channel is the one already closed")
	}
	select {
	case <-n:
	case <-time.After(10 * time.Second):
		t.Fatal("the beat did not turn again")
	}
	// Nobody waits now: the beat's goroutine ends after a turn.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		b.mu.Lock()
		running := b.running
		b.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the beat kept running with nobody waiting")
		}
	}
	select { // and starts again for the next waiter
	case <-b.next():
	case <-time.After(10 * time.Second):
		t.Fatal("the beat did not start again")
	}
}

func TestBeatTurnsJustAfterTheSecond(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 300*int(time.Millisecond), time.UTC)
	b := &beat{every: time.Second, now: func() time.Time { return at }}
	if got, want := b.untilTurn(), 700*time.Millisecond+beatLate; got != want {
		t.Fatalf("until the turn %v, want %v", got, want)
	}
}

// A program's one waiting goroutine brings the room's snapshot when the
// room changes, and the time at the turn of the second when it does not.
func TestWaitBringsSnapshotsAndTheSecond(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	m := d.m
	m.ticking = true
	got := make(chan any, 1)
	wait := m.wait()
	go func() { got <- wait() }()
	if err := d.room.Submit(fac, session.Arrive{Who: session.RosterID("Lukas")}); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-got:
		if s, ok := msg.(snapshotMsg); !ok {
			t.Fatalf("waited for a change, got %T", msg)
		} else if p, _ := s.State.Participant(session.RosterID("Lukas")); !p.Present {
			t.Fatal("the snapshot is not the room's newest")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no snapshot")
	}
	wait = m.wait()
	go func() { got <- wait() }()
	select {
	case msg := <-got:
		if _, ok := msg.(tickMsg); !ok {
			t.Fatalf("waited for the second, got %T", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no tick at the turn of the second")
	}
}
