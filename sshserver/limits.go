package sshserver

import (
	"net"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// limitListener caps connections before any SSH work is done for them:
// per remote address and in all. A connection over a cap is closed at
// once, so a flood of connections that never finish their handshake
// cannot use up the server's file descriptors.
//
// It also bounds every write to a connection by stall: a client that
// stops reading its socket (its kernel buffers full) fails the write that
// blocks, which ends its SSH connection and with it every session on it.
type limitListener struct {
	net.Listener
	perIP, total int
	stall        time.Duration

	mu  sync.Mutex
	n   map[string]int
	all int
}

func newLimitListener(ln net.Listener, perIP, total int, stall time.Duration) *limitListener {
	return &limitListener{Listener: ln, perIP: perIP, total: total, stall: stall, n: map[string]int{}}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr())
		l.mu.Lock()
		if l.n[ip] >= l.perIP || l.all >= l.total {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.n[ip]++
		l.all++
		l.mu.Unlock()
		return &countedConn{Conn: c, stall: l.stall, release: func() { l.release(ip) }}, nil
	}
}

func (l *limitListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all--
	if l.n[ip]--; l.n[ip] <= 0 {
		delete(l.n, ip)
	}
}

type countedConn struct {
	net.Conn
	stall   time.Duration
	once    sync.Once
	release func()
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
	c.once.Do(c.release)
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
