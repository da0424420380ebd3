// Command huddle-load is huddle's load generator: N simulated participants,
// each a real SSH client with its own ed25519 key and a 120×40 pty, join R
// stand-ups on a running `huddle serve` on the loopback interface. In
// rounds, one participant of each session (in turn) parks a topic carrying
// a unique marker; the generator measures the time until every other
// participant's screen (rebuilt by a terminal emulator) shows it: until
// the emulator has taken the marker's bytes, and for one participant in
// eight until its whole screen, read as text, shows the marker (reading
// every screen after every chunk would cost the generator, on the
// server's cores, far more than a terminal's drawing does).
// Every participant has a 120×40 terminal unless -width and -height say
// otherwise.
//
// With several addresses (-addr A,B), the members of each session are
// spread over them in turn (the first of each on the first), as behind a
// load balancer in front of several nodes sharing one database; the
// report is the same, with the deliveries to members on another server
// than the sender's apart ("cross-server"), and -pid may list each node's
// process to add up their memory and CPU.
//
// It reports the fan-out latency (p50/p95/p99/max per delivery, and the
// time until the last participant of a round saw the marker), the
// connection set-up rate, errors, and the server's resident memory per
// connected participant from /proc/PID/status. With --stalled, extra
// participants join the first session and then stop reading their TCP
// socket, like suspended laptops; the report says whether and when the
// server closed their connections (the room then shows them away). With
// --flooders, extra participants of the first session park topics as fast
// as they can type during the rounds; the server should slow them down
// and the others should hardly notice.
//
//	go build -o huddle ./cmd/huddle
//	go run ./cmd/huddle-load --spawn ./huddle -n 200 -r 1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"huddle/session"
)

type config struct {
	addr      string   // as given: one address or several, comma-separated
	addrs     []string // the servers, parsed from addr (or the spawned one)
	spawn     string
	peer      string
	pidList   string
	pids      []int
	n, r      int
	rounds    int
	stalled   int
	flooders  int
	pause     time.Duration
	timeout   time.Duration
	duration  time.Duration
	perSource int
	width     int
	height    int
	stall     time.Duration
	idle      time.Duration

	cpuProfile string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.addr, "addr", "", "address of a running huddle serve (loopback only), e.g. 127.0.0.1:2222; several, comma-separated, spread each session's members over them in turn")
	flag.StringVar(&cfg.spawn, "spawn", "", "path of a huddle binary to start (huddle serve on a free loopback port, in a temporary data directory) instead of --addr")
	flag.StringVar(&cfg.peer, "peer", "", "path of a chat server binary over SSH (shazow's ssh-chat) to measure instead of huddle, with the same clients and clock: its one room holds all -n participants, who take turns typing a line")
	flag.StringVar(&cfg.pidList, "pid", "", "process id of the server at --addr, for its memory and CPU; several, comma-separated, are added up (with --spawn it is known)")
	flag.IntVar(&cfg.n, "n", 50, "participants")
	flag.IntVar(&cfg.r, "r", 1, "sessions the participants are spread over")
	flag.IntVar(&cfg.rounds, "rounds", 50, "rounds per session: one topic parked and seen by all")
	flag.IntVar(&cfg.stalled, "stalled", 0, "extra participants in the first session that stop reading their socket once joined")
	flag.IntVar(&cfg.flooders, "flooders", 0, "extra participants in the first session that park topics as fast as they can (every 5ms) during the rounds")
	flag.DurationVar(&cfg.pause, "pause", 100*time.Millisecond, "pause between a session's rounds")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "longest wait for a connection, a screen or a marker")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Minute, "the whole run ends after this long, whatever is left")
	flag.IntVar(&cfg.width, "width", 120, "each participant's terminal width")
	flag.IntVar(&cfg.height, "height", 40, "each participant's terminal height")
	flag.DurationVar(&cfg.idle, "idle", 0, "once every stand-up has started, measure the server's CPU for this long while nobody types (countdowns ticking), before the rounds")
	flag.DurationVar(&cfg.stall, "stall-timeout", 0, "with --spawn: the server's --stall-timeout (0: its default)")
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write the load generator's own CPU profile to this file (to see what its clients cost)")
	flag.IntVar(&cfg.perSource, "per-source", 10, "participants per loopback source address; -per-source N with N ≥ -n runs them all from one address, as an office behind one NAT")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: huddle-load [flags]\n\nLoad-tests huddle serve with simulated SSH participants (loopback only).\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := cfg.check(); err != nil {
		fmt.Fprintln(os.Stderr, "huddle-load:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "huddle-load:", err)
			os.Exit(2)
		}
		defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
	}
	runner := run
	if cfg.peer != "" {
		runner = runPeer
	}
	rep, err := runner(ctx, cfg)
	if rep != nil {
		rep.print(os.Stdout, cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "huddle-load:", err)
		os.Exit(1)
	}
}

func (c *config) check() error {
	switch {
	case c.n < 2:
		return errors.New("-n must be at least 2: someone parks, someone sees")
	case c.r < 1 || c.n/c.r < 2:
		return errors.New("-r must leave at least 2 participants per session")
	case c.rounds < 1 || c.stalled < 0 || c.flooders < 0 || c.perSource < 1:
		return errors.New("-rounds and -per-source must be positive, -stalled and -flooders not negative")
	case c.peer == "" && c.rounds > session.MaxTopics:
		return fmt.Errorf("-rounds can be at most %d: each round parks a topic, and a session's parking lot holds %[1]d", session.MaxTopics)
	case c.width < 60 || c.height < 16 || c.width > 500 || c.height > 200:
		return errors.New("-width and -height must be between 60×16 (huddle's smallest screen) and 500×200")
	case c.peer != "" && (c.addr != "" || c.spawn != "" || c.r != 1 || c.stalled+c.flooders > 0):
		return errors.New("--peer runs the chat server itself, in one room: no --addr, --spawn, -r, -stalled or -flooders with it")
	case c.peer == "" && (c.addr == "") == (c.spawn == ""):
		return errors.New("give either --addr of a running server, --spawn with a huddle binary or --peer with a chat server binary")
	case c.n+c.stalled+c.flooders > 250*c.perSource:
		return errors.New("too many participants for the loopback source addresses")
	}
	c.addrs = nil
	if c.addr != "" {
		for a := range strings.SplitSeq(c.addr, ",") {
			a = strings.TrimSpace(a)
			host, _, err := net.SplitHostPort(a)
			if err != nil {
				return fmt.Errorf("--addr %s: %w", a, err)
			}
			ip := net.ParseIP(host)
			if ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("--addr %s: only loopback addresses are load-tested (127.0.0.1, ::1)", a)
			}
			c.addrs = append(c.addrs, a)
		}
	}
	c.pids = nil
	if c.pidList != "" {
		for p := range strings.SplitSeq(c.pidList, ",") {
			pid, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || pid <= 0 {
				return fmt.Errorf("--pid %q: give process ids, comma-separated", c.pidList)
			}
			c.pids = append(c.pids, pid)
		}
	}
	return nil
}
