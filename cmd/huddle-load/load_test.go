package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/session"
)

// The generator against the real server: every round's marker reaches
// every other participant, and the report has the figures it promises.
func TestLoadAgainstHuddleServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs huddle serve")
	}
	bin := filepath.Join(t.TempDir(), "huddle")
	if out, err := exec.Command("go", "build", "-o", bin, "../huddle").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cfg := config{spawn: bin, n: 6, r: 2, rounds: 4, stalled: 1, flooders: 1, pause: 10 * time.Millisecond,
		timeout: 10 * time.Second, perSource: 2, width: 80, height: 24, stall: time.Second, idle: 300 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.connected != cfg.n+cfg.stalled+cfg.flooders {
		t.Errorf("connected %d, want %d", rep.connected, cfg.n+cfg.stalled+cfg.flooders)
	}
	// The server's default: 3 actions a second after a burst of 10.
	if most := 10 + int(3*rep.roundsWall.Seconds()) + 2; rep.floodTaken <= 0 || rep.floodTaken > most || rep.flooded.Load() <= int64(most) {
		t.Errorf("the flooder sent %d topics and the room parked %d in %v; want some, at most %d", rep.flooded.Load(), rep.floodTaken, rep.roundsWall, most)
	}
	// Two sessions of three: each round, two others see the marker.
	if want := cfg.r * cfg.rounds * 2; len(rep.deliveries) != want || rep.missed != 0 || len(rep.errors) != 0 {
		t.Errorf("%d deliveries, %d missed, errors %v; want %d, none, none", len(rep.deliveries), rep.missed, rep.errors, want)
	}
	if len(rep.rounds) != cfg.r*cfg.rounds {
		t.Errorf("%d complete rounds, want %d", len(rep.rounds), cfg.r*cfg.rounds)
	}
	for _, d := range rep.deliveries {
		if d <= 0 {
			t.Fatalf("a delivery took %v", d)
		}
	}
	// The CPU is counted in clock ticks (10 ms): an idle server may show
	// none in 300 ms, and two cores at most.
	if rep.idleWall < cfg.idle || rep.idleCPU < 0 || rep.idleCPU > 2*rep.idleWall {
		t.Errorf("idle: %v of the server's CPU over %v, want at least %v and between none and two cores", rep.idleCPU, rep.idleWall, cfg.idle)
	}
	if rep.rssBase <= 0 || rep.rssJoined <= rep.rssBase {
		t.Errorf("server memory: %d before, %d after the joins", rep.rssBase, rep.rssJoined)
	}
	if len(rep.stalled) != 1 || !rep.stalled[0].evicted || rep.stalled[0].after < 500*time.Millisecond {
		t.Errorf("stalled participants: %+v; want one, marked away after the server's 1s stall timeout", rep.stalled)
	}
	var out bytes.Buffer
	rep.print(&out, cfg)
	for _, want := range []string{"8 of 8", "16 deliveries", "p99", "per connected participant", "0 marker(s) not seen", "idle           8 participants in 2 running session(s)", "stalled #1     marked away", "the room parked"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(ds, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("percentile of nothing is not 0")
	}
}

func TestOnlyLoopback(t *testing.T) {
	for _, addr := range []string{"10.0.0.1:2222", "example.com:22", "[2001:db8::1]:22", "nonsense"} {
		c := config{addr: addr, n: 4, r: 1, rounds: 1, perSource: 10, width: 80, height: 24}
		if err := c.check(); err == nil {
			t.Errorf("--addr %s accepted", addr)
		}
	}
	c := config{addr: "127.0.0.1:2222", n: 4, r: 1, rounds: 1, perSource: 10, width: 80, height: 24}
	if err := c.check(); err != nil {
		t.Errorf("loopback refused: %v", err)
	}
}

// More rounds than a parking lot holds would time out from the first
// refused topic on: refused at once, with the reason.
func TestRoundsWithinTheParkingLot(t *testing.T) {
	c := config{addr: "127.0.0.1:2222", n: 4, r: 1, rounds: session.MaxTopics, perSource: 10, width: 80, height: 24}
	if err := c.check(); err != nil {
		t.Fatalf("-rounds %d: %v", c.rounds, err)
	}
	c.rounds++
	if err := c.check(); err == nil || !strings.Contains(err.Error(), "parking lot") {
		t.Errorf("-rounds %d: err %v, want the parking lot's limit", c.rounds, err)
	}
	c.addr, c.peer = "", "/bin/true" // the chat server has no parking lot
	if err := c.check(); err != nil {
		t.Errorf("--peer -rounds %d: %v", c.rounds, err)
	}
}

// The peer runs alone: the flags that only mean something for huddle are
// refused with it, rather than silently ignored.
func TestPeerFlags(t *testing.T) {
	base := config{n: 10, r: 1, rounds: 1, perSource: 10, width: 80, height: 24}
	ok := base
	ok.peer = "/bin/true"
	if err := ok.check(); err != nil {
		t.Fatalf("--peer alone: %v", err)
	}
	for _, c := range []func(*config){
		func(c *config) { c.spawn = "huddle" },
		func(c *config) { c.addr = "127.0.0.1:2222" },
		func(c *config) { c.r = 2 },
		func(c *config) { c.stalled = 1 },
	} {
		bad := ok
		c(&bad)
		if err := bad.check(); err == nil || !strings.Contains(err.Error(), "--peer") {
			t.Errorf("%+v: err %v, want one naming --peer", bad, err)
		}
	}
	if err := base.check(); err == nil {
		t.Error("no server at all was accepted")
	}
}

// Several servers: each session's members are spread over them in turn,
// here two proxies in front of one huddle serve, counting who came
// through each; and every participant comes from one address.
func TestLoadSpreadsOverSeveralServers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs huddle serve")
	}
	bin := filepath.Join(t.TempDir(), "huddle")
	if out, err := exec.Command("go", "build", "-o", bin, "../huddle").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cfg := config{spawn: bin, n: 8, r: 2, rounds: 2}
	srv, err := spawn(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	a, b := startProxy(t, srv.addr), startProxy(t, srv.addr)
	cfg = config{addr: a.addr + "," + b.addr, pidList: fmt.Sprint(srv.cmd.Process.Pid), n: 8, r: 2, rounds: 2,
		pause: 10 * time.Millisecond, timeout: 10 * time.Second, perSource: 1000, width: 80, height: 24}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.connected != cfg.n || rep.missed != 0 || len(rep.errors) != 0 {
		t.Fatalf("connected %d of %d, %d missed, errors %v", rep.connected, cfg.n, rep.missed, rep.errors)
	}
	// The sessions are opened through the first; of the 8 members, the
	// first and third of each session join through the first, the
	// second and fourth through the second.
	if got, want := a.count(), 2+4; got != want {
		t.Errorf("%d connections through the first server, want %d", got, want)
	}
	if got, want := b.count(), 4; got != want {
		t.Errorf("%d connections through the second server, want %d", got, want)
	}
	if want := cfg.r * cfg.rounds * 3; len(rep.deliveries) != want || len(rep.rounds) != cfg.r*cfg.rounds {
		t.Errorf("%d deliveries and %d rounds, want %d and %d", len(rep.deliveries), len(rep.rounds), want, cfg.r*cfg.rounds)
	}
	// Each session has two members on each server: whoever parks, two
	// of the three others are on the other server.
	if want := cfg.r * cfg.rounds * 2; len(rep.cross) != want {
		t.Errorf("%d cross-server deliveries, want %d", len(rep.cross), want)
	}
	var out bytes.Buffer
	rep.print(&out, cfg)
	for _, want := range []string{"servers        " + a.addr + ", " + b.addr, "cross-server   8 deliveries", "every participant from one address", "all saw it", "8 of 8"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// proxy forwards loopback connections to a server and counts them.
type proxy struct {
	addr string
	mu   sync.Mutex
	n    int
}

func (p *proxy) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func startProxy(t *testing.T, to string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	p := &proxy{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.n++
			p.mu.Unlock()
			go func() {
				defer c.Close()
				s, err := net.Dial("tcp", to)
				if err != nil {
					return
				}
				defer s.Close()
				go func() { _, _ = io.Copy(s, c); s.Close() }()
				_, _ = io.Copy(c, s)
			}()
		}
	}()
	return p
}

func TestSeveralAddresses(t *testing.T) {
	c := config{addr: "127.0.0.1:2222, 127.0.0.1:2223", pidList: "12,34", n: 6, r: 2, rounds: 1, perSource: 10, width: 80, height: 24}
	if err := c.check(); err != nil {
		t.Fatal(err)
	}
	if len(c.addrs) != 2 || c.addrs[1] != "127.0.0.1:2223" || len(c.pids) != 2 || c.pids[1] != 34 {
		t.Fatalf("addrs %q, pids %v", c.addrs, c.pids)
	}
	var got []string
	for i := range c.n {
		got = append(got, c.node(i))
	}
	want := []string{"127.0.0.1:2222", "127.0.0.1:2222", "127.0.0.1:2223", "127.0.0.1:2223", "127.0.0.1:2222", "127.0.0.1:2222"}
	if !slices.Equal(got, want) {
		t.Errorf("participants go to %q, want %q (each session's members in turn)", got, want)
	}
	for _, bad := range []config{
		{addr: "127.0.0.1:2222,10.0.0.1:2222", n: 4, r: 1, rounds: 1, perSource: 1, width: 80, height: 24},
		{addr: "127.0.0.1:2222", pidList: "12,x", n: 4, r: 1, rounds: 1, perSource: 1, width: 80, height: 24},
	} {
		if err := bad.check(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
