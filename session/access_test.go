package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"huddle/session"
)

func TestExportable(t *testing.T) {
	ended := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		info session.Info
		ok   bool
	}{
		{"a running stand-up", session.Info{Kind: session.Standup}, true},
		{"an ended stand-up", session.Info{Kind: session.Standup, Ended: ended}, true},
		{"a running retrospective", session.Info{Kind: session.Retro}, false},
		{"an ended retrospective", session.Info{Kind: session.Retro, Ended: ended}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := session.Exportable(tc.info)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, session.ErrPhase)) {
				t.Fatalf("Exportable = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// A key speaks for a roster name if the session binds the name to it, or,
// where the session binds the name to nobody, the team does now.
func TestSpeaksFor(t *testing.T) {
	ctx := context.Background()
	ts, st, _ := openTeams(t)
	local := session.LocalCaller()
	o := session.DefaultOpening(session.Standup, "web", session.Defaults{})
	o.Members = []string{"Anna", "Ben"}
	if _, err := ts.Ensure(ctx, local, "web", o.Members, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Change(ctx, local, "web", session.RemoveMember{Name: "Anna"}, session.AddMember{Name: "Anna", Key: "k-anna"}); err != nil {
		t.Fatal(err)
	}
	info, _, err := ts.Open(ctx, local, session.Person{ID: "local:op", Name: "op"}, o)
	if err != nil {
		t.Fatal(err)
	}
	events, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := session.Fold(info.ID, events)
	if _, err := ts.Change(ctx, local, "web", session.RemoveMember{Name: "Ben"}, session.AddMember{Name: "Ben", Key: "k-ben"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, key string
		want      bool
	}{
		{"anna", "k-anna", true},   // bound in the session
		{"Anna", "k-ben", false},   // another's key
		{"Ben", "k-ben", true},     // bound in the team since
		{"Ben", "", false},         // no key speaks for anyone
		{"Nobody", "k-ben", false}, // not on the roster
	} {
		if got := ts.SpeaksFor(ctx, s, tc.name, tc.key); got != tc.want {
			t.Errorf("SpeaksFor(%q, %q) = %v, want %v", tc.name, tc.key, got, tc.want)
		}
	}
}

// An imported session's team is created from its record if the store has
// none, at the clock's time and without the record's key bindings; a team
// the store has is left as it is.
func TestAdoptAnImportedTeam(t *testing.T) {
	ctx := context.Background()
	ts, _, clock := openTeams(t)
	created := &session.Created{Config: session.Config{Team: "web", Agreements: []string{"Be on time"}},
		Roster: []string{"Anna", "Ben"}, Bound: map[string]string{"anna": "k-anna"}}
	if err := ts.Adopt(ctx, created); err != nil {
		t.Fatal(err)
	}
	team, err := ts.Team(ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	if len(team.Members) != 2 || team.Agreements[0] != "Be on time" || team.BoundTo("Anna") != "" || !team.Created.Equal(clock.Now()) {
		t.Fatalf("adopted: %+v", team)
	}
	clock.Advance(time.Hour)
	if err := ts.Adopt(ctx, &session.Created{Config: session.Config{Team: "web"}, Roster: []string{"Eve"}}); err != nil {
		t.Fatal(err)
	}
	if again, _ := ts.Team(ctx, "web"); len(again.Members) != 2 || !again.Updated.Equal(team.Updated) {
		t.Fatalf("an existing team changed: %+v", again)
	}
}

// A join code leads its participants and its team in at any time, and
// anyone else until CodeWindow after the session ended.
func TestEnterByCode(t *testing.T) {
	ended := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	st := func(end time.Time) *session.State {
		return &session.State{Ended: end, Participants: []session.Participant{{ID: "p1", Name: "Ann", Key: "SHA256:ann"}}}
	}
	yes := func() bool { return true }
	for _, tc := range []struct {
		name   string
		ended  time.Time
		key    string
		ofTeam func() bool
		after  time.Duration // from the end (from ended if it runs)
		want   session.CodeEntry
	}{
		{"a stranger while it runs", time.Time{}, "SHA256:eve", nil, 48 * time.Hour, session.ByCode},
		{"a stranger just after the end", ended, "SHA256:eve", nil, time.Minute, session.ByCode},
		{"a stranger at the end of the window", ended, "SHA256:eve", nil, session.CodeWindow, session.ByCode},
		{"a stranger past the window", ended, "SHA256:eve", nil, session.CodeWindow + time.Second, session.CodeExpired},
		{"a key-less stranger past the window", ended, "", nil, session.CodeWindow + time.Minute, session.CodeExpired},
		{"a participant a year on", ended, "SHA256:ann", nil, 365 * 24 * time.Hour, session.AsParticipant},
		{"a participant who is of the team too", ended, "SHA256:ann", yes, time.Minute, session.AsParticipant},
		{"the team a year on", ended, "SHA256:bob", yes, 365 * 24 * time.Hour, session.AsTeam},
		{"the team while it runs", time.Time{}, "SHA256:bob", yes, time.Minute, session.AsTeam},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := session.NewFakeClock(ended)
			clock.Advance(tc.after)
			if got := st(tc.ended).EnterByCode(tc.key, tc.ofTeam, clock.Now()); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

// The team's keys are looked up only for a key that did not take part.
func TestEnterByCodeAsksTheTeamOnlyOfOthers(t *testing.T) {
	st := &session.State{Participants: []session.Participant{{ID: "p1", Name: "Ann", Key: "SHA256:ann"}}}
	asked := 0
	ofTeam := func() bool { asked++; return false }
	st.EnterByCode("SHA256:ann", ofTeam, t0)
	if asked != 0 {
		t.Fatal("the team was looked up for a participant")
	}
	st.EnterByCode("SHA256:eve", ofTeam, t0)
	if asked != 1 {
		t.Fatalf("the team was looked up %d times for a stranger", asked)
	}
}
