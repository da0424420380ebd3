package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"huddle/internal/vtclient"
)

// participant is one simulated person: a real SSH connection with its own
// ed25519 key and a pty, whose output rebuilds a screen in a terminal
// emulator, the way their terminal would show it.
type participant struct {
	name string
	node string // the server it is connected to
	room *room
	conn *ssh.Client
	tcp  *gatedConn
	sess *ssh.Session
	scr  *vtclient.Screen

	stderr   lockedBuffer // what the server said on the session's stderr (a refusal)
	lastSeen int          // the last round whose marker this screen showed (reader only)
	tail     []byte       // the end of the last chunk of output (reader only)
	checks   bool         // reads its screen to confirm each marker (sawMarker)
	member   atomic.Bool  // one of the room's members, whose screens are timed
}

// gatedConn is the participant's TCP connection; a stalled participant
// stops reading it, for good, like a suspended laptop.
type gatedConn struct {
	net.Conn
	stopped atomic.Bool
	closing chan struct{}
}

func (g *gatedConn) Read(p []byte) (int, error) {
	if g.stopped.Load() {
		<-g.closing
		return 0, net.ErrClosed
	}
	return g.Conn.Read(p)
}

func (g *gatedConn) Close() error {
	select {
	case <-g.closing:
	default:
		close(g.closing)
	}
	return g.Conn.Close()
}

// newKey makes a fresh ed25519 identity.
func newKey() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

// dial opens an SSH connection from the loopback source address src.
func dial(addr string, src net.IP, user string, key ssh.Signer, timeout time.Duration) (*ssh.Client, *gatedConn, error) {
	d := net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: src}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	g := &gatedConn{Conn: c, closing: make(chan struct{})}
	_ = c.SetDeadline(time.Now().Add(timeout))
	sc, chans, reqs, err := ssh.NewClientConn(g, addr, &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(key)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // loopback only: our own server
		Timeout:         timeout,
	})
	if err != nil {
		_ = c.Close()
		return nil, nil, err
	}
	_ = c.SetDeadline(time.Time{})
	return ssh.NewClient(sc, chans, reqs), g, nil
}

// command runs a non-interactive command and returns its output.
func command(addr string, src net.IP, key ssh.Signer, cmd string, timeout time.Duration) (string, error) {
	conn, _, err := dial(addr, src, "loadgen", key, timeout)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	s, err := conn.NewSession()
	if err != nil {
		return "", err
	}
	out, err := s.CombinedOutput(cmd)
	if err != nil {
		return "", fmt.Errorf("%s: %w: %s", cmd, err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// join connects a participant to the room's session with a 120×40 pty.
func join(addr string, src net.IP, name string, r *room, size [2]int, timeout time.Duration) (*participant, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	conn, g, err := dial(addr, src, name, key, timeout)
	if err != nil {
		return nil, err
	}
	p := &participant{name: name, node: addr, room: r, conn: conn, tcp: g, checks: joined.Add(1)%checkEvery == 1}
	if err := p.start(size[0], size[1]); err != nil {
		conn.Close()
		return nil, err
	}
	return p, nil
}

func (p *participant) start(width, height int) error {
	s, err := p.conn.NewSession()
	if err != nil {
		return err
	}
	modes := ssh.TerminalModes{ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	if err := s.RequestPty("xterm-256color", height, width, modes); err != nil {
		return err
	}
	in, err := s.StdinPipe()
	if err != nil {
		return err
	}
	s.Stderr = &p.stderr
	out, err := s.StdoutPipe()
	if err != nil {
		return err
	}
	if p.room.code == "" { // a chat server: its shell is the room
		err = s.Shell()
	} else {
		err = s.Start("join " + p.room.code)
	}
	if err != nil {
		return err
	}
	p.sess = s
	p.scr = vtclient.Start(in, out, width, height, p.sawMarker)
	return nil
}

// sawMarker notes, after each chunk of output, whether it brought the
// room's current marker: the screen shows it once the emulator has taken
// its bytes. A marker's bytes arrive in one piece (a row's text, between
// its styles), perhaps across two chunks: the last bytes of the chunk
// before are kept for that. One participant in checkEvery also reads its
// whole screen to confirm it shows the marker (and does not count it
// seen if not, which the run reports as a marker not seen): reading the
// screen after every chunk was half of the load generator's own CPU, a
// cost no real terminal has, taken from the server's two cores.
func (p *participant) sawMarker(chunk []byte, text func() string) {
	now := time.Now()
	rd := p.room.current.Load()
	if rd == nil || rd.id == p.lastSeen || rd.sender == p || !p.member.Load() {
		p.keepTail(chunk)
		return
	}
	seen := bytes.Contains(chunk, []byte(rd.marker)) || p.acrossChunks(chunk, rd.marker)
	p.keepTail(chunk)
	if seen && (!p.checks || strings.Contains(text(), rd.marker)) {
		p.lastSeen = rd.id
		rd.saw(now, p.node != rd.sender.node)
	}
}

// checkEvery is how many participants there are to one that confirms
// each marker on its screen.
const checkEvery = 8

var joined atomic.Int64 // participants made, for checkEvery

// tailLen is how much of a chunk is kept to find a marker split between
// it and the next: more than any marker's length.
const tailLen = 32

// acrossChunks reports whether marker begins in the kept tail of the last
// chunk and ends in this one.
func (p *participant) acrossChunks(chunk []byte, marker string) bool {
	if len(p.tail) == 0 {
		return false
	}
	joined := append(p.tail[:len(p.tail):len(p.tail)], chunk[:min(len(chunk), len(marker))]...)
	return bytes.Contains(joined, []byte(marker))
}

func (p *participant) keepTail(chunk []byte) {
	if len(chunk) >= tailLen {
		p.tail = append(p.tail[:0], chunk[len(chunk)-tailLen:]...)
		return
	}
	p.tail = append(p.tail, chunk...)
	if len(p.tail) > tailLen {
		p.tail = append(p.tail[:0], p.tail[len(p.tail)-tailLen:]...)
	}
}

// send writes keys to the session.
func (p *participant) send(b []byte) error { return p.scr.Send(b) }

// screen is the participant's screen as text.
func (p *participant) screen() string { return p.scr.Text() }

// waitFor waits until the screen shows want.
func (p *participant) waitFor(want string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.screen(), want) {
		select {
		case <-p.scr.Ended():
			return fmt.Errorf("%s: the session ended before the screen showed %q (it showed %q, said %q)", p.name, want, lastWords(p.screen()), lastWords(p.stderr.String()))
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the screen did not show %q: %w", p.name, want, errTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// stall stops reading the socket for good.
func (p *participant) stall() {
	p.tcp.stopped.Store(true)
	if tcp, ok := p.tcp.Conn.(*net.TCPConn); ok {
		_ = tcp.SetReadBuffer(4096)
	}
}

func (p *participant) close() {
	_ = p.conn.Close()
	_ = p.tcp.Close()
	if p.scr == nil {
		return
	}
	select {
	case <-p.scr.Ended():
	case <-time.After(2 * time.Second):
	}
	p.scr.Close()
}

var errTimeout = errors.New("timed out")

// lastWords is the last line a screen shows, cut to 100 bytes: what a
// server said as it closed the session.
func lastWords(screen string) string {
	lines := strings.Split(strings.TrimSpace(screen), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if len(l) > 100 {
		l = l[:100]
	}
	return l
}

// lockedBuffer is a bytes.Buffer for one writer and other readers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
