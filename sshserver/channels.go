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
	go boundRequests(reqs, out)
	return ch, out, nil
}

// boundRequests passes a session's requests on, refusing environment
// requests beyond maxEnvRequests or larger than maxEnvPayload. It ends
// when the channel's requests end.
func boundRequests(in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	envs := 0
	for r := range in {
		if r.Type == "env" {
			envs++
			if envs > maxEnvRequests || len(r.Payload) > maxEnvPayload {
				if r.WantReply {
					_ = r.Reply(false, nil)
				}
				continue
			}
		}
		out <- r
	}
}
