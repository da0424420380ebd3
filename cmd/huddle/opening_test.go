package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// A plain huddle the next day needs nothing: the facilitator's name, the
// start time, the time-boxes and the order are what the team used last;
// flags given (or set in the environment) win.
func TestAPlainHuddleTakesWhatTheTeamUsedLast(t *testing.T) {
	ctx := context.Background()
	st, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	teams := session.NewTeams(st, nil)
	g := globalFlags{name: "Julia"}
	first := standupFlags{team: "musicstore", members: []string{"Lukas", "Julia"}, at: "10:00", turn: 2 * time.Minute,
		timebox: 20 * time.Minute, order: "alpha", given: givenFlags("team", "members", "name", "at", "turn", "timebox", "order")}
	team, err := resolveTeam(ctx, st, first, asker{})
	if err != nil {
		t.Fatal(err)
	}
	o, err := first.opening(g, session.Standup)
	if err != nil {
		t.Fatal(err)
	}
	op, _, err := localOpening(ctx, teams, team, first, o)
	if err != nil {
		t.Fatal(err)
	}
	info, _, err := teams.Open(ctx, session.LocalCaller(), facilitator(op.Facilitator, team.Members), op)
	if err != nil {
		t.Fatal(err)
	}
	if s := stateOf(t, st, info.ID); s.Facilitator != session.RosterID("Julia") {
		t.Fatalf("facilitator %q, want Julia of the roster", s.Facilitator)
	}

	// The next day: huddle, with no flags at all (the flags' own defaults
	// are not given).
	plain := standupFlags{order: "join", timebox: session.DefaultStandupBox, given: givenFlags()}
	team, err = resolveTeam(ctx, st, plain, asker{})
	if err != nil || team.Name != "musicstore" {
		t.Fatalf("the last team: %q, %v", team.Name, err)
	}
	o, _ = plain.opening(globalFlags{}, session.Standup)
	op, want, err := localOpening(ctx, teams, team, plain, o)
	if err != nil {
		t.Fatal(err)
	}
	if op.Facilitator != "Julia" || want.Turn != 2*time.Minute || want.Timebox != 20*time.Minute ||
		want.Order != session.OrderAlpha || want.ScheduledAt.Hour() != 10 {
		t.Fatalf("a plain huddle: facilitator %q, %+v", op.Facilitator, want)
	}

	// A flag given wins, and a remembered value that no longer fits is
	// named.
	short := standupFlags{order: "join", timebox: 90 * time.Second, given: givenFlags("timebox")}
	o, _ = short.opening(globalFlags{}, session.Standup)
	if _, _, err := localOpening(ctx, teams, team, short, o); err == nil ||
		!strings.Contains(err.Error(), "--turn 2m is longer than the whole stand-up (--timebox 1m30s)") {
		t.Fatalf("a given time-box shorter than the remembered turn: %v", err)
	}
	short.turn = 0
	short.given = givenFlags("timebox", "turn")
	o, _ = short.opening(globalFlags{}, session.Standup)
	if _, want, err := localOpening(ctx, teams, team, short, o); err != nil || want.Turn != 0 || want.Timebox != 90*time.Second {
		t.Fatalf("given --timebox and --turn 0: %+v, %v", want, err)
	}
}

func stateOf(t *testing.T, st session.Store, id string) *session.State {
	t.Helper()
	s, err := unfinished(context.Background(), st, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
