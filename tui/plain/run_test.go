package plain

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/session"
)

// syncBuffer is an output that tests read while Run writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output holds want.
func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in:\n%s", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRunTypedLinesOverARawTerminal(t *testing.T) {
	f := newFixture(t, session.Config{Turn: 2 * time.Minute}, julia, "Lukas", "Julia")
	f.do(fac, session.Arrive{Who: lukas}, session.Arrive{Who: julia}, session.Start{})
	in, typing := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), f.room, julia, in, out, Options{Raw: true, Location: time.UTC})
	}()
	waitFor(t, out, "type help")
	// Typed with a slip corrected, an arrow key ignored, and CRLF.
	io.WriteString(typing, "park release dat\x7fte\x7f\x7fte \x1b[A@Lukas\r\n")
	waitFor(t, out, "10:00 Julia parked #1: release date (stays: Lukas)\r\n")
	if st := f.room.Snapshot().State; len(st.Items) != 1 || st.Items[0].Topic != "release date" {
		t.Fatalf("items %+v", st.Items)
	}
	io.WriteString(typing, "dance\r")
	waitFor(t, out, `10:00 not done: "dance" is not a command; help lists what works now`)
	io.WriteString(typing, "next\r")
	waitFor(t, out, "not done: not allowed")
	io.WriteString(typing, "help\r")
	waitFor(t, out, "park TOPIC [@NAME ...]")
	// A line told while one is typed comes first; the typed part again after it.
	io.WriteString(typing, "bloc")
	waitFor(t, out, "bloc")
	f.clock.Advance(time.Minute)
	waitFor(t, out, "bloc\r\n10:01 1 minute left for Lukas\r\nbloc")
	io.WriteString(typing, "ker red build\r")
	waitFor(t, out, "blocker 1 for Julia: red build")
	io.WriteString(typing, "\x04")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(out.String(), 0x1b) {
		t.Fatalf("an escape in the output:\n%q", out.String())
	}
}

func TestRunLocalLinesAndQuit(t *testing.T) {
	f := newFixture(t, session.Config{}, fac, "Lukas", "Julia")
	out := &syncBuffer{}
	in := strings.NewReader("here Lukas\nhere Julia\nstart\nstatus\nquit\nhere Jörg\n")
	if err := Run(context.Background(), f.room, fac, in, out, Options{Shared: true, Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	st := f.room.Snapshot().State
	if st.Phase != session.Rounds {
		t.Fatalf("phase %v:\n%s", st.Phase, out.String())
	}
	if strings.Contains(out.String(), "\r") || strings.Contains(out.String(), "Jörg is here") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestRunEndsIdleOnlyAfterTheSessionEnded(t *testing.T) {
	f := newFixture(t, session.Config{}, fac, "Lukas")
	in, typing := io.Pipe()
	defer typing.Close()
	out := &syncBuffer{}
	idled := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), f.room, fac, in, out, Options{Raw: true, Location: time.UTC,
			IdleTimeout: time.Hour, OnIdle: func() { close(idled) }})
	}()
	waitFor(t, out, "type help")
	f.clock.Advance(2 * time.Hour) // waiting: never idle
	io.WriteString(typing, "end\r")
	waitFor(t, out, "the stand-up has ended")
	f.clock.Advance(59 * time.Minute)
	io.WriteString(typing, "status\r") // a typed line counts
	waitFor(t, out, "12:59 type help")
	select {
	case <-idled:
		t.Fatal("idle too early")
	default:
	}
	f.clock.Advance(time.Hour + time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	<-idled
}
