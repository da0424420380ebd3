// Package beat wakes many goroutines of a process together at the turn
// of each interval of wall time (each second, each five seconds), from
// one timer: in place of a timer, and a goroutine to wait on it, per
// waiter and interval. Waking them together also keeps a busy process
// from waking up for each of them apart.
package beat

import (
	"sync"
	"time"
)

// A Beat closes the channel Next returned at the turn of each interval
// (the times that are whole multiples of it), and makes the next one only
// when someone asks for it; its goroutine ends once an interval passes
// with nobody waiting. It is safe for concurrent use.
type Beat struct {
	mu      sync.Mutex
	ch      chan struct{} // closed at the next turn; nil until someone waits
	running bool
	every   time.Duration
	now     func() time.Time
}

// New returns a beat of every interval.
func New(every time.Duration) *Beat { return &Beat{every: every, now: time.Now} }

// Seconds is the process's beat of a second: when countdowns change.
var Seconds = New(time.Second)

// late is how long after the turn the beat wakes, so that the time read
// on waking is surely in the new interval.
const late = 2 * time.Millisecond

// Next returns a channel closed at the next turn.
func (b *Beat) Next() <-chan struct{} {
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

func (b *Beat) run() {
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
func (b *Beat) untilTurn() time.Duration {
	now := b.now()
	return now.Truncate(b.every).Add(b.every + late).Sub(now)
}
