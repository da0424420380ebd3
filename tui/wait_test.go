package tui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

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

// A fed program gets the room's snapshots and the turns of the second
// from one goroutine, which ends with the subscription; it starts no
// command of its own to wait.
func TestFeedBringsSnapshotsAndTheSecond(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	m := New(d.room, fac, Options{})
	got := make(chan any, 16)
	m.Feed(func(msg tea.Msg) { got <- msg })
	m.Init()
	if m.wait() != nil {
		t.Fatal("a fed program waits with a command as well")
	}
	next := func(want string) any {
		t.Helper()
		for deadline := time.After(10 * time.Second); ; {
			select {
			case msg := <-got:
				if fmt.Sprintf("%T", msg) == want {
					return msg
				}
			case <-deadline:
				t.Fatalf("no %s", want)
			}
		}
	}
	if err := d.room.Submit(fac, session.Arrive{Who: session.RosterID("Lukas")}); err != nil {
		t.Fatal(err)
	}
	for {
		s := next("tui.snapshotMsg").(snapshotMsg)
		if p, _ := s.State.Participant(session.RosterID("Lukas")); p.Present {
			break
		}
	}
	next("tui.tickMsg")
	m.Close()
	next("tui.roomEndedMsg")
}
