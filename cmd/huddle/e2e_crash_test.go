package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"golang.org/x/crypto/ssh"

	"huddle/session"
	"huddle/session/sqlite"
)

// crashHangGuard bounds every wait of the crash test. It guards against a
// hang; on a healthy run every wait ends long before it.
const crashHangGuard = 15 * time.Second

// crashDowntime is how long the server stays dead. It is what is being
// tested, not a wait for something: a time-box that kept counting through
// it shows that much less after the restart than one that was paused or
// started afresh, well beyond the test's tolerance of a tick or two.
const crashDowntime = 5 * time.Second

// crashClient is one participant in a terminal: an x/crypto/ssh session
// with a pty whose output is rebuilt into a screen by an x/vt emulator,
// which also answers the terminal queries Bubble Tea makes.
type crashClient struct {
	t    *testing.T
	name string
	conn *ssh.Client
	sess *ssh.Session
	in   io.Writer
	pipe *io.PipeWriter // the emulator's replies; closed on close

	inMu sync.Mutex // serialises typed keys and terminal replies
	mu   sync.Mutex // guards emu
	emu  *vt.Emulator

	replyMu   sync.Mutex
	replies   []byte
	replyKick chan struct{}

	closing   chan struct{}
	closeOnce sync.Once
	outDone   chan struct{} // stdout has ended
	wg        sync.WaitGroup
}

// crashKey is a fresh ed25519 key.
func crashKey(t *testing.T) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func crashDial(addr, user string, key ssh.Signer) (*ssh.Client, error) {
	return ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(key)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         crashHangGuard,
	})
}

// crashRun runs a command without a terminal and returns its stdout.
func crashRun(t *testing.T, addr, user string, key ssh.Signer, command string) string {
	t.Helper()
	conn, err := crashDial(addr, user, key)
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	sess.Stderr = &stderr
	out, err := sess.Output(command)
	if err != nil {
		t.Fatalf("%s: %v; stderr %q", command, err, stderr.String())
	}
	return string(out)
}

// crashJoin runs `join CODE` as user with key, in an 80x24 terminal.
func crashJoin(t *testing.T, addr, user string, key ssh.Signer, code string) *crashClient {
	t.Helper()
	conn, err := crashDial(addr, user, key)
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	c := &crashClient{t: t, name: user, conn: conn, emu: vt.NewEmulator(80, 24),
		replyKick: make(chan struct{}, 1), closing: make(chan struct{}), outDone: make(chan struct{})}
	c.pipe = c.emu.InputPipe().(*io.PipeWriter)
	fail := func(err error) *crashClient {
		conn.Close()
		t.Fatalf("%s: join: %v", user, err)
		return nil
	}
	if c.sess, err = conn.NewSession(); err != nil {
		return fail(err)
	}
	if err := c.sess.RequestPty("xterm-256color", 24, 80, ssh.TerminalModes{}); err != nil {
		return fail(err)
	}
	if c.in, err = c.sess.StdinPipe(); err != nil {
		return fail(err)
	}
	out, err := c.sess.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	if err := c.sess.Start("join " + code); err != nil {
		return fail(err)
	}
	c.wg.Add(3)
	go c.readOutput(out)
	go c.readReplies()
	go c.forwardReplies()
	t.Cleanup(c.close)
	return c
}

func (c *crashClient) readOutput(out io.Reader) {
	defer c.wg.Done()
	defer close(c.outDone)
	buf := make([]byte, 32<<10)
	for {
		n, err := out.Read(buf)
		if n > 0 {
			c.mu.Lock()
			_, _ = c.emu.Write(buf[:n]) // replies go to the pipe, drained by readReplies
			c.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// readReplies drains the emulator's answers; it blocks on nothing else,
// as the emulator writes them from inside Write.
func (c *crashClient) readReplies() {
	defer c.wg.Done()
	buf := make([]byte, 1024)
	for {
		n, err := c.emu.Read(buf)
		if n > 0 {
			c.replyMu.Lock()
			c.replies = append(c.replies, buf[:n]...)
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

func (c *crashClient) forwardReplies() {
	defer c.wg.Done()
	for {
		select {
		case <-c.replyKick:
		case <-c.closing:
			return
		}
		c.replyMu.Lock()
		data := c.replies
		c.replies = nil
		c.replyMu.Unlock()
		c.write(data)
	}
}

func (c *crashClient) write(p []byte) error {
	c.inMu.Lock()
	defer c.inMu.Unlock()
	_, err := c.in.Write(p)
	return err
}

// keys types text or keys ("\r" is enter).
func (c *crashClient) keys(s string) {
	c.t.Helper()
	if err := c.write([]byte(s)); err != nil {
		c.t.Fatalf("%s: type %q: %v", c.name, s, err)
	}
}

// screen is the emulated screen as text, trailing spaces trimmed.
func (c *crashClient) screen() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var lines []string
	for y := range c.emu.Height() {
		var sb strings.Builder
		for x := range c.emu.Width() {
			cell := c.emu.CellAt(x, y)
			switch {
			case cell == nil || cell.Content == "" && !cell.IsZero():
				sb.WriteByte(' ')
			case cell.IsZero(): // the second half of a wide character
			default:
				sb.WriteString(cell.Content)
			}
		}
		lines = append(lines, strings.TrimRight(sb.String(), " "))
	}
	return strings.Join(lines, "\n")
}

// waitFor waits until the screen shows every string and returns it.
func (c *crashClient) waitFor(want ...string) string {
	c.t.Helper()
	deadline := time.Now().Add(crashHangGuard)
	for {
		ended := false
		select {
		case <-c.outDone:
			ended = true
		default:
		}
		scr, missing := c.screen(), ""
		for _, w := range want {
			if !strings.Contains(scr, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return scr
		}
		if ended || time.Now().After(deadline) {
			c.t.Fatalf("%s: the screen never showed %q (output ended: %v):\n%s", c.name, missing, ended, scr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitGone waits until the connection has ended, as it does when the
// server process dies.
func (c *crashClient) waitGone() {
	c.t.Helper()
	select {
	case <-c.outDone:
	case <-time.After(crashHangGuard):
		c.t.Fatalf("%s: still connected to a killed server", c.name)
	}
}

func (c *crashClient) close() {
	c.closeOnce.Do(func() {
		close(c.closing)
		_ = c.conn.Close()
		<-c.outDone
		_ = c.pipe.CloseWithError(io.EOF) // ends readReplies
		c.wg.Wait()
	})
}

// remainingOn reads the phase time-box's remaining time off a screen:
// "phase  ███░░  9:58 left of 10:00".
var remainingOn = regexp.MustCompile(`phase .* (\d+):(\d\d) left of 10:00`)

func remaining(t *testing.T, who, scr string) time.Duration {
	t.Helper()
	m := remainingOn.FindStringSubmatch(scr)
	if m == nil {
		t.Fatalf("%s: no running phase time-box on the screen:\n%s", who, scr)
	}
	mins, _ := strconv.Atoi(m[1])
	secs, _ := strconv.Atoi(m[2])
	return time.Duration(mins)*time.Minute + time.Duration(secs)*time.Second
}

// near fails unless got is within tol of want.
func near(t *testing.T, what string, got, want, tol time.Duration) {
	t.Helper()
	if d := got - want; d < -tol || d > tol {
		t.Fatalf("%s: %v, want %v ± %v", what, got, want, tol)
	}
}

// TestCrashMidRetrospective kills `huddle serve` with SIGKILL in the
// middle of a retrospective over SSH, with cards written, dots cast and
// the vote's time-box running, and restarts it on the same data: every
// event whose effect its actor had seen on screen is in the store, the
// phase is the same, the time-box kept running through the crash (its
// deadline did not move), and the participants come back with the same
// keys and go on voting and into the discussion.
func TestCrashMidRetrospective(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildHuddle(t)
	data := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	addr, _ := sshE2EFreeAddr(t)
	srv := sshE2EStartServer(t, bin, data, addr)
	servers := []*sshE2EServer{srv}
	defer func() {
		if t.Failed() {
			for i, s := range servers {
				t.Logf("log of server %d:\n%s", i+1, s.stderr.String())
			}
		}
	}()

	names := []string{"Alice", "Bob", "Carol"}
	keys := map[string]ssh.Signer{}
	for _, n := range names {
		keys[n] = crashKey(t)
	}
	out := crashRun(t, addr, "Alice", keys["Alice"],
		"new retro --team crashers --members Alice,Bob,Carol --phases write=10m,vote=10m")
	code, _, _ := strings.Cut(out, "\n")
	if code = strings.TrimSpace(code); !sshE2ECodeShape.MatchString(code) {
		t.Fatalf("new retro printed %q, not a join code", out)
	}

	// The first to join facilitates.
	screens := map[string]*crashClient{}
	screens["Alice"] = crashJoin(t, addr, "Alice", keys["Alice"], code)
	screens["Alice"].waitFor("Alice · facilitator")
	for _, n := range names[1:] {
		screens[n] = crashJoin(t, addr, n, keys[n], code)
		screens[n].waitFor(n + " · member")
	}
	alice := screens["Alice"]
	alice.waitFor("Here (3)")
	for _, phase := range []string{"check-in", "review", "write"} {
		alice.keys("n")
		for _, n := range names {
			screens[n].waitFor("● " + phase)
		}
	}

	// Everyone writes a card and sees it on the board.
	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	mark := hex.EncodeToString(rnd[:])
	cards := map[string]string{}
	for i, n := range names {
		cards[n] = fmt.Sprintf("%s card %s", n, mark)
		c := screens[n]
		for range i { // a column each
			c.keys("\t")
		}
		c.keys("a")
		c.waitFor("Card in ")
		c.keys(cards[n] + "\r")
		c.waitFor("✓ card added", cards[n])
	}
	for _, phase := range []string{"group", "vote"} {
		alice.keys("n")
		for _, n := range names {
			screens[n].waitFor("● " + phase)
		}
	}

	// Dots: Bob one, Carol two, each seen on their own screen.
	dots := map[string]int{"Alice": 0, "Bob": 1, "Carol": 2}
	for _, n := range names {
		for i := range dots[n] {
			screens[n].keys("v")
			screens[n].waitFor(fmt.Sprintf("✓ dot cast · %d left", 2-i), fmt.Sprintf("%d of 3 left", 2-i))
		}
	}
	shown := remaining(t, "Alice", alice.waitFor("left of 10:00"))
	shownAt := time.Now()
	if shown > 10*time.Minute || shown < 9*time.Minute {
		t.Fatalf("the vote's time-box shows %v left; want it running, under 10:00", shown)
	}

	// SIGKILL: no shutdown, no goodbyes, no last checkpoint.
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	killedAt := time.Now()
	for _, n := range names {
		screens[n].waitGone()
		screens[n].close()
	}

	// What the file holds, read before anything else opens it.
	st, err := sqlite.Open(filepath.Join(data, "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := st.SessionByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	events, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	s := session.Fold(info.ID, events)
	if s.Phase != session.Vote {
		t.Fatalf("the stored phase is %s, want vote", s.Phase)
	}
	ids := map[string]session.ParticipantID{}
	for _, n := range names {
		p, ok := s.ByKey(ssh.FingerprintSHA256(keys[n].PublicKey()))
		if !ok || p.Name != n {
			t.Fatalf("%s is not in the stored session: %+v", n, s.Participants)
		}
		ids[n] = p.ID
		if (p.Role == session.Facilitator) != (n == "Alice") {
			t.Fatalf("%s has the role %s", n, p.Role)
		}
	}
	texts := map[string]string{}
	for _, c := range s.Cards {
		texts[c.Text] = c.Author.Name
	}
	for _, n := range names {
		if texts[cards[n]] != n {
			t.Fatalf("%s's card %q is not stored as theirs: %v", n, cards[n], texts)
		}
		if got := s.VotesBy(string(ids[n]), 0); got != dots[n] {
			t.Fatalf("%s has %d dots stored, saw %d cast", n, got, dots[n])
		}
	}
	if len(s.Cards) != 3 || len(s.Votes) != 3 {
		t.Fatalf("stored: %d cards, %d dots; want 3 and 3", len(s.Cards), len(s.Votes))
	}
	deadline, running := s.PhaseTimer.Deadline()
	if !running || s.PhaseTimer.Budget != 10*time.Minute || s.PhaseTimer.Expired {
		t.Fatalf("the stored vote time-box is not running with 10:00: %+v", s.PhaseTimer)
	}
	// The screen counted down to the same deadline (it shows whole
	// seconds, on a one-second tick).
	near(t, "the deadline the screen counted down to", shownAt.Add(shown).Sub(deadline), 0, 2*time.Second)

	// Restart on the same data and port once the server has been dead
	// for a while; everyone comes back with their key and finds the
	// retrospective where it was, its time-box having run on towards the
	// same deadline.
	time.Sleep(time.Until(killedAt.Add(crashDowntime)))
	srv = sshE2EStartServer(t, bin, data, addr)
	servers = append(servers, srv)
	for _, n := range names {
		screens[n] = crashJoin(t, addr, n, keys[n], code)
	}
	alice = screens["Alice"]
	for _, n := range names {
		scr := screens[n].waitFor("● vote", fmt.Sprintf("%d of 3 left", 3-dots[n]), n+" · ")
		near(t, n+"'s time-box after the restart", remaining(t, n, scr), time.Until(deadline), 2*time.Second)
	}
	alice.waitFor("Alice · facilitator")
	near(t, "the time-box after the restart against before the crash",
		remaining(t, "Alice", alice.screen()), shown-time.Since(shownAt), 2*time.Second)

	// They go on: Alice and Bob cast a dot each, and Alice moves on to
	// the discussion, which everyone sees with the topics' dots.
	for _, n := range []string{"Alice", "Bob"} {
		screens[n].keys("v")
		screens[n].waitFor(fmt.Sprintf("✓ dot cast · %d left", 2-dots[n]))
	}
	alice.keys("n")
	for _, n := range names {
		screens[n].waitFor("● discuss", "5 dots")
	}
	if err := srv.stop(); err != nil {
		t.Fatalf("huddle serve after SIGTERM: %v", err)
	}
}
