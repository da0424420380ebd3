package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/sqlite"
)

// onDisk returns the database file and its write-ahead log, as bytes.
func onDisk(tb testing.TB, st *sqlite.Store) []byte {
	tb.Helper()
	var all []byte
	for _, f := range []string{st.Path(), st.Path() + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			tb.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestDeleteSessionsLeavesNoTrace(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	mustCreate(t, st, "gone1", "code-gone", "musicstore", session.Standup, t0)
	mustCreate(t, st, "kept1", "code-kept", "musicstore", session.Standup, t0.Add(time.Hour))
	mustNote(t, st, "gone1", "zebracorn pipeline", 300)
	mustNote(t, st, "kept1", "still here", 3)
	secret, err := st.Secret(ctx, "gone1")
	if err != nil {
		t.Fatal(err)
	}
	before := onDisk(t, st)
	for _, b := range [][]byte{[]byte("zebracorn"), []byte("code-gone"), secret} {
		if !bytes.Contains(before, b) {
			t.Fatalf("%q is on disk neither before the delete: the check below would prove nothing", b)
		}
	}

	if err := st.DeleteSessions(ctx, "gone1"); err != nil {
		t.Fatal(err)
	}
	after := onDisk(t, st)
	for _, b := range [][]byte{[]byte("zebracorn"), []byte("code-gone"), secret} {
		if bytes.Contains(after, b) {
			t.Errorf("%q is still in the database files after the delete", b)
		}
	}
	if _, err := st.Session(ctx, "gone1"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the deleted session: %v", err)
	}
	if _, err := st.Events(ctx, "gone1"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the deleted session's events: %v", err)
	}
	if _, err := st.SessionByCode(ctx, "code-gone"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the deleted session's code: %v", err)
	}
	events, err := st.Events(ctx, "kept1")
	if err != nil || len(events) != 4 {
		t.Fatalf("the other session has %d events, %v", len(events), err)
	}
	// The code is free again.
	mustCreate(t, st, "new1", "code-gone", "musicstore", session.Standup, t0.Add(2*time.Hour))
}

func TestDeleteSessionsIsAllOrNothing(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	mustCreate(t, st, "s1", "c1", "musicstore", session.Standup, t0)
	if err := st.DeleteSessions(ctx, "s1", "nope"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("deleting an unknown session: %v", err)
	}
	if _, err := st.Events(ctx, "s1"); err != nil {
		t.Fatalf("a failed delete deleted s1: %v", err)
	}
	if err := st.DeleteSessions(ctx); err != nil {
		t.Fatalf("deleting nothing: %v", err)
	}
}

func TestRewriteTeamReplacesEventsAndTeam(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	if err := st.PutTeam(ctx, session.Team{Name: "musicstore", Members: []string{"Alice", "Bob"},
		Keys: map[string]string{"Bob": "SHA256:bobkey"}}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, st, "s1", "c1", "musicstore", session.Standup, t0)
	mustCreate(t, st, "o1", "c2", "webshop", session.Standup, t0)
	mustNote(t, st, "s1", "Bobbington says hi", 200)
	if disk := onDisk(t, st); !bytes.Contains(disk, []byte("Bobbington")) || !bytes.Contains(disk, []byte("bobkey")) {
		t.Fatal("the name is not on disk before the rewrite: the check below would prove nothing")
	}

	events, err := st.Events(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	p := session.Person{ID: session.RosterID("former member 1"), Name: "former member 1"}
	rewrite := func() []session.Event {
		out := make([]session.Event, len(events))
		for i, e := range events {
			out[i] = e
			if _, ok := e.Payload.(*session.BlockerNoted); ok {
				out[i].Actor = p.ID
				out[i].Payload = &session.BlockerNoted{Speaker: p, Text: "someone says hi"}
			}
		}
		return out
	}
	team := session.Team{Name: "musicstore", Members: []string{"Alice", "former member 1"}}

	// What is refused, and what a rewrite replaces, is the contract
	// (storetest); here: that nothing of the old stays in the files.
	if err := st.RewriteTeam(ctx, team, map[string][]session.Event{"s1": rewrite()}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Events(ctx, "s1")
	if err != nil || len(got) != len(events) {
		t.Fatalf("%d events, %v", len(got), err)
	}
	if b := got[5].Payload.(*session.BlockerNoted); got[5].Actor != p.ID || b.Speaker != p || b.Text != "someone says hi" {
		t.Errorf("event 6 is %+v by %q", b, got[5].Actor)
	}
	tm, err := st.Team(ctx, "musicstore")
	if err != nil || tm.Keys != nil || len(tm.Members) != 2 || tm.Members[1] != "former member 1" {
		t.Errorf("team %+v, %v", tm, err)
	}
	if disk := onDisk(t, st); bytes.Contains(disk, []byte("Bobbington")) || bytes.Contains(disk, []byte("bobkey")) {
		t.Error("the replaced text is still in the database files")
	}
}
