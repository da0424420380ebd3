package sshserver

import (
	"net"
	"sync"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// What one connection may hold before huddle does any work for it. The
// SSH library keeps every environment request of a session and opens as
// many session channels as a client asks for; a client that asked for
// 25,000 variables of 30 kB, or 50,000 channels, took the server's memory
// with it.
const (
	// maxChannels is how many sessions one connection may have open at
	// once: a participant needs one, two with a second command in flight
	// over a multiplexed connection.
	maxChannels = 4
	// maxEnvRequests is how many environment variables one session may
	// set; huddle reads four (see environ.go), clients send a handful.
	maxEnvRequests = 32
	// maxEnvPayload bounds one environment request: name and value.
	maxEnvPayload = 1024
)

// connState is what the server knows of one SSH connection, kept in its
// context: the listener's record of it and its open session channels.
type connState struct {
	counted *countedConn // nil when the listener is not a limitListener

	mu       sync.Mutex
	channels int
}

type connStateKey struct{}

// trackConn is the server's ConnCallback: every connection gets its
// connState before its handshake.
func trackConn(ctx ssh.Context, c net.Conn) net.Conn {
	st := &connState{}
	if cc, ok := c.(*countedConn); ok {
		st.counted = cc
	}
	ctx.SetValue(connStateKey{}, st)
	return c
}

func stateOf(ctx ssh.Context) *connState {
	st, _ := ctx.Value(connStateKey{}).(*connState)
	return st
}

// sessionChannel opens a session channel for an authenticated connection
// (the first one promotes the connection out of the listener's
// unauthenticated pool), refusing channels beyond maxChannels, and hands
// the SSH library a channel whose environment requests are bounded.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	st := stateOf(ctx)
	if st == nil {
		_ = nc.Reject(gossh.ResourceShortage, "huddle: connection not tracked")
		return
	}
	if st.counted != nil {
		if err := st.counted.authenticated(limitKey(ctx)); err != nil {
			_ = nc.Reject(gossh.ResourceShortage, "huddle: "+err.Error())
			_ = conn.Close()
			return
		}
	}
	st.mu.Lock()
	if st.channels >= maxChannels {
		st.mu.Unlock()
		_ = nc.Reject(gossh.ResourceShortage, "huddle: too many sessions on one connection")
		return
	}
	st.channels++
	st.mu.Unlock()
	defer func() {
		st.mu.Lock()
		st.channels--
		st.mu.Unlock()
	}()
	ssh.DefaultSessionHandler(srv, conn, boundedChannel{nc}, ctx)
}

// boundedChannel is a new session channel whose requests pass through
// boundRequests.
type boundedChannel struct{ gossh.NewChannel }

func (b boundedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := b.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	pc := &ptyChannel{Channel: ch, read: make(chan struct{})}
	go boundRequests(reqs, out, pc.read)
	return pc, out, nil
}

// The pty a session's handler reads. charm.land/ssh writes the pty's
// window size on every window-change request, from the channel's request
// loop, without a lock, and Session.Pty copies it: a data race with any
// read by the handler, unless the write comes after the read in the
// happens-before order. So the handler reads the pty once, first thing
// (readPty, in drainWindowChanges), and says so on its channel; until it
// has, boundRequests holds back the window changes (the newest one),
// which the request loop therefore writes only after the read.

// ptyReadRequest is the name of the request a handler "sends" on its own
// channel to say it has read the pty; ptyChannel takes it, the client
// never sees it.
const ptyReadRequest = "pty-read@huddle.internal"

// ptyChannel is a session's channel as charm.land/ssh gets it.
type ptyChannel struct {
	gossh.Channel
	read chan struct{} // closed once the handler has read the pty
	once sync.Once
}

func (c *ptyChannel) SendRequest(name string, wantReply bool, payload []byte) (bool, error) {
	if name == ptyReadRequest {
		c.once.Do(func() { close(c.read) })
		return true, nil
	}
	return c.Channel.SendRequest(name, wantReply, payload)
}

// readPty reads the session's pty once and returns the session that
// answers Pty with that copy (the window size it had then; the changes
// since arrive on the channel it returns), then lets the window changes
// through.
func readPty(sess ssh.Session) ssh.Session {
	pty, winch, ok := sess.Pty()
	_, _ = sess.SendRequest(ptyReadRequest, false, nil)
	return &readSession{Session: sess, pty: pty, winch: winch, ok: ok}
}

// readSession is a session whose pty was read once.
type readSession struct {
	ssh.Session
	pty   ssh.Pty
	winch <-chan ssh.Window
	ok    bool
}

func (s *readSession) Pty() (ssh.Pty, <-chan ssh.Window, bool) { return s.pty, s.winch, s.ok }

// boundRequests passes a session's requests on, refusing environment
// requests beyond maxEnvRequests or larger than maxEnvPayload, and
// holding back window changes (the newest; older ones are answered
// here) until read closes. It ends when the channel's requests end.
func boundRequests(in <-chan *gossh.Request, out chan<- *gossh.Request, read <-chan struct{}) {
	defer close(out)
	envs := 0
	var held *gossh.Request
	for {
		select {
		case r, ok := <-in:
			if !ok {
				if held != nil && held.WantReply {
					_ = held.Reply(false, nil)
				}
				return
			}
			switch {
			case r.Type == "env":
				envs++
				if envs > maxEnvRequests || len(r.Payload) > maxEnvPayload {
					if r.WantReply {
						_ = r.Reply(false, nil)
					}
					continue
				}
			case r.Type == "window-change" && read != nil:
				if held != nil && held.WantReply {
					_ = held.Reply(true, nil) // the newer size wins
				}
				held = r
				continue
			}
			out <- r
		case <-read:
			read = nil // never again
			if held != nil {
				out <- held
				held = nil
			}
		}
	}
}
