package session

import (
	"testing"
	"time"
)

// A timer made for a moment fires at that moment, however the clock moved
// between reading the time and making it: the room's and the scheduler's
// timers are made for their deadline, so a test's Advance that lands in
// between cannot push the deadline later (it did with NewTimer(when -
// Now()), and a room missed its next expiry).
func TestTimerAtFiresAtItsMoment(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	c := NewFakeClock(t0)
	deadline := t0.Add(2 * time.Minute)
	c.Advance(time.Minute) // between reading the time and making the timer
	tm := c.NewTimerAt(deadline)
	select {
	case <-tm.C():
		t.Fatal("fired a minute early")
	default:
	}
	c.Advance(time.Minute)
	select {
	case <-tm.C():
	default:
		t.Fatal("did not fire at its deadline")
	}
	past := c.NewTimerAt(t0)
	select {
	case <-past.C():
	default:
		t.Fatal("a timer for a moment gone did not fire at once")
	}
	if real := (RealClock{}).NewTimerAt(time.Now().Add(-time.Second)); real == nil {
		t.Fatal("no timer from the real clock")
	} else {
		<-real.C()
	}
}
