package tui

import (
	"testing"

	"huddle/session"
)

// The review phase lists the decision taken while Ben was absent; the
// facilitator confirms or reopens it, and the list shows the outcome.
func TestTheReviewConfirmsOrReopensDecisions(t *testing.T) {
	d, _ := newTeamDriver(t, session.Config{Kind: session.Retro}, []string{"Ana", "Ben", "Lukas"}, decidedWithoutBen)
	d.press("enter") // Ana
	d.press("n")     // check-in
	d.press("n")     // review
	if d.state().Phase != session.Review {
		t.Fatalf("phase %v", d.state().Phase)
	}
	d.see("Decisions to review (1)", "▸ Use Postgres 17", "absent: Ben")
	d.seeKeys("y confirm decision", "o reopen decision")
	d.press("o")
	d.see("↺ reopened", "reopened: Use Postgres 17")
	if got := d.state().Review[0].Outcome; got != session.Reopened {
		t.Fatalf("outcome %q", got)
	}
	d.notSeeKeys("confirm decision")
	d.press("y") // nothing left to review: y does nothing
	if got := d.state().Review[0].Outcome; got != session.Reopened {
		t.Fatalf("outcome after y: %q", got)
	}
	// A member sees the list, not the keys.
	a := d.as(session.RosterID("Ana"))
	a.see("Decisions to review (1)", "Use Postgres 17", "↺ reopened")
	a.notSeeKeys("confirm decision")
}
