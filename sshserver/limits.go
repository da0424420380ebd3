package sshserver

import (
	"net"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// limitListener caps connections before any SSH work is done for them.
// A connection starts in the unauthenticated pool, which has caps of its
// own (per address and in all) and a deadline: one that has not opened a
// session channel, which only an authenticated client can, within
// authWindow is closed. Raw TCP connections that never speak SSH, however
// many, take only that pool's slots, never those of people who got in:
// the authenticated pool has its own caps, per address and in all.
// A connection over a cap is closed at once, so a flood cannot use up the
// server's file descriptors.
//
// It also bounds every write to a connection by stall: a client that
// stops reading its socket (its kernel buffers full) fails the write that
// blocks, which ends its SSH connection and with it every session on it.
type limitListener struct {
	net.Listener
	perIP, total       int // authenticated connections
	prePerIP, preTotal int // connections that have not authenticated yet
	authWindow         time.Duration
	stall              time.Duration
	accepts            *limiters // new connections per address

	mu       sync.Mutex
	n        map[string]int // all connections per address
	pre      map[string]int // unauthenticated connections per address
	all, pra int            // authenticated, unauthenticated in all
}

// listenerLimits are a limitListener's caps.
type listenerLimits struct {
	perIP, total       int
	prePerIP, preTotal int
	authWindow, stall  time.Duration
	rate               rate.Limit // new connections per address per second
	burst              int
}

func newLimitListener(ln net.Listener, lim listenerLimits) *limitListener {
	return &limitListener{Listener: ln, perIP: lim.perIP, total: lim.total,
		prePerIP: lim.prePerIP, preTotal: lim.preTotal, authWindow: lim.authWindow, stall: lim.stall,
		accepts: newLimiters(lim.rate, lim.burst),
		n:       map[string]int{}, pre: map[string]int{}}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr())
		if !l.accepts.allow(ip) {
			c.Close()
			continue
		}
		l.mu.Lock()
		if l.n[ip] >= l.perIP || l.pre[ip] >= l.prePerIP || l.pra >= l.preTotal {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.n[ip]++
		l.pre[ip]++
		l.pra++
		l.mu.Unlock()
		cc := &countedConn{Conn: c, stall: l.stall, l: l, ip: ip}
		cc.mu.Lock() // the timer's function reads cc.timer through Close
		cc.timer = time.AfterFunc(l.authWindow, func() {
			cc.mu.Lock()
			authed := cc.authed
			cc.mu.Unlock()
			if !authed {
				cc.Close()
			}
		})
		cc.mu.Unlock()
		return cc, nil
	}
}

// promote moves an authenticated connection out of the unauthenticated
// pool; false if the authenticated pool is full.
func (l *limitListener) promote(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.all >= l.total {
		return false
	}
	l.decPre(ip)
	l.all++
	return true
}

func (l *limitListener) decPre(ip string) {
	l.pra--
	if l.pre[ip]--; l.pre[ip] <= 0 {
		delete(l.pre, ip)
	}
}

func (l *limitListener) release(ip string, authed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if authed {
		l.all--
	} else {
		l.decPre(ip)
	}
	if l.n[ip]--; l.n[ip] <= 0 {
		delete(l.n, ip)
	}
}

// counts returns the unauthenticated and authenticated connections open.
func (l *limitListener) counts() (pre, authed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pra, l.all
}

type countedConn struct {
	net.Conn
	stall time.Duration
	l     *limitListener
	ip    string
	timer *time.Timer

	mu     sync.Mutex
	authed bool
	closed bool
}

// authenticated promotes the connection on its first call (the SSH
// handshake, authentication included, is done when a channel opens) and
// reports whether it holds an authenticated slot.
func (c *countedConn) authenticated() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.authed || c.closed {
		return c.authed
	}
	if !c.l.promote(c.ip) {
		return false
	}
	c.authed = true
	c.timer.Stop()
	return true
}

// Write gives up on a client that has not taken its bytes within the
// stall time.
func (c *countedConn) Write(p []byte) (int, error) {
	if c.stall > 0 {
		if err := c.Conn.SetWriteDeadline(time.Now().Add(c.stall)); err != nil {
			return 0, err
		}
	}
	return c.Conn.Write(p)
}

// SetDeadline is how the SSH library applies its idle timeout, before
// every read and write. It sets only the read deadline here, so that a
// client sending keys while a write to it is blocked does not push that
// write's stall deadline out to the idle timeout. (Every write has its
// own deadline, nearer than the idle timeout.)
func (c *countedConn) SetDeadline(t time.Time) error {
	if c.stall > 0 {
		return c.Conn.SetReadDeadline(t)
	}
	return c.Conn.SetDeadline(t)
}

func (c *countedConn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.timer.Stop()
		c.l.release(c.ip, c.authed)
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

// limiters hands out a rate limiter per key (an address, an SSH key),
// keeping the most recent ones.
type limiters struct {
	cache *lru.Cache[string, *rate.Limiter]
	every rate.Limit
	burst int
	mu    sync.Mutex
}

func newLimiters(every rate.Limit, burst int) *limiters {
	cache, _ := lru.New[string, *rate.Limiter](10000)
	return &limiters{cache: cache, every: every, burst: burst}
}

func (l *limiters) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.cache.Get(key)
	if !ok {
		lim = rate.NewLimiter(l.every, l.burst)
		l.cache.Add(key, lim)
	}
	return lim.Allow()
}
