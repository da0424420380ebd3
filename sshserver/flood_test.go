package sshserver

// Floods (issue 6): a participant sending actions as fast as possible is
// slowed down with a visible notice and does not hold up the others; a
// flood of connections from one address is limited while other addresses
// still get in. (TestFloodingParticipantIsSlowedDown and
// TestConnectionsPerAddressAreCapped in server_test.go cover the notice
// and the cap alone.)

import (
	"context"
	"fmt"
	"math"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

// parkedBy returns when each topic the participant with the key parked was
// recorded, in order.
func parkedBy(tb testing.TB, st session.Store, code, key string) []time.Time {
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
	me, ok := session.Fold(info.ID, events).ByKey(key)
	if !ok {
		tb.Fatalf("nobody has the key %s", key)
	}
	var out []time.Time
	for _, e := range events {
		if _, park := e.Payload.(*session.Parked); park && e.Actor == me.ID {
			out = append(out, e.Time)
		}
	}
	return out
}

// TestFloodingParticipantDoesNotHoldUpOthers: one participant parks
// topics as fast as they can type while another parks a few of their own,
// which a third must see, each of them. The flooder sees the notice, the
// others are never slowed, and the room takes from the flooder no more
// than the rate allows. The assertions are on what arrives and how much,
// not on how soon.
func TestFloodingParticipantDoesNotHoldUpOthers(t *testing.T) {
	const perSecond, burst, floodFor = 5, 5, 2 * time.Second
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Actions, c.ActionBurst = perSecond, burst })
	code := openSession(t, ts.addr, "standup --team flood --members Ann,Ben,Cem --facilitator Ann")
	floodKey := newTestKey(t)
	flooder := dialTest(t, ts.addr, "ann", floodKey, withCommand("join "+code))
	otherKey := newTestKey(t)
	other := dialTest(t, ts.addr, "ben", otherKey, withCommand("join "+code))
	watcher := dialTest(t, ts.addr, "cem", newTestKey(t), withCommand("join "+code))
	for _, c := range []*testClient{flooder, other, watcher} {
		c.WaitFor("Here (3)")
	}

	var attempts atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	wg.Go(func() {
		// Five topics every 2ms, hundreds of times the rate (and five a
		// write, so that a loaded machine that sleeps longer still
		// floods): more would only lengthen the backlog in the
		// flooder's SSH channel.
		for i := 0; ; i += 5 {
			select {
			case <-stop:
				return
			default:
			}
			var batch strings.Builder
			for j := range 5 {
				fmt.Fprintf(&batch, "p\x1b[200~flood-%d\x1b[201~\r", i+j)
			}
			if _, err := flooder.Write([]byte(batch.String())); err != nil {
				t.Errorf("flood: %v", err)
				return
			}
			attempts.Add(5)
			time.Sleep(2 * time.Millisecond)
		}
	})
	flooder.WaitFor("slow down")
	var latencies []time.Duration
	for i := range 5 { // spread over the flood's two seconds
		time.Sleep(time.Until(start.Add(time.Duration(i+1) * floodFor / 6)))
		sent := time.Now()
		other.Press("p")
		other.Type(fmt.Sprintf("\x1b[200~marker-%d\x1b[201~", i))
		other.Press("enter")
		watcher.WaitFor(fmt.Sprintf("marker-%d", i))
		latencies = append(latencies, time.Since(sent).Round(time.Millisecond))
	}
	time.Sleep(time.Until(start.Add(floodFor)))
	close(stop)
	wg.Wait()
	flooded := time.Since(start)

	// The room may still be reading keys the flooder sent before the stop;
	// whenever it took them, the k-th topic it took cannot have come
	// before the rate allowed it: k ≤ burst + rate × (its time - start).
	// (The limiter was full at the start, never fuller.)
	taken := parkedBy(t, ts.store, code, fingerprint(floodKey))
	var last string
	for k, at := range taken {
		allowed := burst + perSecond*at.Sub(start).Seconds() + 1 // +1: a token on its way
		if float64(k+1) > allowed {
			t.Errorf("topic %d of the flooder was taken %v after the start, when the rate allows %.1f", k+1, at.Sub(start).Round(time.Millisecond), allowed)
		}
		last = fmt.Sprintf("%d taken after %v", k+1, at.Sub(start).Round(time.Millisecond))
	}
	t.Logf("the flooder sent %d topics in %v; the room took %d so far (the last: %s; %d + %d/s allowed); the other's topics reached the watcher in %v",
		attempts.Load(), flooded.Round(time.Millisecond), len(taken), last, burst, perSecond, latencies)
	if len(taken) < burst {
		t.Errorf("the room took %d topics from the flooder, fewer than the burst of %d", len(taken), burst)
	}
	if n := attempts.Load(); n < 10*(burst+perSecond*int64(floodFor/time.Second)) {
		t.Fatalf("the flooder sent only %d topics: no flood", n)
	}
	if n := len(parkedBy(t, ts.store, code, fingerprint(otherKey))); n != 5 {
		t.Errorf("the other participant's topics in the room: %d, want 5", n)
	}
	for _, c := range []*testClient{other, watcher} {
		if strings.Contains(string(c.Raw()), "slow down") {
			t.Errorf("%s was told to slow down by another's flood", c.user)
		}
	}
}

// sourceDialer dials from another loopback address, if the system lets
// it (Linux routes all of 127.0.0.0/8 to the loopback interface).
func sourceDialer(t *testing.T, ip net.IP, addr string) *net.Dialer {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: testClientHangGuard}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("cannot connect from %s: %v", ip, err)
	}
	c.Close()
	return d
}

// runHelp runs `help` over a new connection from the dialer and tells
// whether it was served, refused, or failed otherwise.
func runHelp(d *net.Dialer, addr string, key gossh.Signer) (served bool, err error) {
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return false, err
	}
	_ = nc.SetDeadline(time.Now().Add(testClientHangGuard))
	cc, chans, reqs, err := gossh.NewClientConn(nc, addr, &gossh.ClientConfig{
		User:            "flood",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		nc.Close()
		return false, err // closed by the listener: refused before SSH
	}
	conn := gossh.NewClient(cc, chans, reqs)
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		return false, err
	}
	out, err := sess.CombinedOutput("help")
	switch {
	case err == nil && strings.Contains(string(out), "join CODE"):
		return true, nil
	case strings.Contains(string(out), "rate limit exceeded"):
		return false, nil
	}
	return false, fmt.Errorf("help: %v, %q", err, out)
}

// TestConnectionFloodFromOneAddressIsLimited: new connections from one
// address beyond the connect rate are closed before any SSH work, however
// many keys they bring, and beyond the cap of connections that have not
// authenticated yet too; meanwhile a participant from another address
// joins a session and sees it.
func TestConnectionFloodFromOneAddressIsLimited(t *testing.T) {
	const perSecond, burst, perAddress = 1, 3, 4
	start := time.Now()
	ts := startServer(t, t.TempDir(), func(c *Config) {
		c.ConnectRate, c.ConnectBurst, c.ConnsPerAddress = perSecond, burst, perAddress
	})
	code := openSession(t, ts.addr, "standup --team flood --members Ann") // one connection from 127.0.0.1
	here := sourceDialer(t, net.IPv4(127, 0, 0, 1), ts.addr)
	elsewhere := sourceDialer(t, net.IPv4(127, 0, 0, 2), ts.addr)

	// A flood of sessions from 127.0.0.1, one after the other, each with
	// a key of its own (the per-key limits never apply): beyond the
	// connect rate the connection is closed before any SSH work (the
	// handshake fails).
	served, closed := 1, 0 // the scheduler's
	for range 12 {
		ok, err := runHelp(here, ts.addr, newTestKey(t))
		if err != nil && strings.Contains(err.Error(), "handshake failed") {
			closed++
			continue
		}
		if err != nil || !ok {
			t.Fatalf("served %v, %v", ok, err)
		}
		served++
	}
	elapsed := time.Since(start)
	bound := burst + int(math.Ceil(perSecond*elapsed.Seconds()))
	t.Logf("from one address in %v: %d served, %d closed at once (bound %d)", elapsed.Round(time.Millisecond), served, closed, bound)
	if served > bound || closed == 0 {
		t.Errorf("%d sessions served from one address in %v, %d closed; the rate allows %d", served, elapsed, closed, bound)
	}
	if ok, _ := runHelp(here, ts.addr, newTestKey(t)); ok {
		t.Fatal("127.0.0.1 right after its flood was served; want closed")
	}
	// Meanwhile another address is served.
	if ok, err := runHelp(elsewhere, ts.addr, newTestKey(t)); !ok || err != nil {
		t.Fatalf("127.0.0.2 during 127.0.0.1's flood: served %v, %v", ok, err)
	}
	key := newTestKey(t)

	// Connections held open from 127.0.0.1, up to the cap and beyond.
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range perAddress {
		c, err := here.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for range 3 {
		if ok, err := runHelp(here, ts.addr, key); ok || err == nil {
			t.Fatalf("a connection beyond the cap of %d from 127.0.0.1: served %v, %v; want closed before SSH", perAddress, ok, err)
		}
	}
	c, err := dialLeanVia(elsewhere, ts.addr, "ann", newTestKey(t), "join "+code, 80, 24)
	if err != nil {
		t.Fatalf("127.0.0.2 while 127.0.0.1 holds %d connections: %v", perAddress, err)
	}
	defer c.close()
	if err := c.await("waiting room", "Ann"); err != nil {
		t.Fatal(err)
	}
}
