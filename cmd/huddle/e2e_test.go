package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tmux drives the real huddle binary in a real terminal, as a person would.
// Each has a tmux server of its own, on a socket never used before: with
// one shared server (or a test's second tmux on its first one's socket),
// a kill ended the server while the next new-session was connecting to it
// ("server exited unexpectedly").
type tmux struct {
	t       *testing.T
	session string
	socket  string // its server's, new for every tmux
}

// tmuxServers numbers the tmux servers of this test process.
var tmuxServers atomic.Int64

// tmuxCmd is the tmux command with args on the session's own server.
func (tm *tmux) tmuxCmd(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...)
}

// target is the session's exact target: a loose name could match
// another session by prefix.
func (tm *tmux) target() string { return "=" + tm.session + ":" }

// start starts command in the session, 80×24, and kills the session's
// server when the test ends.
func (tm *tmux) start(command string) {
	tm.t.Helper()
	// A server of its own, never one that is still going away.
	tm.socket = fmt.Sprintf("huddle-e2e-%d", tmuxServers.Add(1))
	out, err := tm.tmuxCmd("new-session", "-d", "-s", tm.session, "-x", "80", "-y", "24", command).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux: %v: %s", err, out)
	}
	tm.t.Cleanup(func() { _ = tm.tmuxCmd("kill-server").Run() })
}

func startTmux(t *testing.T, command string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	tm := &tmux{t: t, session: "huddle-e2e-" + strings.ReplaceAll(t.Name(), "/", "-")}
	tm.start(command)
	return tm
}

func (tm *tmux) keys(keys ...string) {
	tm.t.Helper()
	args := append([]string{"send-keys", "-t", tm.target()}, keys...)
	if out, err := tm.tmuxCmd(args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys: %v: %s", err, out)
	}
}

func (tm *tmux) text(s string) {
	tm.t.Helper()
	if out, err := tm.tmuxCmd("send-keys", "-t", tm.target(), "-l", s).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys: %v: %s", err, out)
	}
}

func (tm *tmux) screen() string {
	out, _ := tm.tmuxCmd("capture-pane", "-p", "-t", tm.target()).Output()
	return string(out)
}

// waitFor polls the screen until it shows every string. The limit only
// guards against a hang; nothing waits for a time-box to pass.
func (tm *tmux) waitFor(want ...string) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := tm.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q:\n%s", missing, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func buildHuddle(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "huddle")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v: %s", err, out)
	}
	return bin
}

// TestEndToEndFirstRunQuitAndResume runs huddle in tmux: the first run asks
// for the team, a stand-up starts, quitting mid-turn keeps it, and the next
// plain huddle resumes it where it was.
func TestEndToEndFirstRunQuitAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildHuddle(t)
	data := t.TempDir()
	// The shell stays after huddle exits so its last words can be read.
	cmd := "env HUDDLE_DATA_DIR=" + data + " HUDDLE_NAME=Maria " + bin + "; echo huddle-exited-$?; sleep 600"
	tm := startTmux(t, cmd)
	tm.waitFor("No team yet. Team name:")
	tm.text("musicstore")
	tm.keys("Enter")
	tm.waitFor("Who is in musicstore?")
	tm.text("Lukas, Julia")
	tm.keys("Enter")
	tm.waitFor("waiting room", "Missing (2)", "▸ Lukas")
	tm.keys("Enter")
	tm.waitFor("✓ Lukas", "Here (1)")
	tm.keys("n")
	tm.waitFor("Turn 1 of 1", "left of 15:00")
	tm.keys("p")
	tm.waitFor("Park a topic:")
	tm.text("release date")
	tm.keys("Enter")
	tm.waitFor("#1 release date")
	tm.keys("q")
	tm.waitFor("is kept. Run the same command again to resume it.", "huddle-exited-0")

	tm2 := startTmux(t, "env HUDDLE_DATA_DIR="+data+" "+bin+"; echo huddle-exited-$?; sleep 600")
	tm2.waitFor("musicstore has an unfinished stand-up", "Resume it? [Y/n]")
	tm2.keys("Enter")
	tm2.waitFor("rounds", "Lukas", "#1 release date", "left of 15:00")
	if strings.Contains(tm2.screen(), "paused") {
		t.Fatalf("the timers stayed paused after resuming:\n%s", tm2.screen())
	}
	tm2.keys("n")
	tm2.waitFor("parking lot", "#1 release date")
	tm2.keys("x")
	tm2.waitFor("→ dropped")
	tm2.keys("n")
	tm2.waitFor("End the stand-up? (y/n)")
	tm2.keys("y")
	tm2.waitFor("summary", "✓ Lukas on time", "· Julia absent")
	tm2.keys("q")
	tm2.waitFor("huddle-exited-0")
	if strings.Contains(tm2.screen(), "is kept") {
		t.Fatal("a finished stand-up must not say it is paused")
	}
}

func TestMain(m *testing.M) {
	// Keep tmux away from the user's own server and configuration.
	dir, err := os.MkdirTemp("", "huddle-tmux")
	if err != nil {
		panic(err)
	}
	os.Setenv("TMUX_TMPDIR", dir)
	os.Unsetenv("TMUX")
	code := m.Run()
	os.RemoveAll(dir) // each test killed its own tmux server
	os.Exit(code)
}
