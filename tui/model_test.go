package tui

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"huddle/session"
	"huddle/session/sqlite"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.Local)

const fac session.ParticipantID = "local:maria"

// testBodies is the tests' cache of bodies, shared by every screen as the
// SSH server shares one.
var testBodies = NewBodyCache()

// driver runs a Model the way a program does, but synchronously: it
// executes the commands a message returns and delivers the room's newest
// snapshot after each of them. Ticks and snapshot waits are off, so
// nothing sleeps; time moves only with the fake clock.
type driver struct {
	t     testing.TB
	m     *Model
	room  *session.Room
	clock *session.FakeClock
	bells int
	quit  bool
}

func newDriver(t testing.TB, cfg session.Config, roster ...string) *driver {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg.Team = "musicstore"
	if cfg.Timebox == 0 {
		cfg.Timebox = 8 * time.Minute
	}
	if cfg.ScheduledAt.IsZero() {
		cfg.ScheduledAt = t0
	}
	clock := session.NewFakeClock(t0.Add(-5 * time.Minute))
	info, err := session.Create(context.Background(), st, session.Plan{
		Config: cfg, Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: roster,
	}, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	room, err := session.OpenRoom(context.Background(), st, info.ID, session.RoomOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { room.Close() })
	m := New(room, fac, Options{SharedKeyboard: true, Bodies: testBodies})
	m.ticking = false
	t.Cleanup(m.Close)
	d := &driver{t: t, m: m, room: room, clock: clock}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	model, cmd := d.m.Update(msg)
	d.m = model.(*Model)
	d.exec(cmd)
	d.deliver()
}

// exec runs a command and feeds its messages back, unpacking batches and
// sequences.
func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
	case tea.RawMsg:
		if msg.Msg == "\a" {
			d.bells++
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			for i := range v.Len() { // a tea.Sequence
				d.exec(v.Index(i).Interface().(tea.Cmd))
			}
			return
		}
		model, next := d.m.Update(msg)
		d.m = model.(*Model)
		d.exec(next)
	}
}

// deliver hands the newest snapshot, if there is one, to the model.
func (d *driver) deliver() {
	select {
	case snap, ok := <-d.m.sub.C():
		if ok {
			model, cmd := d.m.Update(snapshotMsg(snap))
			d.m = model.(*Model)
			d.exec(cmd)
		}
	default:
	}
}

// await waits for the room's own goroutine to publish a state, as when a
// time-box expires. The wall-clock limit only guards against a hang.
func (d *driver) await(ok func(*session.State) bool) {
	d.t.Helper()
	limit := time.After(5 * time.Second)
	for {
		select {
		case snap := <-d.m.sub.C():
			model, cmd := d.m.Update(snapshotMsg(snap))
			d.m = model.(*Model)
			d.exec(cmd)
			if ok(snap.State) {
				return
			}
		case <-limit:
			d.t.Fatal("the room did not publish the awaited state")
		}
	}
}

func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen is the rendered screen without colours.
func (d *driver) screen() string {
	return ansi.Strip(d.m.View().Content)
}

func (d *driver) see(want ...string) {
	d.t.Helper()
	s := d.screen()
	for _, w := range want {
		if !strings.Contains(s, w) {
			d.t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

func (d *driver) notSee(unwanted ...string) {
	d.t.Helper()
	s := d.screen()
	for _, w := range unwanted {
		if strings.Contains(s, w) {
			d.t.Fatalf("screen shows %q:\n%s", w, s)
		}
	}
}

func TestWholeStandupByKeys(t *testing.T) {
	d := newDriver(t, session.Config{Agreements: []string{"Be on time", "Decide together"}},
		"Lukas", "Christian", "Julia", "Jörg")

	// The waiting room: start time, agreements, who is missing.
	d.see("waiting room", "Starts at 10:00", "in 5:00", "Be on time", "Decide together", "Missing (4)", "Here (0)", "nobody yet")
	d.press("enter") // the selected missing member, Lukas
	d.press("down", "enter")
	d.see("Here (2)", "✓ Lukas", "✓ Julia", "Missing (2)")
	d.press("a")
	d.typeText("jö")
	d.press("tab", "enter") // completes to Jörg
	d.see("✓ Jörg", "Jörg is here")
	d.press("p")
	d.typeText("release date")
	d.press("enter")
	d.see("Parking lot · carried over and new (1)", "#1 release date")

	// The rounds: a third of the time-box each, in order of arrival.
	d.clock.Advance(5 * time.Minute)
	d.press("n")
	d.see("rounds", "Turn 1 of 3", "Lukas", "2:40 left of 2:40", "8:00 left of 8:00", "Up next  Julia, Jörg", "Missing  Christian")
	d.press("b")
	d.see("Blocker for Lukas")
	d.typeText("build is red")
	d.press("enter")
	d.see("Blockers (1)", "Lukas: build is red")
	d.press("p")
	d.typeText("integration tests in their CI")
	d.press("enter")
	d.see("Parking lot (2)", "#2 integration tests in their CI")

	// The turn runs out: the bell rings once, overtime shows.
	d.clock.Advance(3 * time.Minute)
	d.await(func(s *session.State) bool { t, _ := s.CurrentTurn(); return t.Timer.Expired })
	d.see("OVERTIME +0:20 of 2:40")
	if d.bells != 1 {
		t.Fatalf("bell rang %d times at expiry, want once", d.bells)
	}
	d.press("space")
	d.see("paused")
	d.clock.Advance(time.Hour)
	d.press("space", "+")
	d.see("0:40 left of 3:40", "one more minute")
	if d.bells != 1 {
		t.Fatalf("bell rang %d times, want it to stay at once", d.bells)
	}

	// Christian arrives late and joins the end of the order.
	d.press("a")
	d.typeText("Christian")
	d.press("enter")
	d.see("Up next  Julia, Jörg, Christian")
	d.press("n", "s") // Julia speaks, then is skipped to the end
	d.see("Turn 2 of 4", "Jörg", "Up next  Christian, Julia")
	d.press("n", "n", "n")
	d.see("parking lot", "#1 release date", "#2 integration tests in their CI")

	// The parking lot: who stays, outcomes.
	d.press("down", "s")
	d.typeText("Lukas")
	d.press("enter")
	d.see("stays: Lukas", "Staying: Lukas", "Everyone else may leave")
	d.press("c")
	d.typeText("pair on it after the stand-up")
	d.press("enter")
	d.see("→ decision: pair on it after the stand-up")
	d.press("up", "r")
	d.see("→ sent to the next retrospective", "Every topic has an outcome")
	d.press("n")
	d.see("End the stand-up? (y/n)")
	d.press("y")

	// The summary.
	d.see("summary", "Attendance", "✓ Lukas on time", "! Christian late by 63 min", "Turns", "Julia", "skipped",
		"Blockers", "Lukas: build is red", "Parking lot")
	d.press("down", "down", "down", "down", "down", "down", "down", "down") // the summary scrolls
	d.see("→ decision: pair on it after the stand-up", "1 topic carries over", "→ sent to the next retrospective")
	d.press("q")
	if !d.quit {
		t.Fatal("q did not quit")
	}
}

func TestQuitMidTurnPausesForResume(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("enter", "n")
	d.press("q")
	s := d.room.Snapshot().State
	if !d.quit || !s.Paused || s.PauseReason != QuitReason {
		t.Fatalf("quit %v, paused %v (%q)", d.quit, s.Paused, s.PauseReason)
	}
}

func TestRejectedCommandIsShownNotFatal(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("n") // nobody is here yet
	d.see("✗ nobody is here yet; mark people present first", "waiting room")
	d.press("p", "esc")
	d.notSee("✗")
}

func TestMemberSeesNoFacilitatorKeys(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	if err := d.room.Submit(fac, session.Arrive{Name: "Lukas"}); err != nil {
		t.Fatal(err)
	}
	m := New(d.room, session.RosterID("Lukas"), Options{})
	m.ticking = false
	t.Cleanup(m.Close)
	d.m = m
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.see("p park", "Lukas · member")
	d.notSee("n start", "enter mark present")
	d.press("n")
	if s := d.room.Snapshot().State; s.Phase != session.Waiting {
		t.Fatal("a member started the stand-up")
	}
}

func TestLayoutAdaptsToTheTerminal(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	d.see("60×16", "40×10") // the message itself: TestTooSmallMessageIsNeverCut
	for _, size := range [][2]int{{80, 24}, {200, 60}, {60, 16}} {
		d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(d.screen(), "\n")
		if len(lines) > size[1] {
			t.Fatalf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Fatalf("%dx%d: a line of %d cells: %q\n%s", size[0], size[1], w, l, d.screen())
			}
		}
		d.see("Missing (2)")
	}
}

func (d *driver) state() *session.State { return d.room.Snapshot().State }

func TestParkingCursorMovesOverOpenItemsOnly(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("enter", "n")
	for _, topic := range []string{"one", "two", "three"} {
		d.press("p")
		d.typeText(topic)
		d.press("enter")
	}
	d.press("n")
	d.see("parking lot", "▸ #1 one")
	d.press("r")
	d.see("▸ #2 two", "→ sent to the next retrospective")
	d.press("x")
	d.see("▸ #3 three", "→ dropped")
	d.press("d", "enter") // discussed, no note
	d.see("Every topic has an outcome")
	for id, want := range map[int]session.Status{1: session.SentToRetro, 2: session.Dropped, 3: session.Discussed} {
		if it, _ := d.state().Item(id); it.Status != want {
			t.Fatalf("#%d is %s, want %s", id, it.Status, want)
		}
	}
	d.press("x") // nothing is selected any more: nothing happens
	d.notSee("✗")
}

func TestEndPromptTakesEnterAsYes(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("e")
	d.see("End the stand-up now? (y/n)")
	d.press("enter")
	if d.state().Phase != session.Closed {
		t.Fatal("enter did not end the stand-up")
	}
	d.see("Ended before the rounds started")
}

func TestCtrlCQuitsFromAPrompt(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("p")
	d.send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if !d.quit {
		t.Fatal("ctrl+c in a prompt did not quit")
	}
}

func TestParkWithMentionsRecordsWhoStays(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter", "n")
	d.press("p")
	d.typeText("ci flakes @julia @Lukas")
	d.press("enter")
	it, ok := d.state().Item(1)
	if !ok || it.Topic != "ci flakes" || it.RaisedBy.Name != "Julia" || !it.Stays(session.RosterID("Lukas")) || !it.Stays(session.RosterID("Julia")) {
		t.Fatalf("item %+v", it)
	}
	d.see("#1 ci flakes · stays: Julia, Lukas")
}

func TestRejectedPromptKeepsWhatWasTyped(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("p")
	d.typeText("release plan @Nobody")
	d.press("enter")
	d.see("✗ nobody called Nobody is in this session", "Park a topic: release plan @Nobody")
	if len(d.state().Items) != 0 {
		t.Fatal("a rejected topic was parked")
	}
	d.press("esc")
	d.notSee("Park a topic")
}

func TestDoubleNextEndsOneTurn(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter", "n")
	// Two presses decided against the same screen, as a double tap would be.
	next := keyMsg("n")
	_, first := d.m.Update(next)
	_, second := d.m.Update(next)
	d.exec(first)
	d.exec(second)
	d.deliver()
	if s := d.state(); s.Phase != session.Rounds || len(s.Turns) != 2 {
		t.Fatalf("phase %s with %d turns, want the second turn of the rounds", s.Phase, len(s.Turns))
	}
	d.see("✗ Lukas's turn is already over", "Turn 2 of 2")
}

func TestLongListsAndNamesFitTheScreen(t *testing.T) {
	roster := []string{"Anna", "Ben", "Carla", "Dario", "Eva", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lena"}
	d := newDriver(t, session.Config{Agreements: []string{"Be on time, every single day, including Mondays after a long weekend"}}, roster...)
	d.see("Missing (12)", "▸ Anna", "more", "Be on time, every single day, including Mondays after a long weekend")
	d.press("up") // wraps to the last member, who must come into view
	d.see("▸ Lena")
	d.press("enter")
	if p, _ := d.state().Participant(session.RosterID("Lena")); !p.Present {
		t.Fatal("enter did not mark the member in view present")
	}
	d.press("n", "p")
	d.typeText("a parked topic with a rather long text to show in the panel")
	d.press("enter")
	d.clock.Advance(2 * time.Hour)
	d.press("space") // overtime in hours, paused: the longest timer line
	d.m.state = d.m.state.Clone()
	d.m.state.Config.Team = "a-team-name-that-is-far-too-long-for-narrow-terminals"
	for _, size := range [][2]int{{60, 16}, {80, 24}} {
		d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for _, l := range strings.Split(d.screen(), "\n") {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Fatalf("%dx%d: a line of %d cells: %q\n%s", size[0], size[1], w, l, d.screen())
			}
		}
		d.see("Parking lot (1)", "#1 a parked", "OVERTIME +1:", "paused")
	}
}

func TestQuickEntersMarkSuccessiveMembers(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Christian", "Julia")
	// Three presses before the room has published anything, as a fast
	// typist or a paste would give them.
	var cmds []tea.Cmd
	for range 3 {
		model, cmd := d.m.Update(keyMsg("enter"))
		d.m = model.(*Model)
		cmds = append(cmds, cmd)
	}
	// Bubble Tea runs commands concurrently, the last one first here.
	msgs := make([]chan tea.Msg, len(cmds))
	for i := len(cmds) - 1; i >= 0; i-- {
		msgs[i] = make(chan tea.Msg, 1)
		go func() { msgs[i] <- cmds[i]() }()
	}
	for _, ch := range msgs {
		model, _ := d.m.Update(<-ch)
		d.m = model.(*Model)
	}
	d.deliver()
	var last int64
	for _, name := range []string{"Lukas", "Christian", "Julia"} {
		p, _ := d.state().Participant(session.RosterID(name))
		if !p.Present || p.ArrivalSeq < last {
			t.Fatalf("%s present %v, arrival %d after %d: the keys' order was lost", name, p.Present, p.ArrivalSeq, last)
		}
		last = p.ArrivalSeq
	}
	d.see("everyone is here")
	d.notSee("✗")
}

func TestStandupWaitingRoomShowsOpenActionItems(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	retro, err := session.Create(ctx, st, session.Plan{Config: session.Config{Team: "musicstore", Kind: session.Retro},
		Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: []string{"Julia"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := session.OpenRoom(ctx, st, retro.ID, session.RoomOptions{Clock: session.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []session.Command{session.Arrive{Name: "Julia"}, session.Start{}, session.Next{}, session.Next{}, session.Next{}, session.Next{}, session.Next{}, session.Next{}} {
		if err := r.Submit(fac, c); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	if err := r.Submit(fac, session.AddAction{Text: "document the backend tests", Owner: session.RosterID("Julia")}); err != nil {
		t.Fatal(err)
	}
	r.Submit(fac, session.End{})
	r.Close()

	standup, err := session.Create(ctx, st, session.Plan{Config: session.Config{Team: "musicstore", Timebox: time.Minute},
		Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: []string{"Julia"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	room, err := session.OpenRoom(ctx, st, standup.ID, session.RoomOptions{Clock: session.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer room.Close()
	m := New(room, fac, Options{})
	defer m.Close()
	m.ticking = false
	model, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	screen := ansi.Strip(model.(*Model).View().Content)
	if !strings.Contains(screen, "Open action items (1)") || !strings.Contains(screen, "document the backend tests — Julia") {
		t.Fatalf("the stand-up's waiting room does not show the open action item:\n%s", screen)
	}
}

// Results arrive in any order (Bubble Tea runs commands concurrently):
// an older one never replaces a newer one on the status line, whether it
// was submitted or refused before submitting.
func TestOlderResultNeverHidesANewerOne(t *testing.T) {
	d := newDriver(t, session.Config{}, "ana")
	first := d.m.submit(session.Park{Topic: "first"}, "parked: first")
	refused := d.m.queue.fail(errNoSuchName("nobody"))
	last := d.m.submit(session.Park{Topic: "last"}, "parked: last")
	d.exec(last)
	d.exec(first)
	d.exec(refused)
	if d.m.status != "parked: last" || d.m.failed {
		t.Fatalf("status %q (failed %v), want the newest result", d.m.status, d.m.failed)
	}
}
