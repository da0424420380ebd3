package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"huddle/session"
	"huddle/session/sqlite"
)

// parkedBatch is n Parked events from seq on, each with a long topic, so
// that the batch needs pages the database does not have yet.
func parkedBatch(seq int64, n int, at time.Time) []session.Event {
	events := make([]session.Event, n)
	for i := range events {
		events[i] = ev(seq+int64(i), at.Add(time.Duration(i)*time.Second), bob.ID, &session.Parked{
			Item:     int(seq) + i,
			Topic:    strings.Repeat(string(rune('a'+i%26)), 280),
			RaisedBy: bob,
			Phase:    session.Rounds,
		})
	}
	return events
}

// wantFull checks that err is the store's report of a full database:
// session.ErrFull, with SQLite's own SQLITE_FULL error kept underneath.
func wantFull(tb testing.TB, err error) {
	tb.Helper()
	if !errors.Is(err, session.ErrFull) {
		tb.Fatalf("got error %v, want one wrapping session.ErrFull", err)
	}
	var se *msqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_FULL {
		tb.Fatalf("error %v does not keep SQLite's SQLITE_FULL error", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "database or disk is full") || !strings.Contains(msg, `"s1"`) {
		tb.Errorf("error %q does not say the database is full and which session it was writing", msg)
	}
}

// countRows counts a session's event rows straight from the file, past
// the store, through a connection of its own.
func countRows(tb testing.TB, path, id string) int {
	tb.Helper()
	db, err := sql.Open("sqlite", path+"?_query_only=1")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM events WHERE session_id = ?`, id).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestAppendToAFullDatabaseWritesNothing fills the database for real
// (SQLite's max_page_count makes it report SQLITE_FULL, as a full disk
// does): the append fails with a recognisable error, no event of the batch
// is stored, in this store or in the file after reopening; once there is
// space again the same batch goes in with no gap in the sequence.
func TestAppendToAFullDatabaseWritesNothing(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, st, "s1", "ABC123", "musicstore", session.Standup, t0)
	if err := st.Append(ctx, "s1", parkedBatch(2, 3, t0)...); err != nil {
		t.Fatal(err)
	}
	before := mustEvents(t, st, "s1")

	pages, err := st.LimitPages(ctx, 1) // no growth at all: capped at its size
	if err != nil {
		t.Fatal(err)
	}
	if pages < 2 {
		t.Fatalf("LimitPages(1) = %d pages; want the file's size, at least 2", pages)
	}
	batch := parkedBatch(5, 40, t0.Add(time.Minute)) // ~12 KB: more than the free space of any page
	err = st.Append(ctx, "s1", batch...)
	wantFull(t, err)
	// The first events of the batch fitted in the pages there were; the
	// database filled up on a later one. So the batch was half written
	// inside its transaction when the write failed.
	if strings.Contains(err.Error(), "seq 5:") {
		t.Fatalf("the batch's first event already failed (%v): the test no longer fills the database halfway", err)
	}
	sameEvents(t, mustEvents(t, st, "s1"), before)
	if n := countRows(t, path, "s1"); n != len(before) {
		t.Fatalf("the file has %d event rows after the failed append, want %d", n, len(before))
	}
	// The store is not stuck in the failed transaction: the next write
	// is refused the same way, and reads go on.
	wantFull(t, st.Append(ctx, "s1", batch...))
	if info, err := st.Session(ctx, "s1"); err != nil || info.Events != int64(len(before)) {
		t.Fatalf("Session after failed appends: %+v, %v; want %d events", info, err, len(before))
	}
	// A new session is all or nothing too: neither its row nor its
	// first event.
	big, first := newInfo("s2", "DEF456", "musicstore", session.Standup, t0)
	first.Payload.(*session.Created).Config.Agreements = []string{strings.Repeat("x", 8000)}
	wantErr(t, st.Create(ctx, big, first), session.ErrFull)
	if _, err := st.SessionByCode(ctx, "DEF456"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("a session whose creation failed can be found: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopened, the file holds exactly what it held before and is sound.
	st2 := openAt(t, path)
	sameEvents(t, mustEvents(t, st2, "s1"), before)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	db.Close()

	// Full again (the cap belongs to a store, not to the file), then
	// space: the batch that failed goes in whole, right after the last
	// stored event, and the next append follows it.
	if _, err := st2.LimitPages(ctx, 1); err != nil {
		t.Fatal(err)
	}
	wantFull(t, st2.Append(ctx, "s1", batch...))
	if _, err := st2.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := st2.Append(ctx, "s1", batch...); err != nil {
		t.Fatalf("append once there is space: %v", err)
	}
	next := ev(batch[len(batch)-1].Seq+1, t0.Add(time.Hour), alice.ID, &session.Resumed{})
	if err := st2.Append(ctx, "s1", next); err != nil {
		t.Fatal(err)
	}
	got := mustEvents(t, st2, "s1")
	sameEvents(t, got, append(append(before, batch...), next))
	for i, e := range got {
		if e.Seq != int64(i)+1 {
			t.Fatalf("event %d has seq %d: a gap", i, e.Seq)
		}
	}
}

// TestLimitPagesReportsTheCap: a cap below the file's size is raised to
// it, a larger one is kept, and 0 lifts it.
func TestLimitPagesReportsTheCap(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	size, err := st.LimitPages(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.LimitPages(ctx, size+100); err != nil || got != size+100 {
		t.Fatalf("LimitPages(%d) = %d, %v", size+100, got, err)
	}
	if got, err := st.LimitPages(ctx, 0); err != nil || got < 1<<30 {
		t.Fatalf("LimitPages(0) = %d, %v; want the cap lifted", got, err)
	}
	// Lifted, the store grows again.
	mustCreate(t, st, "s1", "ABC123", "musicstore", session.Standup, t0)
	if err := st.Append(ctx, "s1", parkedBatch(2, 40, t0)...); err != nil {
		t.Fatal(err)
	}
}
