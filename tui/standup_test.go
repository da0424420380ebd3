package tui

import (
	"testing"

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
