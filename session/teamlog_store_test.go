package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

func TestTeamLogThroughTheStore(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben", "Lukas"},
		Keys: map[string]string{"Ana": "SHA256:ana", "Ben": "SHA256:ben", "Lukas": "SHA256:lukas"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	ana, ben, lukas := session.KeyCaller("SHA256:ana"), session.KeyCaller("SHA256:ben"), session.KeyCaller("SHA256:lukas")
	stranger := session.KeyCaller("SHA256:stranger")
	now := t0.Add(-24 * time.Hour)

	// Who may write to the team's log.
	if _, err := session.DecideOutside(ctx, st, team, stranger, "", "Postgres", nil, now); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("a stranger decides: %v", err)
	}
	if _, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "", "Postgres", nil, now); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("the operator decides for nobody: %v", err)
	}
	if _, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "Zoe", "Postgres", nil, now); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the operator decides for someone off the roster: %v", err)
	}
	if _, err := session.DecideOutside(ctx, st, team, ana, "", " \x1b[2J ", nil, now); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("an empty decision: %v", err)
	}

	d, err := session.DecideOutside(ctx, st, team, ana, "", "Use Postgres 17", []string{"lukas"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if d.Ref != "team/1" || !slices.Equal(d.Present, []string{"Ana", "Lukas"}) || !slices.Equal(d.Absent, []string{"Ben"}) {
		t.Fatalf("decided %+v", d)
	}
	if _, err := session.AskReview(ctx, st, team, lukas, "", "team/1", "", now); !errors.Is(err, session.ErrForbidden) {
		t.Errorf("Lukas, who was there, asks for a review: %v", err)
	}
	if _, err := session.AskReview(ctx, st, team, ben, "", "team/1", "we know MySQL", now); err != nil {
		t.Fatal(err)
	}
	if _, err := session.AskReview(ctx, st, team, ben, "", "team/1", "", now); !errors.Is(err, session.ErrConflict) {
		t.Errorf("a second review request: %v", err)
	}
	h, err := session.LoadTeamHistory(ctx, st, team)
	if err != nil {
		t.Fatal(err)
	}
	if m := h.Missed("Ben", ""); len(m.Decisions) != 1 {
		t.Fatalf("Ben missed %+v", m.Decisions)
	}
	if m, err := session.MissedBy(ctx, st, "musicstore", "ben", "none"); err != nil || len(m.Decisions) != 1 || m.Member != "Ben" {
		t.Fatalf("MissedBy: %+v %v", m, err)
	}
	if m, err := session.MissedBy(ctx, st, "musicstore", "Guest", ""); err != nil || !m.Empty() {
		t.Fatalf("a guest missed %+v %v", m, err)
	}
	seen, err := session.Acknowledge(ctx, st, team, ben, "", nil, true, now)
	if err != nil || len(seen) != 1 {
		t.Fatalf("acknowledge all: %v, %v", seen, err)
	}
	if seen, err := session.Acknowledge(ctx, st, team, ben, "", []string{"team/1"}, false, now); err != nil || len(seen) != 0 {
		t.Errorf("acknowledged twice: %v, %v", seen, err)
	}
	if _, err := session.Acknowledge(ctx, st, team, ben, "", []string{"team/9"}, false, now); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("an unknown decision: %v", err)
	}
	h, _ = session.LoadTeamHistory(ctx, st, team)
	if m := h.Missed("Ben", ""); len(m.Decisions) != 0 {
		t.Errorf("Ben still missed %+v", m.Decisions)
	}
	if err := session.ValidateTeamLog(h.Log); err != nil {
		t.Fatal(err)
	}

	// Lukas prepares his update and Ben goes away: the next stand-up
	// carries both.
	if _, err := session.PrepareUpdate(ctx, st, team, lukas, "", "", "", nil, now); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("an empty update: %v", err)
	}
	if _, err := session.PrepareUpdate(ctx, st, team, lukas, "", "old", "", nil, now); err != nil {
		t.Fatal(err)
	}
	if _, err := session.PrepareUpdate(ctx, st, team, lukas, "", "fixed the build", "release", []string{"no test device"}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := session.GoAway(ctx, st, team, ben, "", "", "2026-11-01", now, time.UTC); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("away until a past day: %v", err)
	}
	if _, err := session.GoAway(ctx, st, team, ben, "", "", "18.12.2026", now, time.UTC); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("away until a day that is not one: %v", err)
	}
	if _, err := session.GoAway(ctx, st, team, ben, "", "", "2026-12-18", now, time.UTC); err != nil {
		t.Fatal(err)
	}
	info := mustCreate(t, st, session.Config{ScheduledAt: t0}, "Ana", "Ben", "Lukas")
	evs, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := session.Fold(info.ID, evs)
	pr, ok := s.PreparedBy(session.RosterID("Lukas"))
	if !ok || pr.Yesterday != "fixed the build" || pr.Today != "release" || !pr.Written.Equal(now.Add(time.Hour)) {
		t.Fatalf("prepared %+v %v", pr, ok)
	}
	if b, _ := s.Participant(session.RosterID("Ben")); !b.Excused {
		t.Error("Ben is not excused")
	}
	if len(s.Blockers) != 1 || s.Blockers[0].Text != "no test device" {
		t.Errorf("blockers %+v", s.Blockers)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	// The next stand-up does not take the same update again.
	info2 := mustCreate(t, st, session.Config{ScheduledAt: t0.Add(24 * time.Hour)}, "Ana", "Ben", "Lukas")
	evs, _ = st.Events(ctx, info2.ID)
	if s := session.Fold(info2.ID, evs); len(s.Prepared) != 0 {
		t.Errorf("the update went to two stand-ups: %+v", s.Prepared)
	}

	// A retrospective's review phase lists the decision taken while Ben
	// was absent, which he asked to review; the next one does not again.
	retro := mustCreate(t, st, session.Config{Kind: session.Retro}, "Ana", "Ben", "Lukas")
	evs, _ = st.Events(ctx, retro.ID)
	rs := session.Fold(retro.ID, evs)
	if len(rs.Review) != 1 || rs.Review[0].Ref != "team/1" || len(rs.Review[0].Reviews) != 1 {
		t.Errorf("the retrospective reviews %+v", rs.Review)
	}
	if err := rs.Validate(); err != nil {
		t.Fatal(err)
	}
	again := mustCreate(t, st, session.Config{Kind: session.Retro}, "Ana", "Ben", "Lukas")
	evs, _ = st.Events(ctx, again.ID)
	if rs := session.Fold(again.ID, evs); len(rs.Review) != 0 {
		t.Errorf("the next retrospective reviews %+v again", rs.Review)
	}
}

// Forgetting a person reaches what the team's log holds and what sessions
// took from it.
func TestForgetPersonReachesTheTeamLog(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"}, Keys: map[string]string{"Ana": "SHA256:ana", "Ben": "SHA256:ben"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	ben := session.KeyCaller("SHA256:ben")
	now := t0.Add(-time.Hour)
	if _, err := session.DecideOutside(ctx, st, team, session.KeyCaller("SHA256:ana"), "", "Ben owns the release", nil, now); err != nil {
		t.Fatal(err)
	}
	if _, err := session.AskReview(ctx, st, team, ben, "", "team/1", "Ben is busy", now); err != nil {
		t.Fatal(err)
	}
	if _, err := session.PrepareUpdate(ctx, st, team, ben, "", "", "Ben tests", []string{"Ben's laptop"}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := session.GoAway(ctx, st, team, session.LocalCaller(), "Ben", "", "2026-12-18", now, time.UTC); err != nil {
		t.Fatal(err)
	}
	standup := mustCreate(t, st, session.Config{ScheduledAt: t0}, "Ana", "Ben")
	retro := mustCreate(t, st, session.Config{Kind: session.Retro}, "Ana", "Ben")
	if _, err := session.ForgetPerson(ctx, st, "musicstore", "Ben"); err != nil {
		t.Fatal(err)
	}
	log, err := st.TeamLog(ctx, "musicstore")
	if err != nil || len(log) != 4 {
		t.Fatalf("log %v %v", log, err)
	}
	if err := session.ValidateTeamLog(log); err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		b, _ := json.Marshal(e.Payload)
		if strings.Contains(string(b)+string(e.Actor), "Ben") {
			t.Errorf("team log event %d still names Ben: %s %s", e.Seq, e.Actor, b)
		}
	}
	for _, id := range []string{standup.ID, retro.ID} {
		evs, _ := st.Events(ctx, id)
		b, _ := session.EncodePayload(evs[0].Payload)
		if strings.Contains(string(b), "Ben") {
			t.Errorf("session %s still names Ben: %s", id, b)
		}
		if err := session.Fold(id, evs).Validate(); err != nil {
			t.Error(err)
		}
	}
}

// TestTeamLogRefusesLongText: text a member types for the team's log that
// is longer than DefaultMaxText is refused with its length, not cut (the
// rest was lost without a word), and nothing is written.
func TestTeamLogRefusesLongText(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"},
		Keys: map[string]string{"Ana": "SHA256:ana", "Ben": "SHA256:ben"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	ana, ben := session.KeyCaller("SHA256:ana"), session.KeyCaller("SHA256:ben")
	now := t0.Add(-24 * time.Hour)
	long := strings.Repeat("x", session.DefaultMaxText+1)
	fits := strings.Repeat("y", session.DefaultMaxText-1) + "\x1b[2J"
	refused := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "281 characters") {
			t.Errorf("%s of %d characters: %v, want refused with its length", what, len(long), err)
		}
	}
	_, err := session.DecideOutside(ctx, st, team, ana, "", long, nil, now)
	refused("a decision", err)
	_, err = session.PrepareUpdate(ctx, st, team, ana, "", long, "", nil, now)
	refused("yesterday", err)
	_, err = session.PrepareUpdate(ctx, st, team, ana, "", "", long, nil, now)
	refused("today", err)
	_, err = session.PrepareUpdate(ctx, st, team, ana, "", "", "ok", []string{long}, now)
	refused("a blocker", err)
	if log, err := st.TeamLog(ctx, team.Name); err != nil || len(log) != 0 {
		t.Fatalf("refused text wrote %d events (%v)", len(log), err)
	}
	d, err := session.DecideOutside(ctx, st, team, ana, "", fits, nil, now)
	if err != nil || d.Text != strings.Repeat("y", session.DefaultMaxText-1) {
		t.Fatalf("a decision that fits once clean: %q, %v", d.Text, err)
	}
	_, err = session.AskReview(ctx, st, team, ben, "", d.Ref, long, now)
	refused("a review's reason", err)
	pt, err := session.ReadPrepared(strings.NewReader(strings.Repeat("today line\n", 40)), session.PreparedText{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := session.PrepareUpdate(ctx, st, team, ana, "", pt.Yesterday, pt.Today, pt.Blockers, now); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("a prepared update read from standard input whose today runs to %d characters: %v", len(pt.Today), err)
	}
}

// TestTeamLogDailyWrites: one member writes at most MaxTeamLogPerDay
// entries to the team's log in 24 hours (a key in a loop of away or
// decide grew it without end); another member, acknowledgements and the
// next day are not held back.
func TestTeamLogDailyWrites(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"},
		Keys: map[string]string{"Ana": "SHA256:ana", "Ben": "SHA256:ben"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	ana, ben := session.KeyCaller("SHA256:ana"), session.KeyCaller("SHA256:ben")
	now := t0.Add(-48 * time.Hour)
	if _, err := session.DecideOutside(ctx, st, team, ben, "", "Use Postgres", nil, now); err != nil {
		t.Fatal(err)
	}
	for i := range session.MaxTeamLogPerDay {
		if _, err := session.GoAway(ctx, st, team, ana, "", "", "", now.Add(time.Duration(i)*time.Minute), time.UTC); err != nil {
			t.Fatalf("away %d: %v", i+1, err)
		}
	}
	later := now.Add(12 * time.Hour)
	if _, err := session.GoAway(ctx, st, team, ana, "", "", "", later, time.UTC); !errors.Is(err, session.ErrLimit) || !strings.Contains(err.Error(), "24 hours") {
		t.Fatalf("entry %d in a day: %v, want refused", session.MaxTeamLogPerDay+1, err)
	}
	if _, err := session.DecideOutside(ctx, st, team, ana, "", "Use MySQL", nil, later); !errors.Is(err, session.ErrLimit) {
		t.Fatalf("a decision past the limit: %v", err)
	}
	if _, err := session.Acknowledge(ctx, st, team, ana, "", nil, true, later); err != nil {
		t.Errorf("an acknowledgement past the limit: %v", err)
	}
	if _, err := session.GoAway(ctx, st, team, ben, "", "", "", later, time.UTC); err != nil {
		t.Errorf("another member: %v", err)
	}
	if _, err := session.GoAway(ctx, st, team, ana, "", "", "", now.Add(25*time.Hour), time.UTC); err != nil {
		t.Errorf("the next day: %v", err)
	}
}
