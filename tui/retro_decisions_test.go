package tui

import (
	"context"
	"testing"
	"time"

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
	d.notSeeKeys("confirm decision", "reopen")
	d.seeKeys("y change to confirmed")
	d.press("o") // it is reopened already: nothing changes
	if got := d.state().Review[0].Outcome; got != session.Reopened {
		t.Fatalf("outcome after o: %q", got)
	}
	d.press("y") // the outcome can be changed
	d.see("✓ confirmed", "confirmed: Use Postgres 17")
	if got := d.state().Review[0].Outcome; got != session.Confirmed {
		t.Fatalf("outcome after y: %q", got)
	}
	// A member sees the list, not the keys.
	a := d.as(session.RosterID("Ana"))
	a.see("Decisions to review (1)", "Use Postgres 17", "✓ confirmed")
	a.notSeeKeys("confirm decision")
}

// One cursor goes over the earlier action items, then the decisions to
// review: d, c and x act on the action item under it, y and o on the
// decision under it, and an outcome given can be changed.
func TestTheReviewCursorChoosesTheDecision(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	clock := session.NewFakeClock(t0.Add(-48 * time.Hour))
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben", "Lukas"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	// An earlier retrospective agreed an action item for Lukas.
	r1 := mustRoom(t, st, clock, session.Config{Kind: session.Retro}, team.Members...)
	for r1.Snapshot().State.Phase != session.Actions {
		if err := r1.Submit(fac, session.Next{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []session.Command{session.AddAction{Text: "fix the flaky test", Owner: lukas}, session.End{}} {
		if err := r1.Submit(fac, c); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	// Since, two decisions were taken without Ben.
	for i, text := range []string{"Use Postgres 17", "Trunk-based development"} {
		if _, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "Ana", text, []string{"Lukas"}, clock.Now().Add(time.Duration(i+1)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(24 * time.Hour)
	d := retroDriverIn(t, st, clock, session.Config{}, team.Members...)
	d.toPhase(session.Review)
	outcomes := func() []session.ReviewOutcome {
		var out []session.ReviewOutcome
		for _, e := range d.state().Review {
			out = append(out, e.Outcome)
		}
		return out
	}
	d.see("▸ #1 fix the flaky test", "Decisions to review (2)")
	d.seeKeys("d done")
	d.notSeeKeys("confirm decision")
	d.press("y") // on an action item: not for a decision
	if got := outcomes(); got[0] != "" || got[1] != "" {
		t.Fatalf("y on an action item reviewed %v", got)
	}
	d.press("down")
	d.see("▸ Use Postgres 17")
	d.notSeeKeys("d done")
	d.press("down")
	d.see("▸ Trunk-based development")
	d.seeKeys("y confirm decision", "o reopen decision")
	d.press("o") // the second one, not the next one without an outcome
	if got := outcomes(); got[0] != "" || got[1] != session.Reopened {
		t.Fatalf("outcomes %v", got)
	}
	d.press("up", "y")
	if got := outcomes(); got[0] != session.Confirmed || got[1] != session.Reopened {
		t.Fatalf("outcomes %v", got)
	}
	d.see("▸ Trunk-based development") // y moved on to the next row
	d.seeKeys("y change to confirmed")
	d.press("y")
	if got := outcomes(); got[0] != session.Confirmed || got[1] != session.Confirmed {
		t.Fatalf("outcomes after the change %v", got)
	}
	d.press("up", "up", "d") // back on the action item
	if a := d.state().Actions[0]; a.Status != session.ActionDone {
		t.Fatalf("action item %+v", a)
	}
	d.see("▸ Use Postgres 17") // d moved on to the first decision
	d.fits()

	// The closing screen lists the decisions reviewed with their outcomes.
	d.toPhase(session.Closed)
	d.see("Decisions reviewed", "Use Postgres 17", "Trunk-based development", "✓ confirmed")
	d.see("Decision log: huddle decisions --team musicstore")
}
