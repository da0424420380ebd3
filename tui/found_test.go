package tui

import (
	"testing"

	"huddle/session"
)

// TestFoundFollowsTheState: a participant is found where they are in
// each state, also when they moved or left since the last.
func TestFoundFollowsTheState(t *testing.T) {
	st := func(ids ...session.ParticipantID) *session.State {
		s := &session.State{}
		for _, id := range ids {
			s.Participants = append(s.Participants, session.Participant{ID: id, Name: string(id)})
		}
		return s
	}
	var f found
	for i, tc := range []struct {
		s  *session.State
		at int // -1: not there
	}{
		{st("a", "b", "c"), 2},
		{st("a", "b", "c", "d"), 2}, // someone joined at the end
		{st("b", "c", "d"), 1},      // someone before left
		{st("c", "b", "d"), 0},      // reordered, as long
		{st("b", "d"), -1},          // gone
		{st("b", "d", "c"), 2},      // back
	} {
		p, ok := f.find(tc.s, "c")
		if tc.at < 0 {
			if ok {
				t.Errorf("state %d: found %v, who is not there", i, p)
			}
			continue
		}
		if !ok || p.ID != "c" || f.at != tc.at {
			t.Errorf("state %d: found %v (%v) at %d, want c at %d", i, p, ok, f.at, tc.at)
		}
	}
}
