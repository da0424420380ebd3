package session_test

import (
	"slices"
	"testing"

	"huddle/session"
)

func TestDeparture(t *testing.T) {
	ann := session.Participant{ID: session.RosterID("Ann"), Name: "Ann", Key: "k-ann", Present: true}
	away := session.Participant{ID: session.SSHID("k-bob"), Name: "bob", Key: "k-bob"}
	state := func(phase session.Phase, ps ...session.Participant) *session.State {
		return &session.State{Phase: phase, Participants: ps,
			Knocking: []session.Knock{{Key: "k-eve", Name: "eve"}}}
	}
	for _, tc := range []struct {
		name  string
		st    *session.State
		key   string
		me    session.ParticipantID
		actor session.ParticipantID
		cmd   session.Command // nil: nothing to submit
	}{
		{"a present member leaves as the member their key is",
			state(session.Rounds, ann), "k-ann", session.SSHID("k-ann"), ann.ID, session.Leave{Who: ann.ID}},
		{"a knocker withdraws", state(session.Waiting, ann), "k-eve", session.SSHID("k-eve"),
			session.SSHID("k-eve"), session.Withdraw{Key: "k-eve"}},
		{"someone away already does nothing", state(session.Rounds, away), "k-bob", away.ID, "", nil},
		{"an unknown key does nothing", state(session.Rounds, ann), "k-zed", session.SSHID("k-zed"), "", nil},
		{"an ended session keeps its record", state(session.Closed, ann), "k-ann", ann.ID, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			actor, cmd, ok := session.Departure(tc.st, tc.key, tc.me)
			if ok != (tc.cmd != nil) || actor != tc.actor || cmd != tc.cmd {
				t.Fatalf("Departure = %q, %#v, %v; want %q, %#v", actor, cmd, ok, tc.actor, tc.cmd)
			}
		})
	}
}

func TestStale(t *testing.T) {
	here := session.Participant{ID: "a", Key: "k-a", Present: true}
	gone := session.Participant{ID: "b", Key: "k-b"}
	keyboard := session.Participant{ID: "c", Present: true} // marked present at the shared keyboard
	st := &session.State{Phase: session.Rounds, Participants: []session.Participant{here, gone, keyboard}}
	if got := session.Stale(st); !slices.Equal(got, []session.ParticipantID{"a"}) {
		t.Fatalf("Stale = %v, want [a]", got)
	}
	st.Phase = session.Closed
	if got := session.Stale(st); got != nil {
		t.Fatalf("an ended session: %v", got)
	}
}
