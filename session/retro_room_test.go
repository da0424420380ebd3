package session_test

import (
	"context"
	"testing"
	"time"

	"huddle/session"
)

// The room's own timer ends a discussed topic on the thumbs shown before
// its time ran out: nobody presses a key after the expiry.
func TestRoomDecidesTheThumbsAtTheTopicsExpiry(t *testing.T) {
	for _, anonymous := range []bool{false, true} {
		st := mustStore(t, t.TempDir())
		info := mustCreate(t, st, session.Config{Kind: session.Retro, Format: session.StartStopContinue, TopicBox: 5 * time.Minute, Anonymous: anonymous}, "Lukas", "Julia")
		clock := session.NewFakeClock(t0)
		r := mustRoom(t, st, info.ID, clock)
		sub := r.Subscribe()
		lukas, julia := session.RosterID("Lukas"), session.RosterID("Julia")
		mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
		mustSubmit(t, r, fac, session.Arrive{Name: "Julia"})
		for r.Snapshot().State.Phase != session.Write {
			mustSubmit(t, r, fac, session.Next{})
		}
		mustSubmit(t, r, lukas, session.AddCard{Column: 0, Text: "one"})
		mustSubmit(t, r, julia, session.AddCard{Column: 1, Text: "two"})
		for r.Snapshot().State.Phase != session.Discuss {
			mustSubmit(t, r, fac, session.Next{})
		}
		mustSubmit(t, r, lukas, session.Thumb{Up: false})
		mustSubmit(t, r, julia, session.Thumb{Up: false})
		clock.Advance(5 * time.Minute)
		s := await(t, sub, func(s *session.State) bool { return s.TopicPos == 1 })
		if s.PhaseTimer.Remaining(clock.Now()) != 5*time.Minute {
			t.Fatalf("anonymous=%v: the next topic's timer %+v", anonymous, s.PhaseTimer)
		}
		events, err := st.Events(context.Background(), info.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if last.Type() != "topic-changed" || last.Actor != session.System || !last.Time.Equal(clock.Now()) {
			t.Fatalf("anonymous=%v: the last event %s by %q at %v", anonymous, last.Type(), last.Actor, last.Time)
		}
		r.Close()
		st.Close()
	}
}
