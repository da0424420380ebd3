package sshserver

import (
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// Window changes wait until the handler has read the pty (so that the
// SSH library's write of the new size follows the read), the newest
// winning; the other requests pass at once, in order.
func TestWindowChangesWaitForThePtyRead(t *testing.T) {
	in := make(chan *gossh.Request)
	out := make(chan *gossh.Request)
	read := make(chan struct{})
	go boundRequests(in, out, read)

	in <- &gossh.Request{Type: "pty-req"}
	if r := <-out; r.Type != "pty-req" {
		t.Fatalf("got %s first", r.Type)
	}
	in <- &gossh.Request{Type: "window-change", Payload: []byte("first")}
	in <- &gossh.Request{Type: "window-change", Payload: []byte("second")}
	in <- &gossh.Request{Type: "shell"}
	if r := <-out; r.Type != "shell" {
		t.Fatalf("a window change passed before the pty was read: %s %q", r.Type, r.Payload)
	}
	close(read)
	if r := <-out; r.Type != "window-change" || string(r.Payload) != "second" {
		t.Fatalf("after the read: %s %q, want the newest window change", r.Type, r.Payload)
	}
	in <- &gossh.Request{Type: "window-change", Payload: []byte("third")}
	if r := <-out; string(r.Payload) != "third" {
		t.Fatalf("after the read a window change waited: %q", r.Payload)
	}
	close(in)
	if _, ok := <-out; ok {
		t.Fatal("out stayed open after the requests ended")
	}
}

// The handler's word that it read the pty goes to its own channel, not
// to the client.
func TestPtyReadRequestStaysHere(t *testing.T) {
	c := &ptyChannel{read: make(chan struct{})} // a nil Channel: sending would panic
	for range 2 {
		if ok, err := c.SendRequest(ptyReadRequest, false, nil); !ok || err != nil {
			t.Fatalf("%v %v", ok, err)
		}
	}
	select {
	case <-c.read:
	default:
		t.Fatal("read not closed")
	}
}
