package sshserver

import (
	"context"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

// newStandupCodeAs is newStandupCode with the opener's key given: the key
// a new team records as its owner's.
func (ts *testServer) newStandupCodeAs(key gossh.Signer, args string) string {
	ts.t.Helper()
	if !strings.Contains(args, "--guests") {
		args += " --guests open"
	}
	c := dialTest(ts.t, ts.addr, "scheduler", key, withoutPty(), withCommand("new standup "+args))
	if status := c.WaitForExit(); status != 0 {
		ts.t.Fatalf("new standup exited %d: %s", status, c.Stderr())
	}
	first, _, _ := strings.Cut(string(c.Raw()), "\n")
	code := strings.TrimSpace(first)
	if !codeShape.MatchString(code) {
		ts.t.Fatalf("first line %q is not a join code", first)
	}
	return code
}

// Only those who took part in a session and its team's members get its
// minutes; anyone else is told what an unknown code would tell them.
func TestExportIsForParticipantsAndMembersOnly(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	opener := newTestKey(t)
	code := ts.newStandupCodeAs(opener, "--team t --members Ann")

	for _, format := range []string{"md", "json"} {
		status, out, errOut := ts.run("x", newTestKey(t), "export "+code+" --format "+format)
		uStatus, uOut, uErrOut := ts.run("x", newTestKey(t), "export "+unknownCode+" --format "+format)
		if status != uStatus || out != uOut || strings.ReplaceAll(errOut, code, "CODE") != strings.ReplaceAll(uErrOut, unknownCode, "CODE") {
			t.Fatalf("%s: an outsider's export answered %d %q %q; an unknown code %d %q %q", format, status, out, errOut, uStatus, uOut, uErrOut)
		}
		if status != 1 || !strings.Contains(errOut, "no session has the join code") {
			t.Fatalf("%s: an outsider's export: %d %q", format, status, errOut)
		}
	}

	// A watcher took part but is none of the team's: the minutes are theirs.
	watcher := newTestKey(t)
	w := dialTest(t, ts.addr, "olga", watcher, withCommand("watch "+code))
	w.WaitFor("olga · observer")
	team, err := ts.store.Team(context.Background(), "t")
	if err != nil || team.HasKey(fingerprint(watcher)) {
		t.Fatalf("the watcher is one of the team's keys (%v)", err)
	}
	if status, out, errOut := ts.run("x", watcher, "export "+code); status != 0 || !strings.Contains(out, "# Stand-up · t") {
		t.Fatalf("a participant's export: %d %q %q", status, out, errOut)
	}
	// The opener is the team's: a member, who need not have taken part.
	if status, out, errOut := ts.run("x", opener, "export "+code+" --format json"); status != 0 || !strings.Contains(out, `"huddle_record"`) {
		t.Fatalf("a member's export: %d %q", status, errOut)
	}
}

// The record over SSH names no key, unless the team's owner asks for
// them.
func TestRecordOverSSHHasNoFingerprints(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	opener := newTestKey(t)
	code := ts.newStandupCodeAs(opener, "--team t --members Ann,Bob --facilitator Ann")
	ann, bob := newTestKey(t), newTestKey(t)
	a := dialTest(t, ts.addr, "Ann", ann, withCommand("join "+code))
	a.WaitFor("Ann · facilitator")
	b := dialTest(t, ts.addr, "Bob", bob, withCommand("join "+code))
	b.WaitFor("Bob · member")

	status, out, errOut := ts.run("x", bob, "export "+code+" --format json")
	if status != 0 || !strings.Contains(out, `"huddle_record"`) {
		t.Fatalf("a participant's record: %d %q", status, errOut)
	}
	for _, leak := range []string{"SHA256:", fingerprint(ann), fingerprint(bob), fingerprint(opener), `"bound"`, `"key"`} {
		if strings.Contains(out, leak) {
			t.Errorf("the record over SSH holds %q", leak)
		}
	}
	if !strings.Contains(out, `"ssh:key-1"`) || !strings.Contains(out, `"name": "Bob"`) {
		t.Errorf("the record lost who was there:\n%s", out)
	}

	// Bob is no owner: he may not have the keys.
	status, out, errOut = ts.run("x", bob, "export "+code+" --format json --keys")
	if status != 1 || out != "" || !strings.Contains(errOut, "only the team's owner") {
		t.Fatalf("a member's --keys: %d %q %q", status, out, errOut)
	}
	// Nor is Ann, though she facilitates.
	status, out, errOut = ts.run("x", ann, "export "+code+" --format json --keys")
	if status != 1 || out != "" || !strings.Contains(errOut, "only the team's owner") {
		t.Fatalf("the facilitator's --keys: %d %q %q", status, out, errOut)
	}
	// The opener created the team and owns it: they may.
	status, out, errOut = ts.run("x", opener, "export "+code+" --format json --keys")
	if status != 0 || !strings.Contains(out, fingerprint(ann)) || !strings.Contains(out, fingerprint(bob)) {
		t.Fatalf("the owner's --keys: %d %q %.300q", status, errOut, out)
	}
	// An outsider's --keys is an unknown code, as ever.
	status, _, errOut = ts.run("x", newTestKey(t), "export "+code+" --format json --keys")
	if status != 1 || !strings.Contains(errOut, "no session has the join code") {
		t.Fatalf("an outsider's --keys: %d %q", status, errOut)
	}
}

// A team's members list its sessions, newest first; to anyone else the
// team does not exist.
func TestHistoryOverSSHIsForMembersOnly(t *testing.T) {
	clock := session.NewFakeClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.Local))
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock })
	opener := newTestKey(t)
	first := ts.newStandupCodeAs(opener, "--team musicstore --members Ann")
	clock.Advance(24 * time.Hour)
	second := ts.newStandupCodeAs(opener, "--team musicstore --members Ann")

	status, out, errOut := ts.run("x", opener, "history --team musicstore")
	if status != 0 {
		t.Fatalf("a member's history: %d %q", status, errOut)
	}
	i, j := strings.Index(out, second), strings.Index(out, first)
	if i < 0 || j < 0 || i > j {
		t.Fatalf("history does not list %s before %s:\n%s", second, first, out)
	}
	for _, want := range []string{"WHEN", "KIND", "DURATION", "ATTENDANCE", "Thu 26 Nov 2026 09:00", "standup", "not started", "0 came"} {
		if !strings.Contains(out, want) {
			t.Errorf("history has no %q:\n%s", want, out)
		}
	}

	outsider := newTestKey(t)
	status, out, errOut = ts.run("x", outsider, "history --team musicstore")
	uStatus, uOut, uErrOut := ts.run("x", outsider, "history --team nosuchteam")
	if status != 1 || out != "" || !strings.Contains(errOut, "no team is called") {
		t.Fatalf("an outsider's history: %d %q %q", status, out, errOut)
	}
	if status != uStatus || out != uOut || strings.ReplaceAll(errOut, "musicstore", "T") != strings.ReplaceAll(uErrOut, "nosuchteam", "T") {
		t.Fatalf("an outsider's history (%d %q) differs from an unknown team's (%d %q)", status, errOut, uStatus, uErrOut)
	}
	if status, _, errOut := ts.run("x", opener, "history"); status != 2 || !strings.Contains(errOut, "--team is required") {
		t.Fatalf("history without a team: %d %q", status, errOut)
	}
}
