package sshserver

import (
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
	"huddle/tui"
)

// new over SSH remembers how the team opened its last session, so that
// a plain new the next day needs nothing; flags given win.
func TestNewRemembersTheTeamsDefaults(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	owner := newTestKey(t)
	first := ts.open("olga", owner, "--team web --members Ann,Ben --turn 2m --order alpha --timebox 20m --at 10:00")
	c := ts.state(first).Config
	if c.Turn != 2*time.Minute || c.Order != session.OrderAlpha || c.Timebox != 20*time.Minute || c.ScheduledAt.Hour() != 10 {
		t.Fatalf("first: %+v", c)
	}
	plain := ts.state(ts.open("olga", owner, "--team web")).Config
	if plain.Turn != 2*time.Minute || plain.Order != session.OrderAlpha || plain.Timebox != 20*time.Minute ||
		plain.ScheduledAt.IsZero() || plain.ScheduledAt.In(c.ScheduledAt.Location()).Hour() != 10 {
		t.Fatalf("a plain new forgot the team's defaults: %+v", plain)
	}
	given := ts.state(ts.open("olga", owner, "--team web --turn 1m")).Config
	if given.Turn != time.Minute || given.Order != session.OrderAlpha {
		t.Fatalf("a given --turn: %+v", given)
	}
	// A stand-up's defaults are not a retrospective's.
	status, out, errOut := ts.run("olga", owner, "new retro --team web")
	if status != 0 {
		t.Fatalf("new retro: %d %s", status, errOut)
	}
	code, _, _ := strings.Cut(out, "\n")
	if r := ts.state(strings.TrimSpace(code)).Config; !r.ScheduledAt.IsZero() || r.Turn != 0 {
		t.Fatalf("the retro took the stand-up's defaults: %+v", r)
	}
}

// new over SSH has the CLI's bounds and messages, also where a flag given
// now does not fit with what the team remembers; nothing is opened.
func TestNewRefusesBadValuesAsTheCLIDoes(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	owner := newTestKey(t)
	ts.open("olga", owner, "--team web --members Ann --turn 2m")
	for _, tc := range []struct{ args, says string }{
		{"--team web --turn 99h", "huddle: --turn 99h: a turn takes from 10s to 1h\n"},
		{"--team web --timebox 1m", "huddle: --turn 2m is longer than the whole stand-up (--timebox 1m)"},
		{"--team web --at 25:00", `huddle: --at "25:00": want HH:MM`},
		{"--team web --at '9:00 Atlantis/Capital'", `no time zone is called "Atlantis/Capital"`},
	} {
		status, _, errOut := ts.run("olga", owner, "new standup "+tc.args)
		if status != 2 || !strings.Contains(errOut, tc.says) {
			t.Errorf("new standup %s: %d %q, want 2 and %q", tc.args, status, errOut, tc.says)
		}
	}
	if n, _ := ts.store.Sessions(t.Context(), session.Filter{Team: "web"}); len(n) != 1 {
		t.Fatalf("%d sessions of web, want the first only", len(n))
	}
}

// The lobby's form opens over what the team remembers too: a field left
// empty takes the team's last value, a field given wins.
func TestTheLobbyFormTakesTheTeamsDefaults(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	owner := newTestKey(t)
	ts.open("olga", owner, "--team web --members Ann,Ben --turn 2m --order alpha")
	l := lobby{&conn{s: ts.srv, key: gossh.FingerprintSHA256(owner.PublicKey()), user: "olga", ctx: t.Context()}}
	code, err := l.NewSession(tui.SessionForm{Kind: session.Standup, Team: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if c := ts.state(code).Config; c.Turn != 2*time.Minute || c.Order != session.OrderAlpha || c.Timebox != 15*time.Minute {
		t.Fatalf("from the lobby: %+v", c)
	}
	code, err = l.NewSession(tui.SessionForm{Kind: session.Standup, Team: "web", Turn: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if c := ts.state(code).Config; c.Turn != time.Minute {
		t.Fatalf("a turn given in the form: %+v", c)
	}
	if _, err := l.NewSession(tui.SessionForm{Kind: session.Standup, Team: "web", Turn: 20 * time.Minute}); err == nil ||
		!strings.Contains(err.Error(), "turn 20m is longer than the whole stand-up (time-box 15m)") {
		t.Fatalf("a turn longer than the stand-up, from the form: %v", err)
	}
}
