package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
	"huddle/session/sqlite"
)

// fullMessage is what the acting participant reads when the disk is full.
const fullMessage = "✗ could not save: the disk is full; nothing was changed"

// fillUp caps the real database at its size and submits c for who until
// it no longer fits (SQLite reports SQLITE_FULL, as on a full disk). The
// same command, or one of the same size, is then refused too. It returns
// how many went in.
func fillUp(tb testing.TB, st *sqlite.Store, room *session.Room, who session.ParticipantID, c func(n int) session.Command) int {
	tb.Helper()
	if _, err := st.LimitPages(context.Background(), 1); err != nil {
		tb.Fatal(err)
	}
	for n := range 2000 {
		err := room.Submit(who, c(n))
		if err == nil {
			continue
		}
		if !errors.Is(err, session.ErrStore) || !errors.Is(err, session.ErrFull) {
			tb.Fatalf("filling the database: %v; want a could-not-save error for a full disk", err)
		}
		return n
	}
	tb.Fatal("the database never filled up")
	return 0
}

// makeSpace lifts the cap: there is space again.
func makeSpace(tb testing.TB, st *sqlite.Store) {
	tb.Helper()
	if _, err := st.LimitPages(context.Background(), 0); err != nil {
		tb.Fatal(err)
	}
}

// noStoreInternals checks that a screen does not show what the store
// said underneath: SQLite's words and codes, the session's id.
func noStoreInternals(tb testing.TB, screen, id string) {
	tb.Helper()
	for _, w := range []string{"SQLITE", "(13)", "append events", "database or disk", id} {
		if strings.Contains(screen, w) {
			tb.Fatalf("the screen shows the store's %q:\n%s", w, screen)
		}
	}
}

// TestFullDiskIsShownToWhoeverActed: a member parks a topic while the
// database is full. They read a plain message that nothing was changed,
// with what they typed kept in the prompt; the facilitator's screen shows
// no error and no topic. Once there is space, enter parks it.
func TestFullDiskIsShownToWhoeverActed(t *testing.T) {
	st := mustStore(t)
	clock := session.NewFakeClock(t0)
	room := mustRoom(t, st, clock, session.Config{}, "Lukas", "Julia")
	d := &driver{t: t, room: room, clock: clock}
	d.m = d.model(fac, Options{SharedKeyboard: true})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.press("enter", "enter", "n")
	d.see("Turn 1 of 2")
	member := d.as(lukas)
	member.see("Turn 1 of 2")

	topic := func(n int) string { return fmt.Sprintf("topic %03d %s", n, strings.Repeat("x", 270)) }
	parked := fillUp(t, st, room, lukas, func(n int) session.Command { return session.Park{Topic: topic(n)} })
	member.sync()
	d.sync()
	before := room.Snapshot().State

	member.press("p")
	member.typeText(topic(999)) // as long as the one that did not fit
	member.press("enter")
	member.see(fullMessage, "Park a topic:") // the prompt is back, with the text
	noStoreInternals(t, member.screen(), room.ID())
	if got := room.Snapshot().State; got != before || len(got.Items) != parked {
		t.Fatalf("the room changed: %d items, want %d", len(got.Items), parked)
	}
	d.sync()
	d.notSee("could not save", "✗")

	makeSpace(t, st)
	member.press("enter")
	member.see("✓ parked: topic 999")
	member.notSee("could not save")
	if items := room.Snapshot().State.Items; len(items) != parked+1 || items[parked].Topic != topic(999) {
		t.Fatalf("after the disk has space again: %d items, want %d with the new topic last", len(items), parked+1)
	}
}

// TestFullDiskRefusesADotPlainly: in a retrospective's vote, a dot that
// does not fit in the full database is refused with the plain message;
// no dot is added, and nobody else sees anything. With space
// again the same key casts it.
func TestFullDiskRefusesADotPlainly(t *testing.T) {
	st := mustStore(t)
	clock := session.NewFakeClock(t0)
	d := retroDriverIn(t, st, clock, session.Config{VoteBudget: 1000}, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.Write)
	d.do(lukas, session.AddCard{Column: 0, Text: "pairing helped"})
	d.do(julia, session.AddCard{Column: 1, Text: "flaky tests"})
	d.toPhase(session.Vote)
	l, j := d.as(lukas), d.as(julia)
	l.see("Your dots ○○○")

	// Lukas's dots on the first topic fill the database; the next one
	// on it is the same event again.
	first := d.state().GroupIDs()[0]
	cast := fillUp(t, st, d.room, lukas, func(int) session.Command { return session.CastVote{Group: first} })
	l.sync()
	l.press("v") // the cursor starts on the first topic
	l.see(fullMessage)
	noStoreInternals(t, l.screen(), d.room.ID())
	if n := d.state().VotesBy(string(lukas), 0); n != cast {
		t.Fatalf("%d dots stored, want %d", n, cast)
	}
	j.sync()
	j.notSee("could not save", "✗")
	d.sync()
	d.notSee("could not save", "✗")

	makeSpace(t, st)
	l.press("v")
	l.see(fmt.Sprintf("✓ dot cast · %d left", 999-cast))
	if n := d.state().VotesBy(string(lukas), 0); n != cast+1 {
		t.Fatalf("%d dots stored, want %d", n, cast+1)
	}
}

// TestStoreErrorsReadPlainly: what a participant reads for a store
// failure, by kind; other errors pass through as they are.
func TestStoreErrorsReadPlainly(t *testing.T) {
	full := fmt.Errorf("%w; nothing was changed: %w", session.ErrStore,
		fmt.Errorf("append events: session %q seq 7: %w: database or disk is full (13)", "abc", session.ErrFull))
	io := fmt.Errorf("%w; nothing was changed: %w", session.ErrStore, errors.New("disk I/O error (10)"))
	other := fmt.Errorf("%w: nobody is here yet", session.ErrPhase)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{full, "could not save: the disk is full; nothing was changed"},
		{io, "could not save (a storage error); nothing was changed, try again"},
		{other, "nobody is here yet"},
	} {
		err := plainStoreError(tc.err)
		if got := sentence(err); got != tc.want {
			t.Errorf("sentence(%v) = %q, want %q", tc.err, got, tc.want)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%v no longer wraps %v", err, tc.err)
		}
		if len(sentence(err)) > 78 {
			t.Errorf("%q does not fit an 80-column footer", sentence(err))
		}
	}
}
