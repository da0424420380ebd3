package sshserver

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

// runStdin runs a command with stdin and closes it, as a pipe would.
func (ts *testServer) runStdin(key gossh.Signer, command, stdin string) (int, string, string) {
	ts.t.Helper()
	c := dialTest(ts.t, ts.addr, "x", key, withoutPty(), withCommand(command))
	if _, err := c.Write([]byte(stdin)); err != nil {
		ts.t.Fatal(err)
	}
	c.stdinMu.Lock()
	c.stdin.(io.Closer).Close()
	c.stdinMu.Unlock()
	status := c.WaitForExit()
	return status, string(c.Raw()), c.Stderr()
}

// The decision log over SSH: a decision taken outside a meeting while Ben
// was absent is what Ben missed until he acknowledges it, and the record
// shows it; a prepared update and an excused absence reach the next
// stand-up and its minutes. Strangers learn nothing about the team.
func TestTeamLogOverSSH(t *testing.T) {
	clock := session.NewFakeClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.Local))
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock })
	ana, ben, lukas, stranger := newTestKey(t), newTestKey(t), newTestKey(t), newTestKey(t)
	err := ts.store.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Ana", "Ben", "Lukas"},
		Keys:   map[string]string{"Ana": fingerprint(ana), "Ben": fingerprint(ben), "Lukas": fingerprint(lukas)},
		Owners: []string{fingerprint(ana)}})
	if err != nil {
		t.Fatal(err)
	}

	status, out, errOut := ts.run("x", ana, `decide --team musicstore --with Lukas "Use Postgres 17"`)
	if status != 0 || !strings.Contains(out, "Decision team/1 recorded") || !strings.Contains(out, "Absent: Ben") {
		t.Fatalf("decide: %d %q %q", status, out, errOut)
	}
	// A stranger is told what an unknown team tells: reading and writing.
	for _, cmd := range []string{"decisions --team %s", `decide --team %s "x"`, "missed --team %s", "ack --team %s --all", "prep standup --team %s --today x", "away --team %s --back"} {
		status, out, errOut := ts.run("x", stranger, strings.ReplaceAll(cmd, "%s", "musicstore"))
		uStatus, uOut, uErrOut := ts.run("x", stranger, strings.ReplaceAll(cmd, "%s", "nosuchteam"))
		if status != 1 || out != "" || status != uStatus || out != uOut ||
			strings.ReplaceAll(errOut, "musicstore", "T") != strings.ReplaceAll(uErrOut, "nosuchteam", "T") {
			t.Errorf("%s: a stranger got %d %q %q; an unknown team %d %q %q", cmd, status, out, errOut, uStatus, uOut, uErrOut)
		}
	}
	if status, _, errOut := ts.run("x", ben, "decide --team musicstore"); status != 2 || !strings.Contains(errOut, "usage: decide") {
		t.Errorf("decide without text: %d %q", status, errOut)
	}
	if status, _, errOut := ts.run("x", ben, "decisions --team musicstore --format pdf"); status != 1 || !strings.Contains(errOut, "unknown format") {
		t.Errorf("a bad format: %d %q", status, errOut)
	}

	status, out, errOut = ts.run("x", ben, "missed --team musicstore")
	if status != 0 || !strings.Contains(out, "team/1") || !strings.Contains(out, "Use Postgres 17") {
		t.Fatalf("Ben's missed: %d %q %q", status, out, errOut)
	}
	if status, _, errOut := ts.run("x", lukas, "review --team musicstore team/1"); status != 1 || !strings.Contains(errOut, "was there") {
		t.Errorf("Lukas asks to review what he decided: %d %q", status, errOut)
	}
	if status, out, errOut := ts.run("x", ben, `review --team musicstore team/1 --reason "we know MySQL"`); status != 0 || !strings.Contains(out, "Review asked") {
		t.Errorf("Ben's review: %d %q %q", status, out, errOut)
	}
	clock.Advance(time.Hour)
	if status, out, errOut := ts.run("x", ben, "ack --team musicstore --all"); status != 0 || !strings.Contains(out, "Seen: team/1") {
		t.Fatalf("Ben's ack: %d %q %q", status, out, errOut)
	}
	if _, out, _ := ts.run("x", ben, "missed --team musicstore"); !strings.Contains(out, "Ben missed nothing") {
		t.Errorf("after the ack: %q", out)
	}
	status, out, errOut = ts.run("x", ana, "decisions --team musicstore --format json")
	if status != 0 || !strings.Contains(out, `"who": "Ben",`) || !strings.Contains(out, `"type": "acknowledged"`) || !strings.Contains(out, `"reason": "we know MySQL"`) {
		t.Fatalf("the decision log: %d %q\n%s", status, errOut, out)
	}

	// Lukas prepares his update through a pipe; Ben will be away.
	status, out, errOut = ts.runStdin(lukas, "prep standup --team musicstore", "yesterday: fixed the build\ntoday: release 2.1\nblocker: no test device\n")
	if status != 0 || !strings.Contains(out, "today:     release 2.1") {
		t.Fatalf("prep: %d %q %q", status, out, errOut)
	}
	pty := dialTest(t, ts.addr, "x", lukas, withCommand("prep standup --team musicstore"))
	if status := pty.WaitForExit(); status != 2 || !strings.Contains(pty.Stderr(), "pipe the update in") {
		t.Errorf("prep on a terminal without flags: %d %q", status, pty.Stderr())
	}
	if status, _, errOut := ts.run("x", ben, "away --team musicstore --until 25.12."); status != 1 || !strings.Contains(errOut, "not a day") {
		t.Errorf("away until a day that is none: %d %q", status, errOut)
	}
	if status, out, errOut := ts.run("x", ben, "away --team musicstore --until 2026-11-27"); status != 0 || !strings.Contains(out, "excused") {
		t.Fatalf("away: %d %q %q", status, out, errOut)
	}
	clock.Advance(time.Hour)
	if status, out, errOut := ts.run("x", ana, "new retro --team musicstore --collect"); status != 0 {
		t.Fatalf("new retro --collect: %d %q %q", status, out, errOut)
	} else {
		code, _, _ := strings.Cut(out, "\n")
		info, err := ts.store.SessionByCode(context.Background(), strings.TrimSpace(code))
		evs, _ := ts.store.Events(context.Background(), info.ID)
		if err != nil || !session.Fold(info.ID, evs).Config.Collect {
			t.Errorf("the retrospective is not open for collecting (%v)", err)
		}
	}
	code := ts.open("x", ana, "--team musicstore")
	if _, out, _ := ts.run("x", lukas, "prep standup --team musicstore --today later"); !strings.Contains(out, "is open already") {
		t.Errorf("a prep while a stand-up is open does not say it goes to the next one:\n%s", out)
	}
	if status, out, errOut := ts.run("x", ana, "export "+code); status != 0 || !strings.Contains(out, "| Ben | excused |") {
		t.Errorf("minutes: %d %q\n%s", status, errOut, out)
	}
	status, out, errOut = ts.run("x", ana, "export "+code+" --format json")
	if status != 0 || !strings.Contains(out, `"huddle_record": 2`) || !strings.Contains(out, `"yesterday": "fixed the build"`) || !strings.Contains(out, `"text": "no test device"`) {
		t.Errorf("record: %d %q\n%s", status, errOut, out)
	}
}

// TestTeamLogLongTextOverSSH: text longer than the team's log keeps, as
// an argument or piped in, is refused with its length rather than cut.
func TestTeamLogLongTextOverSSH(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	ben := newTestKey(t)
	err := ts.store.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Ben"},
		Keys: map[string]string{"Ben": fingerprint(ben)}})
	if err != nil {
		t.Fatal(err)
	}
	if status, _, errOut := ts.run("x", ben, "decide --team musicstore "+strings.Repeat("long ", 70)); status != 1 || !strings.Contains(errOut, "the decision is 349 characters long; at most 280") {
		t.Errorf("a long decision: %d %q", status, errOut)
	}
	if status, _, errOut := ts.runStdin(ben, "prep standup --team musicstore", strings.Repeat("one more thing\n", 30)); status != 1 || !strings.Contains(errOut, "today is 449 characters long") {
		t.Errorf("a long prepared update: %d %q", status, errOut)
	}
	if status, out, errOut := ts.run("x", ben, "decisions --team musicstore"); status != 0 || strings.Contains(out, "long") {
		t.Errorf("the refused text is in the log: %d %q %q", status, out, errOut)
	}
}
