package tui

import (
	"context"
	"time"

	"huddle/session"
)

// Options tune a Model.
type Options struct {
	// Context ends the model's goroutines (its snapshot listener and its
	// submitter) and subscription when done; nil: they end with Close.
	Context context.Context
	// SharedKeyboard is local mode: one keyboard, the screen shared in a
	// call. Quitting pauses the running timers, so the session resumes
	// where it was, and the facilitator types on behalf of the others.
	SharedKeyboard bool
	// IdleTimeout ends the program after this long without a key press
	// (0: never), in the lobby and once the session has ended: never
	// while it waits or runs, whether one takes part or watches. Server
	// output does not count as activity. OnIdle, if set, is called when
	// that happens.
	IdleTimeout time.Duration
	OnIdle      func()
	// Clock is the lobby's clock for the idle timeout (a session uses its
	// room's); nil: the real one.
	Clock session.Clock
	// Actions limits this participant's commands per second, with a
	// burst of ActionBurst; past it they see a "slow down" notice (0: no
	// limit).
	Actions     float64
	ActionBurst int
	// Location is the participant's time zone, for the times on their
	// screen; nil: the machine's.
	Location *time.Location
	// JoinCommand is how others join over SSH, up to the join code
	// ("ssh -t -p 2222 host join"); empty: locally, where nobody joins.
	// The facilitator sees it with the code in the waiting room, and
	// anyone gets it back with i.
	JoinCommand string
	// Key is the participant's SSH key fingerprint, if any: while it
	// knocks the screen says so, once let in the model follows the
	// participant it became, and once removed or turned away it quits.
	Key string
	// Bodies, if set, is shared by the programs of a process: a body that
	// depends on nothing but the room's state, the size, the role and the
	// second is drawn once for all of them (see BodyCache); nil: each
	// program draws its own.
	Bodies *BodyCache
	// Theme is the look of the screen (see Theme): the zero value is
	// huddle's usual one.
	Theme Theme
}
