package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// sshE2EBuffer is a bytes.Buffer safe to read while the server writes to it.
type sshE2EBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *sshE2EBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *sshE2EBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// sshE2EServer is a real `huddle serve` process.
type sshE2EServer struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *sshE2EBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's result, set before done closes
}

// sshE2EStartServer starts huddle serve on addr and waits until the port
// accepts connections. Cleanup stops it with SIGTERM if it still runs.
func sshE2EStartServer(t *testing.T, bin, data, addr string) *sshE2EServer {
	t.Helper()
	s := &sshE2EServer{t: t, stderr: &sshE2EBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--data-dir", data, "--listen", addr)
	s.cmd.Stdout = s.stderr
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start huddle serve: %v", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
			return
		default:
		}
		if err := s.stop(); err != nil {
			t.Errorf("huddle serve at cleanup: %v\nserver log:\n%s", err, s.stderr.String())
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("huddle serve exited before listening: %v\nserver log:\n%s", s.err, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("huddle serve never listened on %s: %v\nserver log:\n%s", addr, err, s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits up to 10 s for the process to exit. It
// returns the exit error (nil for status 0); past the limit it kills the
// process and says so.
func (s *sshE2EServer) stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		select {
		case <-s.done:
			return s.err
		default:
		}
		return err
	}
	select {
	case <-s.done:
		return s.err
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("did not exit within 10 s of SIGTERM; killed")
	}
}

// sshE2EArgs are the ssh options used for every call: no host key checks
// (the server's key is new), no prompts, only the given key.
func sshE2EArgs(key, port string) []string {
	return []string{
		"-F", "/dev/null",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-i", key, "-p", port,
	}
}

// sshE2ERun runs a non-interactive ssh command and returns its stdout,
// stderr and exit status.
func sshE2ERun(t *testing.T, key, port string, remote ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", append(sshE2EArgs(key, port), remote...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		t.Fatalf("ssh %v hung: stdout %q stderr %q", remote, out.String(), errb.String())
	case errors.As(err, &exit):
		status = exit.ExitCode()
	default:
		t.Fatalf("ssh %v: %v", remote, err)
	}
	return out.String(), errb.String(), status
}

// sshE2ETmux runs command in its own 80x24 tmux session called name.
func sshE2ETmux(t *testing.T, name, command string) *tmux {
	t.Helper()
	tm := &tmux{t: t, session: "huddle-e2e-ssh-" + name}
	tm.start(command)
	return tm
}

// sshE2EQuote quotes s for sh.
func sshE2EQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sshE2EFreeAddr is a loopback address with a port nobody listens on.
func sshE2EFreeAddr(t *testing.T) (addr, port string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	_, port, _ = net.SplitHostPort(addr)
	return addr, port
}

// sshE2EKeys makes an ed25519 key in dir for each name and returns their
// paths by name.
func sshE2EKeys(t *testing.T, dir string, names ...string) map[string]string {
	t.Helper()
	keys := map[string]string{}
	for _, n := range names {
		keys[n] = filepath.Join(dir, "key_"+n)
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys[n]).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v: %s", err, out)
		}
	}
	return keys
}

// sshE2EJoinCmd is the shell command that joins code as user with key in
// a terminal; the shell stays after ssh ends so its last words can be
// read.
func sshE2EJoinCmd(key, port, user, code string) string {
	args := append([]string{"ssh", "-t"}, sshE2EArgs(key, port)...)
	args = append(args, user+"@127.0.0.1", "join", code)
	for i, a := range args {
		args[i] = sshE2EQuote(a)
	}
	return strings.Join(args, " ") + "; echo ssh-exited-$?; sleep 600"
}

// sshE2ESetup is a real huddle serve on a free address with a fresh data
// directory, and an OpenSSH key for each of the people who reach it.
type sshE2ESetup struct {
	bin, dir, data, addr, port string
	keys                       map[string]string
	srv                        *sshE2EServer
}

// sshE2EServe starts it, or skips the test when it is short or the tools
// are not installed (.ci/run installs them).
func sshE2EServe(t *testing.T, names ...string) *sshE2ESetup {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end")
	}
	for _, tool := range []string{"ssh", "ssh-keygen", "tmux"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (.ci/run installs it)", tool)
		}
	}
	e := &sshE2ESetup{bin: buildHuddle(t), dir: t.TempDir()}
	e.data = filepath.Join(e.dir, "data")
	if err := os.Mkdir(e.data, 0o700); err != nil {
		t.Fatal(err)
	}
	e.addr, e.port = sshE2EFreeAddr(t)
	e.keys = sshE2EKeys(t, e.dir, names...)
	e.srv = sshE2EStartServer(t, e.bin, e.data, e.addr)
	return e
}

// fatal fails the test with the server's log.
func (e *sshE2ESetup) fatal(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Fatalf(format+"\nserver log:\n%s", append(args, e.srv.stderr.String())...)
}

var sshE2ECodeShape = regexp.MustCompile(`^[a-z]+-[a-z]+-[a-z]+-[0-9]{5}$`)

// TestEndToEndOverOpenSSH serves huddle with a real `huddle serve` and
// drives it with the real OpenSSH client: a stand-up opened with `new`,
// three people joining by code in three terminals, a topic parked by a
// member reaching everyone, export and the command errors, and a server
// restart that tells everyone and resumes the session on rejoin.
func TestEndToEndOverOpenSSH(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (.ci/run installs openssh-client)", tool)
		}
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	bin := buildHuddle(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}

	addr, port := sshE2EFreeAddr(t)
	names := []string{"lukas", "julia", "christian"}
	keys := sshE2EKeys(t, dir, append([]string{"x"}, names...)...)

	srv := sshE2EStartServer(t, bin, data, addr)
	fatal := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(format+"\nserver log:\n%s", append(args, srv.stderr.String())...)
	}

	// Open the stand-up without a terminal; the code is the first line.
	out, errOut, status := sshE2ERun(t, keys["lukas"], port, "lukas@127.0.0.1",
		"new", "standup", "--team", "musicstore", "--members", "Lukas,Julia,Christian")
	if status != 0 {
		fatal("new standup: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	code, _, _ := strings.Cut(out, "\n")
	code = strings.TrimSpace(code)
	if !sshE2ECodeShape.MatchString(code) {
		fatal("new standup printed %q first, not a join code (word-word-word-NNNNN); stdout:\n%s", code, out)
	}

	// Three people join by the code, each in their own terminal. The shell
	// stays after ssh ends so its last words can be read.
	joinCmd := func(name string) string { return sshE2EJoinCmd(keys[name], port, name, code) }
	screens := map[string]*tmux{}
	for _, n := range names {
		screens[n] = sshE2ETmux(t, n, joinCmd(n))
	}
	for _, n := range names {
		screens[n].waitFor("waiting room", "Here (3)")
	}

	// The first to join facilitates; exactly one screen says so.
	facilitator := ""
	for _, n := range names {
		if strings.Contains(screens[n].screen(), "· facilitator") {
			if facilitator != "" {
				fatal("both %s and %s are facilitator:\n%s\n%s", facilitator, n, screens[facilitator].screen(), screens[n].screen())
			}
			facilitator = n
		}
	}
	if facilitator == "" {
		fatal("nobody is facilitator:\n%s", screens["lukas"].screen())
	}
	screens[facilitator].keys("n")
	for _, n := range names {
		screens[n].waitFor("rounds", "Turn 1 of 3")
	}

	// A member, not the facilitator, parks a topic; everyone sees it.
	member := ""
	for _, n := range names {
		if n != facilitator {
			member = n
			break
		}
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	topic := "e2e-marker-" + hex.EncodeToString(rnd[:])
	screens[member].keys("p")
	screens[member].waitFor("Park a topic")
	screens[member].text(topic)
	screens[member].keys("Enter")
	for _, n := range names {
		screens[n].waitFor(topic)
	}

	// The non-interactive commands.
	out, errOut, status = sshE2ERun(t, keys["lukas"], port, "lukas@127.0.0.1", "export", code)
	if status != 0 {
		fatal("export: status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{"# Stand-up · musicstore", topic} {
		if !strings.Contains(out, want) {
			fatal("export has no %q:\n%s", want, out)
		}
	}
	out, errOut, status = sshE2ERun(t, keys["x"], port, "x@127.0.0.1", "export", "no-such-code-12345")
	if status == 0 || strings.TrimSpace(errOut) == "" {
		fatal("export of an unknown code: status %d, stdout %q, stderr %q; want a non-zero status and a message", status, out, errOut)
	}
	out, errOut, status = sshE2ERun(t, keys["x"], port, "x@127.0.0.1", "frobnicate")
	if status != 2 {
		fatal("frobnicate: status %d, want 2; stdout %q, stderr %q", status, out, errOut)
	}

	// A restart while everyone is connected: each is told, the server
	// exits cleanly, and rejoining resumes the session.
	if err := srv.stop(); err != nil {
		fatal("huddle serve after SIGTERM: %v, want exit status 0", err)
	}
	for _, n := range names {
		screens[n].waitFor("server is restarting")
	}
	srv = sshE2EStartServer(t, bin, data, addr)
	again := sshE2ETmux(t, member+"-again", joinCmd(member))
	again.waitFor("rounds", "Turn 1 of 3", topic)
}
