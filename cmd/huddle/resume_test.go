package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/sqlite"
)

// unfinishedIn stores team musicstore with an unfinished session made
// with cfg, and returns the store and the session's id.
func unfinishedIn(t *testing.T, cfg session.Config, members ...string) (*sqlite.Store, string) {
	t.Helper()
	st, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg.Team = "musicstore"
	if cfg.Timebox == 0 {
		cfg.Timebox = 15 * time.Minute
	}
	info, err := session.Create(context.Background(), st, session.Plan{
		Config: cfg, Facilitator: session.Person{ID: "local:maria", Name: "maria"}, Roster: members,
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return st, info.ID
}

// answering is an asker at a terminal that answers with the lines given.
func answering(out *bytes.Buffer, lines ...string) asker {
	return asker{in: bufio.NewReader(strings.NewReader(strings.Join(lines, "\n") + "\n")), out: out, interactive: true}
}

func givenFlags(names ...string) func(string) bool {
	return func(n string) bool { return slices.Contains(names, n) }
}

func isOpen(t *testing.T, st *sqlite.Store, id string) bool {
	t.Helper()
	open, err := st.Sessions(context.Background(), session.Filter{Team: "musicstore", Unfinished: true})
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(open, func(i session.Info) bool { return i.ID == id })
}

// Resuming a named retrospective with --anonymous, other votes and an
// added member shows what differs and asks: r resumes as it was, n starts
// over, anything else keeps it and starts nothing.
func TestResumeShowsWhatTheFlagsChangeAndAsks(t *testing.T) {
	named := session.Config{Kind: session.Retro, VoteBudget: 3, TopicBox: 5 * time.Minute}
	want := session.Config{Team: "musicstore", Kind: session.Retro, Anonymous: true, VoteBudget: 5, TopicBox: 5 * time.Minute}
	team := session.Team{Name: "musicstore", Members: []string{"Lukas", "Ana"}}
	sf := standupFlags{given: givenFlags("anonymous", "votes", "members", "topic")}
	for _, tt := range []struct {
		answer      string
		wantResumed bool
		wantErr     error
		stillOpen   bool
	}{
		{"r", true, nil, true},
		{"n", false, nil, false},
		{"q", false, errKept, true},
		{"", false, errKept, true},
	} {
		st, id := unfinishedIn(t, named, "Lukas")
		var out bytes.Buffer
		got, resumed, err := pickSession(context.Background(), st, team, session.Retro, sf, answering(&out, tt.answer), want)
		if !errors.Is(err, tt.wantErr) || resumed != tt.wantResumed || (resumed && got != id) {
			t.Fatalf("answer %q: id %q resumed %v err %v", tt.answer, got, resumed, err)
		}
		for _, line := range []string{"made with other settings than the flags ask for",
			"--anonymous=true: it is named: cards, dots and thumbs keep their authors",
			"--votes 5: it has 3", "--members: Ana not in it", "[r/n/q]"} {
			if !strings.Contains(out.String(), line) {
				t.Fatalf("answer %q: the question lacks %q:\n%s", tt.answer, line, out.String())
			}
		}
		if strings.Contains(out.String(), "--topic") {
			t.Fatalf("a flag given with the session's own value is reported:\n%s", out.String())
		}
		if open := isOpen(t, st, id); open != tt.stillOpen {
			t.Fatalf("answer %q: the unfinished retro is open %v, want %v", tt.answer, open, tt.stillOpen)
		}
	}
}

// --resume keeps the old settings and says which flags it ignores; --new
// starts over without asking; without differences the question is the
// plain one.
func TestResumeAndNewSayWhatTheyDo(t *testing.T) {
	want := session.Config{Team: "musicstore", Kind: session.Standup, Turn: 2 * time.Minute, Timebox: 15 * time.Minute,
		ScheduledAt: time.Date(2026, 12, 2, 10, 0, 0, 0, time.Local)}
	team := session.Team{Name: "musicstore", Members: []string{"Lukas"}}

	st, id := unfinishedIn(t, session.Config{Turn: 90 * time.Second}, "Lukas")
	var out bytes.Buffer
	sf := standupFlags{resume: true, given: givenFlags("turn", "at")}
	got, resumed, err := pickSession(context.Background(), st, team, session.Standup, sf, answering(&out), want)
	if err != nil || !resumed || got != id {
		t.Fatalf("--resume: %q %v %v", got, resumed, err)
	}
	for _, line := range []string{"Resuming it as it was; these flags are ignored:", "--turn 2m: it has 1m30s", "--at Wed 10:00: it starts when ready"} {
		if !strings.Contains(out.String(), line) {
			t.Fatalf("--resume said %q, lacking %q", out.String(), line)
		}
	}

	out.Reset()
	sf = standupFlags{fresh: true, given: givenFlags("turn", "new")}
	if _, resumed, err := pickSession(context.Background(), st, team, session.Standup, sf, answering(&out), want); err != nil || resumed || out.Len() != 0 || isOpen(t, st, id) {
		t.Fatalf("--new: resumed %v, err %v, said %q, old open %v", resumed, err, out.String(), isOpen(t, st, id))
	}

	st, id = unfinishedIn(t, session.Config{Turn: 2 * time.Minute}, "Lukas")
	out.Reset()
	sf = standupFlags{given: givenFlags("turn")}
	if got, resumed, err := pickSession(context.Background(), st, team, session.Standup, sf, answering(&out, "y"), want); err != nil || !resumed || got != id {
		t.Fatalf("same settings: %q %v %v", got, resumed, err)
	}
	if !strings.Contains(out.String(), "Resume it? [Y/n]") || strings.Contains(out.String(), "other settings") {
		t.Fatalf("same settings asked %q", out.String())
	}

	// Without a terminal and without --resume or --new, differences are
	// an error that says what to do: nothing is resumed silently.
	st, id = unfinishedIn(t, session.Config{Kind: session.Retro}, "Lukas")
	sf = standupFlags{given: givenFlags("anonymous")}
	_, _, err = pickSession(context.Background(), st, team, session.Retro, sf, asker{out: &out}, session.Config{Kind: session.Retro, Anonymous: true})
	if err == nil || !strings.Contains(err.Error(), "--anonymous=true") || !strings.Contains(err.Error(), "--resume") || !isOpen(t, st, id) {
		t.Fatalf("without a terminal: %v", err)
	}
}

// Without a terminal huddle retro and huddle standup say so and store
// nothing: no team, no session.
func TestLocalRunNeedsATerminal(t *testing.T) {
	for _, args := range [][]string{
		{"retro", "--team", "musicstore", "--members", "Lukas,Julia", "--anonymous"},
		{"standup", "--team", "musicstore", "--members", "Lukas,Julia"},
		{},
	} {
		dir := t.TempDir()
		_, err := runHuddle(t, append(args, "--data-dir", dir)...)
		if err == nil || err.Error() != "huddle needs a terminal: run it in one, or use huddle serve" {
			t.Fatalf("huddle %v without a terminal: %v", args, err)
		}
		st, err := openStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		sessions, err := st.Sessions(context.Background(), session.Filter{})
		if err != nil || len(sessions) != 0 {
			t.Fatalf("huddle %v without a terminal left sessions %+v (%v)", args, sessions, err)
		}
		if _, err := st.Team(context.Background(), "musicstore"); !errors.Is(err, session.ErrNotFound) {
			t.Fatalf("huddle %v without a terminal stored the team: %v", args, err)
		}
		st.Close()
	}
}
