package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// Every way of opening a session is checked by one Validate: each bad
// value is refused with an error that names its field and says what to
// give instead.
func TestOpeningValidate(t *testing.T) {
	long := strings.Repeat("x", 65)
	standup := func(f func(o *session.Opening)) session.Opening {
		o := session.DefaultOpening(session.Standup, "web", session.Defaults{})
		f(&o)
		return o
	}
	retro := func(f func(o *session.Opening)) session.Opening {
		o := session.DefaultOpening(session.Retro, "web", session.Defaults{})
		f(&o)
		return o
	}
	for _, tc := range []struct {
		name  string
		o     session.Opening
		field string // "": valid
		says  string
	}{
		{"a default stand-up", standup(func(*session.Opening) {}), "", ""},
		{"a default retrospective", retro(func(*session.Opening) {}), "", ""},
		{"no team", standup(func(o *session.Opening) { o.Team = " " }), session.FieldTeam, "--team is required"},
		{"a team name of 65 columns", standup(func(o *session.Opening) { o.Team = long }), session.FieldTeam, "--team: invalid: the name"},
		{"a member's name of 65 columns", standup(func(o *session.Opening) { o.Members = []string{"Ann", long} }), session.FieldMembers, "too long (65 columns, at most 64)"},
		{"a facilitator's name of 65 columns", retro(func(o *session.Opening) { o.Facilitator = long }), session.FieldFacilitator, "--facilitator: invalid"},
		{"a turn of 99 hours", standup(func(o *session.Opening) { o.Turn = 99 * time.Hour }), session.FieldTurn, "--turn 99h: a turn takes from 10s to 1h"},
		{"a turn of a millisecond", standup(func(o *session.Opening) { o.Turn = time.Millisecond }), session.FieldTurn, "--turn 1ms: a turn takes from 10s"},
		{"a negative turn", standup(func(o *session.Opening) { o.Turn = -time.Minute }), session.FieldTurn, "--turn -1m"},
		{"a turn longer than the stand-up", standup(func(o *session.Opening) { o.Turn = 20 * time.Minute }), session.FieldTurn,
			"--turn 20m is longer than the whole stand-up (--timebox 15m)"},
		{"a stand-up of 30 seconds", standup(func(o *session.Opening) { o.Timebox = 30 * time.Second }), session.FieldTimebox, "--timebox 30s: the stand-up takes from 1m to 8h"},
		{"a stand-up of no time", standup(func(o *session.Opening) { o.Timebox = 0 }), session.FieldTimebox, "--timebox 0s"},
		{"a retrospective of the sum of its phases", retro(func(o *session.Opening) { o.Timebox = 0 }), "", ""},
		{"a retrospective of 1ms", retro(func(o *session.Opening) { o.Timebox = time.Millisecond }), session.FieldTimebox, "the retrospective takes from 1m"},
		{"a topic of zero", retro(func(o *session.Opening) { o.Topic = 0 }), session.FieldTopic, "--topic 0s: a topic takes from 30s to 2h"},
		{"votes of zero", retro(func(o *session.Opening) { o.Votes = 0 }), session.FieldVotes, "--votes 0: each person needs at least 1 dot"},
		{"a negative vote cap", retro(func(o *session.Opening) { o.VoteCap = -1 }), session.FieldVoteCap, "--vote-cap -1"},
		{"a custom board without columns", retro(func(o *session.Opening) { o.Format = session.Custom }), session.FieldFormat, "a custom format needs 1 to 6 columns"},
		{"columns of a built-in board", retro(func(o *session.Opening) { o.Columns = []string{"Keep"} }), session.FieldColumns, "--columns goes with --format custom"},
		{"a custom board", retro(func(o *session.Opening) { o.Format, o.Columns = session.Custom, []string{"Keep", "Drop"} }), "", ""},
		{"a start at 25:00", standup(func(o *session.Opening) { o.At = "25:00" }), session.FieldAt, `--at "25:00": want HH:MM, like 10:00`},
		{"a start in a zone", standup(func(o *session.Opening) { o.At = "10:00 Europe/Berlin" }), "", ""},
		{"a start in no zone", standup(func(o *session.Opening) { o.At = "10:00 Mars/Olympus" }), session.FieldAt, `no time zone is called "Mars/Olympus"`},
		{"a start in a zone that is a path", standup(func(o *session.Opening) { o.At = "10:00 ../../etc/passwd" }), session.FieldAt, "no time zone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *session.FieldError
			if !errors.As(err, &fe) || !errors.Is(err, session.ErrInvalid) {
				t.Fatalf("err = %v, want a FieldError that is an ErrInvalid", err)
			}
			if fe.Field != tc.field || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("field %q, %q; want field %q and %q", fe.Field, err, tc.field, tc.says)
			}
		})
	}
}

// A FieldError names its fields as the caller does: an environment
// variable, a form's label.
func TestFieldErrorSaysTheCallersNames(t *testing.T) {
	o := session.DefaultOpening(session.Standup, "web", session.Defaults{})
	o.Turn = 20 * time.Minute
	var fe *session.FieldError
	if !errors.As(o.Validate(), &fe) {
		t.Fatal("not a FieldError")
	}
	got := fe.Say(func(f string) string { return "HUDDLE_" + strings.ToUpper(f) })
	if want := "HUDDLE_TURN 20m is longer than the whole stand-up (HUDDLE_TIMEBOX 15m)"; !strings.HasPrefix(got, want) {
		t.Fatalf("%q, want it to start with %q", got, want)
	}
}

// What was given wins over what the team remembers, and that over the
// kind's defaults.
func TestOverrideGivenWins(t *testing.T) {
	remembered := session.Defaults{Facilitator: "Ann", At: "09:30", Timebox: 20 * time.Minute, Turn: 2 * time.Minute,
		Order: session.OrderAlpha, Format: session.Custom, Columns: []string{"Keep", "Try"}, Topic: 7 * time.Minute}
	o := session.DefaultOpening(session.Standup, "web", remembered)
	if o.Timebox != 20*time.Minute || o.Turn != 2*time.Minute || o.Order != session.OrderAlpha || o.At != "09:30" || o.Facilitator != "Ann" {
		t.Fatalf("remembered defaults not applied: %+v", o)
	}
	given := map[string]bool{session.FieldTurn: true, session.FieldAt: true}
	o.Override(session.Opening{Turn: time.Minute, At: "", Timebox: time.Hour}, func(f string) bool { return given[f] })
	if o.Turn != time.Minute || o.At != "" || o.Timebox != 20*time.Minute {
		t.Fatalf("given values did not win, or ungiven ones did: %+v", o)
	}

	r := session.DefaultOpening(session.Retro, "web", remembered)
	r.Override(session.Opening{Format: session.FourLs}, func(f string) bool { return f == session.FieldFormat })
	if r.Format != session.FourLs || r.Columns != nil || r.Validate() != nil {
		t.Fatalf("a given format keeps the remembered custom columns: %+v (%v)", r, r.Validate())
	}
	r = session.DefaultOpening(session.Retro, "web", session.Defaults{})
	r.Override(session.Opening{Columns: []string{"A", "B"}}, func(f string) bool { return f == session.FieldColumns })
	if r.Format != session.Custom {
		t.Fatalf("columns without a format: %v, want custom", r.Format)
	}
	if d := session.DefaultOpening(session.Retro, "web", session.Defaults{}); d.Timebox != 0 || d.Votes != session.DefaultVoteBudget || d.Topic != 5*time.Minute {
		t.Fatalf("retro defaults: %+v", d)
	}
}

// --at is a time of the day the session opens, in the opener's zone or
// in the one it names.
func TestParseAt(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	now := time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC) // already the 4th in Berlin
	for _, tc := range []struct {
		at   string
		want time.Time
	}{
		{"", time.Time{}},
		{"10:00", time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)},
		{"10:00 Europe/Berlin", time.Date(2026, 12, 4, 10, 0, 0, 0, berlin)},
		{" 07:15  UTC ", time.Date(2026, 12, 3, 7, 15, 0, 0, time.UTC)},
		{"2026-12-05T10:00:00+01:00", time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)},
	} {
		got, err := session.ParseAt(tc.at, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseAt(%q) = %v, %v; want %v", tc.at, got, err, tc.want)
		}
	}
	for _, bad := range []string{"10", "10:00 Local", "noon", "10:00 Europe/Berlin extra"} {
		if _, err := session.ParseAt(bad, now); !errors.Is(err, session.ErrInvalid) {
			t.Errorf("ParseAt(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

// A team remembers how it opened its last session of each kind, so that
// the next needs nothing; the facilitator's name only from the shared
// keyboard: over SSH the key says who opens.
func TestTeamsRememberDefaults(t *testing.T) {
	ctx := context.Background()
	ts, _, clock := openTeams(t)
	local := session.LocalCaller()
	o := session.DefaultOpening(session.Standup, "web", session.Defaults{})
	o.Members, o.Facilitator, o.At, o.Turn, o.Order = []string{"Ann", "Ben"}, "Ann", "10:00", 90*time.Second, session.OrderRandom
	info, _, err := ts.Open(ctx, local, session.Person{ID: "local:Ann", Name: "Ann"}, o)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Created.Equal(clock.Now()) {
		t.Fatalf("created at %v, want the clock's %v", info.Created, clock.Now())
	}
	d, err := ts.Defaults(ctx, local, "web", session.Standup)
	if err != nil {
		t.Fatal(err)
	}
	want := session.Defaults{Facilitator: "Ann", At: "10:00", Timebox: 15 * time.Minute, Turn: 90 * time.Second, Order: session.OrderRandom}
	if d.Facilitator != want.Facilitator || d.At != want.At || d.Timebox != want.Timebox || d.Turn != want.Turn || d.Order != want.Order {
		t.Fatalf("remembered %+v, want %+v", d, want)
	}
	if r, _ := ts.Defaults(ctx, local, "web", session.Retro); r.At != "" || r.Turn != 0 {
		t.Fatalf("a retro remembers the stand-up's: %+v", r)
	}
	// The next day, a plain opening has them all.
	next := session.DefaultOpening(session.Standup, "web", d)
	cfg, err := next.Config(clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Turn != 90*time.Second || cfg.Order != session.OrderRandom || cfg.ScheduledAt.Hour() != 10 {
		t.Fatalf("next day's config: %+v", cfg)
	}

	// Over SSH (a key that is Ann's now, as owner) the facilitator is
	// not the remembered name, and is not forgotten either.
	if _, err := ts.Change(ctx, local, "web", session.AddOwner{Key: "k-ann"}); err != nil {
		t.Fatal(err)
	}
	key := session.KeyCaller("k-ann")
	kd, err := ts.Defaults(ctx, key, "web", session.Standup)
	if err != nil || kd.Facilitator != "" || kd.Turn != 90*time.Second {
		t.Fatalf("over SSH: %+v, %v", kd, err)
	}
	so := session.DefaultOpening(session.Standup, "web", kd)
	so.Turn = 2 * time.Minute
	if _, _, err := ts.Open(ctx, key, session.Person{ID: session.SSHID("k-ann"), Name: "ann"}, so); err != nil {
		t.Fatal(err)
	}
	if d, _ := ts.Defaults(ctx, local, "web", session.Standup); d.Facilitator != "Ann" || d.Turn != 2*time.Minute {
		t.Fatalf("after an SSH opening: %+v", d)
	}
	// A refused opening remembers nothing.
	bad := session.DefaultOpening(session.Standup, "web", kd)
	bad.Turn = time.Hour * 2
	if _, _, err := ts.Open(ctx, key, session.Person{ID: session.SSHID("k-ann"), Name: "ann"}, bad); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("a turn of 2h: %v", err)
	}
	if d, _ := ts.Defaults(ctx, local, "web", session.Standup); d.Turn != 2*time.Minute {
		t.Fatalf("a refused opening was remembered: %+v", d)
	}
}

// A retrospective's board, dots, topic and phases are remembered whole.
func TestTeamsRememberARetrosBoard(t *testing.T) {
	ctx := context.Background()
	ts, _, _ := openTeams(t)
	o := session.DefaultOpening(session.Retro, "web", session.Defaults{})
	o.Format, o.Columns, o.Votes, o.VoteCap, o.Topic = session.Custom, []string{"Keep", "Try"}, 5, 2, 8*time.Minute
	o.Phases = map[session.Phase]time.Duration{session.Vote: 4 * time.Minute}
	o.Anonymous = true
	if _, _, err := ts.Open(ctx, session.LocalCaller(), session.Person{ID: "local:op", Name: "op"}, o); err != nil {
		t.Fatal(err)
	}
	d, err := ts.Defaults(ctx, session.LocalCaller(), "web", session.Retro)
	if err != nil {
		t.Fatal(err)
	}
	next := session.DefaultOpening(session.Retro, "web", d)
	if next.Format != session.Custom || len(next.Columns) != 2 || next.Votes != 5 || next.VoteCap != 2 ||
		next.Topic != 8*time.Minute || next.Phases[session.Vote] != 4*time.Minute {
		t.Fatalf("remembered board: %+v", next)
	}
	if next.Anonymous {
		t.Fatal("anonymity was remembered: each retrospective chooses it")
	}
}
