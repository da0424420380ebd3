package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"huddle/internal/pgtest"
	"huddle/session"
	"huddle/session/nodetest"
	"huddle/session/postgres"
)

// Over a shared store, the room of a local stand-up hears the other nodes
// as a node's room does: a change made through another node's hub shows
// at the shared keyboard without the keyboard doing anything, and the
// keyboard's changes show on the other node.
func TestLocalRoomOverASharedStoreSeesOtherNodes(t *testing.T) {
	c := nodetest.New(t)
	localSeesOtherNodes(t, c.Node(), c.Node())
}

// The same over PostgreSQL: the keyboard's store and the other node's are
// two connections to one database.
func TestLocalRoomOverPostgresSeesOtherNodes(t *testing.T) {
	url := pgtest.Database(t)
	var stores []session.SharedStore
	for range 2 {
		st, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores = append(stores, st)
	}
	localSeesOtherNodes(t, stores[0], stores[1])
}

// localSeesOtherNodes opens a stand-up at the keyboard over local, a hub
// room over other, and checks that each sees what the other records.
func localSeesOtherNodes(t *testing.T, local, other session.SharedStore) {
	t.Helper()
	ctx := context.Background()
	room, closeRoom := openTestStandup(t, local)
	defer closeRoom()
	hub := session.NewHub(other, session.RoomOptions{Rate: -1})
	defer hub.Close()
	far, err := hub.Room(ctx, room.ID())
	if err != nil {
		t.Fatal(err)
	}
	fac := room.Snapshot().State.Facilitator

	here := func(r *session.Room, name string) func() bool {
		return func() bool {
			return slices.ContainsFunc(r.Snapshot().State.Participants, func(p session.Participant) bool { return p.Name == name })
		}
	}
	if err := far.Submit(fac, session.Arrive{Name: "Eli"}); err != nil {
		t.Fatal(err)
	}
	waitLocal(t, "the keyboard to see Eli, who arrived on the other node", here(room, "Eli"))
	if err := room.Submit(fac, session.Arrive{Name: "Jo"}); err != nil {
		t.Fatal(err)
	}
	waitLocal(t, "the other node to see Jo, who arrived at the keyboard", here(far, "Jo"))
}

// A local room over SQLite is a plain room, as before: no hub, no node.
func TestLocalRoomOverSQLiteIsPlain(t *testing.T) {
	ctx := context.Background()
	st, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, shared := any(st).(session.SharedStore); shared {
		t.Fatal("the SQLite store claims to be shared")
	}
	info, err := session.Create(ctx, st, session.Plan{Config: session.Config{Kind: session.Standup, Team: "web", Timebox: time.Minute}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	room, closeRoom, err := openLocalRoom(ctx, st, session.NewTeams(st, nil), info.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := closeRoom(); err != nil {
		t.Fatal(err)
	}
	if err := room.Submit(session.System, session.Arrive{Name: "Eli"}); err == nil {
		t.Fatal("the room took a command after closeRoom")
	}
}

// waitLocal waits for cond, failing the test after a long time (the
// machine may be busy).
func waitLocal(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
