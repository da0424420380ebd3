package vtclient

import (
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// waitUntil polls cond until it holds or ten seconds pass.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestScreenShowsOutputAndAnswersQueries(t *testing.T) {
	outR, outW := io.Pipe()
	inR, inW := io.Pipe()
	var chunks atomic.Int32
	var sawHello, helloBytes atomic.Bool
	s := Start(inW, outR, 40, 5, func(chunk []byte, text func() string) {
		chunks.Add(1)
		if strings.Contains(string(chunk), "hello") {
			helloBytes.Store(true)
		}
		if strings.Contains(text(), "hello") {
			sawHello.Store(true)
		}
	})
	defer s.Close()
	replies := make(chan string, 8)
	go func() { // what the terminal sends, query replies and keys alike
		buf := make([]byte, 64)
		for {
			n, err := inR.Read(buf)
			if n > 0 {
				replies <- string(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	if _, err := outW.Write([]byte("hello\x1b[c")); err != nil { // text, then a primary device attributes query
		t.Fatal(err)
	}
	waitUntil(t, "the text on the screen", func() bool { return strings.Contains(s.Text(), "hello") })
	select {
	case r := <-replies:
		if !strings.HasPrefix(r, "\x1b[?") {
			t.Errorf("the query was answered with %q", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the device attributes query was not answered")
	}
	if chunks.Load() == 0 || !sawHello.Load() || !helloBytes.Load() {
		t.Errorf("onChunk: %d calls, saw the text: %v, in the chunks' bytes: %v", chunks.Load(), sawHello.Load(), helloBytes.Load())
	}
	if err := s.Send([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if r := <-replies; r != "q" {
		t.Errorf("a key arrived as %q", r)
	}
	outW.Close()
	select {
	case <-s.Ended():
	case <-time.After(10 * time.Second):
		t.Fatal("Ended was not closed when the output ended")
	}
}
