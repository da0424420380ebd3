package tui

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"

	"huddle/session"
	"huddle/session/sqlite"
)

// liveScreen is what an observer's screen showed live: after an event,
// or as the clock ticked on between events.
type liveScreen struct {
	seq    int64     // the last event the screen showed
	at     time.Time // the clock on the screen
	screen string
}

// liveRecorder runs a session through its Room on a fake clock and keeps
// every screen an observer saw. The observer never joined: they watch
// with the eyes a replay watches with.
type liveRecorder struct {
	t       testing.TB
	st      *sqlite.Store
	room    *session.Room
	clock   *session.FakeClock
	obs     *Model
	screens []liveScreen
}

func newLiveRecorder(t testing.TB, cfg session.Config, clock *session.FakeClock, roster ...string) *liveRecorder {
	t.Helper()
	st := mustStore(t)
	room := mustRoom(t, st, clock, cfg, roster...)
	obs := New(room, replayWatcher, Options{})
	obs.ticking = false
	t.Cleanup(obs.Close)
	r := &liveRecorder{t: t, st: st, room: room, clock: clock, obs: obs}
	r.update(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.capture()
	return r
}

func (r *liveRecorder) update(msg tea.Msg) {
	m, _ := r.obs.Update(msg)
	r.obs = m.(*Model)
}

// capture hands the observer the room's newest state, as its program
// would, and keeps the screen.
func (r *liveRecorder) capture() {
	select {
	case snap, ok := <-r.obs.sub.C():
		if ok {
			r.update(snapshotMsg(snap))
		}
	default:
	}
	r.screens = append(r.screens, liveScreen{seq: r.obs.state.Seq, at: r.obs.now, screen: ansi.Strip(r.obs.View().Content)})
}

// do submits a command for someone at the clock's time.
func (r *liveRecorder) do(who session.ParticipantID, cmds ...session.Command) {
	r.t.Helper()
	for _, c := range cmds {
		if err := r.room.Submit(who, c); err != nil {
			r.t.Fatalf("%T: %v", c, err)
		}
		r.capture()
	}
}

// wait lets time pass with no time-box running out. The observer's
// clock ticks halfway, strictly between two events, and at the end,
// which is the time of the next event.
func (r *liveRecorder) wait(d time.Duration) {
	r.t.Helper()
	r.clock.Advance(d / 2)
	r.update(tickMsg(r.clock.Now()))
	r.capture()
	r.clock.Advance(d - d/2)
	r.update(tickMsg(r.clock.Now()))
}

// expire lets a time-box run out: d passes, and the room records the
// expiry on its own, as it does live.
func (r *liveRecorder) expire(d time.Duration, timer session.TimerKind) {
	r.t.Helper()
	seq := r.room.Snapshot().State.Seq
	r.clock.Advance(d)
	limit := time.After(5 * time.Second) // only guards against a hang
	for {
		snap := r.room.Snapshot()
		if snap.State.Seq > seq {
			if e := mustEvents(r.t, r.st, snap.State.ID)[seq]; e.Type() != "expired" || e.Payload.(*session.Expired).Timer != timer {
				r.t.Fatalf("event %d is %s, want the %s time-box's expiry", seq+1, e.Type(), timer)
			}
			break
		}
		select {
		case <-limit:
			r.t.Fatalf("the %s time-box never ran out", timer)
		case <-time.After(time.Millisecond):
		}
	}
	r.capture()
}

func mustEvents(tb testing.TB, st *sqlite.Store, id string) []session.Event {
	tb.Helper()
	events, err := st.Events(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return events
}

// replayDriver runs a ReplayModel synchronously: its ticks are delivered
// by hand, so time passes only when the test says so.
type replayDriver struct {
	t      testing.TB
	r      *ReplayModel
	player *session.Player
	events []session.Event
}

func newReplayDriver(t testing.TB, st *sqlite.Store, id string, speed float64) *replayDriver {
	t.Helper()
	events := mustEvents(t, st, id)
	p := session.NewPlayer(id, events)
	t.Cleanup(func() { p.Close() })
	r := NewReplay(p, speed, ThemeDefault)
	t.Cleanup(r.Close)
	d := &replayDriver{t: t, r: r, player: p, events: events}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return d
}

// send delivers a message and returns the command the model asked for,
// without running it: a tick would sleep.
func (d *replayDriver) send(msg tea.Msg) tea.Cmd {
	d.t.Helper()
	m, cmd := d.r.Update(msg)
	d.r = m.(*ReplayModel)
	return cmd
}

// isQuit reports whether a command is tea.Quit.
func isQuit(cmd tea.Cmd) bool {
	return cmd != nil && reflect.ValueOf(cmd).Pointer() == reflect.ValueOf(tea.Quit).Pointer()
}

// tick is one tick of a playing replay, as tea.Tick delivers it; it
// returns the next tick, if the replay asked for one.
func (d *replayDriver) tick() tea.Cmd { return d.send(replayTickMsg{gen: d.r.gen}) }

func (d *replayDriver) press(keys ...string) tea.Cmd {
	d.t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		msg := keyMsg(k)
		switch k {
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		}
		cmd = d.send(msg)
	}
	return cmd
}

func (d *replayDriver) screen() string { return ansi.Strip(d.r.View().Content) }

// status is the replay's status line, the next to last of the screen.
func (d *replayDriver) status() string {
	lines := strings.Split(d.screen(), "\n")
	return strings.TrimSpace(lines[len(lines)-2])
}

func (d *replayDriver) seeStatus(want string) {
	d.t.Helper()
	if got := d.status(); got != want {
		d.t.Fatalf("status %q, want %q\n%s", got, want, d.screen())
	}
}

func (d *replayDriver) position() int64 {
	seq, _ := d.player.Position()
	return seq
}

// matches compares the replay with a live screen: the session's own
// screen inside the replay is the live one, and the replay shows the same
// header and body above its own footer.
func (d *replayDriver) matches(live liveScreen) {
	d.t.Helper()
	inner := ansi.Strip(d.r.inner.View().Content)
	if inner != live.screen {
		d.t.Fatalf("at event %d, %s, the replay differs from the live screen:\n--- live\n%s\n--- replay\n%s",
			live.seq, live.at.Format("15:04:05"), live.screen, inner)
	}
	screen := d.screen()
	outer, want := strings.Split(screen, "\n"), strings.Split(live.screen, "\n")
	if len(outer) != len(want) || strings.Join(outer[:len(outer)-2], "\n") != strings.Join(want[:len(want)-2], "\n") {
		d.t.Fatalf("at event %d the replay's screen differs above its footer:\n--- live\n%s\n--- replay\n%s",
			live.seq, live.screen, screen)
	}
	if status := strings.TrimSpace(outer[len(outer)-2]); !strings.HasPrefix(status, "replay · "+live.at.Local().Format("15:04:05")+" · event ") {
		d.t.Fatalf("status line %q at %s", status, live.at.Format("15:04:05"))
	}
}

// mustReplayAsLive replays the recorded session twice, stepping event by
// event and then playing at a speed, and checks that whenever the replay
// is where the live session was (the same event, the same time), its
// screen is the one the observer saw live.
func mustReplayAsLive(t *testing.T, rec *liveRecorder) {
	t.Helper()
	id := rec.room.ID()
	rec.room.Close() // every event is stored
	events := mustEvents(t, rec.st, id)
	atEvent := func(s liveScreen) bool { return s.at.Equal(events[s.seq-1].Time) }
	lastOfInstant := func(s liveScreen) bool { return int(s.seq) == len(events) || events[s.seq].Time.After(s.at) }

	// Step by step: the clock reads each event's time.
	d := newReplayDriver(t, rec.st, id, 10)
	d.press("space") // pause
	stepped := map[int]bool{}
	for {
		for i, s := range rec.screens {
			if s.seq == d.position() && atEvent(s) {
				d.matches(s)
				stepped[i] = true
			}
		}
		before := d.position()
		d.press("l")
		if d.position() == before {
			break
		}
	}
	if d.position() != int64(len(events)) {
		t.Fatalf("stepping stopped at %d of %d", d.position(), len(events))
	}

	// Playing at ×50, in ticks of five seconds of recorded time: every
	// moment of these sessions falls on one, ticks between events
	// included (the check below tells if one does not).
	d = newReplayDriver(t, rec.st, id, 50)
	played := map[int]bool{}
	for ticks := 0; ; ticks++ {
		for i, s := range rec.screens {
			if s.seq == d.position() && s.at.Equal(d.player.Clock().Now()) {
				d.matches(s)
				played[i] = true
			}
		}
		if !d.r.playing {
			break
		}
		if ticks > 24*3600 {
			t.Fatal("the replay never ended")
		}
		d.tick()
	}
	// Playing applies what happened at an instant when a tick reaches it,
	// so it never shows the first instant with more than the first event.
	playable := func(s liveScreen) bool { return lastOfInstant(s) && s.at.After(events[0].Time) }
	for i, s := range rec.screens {
		if (atEvent(s) && !stepped[i]) || (playable(s) && !played[i]) || (!atEvent(s) && !playable(s)) {
			t.Fatalf("live screen %d (event %d at %s) was never compared", i, s.seq, s.at.Format("15:04:05"))
		}
	}
	t.Logf("%d live screens: %d compared stepping, %d playing", len(rec.screens), len(stepped), len(played))
}

// TestReplayShowsTheLiveScreensOfAStandup is the replay's promise: the
// screen at any point equals the screen that was live at that point.
func TestReplayShowsTheLiveScreensOfAStandup(t *testing.T) {
	clock := session.NewFakeClock(t0.Add(-5 * time.Minute))
	rec := newLiveRecorder(t, session.Config{ScheduledAt: t0, Timebox: 8 * time.Minute, Turn: 2 * time.Minute,
		Agreements: []string{"Be on time"}}, clock, "Lukas", "Christian", "Julia")

	// The waiting room.
	rec.wait(2 * time.Minute)
	rec.do(fac, session.Arrive{Name: "Lukas"}, session.Arrive{Name: "Julia"}, session.Park{Topic: "release date"})
	rec.wait(3 * time.Minute)

	// The rounds: a blocker, a turn that runs over, a pause, a late
	// arrival, a skip.
	rec.do(fac, session.Start{}, session.NoteBlocker{Text: "build is red"})
	rec.wait(time.Minute)
	rec.do(session.RosterID("Julia"), session.Park{Topic: "integration tests"})
	rec.expire(time.Minute+10*time.Second, session.TurnTimer)
	rec.wait(20 * time.Second)
	rec.do(fac, session.Pause{Reason: "fire drill"})
	rec.wait(10 * time.Minute)
	rec.do(fac, session.Resume{}, session.Extend{By: time.Minute}) // 0:30 left
	rec.wait(20 * time.Second)
	rec.do(fac, session.Arrive{Name: "Christian"}, session.Next{}, session.Skip{})
	rec.wait(time.Minute)
	rec.do(fac, session.Next{})
	rec.wait(30 * time.Second)
	rec.do(fac, session.Next{})

	// The parking lot and the summary.
	rec.do(fac, session.Stay{Item: 1, Who: session.RosterID("Lukas"), Stay: true},
		session.Resolve{Item: 1, Status: session.Decided, Note: "ship on Friday"})
	rec.wait(time.Minute)
	rec.do(fac, session.Resolve{Item: 2, Status: session.SentToRetro}, session.Next{})
	if s := rec.room.Snapshot().State; s.Phase != session.Closed {
		t.Fatalf("the stand-up is %s, want closed", s.Phase)
	}
	if !strings.Contains(rec.screens[len(rec.screens)-1].screen, "summary") {
		t.Fatalf("the last live screen is not the summary:\n%s", rec.screens[len(rec.screens)-1].screen)
	}
	mustReplayAsLive(t, rec)
}

func TestReplayShowsTheLiveScreensOfARetrospective(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  session.Config
	}{
		{"named", session.Config{Kind: session.Retro}},
		{"anonymous", session.Config{Kind: session.Retro, Anonymous: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := newLiveRecorder(t, tc.cfg, session.NewFakeClock(t0), "Lukas", "Julia")
			rec.do(fac, session.Arrive{Name: "maria"}, session.Arrive{Name: "Lukas"}, session.Arrive{Name: "Julia"})
			rec.wait(time.Minute)
			rec.do(fac, session.Start{})
			rec.do(julia, session.CheckInWord{Word: "curious"})
			rec.do(lukas, session.CheckInWord{Word: "tired"})
			rec.wait(time.Minute)
			rec.do(fac, session.Next{}, session.Next{}) // review, then write

			// Cards hidden from the observer until they are revealed.
			rec.do(julia, session.AddCard{Column: 0, Text: "pairing helped"})
			rec.wait(30 * time.Second)
			rec.do(lukas, session.AddCard{Column: 0, Text: "pairing on tests"}, session.AddCard{Column: 1, Text: "standups run long"})
			rec.expire(7*time.Minute, session.PhaseTimerKind)
			rec.do(fac, session.Extend{By: time.Minute}, session.Reveal{})
			rec.wait(20 * time.Second)
			rec.do(fac, session.Next{})

			// Group, vote, discuss, act, score.
			rec.do(fac, session.GroupCard{Card: 2, Onto: 1}, session.NameGroup{Group: 1, Name: "Pairing"})
			rec.wait(time.Minute)
			rec.do(fac, session.Next{})
			rec.do(julia, session.CastVote{Group: 1}, session.CastVote{Group: 3})
			rec.do(lukas, session.CastVote{Group: 1})
			rec.wait(30 * time.Second)
			rec.do(fac, session.Next{})
			rec.do(julia, session.AddNote{Text: "works best for tests"})
			rec.do(fac, session.RecordDecision{Text: "pair on every test"}, session.Thumb{Up: false})
			rec.wait(time.Minute)
			rec.do(fac, session.Next{}, session.Next{})
			if s := rec.room.Snapshot().State; s.Phase != session.Actions {
				t.Fatalf("the retrospective is in %s, want actions", s.Phase)
			}
			rec.do(fac, session.AddAction{Text: "shorter stand-ups", Owner: lukas})
			rec.do(fac, session.Next{})
			rec.do(julia, session.GiveRoti{Score: 4})
			rec.do(lukas, session.GiveRoti{Score: 5})
			rec.wait(20 * time.Second)
			rec.do(fac, session.Next{})
			if s := rec.room.Snapshot().State; s.Phase != session.Closed {
				t.Fatalf("the retrospective is %s, want closed", s.Phase)
			}
			mustReplayAsLive(t, rec)
		})
	}
}

// mustRecordShortStandup records a short stand-up and returns its
// replay, playing from the start.
func mustRecordShortStandup(t *testing.T) *replayDriver {
	t.Helper()
	clock := session.NewFakeClock(t0)
	rec := newLiveRecorder(t, session.Config{}, clock, "Lukas", "Julia")
	rec.do(fac, session.Arrive{Name: "Lukas"}, session.Arrive{Name: "Julia"}, session.Park{Topic: "release date"}) // 2-4
	rec.wait(time.Minute)
	rec.do(fac, session.Start{}) // 5, 6 at 10:01: the rounds, the first turn
	rec.wait(time.Minute)
	rec.do(fac, session.Next{}) // 7, 8
	rec.wait(time.Minute)
	rec.do(fac, session.Next{}) // 9, 10 at 10:03: the parking lot
	rec.wait(time.Minute)
	rec.do(fac, session.Resolve{Item: 1, Status: session.Dropped}, session.Next{}) // 11, 12 at 10:04: the end
	id := rec.room.ID()
	rec.room.Close()
	d := newReplayDriver(t, rec.st, id, 10)
	if _, total := d.player.Position(); total != 12 {
		t.Fatalf("%d events, want 12", total)
	}
	return d
}

func TestReplayKeysMoveThroughTheSession(t *testing.T) {
	d := mustRecordShortStandup(t)
	if d.r.Init() == nil {
		t.Fatal("the replay does not start playing")
	}
	d.seeStatus("replay · 10:00:00 · event 1 of 12 · ×10 · playing")
	if !strings.Contains(d.screen(), "space pause") {
		t.Fatalf("the footer lacks the replay's keys:\n%s", d.screen())
	}
	if d.press("space") != nil {
		t.Fatal("pause kept ticking")
	}
	d.seeStatus("replay · 10:00:00 · event 1 of 12 · ×10 · paused")
	d.tick() // a tick of the chain before the pause changes nothing
	d.seeStatus("replay · 10:00:00 · event 1 of 12 · ×10 · paused")

	d.press("l", "right")
	d.seeStatus("replay · 10:00:00 · event 3 of 12 · ×10 · paused")
	d.press("h")
	d.seeStatus("replay · 10:00:00 · event 2 of 12 · ×10 · paused")
	d.press("left", "left")
	d.seeStatus("replay · 10:00:00 · event 1 of 12 · ×10 · paused")

	// Phases: the rounds start at event 5, the parking lot at 10.
	d.press("]")
	d.seeStatus("replay · 10:01:00 · event 5 of 12 · ×10 · paused")
	if !strings.Contains(d.screen(), "rounds") {
		t.Fatalf("] did not jump to the rounds:\n%s", d.screen())
	}
	d.press("l", "l")
	d.seeStatus("replay · 10:02:00 · event 7 of 12 · ×10 · paused")
	d.press("[")
	d.seeStatus("replay · 10:01:00 · event 5 of 12 · ×10 · paused")
	d.press("[")
	d.seeStatus("replay · 10:00:00 · event 1 of 12 · ×10 · paused")
	d.press("]", "]")
	d.seeStatus("replay · 10:03:00 · event 10 of 12 · ×10 · paused")
	if !strings.Contains(d.screen(), "parking lot") {
		t.Fatalf("] did not jump to the parking lot:\n%s", d.screen())
	}
	d.press("]")
	d.seeStatus("replay · 10:04:00 · event 12 of 12 · ×10 · the end")
	if !strings.Contains(d.screen(), "summary") {
		t.Fatalf("] did not jump to the summary:\n%s", d.screen())
	}

	// Speed: doubled while at most the most, halved while at least the
	// least, so that it comes back to where it was.
	d.press("+")
	d.seeStatus("replay · 10:04:00 · event 12 of 12 · ×20 · the end")
	for range 12 {
		d.press("+")
	}
	d.seeStatus("replay · 10:04:00 · event 12 of 12 · ×640 · the end")
	d.press("-", "-")
	d.seeStatus("replay · 10:04:00 · event 12 of 12 · ×160 · the end")
	for range 20 {
		d.press("-")
	}
	d.seeStatus("replay · 10:04:00 · event 12 of 12 · ×0.07812 · the end")
	d.press("+", "+", "+", "+", "+", "+", "+")
	d.seeStatus("replay · 10:04:00 · event 12 of 12 · ×10 · the end")

	// Space at the end plays again from the start; ticks play it, each
	// asking for the next.
	if d.press("space") == nil {
		t.Fatal("play did not start the ticks")
	}
	d.seeStatus("replay · 10:00:00 · event 1 of 12 · ×10 · playing")
	for range 30 {
		if d.tick() == nil {
			t.Fatal("a playing replay stopped ticking")
		}
	}
	d.seeStatus("replay · 10:00:30 · event 4 of 12 · ×10 · playing")
	d.press("]") // a jump keeps playing
	d.seeStatus("replay · 10:01:00 · event 5 of 12 · ×10 · playing")
	d.press("l") // a step pauses
	d.seeStatus("replay · 10:01:00 · event 6 of 12 · ×10 · paused")
	d.press("space")
	ticks := 0
	for d.tick() != nil {
		ticks++
	}
	d.seeStatus("replay · 10:04:00 · event 12 of 12 · ×10 · the end")
	if ticks != 179 { // from 10:01:00 to 10:04:00, a second a tick
		t.Fatalf("%d ticks to the end, want 179", ticks)
	}

	// The session's own keys do nothing; q quits.
	for _, k := range []string{"n", "p", "e", "enter", "esc", "b", "a"} {
		if cmd := d.press(k); cmd != nil {
			t.Fatalf("%s gave a command", k)
		}
	}
	d.seeStatus("replay · 10:04:00 · event 12 of 12 · ×10 · the end")
	if !isQuit(d.press("q")) {
		t.Fatal("q did not quit")
	}
}

func TestReplayFooterShowsOnlyKeysThatWork(t *testing.T) {
	d := mustRecordShortStandup(t)
	d.press("space")
	footer := func() string {
		lines := strings.Split(d.screen(), "\n")
		return lines[len(lines)-1]
	}
	for _, want := range []string{"space play", "→/l step", "[/] phase", "+/- speed", "q quit"} {
		if !strings.Contains(footer(), want) {
			t.Fatalf("footer %q lacks %q", footer(), want)
		}
	}
	for _, unwanted := range []string{"←/h back", "scroll", "? more", "n start", "p park"} {
		if strings.Contains(footer(), unwanted) {
			t.Fatalf("footer %q shows %q", footer(), unwanted)
		}
	}
	d.press("]", "]", "]")
	for _, want := range []string{"space play again", "←/h back", "↑/↓ scroll"} {
		if !strings.Contains(footer(), want) {
			t.Fatalf("at the end, footer %q lacks %q", footer(), want)
		}
	}
	if strings.Contains(footer(), "→/l step") {
		t.Fatalf("at the end, footer %q offers a step", footer())
	}
	for _, size := range [][2]int{{80, 24}, {60, 16}, {200, 60}} {
		d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(d.screen(), "\n")
		if len(lines) != size[1] {
			t.Fatalf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Fatalf("%dx%d: a line of %d cells: %q", size[0], size[1], w, l)
			}
		}
	}
}

func TestReplayCloseLeavesNothingRunning(t *testing.T) {
	rec := newLiveRecorder(t, session.Config{}, session.NewFakeClock(t0), "Lukas")
	rec.do(fac, session.Arrive{Name: "Lukas"}, session.Start{}, session.End{})
	rec.room.Close()
	events := mustEvents(t, rec.st, rec.room.ID())
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := session.NewPlayer(rec.room.ID(), events)
	r := NewReplay(p, MaxReplaySpeed, ThemeDefault)
	m, _ := r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m, _ = m.Update(keyMsg("n")) // a session key: nothing is submitted
	if _, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyRight}); cmd != nil {
		t.Fatal("a step asked for a command")
	}
	r.Close()
	p.Close()
}
