package session

import (
	"context"
	"sync"
	"time"
)

// Clock is where a Room gets its time. Production uses RealClock; tests use
// a FakeClock and never sleep for a time-box to pass.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that fires once, d from now; d <= 0 fires
	// at once.
	NewTimer(d time.Duration) ClockTimer
	// NewTimerAt returns a timer that fires once the clock reaches when
	// (at once if it has). A deadline's timer is made with it rather than
	// NewTimer(when.Sub(Now())): on a FakeClock an Advance between reading
	// the time and making the timer would push the deadline later.
	NewTimerAt(when time.Time) ClockTimer
}

// ClockTimer is a one-shot timer made by a Clock.
type ClockTimer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it did.
	Stop() bool
}

// RealClock is the system clock.
type RealClock struct{}

// Now returns time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (RealClock) NewTimer(d time.Duration) ClockTimer { return realTimer{time.NewTimer(d)} }

// NewTimerAt wraps time.NewTimer until when.
func (RealClock) NewTimerAt(when time.Time) ClockTimer {
	return realTimer{time.NewTimer(time.Until(when))}
}

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

// FakeClock is a Clock that only moves when told to. It is safe for
// concurrent use.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

// NewFakeClock returns a fake clock that reads now.
func NewFakeClock(now time.Time) *FakeClock { return &FakeClock{now: now} }

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (forwards or backwards) and fires due timers.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.timers[:0]
	for _, ft := range c.timers {
		if !ft.when.After(c.now) {
			ft.fire(c.now)
			continue
		}
		kept = append(kept, ft)
	}
	clear(c.timers[len(kept):])
	c.timers = kept
}

// Advance moves the clock forward by d and fires due timers.
func (c *FakeClock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Timers returns how many timers are waiting to fire.
func (c *FakeClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// NewTimer returns a timer that fires when the clock reaches now+d.
func (c *FakeClock) NewTimer(d time.Duration) ClockTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.timerAtLocked(c.now.Add(d))
}

// NewTimerAt returns a timer that fires when the clock reaches when (at
// once if it has), made under the clock's lock.
func (c *FakeClock) NewTimerAt(when time.Time) ClockTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.timerAtLocked(when)
}

func (c *FakeClock) timerAtLocked(when time.Time) ClockTimer {
	ft := &fakeTimer{clock: c, when: when, c: make(chan time.Time, 1)}
	if !when.After(c.now) {
		ft.fire(c.now)
		return ft
	}
	c.timers = append(c.timers, ft)
	return ft
}

type fakeTimer struct {
	clock *FakeClock
	when  time.Time
	c     chan time.Time
	fired bool
}

func (t *fakeTimer) fire(now time.Time) {
	t.fired = true
	t.c <- now
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, ft := range c.timers {
		if ft == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return true
		}
	}
	return false
}

// sleep waits d on clock; false if ctx ended first.
func sleep(ctx context.Context, clock Clock, d time.Duration) bool {
	t := clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C():
		return true
	}
}
