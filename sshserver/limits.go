package sshserver

import (
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	lru "github.com/hashicorp/golang-lru/v2"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"
)

// limitListener caps connections before any SSH work is done for them.
// Limits per address apply only to connections that have not
// authenticated yet; once a connection has, it counts against its key.
//
// A connection starts in the unauthenticated pool, which has caps of its
// own (open connections per address and in all, new connections per
// address per second) and a deadline: one that has not opened a session
// channel, which only an authenticated client can, within authWindow is
// closed. Raw TCP connections that never speak SSH, however many, take
// only that pool's slots, never those of people who got in. With its
// first session channel a connection is promoted to the authenticated
// pool, which is capped per key and in all, not per address: a whole
// office behind one NAT address joins as easily as from home.
// A connection over a cap is closed at once, so a flood cannot use up the
// server's file descriptors.
//
// It also bounds every write to a connection by stall: a client that
// stops reading its socket (its kernel buffers full) fails the write that
// blocks, which ends its SSH connection and with it every session on it.
type limitListener struct {
	net.Listener
	perKey, total      int // authenticated connections
	prePerIP, preTotal int // connections that have not authenticated yet
	authWindow         time.Duration
	stall              time.Duration
	accepts            *limiters // new connections per address

	mu       sync.Mutex
	pre      map[string]int // unauthenticated connections per address
	keys     map[string]int // authenticated connections per key
	all, pra int            // authenticated, unauthenticated in all
}

// listenerLimits are a limitListener's caps.
type listenerLimits struct {
	perKey, total      int
	prePerIP, preTotal int
	authWindow, stall  time.Duration
	rate               rate.Limit // new connections per address per second
	burst              int
}

func newLimitListener(ln net.Listener, lim listenerLimits) *limitListener {
	return &limitListener{Listener: ln, perKey: lim.perKey, total: lim.total,
		prePerIP: lim.prePerIP, preTotal: lim.preTotal, authWindow: lim.authWindow, stall: lim.stall,
		accepts: newLimiters(lim.rate, lim.burst),
		pre:     map[string]int{}, keys: map[string]int{}}
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
		if l.pre[ip] >= l.prePerIP || l.pra >= l.preTotal {
			l.mu.Unlock()
			c.Close()
			continue
		}
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

// Why promote refused a connection.
var (
	errServerFull = errors.New("the server is full; try again later")
	errKeyFull    = errors.New("your key has too many connections open already; close one first")
)

// promote moves an authenticated connection of the key out of the
// unauthenticated pool, or says why it cannot: the authenticated pool or
// the key's share of it is full.
func (l *limitListener) promote(ip, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	perKey := l.perKey
	if strings.HasPrefix(key, anonymousFrom) {
		perKey = l.prePerIP // without a key, the cap stays per address
	}
	switch {
	case l.all >= l.total:
		return errServerFull
	case l.keys[key] >= perKey:
		return errKeyFull
	}
	l.decPre(ip)
	l.all++
	l.keys[key]++
	return nil
}

func (l *limitListener) decPre(ip string) {
	l.pra--
	if l.pre[ip]--; l.pre[ip] <= 0 {
		delete(l.pre, ip)
	}
}

// release gives back a closed connection's place: its key's if it was
// authenticated, else its address's.
func (l *limitListener) release(ip, key string, authed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !authed {
		l.decPre(ip)
		return
	}
	l.all--
	if l.keys[key]--; l.keys[key] <= 0 {
		delete(l.keys, key)
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
	key   string // the limits' identity once authenticated (limitKey)
	timer *time.Timer
	idle  lazyDeadline // the idle timeout's deadline (SetDeadline)

	mu     sync.Mutex
	authed bool
	closed bool
}

// authenticated promotes the connection on its first call (the SSH
// handshake, authentication included, is done when a channel opens) as
// one of the key's, and reports why it holds no authenticated slot if it
// does not.
func (c *countedConn) authenticated(key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.authed {
		return nil
	}
	if c.closed {
		return net.ErrClosed
	}
	if err := c.l.promote(c.ip, key); err != nil {
		return err
	}
	c.authed, c.key = true, key
	c.timer.Stop()
	return nil
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
//
// Each setting moves a timer in the runtime, on every frame sent to every
// participant; the deadline is moved on only once it would move by more
// than a second (or a sixteenth of the time left, if less), so an idle
// connection is closed up to that much before its idle timeout.
func (c *countedConn) SetDeadline(t time.Time) error {
	if c.idle.keeps(t) {
		return nil
	}
	if c.stall > 0 {
		return c.Conn.SetReadDeadline(t)
	}
	return c.Conn.SetDeadline(t)
}

// lazyDeadline is the deadline last set on a connection.
type lazyDeadline struct{ last atomic.Int64 } // UnixNano; 0 for none

// keeps reports whether the deadline last set can stand for t, and else
// takes t as the one set.
func (d *lazyDeadline) keeps(t time.Time) bool {
	if t.IsZero() {
		return d.last.Swap(0) == 0
	}
	n, l := t.UnixNano(), d.last.Load()
	if l != 0 && n >= l && time.Duration(n-l) < min(time.Second, time.Until(t)/16) {
		return true
	}
	d.last.Store(n)
	return false
}

func (c *countedConn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.timer.Stop()
		c.l.release(c.ip, c.key, c.authed)
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

// limitKey is whom an authenticated connection's limits count against:
// its key's fingerprint, as keyOf has it, or for a login without a key
// (keyboard-interactive, --allow-anonymous) its address, so that such
// logins stay limited per address.
func limitKey(ctx ssh.Context) string {
	if pk, ok := ctx.Value(ssh.ContextKeyPublicKey).(ssh.PublicKey); ok && pk != nil {
		return gossh.FingerprintSHA256(pk)
	}
	return anonymousFrom + hostOf(ctx.RemoteAddr())
}

// anonymousFrom starts the limit key of a login without a key.
const anonymousFrom = "anonymous@"

// The memory budget that sets the default of MaxSessions. BENCHMARKS.md
// measures about 200–290 KiB of resident memory per participant, painted by
// rows (issue 15's fifth pass: 80×24 and 120×40, idle and busy; it was
// 1.8–2.6 MiB with Bubble Tea's renderer), 352 KiB at the largest
// terminal served (500×200); a participant is budgeted 1 MiB, room for
// pastes and the garbage of GOGC=100, and
// the participants may have half of the machine's memory (the rest is the
// store's cache, the exports and the system's). Without /proc/meminfo
// the default is fallbackSessions.
const (
	memoryPerSession = 1 << 20
	fallbackSessions = 200
	minSessions      = 50
	maxSessions      = 10000
)

// DefaultMaxSessions is how many SSH sessions the machine's memory
// allows: half of it (or of the cgroup's memory limit, if lower) at
// 1 MiB a participant, between 50 and 10,000; 200 when the memory cannot
// be read.
func DefaultMaxSessions() int {
	return sessionsFor(readMemory("/proc/meminfo", "/sys/fs/cgroup/memory.max"))
}

// sessionsFor applies the budget to total bytes of memory (0: unknown).
func sessionsFor(total uint64) int {
	if total == 0 {
		return fallbackSessions
	}
	return int(min(max(total/2/memoryPerSession, minSessions), maxSessions))
}

// readMemory returns the machine's memory from a meminfo file, lowered to
// a cgroup v2 memory.max if that is set; 0 if meminfo cannot be read.
func readMemory(meminfo, cgroupMax string) uint64 {
	b, err := os.ReadFile(meminfo)
	if err != nil {
		return 0
	}
	var total uint64
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			total = kb << 10
		}
	}
	if b, err := os.ReadFile(cgroupMax); err == nil {
		if lim, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && lim > 0 && lim < total {
			total = lim
		}
	}
	return total
}

// The defaults of the limits per address (Config, huddle serve's flags):
// new connections per address per second and at once, and connections
// from one address that have not authenticated yet. The burst lets an
// office of 200 behind one address arrive at the same minute; the rate
// and the cap bound what one address's handshakes cost (a key exchange
// each).
const (
	DefaultConnectRate     = 5
	DefaultConnectBurst    = 200
	DefaultConnsPerAddress = 16
)
