package tui

import (
	"context"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/sqlite"
)

// Lukas wrote his update beforehand and Ben is away: the waiting room
// says Ben is excused, and Lukas's turn shows what he wrote, with when,
// for the facilitator to read out; Ben is never late.
func TestPreparedTurnAndExcusedInTheStandup(t *testing.T) {
	written := t0.Add(-2 * time.Hour)
	d, _ := newTeamDriver(t, session.Config{}, []string{"Ana", "Ben", "Lukas"}, func(ctx context.Context, st *sqlite.Store, team session.Team) {
		if _, err := session.PrepareUpdate(ctx, st, team, session.LocalCaller(), "Lukas", "fixed the build", "release 2.3", []string{"no test device"}, written); err != nil {
			t.Fatal(err)
		}
		if _, err := session.GoAway(ctx, st, team, session.LocalCaller(), "Ben", "", t0.Add(48*time.Hour).Format(time.DateOnly), written, time.Local); err != nil {
			t.Fatal(err)
		}
	})
	d.see("Ben (excused)", "Lukas (update written)")
	d.notSee("Lukas (excused)")
	d.press("enter") // Ana
	d.press("n")     // start
	d.see("Ana", "Up next  Lukas")
	d.notSee("written")
	d.press("n") // Lukas's turn: his written update
	d.see("Lukas · written "+written.In(time.Local).Format("Mon 15:04"), "read it out, or move on",
		"yesterday  fixed the build", "today      release 2.3", "blocker    no test device", "Ben (excused)")
	if pr, ok := d.state().PreparedBy(session.RosterID("Lukas")); !ok || pr.Replaced {
		t.Fatalf("prepared %+v %v", pr, ok)
	}
}

// A late arrival who speaks in their own turn replaces their written
// update: it is no longer shown.
func TestALateArrivalReplacesTheWrittenUpdate(t *testing.T) {
	d, _ := newTeamDriver(t, session.Config{}, []string{"Ana", "Lukas"}, func(ctx context.Context, st *sqlite.Store, team session.Team) {
		if _, err := session.PrepareUpdate(ctx, st, team, session.LocalCaller(), "Lukas", "", "release 2.3", nil, t0.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	})
	d.press("enter") // Ana
	d.press("n")
	d.clock.Advance(2 * time.Minute)
	d.press("a") // Lukas comes late
	d.typeText("Lukas")
	d.press("enter")
	d.press("n")
	d.see("Lukas")
	d.notSee("written", "release 2.3")
	if pr, _ := d.state().PreparedBy(session.RosterID("Lukas")); !pr.Replaced {
		t.Fatal("Lukas's update was not replaced")
	}
}
