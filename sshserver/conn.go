package sshserver

// This file is long (about 580 lines) on purpose: it is the life of one
// interactive connection, from the program's start through entering a
// session by code, presence, resizes and input to eviction and goodbye,
// which share the conn's lock and its order of shutting down; split, that
// order would have to be read across files.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"huddle/internal/beat"
	"huddle/internal/rowpaint"
	"huddle/session"
	"huddle/tui"
)

// conn is one interactive SSH session: a participant's program and the
// rooms it entered.
type conn struct {
	s      *Server
	sess   ssh.Session
	key    string // identity: the key fingerprint
	user   string // the SSH user name, cleaned
	ctx    context.Context
	cancel context.CancelFunc
	opts   tui.Options
	env    []string // the whole environment the program sees (environ.go)

	mu      sync.Mutex
	prog    *tea.Program
	entered []entered
	wrong   int  // wrong join codes typed on this connection
	idle    bool // the program ended for want of key presses

	out       *outWriter    // the program's output (evict.go)
	evictOnce sync.Once     // evict acts once
	evicted   atomic.Bool   // the client stopped reading and was evicted
	farewell  chan struct{} // closed once an evicted client got its terminal back, or was cut off

	screen *rowpaint.Painter // paints the program's views on out (program)
	paint  io.Writer         // out as the program writes to it: a failed write ends the program (program)
}

type entered struct {
	room *session.Room
	me   session.ParticipantID
}

// interactive runs one Bubble Tea program per interactive SSH session
// (see run), and cleans up after it: the
// participant leaves the rooms they entered once their last connection
// has gone.
func (s *Server) interactive(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		c := s.newConn(sess)
		defer c.close()
		p, err := c.program()
		if err != nil {
			wish.Fatalln(sess, "huddle: "+err.Error())
			return
		}
		if !s.track(c, p) {
			wish.Fatalln(sess, "huddle: the server is restarting; try again in a moment")
			return
		}
		defer s.untrack(c)
		c.run(p)
		if c.evicted.Load() {
			// Its channel may still be full: wait for the farewell
			// (evict) rather than write a goodbye that would block.
			<-c.farewell
			return
		}
		_ = c.screen.Close() // the terminal back, as Bubble Tea's renderer gives it
		c.goodbye()
		next(sess)
	}
}

// resizeEvery is the shortest time between two window changes passed on
// to a program: a client that floods window-change requests costs one
// repaint per interval, not one per request.
const resizeEvery = 100 * time.Millisecond

// run runs the program until it ends, as wish's bubbletea middleware does,
// except that window changes are passed on at most every resizeEvery,
// the newest size winning; that the server reads the keys (readKeys) and
// asks the terminal's questions itself; and that a client that stops
// answering is evicted (keepAlive). Besides the program's own, a
// connection has two goroutines: its reader, which decodes keys, and one
// loop for window changes, keepalives and the end of the connection.
func (c *conn) run(p *tea.Program) {
	_, winch, _ := c.sess.Pty()
	ctx, cancel := context.WithCancel(c.sess.Context())
	keys := rate.NewLimiter(keysPerSecond, keyBurst)
	in := newKeyDecoder(func(ev uv.Event) {
		// Faster than anyone types, the keys wait: the client's
		// input backs up on its own connection instead of the
		// server redrawing its screen thousands of times a second.
		if keys.Wait(ctx) == nil {
			p.Send(ev)
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		connLoop(ctx, p, winch, c.keepAlive(ctx))
	}()
	// With the server reading keys, Bubble Tea sends no terminal query
	// itself: ask for the background colour (light or dark styles) and for
	// synchronized output and Unicode widths, as it would; the replies
	// come back through readKeys.
	// (Through c.out: a client whose window stays shut is evicted.)
	_, _ = io.WriteString(c.out, ansi.RequestBackgroundColor+ansi.RequestModeSynchronizedOutput+ansi.RequestModeUnicodeCore)
	go func() {
		readKeys(c.sess, in)
		// The client sent EOF or closed its channel: a write tells
		// which. To a closed channel it fails, and the program ends
		// (failWriter); after EOF alone the screen stays. (Nothing else
		// may be written for minutes: in the waiting room, nothing
		// changes by the second.)
		if c.paint != nil {
			_, _ = c.paint.Write([]byte(ansi.ResetStyle))
		}
	}()
	if _, err := p.Run(); errors.Is(err, tea.ErrProgramPanic) {
		// Bubble Tea recovered and printed the stack on stderr; the
		// participant has lost their screen.
		c.s.log.Error("program panicked", "user", c.user, "err", err)
	} else if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		c.s.log.Debug("program", "user", c.user, "err", err)
	}
	p.Kill() // restores nothing over SSH, but ends a program that did not
	cancel()
	// The reader may stay blocked on a client that never acknowledges
	// the close of its channel: it keeps its buffers, not the program.
	in.release()
	<-done
}

// readKeys reads the client's input through inputBound into the key
// decoder until the channel ends. (Bubble Tea's own reader blocks for good
// sending a key it read to a program that has ended, which keeps its
// goroutine and the whole program in memory: "q" followed by anything,
// in one packet, was enough. The decoder passes keys on with Send, which
// gives up once the program has ended, and drops them after release.)
func readKeys(r io.Reader, in *keyDecoder) {
	b := newInputBound(r)
	buf := make([]byte, readSize)
	for {
		n, err := b.Read(buf)
		if n > 0 {
			in.feed(buf[:n])
		}
		if err != nil {
			in.end()
			return
		}
	}
}

// connLoop is a connection's loop beside its program: it passes the
// client's window changes to the program at most every resizeEvery (the
// newest size winning), asks for a keepalive reply every keepalive.every
// (if there is a keepalive; at the server's beat, with every other
// connection) and, once ctx ends, tells the program to quit.
func connLoop(ctx context.Context, p *tea.Program, winch <-chan ssh.Window, keepalive *keepAlive) {
	var (
		pending *ssh.Window
		last    time.Time
		wait    = time.NewTimer(0)
		tick    <-chan struct{}
		started = time.Now()
	)
	defer wait.Stop()
	<-wait.C
	if keepalive != nil {
		tick = keepalive.beat.Next()
	}
	send := func() {
		p.Send(tea.WindowSizeMsg{Width: pending.Width, Height: pending.Height})
		pending, last = nil, time.Now()
	}
	for {
		select {
		case <-ctx.Done():
			p.Quit()
			return
		case w, ok := <-winch:
			if !ok {
				winch = nil
				continue
			}
			first := pending == nil
			pending = &w
			if since := time.Since(last); since >= resizeEvery {
				send()
			} else if first {
				wait.Reset(resizeEvery - since)
			}
		case <-wait.C:
			if pending != nil {
				send()
			}
		case <-tick:
			if time.Since(started) >= keepalive.every { // not on a connection that has just come
				keepalive.ask()
			}
			tick = keepalive.beat.Next()
		}
	}
}

func (s *Server) newConn(sess ssh.Session) *conn {
	ctx, cancel := context.WithCancel(sess.Context())
	// The environment is read once: charm.land/ssh writes the pty's
	// window from another goroutine, unlocked, on every window change.
	c := &conn{s: s, sess: sess, key: keyOf(sess), user: session.CleanName(sess.User()), ctx: ctx, cancel: cancel, env: clientEnviron(sess)}
	if c.user == "" {
		c.user = "guest"
	}
	c.farewell = make(chan struct{})
	c.out = newOutWriter(channelOf(sess), s.cfg.StallTimeout, c.evict)
	c.opts = tui.Options{Context: ctx, Key: c.key, JoinCommand: s.joinCommand(sess.LocalAddr()), Location: clientZone(c.env), IdleTimeout: s.cfg.IdleTimeout, Clock: s.cfg.Clock, Actions: s.cfg.Actions, ActionBurst: s.cfg.ActionBurst, Bodies: s.bodies,
		OnIdle: func() {
			c.mu.Lock()
			c.idle = true
			c.mu.Unlock()
		}}
	return c
}

// program builds the participant's program: straight into a session for
// join and watch, else the lobby.
func (c *conn) program() (*tea.Program, error) {
	pty, _, ok := c.sess.Pty()
	if !ok {
		return nil, fmt.Errorf("this needs a terminal: use ssh -t")
	}
	theme, err := c.theme() // theme.go
	if err != nil {
		return nil, err
	}
	c.opts.Theme = theme
	var model tea.Model
	var fed *tui.Model
	if t, ok := targetOf(c.sess); ok {
		room, me, err := c.enter(t.code, t.observer)
		if err != nil {
			return nil, err
		}
		fed = tui.New(room, me, c.opts)
		model = fed
	} else {
		model = tui.NewApp(lobby{c}, c.opts)
	}
	var p *tea.Program
	// Not bubbletea.MakeOptions: it hands the client's whole environment
	// and TERM to Bubble Tea's colour detection (see environ.go).
	env := c.env
	width, height := clamp(pty.Window.Width, 1, maxWidth), clamp(pty.Window.Height, 1, maxHeight)
	// A client that closed its channel but kept the connection is
	// noticed at the first failed write, at the latest the one made
	// when its input ends (run): the program ends. (When the
	// connection itself ends, wish's middleware quits the program.)
	out := failWriter{w: c.out, fail: func() {
		c.cancel()
		go p.Quit() // not from inside the program's write
	}}
	// Views are painted by rows encoded once for the whole server
	// (internal/rowpaint), not by Bubble Tea's renderer, which parses
	// and diffs every participant's frame cell by cell. The program runs
	// at one frame a second: nothing but raw output would wait for its
	// ticker, and the filter writes that (the bell) at once.
	c.paint = out
	c.screen = rowpaint.New(out, rowpaint.Options{Width: width, Height: height, Profile: colourProfile(env)})
	painted := rowpaint.Wrap(model, c.screen) // a stand-up's screen is given as rows shared by the room (rowpaint.RowFramer), others are drawn into the painter's buffer (rowpaint.Framer)
	opts := []tea.ProgramOption{
		tea.WithEnvironment(env),
		tea.WithColorProfile(colourProfile(env)),
		tea.WithoutSignalHandler(), // the server owns shutdown
		tea.WithInput(nil),         // keys come from readInput
		tea.WithFilter(painted.Filter(clampFilter)),
		tea.WithWindowSize(width, height),
		tea.WithoutRenderer(),
		tea.WithFPS(1),
		tea.WithOutput(out),
	}
	p = tea.NewProgram(painted, opts...)
	if fed != nil {
		fed.Feed(p.Send) // snapshots and ticks from one goroutine, not one per message
	}
	return p, nil
}

// enter joins the session with the code as this connection's key. Every
// attempt is paid for (see codeGuard); a code that does not lead in is
// answered alike whether it is unknown or expired.
func (c *conn) enter(code string, observer bool) (*session.Room, session.ParticipantID, error) {
	addr := hostOf(c.sess.RemoteAddr())
	guard := codeGuardOf(c.s)
	tried := guard.try(addr, c.key)
	paid := tried
	norm, ok := session.ParseJoinCode(code)
	var room *session.Room
	var err error
	if ok {
		room, err = c.s.hub.ByCode(c.ctx, norm)
	}
	if err != nil && !errors.Is(err, session.ErrNotFound) {
		return nil, "", err
	}
	hit := ok && err == nil
	if hit {
		st := room.Snapshot().State
		ofTeam := func() bool { return c.s.teamKey(c.ctx, st.Config.Team, c.key) }
		switch st.EnterByCode(c.key, ofTeam, c.s.now()) {
		case session.AsParticipant:
			// Back to a session of one's own: no guess.
			if paid {
				guard.refund(addr, c.key)
			}
			paid, tried = true, false
		case session.AsTeam:
			// The team's own key: its sessions do not expire for it,
			// and when only the server's budget refused it,
			// guessers who spent that do not lock the team out of
			// its stand-up.
			paid = paid || guard.own(addr, c.key)
		case session.CodeExpired:
			hit = false
		}
		if !hit || !paid {
			c.s.hub.Evict(room.ID()) // if nobody else is in it
		}
	}
	if !paid {
		c.cancel()
		return nil, "", errors.New(tooManyCodes)
	}
	if hit && tried {
		// A code that led in gives its address its payment back: an
		// office behind one address joins as many as it is.
		guard.hit(addr)
	}
	if !hit {
		guard.miss(addr, c.key)
		c.mu.Lock()
		c.wrong++
		tooMany := c.wrong > 3
		c.mu.Unlock()
		if tooMany {
			c.cancel()
			return nil, "", errors.New(tooManyCodes)
		}
		return nil, "", fmt.Errorf("no session has the join code %q; check it with whoever opened the session", session.CleanName(code))
	}
	me, err := c.s.presence.join(room, c.key, c.user, observer)
	if err != nil {
		return nil, "", err
	}
	c.mu.Lock()
	c.entered = append(c.entered, entered{room, me})
	c.mu.Unlock()
	return room, me, nil
}

// track registers a running program so Shutdown can end it; it refuses
// once the server is shutting down.
func (s *Server) track(c *conn, p *tea.Program) bool {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	if s.shuttingDown.Load() {
		return false
	}
	c.mu.Lock()
	c.prog = p
	c.mu.Unlock()
	s.conns[c] = true
	return true
}

func (s *Server) untrack(c *conn) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	delete(s.conns, c)
}

// stop ends the connection's program from outside.
func (c *conn) stop() {
	c.cancel()
	c.mu.Lock()
	p := c.prog
	c.mu.Unlock()
	if p != nil {
		go p.Quit()
	}
}

// goodbye tells the participant why the program ended, if it was not
// their own doing.
func (c *conn) goodbye() {
	c.mu.Lock()
	idle := c.idle
	barred := false
	for _, e := range c.entered {
		barred = barred || e.room.Snapshot().State.Barred[c.key]
	}
	c.mu.Unlock()
	switch {
	case barred:
		wish.Println(c.sess, "huddle: the facilitator has not let you into this session.")
	case c.s.shuttingDown.Load():
		wish.Println(c.sess, "huddle: the server is restarting; run the same ssh command in a moment to rejoin where you were.")
	case idle:
		wish.Println(c.sess, fmt.Sprintf("huddle: disconnected after %s without a key press; run the same ssh command to rejoin.", c.s.cfg.IdleTimeout))
	}
}

// close leaves every room this connection entered, once the participant
// has no other connection in it.
func (c *conn) close() {
	c.cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entered {
		if err := c.s.presence.leave(e.room, c.key, e.me); err != nil {
			c.s.log.Debug("leave", "err", err)
		}
		c.s.hub.Evict(e.room.ID())
	}
	c.entered = nil
}

// evict ends the session of a client that stopped taking its output:
// the participant is marked away at once and their program ends (its
// writes fail from now on, however the one under way fares). The
// connection stays open for a grace of farewellGrace stall timeouts: a
// client that reads again within it gets the frame it was sent, then its
// terminal back (restoreTerminal: out of the alternate screen, cursor
// shown) and a line saying why, and its session ends as usual. One that
// does not is closed, which fails the blocked write. It never waits on
// anything the blocked write holds.
func (c *conn) evict() {
	c.evictOnce.Do(func() {
		c.s.log.Warn("evicting a client that stopped reading", "user", c.user, "key", c.key,
			"remote", c.sess.RemoteAddr().String(), "after", c.s.cfg.StallTimeout)
		c.evicted.Store(true)
		c.out.shut.Store(true)
		c.cancel()
		c.close() // away now, not when the client reads again
		go func() {
			defer close(c.farewell)
			stall := c.s.cfg.StallTimeout
			if !c.out.farewell([]byte(restoreTerminal+farewellText(stall)), farewellGrace*stall) {
				closeConn(c.sess)
			}
		}()
	})
}

// keepAlive asks the client for a reply every third of the stall
// timeout (connLoop calls ask). A client that has not answered within the
// stall timeout has stopped reading its socket (a suspended laptop) and
// is evicted, however little the server had to send it. (A client that
// reads its socket but not the session's channel still answers; the
// write deadline of its connection (countedConn, limits.go) catches it
// once its window is full.) The eviction runs on a timer of its own, so
// that nothing connLoop waits for delays it.
type keepAlive struct {
	ctx      context.Context
	conn     gossh.Conn
	beat     *beat.Beat // of every
	every    time.Duration
	stall    time.Duration
	evict    func()
	inFlight atomic.Bool
}

// keepAlive returns the connection's keepalive, or nil if the session
// has no SSH connection to ask (tests).
func (c *conn) keepAlive(ctx context.Context) *keepAlive {
	sc, ok := c.sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn)
	if !ok {
		return nil
	}
	stall := c.s.cfg.StallTimeout
	return &keepAlive{ctx: ctx, conn: sc, beat: c.s.keepalives, every: keepaliveEvery(stall), stall: stall, evict: c.evict}
}

// keepaliveEvery is how often a connection asks for a keepalive reply:
// three times within the stall timeout.
func keepaliveEvery(stall time.Duration) time.Duration {
	return max(stall/3, 10*time.Millisecond)
}

// ask sends a keepalive request unless one is still waiting for its
// reply; one not answered within the stall timeout evicts the client.
func (k *keepAlive) ask() {
	if !k.inFlight.CompareAndSwap(false, true) {
		return
	}
	late := time.AfterFunc(k.stall, func() {
		if k.ctx.Err() == nil {
			k.evict()
		}
	})
	go func() {
		// Returns with the reply, or with an error once the
		// connection is closed.
		_, _, _ = k.conn.SendRequest("keepalive@openssh.com", true, nil)
		late.Stop()
		k.inFlight.Store(false)
	}()
}

// failWriter cancels the program when a write fails.
type failWriter struct {
	w    io.Writer
	fail context.CancelFunc
}

func (f failWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil {
		f.fail()
	}
	return n, err
}

// presence counts each key's connections per room, so that a participant
// joins with their first connection and leaves with their last. Joins and
// leaves go through one lock, so a reconnect can never be overtaken by the
// leave of the connection it replaces.
type presence struct {
	mu    sync.Mutex
	n     map[[2]string]int
	seen  map[string]bool        // rooms whose stale presence was cleared
	rooms map[string]*sync.Mutex // one lock per room: a slow room holds up only itself
	hub   *session.Hub           // told of every connection (Hold, Release) for the other nodes
}

func (p *presence) init() {
	p.n, p.seen, p.rooms = map[[2]string]int{}, map[string]bool{}, map[string]*sync.Mutex{}
}

// lock takes the room's presence lock.
func (p *presence) lock(room string) func() {
	p.mu.Lock()
	l, ok := p.rooms[room]
	if !ok {
		l = new(sync.Mutex)
		p.rooms[room] = l
	}
	p.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// count changes a key's connection count in a room and returns it.
func (p *presence) count(room, key string, delta int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := [2]string{room, key}
	p.n[k] += delta
	n := p.n[k]
	if n <= 0 {
		delete(p.n, k)
	}
	return n
}

// fresh reports, once per room, that this process has not seen it yet.
func (p *presence) fresh(room string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen[room] {
		return false
	}
	p.seen[room] = true
	return true
}

// touch clears a room's stale presence before anyone reads it.
func (p *presence) touch(room *session.Room) {
	defer p.lock(room.ID())()
	p.clearStale(room)
}

// clearStale marks away everyone a room still shows as present from
// before this server started (session.Stale), once per room. The room's
// lock is held.
func (p *presence) clearStale(room *session.Room) {
	if !p.fresh(room.ID()) {
		return
	}
	for _, id := range p.hub.Stale(room.Snapshot().State) {
		_ = room.Submit(id, session.Leave{Who: id})
	}
}

// join makes the key a present participant of the room and returns who
// they are. A finished session can still be entered, to read its summary.
func (p *presence) join(room *session.Room, key, name string, observer bool) (session.ParticipantID, error) {
	defer p.lock(room.ID())()
	p.clearStale(room)
	p.hub.Hold(room.ID(), key)
	err := room.Submit(session.SSHID(key), session.Join{Key: key, Name: name, Observer: observer})
	st := room.Snapshot().State
	if err != nil && (st.Phase != session.Closed || !errors.Is(err, session.ErrPhase)) {
		p.hub.Release(room.ID(), key)
		return "", err
	}
	me := session.SSHID(key)
	if pt, ok := st.ByKey(key); ok {
		me = pt.ID
	}
	p.count(room.ID(), key, +1)
	return me, nil
}

// leave ends one connection of the key; with the last, the participant
// leaves as session.Departure says.
func (p *presence) leave(room *session.Room, key string, me session.ParticipantID) error {
	defer p.lock(room.ID())()
	defer p.hub.Release(room.ID(), key)
	if p.count(room.ID(), key, -1) > 0 {
		return nil
	}
	actor, cmd, ok := session.Departure(room.Snapshot().State, key, me)
	if !ok {
		return nil
	}
	return room.Submit(actor, cmd)
}

// The keys (and terminal replies) a participant's program takes in a
// second, and at once: above typing (rarely 15 a second) and key repeat
// (30), and a burst for a short paste without bracketed paste mode. Each
// key redraws its participant's screen: 25 clients typing at 100 a second
// kept both cores of the server busy.
const (
	keysPerSecond = 40
	keyBurst      = 120
)

// readInput parses the participant's keys and passes them to the program
// with Send, which gives up once the program has ended, until the session
// ends. (Bubble Tea's own reader blocks for good sending a key it read to
// a program that has ended, which keeps its goroutine and the whole
// program in memory: "q" followed by anything, in one packet, was enough.)
func (c *conn) readInput(ctx context.Context, p *tea.Program, term string) {
	// The decoder reads a pipe, not the session, and the pipe is closed
	// when the program ends: a client that never acknowledges the close of
	// its channel then holds a small pump, not the decoder and, through
	// it, the program.
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, c.sess)
		_ = pw.CloseWithError(err)
	}()
	events := make(chan uv.Event)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = uv.NewTerminalReader(newInputBound(pr), term).StreamEvents(ctx, events)
	}()
	ended := ctx.Done() // run cancels ctx once the program has ended
	keys := rate.NewLimiter(keysPerSecond, keyBurst)
	for {
		select {
		case ev := <-events:
			// Faster than anyone types, the keys wait: the client's
			// input backs up on its own connection instead of the
			// server redrawing its screen thousands of times a second.
			if keys.Wait(ctx) == nil {
				p.Send(ev)
			}
		case <-ended:
			_ = pr.CloseWithError(io.EOF)
			ended = nil
		case <-done:
			return
		}
	}
}

var (
	_ rowpaint.Framer    = (*tui.Model)(nil)
	_ rowpaint.RowFramer = (*tui.Model)(nil)
)
