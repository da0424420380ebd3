package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"huddle/internal/procstat"
)

// room is one session under load.
type room struct {
	code    string // empty: a chat server's one room (see peer.go)
	park    string // what a member types before a marker: huddle's park key
	members []*participant
	current atomic.Pointer[round]
}

// round is one marker on its way to every other member of a room.
type round struct {
	id     int
	marker string
	sender *participant
	t0     time.Time // when the key that parks it was sent
	want   int       // members who should see it

	mu    sync.Mutex
	lat   []time.Duration
	cross []time.Duration // of lat, those of members on another server than the sender's
	done  chan struct{}
}

func (rd *round) saw(at time.Time, cross bool) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	rd.lat = append(rd.lat, at.Sub(rd.t0))
	if cross {
		rd.cross = append(rd.cross, at.Sub(rd.t0))
	}
	if len(rd.lat) == rd.want {
		close(rd.done)
	}
}

func (rd *round) results() (lat, cross []time.Duration) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	return append([]time.Duration(nil), rd.lat...), append([]time.Duration(nil), rd.cross...)
}

// report is what a run measured.
type report struct {
	mu          sync.Mutex
	deliveries  []time.Duration // one per participant per round
	cross       []time.Duration // of them, to members on another server than the sender's
	rounds      []time.Duration // per round: until the last participant saw it
	connects    []time.Duration // per participant: dial to the session on screen
	connectWall time.Duration   // all participants connected
	errors      map[string]int
	missed      int // markers never seen within the timeout

	stallWait                  time.Duration // how long stalled participants were watched
	rssBase, rssJoined, rssEnd int64         // server VmRSS, bytes
	hwm                        int64
	roundsWall                 time.Duration // the rounds, start to end
	serverCPU, loadCPU         time.Duration // CPU time used during the rounds
	idleCPU, idleWall          time.Duration // the server's CPU while all sat idle (-idle)
	connected                  int
	stalled                    []stalledResult
	flooded                    atomic.Int64 // topics the flooders sent
	floodTaken                 int          // of them, parked by the room
	elapsed                    time.Duration
}

type stalledResult struct {
	evicted bool
	after   time.Duration
}

func (r *report) fail(kind string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.errors == nil {
		r.errors = map[string]int{}
	}
	r.errors[kind+": "+shortErr(err)]++
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// source is the loopback address participant i connects from: the server
// limits connections per address, as it should.
func source(addr string, i, per int) net.IP {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); ip == nil || ip.To4() == nil {
		return nil
	}
	n := 10 + i/per
	return net.IPv4(127, 0, byte(n/250), byte(n%250+1))
}

// node is the server participant i connects to: the members of each
// session in turn over the servers (participant i is member i/r of
// session i%r), so that every session spans them all.
func (c *config) node(i int) string {
	return c.addrs[(i/c.r)%len(c.addrs)]
}

// rss adds up the servers' resident memory (and peaks); 0 for none.
func rss(pids []int) (cur, hwm int64) {
	for _, pid := range pids {
		c, h := procstat.RSS(pid)
		cur, hwm = cur+c, hwm+h
	}
	return cur, hwm
}

// cpuTime adds up the servers' CPU time.
func cpuTime(pids []int) time.Duration {
	var d time.Duration
	for _, pid := range pids {
		d += procstat.CPUTime(pid)
	}
	return d
}

func run(ctx context.Context, cfg config) (*report, error) {
	rep := &report{}
	start := time.Now()
	defer func() { rep.elapsed = time.Since(start) }()
	if cfg.spawn != "" {
		srv, err := spawn(cfg)
		if err != nil {
			return nil, err
		}
		defer srv.stop()
		cfg.addrs, cfg.pids = []string{srv.addr}, []int{srv.cmd.Process.Pid}
	}
	t := cfg.timeout

	// Sessions, opened as a scheduler would.
	rooms := make([]*room, cfg.r)
	for i := range rooms {
		key, err := newKey()
		if err != nil {
			return nil, err
		}
		src := net.IPv4(127, 1, byte(i/250), byte(i%250+1))
		if source(cfg.addrs[0], 0, 1) == nil {
			src = nil
		}
		out, err := command(cfg.addrs[0], src, key, fmt.Sprintf("new standup --team load-%s-%d --turn 60m --timebox 120m --guests open --facilitator p%04d", randWord(4), i, i), t)
		if err != nil {
			return nil, fmt.Errorf("opening session %d: %w", i+1, err)
		}
		code, _, _ := strings.Cut(out, "\n")
		rooms[i] = &room{code: strings.TrimSpace(code), park: "p"}
	}
	time.Sleep(200 * time.Millisecond) // let the server settle before the baseline
	rep.rssBase, _ = rss(cfg.pids)

	// The first member of each room joins first and facilitates.
	var all []*participant
	defer func() {
		for _, p := range all {
			p.close()
		}
	}()
	var allMu sync.Mutex
	joinOne := func(i int, r *room, wait string) (*participant, error) {
		began := time.Now()
		addr := cfg.node(i)
		p, err := join(addr, source(addr, i, cfg.perSource), fmt.Sprintf("p%04d", i), r, [2]int{cfg.width, cfg.height}, t)
		if err != nil {
			rep.fail("connect", err)
			return nil, err
		}
		allMu.Lock()
		all = append(all, p)
		allMu.Unlock()
		if err := p.waitFor(wait, t); err != nil {
			rep.fail("join", err)
			return nil, err
		}
		rep.mu.Lock()
		rep.connects = append(rep.connects, time.Since(began))
		rep.connected++
		rep.mu.Unlock()
		return p, nil
	}
	joinStart := time.Now()
	for i, r := range rooms {
		p, err := joinOne(i, r, "facilitator")
		if err != nil {
			return rep, fmt.Errorf("the first participant of session %d: %w", i+1, err)
		}
		p.member.Store(true)
		r.members = append(r.members, p)
	}
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := cfg.r; i < cfg.n; i++ {
		if ctx.Err() != nil {
			break
		}
		r := rooms[i%cfg.r]
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if p, err := joinOne(i, r, "waiting room"); err == nil {
				p.member.Store(true)
				mu.Lock()
				r.members = append(r.members, p)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rep.connectWall = time.Since(joinStart)

	// Start every stand-up.
	for i, r := range rooms {
		if err := r.members[0].send([]byte("n")); err != nil {
			return rep, err
		}
		if err := r.members[0].waitFor("Turn 1", t); err != nil {
			return rep, fmt.Errorf("session %d did not start: %w", i+1, err)
		}
	}
	if cfg.idle > 0 {
		// Everyone in, every stand-up's countdowns ticking, nobody typing.
		cpu0, wall0 := cpuTime(cfg.pids), time.Now()
		select {
		case <-time.After(cfg.idle):
		case <-ctx.Done():
		}
		rep.idleCPU, rep.idleWall = cpuTime(cfg.pids)-cpu0, time.Since(wall0)
	}

	// Stalled participants: in, then never read again.
	var stalled []*participant
	for j := range cfg.stalled {
		p, err := joinOne(cfg.n+j, rooms[0], "Turn 1")
		if err != nil {
			continue
		}
		stalled = append(stalled, p)
	}
	stallStart := time.Now()
	evicted := make([]atomic.Int64, len(stalled)) // nanoseconds after stallStart, 0 while held
	for _, p := range stalled {
		p.stall()
	}
	stopProbe := make(chan struct{})
	var probes sync.WaitGroup
	for k, p := range stalled {
		probes.Add(1)
		go func() {
			defer probes.Done()
			tick := time.NewTicker(250 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stopProbe:
					return
				case <-tick.C:
					// The server's word: the room shows them away.
					if strings.Contains(rooms[0].members[0].screen(), p.name+" (away)") {
						evicted[k].Store(int64(time.Since(stallStart)))
						return
					}
				}
			}
		}()
	}

	// Flooders: in, then parking topics as fast as they can type.
	var flooders []*participant
	for j := range cfg.flooders {
		p, err := joinOne(cfg.n+cfg.stalled+j, rooms[0], "Turn 1")
		if err != nil {
			continue
		}
		flooders = append(flooders, p)
	}
	rep.rssJoined, _ = rss(cfg.pids) // everyone is in
	stopFlood := make(chan struct{})
	var floods sync.WaitGroup
	for _, p := range flooders {
		floods.Add(1)
		go func() {
			defer floods.Done()
			for i := 0; ; i++ {
				select {
				case <-stopFlood:
					return
				case <-time.After(5 * time.Millisecond):
				}
				if p.send([]byte("pflood"+strconv.Itoa(i)+"\r")) != nil {
					return
				}
				rep.flooded.Add(1)
			}
		}()
	}

	// Rounds, all sessions at once.
	cpuServer0, cpuLoad0, roundsStart := cpuTime(cfg.pids), procstat.OwnCPU(), time.Now()
	for _, r := range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.rounds(ctx, cfg, rep)
		}()
	}
	wg.Wait()
	close(stopFlood)
	floods.Wait()
	if len(flooders) > 0 {
		// What the room took from them: its parking lot, less the rounds'.
		time.Sleep(time.Second)
		if m := parkedCount.FindStringSubmatch(rooms[0].members[0].screen()); m != nil {
			n, _ := strconv.Atoi(m[1])
			rep.floodTaken = n - cfg.rounds
		}
	}
	rep.roundsWall = time.Since(roundsStart)
	rep.serverCPU, rep.loadCPU = cpuTime(cfg.pids)-cpuServer0, procstat.OwnCPU()-cpuLoad0
	// Give the server its stall timeout, a keepalive interval and a little
	// more to find the stalled participants out.
	stall := cfg.stall
	if stall <= 0 {
		stall = 15 * time.Second // huddle serve's default
	}
	rep.stallWait = stall*4/3 + 3*time.Second
	probesDone := make(chan struct{})
	go func() { probes.Wait(); close(probesDone) }()
	select {
	case <-probesDone:
	case <-time.After(time.Until(stallStart.Add(rep.stallWait))):
	case <-ctx.Done():
	}
	close(stopProbe)
	probes.Wait()
	for k := range stalled {
		ns := evicted[k].Load()
		rep.stalled = append(rep.stalled, stalledResult{evicted: ns > 0, after: time.Duration(ns)})
	}
	rep.rssEnd, rep.hwm = rss(cfg.pids)
	return rep, ctx.Err()
}

// rounds runs the room's rounds: the members take turns parking a topic
// with a fresh marker, and every other member's screen must show it.
func (r *room) rounds(ctx context.Context, cfg config, rep *report) {
	if len(r.members) < 2 {
		rep.fail("rounds", fmt.Errorf("a session with %d member(s) joined has nobody to see a topic", len(r.members)))
		return
	}
	for i := 1; i <= cfg.rounds && ctx.Err() == nil; i++ {
		sender := r.members[i%len(r.members)]
		marker := "mk" + strconv.Itoa(i) + randWord(6)
		want := len(r.members) - 1
		if err := sender.send([]byte(r.park + marker)); err != nil {
			rep.fail("send", err)
			rep.record(nil, want, cfg.timeout)
			continue
		}
		// The prompt echoes on the sender's screen only; wait for it so
		// that the time counts from the key that parks the topic.
		if err := sender.waitFor(marker, cfg.timeout); err != nil {
			rep.fail("prompt", err)
			rep.record(nil, want, cfg.timeout)
			_ = sender.send([]byte("\x1b"))
			continue
		}
		rd := &round{id: i, marker: marker, sender: sender, want: want, done: make(chan struct{}), t0: time.Now()}
		r.current.Store(rd)
		if err := sender.send([]byte("\r")); err != nil {
			rep.fail("send", err)
		}
		select {
		case <-rd.done:
		case <-time.After(cfg.timeout):
		case <-ctx.Done():
			r.current.Store(nil)
			return // cut short, not waited out: not counted
		}
		r.current.Store(nil)
		lat, cross := rd.results()
		rep.record(lat, want, cfg.timeout)
		rep.mu.Lock()
		rep.cross = append(rep.cross, cross...)
		rep.mu.Unlock()
		time.Sleep(cfg.pause)
	}
}

// record adds a round's deliveries; those of the want not seen count at
// the timeout, so that the figures never look better for what was lost.
func (r *report) record(lat []time.Duration, want int, timeout time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deliveries = append(r.deliveries, lat...)
	if len(lat) == want {
		r.rounds = append(r.rounds, maxOf(lat))
		return
	}
	r.missed += want - len(lat)
	for range want - len(lat) {
		r.deliveries = append(r.deliveries, timeout)
	}
	r.rounds = append(r.rounds, timeout)
}

func maxOf(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func randWord(n int) string {
	const letters = "abcdefghjkmnpqrstuvwxyz"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// parkedCount finds the size of the parking lot on a screen.
var parkedCount = regexp.MustCompile(`Parking lot \((\d+)\)`)

// server is a huddle serve the generator started.
type server struct {
	cmd  *exec.Cmd
	addr string
	dir  string
}

func spawn(cfg config) (*server, error) {
	dir, err := os.MkdirTemp("", "huddle-load-")
	if err != nil {
		return nil, err
	}
	return startServer(dir, "serve.log", func(addr string) *exec.Cmd {
		cmd := exec.Command(cfg.spawn, "serve", "--listen", addr, "--data-dir", dir,
			"--max-sessions", strconv.Itoa(cfg.n+cfg.stalled+cfg.flooders+cfg.r+20))
		if cfg.stall > 0 {
			cmd.Args = append(cmd.Args, "--stall-timeout", cfg.stall.String())
		}
		return cmd
	})
}

// startServer starts the server command makes for a free loopback
// address, its output in dir/logName, and waits until it accepts
// connections.
func startServer(dir, logName string, command func(addr string) *exec.Cmd) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(dir, logName))
	if err != nil {
		return nil, err
	}
	cmd := command(addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	s := &server{cmd: cmd, addr: addr, dir: dir}
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s did not listen on %s (see its log in %s)", filepath.Base(cmd.Path), addr, dir)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	_ = os.RemoveAll(s.dir)
}
