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
