package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// Action items between meetings from the command line: list, close,
// reassign, move, drop; bad input changes nothing.
func TestActionsCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = resolveTeam(ctx, st, standupFlags{team: "web", members: []string{"Anna", "Ben", "Cem"}}, asker{})
	if err != nil {
		t.Fatal(err)
	}
	agreed := time.Now().Add(-72 * time.Hour)
	info, err := session.Create(ctx, st, session.Plan{Config: session.Config{Team: "web", Kind: session.Retro}, Roster: []string{"Anna", "Ben", "Cem"}}, agreed)
	if err != nil {
		t.Fatal(err)
	}
	yesterday := time.Now().AddDate(0, 0, -1)
	var evs []session.Event
	for i, text := range []string{"fix the flaky test", "write the runbook", "ask about the budget"} {
		a := session.Action{ID: i + 1, Text: text, Owner: session.Person{ID: session.RosterID("Anna"), Name: "Anna"}, Session: info.ID}
		if i == 0 {
			a.Due = time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 0, 0, 0, 0, time.Local)
		}
		evs = append(evs, session.Event{Seq: int64(i + 2), Time: agreed, Payload: &session.ActionAdded{Action: a}})
	}
	if err := st.Append(ctx, info.ID, evs...); err != nil {
		t.Fatal(err)
	}
	st.Close()
	must := func(args ...string) string {
		t.Helper()
		out, err := runCmd(t, dir, "", args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return out
	}
	ref := func(n string) string { return info.ID[:6] + "/a" + n }

	out := must("actions", "--team", "web")
	for _, want := range []string{"3 open, 1 overdue", "| `" + ref("1") + "` | fix the flaky test | Anna |", "(overdue) | 3 days | retrospective " + info.ID[:6]} {
		if !strings.Contains(out, want) {
			t.Errorf("actions lacks %q:\n%s", want, out)
		}
	}
	if out := must("actions", "--overdue", "--format", "csv"); strings.Count(out, "\r\n") != 2 || !strings.Contains(out, `"web","`+info.ID+`/a1"`) {
		t.Errorf("overdue as CSV, every team:\n%s", out)
	}

	for _, bad := range []struct {
		args []string
		want error
	}{
		{[]string{"actions", "done", "--team", "web", "--as", "Zoe", ref("1")}, session.ErrNotFound},
		{[]string{"actions", "done", "--team", "web", "--as", "Ben", "zzzzzz/a1"}, session.ErrNotFound},
		{[]string{"actions", "due", "--team", "web", "--as", "Ben", ref("1"), "31.12.2026"}, session.ErrInvalid},
		{[]string{"actions", "reassign", "--team", "web", "--as", "Ben", ref("1"), "Zoe"}, session.ErrNotFound},
		{[]string{"actions", "done", "--team", "nope", "--as", "Ben", ref("1")}, session.ErrNotFound},
		{[]string{"actions", "--team", "web", "--format", "xml"}, session.ErrInvalid},
	} {
		if out, err := runCmd(t, dir, "", bad.args...); !errors.Is(err, bad.want) {
			t.Errorf("%v: %v, want %v\n%s", bad.args, err, bad.want, out)
		}
	}

	if out := must("actions", "done", "--team", "web", "--as", "ben", ref("1"), "--note", "merged"); !strings.Contains(out, "Done: "+ref("1")+" fix the flaky test") {
		t.Errorf("done said %q", out)
	}
	must("actions", "reassign", "--team", "web", "--as", "Ben", ref("2"), "cem")
	if out := must("actions", "due", "--team", "web", "--as", "Ben", ref("2"), "2099-01-02"); !strings.Contains(out, "Due Fri 2 Jan 2099: "+ref("2")+" write the runbook (Cem)") {
		t.Errorf("due said %q", out)
	}
	must("actions", "drop", "--team", "web", "--as", "Ben", ref("3"))
	out = must("actions", "--team", "web", "--owner", "Cem", "--format", "json")
	if !strings.Contains(out, `"owner": "Cem"`) || !strings.Contains(out, `"due": "2099-01-0`) || strings.Count(out, `"ref"`) != 1 {
		t.Errorf("after the changes:\n%s", out)
	}
	if out := must("decisions", "--team", "web", "--format", "json"); !strings.Contains(out, `"type": "action-done"`) || !strings.Contains(out, `"actor": "local:Ben"`) {
		t.Errorf("the team log lacks the changes:\n%s", out)
	}
}
