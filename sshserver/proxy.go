package sshserver

import (
	"errors"
	"net"
	"sync"
	"time"

	"charm.land/log/v2"
	proxyproto "github.com/pires/go-proxyproto"
)

// proxyListener takes each connection's client address from the PROXY
// protocol header (v1 or v2) that a load balancer (HAProxy's send-proxy,
// send-proxy-v2) sends before anything else, so that the per-address
// limits and the log see people rather than the balancer. A connection
// without a valid header within timeout is closed: with the PROXY
// protocol on, only the balancer may reach the server, and a client that
// reached it directly could otherwise claim any address.
//
// Headers are read concurrently, never in Accept: a connection that
// sends nothing costs at most timeout and one of pending slots, and never
// holds up the others. A header with the LOCAL command (a balancer's own
// health check) keeps the balancer's address.
type proxyListener struct {
	net.Listener
	timeout time.Duration
	log     *log.Logger
	ready   chan accepted
	slots   chan struct{} // headers being read at once
	done    chan struct{}
	once    sync.Once
}

type accepted struct {
	c   net.Conn
	err error
}

func newProxyListener(ln net.Listener, timeout time.Duration, pending int, logger *log.Logger) *proxyListener {
	p := &proxyListener{Listener: ln, timeout: timeout, log: logger,
		ready: make(chan accepted), slots: make(chan struct{}, pending), done: make(chan struct{})}
	go p.accept()
	return p
}

func (p *proxyListener) accept() {
	for {
		c, err := p.Listener.Accept()
		if err != nil {
			select {
			case p.ready <- accepted{err: err}:
			case <-p.done:
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue // a passing failure: the server backs off and accepts again
			}
			return
		}
		select {
		case p.slots <- struct{}{}:
		default: // too many connections still owe their header
			c.Close()
			continue
		}
		go p.header(c)
	}
}

// header reads c's PROXY header and hands c on, or closes it.
func (p *proxyListener) header(c net.Conn) {
	defer func() { <-p.slots }()
	pc := proxyproto.NewConn(c, proxyproto.WithPolicy(proxyproto.REQUIRE), proxyproto.SetReadHeaderTimeout(p.timeout))
	if pc.ProxyHeader() == nil {
		p.log.Debug("refused a connection without a valid PROXY header", "from", c.RemoteAddr().String())
		c.Close()
		return
	}
	select {
	case p.ready <- accepted{c: pc}:
	case <-p.done:
		c.Close()
	}
}

// Accept returns the next connection whose header has been read.
func (p *proxyListener) Accept() (net.Conn, error) {
	select {
	case a := <-p.ready:
		return a.c, a.err
	case <-p.done:
		return nil, net.ErrClosed
	}
}

func (p *proxyListener) Close() error {
	p.once.Do(func() { close(p.done) })
	return p.Listener.Close()
}
