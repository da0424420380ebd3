package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"huddle/session"
	"huddle/session/sqlite"
)

var (
	lukas = session.RosterID("Lukas")
	julia = session.RosterID("Julia")
)

// mustStore opens a fresh store in a temporary directory.
func mustStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(filepath.Join(tb.TempDir(), "huddle.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// mustRoom creates a session for the team musicstore, facilitated by
// maria, and opens its room.
func mustRoom(tb testing.TB, st *sqlite.Store, clock *session.FakeClock, cfg session.Config, roster ...string) *session.Room {
	tb.Helper()
	cfg.Team = "musicstore"
	if cfg.Kind == session.Standup && cfg.Timebox == 0 {
		cfg.Timebox = 8 * time.Minute
	}
	info, err := session.Create(context.Background(), st, session.Plan{
		Config: cfg, Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: roster,
	}, clock.Now())
	if err != nil {
		tb.Fatal(err)
	}
	// Boards of 90 cards are built at one fake instant: no session rate limit.
	room, err := session.OpenRoom(context.Background(), st, info.ID, session.RoomOptions{Clock: clock, Rate: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { room.Close() })
	return room
}

// newRetroDriver starts a retrospective in a fresh store and drives the
// facilitator's screen at a shared keyboard, 80×24.
func newRetroDriver(tb testing.TB, cfg session.Config, roster ...string) *driver {
	tb.Helper()
	clock := session.NewFakeClock(t0)
	return retroDriverIn(tb, mustStore(tb), clock, cfg, roster...)
}

// retroDriverIn starts a retrospective in st, after whatever sessions
// the team had there.
func retroDriverIn(tb testing.TB, st *sqlite.Store, clock *session.FakeClock, cfg session.Config, roster ...string) *driver {
	tb.Helper()
	cfg.Kind = session.Retro
	room := mustRoom(tb, st, clock, cfg, roster...)
	d := &driver{t: tb, room: room, clock: clock}
	d.m = d.model(fac, Options{SharedKeyboard: true})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return d
}

func (d *driver) model(id session.ParticipantID, opts Options) *Model {
	if opts.Bodies == nil {
		opts.Bodies = testBodies
	}
	m := New(d.room, id, opts)
	m.ticking = false
	d.t.Cleanup(m.Close)
	return m
}

// as is another participant's screen on the same room, over SSH as it
// were: no shared keyboard.
func (d *driver) as(id session.ParticipantID) *driver {
	d.t.Helper()
	o := &driver{t: d.t, room: d.room, clock: d.clock}
	o.m = o.model(id, Options{})
	o.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return o
}

// sync hands the model the room's newest state, as a program would.
func (d *driver) sync() { d.deliver() }

// write types text into the open prompt and confirms it.
func (d *driver) write(text string) {
	d.t.Helper()
	d.typeText(text)
	d.press("enter")
}

// keys is the footer's help as the retrospective's key map gives it.
func (d *driver) keys() string {
	return ansi.Strip(d.m.help.View(d.m.retro.helpKeys()))
}

func (d *driver) seeKeys(want ...string) {
	d.t.Helper()
	k := d.keys()
	for _, w := range want {
		if !strings.Contains(k, w) {
			d.t.Fatalf("keys lack %q: %s", w, k)
		}
	}
}

func (d *driver) notSeeKeys(unwanted ...string) {
	d.t.Helper()
	k := d.keys()
	for _, w := range unwanted {
		if strings.Contains(k, w) {
			d.t.Fatalf("keys show %q: %s", w, k)
		}
	}
}

// fits checks the screen at 80×24 and 200×60: no line wider than the
// terminal, no more lines than it has, the footer's keys on one line
// with ? among them; then it goes back to 80×24.
func (d *driver) fits() {
	d.t.Helper()
	for _, size := range [][2]int{{200, 60}, {60, 16}, {80, 24}} {
		d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(d.screen(), "\n")
		if len(lines) > size[1] {
			d.t.Fatalf("%dx%d: %d lines:\n%s", size[0], size[1], len(lines), d.screen())
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				d.t.Fatalf("%dx%d: a line of %d cells: %q\n%s", size[0], size[1], w, l, d.screen())
			}
		}
		k := d.keys()
		for _, l := range strings.Split(k, "\n") {
			if ansi.StringWidth(l) > size[0]-2 {
				d.t.Fatalf("%dx%d: footer keys %q", size[0], size[1], k)
			}
		}
		if !d.m.help.ShowAll && d.m.retro.ui().prompt == nil && !strings.Contains(k, "? more") {
			d.t.Fatalf("%dx%d: footer keys without ?: %q", size[0], size[1], k)
		}
	}
}

func (d *driver) phase() session.Phase { return d.state().Phase }

// formatsToRun are the built-in formats and a custom one.
func formatsToRun() []session.Config {
	var out []session.Config
	for _, f := range session.Formats {
		out = append(out, session.Config{Format: f.Format})
	}
	return append(out, session.Config{Format: session.Custom, Columns: []string{"Keep", "Drop", "Try"}})
}

func TestRetroByKeysInEveryFormat(t *testing.T) {
	for _, cfg := range formatsToRun() {
		t.Run(cfg.Format.String(), func(t *testing.T) {
			t.Parallel()
			d := newRetroDriver(t, cfg, "Lukas", "Julia")
			cols := d.state().Config.Columns
			info := retroPhases{d.m.retro}.formatInfo()

			// The waiting room: the format, its columns and guidance;
			// the facilitator marks who is here.
			d.see("waiting room", info.Title, strings.Join(cols, " / "), info.Guidance[:30], "3 dots each", "Missing (2)")
			d.seeKeys("n start", "enter mark present")
			d.fits()
			d.press("enter", "enter", "a")
			d.write("maria")
			d.see("Here (3)", "maria is here")
			d.press("n")

			// Check-in with a word; the ready signal.
			d.see("● check-in", "5:00 left of 5:00", "Check in with one word", "Done 0/3")
			d.seeKeys("w check in", "n to review", "space done")
			d.press("w")
			d.see("One word for how you arrive:")
			d.write("curious")
			d.see("curious maria", "1 of 3 checked in")
			d.press("space")
			d.see("Done 1/3", "✓ maria", "not yet: Lukas, Julia")
			d.seeKeys("space not done")
			d.fits()
			d.press("n")

			// Review: nothing from earlier sessions.
			d.see("● review", "nothing to review")
			d.fits()
			d.press("n")

			// Write: a card by Lukas (the shared keyboard types the
			// text, then chooses the author) and one by maria in every
			// column.
			d.see("● write", "7:00 left of 7:00", "Write in silence")
			for i, col := range cols {
				d.press("a")
				d.see("Card in " + col + ":")
				d.write("lukas on " + col)
				d.see("“lukas on " + col + "” by (enter: you):")
				d.write("Lukas")
				d.see("card added to " + col + " for Lukas")
				d.press("a")
				d.write("maria on " + col)
				d.see("by (enter: you)") // the person at the keyboard, not the last name used
				d.write("")
				d.see("card added to "+col, "maria on "+col, "▒▒▒ Lukas ×1")
				d.notSee("lukas on " + col)
				if i+1 < len(cols) {
					d.press("tab")
				}
			}
			d.see("Cards so far: maria " + itoa(len(cols)) + " · Lukas " + itoa(len(cols)) + " · Julia 0")
			d.fits()
			d.seeKeys("r reveal", "a add")
			d.press("r")
			d.see("every card is visible now", "lukas on "+cols[len(cols)-1], "· Lukas")
			d.notSee("▒▒▒")
			d.notSeeKeys("r reveal")
			d.fits()
			d.press("n")

			// Group: Lukas's first card onto maria's, named, undone,
			// grouped again.
			d.see("● group", "topics from")
			d.press("g")
			d.see("Moving “lukas on " + cols[0] + "”")
			d.seeKeys("esc cancel")
			d.press("j")
			d.seeKeys("enter drop here", "esc cancel")
			d.press("enter")
			d.see("grouped", "◆ untitled · 2 cards")
			lead := d.state().Cards[1]
			if c := d.state().Cards[0]; c.Group != lead.Group {
				t.Fatalf("card %+v not grouped onto %+v", c, lead)
			}
			d.press("N")
			d.write("Pairing")
			d.see("◆ Pairing · 2 cards")
			d.seeKeys("u undo")
			d.press("u")
			d.see("last grouping undone", "◆ Pairing · 1 card")
			if c := d.state().Cards[0]; c.Group != c.ID {
				t.Fatalf("undo left %+v grouped", c)
			}
			d.press("g", "j", "enter")
			d.see("◆ Pairing · 2 cards")
			d.fits()
			d.press("n")

			// Vote: the budget and the dots left.
			d.see("● vote", "Your dots ○○○  3 of 3 left", "Pairing")
			d.press("v")
			d.see("Your dots ●○○  2 of 3 left", "● yours")
			d.press("v", "V")
			d.see("2 of 3 left")
			if len(cols) > 1 {
				d.press("tab")
			} else {
				d.press("j")
			}
			d.press("v")
			d.see("1 of 3 left")
			d.fits()
			d.press("n")

			// Discuss: most dots first; notes, a decision, thumbs, an
			// action item with an owner completed by tab and a due date.
			d.see("● discuss", "Topic 1 of", "Pairing", " dot", "5:00 left of 5:00")
			d.press("o")
			d.write("pairing helped the new people")
			d.press("c")
			d.write("pair on every release")
			d.press("y")
			d.see("Notes", "pairing helped the new people", "Decisions", "pair on every release", "▲ 1 keep going")
			d.press("A")
			d.write("book a pairing room")
			d.see("Who owns it?")
			d.typeText("Lu")
			d.press("tab", "enter")
			d.see("Due date (YYYY-MM-DD, enter for none)")
			d.write("2026-12-04")
			d.see("action item for Lukas", "book a pairing room — Lukas · due Fri 4 Dec")
			d.fits()
			for d.phase() == session.Discuss {
				d.press("n")
			}

			// Actions.
			d.see("● actions", "Action items (1)", "book a pairing room")
			d.press("A")
			d.write("write the release notes")
			d.write("Julia")
			d.write("")
			d.see("From topic (#N, enter for none)")
			d.write("#1")
			d.see("Action items (2)", "write the release notes — Julia")
			if a := d.state().Actions[1]; a.Topic != d.state().Topics[0] {
				t.Fatalf("the action item is linked to topic %d, want %d", a.Topic, d.state().Topics[0])
			}
			d.fits()
			d.press("n")

			// ROTI, then the summary.
			d.see("● roti", "Was it worth the time?")
			d.seeKeys("1-5 score")
			d.press("4")
			// A score that showed as it came would say whose it is.
			d.see("1 of 3 scored", "The scores show once everyone here has scored.", "You scored 4.")
			d.notSee("← you", "average")
			d.fits()
			d.do(lukas, session.GiveRoti{Score: 3})
			d.do(julia, session.GiveRoti{Score: 5})
			d.see("3 of 3 scored", "← you", "average 4.0")
			d.press("n")
			if d.phase() != session.Closed {
				t.Fatalf("phase %s after the ROTI, want closed", d.phase())
			}
			sum := ansi.Strip(retroPhases{d.m.retro}.retroSummary(200))
			for _, want := range []string{"Retrospective of musicstore", info.Title, "curious (maria)", "Pairing",
				"pairing helped the new people", "decision: pair on every release",
				"#1 book a pairing room — Lukas · due Fri 4 Dec 2026", "write the release notes — Julia", "ROTI", "average 4.0"} {
				if !strings.Contains(sum, want) {
					t.Fatalf("summary lacks %q:\n%s", want, sum)
				}
			}
			d.seeKeys("↑/↓ scroll", "q quit")
			d.fits()
			d.press("q")
			if !d.quit {
				t.Fatal("q did not quit")
			}
		})
	}
}

// toPhase presses n as the facilitator until the retrospective is in p.
func (d *driver) toPhase(p session.Phase) {
	d.t.Helper()
	for d.phase() != p {
		if d.phase() == session.Closed {
			d.t.Fatalf("never reached %s", p)
		}
		d.press("n")
	}
}

// do submits a command for someone, as their own screen would.
func (d *driver) do(who session.ParticipantID, c session.Command) {
	d.t.Helper()
	if err := d.room.Submit(who, c); err != nil {
		d.t.Fatalf("%T: %v", c, err)
	}
	d.sync()
}

// here marks the facilitator and the roster present.
func (d *driver) here(names ...string) {
	d.t.Helper()
	for _, n := range append([]string{"maria"}, names...) {
		d.do(fac, session.Arrive{Name: n})
	}
}

func TestRetroCardsAreHiddenUntilRevealed(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.Write)
	l := d.as(lukas)
	l.see("● write", "Lukas · member")
	l.send(tea.WindowSizeMsg{Width: 200, Height: 60}) // a card and its author on one line
	d.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	l.press("a")
	l.see("Card in Start:") // no author to choose away from the shared keyboard
	l.write("deploys take too long")
	l.see("deploys take too long · you", "Cards so far: maria 0 · Lukas 1 · Julia 0")
	l.seeKeys("e edit", "d delete")
	l.notSeeKeys("r reveal", "n to")

	d.sync()
	d.see("▒▒▒ Lukas ×1", "Cards so far: maria 0 · Lukas 1")
	d.notSee("deploys take too long")
	d.press("a")
	d.write("more pairing")
	d.write("") // enter: the facilitator's own card
	l.sync()
	l.see("▒▒▒ maria ×1")
	l.notSee("more pairing")

	l.press("r", "n") // not a member's keys
	if s := d.state(); s.Revealed || s.Phase != session.Write {
		t.Fatalf("a member revealed (%v) or moved on (%s)", s.Revealed, s.Phase)
	}
	d.press("r")
	l.sync()
	l.see("more pairing · maria", "Every card is revealed")
	d.see("deploys take too long · Lukas")
	l.fits()
}

func TestRetroAuthorsEditAndDeleteOnlyTheirCards(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	l := d.as(lukas)
	l.press("a")
	l.write("deploys are slow")
	l.press("e")
	l.see("Edit card: deploys are slow")
	l.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	d.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	l.write(" on Fridays")
	l.see("card changed", "deploys are slow on Fridays · you")
	d.press("r")
	d.see("deploys are slow on Fridays · Lukas")
	f := d.as(fac)                     // maria over SSH: not at a shared keyboard, where she would act for Lukas
	f.notSeeKeys("e edit", "d delete") // not maria's card
	f.press("d")
	if len(d.state().Cards) != 1 {
		t.Fatal("the facilitator deleted someone else's card")
	}
	l.sync()
	l.press("d")
	l.see("card deleted", "no cards · a adds one")
	if len(d.state().Cards) != 0 {
		t.Fatal("the author could not delete their card")
	}
}

func TestRetroVoteBudgetCapAndHiddenTotals(t *testing.T) {
	d := newRetroDriver(t, session.Config{VoteBudget: 2, VoteCap: 1}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "flaky tests"})
	d.do(lukas, session.AddCard{Column: 0, Text: "long meetings"})
	d.toPhase(session.Vote)
	d.see("Your dots ○○  2 of 2 left", "at most 1 on one topic", "Totals stay hidden")
	d.seeKeys("v vote")
	d.notSeeKeys("V unvote")
	d.press("v")
	d.see("Your dots ●○  1 of 2 left", "● yours")
	d.seeKeys("V unvote")
	d.press("v")
	d.see("✗ at most 1 dots on one topic", "1 of 2 left")
	d.press("j", "v")
	d.see("0 of 2 left")
	d.notSeeKeys("v vote")
	d.press("v")
	if n := len(d.state().Votes); n != 2 {
		t.Fatalf("%d dots, want the budget of 2", n)
	}

	l := d.as(lukas)
	l.see("Your dots ○○  2 of 2 left") // maria's dots are hers alone
	l.press("j", "v")
	l.see("1 of 2 left")
	d.sync()
	d.notSee("●● yours")
	d.toPhase(session.Discuss)
	d.see("Topic 1 of 2 · ●● 2 dots", "long meetings", "Up next  flaky tests (1)")
}

func TestRetroGroupingAndUndo(t *testing.T) {
	d := newRetroDriver(t, session.Config{Format: session.MadSadGlad}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "broken build"})
	d.do(lukas, session.AddCard{Column: 1, Text: "red pipeline"})
	d.do(lukas, session.AddCard{Column: 2, Text: "green pipeline"})
	d.toPhase(session.Group)
	l := d.as(lukas)
	l.see("● group", "3 topics from 3 cards", "Mad (1)", "Sad (1)", "Glad (1)")
	l.notSeeKeys("u undo")
	l.press("g", "l") // Lukas groups: pick the Mad card up, go right
	l.see("Moving “broken build”", "⇢ broken build")
	l.press("enter")
	l.see("grouped", "◆ untitled · 2 cards", "2 topics from 3 cards")
	l.press("g", "esc")
	l.notSee("Moving")
	l.press("u") // not for members
	if len(d.state().Moves) != 1 {
		t.Fatal("a member undid a grouping")
	}
	l.press("N")
	l.write("CI")
	d.sync()
	d.see("◆ CI · 2 cards")
	d.seeKeys("u undo")
	d.press("u")
	d.see("last grouping undone", "3 topics from 3 cards", "◆ CI · 1 card")
	if c, _ := d.state().Card(1); c.Group != 1 {
		t.Fatalf("after the undo the card is in topic %d", c.Group)
	}
	d.notSeeKeys("u undo")
}

// noAuthor fails if a line that shows one of the texts also shows one of
// the names.
func noAuthor(tb testing.TB, screen string, texts, names []string) {
	tb.Helper()
	for _, line := range strings.Split(screen, "\n") {
		for _, text := range texts {
			if !strings.Contains(line, text) {
				continue
			}
			for _, name := range names {
				if strings.Contains(line, name) {
					tb.Fatalf("%q is shown with its author %q:\n%s", text, name, screen)
				}
			}
		}
	}
}

func TestRetroAnonymousShowsNoAuthor(t *testing.T) {
	d := newRetroDriver(t, session.Config{Anonymous: true}, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	l := d.as(lukas)
	texts := []string{"tired", "secret worry", "bold idea", "a wish"}
	names := []string{"Lukas", "maria", "Julia"}
	check := func() {
		t.Helper()
		for _, x := range []*driver{d, l} {
			x.sync()
			noAuthor(t, x.screen(), texts, names)
			x.send(tea.WindowSizeMsg{Width: 200, Height: 60})
			noAuthor(t, x.screen(), texts, names)
			x.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		}
	}
	d.see("anonymous: nobody sees who wrote a card")
	d.toPhase(session.CheckIn)
	l.sync()
	l.press("w")
	l.write("tired")
	d.sync()
	// A word that showed as it came would say whose it is.
	d.see("1 of 3 checked in", "the words show once everyone here has checked in")
	d.notSee("tired")
	d.do(julia, session.CheckInWord{Word: "curious"})
	d.do(fac, session.CheckInWord{Word: "ready"})
	d.see("3 of 3 checked in", "tired", "curious", "ready")
	check()

	d.toPhase(session.Write)
	l.sync()
	l.press("a")
	l.write("secret worry")
	d.press("a")
	d.write("bold idea") // anonymous: no author to choose
	d.do(julia, session.AddCard{Column: 1, Text: "a wish"})
	d.see("▒▒▒ others ×1", "Cards so far: 3 · yours: 1", "bold idea · you")
	d.notSee("Lukas ×", "Julia ×", "secret worry")
	check()
	d.press("r")
	d.see("secret worry", "a wish")
	check()
	d.toPhase(session.Group)
	d.press("g", "j", "enter")
	check()
	d.toPhase(session.Vote)
	d.press("v")
	check()
	d.toPhase(session.Discuss)
	check()
	d.clock.Advance(5 * time.Minute)
	d.await(func(s *session.State) bool { return s.PhaseTimer.Expired })
	d.see("Time is up: 0 of 3 thumbs shown")
	d.press("y")
	// Anonymous thumbs are counted, not told, until all are in.
	d.see("1 of 3 thumbs shown · yours: ▲ keep going")
	d.notSee("▲ 1 keep going")
	d.do(julia, session.Thumb{Up: false})
	d.see("2 of 3 thumbs shown")
	check()
	d.toPhase(session.Closed)
	noAuthor(t, ansi.Strip(retroPhases{d.m.retro}.retroSummary(200)), texts, names)
}

func TestRetroReviewsWhatEarlierSessionsLeft(t *testing.T) {
	st := mustStore(t)
	clock := session.NewFakeClock(t0.Add(-48 * time.Hour))

	// An earlier retrospective agreed an action item for Lukas.
	r1 := mustRoom(t, st, clock, session.Config{Kind: session.Retro}, "Lukas")
	submit := func(r *session.Room, c session.Command) {
		t.Helper()
		if err := r.Submit(fac, c); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	for r1.Snapshot().State.Phase != session.Actions {
		submit(r1, session.Next{})
	}
	submit(r1, session.AddAction{Text: "fix the flaky test", Owner: lukas, Due: t0.Add(-24 * time.Hour)})
	submit(r1, session.End{})

	// A stand-up since sent a parked topic to the retrospective.
	clock.Advance(24 * time.Hour)
	su := mustRoom(t, st, clock, session.Config{}, "Lukas")
	submit(su, session.Arrive{Name: "Lukas"})
	submit(su, session.Start{})
	submit(su, session.Park{Topic: "release date", RaisedBy: lukas})
	submit(su, session.Resolve{Item: 1, Status: session.SentToRetro})
	submit(su, session.End{})

	clock.Advance(24 * time.Hour)
	d := retroDriverIn(t, st, clock, session.Config{}, "Lukas")
	d.see("To review: 1 open action item · 1 topic from the stand-ups")
	d.toPhase(session.Review)
	d.see("Action items from earlier sessions (1)", "▸ #1 fix the flaky test — Lukas · due Tue 24 Nov (overdue) · open",
		"Topics from the stand-ups (1)", "release date · raised by Lukas")
	d.seeKeys("d done", "c carry on", "x drop")
	d.fits()
	d.press("d")
	d.see("#1 done", "✓ done")
	if a := d.state().Actions[0]; a.Status != session.ActionDone {
		t.Fatalf("action item %+v", a)
	}
	d.toPhase(session.Write)
	d.see("▸ release date", "from a stand-up")
}

func TestRetroTimeboxesShowOvertimeAndRounds(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "standups run long"})
	d.clock.Advance(7*time.Minute + 30*time.Second)
	d.await(func(s *session.State) bool { return s.PhaseTimer.Expired })
	d.see("OVERTIME +0:30 of 7:00")
	d.press("+")
	d.see("one more minute", "0:30 left of 8:00")

	d.toPhase(session.Discuss)
	d.see("topic ", "5:00 left of 5:00", "standups run long")
	d.notSeeKeys("+ another round")
	d.clock.Advance(5 * time.Minute)
	d.await(func(s *session.State) bool { return s.PhaseTimer.Expired })
	d.see("OVERTIME +0:00 of 5:00", "Time is up: ▲ 0 keep going · ▼ 0 move on")
	d.seeKeys("y keep going", "x move on")
	d.press("y")
	d.see("▲ 1 keep going")
	d.press("+")
	d.see("another round of 5:00", "5:00 left of 10:00")
}

func TestRetroESVPPollIsAnonymous(t *testing.T) {
	d := newRetroDriver(t, session.Config{ESVP: true}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.CheckIn)
	d.see("Answer 1–4", "0 of 2 answered", "Explorer: eager to discover new ideas")
	d.seeKeys("1-4 answer")
	d.notSeeKeys("w check in")
	d.press("2")
	d.see("1 of 2 answered", "you answered Shopper", "The answers show once everyone here has answered.")
	if strings.Contains(d.screen(), "█") {
		t.Fatalf("a bar before everyone answered:\n%s", d.screen())
	}
	l := d.as(lukas)
	l.press("4")
	d.sync()
	d.see("2 of 2 answered")
	lines := strings.Split(d.screen(), "\n")
	for _, want := range []string{"2 Shopper", "4 Prisoner"} {
		found := false
		for _, line := range lines {
			if strings.Contains(line, want) && strings.Contains(line, "█") {
				found = true
			}
		}
		if !found {
			t.Fatalf("no bar for %s:\n%s", want, d.screen())
		}
	}
	noAuthor(t, d.screen(), []string{"Shopper", "Prisoner"}, []string{"Lukas", "maria"})
	d.fits()
}

func TestRetroLongColumnsScrollWithTheCursor(t *testing.T) {
	d := newRetroDriver(t, session.Config{Format: session.LeanCoffee})
	d.here()
	d.toPhase(session.Write)
	for i := 1; i <= 20; i++ {
		d.do(fac, session.AddCard{Column: 0, Text: "topic number " + itoa(i)})
	}
	d.see("▸ topic number 1 ", "↓")
	d.notSee("topic number 20")
	for range 19 {
		d.press("j")
	}
	d.see("▸ topic number 20", "↑")
	d.notSee("topic number 1 ")
	d.fits()
	d.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	d.see("topic number 1 ", "▸ topic number 20") // room for them all
	d.notSee("↑", "↓")
}

func TestRetroBoardUsesTheRoomItHas(t *testing.T) {
	cols := []string{"Keep", "Drop", "Try", "Start", "Stop", "Ask"}
	d := newRetroDriver(t, session.Config{Format: session.Custom, Columns: cols}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	long := "a card with a long text that has to wrap over several lines of a narrow column to be read in full"
	d.do(fac, session.AddCard{Column: 5, Text: long})
	d.fits()
	d.see("Keep 0", "tab ⇥") // 80 columns: one board column at a time, with tabs
	d.press("shift+tab")
	d.see("Ask 1", "▸ a card with a long text", "read in full")
	d.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	d.see("Keep (0)", "Drop (0)", "Try (0)", "Start (0)", "Stop (0)", "▾ Ask (1)") // side by side
	d.notSee("tab ⇥")
	d.fits()
}

func TestRetroPromptTakesQAsText(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	d.press("a")
	d.typeText("quick")
	d.do(lukas, session.AddCard{Column: 1, Text: "meanwhile"}) // a snapshot while typing
	d.typeText(" wins")
	if d.quit {
		t.Fatal("q in a prompt quit")
	}
	d.press("enter", "enter") // the text, then whose: enter is the facilitator's own
	if c, _ := d.state().Card(2); c.Text != "quick wins" {
		t.Fatalf("card %+v", c)
	}
	d.press("a")
	d.send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if !d.quit {
		t.Fatal("ctrl+c in a prompt did not quit")
	}
}

func TestRetroRefusedAnswersKeepThePromptOpen(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Actions)
	d.seeKeys("A action")
	d.press("A")
	d.write("update the wiki")
	d.write("Nobody")
	d.see("✗ nobody called Nobody is in this session", "Who owns it?: Nobody")
	for range len("Nobody") {
		d.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	d.notSee("✗")
	d.write("Lukas")
	d.write("next week")
	d.see("✗ write the date as YYYY-MM-DD", "Due date")
	d.press("esc")
	if len(d.state().Actions) != 0 {
		t.Fatal("a cancelled action item was added")
	}
	d.notSee("Due date")
}

func TestRetroMemberSeesNoFacilitatorKeys(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.here("Lukas")
	l := d.as(lukas)
	l.notSeeKeys("n start", "enter mark present")
	l.press("n")
	for _, p := range []session.Phase{session.CheckIn, session.Review, session.Write, session.Group, session.Vote, session.Discuss, session.Actions, session.Roti} {
		d.toPhase(p)
		l.sync()
		l.see("● " + p.String())
		l.notSeeKeys("n to", "n next", "n finish", "+", "r reveal", "u undo", "c decision", "d done", "E end")
		l.seeKeys("space done", "? more")
		l.press("n", "+")
		if d.phase() != p {
			t.Fatalf("a member moved the retrospective on from %s", p)
		}
	}
}

func TestRetroHelpShowsEveryKeyOfTheMoment(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "a card"})
	d.press("?")
	for _, want := range []string{"←↓↑→", "move", "next column", "add", "edit", "delete", "reveal", "+1m", "park", "end now", "fewer keys"} {
		d.seeKeys(want)
	}
	d.notSeeKeys("vote", "drop here", "undo")
	d.fits()
	d.press("?")
	d.seeKeys("? more")
}

func TestRetroEndsEarlyOnlyWhenConfirmed(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Review)
	d.press("E")
	d.see("End the retrospective now? (y/n)")
	d.seeKeys("y end it", "n keep going")
	d.press("n")
	d.notSee("End the retrospective")
	d.press("E", "y")
	if d.phase() != session.Closed {
		t.Fatal("y did not end the retrospective")
	}
	d.see("the retrospective has ended")
}

func TestRetroPhaseTimeboxRingsOnce(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.toPhase(session.CheckIn)
	d.clock.Advance(session.DefaultPhaseBoxes[session.CheckIn])
	d.await(func(s *session.State) bool { return s.PhaseTimer.Expired })
	if d.bells != 1 {
		t.Fatalf("bell rang %d times at the end of the check-in's time-box, want once", d.bells)
	}
	d.press("+") // a minute more; the next expiry rings again
	d.clock.Advance(time.Minute)
	d.await(func(s *session.State) bool { return s.PhaseTimer.Expired })
	if d.bells != 2 {
		t.Fatalf("bell rang %d times in all, want twice", d.bells)
	}
}

func TestSharedKeyboardActsForMembers(t *testing.T) {
	d := newRetroDriver(t, session.Config{VoteBudget: 1}, "Lukas", "Julia")
	d.press("enter", "enter")
	d.toPhase(session.CheckIn)
	d.press("@")
	d.see("Act for (a member's name; enter: yourself)")
	d.write("Lukas")
	d.see("acting for Lukas · @ to change")
	d.press("w")
	d.write("sleepy")
	if c := d.state().CheckIns; len(c) != 1 || c[0].Who != "Lukas" {
		t.Fatalf("check-ins %+v", c)
	}
	d.toPhase(session.Write)
	d.press("a")
	d.write("a card for the vote")
	d.write("Julia")
	d.toPhase(session.Vote)
	d.press("v")
	if left := d.state().VotesLeft(string(session.RosterID("Lukas"))); left != 0 {
		t.Fatalf("the dot was not Lukas's: %d left", left)
	}
	d.press("@")
	d.write("") // back to oneself
	d.notSee("acting for")
	d.press("space")
	if !d.state().Ready[fac] {
		t.Fatal("done was not the facilitator's own after acting for nobody")
	}
}

// discussing brings a retrospective with two topics to the discussion,
// with maria, Lukas and Julia here.
func discussing(t *testing.T, cfg session.Config) *driver {
	t.Helper()
	d := newRetroDriver(t, cfg, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.Write)
	d.do(lukas, session.AddCard{Column: 0, Text: "deploys are slow"})
	d.do(julia, session.AddCard{Column: 1, Text: "pairing helps"})
	d.toPhase(session.Discuss)
	return d
}

// Thumbs shown before the time is up decide when it runs out; the screen
// says whose thumbs are still missing.
func TestRetroThumbsShownEarlyDecideAtTheExpiry(t *testing.T) {
	d := discussing(t, session.Config{})
	d.see("Topic 1 of 2")
	d.press("x")
	d.see("▼ 1 move on", "waiting for: Lukas, Julia")
	d.do(lukas, session.Thumb{Up: false})
	d.see("waiting for: Julia")
	d.do(julia, session.Thumb{Up: true})
	d.see("every thumb is in: they decide when the time is up")
	d.notSee("waiting for")
	d.fits()
	d.clock.Advance(5 * time.Minute)
	d.await(func(s *session.State) bool { return s.TopicPos == 1 })
	d.see("Topic 2 of 2", "5:00 left of 5:00", "▲ 0 keep going · ▼ 0 move on")
	d.notSee("Time is up")

	// Time is up with a thumb missing: the screen says whose.
	d.do(lukas, session.Thumb{Up: true})
	d.clock.Advance(5 * time.Minute)
	d.await(func(s *session.State) bool { return s.PhaseTimer.Expired })
	d.see("Time is up: ▲ 1 keep going", "waiting for: maria, Julia")
}

// + gives a topic whose time is up a whole round, however late.
func TestRetroAnotherRoundIsAWholeRoundFromNow(t *testing.T) {
	d := discussing(t, session.Config{})
	d.clock.Advance(5 * time.Minute)
	d.await(func(s *session.State) bool { return s.PhaseTimer.Expired })
	d.clock.Advance(3 * time.Minute)
	d.press("+")
	d.see("another round of 5:00", "5:00 left of 13:00")
	if got := d.state().PhaseTimer.Remaining(d.clock.Now()); got != 5*time.Minute {
		t.Fatalf("another round 3m late leaves %v, want 5m", got)
	}
}

// Acting for a member at the shared keyboard shows the member's dots,
// which V takes back, not the facilitator's.
func TestSharedKeyboardShowsTheDotsOfWhomItActsFor(t *testing.T) {
	d := newRetroDriver(t, session.Config{VoteBudget: 2}, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.Write)
	d.do(lukas, session.AddCard{Column: 0, Text: "deploys are slow"})
	d.toPhase(session.Vote)
	d.press("v") // maria's own dot
	d.see("Your dots ●○  1 of 2 left", "● yours")
	d.press("@")
	d.write("Lukas")
	d.see("acting for Lukas", "Lukas's dots ○○  2 of 2 left")
	d.notSee("● yours")
	d.notSeeKeys("V unvote")
	d.press("v")
	d.see("Lukas's dots ●○  1 of 2 left", "● Lukas's")
	d.seeKeys("V unvote")
	d.press("V")
	d.see("dot taken back", "Lukas's dots ○○  2 of 2 left")
	if s := d.state(); s.VotesLeft(string(lukas)) != 2 || s.VotesLeft(string(fac)) != 1 {
		t.Fatalf("Lukas has %d dots left, maria %d; want 2 and 1", s.VotesLeft(string(lukas)), s.VotesLeft(string(fac)))
	}
	d.press("@")
	d.write("") // back to oneself
	d.see("Your dots ●○  1 of 2 left")
	d.fits()
}

// The ROTI count counts those who count: a facilitator who is not here
// scores for nobody, and a member who scored and left stays counted.
func TestRetroRotiCountsOnlyThoseWhoCount(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter") // Lukas and Julia; maria only keeps the keyboard
	d.toPhase(session.Roti)
	d.see("0 of 2 scored")
	d.press("4")
	d.see("maria is not marked present", "0 of 2 scored")
	d.do(lukas, session.GiveRoti{Score: 5})
	d.do(julia, session.GiveRoti{Score: 3})
	d.see("2 of 2 scored", "average 4.0")
	d.clock.Advance(time.Minute)
	d.do(fac, session.Leave{Who: lukas})
	d.see("2 of 2 scored (1 left)", "average 4.0")
	d.fits()
}

// After an outcome the cursor goes on to the next item in order, and it
// never wraps past either end.
func TestRetroReviewCursorGoesOnInOrder(t *testing.T) {
	st := mustStore(t)
	clock := session.NewFakeClock(t0.Add(-24 * time.Hour))
	r1 := mustRoom(t, st, clock, session.Config{Kind: session.Retro}, "Lukas")
	for r1.Snapshot().State.Phase != session.Actions {
		if err := r1.Submit(fac, session.Next{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, text := range []string{"first", "second", "third"} {
		if err := r1.Submit(fac, session.AddAction{Text: text, Owner: lukas}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r1.Submit(fac, session.End{}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	d := retroDriverIn(t, st, clock, session.Config{}, "Lukas")
	d.toPhase(session.Review)
	d.see("▸ #1 first")
	d.press("k") // at the top: stays
	d.see("▸ #1 first")
	d.press("c") // #1 carried on; on to #2
	d.see("▸ #2 second")
	d.press("x") // #2 dropped; on to #3
	d.see("▸ #3 third")
	d.press("d") // #3 done; the last stays selected
	d.see("▸ #3 third")
	d.press("j") // at the end: no wrap to the top
	d.see("▸ #3 third")
	want := []session.ActionStatus{session.ActionNotDone, session.ActionDropped, session.ActionDone}
	for i, a := range d.state().Actions {
		if a.Status != want[i] {
			t.Fatalf("#%d %q is %s, want %s", a.ID, a.Text, a.Status, want[i])
		}
	}
}

// At the shared keyboard f does not hand the keyboard's role away: it
// says why, and the keyboard keeps facilitating.
func TestSharedKeyboardKeepsTheFacilitatorRole(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.CheckIn)
	d.press("?")
	d.notSeeKeys("f hand over")
	d.press("?")
	d.press("f")
	d.see("the keyboard facilitates: f works with huddle serve")
	d.notSee("Hand the facilitator role to")
	d.write("lukas") // were a prompt open, this would hand over (L would list the unseen decisions)
	if s := d.state(); s.Facilitator != fac {
		t.Fatalf("the facilitator is %s at the shared keyboard", s.Facilitator)
	}
	d.press("n")
	if d.phase() != session.Review {
		t.Fatalf("the keyboard lost control: phase %s", d.phase())
	}
	// Over SSH f still hands over.
	o := d.as(fac)
	o.press("?")
	o.seeKeys("f hand over")
}
