package main

import (
	"strings"
	"testing"
)

// TestTrustOverOpenSSH: with the real OpenSSH client against a real
// `huddle serve`, a key that knows only a join code cannot change the
// team's roster, open sessions for it or export its session, and gets
// into the session only when the facilitator lets it in.
func TestTrustOverOpenSSH(t *testing.T) {
	e := sshE2EServe(t, "ana", "mallory")
	port, keys := e.port, e.keys
	fatal := func(format string, args ...any) {
		t.Helper()
		e.fatal(t, format, args...)
	}

	// Ana opens the team's stand-up: the team is hers.
	out, errOut, status := sshE2ERun(t, keys["ana"], port, "ana@127.0.0.1",
		"new", "standup", "--team", "web", "--members", "Ana,Ben")
	code := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
	if status != 0 || !sshE2ECodeShape.MatchString(code) {
		fatal("new standup: status %d, stdout %q, stderr %q", status, out, errOut)
	}

	// Mallory knows the code and nothing else.
	for _, tc := range []struct {
		remote []string
		want   string
	}{
		{[]string{"team", "web", "add", "Eve"}, "only the owners of web"},
		{[]string{"new", "standup", "--team", "web", "--members", "Mallory,Eve"}, "only the members of web"},
		{[]string{"export", code}, "no session has the join code"},
	} {
		out, errOut, status := sshE2ERun(t, keys["mallory"], port, append([]string{"mallory@127.0.0.1"}, tc.remote...)...)
		if status == 0 || !strings.Contains(errOut, tc.want) {
			fatal("mallory's %v: status %d, stdout %q, stderr %q; want a refusal saying %q", tc.remote, status, out, errOut, tc.want)
		}
	}
	out, errOut, status = sshE2ERun(t, keys["ana"], port, "ana@127.0.0.1", "team", "web")
	if status != 0 || strings.Contains(out, "Mallory") || strings.Contains(out, "Eve") || !strings.Contains(out, "Ben") {
		fatal("the team after mallory's attempts: status %d, stderr %q:\n%s", status, errOut, out)
	}

	join := func(name string) *tmux {
		return sshE2ETmux(t, "trust-"+name, sshE2EJoinCmd(keys[name], port, name, code))
	}
	mallory := join("mallory")
	mallory.waitFor("at the door", "Waiting for the facilitator")
	ana := join("ana")
	ana.waitFor("Ana · facilitator", "at the door: mallory")
	if s := mallory.screen(); strings.Contains(s, "Here (") {
		fatal("mallory sees the session before being let in:\n%s", s)
	}
	ana.keys("D")
	ana.waitFor("g let in as a guest")
	ana.keys("g")
	mallory.waitFor("Here (2)", "mallory")
	ana.waitFor("Here (2)")
}
