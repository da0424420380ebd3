package main

import (
	"strings"
	"testing"
)

// TestEndToEndGreetingOverOpenSSH: with the real OpenSSH client in tmux
// against a real huddle serve, a decision taken outside a meeting while
// Ben was absent greets Ben when he joins the team's next stand-up; a
// acknowledges it, and the record of that stand-up holds it.
func TestEndToEndGreetingOverOpenSSH(t *testing.T) {
	e := sshE2EServe(t, "ana", "ben")
	port, keys := e.port, e.keys
	fatal := func(format string, args ...any) {
		t.Helper()
		e.fatal(t, format, args...)
	}
	open := func() string {
		t.Helper()
		out, errOut, status := sshE2ERun(t, keys["ana"], port, "Ana@127.0.0.1", "new", "standup", "--team", "musicstore", "--members", "Ana,Ben,Lukas")
		if status != 0 {
			fatal("new standup: %d %q %q", status, out, errOut)
		}
		code, _, _ := strings.Cut(out, "\n")
		return strings.TrimSpace(code)
	}

	// A first stand-up binds Ana's and Ben's keys to their names.
	first := open()
	ana := sshE2ETmux(t, "greet-ana", sshE2EJoinCmd(keys["ana"], port, "Ana", first))
	ana.waitFor("waiting room", "Ana · facilitator")
	ben := sshE2ETmux(t, "greet-ben", sshE2EJoinCmd(keys["ben"], port, "Ben", first))
	ben.waitFor("waiting room", "Ben · member")
	ben.keys("q")
	ben.waitFor("ssh-exited-")
	ana.keys("e")
	ana.waitFor("y/n")
	ana.keys("y")
	ana.waitFor("summary")

	// Ana decides without Ben.
	if out, errOut, status := sshE2ERun(t, keys["ana"], port, "Ana@127.0.0.1", "decide", "--team", "musicstore", "Use Postgres 17"); status != 0 || !strings.Contains(out, "Absent: Ben") {
		fatal("decide: %d %q %q", status, out, errOut)
	}

	// Ben joins the next stand-up: the decision greets him.
	next := open()
	ben2 := sshE2ETmux(t, "greet-ben2", sshE2EJoinCmd(keys["ben"], port, "Ben", next))
	ben2.waitFor("Welcome, Ben — what happened without you", "Use Postgres 17", "a acknowledge all")
	ben2.keys("a")
	ben2.waitFor("acknowledged: the team knows you have seen it", "waiting room")

	out, errOut, status := sshE2ERun(t, keys["ana"], port, "Ana@127.0.0.1", "export", next, "--format", "json")
	if status != 0 || !strings.Contains(out, `"type": "missed-acknowledged"`) || !strings.Contains(out, `"team/1"`) {
		fatal("export: %d %q\n%s", status, errOut, out)
	}
	if out, _, _ := sshE2ERun(t, keys["ben"], port, "Ben@127.0.0.1", "missed", "--team", "musicstore"); !strings.Contains(out, "Ben missed nothing") {
		fatal("missed after the greeting: %q", out)
	}
}
