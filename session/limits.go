package session

import "fmt"

// Caps on what one session holds. Every view and every published snapshot
// costs in proportion to them, so a few participants adding things as fast
// as they can must not slow the session down for everyone (25 keys once
// parked 6,997 topics in one stand-up). They are checked when a command is
// decided, against everything the session holds, including what it
// carried over from the team's earlier sessions; a command past a cap is
// refused with an ErrLimit error and changes nothing. They are far above
// what a team uses in one session.
const (
	// MaxTopics bounds the parking lot: its topics, open or resolved.
	MaxTopics = 200
	// MaxBlockers bounds the blockers noted in a stand-up.
	MaxBlockers = 200
	// MaxCards bounds a retrospective's cards.
	MaxCards = 500
	// MaxMoves bounds a retrospective's grouping steps (each one is kept
	// for undo).
	MaxMoves = 2000
	// MaxNotes bounds the notes taken while discussing.
	MaxNotes = 500
	// MaxDecisions bounds the decisions recorded in a retrospective.
	MaxDecisions = 200
	// MaxActions bounds the action items a session holds.
	MaxActions = 200
)

// The default session-wide command rate of a Room (RoomOptions.Rate and
// Burst): on top of each participant's own limit in the views, a whole
// session takes at most this many commands a second on average, and
// DefaultBurst at once.
const (
	DefaultRate  = 30
	DefaultBurst = 60
)

// capped refuses adding to something that holds max already.
func capped(have, max int, what string) error {
	if have >= max {
		return fmt.Errorf("%w: %s", ErrLimit, fmt.Sprintf(what, max))
	}
	return nil
}
