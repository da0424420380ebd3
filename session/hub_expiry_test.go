package session_test

import (
	"context"
	"testing"
	"time"

	"huddle/session"
)

// A session nobody started expires UnstartedFor after its creation: the
// system ends it, and it leaves the unfinished ones. A started one stays.
func TestUnstartedSessionsExpire(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	defer st.Close()
	idle := mustCreate(t, st, session.Config{}, "Lukas")
	running := mustCreate(t, st, session.Config{}, "Lukas")
	clock := session.NewFakeClock(t0)
	hub := session.NewHub(st, session.RoomOptions{Clock: clock})
	defer hub.Close()
	r, err := hub.Room(ctx, running.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []session.Command{session.Arrive{Name: "Lukas"}, session.Start{}} {
		if err := r.Submit(fac, c); err != nil {
			t.Fatal(err)
		}
	}
	// One started on a server that has restarted since: the lobby must
	// not open its room, which would resume its paused time-boxes.
	restarted := mustCreate(t, st, session.Config{}, "Lukas")
	before := session.NewHub(st, session.RoomOptions{Clock: clock})
	r2, err := before.Room(ctx, restarted.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []session.Command{session.Arrive{Name: "Lukas"}, session.Start{}} {
		if err := r2.Submit(fac, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := before.Close(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(session.UnstartedFor - time.Second)
	if gone, err := hub.ExpireUnstarted(ctx, idle); gone || err != nil {
		t.Fatalf("a session expired a second early: %v, %v", gone, err)
	}
	clock.Advance(time.Second)
	if gone, err := hub.ExpireUnstarted(ctx, idle); !gone || err != nil {
		t.Fatalf("an unstarted session of a day did not expire: %v, %v", gone, err)
	}
	if gone, err := hub.ExpireUnstarted(ctx, running); gone || err != nil {
		t.Fatalf("a started session expired: %v, %v", gone, err)
	}
	if gone, err := hub.ExpireUnstarted(ctx, restarted); gone || err != nil {
		t.Fatalf("a started session expired: %v, %v", gone, err)
	}
	if _, live := hub.Live(restarted.ID); live {
		t.Fatal("expiry opened the room of a started session")
	}
	open, err := st.Sessions(ctx, session.Filter{Unfinished: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 2 || (open[0].ID != running.ID && open[1].ID != running.ID) {
		t.Fatalf("unfinished sessions %+v, want the started ones", open)
	}
	events, err := st.Events(ctx, idle.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Type() != "ended" || last.Actor != session.System {
		t.Fatalf("last event %s by %q, want ended by the system", last.Type(), last.Actor)
	}
}
