package sshserver

import (
	"context"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

// Action items between meetings over SSH: the team's members and owners
// list them; its members close, reassign, move and drop them as
// themselves; a watcher (an owner's key not on the roster) and a stranger
// change nothing, and a stranger learns nothing about the team.
func TestActionsOverSSH(t *testing.T) {
	ctx := context.Background()
	clock := session.NewFakeClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.Local))
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock })
	ana, ben, watcher, stranger := newTestKey(t), newTestKey(t), newTestKey(t), newTestKey(t)
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"},
		Keys:   map[string]string{"Ana": fingerprint(ana), "Ben": fingerprint(ben)},
		Owners: []string{fingerprint(watcher)}}
	if err := ts.store.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	info, err := session.Create(ctx, ts.store, session.Plan{Config: session.Config{Team: "musicstore", Kind: session.Retro}, Roster: team.Members}, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 26, 0, 0, 0, 0, time.Local)
	var evs []session.Event
	for i, text := range []string{"fix the flaky test", "write the runbook"} {
		a := session.Action{ID: i + 1, Text: text, Owner: session.Person{ID: session.RosterID("Ana"), Name: "Ana"}, Due: due, Session: info.ID}
		evs = append(evs, session.Event{Seq: int64(i + 2), Time: clock.Now(), Payload: &session.ActionAdded{Action: a}})
	}
	if err := ts.store.Append(ctx, info.ID, evs...); err != nil {
		t.Fatal(err)
	}
	ref := func(n string) string { return info.ID[:6] + "/a" + n }
	clock.Advance(48 * time.Hour)

	status, out, errOut := ts.run("x", watcher, "actions")
	if status != 0 || !strings.Contains(out, "# Open action items of musicstore") || !strings.Contains(out, "2 open, 2 overdue") || !strings.Contains(out, "| 2 days |") {
		t.Fatalf("the watcher lists: %d %q %q", status, out, errOut)
	}
	if status, out, _ := ts.run("x", stranger, "actions"); status != 0 || strings.Contains(out, "musicstore") {
		t.Errorf("a stranger's list: %d %q", status, out)
	}
	for _, cmd := range []string{"actions --team %s", "actions done --team %s " + ref("1")} {
		status, out, errOut := ts.run("x", stranger, strings.ReplaceAll(cmd, "%s", "musicstore"))
		uStatus, _, uErrOut := ts.run("x", stranger, strings.ReplaceAll(cmd, "%s", "nosuchteam"))
		if status != 1 || out != "" || status != uStatus || strings.ReplaceAll(errOut, "musicstore", "T") != strings.ReplaceAll(uErrOut, "nosuchteam", "T") {
			t.Errorf("%s: a stranger got %d %q %q; an unknown team %d %q", cmd, status, out, errOut, uStatus, uErrOut)
		}
	}
	for _, bad := range []struct{ who, cmd, want string }{
		{"watcher", "actions done --team musicstore " + ref("1"), "only the members of musicstore"},
		{"ben", "actions done --team musicstore zzzzzz/a1", "no open action item"},
		{"ben", "actions due --team musicstore " + ref("1") + " tomorrow", "YYYY-MM-DD"},
		{"ben", "actions reassign --team musicstore " + ref("1") + " Zoe", "not on the roster"},
		{"ben", "actions --team musicstore --format pdf", "unknown format"},
	} {
		key := ben
		if bad.who == "watcher" {
			key = watcher
		}
		if status, _, errOut := ts.run("x", key, bad.cmd); status != 1 || !strings.Contains(errOut, bad.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s %s: %d %q", bad.who, bad.cmd, status, errOut)
		}
	}
	if log, _ := ts.store.TeamLog(ctx, "musicstore"); len(log) != 0 {
		t.Fatalf("bad input logged %v", log)
	}

	if status, out, errOut := ts.run("x", ben, `actions done --team musicstore `+ref("1")+` --note "merged"`); status != 0 || !strings.Contains(out, "Done: "+ref("1")) {
		t.Fatalf("Ben closes: %d %q %q", status, out, errOut)
	}
	if status, out, errOut := ts.run("x", ben, "actions reassign --team musicstore "+ref("2")+" ben"); status != 0 || !strings.Contains(out, "Reassigned: "+ref("2")+" write the runbook (now Ben)") {
		t.Fatalf("Ben takes it: %d %q %q", status, out, errOut)
	}
	status, out, errOut = ts.run("x", ana, "actions --team musicstore --owner Ben --format csv")
	if status != 0 || strings.Count(out, "\r\n") != 2 || !strings.Contains(out, `"write the runbook","Ben"`) {
		t.Fatalf("Ben's items: %d %q %q", status, out, errOut)
	}
	// The lobby counts the team's open and overdue items, for the
	// watcher too.
	for _, key := range []gossh.Signer{ana, watcher} {
		lobby := dialTest(t, ts.addr, "x", key)
		lobby.WaitFor("lobby", "Action items of your teams", "musicstore 1 open · 1 overdue")
		lobby.Close()
	}
	log, _ := ts.store.TeamLog(ctx, "musicstore")
	if len(log) != 2 || log[0].Actor != session.RosterID("Ben") || log[0].Type() != "action-done" {
		t.Fatalf("the team log %+v", log)
	}
}
