package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

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
