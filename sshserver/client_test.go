package sshserver

// An in-process SSH test client for the server tests: it dials with
// golang.org/x/crypto/ssh, requests a pty, and rebuilds the screen it is sent
// with github.com/charmbracelet/x/vt, answering the terminal queries Bubble Tea
// makes the way a real terminal would.
//
// Failure reporting: the WaitFor* helpers call tb.Fatalf and so must run on
// the test goroutine. The input helpers (Type, Press, Resize) report with
// tb.Errorf and may run on any goroutine while the test is running.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"image/color"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"golang.org/x/crypto/ssh"
)

// testClientHangGuard bounds every wait of the test client. It is a guard
// against hangs, not a time-box anything is expected to need: on a healthy
// run every wait ends long before it.
const testClientHangGuard = 10 * time.Second

// testClientPoll is how often WaitFor and friends look at the screen.
const testClientPoll = 10 * time.Millisecond

// newTestKey returns a fresh ed25519 key for a test client.
func newTestKey(tb testing.TB) ssh.Signer {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatalf("generate ed25519 key: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatalf("signer from ed25519 key: %v", err)
	}
	return signer
}

// fingerprint is the SHA256 fingerprint ("SHA256:...") of the signer's public
// key, as the server sees it through ssh.FingerprintSHA256.
func fingerprint(s ssh.Signer) string {
	return ssh.FingerprintSHA256(s.PublicKey())
}

// clientOption configures dialTest.
type clientOption func(*testClientConfig)

type testClientConfig struct {
	env     [][2]string
	width   int
	height  int
	command string // "" means: start a shell
	noPty   bool
	term    string
	stopped bool
	bg      color.Color // the terminal's background, as it answers OSC 11; nil: vt's default
}

// withEnv sends an "env" request before the pty request. Servers may reject
// it; that is ignored, as OpenSSH does.
func withEnv(key, value string) clientOption {
	return func(c *testClientConfig) { c.env = append(c.env, [2]string{key, value}) }
}

// withSize sets the pty size requested at connect (default 80x24) and the size
// of the emulated screen.
func withSize(width, height int) clientOption {
	return func(c *testClientConfig) { c.width, c.height = width, height }
}

// withCommand runs cmd (session "exec", like `ssh host join CODE`) instead of
// starting a shell.
func withCommand(cmd string) clientOption {
	return func(c *testClientConfig) { c.command = cmd }
}

// withTerm sets TERM sent in the pty request (default xterm-256color).
func withTerm(term string) clientOption {
	return func(c *testClientConfig) { c.term = term }
}

// withBackground gives the client's terminal a background colour, which
// it reports when asked.
func withBackground(c color.Color) clientOption {
	return func(cfg *testClientConfig) { cfg.bg = c }
}

// withReadingStopped starts the client as if StopReading had been called
// before the first byte arrived.
func withReadingStopped() clientOption {
	return func(c *testClientConfig) { c.stopped = true }
}

// withoutPty skips the pty request (like `ssh -T`). The screen is still
// emulated at the configured size.
func withoutPty() clientOption {
	return func(c *testClientConfig) { c.noPty = true }
}

// testClient is one SSH participant. All methods are safe for concurrent use.
type testClient struct {
	tb   testing.TB
	user string

	conn  *ssh.Client  // the SSH connection; stays usable after CloseChannel
	gate  *gatedConn   // its TCP connection, whose reading StopSocket stops
	sess  *ssh.Session // the session channel
	stdin io.Writer

	stdinMu sync.Mutex // serialises writes to stdin (typed input and terminal replies)

	mu     sync.Mutex // guards raw, emu, stderr
	raw    []byte
	emu    *vt.Emulator
	stderr bytes.Buffer

	// The emulator's reply side (answers to DA1, DECRQM, OSC 11 queries...)
	// is an unbuffered io.Pipe: replyPipe is its writer, closed on Close.
	replyPipe *io.PipeWriter
	replyMu   sync.Mutex
	replyBuf  []byte
	replyKick chan struct{} // buffered(1): replies are waiting in replyBuf

	pauseMu sync.Mutex
	resume  chan struct{} // non-nil while reading is stopped; closed by ResumeReading

	closing    chan struct{} // closed by Close
	closeOnce  sync.Once
	readerDone chan struct{} // closed when stdout has been read to EOF (or Close)
	stderrDone chan struct{} // closed when stderr has been read to EOF

	exited     chan struct{} // closed when the session has ended
	exitStatus int
	exitErr    error

	wg sync.WaitGroup
}

// dialTest connects user with key to addr, opens a session with a pty and
// starts a shell (or the command of withCommand). It fails the test on error
// and closes the client when the test ends.
func dialTest(tb testing.TB, addr, user string, key ssh.Signer, opts ...clientOption) *testClient {
	tb.Helper()
	c, err := tryDialTest(tb, addr, user, key, opts...)
	if err != nil {
		tb.Fatalf("dial %s as %q: %v", addr, user, err)
	}
	return c
}

// tryDialTest is dialTest returning the error instead of failing, for tests
// that expect the server to refuse. A nil key offers no public key at all.
func tryDialTest(tb testing.TB, addr, user string, key ssh.Signer, opts ...clientOption) (*testClient, error) {
	tb.Helper()
	cfg := testClientConfig{width: 80, height: 24, term: "xterm-256color"}
	for _, o := range opts {
		o(&cfg)
	}

	var auth []ssh.AuthMethod
	if key != nil {
		auth = append(auth, ssh.PublicKeys(key))
	}
	tcp, err := net.DialTimeout("tcp", addr, testClientHangGuard)
	if err != nil {
		return nil, err
	}
	gate := &gatedConn{Conn: tcp, closing: make(chan struct{})}
	sc, chans, reqs, err := ssh.NewClientConn(gate, addr, &ssh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         testClientHangGuard,
	})
	if err != nil {
		_ = tcp.Close()
		return nil, err
	}
	conn := ssh.NewClient(sc, chans, reqs)
	sess, stdin, stdout, stderr, err := openTestSession(conn, cfg)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}

	emu := vt.NewEmulator(cfg.width, cfg.height)
	if cfg.bg != nil {
		emu.SetDefaultBackgroundColor(cfg.bg)
	}
	replyPipe, ok := emu.InputPipe().(*io.PipeWriter)
	if !ok {
		_ = conn.Close()
		return nil, fmt.Errorf("vt emulator input pipe is %T, want *io.PipeWriter", emu.InputPipe())
	}
	c := &testClient{
		tb:         tb,
		user:       user,
		conn:       conn,
		gate:       gate,
		sess:       sess,
		stdin:      stdin,
		emu:        emu,
		replyPipe:  replyPipe,
		replyKick:  make(chan struct{}, 1),
		closing:    make(chan struct{}),
		readerDone: make(chan struct{}),
		stderrDone: make(chan struct{}),
		exited:     make(chan struct{}),
	}
	if cfg.stopped {
		c.resume = make(chan struct{})
	}
	c.wg.Add(5)
	go c.readStdout(stdout)
	go c.readStderr(stderr)
	go c.readReplies()
	go c.forwardReplies()
	go c.waitSession()
	tb.Cleanup(c.Close)
	return c, nil
}

func openTestSession(conn *ssh.Client, cfg testClientConfig) (sess *ssh.Session, stdin io.Writer, stdout, stderr io.Reader, err error) {
	sess, err = conn.NewSession()
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("new session: %w", err)
	}
	for _, kv := range cfg.env {
		_ = sess.Setenv(kv[0], kv[1]) // servers may refuse env: ignore, like OpenSSH
	}
	if !cfg.noPty {
		modes := ssh.TerminalModes{ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
		if err = sess.RequestPty(cfg.term, cfg.height, cfg.width, modes); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("request pty: %w", err)
		}
	}
	if stdin, err = sess.StdinPipe(); err != nil {
		return nil, nil, nil, nil, err
	}
	if stdout, err = sess.StdoutPipe(); err != nil {
		return nil, nil, nil, nil, err
	}
	if stderr, err = sess.StderrPipe(); err != nil {
		return nil, nil, nil, nil, err
	}
	if cfg.command != "" {
		err = sess.Start(cfg.command)
	} else {
		err = sess.Shell()
	}
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("start session: %w", err)
	}
	return sess, stdin, stdout, stderr, nil
}

// readStdout is the only consumer of the session's stdout. Each chunk goes to
// the raw log and the emulator, unless reading is stopped: then it holds on
// to what it has and waits for ResumeReading or Close.
func (c *testClient) readStdout(stdout io.Reader) {
	defer c.wg.Done()
	defer close(c.readerDone)
	buf := make([]byte, 32*1024)
	for {
		if !c.waitResumed() {
			return
		}
		n, err := stdout.Read(buf)
		if n > 0 && !c.consume(buf[:n]) {
			return
		}
		if err != nil {
			return
		}
	}
}

// consume feeds p to the raw log and the emulator once reading is not
// stopped. It holds pauseMu while doing so, so that once StopReading returns
// the screen and raw log no longer change. It reports false on Close.
func (c *testClient) consume(p []byte) bool {
	for {
		c.pauseMu.Lock()
		if ch := c.resume; ch != nil {
			c.pauseMu.Unlock()
			select {
			case <-ch:
				continue
			case <-c.closing:
				return false
			}
		}
		c.mu.Lock()
		c.raw = append(c.raw, p...)
		// Replies to queries go to replyPipe, which readReplies drains
		// without ever waiting on anything else: this cannot block.
		_, _ = c.emu.Write(p)
		c.mu.Unlock()
		c.pauseMu.Unlock()
		return true
	}
}

// waitResumed waits while reading is stopped; false means Close.
func (c *testClient) waitResumed() bool {
	for {
		c.pauseMu.Lock()
		ch := c.resume
		c.pauseMu.Unlock()
		if ch == nil {
			return true
		}
		select {
		case <-ch:
		case <-c.closing:
			return false
		}
	}
}

func (c *testClient) readStderr(stderr io.Reader) {
	defer c.wg.Done()
	defer close(c.stderrDone)
	buf := make([]byte, 4096)
	for {
		n, err := stderr.Read(buf)
		if n > 0 {
			c.mu.Lock()
			c.stderr.Write(buf[:n])
			c.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// readReplies drains the emulator's reply pipe into replyBuf. It must never
// block on anything but the pipe: the emulator writes replies synchronously
// from inside emu.Write.
func (c *testClient) readReplies() {
	defer c.wg.Done()
	buf := make([]byte, 1024)
	for {
		n, err := c.emu.Read(buf) // only touches the pipe; never races with Write
		if n > 0 {
			c.replyMu.Lock()
			c.replyBuf = append(c.replyBuf, buf[:n]...)
			c.replyMu.Unlock()
			select {
			case c.replyKick <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

// forwardReplies sends the emulator's replies to the server as terminal input.
func (c *testClient) forwardReplies() {
	defer c.wg.Done()
	for {
		select {
		case <-c.replyKick:
		case <-c.closing:
			return
		}
		c.replyMu.Lock()
		data := c.replyBuf
		c.replyBuf = nil
		c.replyMu.Unlock()
		if len(data) > 0 {
			_, _ = c.Write(data) // the session may be gone: nothing to answer then
		}
	}
}

func (c *testClient) waitSession() {
	defer c.wg.Done()
	err := c.sess.Wait()
	var exitErr *ssh.ExitError
	switch {
	case err == nil:
		c.exitStatus = 0
	case errors.As(err, &exitErr):
		c.exitStatus = exitErr.ExitStatus()
	default:
		c.exitStatus = -1
		c.exitErr = err
	}
	close(c.exited)
}

// Write sends p to the session's stdin as is. Unlike Type it does not fail
// the test.
func (c *testClient) Write(p []byte) (int, error) {
	c.stdinMu.Lock()
	defer c.stdinMu.Unlock()
	return c.stdin.Write(p)
}

// Type sends s as typed text.
func (c *testClient) Type(s string) {
	c.tb.Helper()
	if _, err := c.Write([]byte(s)); err != nil {
		c.tb.Errorf("%s: type %q: %v", c.user, s, err)
	}
}

// testClientKeys are the bytes a terminal sends for named keys.
var testClientKeys = map[string]string{
	"enter":     "\r",
	"esc":       "\x1b",
	"tab":       "\t",
	"shift+tab": "\x1b[Z",
	"space":     " ",
	"backspace": "\x7f",
	"delete":    "\x1b[3~",
	"up":        "\x1b[A",
	"down":      "\x1b[B",
	"right":     "\x1b[C",
	"left":      "\x1b[D",
	"home":      "\x1b[H",
	"end":       "\x1b[F",
	"pgup":      "\x1b[5~",
	"pgdown":    "\x1b[6~",
}

// Press sends one key: a name from testClientKeys, "ctrl+a".."ctrl+z", or a
// single character. Note that "esc" directly followed by more input may be
// read by the server as alt+key.
func (c *testClient) Press(key string) {
	c.tb.Helper()
	seq, ok := testClientKeys[key]
	switch {
	case ok:
	case len(key) == 6 && strings.HasPrefix(key, "ctrl+") && key[5] >= 'a' && key[5] <= 'z':
		seq = string(rune(key[5] - 'a' + 1))
	case len([]rune(key)) == 1:
		seq = key
	default:
		c.tb.Errorf("%s: Press: unknown key %q", c.user, key)
		return
	}
	if _, err := c.Write([]byte(seq)); err != nil {
		c.tb.Errorf("%s: press %q: %v", c.user, key, err)
	}
}

// Resize resizes the emulated screen and sends a window-change request.
func (c *testClient) Resize(width, height int) {
	c.tb.Helper()
	c.mu.Lock()
	c.emu.Resize(width, height)
	c.mu.Unlock()
	if err := c.sess.WindowChange(height, width); err != nil {
		c.tb.Errorf("%s: window change to %dx%d: %v", c.user, width, height, err)
	}
}

// ScreenLines returns the emulated screen, one string per row, trailing
// spaces trimmed. Wide characters appear once (their continuation cell is
// skipped).
func (c *testClient) ScreenLines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, h := c.emu.Width(), c.emu.Height()
	lines := make([]string, h)
	var sb strings.Builder
	for y := range h {
		sb.Reset()
		for x := range w {
			cell := c.emu.CellAt(x, y)
			switch {
			case cell == nil:
				sb.WriteByte(' ')
			case cell.IsZero(): // continuation of a wide character
			case cell.Content == "":
				sb.WriteByte(' ')
			default:
				sb.WriteString(cell.Content)
			}
		}
		lines[y] = strings.TrimRight(sb.String(), " ")
	}
	return lines
}

// Screen returns the emulated screen as plain text: rows joined by "\n",
// trailing spaces trimmed per row (trailing empty rows are kept).
func (c *testClient) Screen() string {
	return strings.Join(c.ScreenLines(), "\n")
}

// Raw returns a copy of every byte read from the session's stdout so far.
func (c *testClient) Raw() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.raw)
}

// Stderr returns what the server wrote to the session's stderr so far.
func (c *testClient) Stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}

// Exited reports the exit status if the session has ended. A session that
// ended without an exit status (or on a connection error) reports -1.
func (c *testClient) Exited() (int, bool) {
	select {
	case <-c.exited:
		return c.exitStatus, true
	default:
		return 0, false
	}
}

// Wait waits for the session to end and returns its exit status. A non-zero
// exit status is not an error; err is set when the session ended without an
// exit status (status -1, e.g. *ssh.ExitMissingError or a dropped
// connection) or did not end within the hang guard.
func (c *testClient) Wait() (exitStatus int, err error) {
	select {
	case <-c.exited:
		return c.exitStatus, c.exitErr
	case <-time.After(testClientHangGuard):
		return -1, fmt.Errorf("%s: session did not end within %v", c.user, testClientHangGuard)
	}
}

// WaitForExit waits for the session to end and returns its exit status (-1
// if the server sent none). It fails the test after the hang guard.
func (c *testClient) WaitForExit() int {
	c.tb.Helper()
	select {
	case <-c.exited:
		// x/crypto's Wait does not wait for piped output: let the
		// readers reach EOF, so Raw and Stderr hold everything.
		c.pauseMu.Lock()
		paused := c.resume != nil
		c.pauseMu.Unlock()
		guard := time.After(testClientHangGuard)
		select {
		case <-c.stderrDone:
		case <-guard:
		}
		if !paused {
			select {
			case <-c.readerDone:
			case <-guard:
			}
		}
		return c.exitStatus
	case <-time.After(testClientHangGuard):
		c.tb.Fatalf("%s: session did not end within %v; screen:\n%s", c.user, testClientHangGuard, c.Screen())
		return -1
	}
}

// WaitFor waits until every string in want is on the screen. It fails the
// test, showing the screen, after the hang guard, or as soon as stdout has
// ended without them.
func (c *testClient) WaitFor(want ...string) {
	c.tb.Helper()
	c.waitScreen(func(scr string) string {
		for _, w := range want {
			if !strings.Contains(scr, w) {
				return fmt.Sprintf("missing %q", w)
			}
		}
		return ""
	})
}

// WaitForNot waits until s is no longer on the screen.
func (c *testClient) WaitForNot(s string) {
	c.tb.Helper()
	c.waitScreen(func(scr string) string {
		if strings.Contains(scr, s) {
			return fmt.Sprintf("still showing %q", s)
		}
		return ""
	})
}

// waitScreen polls the screen until check returns "" (check returns what is
// wrong otherwise).
func (c *testClient) waitScreen(check func(screen string) string) {
	c.tb.Helper()
	c.waitScreenWithin(testClientHangGuard, check)
}

// waitScreenWithin is waitScreen with a hang guard of its own, for a wait
// whose condition takes seconds by design (the key rate limit).
func (c *testClient) waitScreenWithin(guard time.Duration, check func(screen string) string) {
	c.tb.Helper()
	deadline := time.Now().Add(guard)
	for {
		// Look at readerDone before the screen: if stdout had already ended,
		// this screen is final.
		ended := false
		select {
		case <-c.readerDone:
			ended = true
		default:
		}
		scr := c.Screen()
		problem := check(scr)
		if problem == "" {
			return
		}
		if ended {
			c.tb.Fatalf("%s: %s, and the session's output has ended; screen:\n%s", c.user, problem, scr)
		}
		if time.Now().After(deadline) {
			c.tb.Fatalf("%s: %s after %v; screen:\n%s", c.user, problem, guard, scr)
		}
		time.Sleep(testClientPoll)
	}
}

// StopReading stops consuming the session's stdout until ResumeReading: the
// server's writes then pile up in the SSH window and eventually block, like a
// client whose terminal is suspended. Once StopReading returns, Screen and
// Raw no longer change.
func (c *testClient) StopReading() {
	c.pauseMu.Lock()
	defer c.pauseMu.Unlock()
	if c.resume == nil {
		c.resume = make(chan struct{})
	}
}

// StopSocket stops reading the TCP connection itself, until ResumeSocket:
// the kernel's buffers fill and the server's writes block, like a laptop
// that was suspended. Close still ends the client.
func (c *testClient) StopSocket() {
	c.gate.mu.Lock()
	defer c.gate.mu.Unlock()
	c.gate.stopped = true
	c.gate.resume = make(chan struct{})
	if tcp, ok := c.gate.Conn.(*net.TCPConn); ok {
		_ = tcp.SetReadBuffer(4096) // less for the kernel to take in on our behalf
	}
}

// gatedConn is the client's TCP connection, whose reads block once
// stopped, until the client is closed.
type gatedConn struct {
	net.Conn
	closing chan struct{}

	mu      sync.Mutex
	stopped bool
	resume  chan struct{} // closed by ResumeSocket
}

func (g *gatedConn) Read(p []byte) (int, error) {
	g.mu.Lock()
	stopped, resume := g.stopped, g.resume
	g.mu.Unlock()
	if stopped {
		select {
		case <-g.closing:
			return 0, net.ErrClosed
		case <-resume:
		}
	}
	return g.Conn.Read(p)
}

// ResumeSocket reads the TCP connection again after StopSocket, like a
// laptop that woke up.
func (c *testClient) ResumeSocket() {
	c.gate.mu.Lock()
	defer c.gate.mu.Unlock()
	if c.gate.stopped {
		c.gate.stopped = false
		close(c.gate.resume)
	}
}

// ResumeReading undoes StopReading.
func (c *testClient) ResumeReading() {
	c.pauseMu.Lock()
	defer c.pauseMu.Unlock()
	if c.resume != nil {
		close(c.resume)
		c.resume = nil
	}
}

// CloseChannel closes only the session channel; the SSH connection (c.conn)
// stays open, as with OpenSSH connection multiplexing.
func (c *testClient) CloseChannel() {
	_ = c.sess.Close()
}

// Close closes the connection and waits for every goroutine of the client.
// It is registered with tb.Cleanup and may be called more than once.
func (c *testClient) Close() {
	c.closeOnce.Do(func() {
		close(c.closing) // releases a stopped reader and forwardReplies
		close(c.gate.closing)
		_ = c.conn.Close()
		done := make(chan struct{})
		go func() {
			// The stdout reader may be inside emu.Write; wait for it before
			// closing the reply pipe (later replies are dropped: the pipe
			// then returns an error to the emulator instead of blocking).
			<-c.readerDone
			_ = c.replyPipe.CloseWithError(io.EOF) // ends readReplies
			c.wg.Wait()
			_ = c.conn.Wait() // x/crypto's connection goroutines have ended
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(testClientHangGuard):
			c.tb.Errorf("%s: test client goroutines did not end within %v after Close", c.user, testClientHangGuard)
		}
	})
}
