package sshserver

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"

	"huddle/session"
)

// A participant who stops taking their output — the SSH channel (the
// window fills) or the whole TCP socket (the kernel's buffers fill, as
// with a suspended laptop) — must not hold up anyone: the room goes on,
// newcomers get in, and the stuck connection is closed once a write to it
// has blocked, or a keepalive has gone unanswered, for the stall timeout;
// that marks the participant away.
func TestClientThatStopsReadingIsEvicted(t *testing.T) {
	for _, tc := range []struct {
		name string
		stop func(*testClient)
	}{
		{"socket", (*testClient).StopSocket},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const stall = time.Second
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ts := startServerOn(t, t.TempDir(), smallSendBuffers{ln}, func(c *Config) {
				c.Actions, c.ActionBurst = 1000, 1000
				c.StallTimeout = stall
			})
			code := ts.newStandupCode("--team t --members Ann,Bob,Cem,Dee --facilitator Ann")
			a := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code))
			a.WaitFor("waiting room", "· facilitator")
			b := dialTest(t, ts.addr, "bob", newTestKey(t), withCommand("join "+code))
			// A wide screen full of topics: every repaint sends the stuck
			// client kilobytes, more than the small buffers hold.
			stuck := dialTest(t, ts.addr, "cem", newTestKey(t), withCommand("join "+code), withSize(200, 60))
			a.WaitFor("Here (3)")
			a.Press("n")
			stuck.WaitFor("rounds")
			for i := range 20 {
				a.Press("p")
				a.Type(fmt.Sprintf("\x1b[200~topic %02d, long enough to fill a good part of a very wide line with glyphs\x1b[201~", i))
				a.Press("enter")
			}
			stuck.WaitFor("topic 19")

			tc.stop(stuck)
			start := time.Now()
			// The stuck client asks for repaints of its screen (its requests
			// still reach the server) without reading any of them.
			quit, resized := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(resized)
				for i := 0; ; i++ {
					select {
					case <-quit:
						return
					case <-time.After(30 * time.Millisecond):
						if stuck.sess.WindowChange(60-i%2, 200) != nil {
							return // the server closed the connection
						}
					}
				}
			}()
			defer func() { close(quit); <-resized }()

			// Meanwhile the room goes on, and a newcomer gets in.
			a.Press("p")
			a.Type("\x1b[200~while cem is stuck\x1b[201~")
			a.Press("enter")
			b.WaitFor("while cem is stuck")
			d := dialTest(t, ts.addr, "dee", newTestKey(t), withCommand("join "+code))
			d.WaitFor("while cem is stuck", "Dee · member")
			joined := time.Since(start)

			// The stuck connection is closed: Cem is marked away.
			a.WaitFor("Cem (away)")
			took := time.Since(start)
			waitSessions(t, ts, 3) // Ann, Bob and Dee
			t.Logf("newcomer in after %v; stuck client evicted after %v (stall timeout %v)", joined.Round(time.Millisecond), took.Round(time.Millisecond), stall)
			// A keepalive sent just before the client stopped may already
			// have been waiting: its stall time began up to a third of the
			// timeout earlier.
			if took < stall*2/3 {
				t.Errorf("evicted after %v, well before the stall timeout of %v: not for stalling", took, stall)
			}
		})
	}
}

// smallSendBuffers gives each accepted connection a small kernel send
// buffer, so that a client that stops reading fills it with kilobytes, not
// megabytes.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tcp, ok := c.(*net.TCPConn); ok {
		_ = tcp.SetWriteBuffer(8192)
	}
	return c, err
}

// slowWriter takes each write after delay; once blocked, it holds a
// write until release is closed (a client that stopped reading its
// channel, until the connection is closed), and fails it. Unlike a pipe,
// a write that goes through does not wait for a reader goroutine to be
// scheduled, which on busy cores can take longer than a stall time.
type slowWriter struct {
	delay   time.Duration
	blocked atomic.Bool
	release chan struct{}
	once    sync.Once
}

func newSlowWriter(delay time.Duration) *slowWriter {
	return &slowWriter{delay: delay, release: make(chan struct{})}
}

func (s *slowWriter) Write(p []byte) (int, error) {
	if s.blocked.Load() {
		<-s.release
		return 0, errors.New("the connection is closed")
	}
	if s.delay > 0 {
		time.Sleep(s.delay) // the write itself taking time
	}
	return len(p), nil
}

// close fails the write held, as closing the connection does.
func (s *slowWriter) close() { s.once.Do(func() { close(s.release) }) }

// A write that blocks for longer than the stall time (a client that stopped
// reading its SSH channel, whose window is full) evicts; writes that go
// through never do.
func TestOutWriterEvictsABlockedWrite(t *testing.T) {
	const stall = 100 * time.Millisecond
	evicted := make(chan time.Time, 1)
	sw := newSlowWriter(0)
	ow := newOutWriter(sw, stall, func() {
		evicted <- time.Now()
		sw.close()
	})
	if _, err := ow.Write([]byte("hello")); err != nil {
		t.Fatalf("a write that went through: %v", err)
	}
	time.Sleep(2 * stall) // twice the stall time after a write that went through, with none under way
	select {
	case <-evicted:
		t.Fatal("evicted after a write that went through")
	default:
	}

	sw.blocked.Store(true)
	start := time.Now()
	_, err := ow.Write([]byte("nobody reads this")) // blocks until evict fails it
	if err == nil {
		t.Fatal("the blocked write succeeded")
	}
	at := <-evicted
	if took := at.Sub(start); took < stall {
		t.Errorf("evicted after %v, before the stall time", took)
	}
}

// Writes one after another for several stall times never evict, each
// taking a twentieth of it (the writer's one timer follows the write
// under way, not the first); a write that then blocks is evicted a stall
// time after it began.
func TestOutWriterFollowsTheWriteUnderWay(t *testing.T) {
	const stall = 400 * time.Millisecond
	evicted := make(chan time.Time, 4)
	sw := newSlowWriter(stall / 20)
	ow := newOutWriter(sw, stall, func() {
		evicted <- time.Now()
		sw.close()
	})
	start := time.Now()
	for time.Since(start) < 3*stall {
		if _, err := ow.Write([]byte("a frame")); err != nil {
			t.Fatalf("a write that went through: %v", err)
		}
		select {
		case at := <-evicted:
			t.Fatalf("evicted %v into writes that went through", at.Sub(start))
		default:
		}
	}
	sw.blocked.Store(true)
	began := time.Now()
	if _, err := ow.Write([]byte("nobody reads this")); err == nil {
		t.Fatal("the blocked write succeeded")
	}
	select {
	case at := <-evicted:
		if took := at.Sub(began); took < stall {
			t.Errorf("evicted %v after the blocked write began, before the stall time %v", took, stall)
		}
	default:
		t.Fatal("the blocked write failed without an eviction")
	}
}

// A writer whose timer is still armed when its connection ends (after a
// write, for up to the stall time) is not kept by the timer.
func TestOutWriterArmedIsNotKept(t *testing.T) {
	ow := newOutWriter(io.Discard, time.Hour, func() {})
	if _, err := ow.Write([]byte("a frame")); err != nil {
		t.Fatal(err)
	}
	if !ow.armed.Load() {
		t.Fatal("the timer is not armed after a write")
	}
	w := weak.Make(ow)
	ow = nil
	for i := 0; w.Value() != nil; i++ {
		if i == 100 {
			t.Fatal("the writer is still in memory: its armed timer keeps it")
		}
		runtime.GC()
	}
}

// An evicted client that reads again gets the frame it was sent, whole,
// and then its terminal back; the program's writes fail from the
// eviction on. One that never reads again is given up after the grace.
func TestFarewellFollowsTheBlockedWrite(t *testing.T) {
	r, w := io.Pipe()
	ow := newOutWriter(w, time.Hour, func() {})
	blocked := make(chan error, 1)
	go func() {
		_, err := ow.Write([]byte("frame"))
		blocked <- err
	}()
	for len(ow.turn) == 0 { // the frame's write holds its turn
		time.Sleep(time.Millisecond)
	}
	said := make(chan bool, 1)
	go func() { said <- ow.farewell([]byte("bye"), time.Minute) }()
	for !ow.shut.Load() {
		time.Sleep(time.Millisecond)
	}
	if _, err := ow.Write([]byte("late")); !errors.Is(err, errEvicted) {
		t.Fatalf("a write after the eviction: %v, want errEvicted", err)
	}
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	if err := <-blocked; err != nil {
		t.Fatalf("the frame: %v", err)
	}
	if !<-said {
		t.Fatal("the farewell was not taken")
	}
	_ = w.Close()
	if s := <-got; s != "framebye" {
		t.Fatalf("the client read %q, want the frame, then the farewell", s)
	}

	_, w2 := io.Pipe()
	stuck := newOutWriter(w2, time.Hour, func() {})
	start := time.Now()
	if stuck.farewell([]byte("bye"), 50*time.Millisecond) {
		t.Fatal("a farewell nobody read was taken")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("gave up after %v, want the grace", took)
	}
	_ = w2.Close()
}

// Window changes reach the program at most every resizeEvery, the newest
// size winning; the last one is never lost.
func TestResizesAreCoalesced(t *testing.T) {
	got := make(chan tea.WindowSizeMsg, 100)
	p := tea.NewProgram(resizeRecorder{got}, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
	go func() { _, _ = p.Run() }()
	defer p.Kill()

	winch := make(chan ssh.Window)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go connLoop(ctx, p, winch, nil)
	for i := range 200 {
		winch <- ssh.Window{Width: 10 + i, Height: 5}
	}
	deadline := time.After(5 * time.Second)
	var seen []int
	for len(seen) == 0 || seen[len(seen)-1] != 209 {
		select {
		case m := <-got:
			seen = append(seen, m.Width)
		case <-deadline:
			t.Fatalf("the last size never arrived; saw %v", seen)
		}
	}
	if len(seen) > 20 {
		t.Errorf("%d of 200 window changes reached the program, want them coalesced: %v", len(seen), seen)
	}
}

type resizeRecorder struct{ got chan<- tea.WindowSizeMsg }

func (r resizeRecorder) Init() tea.Cmd { return nil }
func (r resizeRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(tea.WindowSizeMsg); ok && m.Height == 5 {
		r.got <- m
	}
	return r, nil
}
func (r resizeRecorder) View() tea.View { return tea.NewView("") }

// A client that stops reading its socket in a quiet room, where the
// server has next to nothing to send it, is still found out: it no longer
// answers the keepalive requests.
func TestSuspendedClientInAQuietRoomIsEvicted(t *testing.T) {
	const stall = 900 * time.Millisecond
	ts := startServer(t, t.TempDir(), func(c *Config) { c.StallTimeout = stall })
	code := ts.newStandupCode("--team t --members Ann,Cem")
	a := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code))
	suspended := dialTest(t, ts.addr, "cem", newTestKey(t), withCommand("join "+code))
	a.WaitFor("Here (2)")
	suspended.StopSocket()
	start := time.Now()
	a.WaitFor("Here (1)", "Cem (away)")
	took := time.Since(start)
	t.Logf("evicted after %v (stall timeout %v)", took.Round(time.Millisecond), stall)
	if took < stall*2/3 { // see TestClientThatStopsReadingIsEvicted
		t.Errorf("evicted after %v, well before the stall timeout of %v", took, stall)
	}

	// A client that reads its socket answers, and stays however long
	// nothing happens.
	waitSessions(t, ts, 1)
	time.Sleep(3 * stall)
	if !strings.Contains(a.Screen(), "Here (1)") || ts.srv.sessions.Load() != 1 {
		t.Fatalf("the reading client was evicted too:\n%s", a.Screen())
	}
}

// The server reads the keys itself, so it asks the terminal what Bubble
// Tea would have: its background, for light or dark styles.
func TestLightTerminalsGetLightStyles(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members Ann,Ben")
	dark := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code), withBackground(color.Black))
	light := dialTest(t, ts.addr, "ben", newTestKey(t), withCommand("join "+code), withBackground(color.White))
	dark.WaitFor("Here (2)")
	light.WaitFor("Here (2)")
	for _, c := range []*testClient{dark, light} {
		if !strings.Contains(string(c.Raw()), ansi.RequestBackgroundColor) {
			t.Errorf("%s's terminal was not asked for its background", c.user)
		}
	}
	waitStylesDiffer(t, dark, light)
}

// waitStylesDiffer waits until the title ("huddle" in the header) has a
// colour on the light terminal other than on the dark one.
func waitStylesDiffer(t *testing.T, dark, light *testClient) {
	t.Helper()
	title := func(c *testClient) color.Color {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.emu.CellAt(1, 0).Style.Fg
	}
	deadline := time.Now().Add(testClientHangGuard)
	for colorsEqual(title(dark), title(light)) {
		if time.Now().After(deadline) {
			t.Fatalf("the title has the same colour on a dark and a light terminal: %v", title(dark))
		}
		time.Sleep(testClientPoll)
	}
}

func colorsEqual(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// waitSessions waits until the server serves n SSH sessions: a session's
// count drops only after its leave has been published.
func waitSessions(t *testing.T, ts *testServer, n int64) {
	t.Helper()
	deadline := time.Now().Add(testClientHangGuard)
	for ts.srv.sessions.Load() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d SSH sessions open, want %d", ts.srv.sessions.Load(), n)
		}
		time.Sleep(testClientPoll)
	}
}

// Keepalives in flight when clients leave, politely or not, and when the
// server shuts down, leave no goroutine behind.
func TestKeepalivesLeaveNothingBehind(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	ts := startServer(t, t.TempDir(), func(c *Config) { c.StallTimeout = 300 * time.Millisecond })
	code := ts.newStandupCode("--team t --members Ann")
	var clients []*testClient
	for i := range 6 {
		c := dialTest(t, ts.addr, fmt.Sprintf("p%d", i), newTestKey(t), withCommand("join "+code))
		c.WaitFor("waiting room")
		clients = append(clients, c)
	}
	time.Sleep(250 * time.Millisecond) // keepalives asked every 100ms
	for i, c := range clients {
		switch i % 3 {
		case 0:
			c.Press("q")
			c.WaitForExit()
		case 1:
			c.StopSocket() // its keepalive goes unanswered until the shutdown
		}
		if i%3 != 1 {
			c.Close()
		}
	}
	ts.stop()
	for _, c := range clients {
		c.Close()
	}
	// The test's own clients (newStandupCode's too) and Bubble Tea's clock
	// ticks, which end within a second, may still be winding down.
	for deadline := time.Now().Add(testClientHangGuard); goleak.Find(ignore,
		goleak.IgnoreTopFunction("huddle/sshserver.(*testClient).forwardReplies"),
		goleak.IgnoreAnyFunction("huddle/sshserver.(*testClient).readReplies")) != nil && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	goleak.VerifyNone(t, ignore,
		goleak.IgnoreTopFunction("huddle/sshserver.(*testClient).forwardReplies"),
		goleak.IgnoreAnyFunction("huddle/sshserver.(*testClient).readReplies"))
}

// Keys faster than anyone types wait their turn: at most keyBurst at once
// and keysPerSecond after, so that one client cannot make the server
// redraw its screen thousands of times a second. None is lost.
func TestKeysFasterThanTypingWait(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members Ann")
	a := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code), withSize(400, 30))
	a.WaitFor("waiting room")
	a.Press("p")
	a.WaitFor("Park a topic")
	const n = 270
	text := strings.Repeat("k", n-1) + "Z"
	start := time.Now()
	a.Type(text)
	time.Sleep(200 * time.Millisecond)
	got := strings.Count(a.Screen(), "k")
	elapsed := time.Since(start)
	if most := keyBurst + int(keysPerSecond*elapsed.Seconds()) + 10; got > most {
		t.Errorf("%d keys taken %v after they were sent, more than the %d the limit allows", got, elapsed, most)
	}
	// All of them, in the end: the limit lets the last through after about
	// 4 s, which a loaded machine stretches past the usual hang guard.
	all := strings.Repeat("k", n-1) + "Z"
	a.waitScreenWithin(4*testClientHangGuard, func(scr string) string {
		if !strings.Contains(scr, all) {
			return "not every key typed arrived"
		}
		return ""
	})
}

// The lobby has an idle timeout of its own: keepalive replies, which the
// SSH library counts as activity, do not keep an idle lobby open.
func TestIdleLobbyIsDisconnected(t *testing.T) {
	clock := session.NewFakeClock(time.Now())
	ts := startServer(t, t.TempDir(), func(c *Config) {
		c.Clock, c.IdleTimeout = clock, time.Minute
		c.StallTimeout = time.Second // keepalives every third of a second
	})
	a := dialTest(t, ts.addr, "ann", newTestKey(t))
	a.WaitFor("new session")
	clock.Advance(50 * time.Second)
	a.Press("n") // a key keeps the lobby; its form shows it was taken
	a.WaitFor("A new stand-up or retrospective")
	clock.Advance(30 * time.Second) // 80 s in all, 30 s since the key
	time.Sleep(300 * time.Millisecond)
	if _, ended := a.Exited(); ended {
		t.Fatal("the lobby ended 30s after a key press")
	}
	clock.Advance(31 * time.Second)
	a.WaitFor("disconnected after 1m0s without a key press")
}

// A light terminal that enters a session from the lobby keeps light
// styles: the answer the lobby had is passed on.
func TestLightTerminalKeepsLightStylesFromTheLobby(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members Ann,Ben")
	dark := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code), withBackground(color.Black))
	dark.WaitFor("Here (1)")
	key := newTestKey(t)
	first := dialTest(t, ts.addr, "ben", key, withCommand("join "+code)) // the team is Ben's now
	first.WaitFor("Here (2)")
	first.Press("q")
	first.WaitForExit()
	light := dialTest(t, ts.addr, "ben", key, withBackground(color.White))
	light.WaitFor("t stand-up")
	light.Press("enter")
	light.WaitFor("Here (2)")
	waitStylesDiffer(t, dark, light)
}
