// Command huddle-attack plays hostile clients against a real `huddle serve`
// and reports what each attack costs the server: what the attacker got,
// the server's resident memory before, at its peak and after, the CPU time
// it spent, whether it is still alive, and whether a legitimate
// participant (a fresh key, `join CODE` with a pty) can still get into a
// session and see it, during the attack and after it.
//
// Every attack gets a server of its own, started from the binary given to
// --spawn on a free loopback port in a temporary data directory, so that
// the figures of one attack never mix with another's. Attackers connect
// from 127.0.1.x, the legitimate participant from 127.0.0.1.
//
//	go build -o /tmp/h ./cmd/huddle
//	go run ./cmd/huddle-attack --spawn /tmp/h [--only NAME]
package main

// This file is long (about 700 lines) on purpose: huddle-attack is a
// stand-alone tool whose runner, server handling and SSH clients are read
// together; the attacks themselves are in attacks.go.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"huddle/internal/procstat"
	"huddle/internal/vtclient"
)

func main() {
	var (
		spawnBin string
		only     string
		list     bool
		markdown bool
	)
	flag.StringVar(&spawnBin, "spawn", "", "path of a huddle binary; each attack starts its own huddle serve from it (loopback, temporary data directory)")
	flag.StringVar(&only, "only", "", "run only these attacks, comma-separated (see -list)")
	flag.BoolVar(&list, "list", false, "list the attacks and exit")
	flag.BoolVar(&markdown, "markdown", true, "end with a Markdown table of the results")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: huddle-attack --spawn HUDDLE [--only NAME,...]\n\nRuns hostile clients against huddle serve (loopback only) and reports what each costs the server.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if list {
		for _, a := range attacks {
			fmt.Printf("%-12s %s\n", a.name, a.what)
		}
		return
	}
	chosen, err := choose(only)
	if err == nil && spawnBin == "" {
		err = errors.New("give --spawn with a huddle binary (go build -o /tmp/h ./cmd/huddle)")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "huddle-attack:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var results []*result
	failed := false
	for _, a := range chosen {
		if ctx.Err() != nil {
			break
		}
		fmt.Printf("== %s: %s\n", a.name, a.what)
		r, err := runAttack(ctx, spawnBin, a, options{})
		if err != nil {
			fmt.Fprintf(os.Stderr, "huddle-attack: %s: %v\n", a.name, err)
			failed = true
			continue
		}
		r.print(os.Stdout)
		results = append(results, r)
		if !r.alive || !r.legitAfter.ok {
			failed = true
		}
	}
	if markdown && len(results) > 0 {
		fmt.Println()
		printTable(os.Stdout, results)
	}
	if failed {
		os.Exit(1)
	}
}

// choose picks the attacks named in only (all when it is empty).
func choose(only string) ([]attack, error) {
	if only == "" {
		return attacks, nil
	}
	var out []attack
	for _, name := range strings.Split(only, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, a := range attacks {
			if a.name == name {
				out = append(out, a)
				found = true
			}
		}
		if !found {
			var names []string
			for _, a := range attacks {
				names = append(names, a.name)
			}
			return nil, fmt.Errorf("no attack is called %q (want one of %s)", name, strings.Join(names, ", "))
		}
	}
	return out, nil
}

// options tune a run; the zero value is the full attack.
type options struct {
	// untilChecked ends an attack as soon as the legitimate participant's
	// check during it is done, instead of at the attack's own bound.
	untilChecked bool
	// scale divides the attack's counts (0 or 1: as described).
	scale int
}

func (o options) n(full int) int {
	if o.scale > 1 {
		return max(1, full/o.scale)
	}
	return full
}

// attack is one kind of hostile client.
type attack struct {
	name string
	what string
	// bound is the longest the attack runs.
	bound time.Duration
	// run attacks the target until ctx ends or it is done, calls pressing
	// once it is in full swing (the legitimate participant then tries to
	// get in), and notes what the attacker got in res.
	run func(ctx context.Context, t *target, res *result, pressing func())
}

// target is the server under attack and the session legitimate people join.
type target struct {
	addr string
	pid  int
	code string // a stand-up opened before the attack
	opts options
	// checked is closed once the legitimate participant's check during
	// the attack is done (or the attack ended before it).
	checked chan struct{}
}

// check is one legitimate participant's attempt to get in.
type check struct {
	done bool
	ok   bool
	took time.Duration
	why  string
}

func (c check) String() string {
	switch {
	case !c.done:
		return "not tried"
	case c.ok:
		return "in, " + ms(c.took)
	default:
		return "NOT IN: " + c.why
	}
}

// result is what one attack measured.
type result struct {
	name, what string

	mu    sync.Mutex
	notes []string // what the attacker got, in words
	msgs  map[string]int

	rssBefore, rssPeak, rssAfter int64
	cpu, ownCPU                  time.Duration
	wall                         time.Duration
	alive                        bool
	exit                         string
	legitDuring, legitAfter      check
}

func (r *result) note(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// message counts a message the attacker got back (an error, a refusal).
func (r *result) message(s string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.msgs == nil {
		r.msgs = map[string]int{}
	}
	r.msgs[s]++
}

func (r *result) print(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.notes {
		fmt.Fprintf(w, "  attacker: %s\n", n)
	}
	for _, m := range sortedKeys(r.msgs) {
		fmt.Fprintf(w, "  message ×%d: %s\n", r.msgs[m], m)
	}
	alive := "alive"
	if !r.alive {
		alive = "DEAD (" + r.exit + ")"
	}
	fmt.Fprintf(w, "  server: RSS %s before, %s peak, %s after; CPU %s in %s (the attacker's own: %s); %s\n",
		mib(r.rssBefore), mib(r.rssPeak), mib(r.rssAfter), secs(r.cpu), secs(r.wall), secs(r.ownCPU), alive)
	fmt.Fprintf(w, "  legitimate join: during %s; after %s\n", r.legitDuring, r.legitAfter)
}

func printTable(w io.Writer, rs []*result) {
	fmt.Fprintln(w, "| attack | what the attacker got | server RSS before → peak → after | server CPU (attack time) | alive | legit join during | after |")
	fmt.Fprintln(w, "| --- | --- | --- | ---: | --- | --- | --- |")
	for _, r := range rs {
		got := strings.Join(r.notes, "; ")
		alive := "yes"
		if !r.alive {
			alive = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s → %s → %s | %s (%s) | %s | %s | %s |\n", r.name, got,
			mib(r.rssBefore), mib(r.rssPeak), mib(r.rssAfter), secs(r.cpu), secs(r.wall), alive, r.legitDuring, r.legitAfter)
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Most frequent first, then by text.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && (m[keys[j]] > m[keys[j-1]] || m[keys[j]] == m[keys[j-1]] && keys[j] < keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
func secs(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}
func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

// runAttack starts a server, opens a stand-up, runs the attack against it
// with a legitimate participant trying to get in while it presses and once
// it is over, and stops the server.
func runAttack(ctx context.Context, bin string, a attack, o options) (*result, error) {
	srv, err := spawn(bin)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	t := &target{addr: srv.addr, pid: srv.cmd.Process.Pid, opts: o}
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	// An open door: the attackers and the newcomer join as guests, as at
	// an all-hands, so that each attack meets the session itself, not
	// the door. The topic flood's observer facilitates and starts it.
	out, err := command(t.addr, legitSource, "organiser", key, "new standup --team attacked --turn 60m --timebox 120m --guests open --facilitator observer", 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("opening the stand-up: %w", err)
	}
	t.code, _, _ = strings.Cut(out, "\n")
	t.code = strings.TrimSpace(t.code)

	res := &result{name: a.name, what: a.what}
	res.rssBefore, _ = procstat.RSS(t.pid)
	cpu0, own0, start := procstat.CPUTime(t.pid), procstat.OwnCPU(), time.Now()

	// Poll the server's memory while the attack runs.
	var peak atomic.Int64
	stopPoll := make(chan struct{})
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			cur, hwm := procstat.RSS(t.pid)
			if m := max(cur, hwm); m > peak.Load() {
				peak.Store(m)
			}
			select {
			case <-stopPoll:
				return
			case <-tick.C:
			}
		}
	}()

	actx, cancel := context.WithTimeout(ctx, a.bound)
	defer cancel()
	var once sync.Once
	pressed := make(chan struct{})
	pressing := func() { once.Do(func() { close(pressed) }) }
	checked := make(chan struct{})
	t.checked = checked
	go func() {
		defer close(checked)
		select {
		case <-pressed:
		case <-actx.Done():
			return
		}
		res.legitDuring = legitJoin(t.addr, t.code, 15*time.Second)
		if o.untilChecked {
			cancel()
		}
	}()
	a.run(actx, t, res, pressing)
	cancel()
	<-checked
	res.wall = time.Since(start)
	res.cpu, res.ownCPU = procstat.CPUTime(t.pid)-cpu0, procstat.OwnCPU()-own0
	close(stopPoll)
	<-polled
	res.rssPeak = peak.Load()
	res.alive, res.exit = srv.alive()
	if res.alive {
		res.legitAfter = legitJoin(t.addr, t.code, 15*time.Second)
		res.rssAfter, _ = procstat.RSS(t.pid)
		res.alive, res.exit = srv.alive()
	} else {
		res.legitAfter = check{done: true, why: "the server is gone"}
	}
	return res, nil
}

// legitSource is where the legitimate participant connects from;
// attackers use 127.0.1.x.
var legitSource = net.IPv4(127, 0, 0, 1)

// attackSource is attacker address i (0-based) of 127.0.1.x.
func attackSource(i int) net.IP { return net.IPv4(127, 0, 1, byte(i%250+1)) }

// legitJoin is a legitimate participant: a fresh key joins the session
// with a pty; it is in when its screen shows the waiting room ("Here (")
// or a running stand-up ("Parking lot").
func legitJoin(addr, code string, timeout time.Duration) check {
	start := time.Now()
	p, err := join(addr, legitSource, "legit", code, timeout)
	if err != nil {
		return check{done: true, why: shortErr(err)}
	}
	defer p.close()
	if err := p.waitFor(timeout, "Here (", "Parking lot"); err != nil {
		return check{done: true, why: shortErr(err)}
	}
	return check{done: true, ok: true, took: time.Since(start)}
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// ---- the server (copied from cmd/huddle-load, which is package main) ----

type server struct {
	cmd  *exec.Cmd
	addr string
	dir  string

	exited chan struct{}
	err    error
}

func spawn(bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "huddle-attack-")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--listen", addr, "--data-dir", dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	s := &server{cmd: cmd, addr: addr, dir: dir, exited: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		logf.Close()
		close(s.exited)
	}()
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
		if !s.running() || time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("huddle serve did not listen on %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *server) running() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// alive says whether the server still runs, and if not, how it ended.
func (s *server) alive() (bool, string) {
	if s.running() {
		return true, ""
	}
	tail := ""
	if b, err := os.ReadFile(filepath.Join(s.dir, "serve.log")); err == nil {
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		tail = ": " + lines[len(lines)-1]
	}
	return false, fmt.Sprint(s.err) + tail
}

func (s *server) stop() {
	if s.running() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	_ = os.RemoveAll(s.dir)
}

// ---- SSH clients ----

func newKey() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

// dial opens an SSH connection from the loopback source address src.
func dial(addr string, src net.IP, user string, key ssh.Signer, timeout time.Duration) (*ssh.Client, error) {
	d := net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: src}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(timeout))
	sc, chans, reqs, err := ssh.NewClientConn(c, addr, &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(key)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // loopback only: our own server
		Timeout:         timeout,
	})
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	_ = c.SetDeadline(time.Time{})
	return ssh.NewClient(sc, chans, reqs), nil
}

// command runs a non-interactive command and returns its output.
func command(addr string, src net.IP, user string, key ssh.Signer, cmd string, timeout time.Duration) (string, error) {
	conn, err := dial(addr, src, user, key, timeout)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	s, err := conn.NewSession()
	if err != nil {
		return "", err
	}
	out, err := s.CombinedOutput(cmd)
	if err != nil {
		return "", fmt.Errorf("%s: %w: %s", cmd, err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// participant is one person with a pty whose output rebuilds a screen in
// a terminal emulator.
type participant struct {
	name string
	conn *ssh.Client
	sess *ssh.Session
	scr  *vtclient.Screen

	errMu   sync.Mutex
	errOut  []byte        // the first 4 kB of the session's stderr
	errDone chan struct{} // closed when stderr ends
}

// stderrOr is what the session wrote to stderr, or else alt; once the
// session has ended it waits (briefly) for the end of stderr.
func (p *participant) stderrOr(alt string) string {
	select {
	case <-p.done():
		select {
		case <-p.errDone:
		case <-time.After(2 * time.Second):
		}
	default:
	}
	p.errMu.Lock()
	defer p.errMu.Unlock()
	if s := strings.TrimSpace(string(p.errOut)); s != "" {
		return s
	}
	return alt
}

const width, height = 100, 30

// join connects a participant with a fresh key to the session with code.
func join(addr string, src net.IP, name, code string, timeout time.Duration) (*participant, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	conn, err := dial(addr, src, name, key, timeout)
	if err != nil {
		return nil, err
	}
	p := &participant{name: name, conn: conn}
	if err := p.start("join "+code, "xterm-256color", nil); err != nil {
		conn.Close()
		return nil, err
	}
	return p, nil
}

// start opens the participant's session: env first, then a pty with term,
// then cmd ("" for the lobby).
func (p *participant) start(cmd, term string, env map[string]string) error {
	s, err := p.conn.NewSession()
	if err != nil {
		return err
	}
	for k, v := range env {
		if err := s.Setenv(k, v); err != nil {
			return fmt.Errorf("env %s refused: %w", k, err)
		}
	}
	modes := ssh.TerminalModes{ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	if err := s.RequestPty(term, height, width, modes); err != nil {
		return err
	}
	in, err := s.StdinPipe()
	if err != nil {
		return err
	}
	out, err := s.StdoutPipe()
	if err != nil {
		return err
	}
	errs, err := s.StderrPipe()
	if err != nil {
		return err
	}
	p.errDone = make(chan struct{})
	go func() {
		defer close(p.errDone)
		buf := make([]byte, 4096)
		for {
			n, err := errs.Read(buf)
			p.errMu.Lock()
			if len(p.errOut) < 4096 {
				p.errOut = append(p.errOut, buf[:min(n, 4096-len(p.errOut))]...)
			}
			p.errMu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	if cmd == "" {
		err = s.Shell()
	} else {
		err = s.Start(cmd)
	}
	if err != nil {
		return err
	}
	p.sess = s
	p.scr = vtclient.Start(in, out, width, height, nil)
	return nil
}

// done is closed once the session's output has ended; never before the
// session started.
func (p *participant) done() <-chan struct{} {
	if p.scr == nil {
		return nil
	}
	return p.scr.Ended()
}

func (p *participant) send(b []byte) error { return p.scr.Send(b) }

func (p *participant) screen() string { return p.scr.Text() }

// waitFor waits until the screen shows one of want.
func (p *participant) waitFor(timeout time.Duration, want ...string) error {
	deadline := time.Now().Add(timeout)
	for {
		sc := p.screen()
		for _, w := range want {
			if strings.Contains(sc, w) {
				return nil
			}
		}
		select {
		case <-p.done():
			return fmt.Errorf("%s: the session ended before the screen showed %q: %s", p.name, want, p.stderrOr(lastLine(sc)))
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the screen did not show %q within %v: %s", p.name, want, timeout, lastLine(sc))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lastLine is the last line of a screen with text on it.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, " \n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return "(blank screen)"
}

func (p *participant) close() {
	_ = p.conn.Close()
	if p.scr == nil {
		return
	}
	select {
	case <-p.done():
	case <-time.After(2 * time.Second):
	}
	p.scr.Close()
}
