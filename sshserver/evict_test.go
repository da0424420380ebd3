package sshserver

import (
	"strings"
	"testing"
	"time"
)

// A client evicted for not reading (a laptop that was suspended) is
// marked away at once; when it reads again it gets its terminal back —
// out of the alternate screen, the cursor shown — and a line saying why,
// and its session ends.
func TestAnEvictedClientGetsItsTerminalBack(t *testing.T) {
	const stall = 900 * time.Millisecond
	ts := startServer(t, t.TempDir(), func(c *Config) { c.StallTimeout = stall })
	code := ts.newStandupCode("--team t --members Ann,Cem")
	a := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code))
	sleeper := dialTest(t, ts.addr, "cem", newTestKey(t), withCommand("join "+code))
	a.WaitFor("Here (2)")
	sleeper.WaitFor("Here (2)")
	if alt, hidden := terminalModes(sleeper); !alt || !hidden {
		t.Fatalf("in the session: alternate screen %v, cursor hidden %v; want both", alt, hidden)
	}

	sleeper.StopSocket()
	a.WaitFor("Here (1)", "Cem (away)") // away at once, not when it wakes
	sleeper.ResumeSocket()
	sleeper.WaitFor("huddle: disconnected: your terminal took none of the session's output")
	sleeper.WaitForExit()
	if alt, hidden := terminalModes(sleeper); alt || hidden {
		t.Fatalf("after the eviction: alternate screen %v, cursor hidden %v; want the terminal back", alt, hidden)
	}
	raw := string(sleeper.Raw())
	if i, j := strings.LastIndex(raw, restoreTerminal), strings.LastIndex(raw, "disconnected:"); i < 0 || j < i {
		t.Fatalf("the terminal was not restored before the farewell line: %q", raw[max(0, len(raw)-300):])
	}
	if !strings.Contains(a.Screen(), "Cem (away)") {
		t.Fatalf("the others:\n%s", a.Screen())
	}
}

// terminalModes reports whether the client's terminal shows the alternate
// screen and hides the cursor.
func terminalModes(c *testClient) (alt, hidden bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.emu.IsAltScreen(), c.emu.CursorHidden()
}
