package tui

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/viewport"

	"huddle/session"
)

// common is what the root model and its screens share, the way
// soft-serve's components share theirs: the participant, the room's
// newest state as they see it, the clock, the size, the styles, the key
// help, the status line and the one prompt of the stand-up's kind. The
// root owns it; each screen holds a pointer to it.
type common struct {
	roster // the state, and the names in it
	room   Room
	me     session.ParticipantID
	viewer string // the salted stand-in of me, for State.For
	opts   Options
	queue  *submitter
	full   *session.State // the room's state before For: see viewOf (retro.go)
	now    time.Time
	width  int
	height int

	keys    KeyMap
	help    help.Model
	styles  *Styles
	prompt  *prompt
	status  string
	failed  bool
	cursor  int            // the waiting room's, or the parking lot's
	summary viewport.Model // the closing screen of either kind

	arriving map[session.ParticipantID]bool // marked present, not yet in a snapshot

	clockSlots bool // timerLine draws a slot for the clock to fill (bodycache.go)

	// where me is in selfOf's participants (-1: not there), of
	// selfLen of them (self)
	selfOf  *session.State
	selfLen int
	selfAt  int
}

// roster is the session's state as the participant sees it, with the
// ways a typed name finds someone in it (names.go).
type roster struct {
	state *session.State
}
