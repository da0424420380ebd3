package tui

import (
	"sync"
	"time"
)

// A beat wakes every program of the process at the turn of each second
// of wall time, when the countdowns change: one timer for the process
// instead of a timer, and a goroutine to wait on it, per program and
// second. A program waits on the channel next returns (with the room's
// snapshots, in one goroutine: Model.wait); the beat closes it at the
// turn of the second and makes the next one only when a program asks
// for it, and its goroutine ends once a second passes with nobody
// waiting.
type beat struct {
	mu      sync.Mutex
	ch      chan struct{} // closed at the next turn; nil until someone waits
	running bool
	every   time.Duration
	now     func() time.Time
}

// seconds is the process's beat.
var seconds = &beat{every: time.Second, now: time.Now}

// beatLate is how long after the turn of the second the beat wakes, so
// that the time read on waking is surely in the new second.
const beatLate = 2 * time.Millisecond

// next returns a channel closed at the next turn of the second.
func (b *beat) next() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
		if !b.running {
			b.running = true
			go b.run()
		}
	}
	return b.ch
}

func (b *beat) run() {
	t := time.NewTimer(b.untilTurn())
	defer t.Stop()
	for range t.C {
		b.mu.Lock()
		ch := b.ch
		b.ch = nil
		if ch == nil { // a whole beat with nobody waiting
			b.running = false
			b.mu.Unlock()
			return
		}
		close(ch)
		b.mu.Unlock()
		t.Reset(b.untilTurn())
	}
}

// untilTurn is the time until just after the next turn of the beat.
func (b *beat) untilTurn() time.Duration {
	now := b.now()
	return now.Truncate(b.every).Add(b.every + beatLate).Sub(now)
}
