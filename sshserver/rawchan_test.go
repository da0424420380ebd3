package sshserver

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"testing"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// crlfWriter turns newlines as charm.land/ssh's pty writer does, byte for
// byte, for writes of newlines, carriage returns and text in any order.
func TestCRLFWriterIsThePtyWriters(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("\n\r\rab\x1b[")
	for range 5000 {
		p := make([]byte, r.IntN(12))
		for i := range p {
			p[i] = alphabet[r.IntN(len(alphabet))]
		}
		var want, got bytes.Buffer
		wn, _ := ssh.NewPtyWriter(&want).Write(p)
		gn, _ := crlfWriter{w: &got, crlf: true}.Write(p)
		if got.String() != want.String() || gn != wn {
			t.Fatalf("%q written as %q (%d), the pty writer writes %q (%d)", p, got.String(), gn, want.String(), wn)
		}
		got.Reset()
		_, _ = crlfWriter{w: &got}.Write(p)
		if got.String() != string(p) {
			t.Fatalf("%q written as %q without a pty to emulate", p, got.String())
		}
	}
}

// channelOf finds the SSH channel under a real session with a pty, and
// what is written to it reaches the client as the session would send it.
func TestChannelOfARealSession(t *testing.T) {
	found := make(chan bool, 1)
	srv := &ssh.Server{Handler: func(sess ssh.Session) {
		w := channelOf(sess)
		_, raw := w.(crlfWriter)
		found <- raw
		_, _ = io.WriteString(w, "\x1b[1;1Hrow\nnext\r\n")
	}}
	hostKey, err := NewHostKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := ssh.HostKeyPEM(hostKey)(srv); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := gossh.Dial("tcp", ln.Addr().String(), &gossh.ClientConfig{User: "t", HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	out, err := s.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out)
	if !<-found {
		t.Error("the session's channel was not found: frames go through the library's copying pty writer")
	}
	if want := "\x1b[1;1Hrow\r\nnext\r\n"; string(got) != want {
		t.Errorf("the client got %q, want %q", got, want)
	}
}

// Over huddle's own server (its sessions wrapped by readPty), a
// participant's frames go to the SSH channel itself.
func TestFramesGoToTheChannel(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team musicstore --members Lukas")
	c := dialTest(t, ts.addr, "lukas", newTestKey(t), withCommand("join "+code))
	c.WaitFor("waiting room")
	ts.srv.connsMu.Lock()
	defer ts.srv.connsMu.Unlock()
	if len(ts.srv.conns) != 1 {
		t.Fatalf("%d connections", len(ts.srv.conns))
	}
	for cn := range ts.srv.conns {
		if w, ok := cn.out.w.(crlfWriter); !ok || !w.crlf {
			t.Errorf("frames are written to %T, not the session's channel", cn.out.w)
		}
	}
}
