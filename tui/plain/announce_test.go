package plain

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/sqlite"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

const fac session.ParticipantID = "local:maria"

var (
	lukas = session.RosterID("Lukas")
	julia = session.RosterID("Julia")
	jorg  = session.RosterID("Jörg")
)

// fixture is a live session on a fake clock and one participant's
// announcer following it.
type fixture struct {
	t     *testing.T
	room  *session.Room
	clock *session.FakeClock
	me    session.ParticipantID
	ann   *Announcer
	all   []string // every line told, in order
}

func newFixture(t *testing.T, cfg session.Config, me session.ParticipantID, roster ...string) *fixture {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg.Team = "musicstore"
	if cfg.Kind == session.Standup && cfg.Timebox == 0 {
		cfg.Timebox = 8 * time.Minute
	}
	clock := session.NewFakeClock(t0)
	info, err := session.Create(context.Background(), st, session.Plan{
		Config: cfg, Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: roster,
	}, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	room, err := session.OpenRoom(context.Background(), st, info.ID, session.RoomOptions{Clock: clock, Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { room.Close() })
	f := &fixture{t: t, room: room, clock: clock, me: me}
	f.ann = NewAnnouncer(me, "", time.UTC)
	f.all = append(f.all, f.ann.Summary(f.view(), clock.Now())...)
	return f
}

func (f *fixture) view() *session.State {
	s := f.room.Snapshot().State
	hash := ""
	if s.Phase != session.Closed {
		hash = f.room.Viewer(f.me)
	}
	f.ann.SetHash(hash)
	return s.For(f.me, hash)
}

// do submits commands and returns the lines they made.
func (f *fixture) do(actor session.ParticipantID, cs ...session.Command) []string {
	f.t.Helper()
	for _, c := range cs {
		if err := f.room.Submit(actor, c); err != nil {
			f.t.Fatalf("%T: %v", c, err)
		}
	}
	return f.update()
}

func (f *fixture) update() []string {
	out := f.ann.Update(f.view(), f.clock.Now())
	f.all = append(f.all, out...)
	return out
}

func (f *fixture) advance(d time.Duration) []string {
	f.clock.Advance(d)
	out := f.ann.Tick(f.clock.Now())
	f.all = append(f.all, out...)
	return out
}

func want(t *testing.T, got []string, lines ...string) {
	t.Helper()
	if !slices.Equal(got, lines) {
		t.Fatalf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(lines, "\n"))
	}
}

func TestStandupLinesAndThresholds(t *testing.T) {
	f := newFixture(t, session.Config{Turn: 2 * time.Minute}, julia, "Lukas", "Julia", "Jörg")
	want(t, f.do(fac, session.Arrive{Who: lukas}), "10:00 Lukas is here")
	want(t, f.do(fac, session.Arrive{Who: julia}), "10:00 Julia is here")
	want(t, f.do(fac, session.Start{}),
		"10:00 the stand-up has started; order: Lukas, Julia",
		"10:00 Lukas's turn, 2:00")
	// Told against the same view again: nothing new, nothing twice.
	want(t, f.update())
	if next, ok := f.ann.Next(f.clock.Now()); !ok || !next.Equal(t0.Add(time.Minute)) {
		t.Fatalf("next threshold %v %v, want 10:01", next, ok)
	}
	for range 59 {
		want(t, f.advance(time.Second)) // never every second
	}
	want(t, f.advance(time.Second), "10:01 1 minute left for Lukas")
	want(t, f.advance(30*time.Second))
	want(t, f.advance(30*time.Second), "10:02 time up for Lukas")
	want(t, f.update()) // the room recorded the expiry: not told twice
	want(t, f.advance(time.Minute), "10:03 1 minute over for Lukas")
	want(t, f.advance(time.Minute), "10:04 2 minutes over for Lukas")
	want(t, f.do(fac, session.Park{Topic: "release date for 2.0", RaisedBy: lukas, Stay: []session.ParticipantID{julia}}),
		"10:04 Lukas parked #1: release date for 2.0 (stays: Julia)")
	want(t, f.do(julia, session.NoteBlocker{Text: "waiting for the \x1b[31mAPI"}), "10:04 blocker 1 for Julia: waiting for the API")
	want(t, f.do(fac, session.Next{Speaker: lukas}), "10:04 Julia's turn, 2:00")
	want(t, f.do(fac, session.Extend{By: time.Minute}), "10:04 +1:00 for Julia, 3:00 left")
	want(t, f.do(fac, session.Pause{Reason: "coffee"}), "10:04 paused: coffee")
	want(t, f.advance(10*time.Minute)) // paused: no threshold
	want(t, f.do(fac, session.Resume{}), "10:14 resumed")
	want(t, f.do(fac, session.Next{Speaker: julia}),
		"10:14 parking lot: 1 open, stay if you are named",
		"10:14 parking lot #1: release date for 2.0 (stays: Julia)")
	want(t, f.do(fac, session.Resolve{Item: 1, Status: session.Decided, Note: "ship on 15 Jan"}),
		"10:14 parking lot: #1 decided: ship on 15 Jan (absent: Jörg)")
	want(t, f.do(fac, session.Next{}), "10:14 the stand-up has ended")
	for _, l := range f.all {
		if strings.ContainsRune(l, 0x1b) {
			t.Fatalf("an escape in %q", l)
		}
	}
}

func TestShortTurnHasNoMinuteLeft(t *testing.T) {
	f := newFixture(t, session.Config{Turn: 45 * time.Second}, julia, "Julia")
	f.do(fac, session.Arrive{Who: julia})
	want(t, f.do(fac, session.Start{}), "10:00 the stand-up has started; order: Julia", "10:00 Julia's turn, 0:45")
	want(t, f.advance(44*time.Second))
	want(t, f.advance(time.Second), "10:00 time up for Julia")
}

func TestNewcomerGetsASummary(t *testing.T) {
	f := newFixture(t, session.Config{Turn: 2 * time.Minute}, lukas, "Lukas", "Julia", "Jörg")
	f.do(fac, session.Arrive{Who: lukas}, session.Arrive{Who: julia}, session.Start{},
		session.Park{Topic: "CI", RaisedBy: lukas})
	f.clock.Advance(30 * time.Second)
	a := NewAnnouncer(jorg, "", time.UTC)
	got := strings.Join(a.Summary(f.room.Snapshot().State, f.clock.Now()), "\n")
	for _, w := range []string{"stand-up of musicstore", "here: Lukas, Julia; not here: Jörg", "now: the rounds", "Lukas's turn, 1:30 left", "parking lot #1: CI", "type help"} {
		if !strings.Contains(got, w) {
			t.Fatalf("summary lacks %q:\n%s", w, got)
		}
	}
}

func TestRetroNeverTellsHiddenTextOrAnonymousAuthors(t *testing.T) {
	f := newFixture(t, session.Config{Kind: session.Retro, Anonymous: true}, lukas, "Lukas", "Julia")
	f.do(fac, session.Arrive{Who: lukas}, session.Arrive{Who: julia}, session.Start{})
	for f.room.Snapshot().State.Phase != session.Write {
		f.do(fac, session.Next{})
	}
	got := f.do(julia, session.AddCard{Column: 0, Text: "secret plan"})
	want(t, got, "10:00 a card was written in Start: #1")
	got = f.do(lukas, session.AddCard{Column: 1, Text: "my own"})
	want(t, got, "10:00 card #2 in Stop (yours): my own")
	got = f.do(fac, session.Reveal{})
	want(t, got, "10:00 cards revealed: 2",
		"10:00 card #1 in Start: secret plan",
		"10:00 card #2 in Stop (yours): my own")
	for _, l := range f.all {
		if strings.Contains(l, "secret plan") && !strings.Contains(l, "revealed") && !strings.HasPrefix(l, "10:00 card #1 in Start: secret") {
			t.Fatalf("hidden text told early: %q", l)
		}
		if strings.Contains(l, "Julia") && (strings.Contains(l, "card") || strings.Contains(l, "wrote")) {
			t.Fatalf("an anonymous author named: %q", l)
		}
	}
}

func TestRetroNamesAuthorsButHidesTextUntilRevealed(t *testing.T) {
	f := newFixture(t, session.Config{Kind: session.Retro}, lukas, "Lukas", "Julia")
	f.do(fac, session.Arrive{Who: lukas}, session.Arrive{Who: julia}, session.Start{})
	for f.room.Snapshot().State.Phase != session.Write {
		f.do(fac, session.Next{})
	}
	want(t, f.do(julia, session.AddCard{Column: 0, Text: "pair on CI"}), "10:00 Julia wrote card #1 in Start")
	want(t, f.do(fac, session.Reveal{}), "10:00 cards revealed: 1", "10:00 card #1 in Start (Julia): pair on CI")
}

func TestOwnVotesOnly(t *testing.T) {
	f := newFixture(t, session.Config{Kind: session.Retro, VoteBudget: 3}, lukas, "Lukas", "Julia")
	f.do(fac, session.Arrive{Who: lukas}, session.Arrive{Who: julia}, session.Start{})
	for f.room.Snapshot().State.Phase != session.Write {
		f.do(fac, session.Next{})
	}
	f.do(julia, session.AddCard{Column: 0, Text: "a"})
	f.do(lukas, session.AddCard{Column: 0, Text: "b"})
	for f.room.Snapshot().State.Phase != session.Vote {
		f.do(fac, session.Next{})
	}
	want(t, f.do(julia, session.CastVote{Group: 1}))
	want(t, f.do(lukas, session.CastVote{Group: 2}), "10:00 your dot on #2: 1 on it, 2 left")
}

func TestPrintableDropsControls(t *testing.T) {
	if got := Printable("a\x1b[2Jb\x07c\u009bd\r\ne"); got != "a[2Jbcde" {
		t.Fatalf("got %q", got)
	}
}

// A slow reader skips snapshots (the room keeps only the newest for it):
// every change between two views is still told, once.
func TestSkippedSnapshotsLoseNoChange(t *testing.T) {
	f := newFixture(t, session.Config{Turn: 2 * time.Minute}, julia, "Lukas", "Julia")
	for _, c := range []session.Command{session.Arrive{Who: lukas}, session.Arrive{Who: julia}, session.Start{},
		session.Park{Topic: "CI", RaisedBy: lukas}, session.Next{Speaker: lukas}} {
		if err := f.room.Submit(fac, c); err != nil {
			t.Fatal(err)
		}
	}
	want(t, f.update(),
		"10:00 Lukas is here",
		"10:00 Julia is here",
		"10:00 the stand-up has started; order: Lukas, Julia",
		"10:00 Julia's turn, 2:00",
		"10:00 Lukas parked #1: CI")
	want(t, f.update())
}

func TestAnonymousPollsAreCountedUntilAllAreIn(t *testing.T) {
	f := newFixture(t, session.Config{Kind: session.Retro, Anonymous: true}, lukas, "Lukas", "Julia")
	f.do(fac, session.Arrive{Who: lukas}, session.Arrive{Who: julia}, session.Start{})
	want(t, f.do(julia, session.CheckInWord{Word: "tired"}), "10:00 check-in: 1 of 2 in")
	got := f.do(lukas, session.CheckInWord{Word: "sunny"})
	want(t, got, "10:00 check-in answers: tired, you: sunny")
	for f.room.Snapshot().State.Phase != session.Discuss {
		if f.room.Snapshot().State.Phase == session.Write {
			f.do(julia, session.AddCard{Column: 0, Text: "a"})
		}
		f.do(fac, session.Next{})
	}
	want(t, f.do(julia, session.Thumb{Up: true}), "10:00 thumbs: 1 of 2 in")
	for _, l := range f.all {
		if strings.Contains(l, "Julia") && (strings.Contains(l, "tired") || strings.Contains(l, "thumb")) {
			t.Fatalf("an anonymous answer named: %q", l)
		}
	}
}
