package main

import (
	"context"
	"slices"
	"testing"

	"huddle/session"
)

// A guest promoted at the shared keyboard joins the team's roster: the
// local room has the team rules, as huddle serve's rooms do.
func TestLocalPromotedGuestJoinsTheTeamsRoster(t *testing.T) {
	ctx := context.Background()
	st, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	room, closeRoom := openTestStandup(t, st)
	defer closeRoom()
	fac := room.Snapshot().State.Facilitator
	if err := room.Submit(fac, session.Arrive{Name: "Eli"}); err != nil {
		t.Fatal(err)
	}
	if err := room.Submit(fac, session.PromoteGuest{Who: session.RosterID("Eli")}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Team(ctx, "musicstore")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got.Members, "Eli") {
		t.Fatalf("roster %v: the promoted guest is not on it", got.Members)
	}
}

// openTestStandup opens Maria's stand-up of musicstore (Lukas a member)
// at the keyboard over st, as huddle standup does, and its room.
func openTestStandup(t *testing.T, st session.Store) (*session.Room, func() error) {
	t.Helper()
	ctx := context.Background()
	teams := session.NewTeams(st, nil)
	sf := standupFlags{team: "musicstore", members: []string{"Lukas"}, order: "join", timebox: session.DefaultStandupBox,
		given: givenFlags("team", "members")}
	team, err := resolveTeam(ctx, st, sf, asker{})
	if err != nil {
		t.Fatal(err)
	}
	o, err := sf.opening(globalFlags{name: "Maria"}, session.Standup)
	if err != nil {
		t.Fatal(err)
	}
	op, _, err := localOpening(ctx, teams, team, sf, o)
	if err != nil {
		t.Fatal(err)
	}
	info, _, err := teams.Open(ctx, session.LocalCaller(), facilitator(op.Facilitator, team.Members), op)
	if err != nil {
		t.Fatal(err)
	}
	room, closeRoom, err := openLocalRoom(ctx, st, teams, info.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return room, closeRoom
}
