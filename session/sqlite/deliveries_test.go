package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"huddle/session"
)

func TestDeliveriesAreRecordedOnceAndGoWithTheirSession(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	mustCreate(t, st, "s1", "code-1", "musicstore", session.Standup, t0)
	mustCreate(t, st, "s2", "code-2", "musicstore", session.Standup, t0)
	d := session.Delivery{Session: "s1", Event: "ended", Target: "webhook:abc", Body: "**Stand-up** ended", Queued: t0}
	for i, want := range []bool{true, false} {
		fresh, err := st.QueueDelivery(ctx, d)
		if err != nil || fresh != want {
			t.Fatalf("queue #%d: %v, %v; want %v", i+1, fresh, err, want)
		}
	}
	other := d
	other.Session, other.Queued = "s2", t0.Add(time.Minute)
	if fresh, err := st.QueueDelivery(ctx, other); !fresh || err != nil {
		t.Fatalf("another session's: %v, %v", fresh, err)
	}
	unknown := d
	unknown.Session = "nope"
	if _, err := st.QueueDelivery(ctx, unknown); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("an unknown session's: %v", err)
	}

	pending, err := st.PendingDeliveries(ctx, t0)
	if err != nil || len(pending) != 2 || !sameDelivery(pending[0], d) || !sameDelivery(pending[1], other) {
		t.Fatalf("pending %+v, %v", pending, err)
	}
	if pending, err := st.PendingDeliveries(ctx, t0.Add(time.Second)); err != nil || len(pending) != 1 {
		t.Errorf("pending since a second later: %+v, %v", pending, err)
	}
	if err := st.FinishDelivery(ctx, "s1", "ended", "webhook:abc", session.DeliverySent, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if pending, err := st.PendingDeliveries(ctx, t0); err != nil || len(pending) != 1 || pending[0].Session != "s2" {
		t.Errorf("pending after one was sent: %+v, %v", pending, err)
	}
	if fresh, err := st.QueueDelivery(ctx, d); fresh || err != nil {
		t.Errorf("a sent one queued again: %v, %v", fresh, err)
	}

	// Deleting a session deletes its deliveries.
	if err := st.DeleteSessions(ctx, "s2"); err != nil {
		t.Fatal(err)
	}
	if pending, err := st.PendingDeliveries(ctx, t0); err != nil || len(pending) != 0 {
		t.Errorf("pending after the session was deleted: %+v, %v", pending, err)
	}
}

func sameDelivery(a, b session.Delivery) bool {
	return a.Session == b.Session && a.Event == b.Event && a.Target == b.Target && a.Body == b.Body && a.Queued.Equal(b.Queued)
}

func TestRewritingASessionDropsItsPendingDeliveries(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	mustCreate(t, st, "s1", "code-1", "musicstore", session.Standup, t0)
	if _, err := st.QueueDelivery(ctx, session.Delivery{Session: "s1", Event: "ended", Target: "webhook:abc", Body: "Lukas was late", Queued: t0}); err != nil {
		t.Fatal(err)
	}
	team := session.Team{Name: "musicstore", Members: []string{"Lukas"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	events, err := st.Events(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RewriteTeam(ctx, team, map[string][]session.Event{"s1": events}); err != nil {
		t.Fatal(err)
	}
	if pending, err := st.PendingDeliveries(ctx, t0); err != nil || len(pending) != 0 {
		t.Errorf("pending after a rewrite: %+v, %v", pending, err)
	}
	if fresh, err := st.QueueDelivery(ctx, session.Delivery{Session: "s1", Event: "ended", Target: "webhook:abc", Queued: t0}); fresh || err != nil {
		t.Errorf("queued again after a rewrite: %v, %v", fresh, err)
	}
}
