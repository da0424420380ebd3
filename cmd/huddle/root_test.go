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

func TestAtIsSessions(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 41, 12, 0, time.UTC)
	at, err := session.ParseAt("10:00", now)
	if err != nil || !at.Equal(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("10:00 → %v, %v", at, err)
	}
	if at, _ := session.ParseAt("", now); !at.IsZero() {
		t.Fatalf("empty → %v, want no scheduled start", at)
	}
	if _, err := session.ParseAt("ten", now); !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "HH:MM") {
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

// TestBadValuesGetClearErrors: a value that cannot make a good session is
// refused before anything is stored, with a message that names the flag,
// or the environment variable that set it, and says what to give.
func TestBadValuesGetClearErrors(t *testing.T) {
	long := strings.Repeat("x", 65)
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
		want []string // all in the error
		not  []string // none in the error
	}{
		{"retro topic of zero", []string{"retro", "--topic", "0"}, nil, []string{"--topic 0s", "a topic takes from 30s to 2h"}, nil},
		{"a turn of 99 hours", []string{"standup", "--turn", "99h"}, nil, []string{"--turn 99h", "a turn takes from 10s to 1h"}, nil},
		{"a turn of a millisecond", []string{"standup", "--turn", "1ms"}, nil, []string{"--turn 1ms", "from 10s"}, nil},
		{"a turn longer than the stand-up", []string{"standup", "--turn", "20m", "--timebox", "15m"}, nil,
			[]string{"--turn 20m is longer than the whole stand-up (--timebox 15m)"}, nil},
		{"a stand-up of 30 seconds", []string{"--timebox", "30s"}, nil, []string{"--timebox 30s", "the stand-up takes from 1m to 8h"}, nil},
		{"a timebox from the environment that is not a duration", []string{"standup"}, map[string]string{"HUDDLE_TIMEBOX": "banana"},
			[]string{`HUDDLE_TIMEBOX="banana"`, "not a duration"}, []string{"--timebox"}},
		{"a turn from the environment out of bounds", []string{"standup"}, map[string]string{"HUDDLE_TURN": "99h"},
			[]string{"HUDDLE_TURN 99h", "a turn takes"}, []string{"--turn"}},
		{"a retro timebox from the environment", []string{"retro"}, map[string]string{"HUDDLE_TIMEBOX": "1ms"},
			[]string{"HUDDLE_TIMEBOX 1ms"}, nil},
		{"a team name of 65 columns", []string{"standup", "--team", long}, nil, []string{"--team", "too long (65 columns, at most 64)"}, nil},
		{"a member's name of 65 columns", []string{"standup", "--members", "Ann," + long}, nil, []string{"--members", "too long"}, nil},
		{"a facilitator's name of 65 columns", []string{"retro", "--name", long}, nil, []string{"--name", "too long"}, nil},
		{"votes of zero", []string{"retro", "--votes", "0"}, nil, []string{"--votes 0", "at least 1 dot"}, nil},
		{"history of an unknown team", []string{"history", "--team", "nobody"}, nil, []string{`no team is called "nobody"`, "huddle teams"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
			cmd.SetArgs(append(tt.args, "--data-dir", t.TempDir()))
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.ExecuteContext(context.Background())
			if err == nil {
				t.Fatalf("%v: no error", tt.args)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v: err = %v, want it to say %q", tt.args, err, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(err.Error(), w) {
					t.Errorf("%v: err = %v, names %q, which the user did not type", tt.args, err, w)
				}
			}
		})
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
		{[]string{"--conns-per-address", "-1"}, "--conns-per-address"},
		{[]string{"--connect-rate", "-2"}, "--connect-rate"},
		{[]string{"--idle-timeout", "-1s"}, "--idle-timeout"},
		{[]string{"--notify", "hooks.example.org/secret"}, "--notify"},
		{[]string{"--on-end", `"unclosed`}, "--on-end"},
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
