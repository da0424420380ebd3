package session_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"huddle/session"
)

// A member who missed a decision acknowledges it in the next session: the
// session records it (missed-acknowledged, version 2), and the room
// writes it to the team's log, so the decision log and "what you missed"
// know it was seen.
func TestAcknowledgeMissedInASession(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben", "Lukas"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	d, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "Ana", "Use Postgres 17", nil, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	info := mustCreate(t, st, session.Config{}, "Ana", "Ben", "Lukas")
	r := mustRoom(t, st, info.ID, session.NewFakeClock(t0))

	m, err := r.Missed("ben")
	if err != nil || len(m.Decisions) != 1 || m.Decisions[0].Ref != d.Ref {
		t.Fatalf("Ben missed %+v, %v", m, err)
	}
	ben, lukas := session.RosterID("Ben"), session.RosterID("Lukas")
	ack := session.AcknowledgeMissed{Who: ben, Refs: []string{d.Ref}}
	if err := r.Submit(fac, ack); !errors.Is(err, session.ErrConflict) {
		t.Errorf("Ben acknowledges before he is here: %v", err)
	}
	mustSubmit(t, r, fac, session.Arrive{Who: ben})
	mustSubmit(t, r, fac, session.Arrive{Who: lukas})
	if err := r.Submit(lukas, ack); !errors.Is(err, session.ErrForbidden) {
		t.Errorf("Lukas acknowledges for Ben: %v", err)
	}
	if err := r.Submit(fac, session.AcknowledgeMissed{Who: ben, Refs: []string{"team/1; drop"}}); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("a bad ref: %v", err)
	}
	if err := r.Submit(fac, session.AcknowledgeMissed{Who: fac}); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("the facilitator, not on the roster, acknowledges: %v", err)
	}
	u, err := r.Unseen()
	if err != nil || len(u) != 2 || u[0].Member != "Ben" || u[1].Member != "Lukas" || len(u[0].Decisions) != 1 {
		t.Fatalf("unseen before: %+v, %v", u, err)
	}
	// At the shared keyboard the facilitator acknowledges for Ben, who
	// was marked present by name.
	mustSubmit(t, r, fac, ack)

	evs, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	last, ok := evs[len(evs)-1].Payload.(*session.MissedAcknowledged)
	if !ok || last.Who.ID != ben || !slices.Equal(last.Decisions, []string{d.Ref}) || session.Since(evs[len(evs)-1].Type()) != 2 {
		t.Fatalf("the last event is %T %+v", evs[len(evs)-1].Payload, evs[len(evs)-1].Payload)
	}
	log, err := st.TeamLog(ctx, "musicstore")
	if err != nil {
		t.Fatal(err)
	}
	a, ok := log[len(log)-1].Payload.(*session.Acknowledged)
	if !ok || a.Decision != d.Ref || a.Who != "Ben" || log[len(log)-1].Actor != "local:Ben" {
		t.Fatalf("the team log ends with %+v by %s", log[len(log)-1].Payload, log[len(log)-1].Actor)
	}
	if m, _ := r.Missed("Ben"); len(m.Decisions) != 0 {
		t.Errorf("Ben still missed %+v", m.Decisions)
	}
	if u, _ := r.Unseen(); len(u) != 1 || u[0].Member != "Lukas" {
		t.Errorf("unseen after: %+v", u)
	}
	// Acknowledging again writes nothing more to the team's log.
	mustSubmit(t, r, fac, ack)
	if again, _ := st.TeamLog(ctx, "musicstore"); len(again) != len(log) {
		t.Errorf("the team log grew to %d events", len(again))
	}
	if err := session.Fold(info.ID, evs).Validate(); err != nil {
		t.Error(err)
	}
}

// A member who joined with their own key acknowledges for themselves:
// nobody acknowledges for them, and the team's log records them as the
// actor.
func TestOnlyTheMemberAcknowledgesWhatTheyMissedWithTheirKey(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	d, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "Ana", "Use Postgres 17", nil, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	info := mustCreate(t, st, session.Config{}, "Ana", "Ben")
	r := mustRoom(t, st, info.ID, session.NewFakeClock(t0))
	mustSubmit(t, r, session.SSHID("SHA256:ben"), session.Join{Key: "SHA256:ben", Name: "Ben"})
	p, ok := r.Snapshot().State.ByKey("SHA256:ben")
	if !ok || !p.Present {
		t.Fatalf("Ben did not join: %+v", p)
	}
	ben := p.ID
	if err := r.Submit(fac, session.AcknowledgeMissed{Who: ben, Refs: []string{d.Ref}}); !errors.Is(err, session.ErrForbidden) {
		t.Errorf("the facilitator acknowledges for Ben, who is here with his key: %v", err)
	}
	mustSubmit(t, r, ben, session.AcknowledgeMissed{Refs: []string{d.Ref}})
	log, _ := st.TeamLog(ctx, "musicstore")
	if e := log[len(log)-1]; e.Actor != session.RosterID("Ben") {
		t.Errorf("the team log records %s", e.Actor)
	}
}

// A retrospective's review confirms or reopens a decision on its list.
func TestReviewDecision(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	d, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "Ana", "Use Postgres 17", nil, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	info := mustCreate(t, st, session.Config{Kind: session.Retro}, "Ana", "Ben")
	clock := session.NewFakeClock(t0)
	r := mustRoom(t, st, info.ID, clock)
	if s := r.Snapshot().State; len(s.Review) != 1 || s.Review[0].Ref != d.Ref {
		t.Fatalf("review list %+v", s.Review)
	}
	confirm := session.ReviewDecision{Decision: d.Ref, Outcome: session.Confirmed}
	if err := r.Submit(fac, confirm); !errors.Is(err, session.ErrPhase) {
		t.Errorf("confirmed in the waiting room: %v", err)
	}
	mustSubmit(t, r, fac, session.Arrive{Who: session.RosterID("Ana")})
	mustSubmit(t, r, fac, session.Start{})
	mustSubmit(t, r, fac, session.Next{Step: r.Snapshot().State.Step()}) // check-in → review
	if p := r.Snapshot().State.Phase; p != session.Review {
		t.Fatalf("phase %v", p)
	}
	if err := r.Submit(session.RosterID("Ana"), confirm); !errors.Is(err, session.ErrForbidden) {
		t.Errorf("a member confirms: %v", err)
	}
	if err := r.Submit(fac, session.ReviewDecision{Decision: "team/9", Outcome: session.Confirmed}); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("a decision not on the list: %v", err)
	}
	if err := r.Submit(fac, session.ReviewDecision{Decision: d.Ref, Outcome: "maybe"}); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("an unknown outcome: %v", err)
	}
	mustSubmit(t, r, fac, confirm)
	mustSubmit(t, r, fac, session.ReviewDecision{Decision: d.Ref, Outcome: session.Reopened})
	s := r.Snapshot().State
	if s.Review[0].Outcome != session.Reopened {
		t.Fatalf("outcome %q", s.Review[0].Outcome)
	}
	evs, _ := st.Events(ctx, info.ID)
	if f := session.Fold(info.ID, evs); f.Review[0].Outcome != session.Reopened || f.Validate() != nil {
		t.Errorf("the fold: %q %v", f.Review[0].Outcome, f.Validate())
	}
}

// The decision log carries what the last retrospective's review made of a
// decision (outcome, facilitator, time, retrospective), and a later
// retrospective that lists it again reviews it afresh.
func TestDecisionLogCarriesTheReview(t *testing.T) {
	for _, tc := range []struct {
		name     string
		outcomes []session.ReviewOutcome
		want     session.ReviewOutcome
	}{
		{"not reviewed", nil, ""},
		{"confirmed", []session.ReviewOutcome{session.Confirmed}, session.Confirmed},
		{"reopened", []session.ReviewOutcome{session.Reopened}, session.Reopened},
		{"changed: the last outcome stands", []session.ReviewOutcome{session.Confirmed, session.Reopened}, session.Reopened},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := mustStore(t, t.TempDir())
			t.Cleanup(func() { st.Close() })
			team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"}}
			if err := st.PutTeam(ctx, team); err != nil {
				t.Fatal(err)
			}
			d, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "Ana", "Use Postgres 17", nil, t0.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			info := mustCreate(t, st, session.Config{Kind: session.Retro}, "Ana", "Ben")
			clock := session.NewFakeClock(t0)
			r := mustRoom(t, st, info.ID, clock)
			mustSubmit(t, r, fac, session.Arrive{Who: session.RosterID("Ana")})
			mustSubmit(t, r, fac, session.Start{})
			mustSubmit(t, r, fac, session.Next{Step: r.Snapshot().State.Step()}) // check-in → review
			for _, o := range tc.outcomes {
				clock.Advance(time.Minute)
				mustSubmit(t, r, fac, session.ReviewDecision{Decision: d.Ref, Outcome: o})
			}
			reviewedAt := clock.Now()
			h, err := session.LoadTeamHistory(ctx, st, team)
			if err != nil {
				t.Fatal(err)
			}
			e, err := session.FindDecision(h.Decisions(), d.Ref)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case e.Outcome != tc.want:
				t.Errorf("outcome %q, want %q", e.Outcome, tc.want)
			case tc.want == "" && e.Reviewed != nil:
				t.Errorf("reviewed %+v, want none", *e.Reviewed)
			case tc.want != "" && (e.Reviewed == nil || *e.Reviewed != session.Reviewed{Outcome: tc.want, By: "maria", At: reviewedAt, Session: info.ID}):
				t.Errorf("reviewed %+v", e.Reviewed)
			}
			if _, err := session.AskReview(ctx, st, team, session.LocalCaller(), "Ben", d.Ref, "", t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			next := mustCreate(t, st, session.Config{Kind: session.Retro}, "Ana", "Ben")
			evs, _ := st.Events(ctx, next.ID)
			s := session.Fold(next.ID, evs)
			if len(s.Review) != 1 || s.Review[0].Outcome != "" || s.Review[0].Reviewed != nil {
				t.Errorf("the next retrospective's review list %+v", s.Review)
			}
		})
	}
}
