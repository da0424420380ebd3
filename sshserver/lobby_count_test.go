package sshserver

import (
	"strings"
	"testing"
)

func TestLobbyCountsNoWatchers(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team musicstore --members Lukas,Julia")
	key := newTestKey(t)
	first := dialTest(t, ts.addr, "lukas", key, withCommand("join "+code))
	first.WaitFor("waiting room")
	first.Close()
	julia := dialTest(t, ts.addr, "julia", newTestKey(t), withCommand("join "+code))
	julia.WaitFor("waiting room", "✓ Julia")
	olga := dialTest(t, ts.addr, "olga", newTestKey(t), withCommand("watch "+code))
	olga.WaitFor("waiting room")
	julia.WaitFor("Watching: olga")

	lukas := dialTest(t, ts.addr, "lukas", key)
	lukas.WaitFor("lobby", "musicstore", code)
	if s := lukas.Screen(); !strings.Contains(s, "· 1 here ·") {
		t.Fatalf("the lobby should count Julia and not the watcher:\n%s", s)
	}
}
