package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"huddle/session"
)

func TestUpNextListsOnlyThoseHere(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia", "Jörg")
	d.press("enter", "enter", "enter", "n")
	d.see("Turn 1 of 3", "Up next  Julia, Jörg")
	if err := d.room.Submit(fac, session.Leave{Who: session.RosterID("Julia")}); err != nil {
		t.Fatal(err)
	}
	d.deliver()
	d.see("Up next  Jörg", "Missing  Julia (away)")
	d.press("n")
	d.see("Jörg", "Up next  nobody: this is the last turn")
	if sp, _ := d.state().Speaker(); sp.Name != "Jörg" {
		t.Fatalf("speaker %s, want Jörg: Julia is away", sp.Name)
	}
}

// asMember makes the driver show the session to a member instead of the
// facilitator.
func (d *driver) asMember(id session.ParticipantID) {
	d.t.Helper()
	m := New(d.room, id, Options{})
	m.ticking = false
	d.t.Cleanup(m.Close)
	d.m = m
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
}

func TestMembersBlockerIsTheirOwn(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter", "n") // Lukas speaks
	d.asMember(session.RosterID("Julia"))
	d.press("b")
	d.see("Your blocker:")
	d.typeText("waiting for the API review")
	d.press("enter")
	if bs := d.state().Blockers; len(bs) != 1 || bs[0].Speaker.Name != "Julia" {
		t.Fatalf("blockers %+v, want one of Julia's", bs)
	}
	d.see("Julia: waiting for the API review")
}

func TestFacilitatorChoosesWhoseBlocker(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter", "n") // Lukas speaks
	d.press("b")
	d.see("Blocker for Lukas")
	d.typeText("build is red")
	d.press("enter")
	d.press("b")
	d.typeText("@jul")
	d.press("tab")
	d.typeText("needs prod access")
	d.press("enter")
	d.see("blocker noted for Julia")
	d.press("b")
	d.typeText("@Nobody x")
	d.press("enter")
	d.see("✗ nobody called Nobody is in this session")
	bs := d.state().Blockers
	if len(bs) != 2 || bs[0].Speaker.Name != "Lukas" || bs[1].Speaker.Name != "Julia" || bs[1].Text != "needs prod access" {
		t.Fatalf("blockers %+v", bs)
	}
}

func TestQuickNextsOnTheLastTurnKeepTheParkingLot(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("enter", "n", "p")
	d.typeText("release date")
	d.press("enter")
	d.press("n", "n") // the last turn: to the parking lot, then a quick second n
	if s := d.state(); s.Phase != session.Parking {
		t.Fatalf("phase %s after two quick n, want the parking lot", s.Phase)
	}
	d.see("End with 1 topic still open in the parking lot? (y/n)")
	d.press("n") // a third n answers no, it never confirms
	if s := d.state(); s.Phase != session.Parking {
		t.Fatalf("phase %s: an n confirmed the end", s.Phase)
	}
	d.notSee("(y/n)")
	d.see("#1 release date")
	d.press("n", "enter")
	if s := d.state(); s.Phase != session.Closed || len(s.OpenItems()) != 1 {
		t.Fatalf("phase %s with %d open, want the end with the topic open", s.Phase, len(s.OpenItems()))
	}
}

func TestEndingOnTheLastTurnAsks(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("enter", "n", "n")
	d.see("Last turn: end the stand-up? (y/n)")
	d.press("n")
	if s := d.state(); s.Phase != session.Rounds {
		t.Fatalf("phase %s: the stand-up ended without a yes", s.Phase)
	}
	d.press("n", "y")
	if s := d.state(); s.Phase != session.Closed {
		t.Fatalf("phase %s after y, want closed", s.Phase)
	}
	d.see("summary")
}

func TestSummaryListsWatchersApart(t *testing.T) {
	d := newDriver(t, session.Config{OpenDoor: true}, "Lukas") // the watcher needs no letting in
	if err := d.room.Submit(session.SSHID("k-olga"), session.Join{Key: "k-olga", Name: "Olga", Observer: true}); err != nil {
		t.Fatal(err)
	}
	d.press("enter", "e", "y")
	d.see("Attendance", "✓ Lukas on time", "Watching (not attending): Olga")
	d.notSee("✓ Olga", "Olga on time", "Olga absent")
}

func TestAnOlderResultDoesNotHideANewerNotice(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	park := func(topic string) tea.Cmd {
		d.press("p")
		d.typeText(topic)
		model, cmd := d.m.Update(keyMsg("enter"))
		d.m = model.(*Model)
		return cmd
	}
	first, second := park("first topic"), park("second topic")
	// Bubble Tea runs the two commands concurrently: the second's result
	// may arrive first.
	newer, older := second(), first()
	for _, msg := range []tea.Msg{newer, older} {
		model, _ := d.m.Update(msg)
		d.m = model.(*Model)
	}
	d.deliver()
	d.see("✓ parked: second topic", "#1 first topic", "#2 second topic")
	d.notSee("✓ parked: first topic")
}

// The idle timeout is for sessions that have ended: nobody in a running
// session, or watching one, is cut off for not pressing keys.
func TestIdleTimeoutOnlyOnceTheSessionEnded(t *testing.T) {
	d := newDriver(t, session.Config{OpenDoor: true}, "Lukas", "Julia") // the watcher needs no letting in
	if err := d.room.Submit(session.SSHID("k-olga"), session.Join{Key: "k-olga", Name: "Olga", Observer: true}); err != nil {
		t.Fatal(err)
	}
	d.press("enter", "enter", "n") // the stand-up runs
	for _, id := range []session.ParticipantID{session.RosterID("Julia"), session.SSHID("k-olga"), fac} {
		m := New(d.room, id, Options{IdleTimeout: time.Minute})
		m.ticking = false
		t.Cleanup(m.Close)
		d.m = m
		d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		d.clock.Advance(10 * time.Minute)
		d.send(tickMsg(d.clock.Now()))
		if d.quit || d.m.Idled() {
			t.Fatalf("%s was disconnected from a running session", id)
		}
	}
	d.press("e", "y")
	if d.state().Phase != session.Closed {
		t.Fatal("the stand-up did not end")
	}
	d.clock.Advance(30 * time.Second)
	d.send(tickMsg(d.clock.Now()))
	if d.quit {
		t.Fatal("disconnected 30s after the end, within the idle timeout")
	}
	d.clock.Advance(31 * time.Second)
	d.send(tickMsg(d.clock.Now()))
	if !d.quit || !d.m.Idled() {
		t.Fatal("still connected a minute after the end without a key")
	}
}

// Everyone sees who facilitates, and a hand-over is announced on every
// screen.
func TestEveryoneSeesWhoFacilitatesAndHandOvers(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter") // both here
	d.see("facilitator: you")
	if err := d.room.Submit(fac, session.HandOver{To: session.RosterID("Lukas")}); err != nil {
		t.Fatal(err)
	}
	d.deliver()
	d.see("facilitator: Lukas", "Lukas facilitates now (handed over by maria)")
	d.asMember(session.RosterID("Julia"))
	d.see("facilitator: Lukas")
	if err := d.room.Submit(session.RosterID("Lukas"), session.HandOver{To: session.RosterID("Julia")}); err != nil {
		t.Fatal(err)
	}
	d.deliver()
	d.see("facilitator: you", "you facilitate now (handed over by Lukas)")
}

// t is offered only once a take-over would work, and the take-over is
// announced to everyone.
func TestTakeOverIsOfferedOnlyWhenItWouldWork(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter", "n") // the stand-up runs
	// maria, at the shared keyboard, never came: the wait counts from
	// the planned start.
	lukas := New(d.room, session.RosterID("Lukas"), Options{})
	lukas.ticking = false
	t.Cleanup(lukas.Close)
	d.asMember(session.RosterID("Julia"))
	d.see("facilitator: maria (away)")
	d.notSee("t take over")
	d.clock.Advance(t0.Add(session.TakeOverAfter - time.Second).Sub(d.clock.Now()))
	d.send(tickMsg(d.clock.Now()))
	d.notSee("t take over")
	d.clock.Advance(time.Second)
	d.send(tickMsg(d.clock.Now()))
	d.see("t take over")
	d.press("t")
	d.see("facilitator: you", "you facilitate now (took over from maria, who was away)")
	snap := d.room.Snapshot()
	model, _ := lukas.Update(snapshotMsg(snap))
	if s := ansi.Strip(model.(*Model).View().Content); !strings.Contains(s, "Julia facilitates now (took over from maria, who was away)") {
		t.Fatalf("Lukas was not told:\n%s", s)
	}
}

// TestSharedKeyboardKeepsTheStandupsFacilitatorRole: at the shared
// keyboard f hands nothing away (the keyboard would lock itself out); it
// says why, and the keyboard goes on running the stand-up.
func TestSharedKeyboardKeepsTheStandupsFacilitatorRole(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter")
	d.press("?")
	d.notSee("f hand over")
	d.press("?")
	d.press("f")
	d.see("the keyboard facilitates")
	d.notSee("Hand the facilitator role to")
	if s := d.state(); s.Facilitator != fac {
		t.Fatalf("the facilitator is %s at the shared keyboard", s.Facilitator)
	}
	d.press("n")
	if s := d.state(); s.Phase != session.Rounds {
		t.Fatalf("the keyboard lost control: phase %s", s.Phase)
	}
}
