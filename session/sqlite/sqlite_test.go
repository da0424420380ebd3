package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"huddle/session"
	"huddle/session/sqlite"
	"huddle/session/storetest"
)

// The helpers and the time are the contract tests' (storetest).
var (
	t0          = storetest.T0
	ev          = storetest.Ev
	newInfo     = storetest.NewInfo
	mustCreate  = storetest.MustCreate
	mustEvents  = storetest.MustEvents
	mustNote    = storetest.MustNote
	sameEvents  = storetest.SameEvents
	sameInfo    = storetest.SameInfo
	sameTeam    = storetest.SameTeam
	storyEvents = storetest.StoryEvents
	wantErr     = storetest.WantErr
)

// TestContract runs the contract tests that every store passes (package
// storetest); the tests below are of what only this store does.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) session.Store { return mustOpen(t) })
}

func dbPath(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "data", "huddle.db")
}

// openAt opens the store at path and closes it when the test ends.
func openAt(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return st
}

// mustOpen opens a store in a new file.
func mustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return openAt(tb, dbPath(tb))
}

var (
	alice = session.Person{ID: "SHA256:alice", Name: "Alice"}
	bob   = session.Person{ID: session.RosterID("Bob"), Name: "Bob"}
)

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	info, first := newInfo("s1", "ABC123", "musicstore", session.Standup, t0)
	if err := st.Create(ctx, info, first); err != nil {
		t.Fatal(err)
	}
	if err := st.Append(ctx, "s1", storyEvents(t0)...); err != nil {
		t.Fatal(err)
	}
	team := session.Team{Name: "musicstore", Members: []string{"Alice"}, Created: t0}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	want := mustEvents(t, st, "s1")
	wantInfo, err := st.Session(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = openAt(t, path)
	sameEvents(t, mustEvents(t, st, "s1"), want)
	gotInfo, err := st.Session(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	sameInfo(t, gotInfo, wantInfo)
	gotTeam, err := st.Team(ctx, "musicstore")
	if err != nil {
		t.Fatal(err)
	}
	sameTeam(t, gotTeam, team)
}

// rawExec runs SQL against the file behind the store's back.
func rawExec(tb testing.TB, path, query string) {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		tb.Fatal(err)
	}
}

func TestCorruptEventNamesSessionAndSeq(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	st := openAt(t, path)
	mustCreate(t, st, "s1", "ABC123", "musicstore", session.Standup, t0)
	if err := st.Append(ctx, "s1", ev(2, t0, alice.ID, &session.Resumed{})); err != nil {
		t.Fatal(err)
	}
	rawExec(t, path, `UPDATE events SET data = 'not json' WHERE session_id = 's1' AND seq = 2`)
	_, err := st.Events(ctx, "s1")
	wantErr(t, err, session.ErrInvalid)
	if msg := err.Error(); !strings.Contains(msg, `"s1"`) || !strings.Contains(msg, "seq 2") {
		t.Errorf("error %q does not name the session and seq", msg)
	}
}

func TestMigrations(t *testing.T) {
	t.Run("reopening migrates nothing and works", func(t *testing.T) {
		path := dbPath(t)
		for range 3 {
			st, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Teams(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("newer schema is refused naming both versions", func(t *testing.T) {
		path := dbPath(t)
		st, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		rawExec(t, path, `PRAGMA user_version = 99`)
		st, err = sqlite.Open(path)
		if err == nil {
			st.Close()
			t.Fatal("opened a database from the future")
		}
		wantErr(t, err, sqlite.ErrNewerSchema)
		if msg := err.Error(); !strings.Contains(msg, "99") || !strings.Contains(msg, fmt.Sprintf("version %d", sqlite.SchemaVersion)) {
			t.Errorf("error %q does not name both versions", msg)
		}
	})
	t.Run("empty path is refused", func(t *testing.T) {
		_, err := sqlite.Open("")
		wantErr(t, err, session.ErrInvalid)
	})
}

func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	st := mustOpen(b)
	mustCreate(b, st, "s1", "ABC123", "musicstore", session.Standup, t0)
	b.ReportAllocs()
	seq := int64(1)
	for b.Loop() {
		seq++
		e := ev(seq, t0.Add(time.Duration(seq)*time.Millisecond), bob.ID,
			&session.Parked{Item: int(seq), Topic: "integration tests in CI", RaisedBy: bob, Phase: session.Rounds})
		if err := st.Append(ctx, "s1", e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvents(b *testing.B) {
	ctx := context.Background()
	st := mustOpen(b)
	mustCreate(b, st, "s1", "ABC123", "musicstore", session.Standup, t0)
	const n = 10_000
	batch := make([]session.Event, 0, 500)
	for seq := int64(2); seq <= n; seq++ {
		batch = append(batch, ev(seq, t0.Add(time.Duration(seq)*time.Millisecond), bob.ID,
			&session.Parked{Item: int(seq), Topic: "integration tests in CI", RaisedBy: bob, Phase: session.Rounds}))
		if len(batch) == cap(batch) || seq == n {
			if err := st.Append(ctx, "s1", batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		events, err := st.Events(ctx, "s1")
		if err != nil {
			b.Fatal(err)
		}
		if len(events) != n {
			b.Fatalf("%d events", len(events))
		}
	}
}

// The events_ended index of schema version 1 is partial on type = 'ended';
// renaming the event type needs a migration, or the index goes unused.
func TestEndedTypeMatchesSchema(t *testing.T) {
	if got := (&session.Ended{}).Type(); got != "ended" {
		t.Errorf("the ended event type is %q; migrate the events_ended index", got)
	}
}

func TestSecretIsKeptUntilForgotten(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	info := session.Info{ID: "s1", Team: "t", Kind: session.Retro, Code: "c1", Created: time.Unix(0, 1).UTC()}
	first := session.Event{Seq: 1, Time: info.Created, Actor: "a", Payload: &session.Created{Config: session.Config{Team: "t", Kind: session.Retro}}}
	if err := st.Create(ctx, info, first); err != nil {
		t.Fatal(err)
	}
	a, err := st.Secret(ctx, "s1")
	if err != nil || len(a) != 32 {
		t.Fatalf("secret %x, %v", a, err)
	}
	b, err := st.Secret(ctx, "s1")
	if err != nil || string(a) != string(b) {
		t.Fatal("the secret changed between two reads")
	}
	var before []byte
	for _, f := range []string{st.Path(), st.Path() + "-wal"} {
		b, _ := os.ReadFile(f)
		before = append(before, b...)
	}
	if !bytes.Contains(before, a) {
		t.Fatal("the secret is in neither file before it is forgotten: the check below would prove nothing")
	}
	if err := st.ForgetSecret(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{st.Path(), st.Path() + "-wal"} {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, a) {
			t.Fatalf("the forgotten secret is still in %s", f)
		}
	}
	c, err := st.Secret(ctx, "s1")
	if err != nil || string(c) == string(a) {
		t.Fatal("a forgotten secret came back")
	}
	if _, err := st.Secret(ctx, "nope"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("secret of an unknown session: %v", err)
	}
}
