package sshserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	gossh "golang.org/x/crypto/ssh"
)

// fifoOpened reports whether anything has the FIFO at path open for
// reading (or is blocked opening it): a non-blocking open for writing
// succeeds only then. It unblocks such a reader.
func fifoOpened(t *testing.T, path string) bool {
	t.Helper()
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ENXIO) {
		return false
	}
	if err != nil {
		t.Fatalf("probe %s: %v", path, err)
	}
	syscall.Close(fd)
	return true
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostileTermAndEnvironmentOpenNothing: whatever TERM and environment
// a client sends (paths, TTY_FORCE, TMUX, TERMINFO, TERMINFO_DIRS, very
// long values), the server opens no file for it and runs nothing. Traps
// outside the data directory catch it: FIFOs where a path TERM or a
// terminfo lookup would lead (opening one blocks until the test looks),
// and a tmux on the PATH that leaves a mark.
func TestHostileTermAndEnvironmentOpenNothing(t *testing.T) {
	// Not t.TempDir: its name holds "st", which colour detection takes
	// for a truecolor terminal before it looks anything up.
	outside, err := os.MkdirTemp("", "huddle-trap-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(outside) })
	termFIFO := filepath.Join(outside, "term-fifo")
	mkfifo(t, termFIFO)
	// A valid-looking name, new to this process (terminfo caches what it
	// loaded): a lookup of it in $TERMINFO lands on one of these.
	probe := fmt.Sprintf("huddle-probe-%d", time.Now().UnixNano())
	tiDir := filepath.Join(outside, "terminfo")
	traps := []string{termFIFO, filepath.Join(tiDir, probe[:1], probe), filepath.Join(tiDir, fmt.Sprintf("%x", probe[0]), probe)}
	for _, p := range traps[1:] {
		mkfifo(t, p)
	}
	bin := filepath.Join(outside, "bin")
	ran := filepath.Join(outside, "tmux-ran")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "tmux"), []byte("#!/bin/sh\ntouch '"+ran+"'\necho 'Tc: true'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The server's own environment points terminfo and the PATH at the
	// traps, so that any lookup at all is seen.
	t.Setenv("TERMINFO", tiDir)
	t.Setenv("TERMINFO_DIRS", tiDir)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team hostile --members Ann")
	hostileEnv := []clientOption{
		withEnv("TTY_FORCE", "1"),
		withEnv("TMUX", "/tmp/tmux-0/default,1,0"),
		withEnv("TERMINFO", tiDir),
		withEnv("TERMINFO_DIRS", tiDir),
		withEnv("HOME", outside),
		withEnv("COLORTERM", strings.Repeat("x", 900)),
		withEnv("LONG", strings.Repeat("y", 30_000)),
	}
	terms := []string{
		strings.Repeat("../", 20) + strings.TrimPrefix(termFIFO, "/"),
		termFIFO,
		probe,
		strings.Repeat("t", 4000),
		"xterm-256color\x1b]0;owned\x07",
	}
	for i, term := range terms {
		opts := append([]clientOption{withTerm(term), withCommand("join " + code)}, hostileEnv...)
		c := dialTest(t, ts.addr, fmt.Sprintf("guest%d", i), newTestKey(t), opts...)
		deadline := time.Now().Add(testClientHangGuard)
		for !strings.Contains(c.Screen(), "Here (") {
			for _, p := range traps {
				if fifoOpened(t, p) {
					t.Fatalf("TERM %.40q: the server opened %s", term, p)
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("TERM %.40q: no waiting room:\n%s", term, c.Screen())
			}
			time.Sleep(testClientPoll)
		}
		c.Close()
	}
	// Every program has decided its colours and drawn by now.
	for _, p := range traps {
		if fifoOpened(t, p) {
			t.Fatalf("the server opened %s", p)
		}
	}
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("the server ran tmux")
	}
}

// fakeSession is an ssh.Session with a pty and an environment, for
// clientEnviron.
type fakeSession struct {
	ssh.Session
	term string
	env  []string
}

func (f fakeSession) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	return ssh.Pty{Term: f.term}, nil, true
}
func (f fakeSession) Environ() []string { return f.env }

func TestProgramsSeeOnlyTheColourHints(t *testing.T) {
	for _, tc := range []struct {
		name string
		term string
		env  []string
		want []string
		prof colorprofile.Profile
	}{
		{"a plain terminal", "xterm-256color", nil, []string{"TERM=xterm-256color"}, colorprofile.ANSI256},
		{"hints kept, the rest dropped", "xterm-256color",
			[]string{"TTY_FORCE=1", "TMUX=x", "TERMINFO=/etc", "COLORTERM=truecolor", "NO_COLOR=", "PATH=/x", "LANG=C"},
			[]string{"TERM=xterm-256color", "NO_COLOR=", "COLORTERM=truecolor"}, colorprofile.TrueColor},
		{"NO_COLOR wins", "xterm-256color", []string{"NO_COLOR=1"}, []string{"TERM=xterm-256color", "NO_COLOR=1"}, colorprofile.ASCII},
		{"a path is no terminal type", "../../../dev/zero", nil, []string{"TERM=xterm"}, colorprofile.ANSI},
		{"an absolute path neither", "/usr/share/terminfo/x/xterm", nil, []string{"TERM=xterm"}, colorprofile.ANSI},
		{"nor control bytes", "xterm\x1b[31m", nil, []string{"TERM=xterm"}, colorprofile.ANSI},
		{"nor a novel", strings.Repeat("a", 65), nil, []string{"TERM=xterm"}, colorprofile.ANSI},
		{"odd hint values are dropped", "screen.xterm-256color",
			[]string{"COLORTERM=$(reboot)", "CLICOLOR_FORCE=yes please", "NO_COLOR=" + strings.Repeat("1", 9)},
			[]string{"TERM=screen.xterm-256color"}, colorprofile.ANSI256},
		{"no TERM, no colours", "", nil, []string{"TERM="}, colorprofile.NoTTY},
		{"the last value wins", "xterm", []string{"COLORTERM=truecolor", "COLORTERM="}, []string{"TERM=xterm", "COLORTERM="}, colorprofile.ANSI},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := clientEnviron(fakeSession{term: tc.term, env: tc.env})
			if strings.Join(env, "|") != strings.Join(tc.want, "|") {
				t.Errorf("environment %q, want %q", env, tc.want)
			}
			if p := colourProfile(env); p != tc.prof {
				t.Errorf("profile %v, want %v", p, tc.prof)
			}
		})
	}
}

// rawClient is an authenticated SSH connection with no session yet.
func rawClient(t *testing.T, d *net.Dialer, addr, user string) *gossh.Client {
	t.Helper()
	if d == nil {
		d = &net.Dialer{Timeout: testClientHangGuard}
	}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	cc, chans, reqs, err := gossh.NewClientConn(nc, addr, &gossh.ClientConfig{
		User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(newTestKey(t))},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: testClientHangGuard,
	})
	if err != nil {
		nc.Close()
		t.Fatal(err)
	}
	c := gossh.NewClient(cc, chans, reqs)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestEnvironmentRequestsAreBounded: a session takes maxEnvRequests
// environment variables of at most maxEnvPayload bytes; the rest are
// refused, and the session still works.
func TestEnvironmentRequestsAreBounded(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	c := rawClient(t, nil, ts.addr, "env")
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Setenv("BIG", strings.Repeat("v", maxEnvPayload)); err == nil {
		t.Fatal("an environment request over the size limit was taken")
	}
	taken := 0
	for i := range maxEnvRequests + 20 {
		if sess.Setenv(fmt.Sprintf("V%d", i), "1") == nil {
			taken++
		}
	}
	// The refused big one counted too.
	if taken != maxEnvRequests-1 {
		t.Fatalf("%d environment requests taken, want %d", taken, maxEnvRequests-1)
	}
	out, err := sess.CombinedOutput("help")
	if err != nil || !strings.Contains(string(out), "join CODE") {
		t.Fatalf("help after the flood of env requests: %v, %q", err, out)
	}
}

// TestSessionChannelsPerConnectionAreCapped: one connection holds at most
// maxChannels sessions at once; a closed one makes room.
func TestSessionChannelsPerConnectionAreCapped(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	c := rawClient(t, nil, ts.addr, "greedy")
	var open []*gossh.Session
	for range maxChannels {
		s, err := c.NewSession()
		if err != nil {
			t.Fatalf("session %d of %d: %v", len(open)+1, maxChannels, err)
		}
		open = append(open, s)
	}
	for range 50 {
		if _, err := c.NewSession(); err == nil || !strings.Contains(err.Error(), "too many sessions on one connection") {
			t.Fatalf("a session beyond %d on one connection: %v", maxChannels, err)
		}
	}
	open[0].Close()
	// The server notices the close on its own goroutine: poll.
	deadline := time.Now().Add(testClientHangGuard)
	for {
		s, err := c.NewSession()
		if err == nil {
			out, err := s.CombinedOutput("help")
			if err != nil || !strings.Contains(string(out), "join CODE") {
				t.Fatalf("help in the freed place: %v, %q", err, out)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no room after closing a session: %v", err)
		}
		time.Sleep(testClientPoll)
	}
}

// TestUnauthenticatedFloodLeavesRoomForPeople: 320 raw TCP connections
// from 8 addresses that never speak SSH take only places of the
// unauthenticated pool, at most ConnsPerAddress from each address; a
// participant from another address still gets in and joins a session
// while they are held.
func TestUnauthenticatedFloodLeavesRoomForPeople(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team open --members Ann")
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	const addrs, perAddr = 8, DefaultConnsPerAddress
	dialers := map[string]*net.Dialer{}
	for a := range addrs {
		ip := net.IPv4(127, 0, 1, byte(a+1))
		d := sourceDialer(t, ip, ts.addr)
		dialers[ip.String()] = d
		// sourceDialer's probe holds a place until the server has seen
		// it close; flooding before that would leave the address one
		// short of its cap once the probe goes.
		waitPreHeld(t, ts, ip.String(), 0)
		for range perAddr + 10 {
			c, err := d.Dial("tcp", ts.addr)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
		}
	}
	// The listener takes each address's first ConnsPerAddress and
	// closes the rest at once. A connection the busy machine lost on the
	// way (seen in CI: an address held fewer) is dialled again: the cap,
	// not the count of dials, is what is tested.
	l := ts.srv.listener.Load()
	deadline := time.Now().Add(testClientHangGuard)
	for {
		l.mu.Lock()
		var short []string
		for ip := range dialers {
			if l.pre[ip] < perAddr {
				short = append(short, ip)
			}
		}
		l.mu.Unlock()
		for _, ip := range short {
			if c, err := dialers[ip].Dial("tcp", ts.addr); err == nil {
				held = append(held, c)
			}
		}
		pre, _ := ts.srv.listener.Load().counts()
		if pre > addrs*perAddr {
			t.Fatalf("%d unauthenticated connections held, want at most %d", pre, addrs*perAddr)
		}
		if pre == addrs*perAddr {
			t.Logf("%d of %d raw connections held", pre, len(held))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d unauthenticated connections held, want %d", pre, addrs*perAddr)
		}
		time.Sleep(testClientPoll)
	}
	c := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code))
	c.WaitFor("Here (1)", "Ann")
	if pre, _ := ts.srv.listener.Load().counts(); pre > addrs*perAddr {
		t.Fatalf("%d unauthenticated connections held, want at most %d", pre, addrs*perAddr)
	}
}

// waitPreHeld waits until the server holds n unauthenticated connections
// from ip.
func waitPreHeld(t *testing.T, ts *testServer, ip string, n int) {
	t.Helper()
	l := ts.srv.listener.Load()
	for deadline := time.Now().Add(testClientHangGuard); ; {
		l.mu.Lock()
		got := l.pre[ip]
		l.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d unauthenticated connections from %s held, want %d", got, ip, n)
		}
		time.Sleep(testClientPoll)
	}
}

// TestConnectionsThatOpenNoSessionAreClosed: a client that completes the
// handshake but opens no session, and one that never starts it, are
// closed at the end of the authentication window, giving back their
// places.
func TestConnectionsThatOpenNoSessionAreClosed(t *testing.T) {
	ts := startServer(t, t.TempDir(), func(c *Config) { c.AuthWindow = time.Second })
	c := rawClient(t, nil, ts.addr, "lurker")
	raw, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	closed := make(chan error, 1)
	go func() { closed <- c.Wait() }()
	select {
	case <-closed:
	case <-time.After(testClientHangGuard):
		t.Fatal("an authenticated connection without a session was kept open")
	}
	_ = raw.SetReadDeadline(time.Now().Add(testClientHangGuard))
	buf := make([]byte, 256)
	for {
		if _, err := raw.Read(buf); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("a connection that never started SSH was kept open")
			}
			break
		}
	}
	deadline := time.Now().Add(testClientHangGuard)
	for {
		pre, authed := ts.srv.listener.Load().counts()
		if pre == 0 && authed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("places still taken: %d unauthenticated, %d authenticated", pre, authed)
		}
		time.Sleep(testClientPoll)
	}
}

// TestUnterminatedPasteIsBoundedOverSSH: a client that starts a
// bracketed paste and never ends it, then keeps sending, costs the server
// a bounded buffer; when the paste ends its keys work again.
func TestUnterminatedPasteIsBoundedOverSSH(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team paste --members Ann")
	c := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code))
	c.WaitFor("Here (1)")
	chunk := strings.Repeat("z", 64<<10)
	if _, err := c.Write([]byte(pasteStart)); err != nil {
		t.Fatal(err)
	}
	for range 64 { // 4 MiB that the decoder would have held
		if _, err := c.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	// An endless OSC string as well, then the paste's end and the help key.
	if _, err := c.Write([]byte("\x1b]11;" + chunk + chunk + "\x07" + pasteEnd + "?")); err != nil {
		t.Fatal(err)
	}
	c.WaitFor("? more")
}

// chunkedReader hands out its data in reads of at most n bytes.
type chunkedReader struct {
	data []byte
	n    int
}

func (r *chunkedReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("EOF")
	}
	k := min(len(p), r.n, len(r.data))
	copy(p, r.data[:k])
	r.data = r.data[k:]
	return k, nil
}

func readAllBound(t *testing.T, in string, chunk int) string {
	t.Helper()
	b := newInputBound(&chunkedReader{data: []byte(in), n: chunk})
	var out []byte
	buf := make([]byte, 7) // smaller than what one step may add
	for {
		n, err := b.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return string(out)
		}
	}
}

func TestInputBound(t *testing.T) {
	long := strings.Repeat("a", maxPaste+1000)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"keys pass", "hello\x1b[A\x1bOB\x1b", "hello\x1b[A\x1bOB\x1b"},
		{"a paste under the limit passes", pasteStart + "hi there" + pasteEnd + "x", pasteStart + "hi there" + pasteEnd + "x"},
		{"a paste ending at the limit passes", pasteStart + long[:maxPaste-3] + pasteEnd + "x", pasteStart + long[:maxPaste-3] + pasteEnd + "x"},
		{"a paste of the limit passes", pasteStart + long[:maxPaste] + pasteEnd + "x", pasteStart + long[:maxPaste] + pasteEnd + "x"},
		{"an overlong paste ends at the limit", pasteStart + long + pasteEnd + "x",
			pasteStart + long[:maxPaste] + pasteEnd + "x"},
		{"an overlong paste is dropped up to its own end", pasteStart + long + "\x1b[201" + long + pasteEnd + "y",
			pasteStart + long[:maxPaste] + pasteEnd + "y"},
		{"a terminal reply passes", "\x1b]11;rgb:0000/0000/0000\x1b\\", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
		{"an overlong OSC is closed", "\x1b]11;" + long + "\x07k",
			"\x1b]11;" + long[:maxSequence-5] + "\x07k"},
		{"an overlong CSI is closed", "\x1b[" + strings.Repeat("1;", 300) + "mk",
			"\x1b[" + strings.Repeat("1;", 300)[:maxSequence-2] + "~k"},
		{"a C1 OSC is bounded", "\x9d" + long + "\x07k", "\x9d" + long[:maxSequence-1] + "\x07k"},
		{"UTF-8 with C1-looking bytes passes", "ě\u009bľ" + "ěščřžýáíé", "ě\u009bľ" + "ěščřžýáíé"},
		{"a cancelled string starts a new sequence", "\x1b]11;ab\x1b[A", "\x1b]11;ab\x1b[A"},
	} {
		for _, chunk := range []int{1, 3, 4096} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, chunk), func(t *testing.T) {
				if got := readAllBound(t, tc.in, chunk); got != tc.want {
					t.Errorf("got %d bytes %.60q…, want %d bytes %.60q…", len(got), got, len(tc.want), tc.want)
				}
			})
		}
	}
}

// endless is a reader of a bracketed paste start followed by n bytes
// of 'a', then the paste's end and "x".
type endless struct {
	n, sent int
	tail    string
}

func (e *endless) Read(p []byte) (int, error) {
	if e.sent == 0 {
		e.sent = 1
		return copy(p, pasteStart), nil
	}
	if e.n > 0 {
		k := min(len(p), e.n)
		for i := range p[:k] {
			p[i] = 'a'
		}
		e.n -= k
		return k, nil
	}
	if e.tail != "" {
		k := copy(p, e.tail)
		e.tail = e.tail[k:]
		return k, nil
	}
	return 0, errors.New("EOF")
}

// TestInputBoundKeepsTheDecoderSmall: through inputBound, a 64 MiB paste
// reaches the real key decoder as one paste of maxPaste bytes, and the
// key after it arrives.
func TestInputBoundKeepsTheDecoderSmall(t *testing.T) {
	events := decodeAll(t, &endless{n: 64 << 20, tail: pasteEnd + "x"}) // readKeys reads through inputBound
	var pastes []int
	var keys []string
	for _, ev := range events {
		switch ev := ev.(type) {
		case uv.PasteEvent:
			pastes = append(pastes, len(ev.Content))
		case uv.KeyPressEvent:
			keys = append(keys, ev.String())
		}
	}
	if len(pastes) != 1 || pastes[0] != maxPaste {
		t.Fatalf("pastes of %v bytes, want one of %d", pastes, maxPaste)
	}
	if len(keys) == 0 || keys[len(keys)-1] != "x" {
		t.Fatalf("keys after the paste: %q, want x last", keys)
	}
}

// decodeAll runs the server's key decoder (keyDecoder, as readKeys
// feeds it) over r to its end.
func decodeAll(t *testing.T, r io.Reader) []uv.Event {
	t.Helper()
	var events []uv.Event
	readKeys(r, newKeyDecoder(func(ev uv.Event) { events = append(events, ev) }))
	return events
}

// decodeAllBefore runs the decoder the server used before keyDecoder,
// ultraviolet's terminal reader with its key table, over r to its end.
func decodeAllBefore(t *testing.T, r io.Reader) []uv.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ch := make(chan uv.Event)
	done := make(chan error, 1)
	go func() {
		done <- uv.NewTerminalReader(r, "xterm").StreamEvents(ctx, ch)
		close(ch)
	}()
	var events []uv.Event
	for ev := range ch {
		events = append(events, ev)
	}
	<-done
	return events
}

// FuzzInputBound: whatever a client sends and however it is split into
// reads, inputBound passes the same bytes on, adds at most a paste end
// per paste start, and passes text without controls unchanged.
func FuzzInputBound(f *testing.F) {
	f.Add([]byte("hello\x1b[A\x1b]11;rgb:0/0/0\x07"), uint8(3))
	f.Add([]byte(pasteStart+strings.Repeat("a", 100)+pasteEnd), uint8(1))
	f.Add([]byte("\x9d"+strings.Repeat("b", 300)+"\x9c\x1b[200~x"), uint8(7))
	f.Add([]byte("ě\u009bľ\x1b\x1b[1;2;3m"), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		whole := readAllBound(t, string(in), len(in)+1)
		split := readAllBound(t, string(in), int(chunk%16)+1)
		if whole != split {
			t.Fatalf("the output depends on how the input is split:\n%q\n%q", whole, split)
		}
		starts := strings.Count(string(in), pasteStart) + strings.Count(string(in), "\x9b200~")
		if len(whole) > len(in)+starts*len(pasteEnd) {
			t.Fatalf("%d bytes in, %d out, %d paste starts", len(in), len(whole), starts)
		}
		plainText := utf8.Valid(in) && !strings.ContainsAny(string(in), "\x1b\x07\x18\x1a") &&
			!bytes.ContainsFunc(in, func(r rune) bool { return r >= 0x80 && r <= 0x9f })
		if plainText && whole != string(in) {
			t.Fatalf("text without controls changed: %q → %q", in, whole)
		}
	})
}
