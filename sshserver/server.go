package sshserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/recover"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"huddle/internal/beat"
	"huddle/session"
	"huddle/tui"
)

// Config is how a Server runs. The zero value of each optional field has a
// sane default.
type Config struct {
	HostKey        []byte         // PEM; see EnsureHostKey
	AuthorizedKeys AuthorizedKeys // nil: any key may connect (and the log says so); see SetAuthorizedKeys
	AllowAnonymous bool           // offer keyboard-interactive login without a key
	MaxSessions    int            // concurrent SSH sessions; 0: DefaultMaxSessions, what the memory allows
	SessionsPerKey int            // concurrent SSH sessions of one key; 0: 8
	IdleTimeout    time.Duration  // without a key press; 0: 30m
	Logger         *log.Logger    // nil: log.Default()
	Clock          session.Clock  // nil: the real clock
	// Limits per address apply only to connections that have not
	// authenticated yet; an office behind one NAT address is many keys,
	// and once in, each counts against its own key (a login without a
	// key counts against its address).
	//
	// ConnectRate limits new connections per address (per second, with
	// a burst of ConnectBurst), before any SSH work; 0: 5 per second,
	// burst 200 (an office arriving at once). ConnsPerAddress caps the
	// connections from one address that have not authenticated yet
	// (handshakes under way); 0: 16. PreAuthTotal caps them in all (0:
	// 256), so that a flood of them never takes the places of people who
	// got in. One that has not authenticated and opened a session within
	// AuthWindow is closed (0: 20s; the SSH handshake itself must end
	// within half of it).
	ConnectRate     float64
	ConnectBurst    int
	ConnsPerAddress int
	PreAuthTotal    int
	AuthWindow      time.Duration
	// After authentication: KeyConnectRate limits a key's new sessions
	// (per second, burst KeyConnectBurst; 0: 2 per second, burst 10),
	// ConnsPerKey its open connections (0: 4 × SessionsPerKey: a
	// connection whose sessions have ended stays open until the client
	// closes it).
	KeyConnectRate  float64
	KeyConnectBurst int
	ConnsPerKey     int
	// Actions limits each participant's commands per second (burst
	// ActionBurst); 0: 3 per second, burst 10. Each action redraws every
	// screen of the room, so this bounds what one participant costs all.
	Actions     float64
	ActionBurst int
	// StallTimeout is how long a write to one client may block before the
	// client is taken for gone (a suspended laptop, a stuck network) and
	// evicted: marked away, its session ended, its terminal restored if it
	// reads again soon, else its connection closed (see conn.evict); 0:
	// 15s. Nobody else ever waits on it.
	StallTimeout time.Duration
	// PublicHost is the host name (or host:port) people join with, as
	// the facilitator's screen shows it in `ssh -t -p PORT HOST join
	// CODE`; empty: the address and port each client connected to.
	PublicHost string
	// Ended, if set, is called when a session ends (see
	// session.RoomOptions.Ended), e.g. to export it.
	Ended func(id string)
	// Opened, if set, is called when someone opens a session (in the
	// lobby or with `new`), with the command that joins it up to its
	// code ("" if the server cannot tell its address), e.g. to post it
	// to the team's chat. It must not block: the opener waits for it.
	Opened func(info session.Info, join string)
	// Theme is the look of the screen for clients that choose none (see
	// theme.go); the zero value is huddle's usual one.
	Theme tui.Theme
	// ProxyProtocol makes every connection start with a PROXY protocol
	// header (v1 or v2) from a load balancer, whose client address the
	// limits and the log then use; a connection without one is closed
	// (proxy.go).
	ProxyProtocol bool
}

// Size limits for the pty a client claims: nobody gets to make the server
// allocate a screen buffer for a million cells.
const (
	maxWidth  = 500
	maxHeight = 200
)

// Server is huddle served over SSH.
type Server struct {
	cfg   Config
	log   *log.Logger
	store session.Store
	hub   *session.Hub
	ssh   *ssh.Server

	listener atomic.Pointer[limitListener] // set by Serve

	sessions     atomic.Int64 // SSH sessions being served
	shuttingDown atomic.Bool
	presence     presence
	codes        *codeGuard // join-code attempts, per address, per key and in all
	keys         keyring    // the authorized keys, swapped at runtime (keys.go)
	teams        *session.Teams
	opened       *limiters      // new sessions, per key
	starts       *limiters      // new SSH sessions, per key (limitKey)
	bodies       *tui.BodyCache // the screens its participants share
	keepalives   *beat.Beat     // when every connection asks for a keepalive reply

	connsMu sync.Mutex
	conns   map[*conn]bool // interactive sessions, to end them at shutdown
	perKey  map[string]int // SSH sessions per key, under connsMu

	wg sync.WaitGroup
}

// New returns a server over the store. It does not listen yet.
func New(cfg Config, st session.Store) (*Server, error) {
	if len(cfg.HostKey) == 0 {
		return nil, errors.New("sshserver: a host key is needed")
	}
	if cfg.PublicHost != "" && !publicHostPattern.MatchString(cfg.PublicHost) {
		return nil, fmt.Errorf("public host %q: give a host name or address with an optional :port, like huddle.example.org", cfg.PublicHost)
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions()
	}
	if cfg.SessionsPerKey <= 0 {
		cfg.SessionsPerKey = 8
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = log.Default()
	}
	if cfg.ConnectRate <= 0 {
		cfg.ConnectRate, cfg.ConnectBurst = DefaultConnectRate, DefaultConnectBurst
	}
	if cfg.ConnectBurst <= 0 {
		cfg.ConnectBurst = max(1, int(cfg.ConnectRate))
	}
	if cfg.KeyConnectRate <= 0 {
		cfg.KeyConnectRate, cfg.KeyConnectBurst = 2, 10
	}
	if cfg.KeyConnectBurst <= 0 {
		cfg.KeyConnectBurst = max(1, int(cfg.KeyConnectRate))
	}
	if cfg.ConnsPerKey <= 0 {
		cfg.ConnsPerKey = 4 * cfg.SessionsPerKey
	}
	if cfg.Actions <= 0 {
		cfg.Actions, cfg.ActionBurst = 3, 10
	}
	if cfg.ConnsPerAddress <= 0 {
		cfg.ConnsPerAddress = DefaultConnsPerAddress
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = 15 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = session.RealClock{}
	}
	if cfg.PreAuthTotal <= 0 {
		cfg.PreAuthTotal = 256
	}
	if cfg.AuthWindow <= 0 {
		cfg.AuthWindow = 20 * time.Second
	}
	if cfg.AllowAnonymous && cfg.AuthorizedKeys != nil {
		return nil, errors.New("sshserver: anonymous login would let in people the authorized keys leave out; choose one")
	}
	s := &Server{
		cfg:    cfg,
		log:    cfg.Logger,
		store:  st,
		codes:  newCodeGuard(cfg.Clock),
		opened: newLimiters(rate.Every(time.Minute), 10),
		starts: newLimiters(rate.Limit(cfg.KeyConnectRate), cfg.KeyConnectBurst),
		conns:  map[*conn]bool{},
		perKey: map[string]int{},
		bodies: tui.NewBodyCache(),
		// All at once, at the turn of the second when the countdowns
		// are painted too: a thousand idle connections wake the
		// process once for it, not a thousand times apart.
		keepalives: beat.New(keepaliveEvery(cfg.StallTimeout)),
	}
	s.presence.init()
	s.keys.init(cfg.AuthorizedKeys)
	s.teams = session.NewTeams(st, cfg.Clock)
	s.hub = session.NewHub(st, session.RoomOptions{
		Clock: cfg.Clock,
		Teams: s.teams,
		Error: func(err error) { s.log.Error("room", "err", err) },
		Ended: cfg.Ended,
	})
	s.presence.hub = s.hub
	opts := []ssh.Option{
		wish.WithHostKeyPEM(cfg.HostKey),
		wish.WithPublicKeyAuth(s.allowKey),
		// A backstop for commands; the lobby and sessions count key
		// presses themselves, as the server's own output and the
		// clients' keepalive replies reset this timer.
		wish.WithIdleTimeout(cfg.IdleTimeout),
		// The middleware stack; the last listed runs first:
		wish.WithMiddleware(
			// 4. Everything huddle does, guarded: a panic ends one SSH
			// session, never the server. Inside, routing runs first
			// (commands, join, watch), then one Bubble Tea program per
			// interactive session (conn.run: wish's program middleware,
			// with resizes coalesced and keys read by the server).
			recover.MiddlewareWithLogger(s.log.StandardLog(),
				s.interactive,
				s.route,
			),
			// 3. No more than MaxSessions at once.
			s.limitSessions,
			// 2. A log line per connection, with client bytes cleaned.
			s.logConnections,
			// 1. A key's flood of new sessions is refused first (a
			// flood of connections from one address was closed by the
			// listener before any SSH work: limits.go).
			s.limitKeyRate,
			// 0. Around it all: window changes keep being read after the
			// session's handler is done.
			drainWindowChanges,
		),
	}
	if cfg.AllowAnonymous {
		opts = append(opts, wish.WithKeyboardInteractiveAuth(func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("sshserver: %w", err)
	}
	// A connection must finish its handshake soon; none lives for ever.
	srv.HandshakeTimeout = cfg.AuthWindow / 2
	// Each connection's state (its place in the listener's pools, its
	// open channels) rides in its context; session channels are bounded
	// (channels.go).
	srv.ConnCallback = trackConn
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
	srv.MaxTimeout = 24 * time.Hour
	s.ssh = srv
	if cfg.AuthorizedKeys == nil {
		s.log.Warn("no authorized keys file: any SSH key may connect")
	}
	if cfg.AllowAnonymous {
		s.log.Warn("anonymous keyboard-interactive login is allowed")
	}
	return s, nil
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("serving huddle over SSH", "addr", ln.Addr().String(), "proxy-protocol", s.cfg.ProxyProtocol)
	if s.cfg.ProxyProtocol {
		ln = newProxyListener(ln, s.cfg.AuthWindow/2, s.cfg.PreAuthTotal, s.log)
	}
	l := newLimitListener(ln, listenerLimits{
		// Authenticated connections beyond MaxSessions are told the
		// server is full by limitSessions; the listener's own cap is a
		// backstop a little above it.
		perKey: s.cfg.ConnsPerKey, total: s.cfg.MaxSessions + 32,
		prePerIP: s.cfg.ConnsPerAddress, preTotal: s.cfg.PreAuthTotal,
		authWindow: s.cfg.AuthWindow, stall: s.cfg.StallTimeout,
		rate: rate.Limit(s.cfg.ConnectRate), burst: s.cfg.ConnectBurst,
	})
	s.listener.Store(l)
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections, tells every participant that the
// server is restarting, closes their sessions and the rooms, and waits for
// the handlers to finish or ctx to end. Unfinished sessions stay in the
// store and come back when people rejoin after a restart.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shuttingDown.Store(true)
	// Closing the rooms ends every program in a session (its
	// subscription closes); the lobbies are told to quit.
	err := s.hub.Close()
	s.connsMu.Lock()
	for c := range s.conns {
		c.stop()
	}
	s.connsMu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	// Every handler has said goodbye (or ctx ran out): close the
	// listener and whatever connections clients keep open.
	if cerr := s.ssh.Close(); cerr != nil && !errors.Is(cerr, ssh.ErrServerClosed) {
		err = errors.Join(err, cerr)
	}
	return err
}

func (s *Server) limitSessions(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if n := s.sessions.Add(1); n > int64(s.cfg.MaxSessions) {
			s.sessions.Add(-1)
			wish.Fatalln(sess, "huddle: the server is full; try again later")
			return
		}
		s.wg.Add(1)
		defer func() {
			s.sessions.Add(-1)
			s.wg.Done()
		}()
		// One key (one person, or one script) may not take the places
		// of everyone else, over however many connections.
		key := keyOf(sess)
		s.connsMu.Lock()
		mine := s.perKey[key] + 1
		if mine <= s.cfg.SessionsPerKey {
			s.perKey[key] = mine
		}
		s.connsMu.Unlock()
		if mine > s.cfg.SessionsPerKey {
			wish.Fatalln(sess, fmt.Sprintf("huddle: your key has %d sessions open already; close one first", s.cfg.SessionsPerKey))
			return
		}
		defer func() {
			s.connsMu.Lock()
			if s.perKey[key]--; s.perKey[key] <= 0 {
				delete(s.perKey, key)
			}
			s.connsMu.Unlock()
		}()
		if s.shuttingDown.Load() {
			wish.Fatalln(sess, "huddle: the server is restarting; try again in a moment")
			return
		}
		next(sess)
	}
}

// limitKeyRate refuses a key's new sessions beyond KeyConnectRate, with a
// message: one key (one person, or one script) reconnecting in a loop
// costs a refusal, not a program.
func (s *Server) limitKeyRate(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if !s.starts.allow(limitKey(sess.Context())) {
			wish.Fatalln(sess, "huddle: rate limit exceeded for your key: too many new sessions at once; try again in a moment")
			return
		}
		next(sess)
	}
}

func (s *Server) logConnections(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		start := time.Now()
		pty, _, _ := sess.Pty()
		s.log.Info("connect", "user", session.CleanName(sess.User()), "remote", sess.RemoteAddr().String(),
			"key", keyOf(sess), "command", session.CleanText(sess.RawCommand(), 120),
			"term", session.CleanName(pty.Term), "width", pty.Window.Width, "height", pty.Window.Height)
		next(sess)
		s.log.Info("disconnect", "user", session.CleanName(sess.User()), "remote", sess.RemoteAddr().String(), "duration", time.Since(start).Round(time.Millisecond))
	}
}

// keyOf is the identity of the connection: the SHA256 fingerprint of its
// public key, or for an anonymous login a name that is new every time.
func keyOf(sess ssh.Session) string {
	if pk := sess.PublicKey(); pk != nil {
		return gossh.FingerprintSHA256(pk)
	}
	if id, ok := sess.Context().Value(anonKey{}).(string); ok {
		return id
	}
	id := session.AnonymousKey + session.NewID()
	sess.Context().SetValue(anonKey{}, id)
	return id
}

type anonKey struct{}

// clampFilter keeps window sizes within bounds before Bubble Tea sizes its
// buffers to them, and turns suspend into resume (there is nothing to
// suspend to over SSH), as bubbletea.MakeOptions' own filter does.
func clampFilter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return tea.WindowSizeMsg{Width: clamp(msg.Width, 1, maxWidth), Height: clamp(msg.Height, 1, maxHeight)}
	case tea.SuspendMsg:
		return tea.ResumeMsg{}
	}
	return msg
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// drainWindowChanges reads the window changes that arrive once the
// handler has returned, until the channel closes. charm.land/ssh delivers
// each on a channel with room for one, and its request loop blocks for
// good on the next one that nobody reads, keeping its goroutine and the
// session: a client that resizes as its program ends, or while a command
// or a refused join is answered, would leave one behind every time.
func drainWindowChanges(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		sess = readPty(sess)
		_, winch, ok := sess.Pty()
		next(sess)
		if ok {
			go func() {
				for range winch { // closed when the channel's requests end
				}
			}()
		}
	}
}
