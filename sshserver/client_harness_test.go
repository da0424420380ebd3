package sshserver

// Tests of the SSH test client (client_test.go) against a tiny wish server
// started here, independent of the real server in this package.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"
)

// harnessFloodTotal is what the "flood" command writes: more than the 2 MiB
// SSH window of an x/crypto client, so a client that stops reading stalls it.
const harnessFloodTotal = 3 << 20

// harnessFloodChunk is one 32 KiB write of the flood: OSC strings that
// terminals ignore, the cheapest bytes for the emulator to parse (plain text
// that scrolls costs the vt emulator seconds per MiB under -race).
var harnessFloodChunk = bytes.Repeat([]byte("\x1b]9999;"+strings.Repeat("f", 1013)+"\x07"), 32)

// harnessServer is a minimal wish server: a Bubble Tea model showing the
// user, the last key, the window size and $HARNESS_ENV, plus a few commands
// (see harnessCommands).
type harnessServer struct {
	addr         string
	floodWritten atomic.Int64 // bytes the "flood" command has written so far
}

func startHarnessServer(t *testing.T) *harnessServer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	h := &harnessServer{}
	srv, err := wish.NewServer(
		wish.WithAddress("127.0.0.1:0"),
		wish.WithHostKeyPEM(pem.EncodeToMemory(block)),
		wish.WithPublicKeyAuth(func(ssh.Context, ssh.PublicKey) bool { return true }),
		wish.WithMiddleware(
			bubbletea.MiddlewareWithProgramHandler(h.program),
			h.commands, // listed last: runs first
		),
	)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr = ln.Addr().String()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	// Registered before any client: runs after the clients' cleanups.
	t.Cleanup(func() {
		_ = srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), testClientHangGuard)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("harness server shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, ssh.ErrServerClosed) {
			t.Errorf("harness server Serve: %v", err)
		}
	})
	return h
}

func (h *harnessServer) program(sess ssh.Session) *tea.Program {
	pty, _, _ := sess.Pty()
	m := harnessModel{
		user:   sess.User(),
		width:  pty.Window.Width,
		height: pty.Window.Height,
		last:   "none",
		bg:     "unknown",
	}
	for _, kv := range sess.Environ() {
		if v, ok := strings.CutPrefix(kv, "HARNESS_ENV="); ok {
			m.env = v
		}
	}
	opts := append(bubbletea.MakeOptions(sess), tea.WithoutSignalHandler())
	return tea.NewProgram(m, opts...)
}

// commands handles exec sessions: "echo x" writes x and exits 3, "stderr"
// writes to stderr and exits 1, "flood" writes harnessFloodTotal bytes then
// "flood done" and exits 0. Anything else goes on to the Bubble Tea program.
func (h *harnessServer) commands(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		switch strings.Join(sess.Command(), " ") {
		case "echo x":
			_, _ = io.WriteString(sess, "x\n")
			_ = sess.Exit(3)
		case "stderr":
			_, _ = io.WriteString(sess.Stderr(), "oops\n")
			_ = sess.Exit(1)
		case "flood":
			for h.floodWritten.Load() < harnessFloodTotal {
				n, err := sess.Write(harnessFloodChunk)
				h.floodWritten.Add(int64(n))
				if err != nil {
					return
				}
			}
			_, _ = io.WriteString(sess, "\x1b[2J\x1b[Hflood done\r\n")
			_ = sess.Exit(0)
		default:
			next(sess)
		}
	}
}

type harnessModel struct {
	user, env, last string
	bg              string // the terminal's answer to the background colour query
	width, height   int
}

// Init asks the terminal for its background colour: the answer only arrives
// if the client forwards its emulator's replies.
func (m harnessModel) Init() tea.Cmd { return tea.RequestBackgroundColor }

func (m harnessModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		m.last = msg.String()
		if m.last == "q" {
			return m, tea.Quit
		}
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.bg = "light"
		if msg.IsDark() {
			m.bg = "dark"
		}
	}
	return m, nil
}

func (m harnessModel) View() tea.View {
	v := tea.NewView(fmt.Sprintf("user=%s\nkey=%s\nsize=%dx%d\nenv=%s\nbg=%s",
		m.user, m.last, m.width, m.height, m.env, m.bg))
	v.AltScreen = true
	return v
}

func TestHarnessTUI(t *testing.T) {
	h := startHarnessServer(t)
	c := dialTest(t, h.addr, "alice", newTestKey(t), withEnv("HARNESS_ENV", "hello"))
	// bg=dark: the emulator's reply to the OSC 11 query reached the program
	// (vt's default background is black).
	c.WaitFor("user=alice", "key=none", "size=80x24", "env=hello", "bg=dark")

	if lines := c.ScreenLines(); len(lines) != 24 || lines[0] != "user=alice" {
		t.Fatalf("screen lines: got %d lines, first %q; want 24, %q", len(lines), lines[0], "user=alice")
	}

	c.Type("z")
	c.WaitFor("key=z")
	for _, k := range []string{"up", "enter", "tab", "space", "backspace", "ctrl+c"} {
		c.Press(k)
		c.WaitFor("key=" + k)
	}
	c.Press("left")
	c.WaitFor("key=left") // ctrl+c, pressed before it, did not end the program

	c.Resize(100, 30)
	c.WaitFor("size=100x30")
	if n := len(c.ScreenLines()); n != 30 {
		t.Errorf("after Resize(100, 30): %d screen lines, want 30", n)
	}

	if raw := c.Raw(); !bytes.Contains(raw, []byte("user=alice")) {
		t.Errorf("Raw does not contain the user name: %q", raw)
	}

	c.Press("q")
	if st := c.WaitForExit(); st != 0 {
		t.Errorf("exit status after q: %d, want 0", st)
	}
}

func TestHarnessTwoClients(t *testing.T) {
	h := startHarnessServer(t)
	ka, kb := newTestKey(t), newTestKey(t)
	if fingerprint(ka) == fingerprint(kb) || !strings.HasPrefix(fingerprint(ka), "SHA256:") {
		t.Fatalf("fingerprints: %q, %q", fingerprint(ka), fingerprint(kb))
	}
	a := dialTest(t, h.addr, "alice", ka)
	b := dialTest(t, h.addr, "bob", kb, withSize(60, 10))
	a.WaitFor("user=alice", "size=80x24")
	b.WaitFor("user=bob", "size=60x10")
	a.Type("1")
	b.Type("2")
	a.WaitFor("key=1")
	b.WaitFor("key=2")
}

func TestHarnessCommand(t *testing.T) {
	h := startHarnessServer(t)
	c := dialTest(t, h.addr, "alice", newTestKey(t), withCommand("echo x"))
	st, err := c.Wait()
	if err != nil || st != 3 {
		t.Fatalf("Wait: %d, %v; want 3, nil", st, err)
	}
	if st, ok := c.Exited(); !ok || st != 3 {
		t.Errorf("Exited: %d, %v; want 3, true", st, ok)
	}
	c.WaitFor("x") // stdout is read to EOF after the exit: no time-box needed
	if raw := c.Raw(); !bytes.HasPrefix(raw, []byte("x")) {
		t.Errorf("stdout: %q, want x", raw)
	}

	e := dialTest(t, h.addr, "alice", newTestKey(t), withCommand("stderr"))
	if st := e.WaitForExit(); st != 1 {
		t.Errorf("stderr command exit status: %d, want 1", st)
	}
	e.Close() // waits for the stderr reader: Stderr is complete
	// The emulated pty turns \n into \r\n.
	if got := e.Stderr(); got != "oops\r\n" {
		t.Errorf("Stderr: %q, want %q", got, "oops\r\n")
	}
}

func TestHarnessCloseChannel(t *testing.T) {
	h := startHarnessServer(t)
	c := dialTest(t, h.addr, "alice", newTestKey(t))
	c.WaitFor("user=alice")
	if _, ok := c.Exited(); ok {
		t.Fatal("session ended before CloseChannel")
	}
	c.CloseChannel()
	if st, err := c.Wait(); st != -1 || err == nil {
		t.Errorf("Wait after CloseChannel: %d, %v; want -1 and a missing exit status", st, err)
	}

	// The connection is still usable: another session on it runs a command.
	s, err := c.conn.NewSession()
	if err != nil {
		t.Fatalf("new session on the same connection: %v", err)
	}
	out, err := s.Output("echo x")
	var exitErr *gossh.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitStatus() != 3 || string(out) != "x\n" {
		t.Errorf("second session: %q, %v; want \"x\\n\", exit status 3", out, err)
	}
}

func TestHarnessStopReading(t *testing.T) {
	h := startHarnessServer(t)
	c := dialTest(t, h.addr, "alice", newTestKey(t), withCommand("flood"), withReadingStopped())
	if n := len(c.Raw()); n != 0 {
		t.Fatalf("client started with reading stopped has read %d bytes", n)
	}

	// Wait until the server's writes have stalled: no progress for 100ms.
	// (A hang guard bounds the wait; the assertions below do not depend on
	// how long the stall is observed.)
	deadline := time.Now().Add(testClientHangGuard)
	last, still := int64(-1), 0
	for still < 10 {
		if time.Now().After(deadline) {
			t.Fatalf("server writes never stalled: %d of %d bytes written", h.floodWritten.Load(), harnessFloodTotal)
		}
		time.Sleep(testClientPoll)
		if n := h.floodWritten.Load(); n == last && n > 0 {
			still++
		} else {
			last, still = n, 0
		}
	}
	if last >= harnessFloodTotal {
		t.Fatalf("server wrote all %d bytes while the client was not reading", last)
	}
	if n := len(c.Raw()); n != 0 {
		t.Errorf("Raw has %d bytes while reading was stopped", n)
	}
	if _, ok := c.Exited(); ok {
		t.Error("flood session ended while the client was not reading")
	}

	c.ResumeReading()
	c.WaitFor("flood done")
	if st := c.WaitForExit(); st != 0 {
		t.Errorf("flood exit status: %d, want 0", st)
	}
	if n := len(c.Raw()); n < harnessFloodTotal {
		t.Errorf("Raw has %d bytes, want at least %d", n, harnessFloodTotal)
	}
}

// A stopped client can still be closed: Close releases the stopped reader.
func TestHarnessCloseWhileStopped(t *testing.T) {
	h := startHarnessServer(t)
	c := dialTest(t, h.addr, "alice", newTestKey(t))
	c.WaitFor("user=alice")
	c.StopReading()
	before := c.Screen()
	c.Type("z")
	c.Press("q") // the program quits and the server closes the session
	if st := c.WaitForExit(); st != 0 {
		t.Errorf("exit status: %d, want 0", st)
	}
	if after := c.Screen(); after != before {
		t.Errorf("screen changed while reading was stopped:\n%s\nthen:\n%s", before, after)
	}
	c.Close()
	if _, ok := c.Exited(); !ok {
		t.Error("session not ended after Close")
	}
}
