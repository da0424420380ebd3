package sshserver

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"
	"weak"

	"charm.land/ssh"
	"github.com/charmbracelet/x/ansi"
)

// errEvicted fails the program's writes once its client was evicted.
var errEvicted = errors.New("evicted: the client stopped reading")

// outWriter is the only way to an interactive session's output: the
// program's frames and the terminal's questions go through it, one write
// at a time. A write that blocks for longer than after (the client
// stopped reading its SSH channel: its window is full) calls evict; from
// then on the program's writes fail at once, and only the farewell is
// written (see conn.evict). A client that stops reading its socket
// altogether is cut off by the connection's own write deadline (see
// countedConn) or by its unanswered keepalives (conn.keepAlive).
//
// A write costs no timer of its own: it notes when it began, and one timer
// per writer, armed by the first write after it went quiet, looks at the
// write under way when it fires and evicts once one has been blocked for
// after, else comes back when the write now under way would be.
type outWriter struct {
	w     io.Writer
	after time.Duration
	evict func()
	turn  chan struct{} // one write at a time: holding it is writing
	shut  atomic.Bool   // evicted: the program's writes fail at once

	t0    time.Time    // since is counted from it, on the monotonic clock
	since atomic.Int64 // when the write under way began, in ns since t0, plus one; 0 for none
	armed atomic.Bool  // the timer will fire and look
	timer *time.Timer
}

func newOutWriter(w io.Writer, after time.Duration, evict func()) *outWriter {
	o := &outWriter{w: w, after: after, evict: evict, turn: make(chan struct{}, 1), t0: time.Now()}
	// The timer holds the writer weakly: one still armed when its
	// connection ends (for up to after) keeps nothing of it.
	wo := weak.Make(o)
	o.timer = time.AfterFunc(time.Hour, func() {
		if o := wo.Value(); o != nil {
			o.look()
		}
	})
	o.timer.Stop()
	runtime.AddCleanup(o, func(t *time.Timer) { t.Stop() }, o.timer)
	return o
}

func (o *outWriter) Write(p []byte) (int, error) {
	if o.shut.Load() {
		return 0, errEvicted
	}
	o.turn <- struct{}{}
	defer func() { <-o.turn }()
	if o.shut.Load() {
		return 0, errEvicted
	}
	o.since.Store(int64(time.Since(o.t0)) + 1)
	if !o.armed.Swap(true) {
		o.timer.Reset(o.after)
	}
	n, err := o.w.Write(p)
	o.since.Store(0)
	return n, err
}

// look is the timer's: it evicts if the write under way has been blocked
// for after, else sets the timer for when it would have been, or goes
// quiet if no write is under way.
func (o *outWriter) look() {
	for {
		s := o.since.Load()
		if s == 0 {
			o.armed.Store(false)
			// A write that began just now saw the timer armed: look
			// at it, unless one that began after this saw it quiet and
			// armed it again.
			if o.since.Load() == 0 || !o.armed.CompareAndSwap(false, true) {
				return
			}
			continue
		}
		left := o.after - (time.Since(o.t0) - time.Duration(s-1))
		if left <= 0 {
			o.armed.Store(false) // the next write, after this one failed, looks again
			o.evict()
			return
		}
		o.timer.Reset(left)
		return
	}
}

// farewell fails the program's writes from now on, waits for the write
// under way (the client reads again) and writes p after it, all within
// grace. It reports whether the client took p in time; if not, the caller
// closes the connection, which ends the writes that still wait.
func (o *outWriter) farewell(p []byte, grace time.Duration) bool {
	o.shut.Store(true)
	timeout := time.NewTimer(grace)
	defer timeout.Stop()
	select {
	case o.turn <- struct{}{}:
	case <-timeout.C:
		return false
	}
	done := make(chan error, 1)
	go func() {
		defer func() { <-o.turn }()
		_, err := o.w.Write(p)
		done <- err
	}()
	select {
	case err := <-done:
		return err == nil
	case <-timeout.C:
		return false
	}
}

// restoreTerminal gives a participant's terminal back as Bubble Tea does
// when a program ends: out of synchronized output and the alternate
// screen, the cursor shown, no paste, focus or mouse reports, plain
// colours.
const restoreTerminal = ansi.ResetModeSynchronizedOutput + "\x1b[m" + ansi.ResetModeAltScreenSaveCursor +
	ansi.ShowCursor + ansi.ResetModeBracketedPaste + ansi.ResetModeFocusEvent +
	ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr

// farewellGrace is how long an evicted client has, in stall timeouts, to
// read again and get its terminal back before its connection is closed.
const farewellGrace = 4

// farewellText is what an evicted participant reads once their terminal
// takes output again.
func farewellText(stall time.Duration) string {
	return fmt.Sprintf("\r\nhuddle: disconnected: your terminal took none of the session's output for %s. Run the same ssh command to rejoin where you were.\r\n", stall)
}

// closeConn closes the session's network connection.
func closeConn(sess ssh.Session) {
	if sc, ok := sess.Context().Value(ssh.ContextKeyConn).(interface{ Close() error }); ok {
		_ = sc.Close()
	}
}
