package sshserver

// Disconnect storms: connections come and go in every way a client can end
// (issue 6), and the server keeps neither goroutines nor memory of them.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
	"huddle/session/sqlite"
)

// stormCycles is how many connect/disconnect cycles TestDisconnectStorm
// runs, under the race detector too: on two idle cores 1,000 take about
// 5 s, 13 s with -race.
const stormCycles = 1000

// stormWorkers is how many clients connect and disconnect at once.
const stormWorkers = 4

// stormNames are the participants of the storm: several keys, each
// reconnecting many times, sometimes with two connections at once.
var stormNames = []string{"Ann", "Ben", "Cem", "Dana", "Eli", "Fay"}

// stormWay is one way for a connection to end.
type stormWay int

const (
	wayQuit         stormWay = iota // q: the program quits, the server closes the session
	wayCtrlC                        // ctrl+c, likewise
	wayTypeAhead                    // q with more keys behind it, which the program never reads
	wayFIN                          // the client closes its SSH connection (TCP FIN)
	wayRST                          // the TCP connection is reset (SO_LINGER 0): no goodbye at all
	wayChannel                      // only the session channel is closed; the connection stays
	wayPreHandshake                 // TCP connect, then gone before a byte of SSH
	wayMidHandshake                 // gone after the version exchange, during key exchange
	wayCount
)

var stormWayNames = [wayCount]string{"quit", "ctrl+c", "type-ahead", "fin", "rst", "channel-only", "pre-handshake", "mid-handshake"}

// stormWeights is how often each way is drawn, in percent.
var stormWeights = [wayCount]int{15, 8, 7, 20, 20, 15, 8, 7}

func drawWay(r *rand.Rand) stormWay {
	n := r.IntN(100)
	for w := range wayCount {
		if n < stormWeights[w] {
			return w
		}
		n -= stormWeights[w]
	}
	return wayFIN
}

// scopeTB is a testing.TB whose Cleanup functions run when the scope ends
// rather than when the test does, so that a test client's goroutines end
// before goleak looks. All else goes to the test.
type scopeTB struct {
	testing.TB
	mu  sync.Mutex
	fns []func()
}

func (s *scopeTB) Cleanup(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fns = append(s.fns, f)
}

// end runs the scope's cleanups, last registered first.
func (s *scopeTB) end() {
	s.mu.Lock()
	fns := s.fns
	s.fns = nil
	s.mu.Unlock()
	for _, f := range slices.Backward(fns) {
		f()
	}
}

// leanClient is an SSH connection with a pty, for the storm and the
// monkeys. It is leaner than testClient: it keeps the bytes the server sent
// and checks what was drawn as text (escape sequences stripped) rather
// than emulating a screen, as a vt emulator costs more than the server's
// whole side of a connection (and x/vt v0.1.0 panics when the server draws
// for a taller window than its own, which a monkey's window changes
// cause); it answers no terminal query (a terminal may not). It holds its
// TCP connection, so that a cycle can reset it.
type leanClient struct {
	user string
	nc   net.Conn
	conn *gossh.Client
	sess *gossh.Session
	in   io.Writer

	mu      sync.Mutex
	out     []byte        // everything the server sent
	changed chan struct{} // closed and replaced when out grows

	readerDone chan struct{} // stdout has ended
	exited     chan struct{} // the session has ended
	closeOnce  sync.Once
	wg         sync.WaitGroup
}

// dialLean connects as user with key over a new TCP connection, asks for
// a pty of width×height and runs cmd, or a shell if cmd is "".
func dialLean(addr, user string, key gossh.Signer, cmd string, width, height int) (*leanClient, error) {
	return dialLeanVia(&net.Dialer{}, addr, user, key, cmd, width, height)
}

// dialLeanVia is dialLean with a dialer, e.g. one from another source
// address.
func dialLeanVia(d *net.Dialer, addr, user string, key gossh.Signer, cmd string, width, height int) (*leanClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), testClientHangGuard)
	defer cancel()
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = nc.SetDeadline(time.Now().Add(testClientHangGuard)) // for the handshake
	cc, chans, reqs, err := gossh.NewClientConn(nc, addr, &gossh.ClientConfig{
		User:            user,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		_ = nc.Close()
		return nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	conn := gossh.NewClient(cc, chans, reqs)
	fail := func(err error) (*leanClient, error) {
		_ = conn.Close()
		_ = conn.Wait()
		return nil, err
	}
	sess, err := conn.NewSession()
	if err != nil {
		return fail(err)
	}
	if err := sess.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		return fail(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		return fail(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	if cmd == "" {
		err = sess.Shell()
	} else {
		err = sess.Start(cmd)
	}
	if err != nil {
		return fail(err)
	}
	c := &leanClient{user: user, nc: nc, conn: conn, sess: sess, in: in,
		changed: make(chan struct{}), readerDone: make(chan struct{}), exited: make(chan struct{})}
	c.wg.Add(2)
	go func() {
		defer c.wg.Done()
		defer close(c.readerDone)
		buf := make([]byte, 32*1024)
		for {
			n, err := out.Read(buf)
			if n > 0 {
				c.mu.Lock()
				c.out = append(c.out, buf[:n]...)
				close(c.changed)
				c.changed = make(chan struct{})
				c.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		defer c.wg.Done()
		_ = sess.Wait()
		close(c.exited)
	}()
	return c, nil
}

// raw is every byte the server sent so far.
func (c *leanClient) raw() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.out)
}

// drawn is what the server has drawn so far, as text.
func (c *leanClient) drawn() (string, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ansi.Strip(string(c.out)), c.changed
}

// await waits until the server has drawn every string in want.
func (c *leanClient) await(want ...string) error {
	guard := time.After(testClientHangGuard)
	for {
		ended := false
		select {
		case <-c.readerDone:
			ended = true
		default:
		}
		text, changed := c.drawn()
		missing := ""
		for _, w := range want {
			if !strings.Contains(text, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return nil
		}
		if ended {
			return fmt.Errorf("%s: the output ended without %q:\n%s", c.user, missing, text)
		}
		select {
		case <-changed:
		case <-c.readerDone:
		case <-guard:
			return fmt.Errorf("%s: %q not drawn within %v:\n%s", c.user, missing, testClientHangGuard, text)
		}
	}
}

// awaitExit waits for the session to end.
func (c *leanClient) awaitExit() error {
	select {
	case <-c.exited:
		return nil
	case <-time.After(testClientHangGuard):
		text, _ := c.drawn()
		return fmt.Errorf("%s: the session did not end within %v:\n%s", c.user, testClientHangGuard, text)
	}
}

// close closes the connection (if it is still open) and waits for every
// goroutine of the client.
func (c *leanClient) close() error {
	var err error
	c.closeOnce.Do(func() {
		_ = c.conn.Close()
		done := make(chan struct{})
		go func() {
			c.wg.Wait()
			_ = c.conn.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(testClientHangGuard):
			err = fmt.Errorf("%s: the client's goroutines did not end within %v of closing", c.user, testClientHangGuard)
		}
	})
	return err
}

// openSession runs `new ARGS` as a scheduler would and returns the join
// code. Unlike newStandupCode it closes its client before returning, so no
// goroutine of it outlives the call.
func openSession(tb testing.TB, addr, args string) string {
	tb.Helper()
	if !strings.Contains(args, "--guests") {
		args += " --guests open" // keys that are not the team's join
	}
	scope := &scopeTB{TB: tb}
	defer scope.end()
	c, err := tryDialTest(scope, addr, "scheduler", newTestKey(tb), withoutPty(), withCommand("new "+args))
	if err != nil {
		tb.Fatalf("new %s: %v", args, err)
	}
	if status := c.WaitForExit(); status != 0 {
		tb.Fatalf("new %s exited %d: %s", args, status, c.Stderr())
	}
	first, _, _ := strings.Cut(string(c.Raw()), "\n")
	code := strings.TrimSpace(first)
	if !codeShape.MatchString(code) {
		tb.Fatalf("first line %q is not a join code", first)
	}
	return code
}

// storm drives connect/disconnect cycles against one session.
type storm struct {
	addr string
	code string
	keys []gossh.Signer

	mu     sync.Mutex
	parked []*leanClient // channel-only clients whose connections stay open
	counts [wayCount]int
	took   [wayCount]time.Duration
}

// stormParkedMax bounds the connections kept open after closing only their
// channel; the oldest is closed when another comes.
const stormParkedMax = 8

// cycle connects participant i, waits for the session on its screen and
// ends the connection the given way.
func (s *storm) cycle(way stormWay, i int) (err error) {
	start := time.Now()
	defer func() {
		s.mu.Lock()
		s.counts[way]++
		s.took[way] += time.Since(start)
		s.mu.Unlock()
	}()
	switch way {
	case wayPreHandshake, wayMidHandshake:
		nc, err := net.DialTimeout("tcp", s.addr, testClientHangGuard)
		if err != nil {
			return err
		}
		defer nc.Close()
		if way == wayPreHandshake {
			return nil
		}
		if _, err := io.WriteString(nc, "SSH-2.0-storm\r\n"); err != nil {
			return err
		}
		_ = nc.SetReadDeadline(time.Now().Add(testClientHangGuard))
		if _, err := io.ReadAtLeast(nc, make([]byte, 64), 8); err != nil { // the server's version line
			return fmt.Errorf("no version from the server: %w", err)
		}
		return nil
	}
	c, err := dialLean(s.addr, strings.ToLower(stormNames[i]), s.keys[i], "join "+s.code, 80, 24)
	if err != nil {
		return err
	}
	keep := false
	defer func() {
		if !keep {
			err = errors.Join(err, c.close())
		}
	}()
	if err := c.await("waiting room", stormNames[i]); err != nil {
		return err
	}
	switch way {
	case wayQuit, wayCtrlC, wayTypeAhead:
		key := "q"
		switch way {
		case wayCtrlC:
			key = "\x03"
		case wayTypeAhead:
			key = "q" + strings.Repeat("?", 200)
		}
		if _, err := c.in.Write([]byte(key)); err != nil {
			return err
		}
		return c.awaitExit()
	case wayFIN:
		return c.close()
	case wayRST:
		if tc, ok := c.nc.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		return c.nc.Close()
	case wayChannel:
		_ = c.sess.Close()
		keep = true
		s.mu.Lock()
		s.parked = append(s.parked, c)
		var oldest *leanClient
		if len(s.parked) > stormParkedMax {
			oldest, s.parked = s.parked[0], s.parked[1:]
		}
		s.mu.Unlock()
		if oldest != nil {
			return oldest.close()
		}
	}
	return nil
}

// closeParked closes the connections kept open after a channel-only close.
func (s *storm) closeParked() error {
	s.mu.Lock()
	parked := s.parked
	s.parked = nil
	s.mu.Unlock()
	var errs []error
	for _, c := range parked {
		errs = append(errs, c.close())
	}
	return errors.Join(errs...)
}

// run runs n cycles on stormWorkers goroutines, each with its own seeded
// random source, and returns the first errors.
func (s *storm) run(n int, seed uint64) []error {
	var (
		next   atomic.Int64
		failed atomic.Int64
		mu     sync.Mutex
		errs   []error
		wg     sync.WaitGroup
	)
	for w := range stormWorkers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			for next.Add(1) <= int64(n) && failed.Load() < 5 {
				way, i := drawWay(r), r.IntN(len(s.keys))
				if err := s.cycle(way, i); err != nil {
					failed.Add(1)
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s as %s: %w", stormWayNames[way], stormNames[i], err))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return errs
}

// heapFigures is the heap after two collections.
func heapFigures() (inuse, alloc uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse, ms.HeapAlloc
}

// steadyGoroutines waits until the number of goroutines has stopped
// changing and returns it. Steady means for 1.2 s: an ended program's
// pending clock tick (a tea.Tick of a second, which nothing cancels) keeps
// two goroutines for up to a second after it.
func steadyGoroutines() int {
	deadline := time.Now().Add(testClientHangGuard)
	n, same := runtime.NumGoroutine(), 0
	for same < 24 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		if m := runtime.NumGoroutine(); m == n {
			same++
		} else {
			n, same = m, 0
		}
	}
	return n
}

// cpuTime is the CPU time this process has used, user and system, from
// /proc (0 where there is none: the figure is only logged).
func cpuTime() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// After the command name in parentheses: state is field 3, utime and
	// stime (in ticks of 1/100 s on Linux) fields 14 and 15.
	_, rest, ok := strings.Cut(string(b), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// settleGoroutines waits until no more than want goroutines run and
// returns how many do.
func settleGoroutines(want int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// storedState folds a session's stored events.
func storedState(tb testing.TB, st session.Store, code string) *session.State {
	tb.Helper()
	ctx := context.Background()
	info, err := st.SessionByCode(ctx, code)
	if err != nil {
		tb.Fatal(err)
	}
	events, err := st.Events(ctx, info.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return session.Fold(info.ID, events)
}

// presentNames lists who the state shows as here.
func presentNames(s *session.State) []string {
	var out []string
	for _, p := range s.Participants {
		if p.Present {
			out = append(out, p.Name)
		}
	}
	return out
}

const mib = 1 << 20

// TestDisconnectStorm runs connect/disconnect cycles of a stand-up's
// participants, ending them every way a connection can end, a few at a
// time and with the same participants reconnecting, then shows that the
// server kept nothing of them: no goroutine (goleak, after a shutdown),
// nobody left present, no duplicate participant, and the heap back near
// where it was. The test server allows any connection rate and 1000
// connections per address: the storm comes from one address on purpose.
func TestDisconnectStorm(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	start := time.Now()
	ts := startServer(t, t.TempDir(), func(c *Config) {
		c.Logger = log.New(io.Discard) // a line per connection is not what this measures
		c.ConnectRate, c.ConnectBurst = 1e6, 1e6
		c.KeyConnectRate, c.KeyConnectBurst = 1e6, 1e6
		c.ConnsPerAddress = 1000
		c.MaxSessions = 1000
	})
	code := openSession(t, ts.addr, "standup --team storm --members "+strings.Join(stormNames, ","))
	s := &storm{addr: ts.addr, code: code}
	for range stormNames {
		s.keys = append(s.keys, newTestKey(t))
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)

	// Warm up: the first connections load what stays loaded (styles,
	// the room, the store's caches).
	for i := range 2 * len(stormNames) {
		if err := s.cycle(wayFIN, i%len(stormNames)); err != nil {
			t.Fatal(err)
		}
	}
	g0 := steadyGoroutines() // the warm-up's handlers have finished
	inuse0, alloc0 := heapFigures()

	stormStart, cpu0 := time.Now(), cpuTime()
	errs := s.run(stormCycles, seed)
	for _, err := range errs {
		t.Error(err)
	}
	if len(errs) > 0 {
		_ = s.closeParked()
		t.FailNow()
	}
	elapsed, cpu := time.Since(stormStart), cpuTime()-cpu0

	// Only channel-only clients still hold connections: the server must
	// end those sessions on the channel's close alone.
	deadline := time.Now().Add(testClientHangGuard)
	for here := presentNames(storedState(t, ts.store, code)); len(here) > 0; here = presentNames(storedState(t, ts.store, code)) {
		if time.Now().After(deadline) {
			_ = s.closeParked()
			t.Fatalf("with only channel-closed connections open, still present: %v", here)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.closeParked(); err != nil {
		t.Error(err)
	}

	g1 := settleGoroutines(g0, testClientHangGuard)
	inuse1, alloc1 := heapFigures()
	t.Logf("%d cycles in %v (%v per cycle, %d at a time; CPU of both ends %v, %v per cycle): %v", stormCycles, elapsed.Round(time.Millisecond),
		(elapsed / stormCycles).Round(10*time.Microsecond), stormWorkers, cpu.Round(time.Millisecond), (cpu / stormCycles).Round(10*time.Microsecond), s.wayCounts())
	t.Logf("goroutines: %d before, %d after (%+d)", g0, g1, g1-g0)
	t.Logf("heap in use: %.1f MiB before, %.1f MiB after (%+.1f MiB); heap alloc: %.1f MiB before, %.1f MiB after (%+.1f MiB)",
		float64(inuse0)/mib, float64(inuse1)/mib, (float64(inuse1)-float64(inuse0))/mib,
		float64(alloc0)/mib, float64(alloc1)/mib, (float64(alloc1)-float64(alloc0))/mib)
	if g1 > g0 {
		var b strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
		t.Errorf("%d goroutines left after the storm:\n%s", g1-g0, b.String())
	}
	const bound = 16 * mib
	if int64(inuse1)-int64(inuse0) > bound || int64(alloc1)-int64(alloc0) > bound {
		t.Errorf("the heap grew by more than %d MiB over the storm", bound/mib)
	}

	st := storedState(t, ts.store, code)
	if here := presentNames(st); len(here) > 0 {
		t.Errorf("still present after everyone left: %v", here)
	}
	var keyed []string
	for _, p := range st.Participants {
		if p.Key != "" {
			keyed = append(keyed, p.Name)
		}
	}
	if len(keyed) != len(stormNames) {
		t.Errorf("participants with a key: %v; want one each of %v", keyed, stormNames)
	}
	if st.Facilitator == "" || strings.Count(fmt.Sprint(roles(st)), "facilitator") != 1 {
		t.Errorf("facilitators after the storm: %v", roles(st))
	}
	if room, ok := ts.srv.hub.Live(st.ID); ok {
		if live := room.Snapshot().State; live.Seq != st.Seq || !slices.Equal(presentNames(live), presentNames(st)) {
			t.Errorf("the live room (seq %d, here %v) is not the stored session (seq %d, here %v)", live.Seq, presentNames(live), st.Seq, presentNames(st))
		}
	}

	ts.stop()
	inuse2, alloc2 := heapFigures()
	t.Logf("after shutdown: heap in use %.1f MiB, heap alloc %.1f MiB, %d goroutines", float64(inuse2)/mib, float64(alloc2)/mib, runtime.NumGoroutine())
	deadline = time.Now().Add(testClientHangGuard)
	for goleak.Find(ignore) != nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	goleak.VerifyNone(t, ignore)
	t.Logf("whole test: %v", time.Since(start).Round(time.Millisecond))
}

func (s *storm) wayCounts() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var parts []string
	for w := range wayCount {
		if n := s.counts[w]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d (%v each)", stormWayNames[w], n, (s.took[w]/time.Duration(n)).Round(100*time.Microsecond)))
		}
	}
	return strings.Join(parts, ", ")
}

// roles lists each participant's role.
func roles(s *session.State) []string {
	var out []string
	for _, p := range s.Participants {
		out = append(out, p.Name+":"+p.Role.String())
	}
	return out
}

// BenchmarkConnectDisconnect is one participant joining a stand-up with a
// pty, seeing its screen and leaving: closing the connection (fin),
// pressing q (quit), or pressing q with more keys behind it (type-ahead).
// ns/op and B/op cover both ends, as the client runs in the same process
// (a lean one: no screen emulation); goroutines-left is how many more
// goroutines run than before the loop once every handler has finished.
func BenchmarkConnectDisconnect(b *testing.B) {
	addr := startBenchServer(b)
	code := openSession(b, addr, "standup --team bench --members Ann,Ben")
	s := &storm{addr: addr, code: code, keys: []gossh.Signer{newTestKey(b), newTestKey(b)}}
	for i := range 4 { // warm up
		if err := s.cycle(wayFIN, i%2); err != nil {
			b.Fatal(err)
		}
	}
	for _, way := range []stormWay{wayFIN, wayQuit, wayTypeAhead} {
		b.Run(stormWayNames[way], func(b *testing.B) {
			g0 := steadyGoroutines()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := s.cycle(way, i%2); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.StopTimer()
			g1 := settleGoroutines(g0, testClientHangGuard)
			b.ReportMetric(float64(g1-g0), "goroutines-left")
		})
	}
}

// startBenchServer is startServer for a benchmark: a quiet server that
// allows any connection rate from one address.
func startBenchServer(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "huddle.db"))
	if err != nil {
		b.Fatal(err)
	}
	hostKey, err := EnsureHostKey(filepath.Join(dir, "host_ed25519"))
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{HostKey: hostKey, Logger: log.New(io.Discard), ConnectRate: 1e6, ConnectBurst: 1e6, KeyConnectRate: 1e6, KeyConnectBurst: 1e6,
		ConnsPerAddress: 1000, MaxSessions: 1000}, st)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			b.Logf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			b.Logf("serve: %v", err)
		}
		st.Close()
	})
	return ln.Addr().String()
}
