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

	selfAt found // where me is in the state
}

// found is where a participant was found in a state (at; -1: not
// there), kept for as long as the state is the same, and looked at first
// in the next state: the update and the view of every change look for
// the same few participants many times, and a room of two hundred is a
// long list to search each time.
type found struct {
	of *session.State
	n  int // its number of participants
	id session.ParticipantID
	at int
}

// find returns the participant id of s, searching s only if they are not
// where f found them last and f has not searched s for them already.
func (f *found) find(s *session.State, id session.ParticipantID) (session.Participant, bool) {
	if f.id == id && f.at >= 0 && f.at < len(s.Participants) && s.Participants[f.at].ID == id {
		// Where it was, in this state or the last: people join at the
		// end, so a new snapshot has them where the last one did.
		return s.Participants[f.at], true
	}
	if f.at >= 0 || f.of != s || f.n != len(s.Participants) || f.id != id { // not where it was, or not searched for in s
		f.of, f.n, f.id, f.at = s, len(s.Participants), id, -1
		for i := range s.Participants {
			if s.Participants[i].ID == id {
				f.at = i
				break
			}
		}
	}
	if f.at < 0 {
		return session.Participant{}, false // not in s, as searched
	}
	return s.Participants[f.at], true
}

// roster is the session's state as the participant sees it, with the
// ways a typed name finds someone in it (names.go).
type roster struct {
	state *session.State
}
