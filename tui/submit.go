package tui

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"golang.org/x/time/rate"

	"huddle/session"
)

// submitter sends one participant's commands to the room in the order the
// keys were pressed. Bubble Tea runs commands concurrently, so two quick
// presses could otherwise reach the room in either order. Update enqueues
// (never blocking); a single goroutine submits; the tea.Cmd waits for the
// result. The goroutine runs until close.
type submitter struct {
	room  Room
	mu    sync.Mutex
	me    session.ParticipantID // under mu: a knocker let in becomes someone
	limit *rate.Limiter         // nil: no limit
	jobs  chan job
	stop  chan struct{}
	once  sync.Once
	seq   atomic.Int64 // the last result's sequence number (see doneMsg.seq)
	// busy: a worker goroutine is taking jobs. It runs only while there
	// are some: a participant who is only watching has none.
	busy atomic.Bool
}

type job struct {
	c    session.Command
	done chan error
}

// queueDepth bounds the commands waiting for the room; past it, keys are
// refused with a message instead of piling up.
const queueDepth = 64

func newSubmitter(room Room, me session.ParticipantID, perSecond float64, burst int) *submitter {
	s := &submitter{room: room, me: me, jobs: make(chan job, queueDepth), stop: make(chan struct{})}
	if perSecond > 0 {
		s.limit = rate.NewLimiter(rate.Limit(perSecond), max(1, burst))
	}
	return s
}

// leaving, when tests set it, runs as a worker finds the queue empty,
// before it says it has gone.
var leaving atomic.Pointer[func(*submitter)]

// work starts the worker unless one is running.
func (s *submitter) work() {
	if s.busy.CompareAndSwap(false, true) {
		go s.loop()
	}
}

// loop submits the queued jobs in order, one at a time, and ends when
// none is left (or the submitter is closed).
func (s *submitter) loop() {
	for {
		select {
		case <-s.stop:
			return // busy stays set: no worker starts again
		case j := <-s.jobs:
			s.mu.Lock()
			me := s.me
			s.mu.Unlock()
			j.done <- plainStoreError(s.room.Submit(me, j.c))
		default:
			if f := leaving.Load(); f != nil {
				(*f)(s)
			}
			s.busy.Store(false)
			// A job queued after the empty look, whose sender saw busy
			// still set, is this worker's unless a new one has started.
			if len(s.jobs) == 0 || !s.busy.CompareAndSwap(false, true) {
				return
			}
		}
	}
}

// send enqueues the command now and returns a tea.Cmd that waits for its
// result and reports it as a doneMsg with the notice. Each result has the
// next sequence number, so that one that arrives after a newer one has been
// shown can be told apart: Bubble Tea runs the commands concurrently.
func (s *submitter) send(c session.Command, notice string) tea.Cmd {
	seq := s.seq.Add(1)
	if s.limit != nil && !s.limit.Allow() {
		return func() tea.Msg { return doneMsg{seq: seq, err: errSlowDown} }
	}
	j := job{c: c, done: make(chan error, 1)}
	select {
	case s.jobs <- j:
		s.work()
	default:
		return func() tea.Msg { return doneMsg{seq: seq, err: fmt.Errorf("too many keys at once; wait a moment")} }
	}
	return func() tea.Msg {
		select {
		case err := <-j.done:
			return doneMsg{seq: seq, err: err, notice: notice}
		case <-s.stop:
			return doneMsg{seq: seq, err: session.ErrClosed}
		}
	}
}

// fail reports an error found before anything was submitted (a name
// nobody has; nil: nothing to report), in sequence with the results of
// send: every result that reaches the status line has a number, so an
// older one never hides a newer one.
func (s *submitter) fail(err error) tea.Cmd {
	seq := s.seq.Add(1)
	return func() tea.Msg { return doneMsg{seq: seq, err: err} }
}

// plainStoreError words a store failure for the person whose command it
// was: what went wrong and that nothing changed, without the store's
// internals (session ids, SQLite codes), which the error still wraps.
// Other errors pass through.
func plainStoreError(err error) error {
	if !errors.Is(err, session.ErrStore) {
		return err
	}
	msg := "could not save (a storage error); nothing was changed, try again"
	if errors.Is(err, session.ErrFull) {
		msg = "could not save: the disk is full; nothing was changed"
	}
	return storeError{msg: msg, err: err}
}

type storeError struct {
	msg string
	err error
}

func (e storeError) Error() string { return e.msg }
func (e storeError) Unwrap() error { return e.err }

// errSlowDown is what a participant sees past their action rate.
var errSlowDown = errors.New("slow down: too many actions at once; try again in a moment")

func (s *submitter) close() { s.once.Do(func() { close(s.stop) }) }

// become makes the submitter act for another participant from the next
// command on.
func (s *submitter) become(id session.ParticipantID) {
	s.mu.Lock()
	s.me = id
	s.mu.Unlock()
}
