package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

func TestEnvironmentSetsFlagsThatWereNotGiven(t *testing.T) {
	t.Setenv("HUDDLE_TIMEBOX", "10m")
	t.Setenv("HUDDLE_ORDER", "random")
	cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
	if err := cmd.ParseFlags([]string{"--order", "alpha"}); err != nil {
		t.Fatal(err)
	}
	if err := applyEnv(cmd); err != nil {
		t.Fatal(err)
	}
	if got := cmd.Flags().Lookup("timebox").Value.String(); got != "10m0s" {
		t.Fatalf("timebox %s, want the environment's 10m", got)
	}
	if got := cmd.Flags().Lookup("order").Value.String(); got != "alpha" {
		t.Fatalf("order %s, want the flag's alpha", got)
	}
}

func TestBadEnvironmentValueIsNamed(t *testing.T) {
	t.Setenv("HUDDLE_TIMEBOX", "soon")
	cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
	err := applyEnv(cmd)
	if err == nil || !strings.Contains(err.Error(), "HUDDLE_TIMEBOX") {
		t.Fatalf("err = %v, want one naming HUDDLE_TIMEBOX", err)
	}
}

func TestParseAt(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 41, 12, 0, time.UTC)
	at, err := parseAt("10:00", now)
	if err != nil || !at.Equal(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("10:00 → %v, %v", at, err)
	}
	if at, _ := parseAt("", now); !at.IsZero() {
		t.Fatalf("empty → %v, want no scheduled start", at)
	}
	if _, err := parseAt("ten", now); !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "HH:MM") {
		t.Fatalf("bad time: %v", err)
	}
}

func TestFacilitatorIsTheRosterMemberWithTheSameName(t *testing.T) {
	if p := facilitator("julia", []string{"Lukas", "Julia"}); p.ID != session.RosterID("Julia") || p.Name != "Julia" {
		t.Fatalf("got %+v", p)
	}
	if p := facilitator("Maria\x1b[31m", []string{"Lukas"}); p.ID != "local:Maria" {
		t.Fatalf("got %+v", p)
	}
}

// A team that cannot be asked for (no answer comes) is a hint at the
// flags. (Without a terminal huddle stops before: TestLocalRunNeedsATerminal.)
func TestStandupWithoutATerminalNeedsFlags(t *testing.T) {
	st, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = resolveTeam(context.Background(), st, standupFlags{}, asker{})
	if err == nil || !strings.Contains(err.Error(), "huddle standup --team NAME --members") {
		t.Fatalf("err = %v, want a hint at the flags", err)
	}
}

func TestStandupRejectsBadFlags(t *testing.T) {
	valid := []string{"--team", "x", "--members", "a"}
	for _, tt := range []struct {
		args []string
		want string // in the error: the flag at fault
	}{
		{[]string{"--order", "loudest"}, "order"},
		{[]string{"--timebox", "0s"}, "--timebox"},
		{[]string{"--at", "25:99"}, "--at"},
		{[]string{"--resume", "--new"}, "resume"},
	} {
		cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
		cmd.SetArgs(append(append(tt.args, valid...), "--data-dir", t.TempDir()))
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Fatalf("%v: err = %v, want one about %s", tt.args, err, tt.want)
		}
	}
}

func TestTeamsListsWhatStandupStored(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	a := asker{}
	team, err := resolveTeam(context.Background(), st, standupFlags{team: "musicstore", members: []string{"Lukas", " lukas ", "Jörg"}, agreements: []string{"Be on time"}}, a)
	st.Close()
	if err != nil || len(team.Members) != 2 {
		t.Fatalf("team %+v, %v", team, err)
	}
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out)
	cmd.SetArgs([]string{"teams", "--data-dir", dir})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "musicstore") || !strings.Contains(got, "Lukas, Jörg") || !strings.Contains(got, "Be on time") {
		t.Fatalf("teams printed:\n%s", got)
	}
}

// Bad server flags are refused before anything listens, naming the flag.
func TestServeRejectsBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--stall-timeout", "100ms"}, "--stall-timeout"},
		{[]string{"--max-sessions", "0"}, "--max-sessions"},
		{[]string{"--idle-timeout", "-1s"}, "--idle-timeout"},
	} {
		cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
		cmd.SetArgs(append([]string{"serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir()}, tt.args...))
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- cmd.ExecuteContext(ctx) }()
		select {
		case err := <-done:
			cancel()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%v: err = %v, want one about %s", tt.args, err, tt.want)
			}
		case <-time.After(10 * time.Second):
			cancel() // the server started: stop it before failing
			<-done
			t.Fatalf("%v: the server started", tt.args)
		}
	}
}
