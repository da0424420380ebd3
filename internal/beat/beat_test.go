package beat

import (
	"testing"
	"time"
)

func TestBeatWakesEveryWaiterOnceATurn(t *testing.T) {
	b := New(20 * time.Millisecond)
	a, c := b.Next(), b.Next()
	if a != c {
		t.Fatal("two waiters of one turn got different channels")
	}
	select {
	case <-a:
	case <-time.After(10 * time.Second):
		t.Fatal("the beat never turned")
	}
	n := b.Next()
	if n == a {
		t.Fatal("the next turn's channel is the one already closed")
	}
	select {
	case <-n:
	case <-time.After(10 * time.Second):
		t.Fatal("the beat did not turn again")
	}
	// Nobody waits now: the beat's goroutine ends after a turn.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		b.mu.Lock()
		running := b.running
		b.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the beat kept running with nobody waiting")
		}
	}
	select { // and starts again for the next waiter
	case <-b.Next():
	case <-time.After(10 * time.Second):
		t.Fatal("the beat did not start again")
	}
}

func TestBeatTurnsJustAfterTheSecond(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 300*int(time.Millisecond), time.UTC)
	b := &Beat{every: time.Second, now: func() time.Time { return at }}
	if got, want := b.untilTurn(), 700*time.Millisecond+late; got != want {
		t.Fatalf("until the turn %v, want %v", got, want)
	}
}
