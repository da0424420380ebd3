package postgres_test

import (
	"context"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"huddle/internal/pgtest"
	"huddle/session"
	"huddle/session/postgres"
	"huddle/session/storetest"
)

// proxy forwards TCP connections to a server. Freeze makes the
// connections open so far go silent without closing, as a connection
// does whose peer vanished (a half-open connection); new ones work.
type proxy struct {
	l      net.Listener
	target string

	mu    sync.Mutex
	conns []*frozen
}

type frozen struct {
	mu     sync.Mutex
	frozen bool
}

func (f *frozen) is() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.frozen }

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: target}
	t.Cleanup(func() { l.Close() })
	go p.serve()
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		f := &frozen{}
		p.mu.Lock()
		p.conns = append(p.conns, f)
		p.mu.Unlock()
		go pipe(c, s, f)
		go pipe(s, c, f)
	}
}

// pipe copies until frozen; then it swallows what comes and keeps both
// ends open.
func pipe(dst, src net.Conn, f *frozen) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !f.is() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if !f.is() {
				dst.Close()
			}
			return
		}
	}
}

func (p *proxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.conns {
		f.mu.Lock()
		f.frozen = true
		f.mu.Unlock()
	}
}

// The doorbell's connection goes silent without an error (a half-open
// TCP connection): the heartbeat finds out, and the doorbell reconnects
// and sends the catch-up Head.
func TestWatchReplacesAListenerThatStopsAnswering(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	direct := pgtest.Database(t)
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.l.Addr().String()
	a, b := openURL(t, u.String()), openURL(t, direct)
	postgres.SetHeartbeat(a, 100*time.Millisecond, 500*time.Millisecond)
	storetest.MustCreate(t, b, "s1", "c1", "musicstore", session.Standup, t0)
	bell, err := a.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the first catch-up", catchUp)
	p.freeze()
	// Rung while the listener is deaf: lost, and made up by the catch-up.
	if err := b.Append(ctx, "s1", note(2, "unheard")); err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the catch-up after the silent connection was replaced", func(h session.Head) bool {
		if h.ID != "" {
			t.Errorf("a deaf listener rang %+v", h)
		}
		return h.ID == ""
	})
	if err := b.Append(ctx, "s1", note(3, "heard")); err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the ring of s1 at 3", ring("s1", 3))
}
