package main

import (
	"context"
	"errors"
	"io"
	"os"

	"huddle/session"
	"huddle/tui/plain"
)

// plainUsage is the help of --plain, on huddle, standup and retro.
const plainUsage = "the session as lines, one per change, and typed commands: for screen readers, braille displays, logs and scripts (also HUDDLE_PLAIN=1 or TERM=dumb; see docs/plain.md)"

// plainWanted reports whether the local session runs as lines: --plain
// (or HUDDLE_PLAIN=1, which sets it), or a terminal that says it is dumb.
func plainWanted(sf standupFlags) bool {
	return sf.plain || os.Getenv("TERM") == "dumb"
}

// runPlainLocal runs the plain view at the one keyboard: the operator
// facilitates and acts for others with "for NAME COMMAND". The terminal
// edits and echoes the typed line itself.
func runPlainLocal(ctx context.Context, room *session.Room, me session.ParticipantID, in io.Reader, out io.Writer) error {
	err := plain.Run(ctx, room, me, in, out, plain.Options{Shared: true})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
