package main

// This file is long (about 690 lines) on purpose: it is the catalogue of
// attacks, each a function beside the others so that what is tried can
// be read as one list.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// attacks are the hostile clients, in the order they run.
var attacks = []attack{
	{name: "dev-zero", bound: 16 * time.Second, run: devZero,
		what: "20 sessions (lobby and join) with TERM=../../../../dev/zero, TTY_FORCE=1 and TMUX set, held 15 s"},
	{name: "env-30k", bound: 30 * time.Second, run: envFlood(30_000),
		what: "4 connections × 25,000 env requests of 30 kB"},
	{name: "env-900", bound: 30 * time.Second, run: envFlood(900),
		what: "4 connections × 25,000 env requests of 900 B"},
	{name: "channels", bound: 30 * time.Second, run: channelFlood,
		what: "50,000 session channels opened on one connection, and held"},
	{name: "paste", bound: 20 * time.Second, run: endless("\x1b[200~"),
		what: "a joined participant sends \\e[200~ and then up to 200 MB, never the end of the paste"},
	{name: "osc", bound: 20 * time.Second, run: endless("\x1b]"),
		what: "a joined participant sends \\e] and then up to 200 MB, never the end of the string"},
	{name: "sessions", bound: 30 * time.Second, run: sessionFlood,
		what: "one key opens 205 lobby sessions: on one connection, then over 52 connections from 8 addresses"},
	{name: "raw-tcp", bound: 15 * time.Second, run: rawFlood,
		what: "240 TCP connections from 8 addresses that never speak SSH, reopened when closed, for 15 s"},
	{name: "exec-240k", bound: 30 * time.Second, run: bigExec,
		what: "10 commands of 240 kB (`join` and quoted words) on one connection"},
	{name: "topics", bound: 30 * time.Second, run: topicFlood,
		what: "25 keys in one running stand-up park topics as fast as they can for 10 s; a 26th parks now and then"},
	{name: "guess-1", bound: 30 * time.Second, run: guess(1),
		what: "join-code guessing (`export CODE`) from one address for 30 s, a fresh key per connection"},
	{name: "guess-8", bound: 30 * time.Second, run: guess(8),
		what: "join-code guessing (`export CODE`) from 8 addresses at once for 30 s"},
}

// holdUntil waits for ctx to end.
func holdUntil(ctx context.Context) { <-ctx.Done() }

// holdChecked holds what the attacker has until the legitimate
// participant's check during the attack is done.
func holdChecked(ctx context.Context, t *target) {
	select {
	case <-ctx.Done():
	case <-t.checked:
	}
}

// drawn waits until the participant's screen shows anything, or its
// session ends; it says which.
func drawn(ctx context.Context, p *participant, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if lastLine(p.screen()) != "(blank screen)" {
			return true
		}
		select {
		case <-p.done():
			return lastLine(p.screen()) != "(blank screen)"
		case <-time.After(20 * time.Millisecond):
		}
	}
	return false
}

// devZero asks for a terminal type that is a path to /dev/zero, with
// TTY_FORCE and TMUX set: before the fix the colour detection read the
// "terminfo file" until the server ran out of memory.
func devZero(ctx context.Context, t *target, res *result, pressing func()) {
	env := map[string]string{"TTY_FORCE": "1", "TMUX": "/tmp/tmux-0/default,1,0", "TERMINFO": "/dev/zero"}
	conns := t.opts.n(5)
	var ps []*participant
	defer func() {
		for _, p := range ps {
			p.close()
		}
	}()
	opened, drew := 0, 0
	for i := range conns {
		key, err := newKey()
		if err != nil {
			return
		}
		conn, err := dial(t.addr, attackSource(i), "zero", key, 10*time.Second)
		if err != nil {
			res.message("dial: " + shortErr(err))
			continue
		}
		for j := range 4 {
			p := &participant{name: "zero", conn: conn}
			cmd := ""
			if j%2 == 1 {
				cmd = "join " + t.code
			}
			if err := p.start(cmd, "../../../../dev/zero", env); err != nil {
				res.message(shortErr(err))
				continue
			}
			opened++
			ps = append(ps, p)
		}
		if i == 0 {
			pressing()
		}
	}
	for _, p := range ps {
		if drawn(ctx, p, 10*time.Second) {
			drew++
		}
	}
	res.note("%d of %d sessions opened with the hostile TERM and env (env accepted), %d drew a screen", opened, conns*4, drew)
	holdUntil(ctx)
}

// envFlood sends 25,000 environment requests of size bytes on each of 4
// connections. The first 40 on each ask for a reply and are counted;
// the rest are sent without waiting, as an attacker would.
func envFlood(size int) func(context.Context, *target, *result, func()) {
	return func(ctx context.Context, t *target, res *result, pressing func()) {
		per := t.opts.n(25_000)
		var sent, accepted, refused atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key, err := newKey()
				if err != nil {
					return
				}
				conn, err := dial(t.addr, attackSource(i), "env", key, 10*time.Second)
				if err != nil {
					res.message("dial: " + shortErr(err))
					return
				}
				defer conn.Close()
				go func() { <-ctx.Done(); conn.Close() }()
				ch, reqs, err := conn.OpenChannel("session", nil)
				if err != nil {
					res.message("session: " + shortErr(err))
					return
				}
				go ssh.DiscardRequests(reqs)
				value := strings.Repeat("v", size-12)
				for k := range per {
					if ctx.Err() != nil {
						return
					}
					payload := ssh.Marshal(struct{ Name, Value string }{"X" + strconv.Itoa(k), value})
					want := k < 40
					ok, err := ch.SendRequest("env", want, payload)
					if err != nil {
						if ctx.Err() == nil {
							res.message("env request: " + shortErr(err))
						}
						return
					}
					sent.Add(1)
					if want && ok {
						accepted.Add(1)
					} else if want {
						refused.Add(1)
					}
					if k == per/10 && i == 0 {
						pressing()
					}
				}
				// One more with a reply: the server has read them all.
				if _, err := ch.SendRequest("env", true, ssh.Marshal(struct{ Name, Value string }{"LAST", "1"})); err != nil && ctx.Err() == nil {
					res.message("last env request: " + shortErr(err))
				}
			}()
		}
		wg.Wait()
		res.note("sent %d of %d requests (%.0f MB) in %.1f s; of the first 40 per connection %d accepted, %d refused",
			sent.Load(), 4*per, float64(sent.Load())*float64(size)/1e6, time.Since(start).Seconds(), accepted.Load(), refused.Load())
	}
}

// channelFlood opens 50,000 session channels on one connection and keeps
// the ones it gets.
func channelFlood(ctx context.Context, t *target, res *result, pressing func()) {
	total := t.opts.n(50_000)
	key, err := newKey()
	if err != nil {
		return
	}
	conn, err := dial(t.addr, attackSource(0), "channels", key, 10*time.Second)
	if err != nil {
		res.message("dial: " + shortErr(err))
		return
	}
	defer conn.Close()
	var next, accepted, refused atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				k := next.Add(1)
				if k > int64(total) {
					return
				}
				if k == int64(total)/10 {
					pressing()
				}
				ch, reqs, err := conn.OpenChannel("session", nil)
				if err != nil {
					var oce *ssh.OpenChannelError
					if errors.As(err, &oce) {
						refused.Add(1)
						res.message(oce.Message)
						continue
					}
					if ctx.Err() == nil {
						res.message(shortErr(err))
					}
					return
				}
				accepted.Add(1)
				go ssh.DiscardRequests(reqs)
				_ = ch // held open until the connection closes
			}
		}()
	}
	wg.Wait()
	res.note("%d of %d channel opens answered in %.1f s: %d accepted, %d refused",
		accepted.Load()+refused.Load(), total, time.Since(start).Seconds(), accepted.Load(), refused.Load())
	pressing()
	holdChecked(ctx, t)
}

// endless joins the session and sends prefix and then bytes that never
// end what prefix began (a bracketed paste, an OSC string).
func endless(prefix string) func(context.Context, *target, *result, func()) {
	return func(ctx context.Context, t *target, res *result, pressing func()) {
		total := int64(t.opts.n(200_000_000))
		p, err := join(t.addr, attackSource(0), "paster", t.code, 10*time.Second)
		if err != nil {
			res.message("join: " + shortErr(err))
			return
		}
		defer p.close()
		if err := p.waitFor(10*time.Second, "Here ("); err != nil {
			res.message(shortErr(err))
			return
		}
		chunk := bytes.Repeat([]byte("a"), 32<<10)
		var sent atomic.Int64
		start := time.Now()
		done := make(chan error, 1)
		go func() {
			if err := p.send([]byte(prefix)); err != nil {
				done <- err
				return
			}
			for sent.Load() < total {
				if err := p.send(chunk); err != nil {
					done <- err
					return
				}
				if sent.Add(int64(len(chunk))) >= 1<<20 || sent.Load() >= total {
					pressing()
				}
			}
			done <- nil
		}()
		var werr error
		select {
		case werr = <-done:
		case <-ctx.Done():
		}
		took := time.Since(start)
		state := "still connected"
		select {
		case <-p.done():
			state = "disconnected by the server"
		default:
		}
		if werr != nil {
			res.message("write: " + shortErr(werr))
		}
		res.note("the server took %.1f MB of %.0f MB in %.1f s (%.2f MB/s); the attacker is %s",
			float64(sent.Load())/1e6, float64(total)/1e6, took.Seconds(), float64(sent.Load())/1e6/took.Seconds(), state)
	}
}

// sessionFlood opens 205 lobby sessions with one key: first on one
// connection, then over many connections from 8 addresses.
func sessionFlood(ctx context.Context, t *target, res *result, pressing func()) {
	total := t.opts.n(205)
	key, err := newKey()
	if err != nil {
		return
	}
	var held []*participant
	defer func() {
		for _, p := range held {
			p.close()
		}
	}()
	// try opens one lobby session on conn: held if it draws, else the
	// server's message is counted.
	try := func(conn *ssh.Client) bool {
		p := &participant{name: "sessions", conn: conn}
		if err := p.start("", "xterm-256color", nil); err != nil {
			var oce *ssh.OpenChannelError
			if errors.As(err, &oce) {
				res.message(oce.Message)
			} else {
				res.message(shortErr(err))
			}
			return false
		}
		drawn(ctx, p, 5*time.Second)
		select {
		case <-p.done():
			res.message(p.stderrOr(lastLine(p.screen())))
			return false
		default:
			held = append(held, p)
			return true
		}
	}
	conn, err := dial(t.addr, attackSource(0), "sessions", key, 10*time.Second)
	if err != nil {
		res.message("dial: " + shortErr(err))
		return
	}
	defer conn.Close()
	one := 0
	for range total {
		if ctx.Err() != nil {
			break
		}
		if try(conn) {
			one++
		}
	}
	res.note("one connection: %d of %d sessions held", one, total)
	many, tried := 0, 0
	var conns []*ssh.Client
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; tried < total && ctx.Err() == nil; i++ {
		c, err := dial(t.addr, attackSource(1+i%8), "sessions", key, 10*time.Second)
		if err != nil {
			res.message("dial: " + shortErr(err))
			tried += 4
			continue
		}
		conns = append(conns, c)
		for range 4 {
			tried++
			if try(c) {
				many++
			}
		}
	}
	res.note("%d connections from 8 addresses: %d of %d more sessions held (the key holds %d)", len(conns), many, tried, one+many)
	pressing()
	holdChecked(ctx, t)
}

// rawFlood holds TCP connections that never speak SSH, reopening them as
// the server closes them.
func rawFlood(ctx context.Context, t *target, res *result, pressing func()) {
	const addrs, per = 8, 30
	var dials, atOnce, later, open, maxOpen atomic.Int64
	var wg, first sync.WaitGroup
	for a := range addrs {
		for range t.opts.n(per) {
			wg.Add(1)
			first.Add(1)
			go func() {
				defer wg.Done()
				firstDone := false
				for ctx.Err() == nil {
					d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: attackSource(a)}}
					c, err := d.DialContext(ctx, "tcp", t.addr)
					if !firstDone {
						first.Done()
						firstDone = true
					}
					if err != nil {
						if ctx.Err() == nil {
							res.message("dial: " + shortErr(err))
							time.Sleep(100 * time.Millisecond)
						}
						continue
					}
					dials.Add(1)
					n := open.Add(1)
					for m := maxOpen.Load(); n > m && !maxOpen.CompareAndSwap(m, n); m = maxOpen.Load() {
					}
					began := time.Now()
					stop := context.AfterFunc(ctx, func() { c.Close() })
					_, _ = io.Copy(io.Discard, c) // never a byte of SSH from us
					stop()
					c.Close()
					open.Add(-1)
					if ctx.Err() != nil {
						return
					}
					if time.Since(began) < 500*time.Millisecond {
						atOnce.Add(1)
					} else {
						later.Add(1)
					}
					time.Sleep(100 * time.Millisecond) // then again
				}
				if !firstDone {
					first.Done()
				}
			}()
		}
	}
	first.Wait()
	pressing()
	wg.Wait()
	res.note("%d connections made; %d closed by the server at once, %d after a while; at most %d open at once",
		dials.Load(), atOnce.Load(), later.Load(), maxOpen.Load())
}

// bigExec sends commands of 240 kB.
func bigExec(ctx context.Context, t *target, res *result, pressing func()) {
	const size = 240_000
	var b strings.Builder
	b.WriteString("join ")
	for b.Len() < size-16 {
		b.WriteString(`"a b" 'c d' e\ f `)
	}
	cmd := b.String()
	key, err := newKey()
	if err != nil {
		return
	}
	conn, err := dial(t.addr, attackSource(0), "exec", key, 10*time.Second)
	if err != nil {
		res.message("dial: " + shortErr(err))
		return
	}
	defer conn.Close()
	n := t.opts.n(10)
	var slowest time.Duration
	answered := 0
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		s, err := conn.NewSession()
		if err != nil {
			res.message("session: " + shortErr(err))
			continue
		}
		began := time.Now()
		out, err := s.CombinedOutput(cmd)
		slowest = max(slowest, time.Since(began))
		msg := strings.TrimSpace(string(out))
		var ee *ssh.ExitError
		if errors.As(err, &ee) {
			msg = fmt.Sprintf("exit %d: %s", ee.ExitStatus(), msg)
			answered++
		} else if err != nil {
			msg = "error: " + shortErr(err)
		} else {
			answered++
		}
		res.message(msg)
		if i == 0 {
			pressing()
		}
	}
	res.note("%d of %d commands of %d kB answered; the slowest answer took %s", answered, n, len(cmd)/1000, ms(slowest))
}

var parkedCount = regexp.MustCompile(`Parking lot \((\d+)\)`)

// topicFlood: 25 keys in one running stand-up park topics as fast as they
// can; a 26th, who does not flood, parks one now and then and the time
// until it is on another member's screen is measured.
func topicFlood(ctx context.Context, t *target, res *result, pressing func()) {
	flooders := t.opts.n(25)
	obs, err := join(t.addr, net.IPv4(127, 0, 0, 2), "observer", t.code, 10*time.Second)
	if err != nil {
		res.message("observer: " + shortErr(err))
		return
	}
	defer obs.close()
	if err := obs.waitFor(10*time.Second, "Here ("); err != nil {
		res.message(shortErr(err))
		return
	}
	late, err := join(t.addr, net.IPv4(127, 0, 0, 3), "late", t.code, 10*time.Second)
	if err != nil {
		res.message("26th: " + shortErr(err))
		return
	}
	defer late.close()
	var fs []*participant
	defer func() {
		for _, p := range fs {
			p.close()
		}
	}()
	for i := range flooders {
		p, err := join(t.addr, attackSource(i/5), fmt.Sprintf("flood%02d", i), t.code, 10*time.Second)
		if err != nil {
			res.message("flooder: " + shortErr(err))
			continue
		}
		fs = append(fs, p)
	}
	for _, p := range append(fs, late) {
		if err := p.waitFor(10*time.Second, "Here ("); err != nil {
			res.message(shortErr(err))
		}
	}
	// The observer facilitates (--facilitator observer), and starts the
	// stand-up.
	if err := obs.send([]byte("n")); err != nil {
		return
	}
	if err := obs.waitFor(10*time.Second, "Parking lot"); err != nil {
		res.message("start: " + shortErr(err))
		return
	}
	floodCtx, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	var sent atomic.Int64
	var wg sync.WaitGroup
	for i, p := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; floodCtx.Err() == nil; k++ {
				if p.send([]byte("pf"+strconv.Itoa(i)+"x"+strconv.Itoa(k)+"\r")) != nil {
					return
				}
				sent.Add(1)
			}
		}()
	}
	pressing()
	// The 26th parks a topic now and then, during the flood and once after.
	park := func(k int) string {
		marker := "late" + strconv.Itoa(k) + "z" + strconv.Itoa(rand.IntN(1000))
		_ = late.send([]byte("p" + marker))
		if err := late.waitFor(3*time.Second, marker); err != nil {
			_ = late.send([]byte("\x1b"))
			return "prompt not shown in 3 s"
		}
		t0 := time.Now()
		_ = late.send([]byte("\r"))
		if err := obs.waitFor(5*time.Second, marker); err != nil {
			return "not seen in 5 s (" + notice(late.screen()) + ")"
		}
		return ms(time.Since(t0))
	}
	var lats []string
	for k := 1; floodCtx.Err() == nil; k++ {
		select {
		case <-floodCtx.Done():
		case <-time.After(time.Second):
		}
		if floodCtx.Err() != nil {
			break
		}
		lats = append(lats, park(k))
	}
	wg.Wait()
	// Let the room settle: the parking lot stops growing.
	parked, since := "", time.Now()
	for deadline := time.Now().Add(6 * time.Second); time.Now().Before(deadline) && time.Since(since) < time.Second; time.Sleep(100 * time.Millisecond) {
		if m := parkedCount.FindStringSubmatch(obs.screen()); m != nil && m[1] != parked {
			parked, since = m[1], time.Now()
		}
	}
	after := park(99)
	res.note("the flooders wrote %d topics into their channels in 10 s; the room then holds %s; the 26th's parks seen by another member after: %s during, %s after the flood",
		sent.Load(), parked, strings.Join(lats, ", "), after)
	for _, p := range fs[:min(3, len(fs))] {
		res.message("a flooder's screen: " + notice(p.screen()))
	}
}

// notice is the line of a screen that tells the participant something
// was refused, if any.
func notice(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		l = strings.TrimSpace(l)
		for _, w := range []string{"slow down", "busy", "full", "too many"} {
			if strings.Contains(l, w) {
				return l
			}
		}
	}
	return "no notice on screen"
}

// guess tries random join codes with `export CODE` from addrs addresses,
// each over one connection at a time with a fresh key.
func guess(addrs int) func(context.Context, *target, *result, func()) {
	return func(ctx context.Context, t *target, res *result, pressing func()) {
		var answered, refused, other atomic.Int64
		var mu sync.Mutex
		var firstRefusal time.Time
		answeredAfter := 0
		start := time.Now()
		var wg sync.WaitGroup
		for a := range addrs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					key, err := newKey()
					if err != nil {
						return
					}
					conn, err := dial(t.addr, attackSource(a), "guess", key, 10*time.Second)
					if err != nil {
						res.message("dial: " + shortErr(err))
						select {
						case <-ctx.Done():
						case <-time.After(500 * time.Millisecond):
						}
						continue
					}
					stop := context.AfterFunc(ctx, func() { conn.Close() })
					for ctx.Err() == nil {
						s, err := conn.NewSession()
						if err != nil {
							break
						}
						code := fmt.Sprintf("acorn-alarm-album-%d", 10000+rand.IntN(90000))
						out, _ := s.CombinedOutput("export " + code)
						text := string(out)
						mu.Lock()
						switch {
						case strings.Contains(text, "no session has the join code"):
							answered.Add(1)
							if !firstRefusal.IsZero() {
								answeredAfter++
							}
						case strings.Contains(text, "too many wrong join codes"):
							refused.Add(1)
							if firstRefusal.IsZero() {
								firstRefusal = time.Now()
								pressing()
							}
						default:
							other.Add(1)
							if ctx.Err() == nil {
								res.message(text)
							}
						}
						mu.Unlock()
					}
					stop()
					conn.Close()
				}
			}()
		}
		wg.Wait()
		pressing()
		took := time.Since(start)
		steady := "none refused"
		if !firstRefusal.IsZero() {
			after := time.Since(firstRefusal)
			steady = fmt.Sprintf("after the first refusal (at %.1f s) %d answered in %.1f s, %.1f a minute", firstRefusal.Sub(start).Seconds(), answeredAfter, after.Seconds(), float64(answeredAfter)/after.Minutes())
		}
		res.note("%d wrong codes answered, %d attempts refused, %d other answers in %.1f s from %d address(es); %s",
			answered.Load(), refused.Load(), other.Load(), took.Seconds(), addrs, steady)
	}
}
