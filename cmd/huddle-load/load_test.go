package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		timeout: 10 * time.Second, perSource: 2, width: 80, height: 24, stall: time.Second}
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
	if rep.rssBase <= 0 || rep.rssJoined <= rep.rssBase {
		t.Errorf("server memory: %d before, %d after the joins", rep.rssBase, rep.rssJoined)
	}
	if len(rep.stalled) != 1 || !rep.stalled[0].evicted || rep.stalled[0].after < 500*time.Millisecond {
		t.Errorf("stalled participants: %+v; want one, marked away after the server's 1s stall timeout", rep.stalled)
	}
	var out bytes.Buffer
	rep.print(&out, cfg)
	for _, want := range []string{"8 of 8", "16 deliveries", "p99", "per connected participant", "0 marker(s) not seen", "stalled #1     marked away", "the room parked"} {
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
