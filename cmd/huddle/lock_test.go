package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"huddle/session"
)

// lockHangGuard bounds every wait of the lock tests. It guards against a
// hang; on a healthy run every wait ends long before it.
const lockHangGuard = 15 * time.Second

// helperArgsEnv, when set, makes TestLockHelperProcess run huddle with
// these arguments (a JSON array) in its own process, then exit. It is not
// HUDDLE_-prefixed so that huddle does not read it as a flag.
const helperArgsEnv = "LOCKTEST_HUDDLE_ARGS"

// TestLockHelperProcess is not a test: it is the other huddle process of
// the lock tests, the test binary run again with helperArgsEnv set.
func TestLockHelperProcess(t *testing.T) {
	raw := os.Getenv(helperArgsEnv)
	if raw == "" {
		t.Skip("a helper process for the lock tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := newRootCmd(strings.NewReader(""), os.Stdout)
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(ctx); err != nil {
		os.Exit(1)
	}
	os.Exit(0)
}

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// otherHuddle is huddle running in another process.
type otherHuddle struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed when the process has exited
}

// startServe runs `huddle serve` on dir in another process and returns
// once it holds the data directory's lock.
func startServe(t *testing.T, dir string) *otherHuddle {
	t.Helper()
	args, _ := json.Marshal([]string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"})
	h := &otherHuddle{out: &lockedBuffer{}, done: make(chan struct{})}
	h.cmd = exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	// TMPDIR: what the helper's TestMain leaves behind when it is killed
	// goes with the test's own directory.
	h.cmd.Env = append(os.Environ(), helperArgsEnv+"="+string(args), "TMPDIR="+t.TempDir())
	h.cmd.Stdout, h.cmd.Stderr = h.out, h.out
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = h.cmd.Wait()
		close(h.done)
	}()
	t.Cleanup(func() {
		_ = h.cmd.Process.Kill()
		<-h.done
	})
	deadline := time.Now().Add(lockHangGuard)
	for holderOf(t, dir).PID != h.cmd.Process.Pid {
		select {
		case <-h.done:
			t.Fatalf("huddle serve exited before it held the lock:\n%s", h.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("huddle serve never held the lock:\n%s", h.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return h
}

// stop ends the process with SIGTERM, as a person would, and waits.
func (h *otherHuddle) stop(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-h.done:
	case <-time.After(lockHangGuard):
		t.Fatalf("huddle serve did not stop on SIGTERM:\n%s", h.out.String())
	}
}

// holderOf reads who the lock file of dir says holds it.
func holderOf(t *testing.T, dir string) lockHolder {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, lockFileName))
	if errors.Is(err, os.ErrNotExist) {
		return lockHolder{}
	}
	if err != nil {
		t.Fatal(err)
	}
	var h lockHolder
	_ = json.Unmarshal(b, &h)
	return h
}

// runHuddle runs huddle in this process with args; it fails the test if
// the command is still running after the hang guard.
func runHuddle(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(lockHangGuard):
		cancel()
		<-done
		t.Fatalf("huddle %v was still running after %v", args, lockHangGuard)
		return "", nil
	}
}

// inUseBy is the start of the refusal while pid runs `huddle serve` on dir.
func inUseBy(dir string, pid int) string {
	return fmt.Sprintf(`the data directory %s is in use by "huddle serve" (pid %d, since `, dir, pid)
}

func TestASecondServeIsRefused(t *testing.T) {
	dir := t.TempDir()
	first := startServe(t, dir)
	_, err := runHuddle(t, "serve", "--data-dir", dir, "--listen", "127.0.0.1:0")
	if err == nil {
		t.Fatal("a second huddle serve ran on the same data directory")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, inUseBy(dir, first.cmd.Process.Pid)) || !strings.HasSuffix(msg, "); stop it first or use --data-dir") {
		t.Fatalf("refused with %q, want one naming huddle serve and its pid", msg)
	}
	select {
	case <-first.done:
		t.Fatalf("the first server stopped:\n%s", first.out.String())
	default:
	}

	// Once the first has stopped, the directory is free again.
	first.stop(t)
	release, err := lockDataDir(dir, "huddle serve")
	if err != nil {
		t.Fatalf("after the first server stopped: %v", err)
	}
	release()
}

func TestLocalHuddleIsRefusedWhileServeRuns(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, dir)
	for _, args := range [][]string{
		{},
		{"standup", "--team", "musicstore", "--members", "Lukas,Julia"},
		{"retro", "--team", "musicstore", "--members", "Lukas,Julia"},
	} {
		_, err := runHuddle(t, append(args, "--data-dir", dir)...)
		if err == nil || !strings.HasPrefix(err.Error(), inUseBy(dir, srv.cmd.Process.Pid)) {
			t.Fatalf("huddle %v while huddle serve runs: err = %v, want the data directory in use", args, err)
		}
	}
	srv.stop(t)
	// The refusal came before anything was written.
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if team, err := st.Team(context.Background(), "musicstore"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("a refused huddle stored the team: %+v, %v", team, err)
	}
}

func TestTheLockIsFreedWhenItsHolderIsKilled(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, dir)
	pid := srv.cmd.Process.Pid
	if err := srv.cmd.Process.Kill(); err != nil { // SIGKILL: no clean-up runs
		t.Fatal(err)
	}
	select {
	case <-srv.done:
	case <-time.After(lockHangGuard):
		t.Fatal("the killed server did not exit")
	}
	// The file still names the dead server; it does not block.
	if h := holderOf(t, dir); h.PID != pid {
		t.Fatalf("the lock file names %+v, want the killed server (pid %d)", h, pid)
	}
	release, err := lockDataDir(dir, "huddle serve")
	if err != nil {
		t.Fatalf("after kill -9 of its holder: %v", err)
	}
	defer release()
	if h := holderOf(t, dir); h.PID != os.Getpid() || h.Command != "huddle serve" {
		t.Fatalf("the lock file names %+v, want this process", h)
	}
}

func TestLockDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	release, err := lockDataDir(dir, "huddle standup")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, lockFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode %v, want 0600", fi.Mode().Perm())
	}
	h := holderOf(t, dir)
	if h.Command != "huddle standup" || h.PID != os.Getpid() || time.Since(h.Since) > time.Hour {
		t.Errorf("the lock file says %+v", h)
	}

	// A second open of the file in the same process is refused too: the
	// lock belongs to the open file, not to the process.
	_, err = lockDataDir(dir, "huddle serve")
	var inUse *dataDirInUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("second lock: err = %v, want a dataDirInUseError", err)
	}
	want := fmt.Sprintf(`the data directory %s is in use by "huddle standup" (pid %d, since %s); stop it first or use --data-dir`,
		dir, os.Getpid(), sinceText(h.Since, time.Now()))
	if err.Error() != want {
		t.Errorf("second lock: %q\nwant %q", err, want)
	}

	// A holder that has not said who it is yet is another huddle.
	if err := os.Truncate(filepath.Join(dir, lockFileName), 0); err != nil {
		t.Fatal(err)
	}
	_, err = lockDataDir(dir, "huddle serve")
	if want := "the data directory " + dir + " is in use by another huddle; stop it first or use --data-dir"; err == nil || err.Error() != want {
		t.Errorf("lock with an empty lock file: %v, want %q", err, want)
	}

	release()
	release() // a second release does nothing
	if h := holderOf(t, dir); h != (lockHolder{}) {
		t.Errorf("a released lock file still says %+v", h)
	}
	again, err := lockDataDir(dir, "huddle serve")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}

func TestSinceText(t *testing.T) {
	now := time.Date(2026, 3, 4, 16, 0, 0, 0, time.Local)
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 3, 4, 10, 2, 0, 0, time.Local), "10:02"},
		{time.Date(2026, 3, 3, 23, 59, 0, 0, time.Local), "Tue 3 Mar 23:59"},
		{time.Time{}, "a moment ago"},
	} {
		if got := sinceText(tt.t, now); got != tt.want {
			t.Errorf("sinceText(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

// Commands that only read run alongside one that holds the lock.
func TestReadingCommandsRunWhileTheDirectoryIsLocked(t *testing.T) {
	dir := t.TempDir()
	release, err := lockDataDir(dir, "huddle serve")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for _, args := range [][]string{{"teams"}, {"history"}} {
		if _, err := runHuddle(t, append(args, "--data-dir", dir)...); err != nil {
			t.Errorf("huddle %v while the directory is locked: %v", args, err)
		}
	}
}

// A server told to stop as it starts (a quick Ctrl-C) stops: the
// listener may not have been handed to the SSH server yet when it shuts
// down.
func TestServeStopsWhenToldToAsItStarts(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		done := make(chan error, 1)
		go func() {
			done <- runServe(ctx, globalFlags{dataDir: dir}, serveFlags{listen: "127.0.0.1:0", maxSessions: 1, idleTimeout: time.Minute, stallTimeout: time.Second})
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		case <-time.After(lockHangGuard):
			t.Fatalf("run %d: huddle serve did not stop", i)
		}
	}
}
