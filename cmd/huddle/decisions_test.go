package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/export"
)

func runCmd(t *testing.T, dir, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(stdin), &out)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append(args, "--data-dir", dir))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// The decision log, what you missed, prepared updates and excused
// absences, from the command line.
func TestTeamLogCommands(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = resolveTeam(context.Background(), st, standupFlags{team: "web", members: []string{"Anna", "Ben", "Cem"}}, asker{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, err := runCmd(t, dir, stdin, args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return out
	}
	if _, err := runCmd(t, dir, "", "decide", "--team", "nope", "--as", "Anna", "x"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("decide for an unknown team: %v", err)
	}
	if _, err := runCmd(t, dir, "", "decide", "--team", "web", "--as", "Zoe", "x"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("decide for someone off the roster: %v", err)
	}
	out := must("", "decide", "--team", "web", "--as", "anna", "--with", "Cem", "Use", "Postgres 17")
	if !strings.Contains(out, "team/1") || !strings.Contains(out, "Absent: Ben") {
		t.Errorf("decide said:\n%s", out)
	}
	if out := must("", "decisions", "--team", "web"); !strings.Contains(out, "Use Postgres 17") || !strings.Contains(out, "- Not seen yet: Ben") {
		t.Errorf("decisions:\n%s", out)
	}
	if out := must("", "decisions", "--team", "web", "--format", "csv"); !strings.HasPrefix(out, "ref,at,source") {
		t.Errorf("csv:\n%s", out)
	}
	if _, err := runCmd(t, dir, "", "decisions", "--team", "web", "--since", "last week"); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("a bad --since: %v", err)
	}
	if out := must("", "missed", "--team", "web", "--as", "Ben"); !strings.Contains(out, "team/1") {
		t.Errorf("missed:\n%s", out)
	}
	if _, err := runCmd(t, dir, "", "review", "--team", "web", "--as", "Anna", "team/1"); !errors.Is(err, session.ErrForbidden) {
		t.Errorf("a review by someone who was there: %v", err)
	}
	must("", "review", "--team", "web", "--as", "Ben", "team/1", "--reason", "MySQL")
	if out := must("", "ack", "--team", "web", "--as", "Ben", "--all"); !strings.Contains(out, "Seen: team/1") {
		t.Errorf("ack:\n%s", out)
	}
	if out := must("", "missed", "--team", "web", "--as", "Ben"); !strings.Contains(out, "missed nothing") {
		t.Errorf("missed after ack:\n%s", out)
	}

	out = must("yesterday: fixed the build\nrelease 2.1\nblocker: no test device\n", "prep", "standup", "--team", "web", "--as", "Cem")
	if !strings.Contains(out, "today:     release 2.1") || !strings.Contains(out, "blocker:   no test device") {
		t.Errorf("prep said:\n%s", out)
	}
	if _, err := runCmd(t, dir, "", "prep", "standup", "--team", "web", "--as", "Cem"); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("an empty update: %v", err)
	}
	until := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	if _, err := runCmd(t, dir, "", "away", "--team", "web", "--as", "Ben"); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("away without --until: %v", err)
	}
	must("", "away", "--team", "web", "--as", "Ben", "--until", until)

	st, err = openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	info, err := session.Create(context.Background(), st, session.Plan{
		Config: session.Config{Team: "web", Kind: session.Standup, Timebox: 15 * time.Minute},
		Roster: []string{"Anna", "Ben", "Cem"},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	evs, err := st.Events(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := session.Fold(info.ID, evs)
	if pr, ok := s.PreparedBy(session.RosterID("Cem")); !ok || pr.Yesterday != "fixed the build" {
		t.Errorf("prepared %+v", s.Prepared)
	}
	var b bytes.Buffer
	if err := export.Markdown(&b, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| Ben | excused |") {
		t.Errorf("minutes:\n%s", b.String())
	}
}

// The team log goes from one store to another in the decision log's JSON:
// whole, then only what is new; a log that differs is refused.
func TestImportTheTeamLog(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	st, err := openStore(src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = resolveTeam(context.Background(), st, standupFlags{team: "web", members: []string{"Anna", "Ben"}}, asker{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, src, "", "decide", "--team", "web", "--as", "Anna", "Use Postgres"); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	doc, err := runCmd(t, src, "", "decisions", "--team", "web", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, dst, doc, "import", "-"); err != nil || !strings.Contains(out, "1 new of 1 events") {
		t.Fatalf("import: %v %s", err, out)
	}
	if out, err := runCmd(t, dst, doc, "import", "-"); err != nil || !strings.Contains(out, "0 new of 1 events") {
		t.Fatalf("import again: %v %s", err, out)
	}
	other := strings.Replace(doc, `"text": "Use Postgres"`, `"text": "Use MySQL"`, -1)
	if _, err := runCmd(t, dst, other, "import", "-"); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("a different log: %v", err)
	}
	broken := strings.Replace(doc, `"seq": 1`, `"seq": 2`, 1)
	if _, err := runCmd(t, dst, broken, "import", "-"); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("a broken log: %v", err)
	}
	st, err = openStore(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if log, err := st.TeamLog(context.Background(), "web"); err != nil || len(log) != 1 {
		t.Fatalf("the imported log: %v %v", log, err)
	}
}
