package tui

import (
	"testing"
	"time"

	"huddle/session"
)

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
