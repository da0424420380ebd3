package notify_test

import (
	"fmt"
	"time"

	"huddle/notify"
	"huddle/session"
)

// The message a stand-up's end posts: its attendance, blockers, decisions
// and action items, with what people typed escaped (a mention or an issue
// reference set as code, so that it pings nobody).
func ExampleEndedText() {
	r := &recorder{}
	chris := session.Person{ID: session.RosterID("Christian"), Name: "Christian"}
	r.add(at(0), maria.ID, &session.Created{
		Config:      session.Config{Team: "musicstore", Code: "STAND1", ScheduledAt: at(0), Timebox: 7 * time.Minute},
		Facilitator: maria, Roster: []string{"Lukas", "Christian", "Jörg"},
	})
	r.add(at(0), maria.ID, &session.Arrived{Who: lukas})
	r.add(at(2), maria.ID, &session.Arrived{Who: chris, LateBy: 2 * time.Minute})
	r.add(at(2), maria.ID, &session.Started{Order: []session.ParticipantID{lukas.ID, chris.ID}, TurnBudget: 3 * time.Minute})
	r.add(at(2), maria.ID, &session.TurnStarted{Speaker: lukas.ID, Budget: 3 * time.Minute})
	r.add(at(3), maria.ID, &session.BlockerNoted{Speaker: lukas, Text: "app build red since the API change (#212)"})
	r.add(at(4), maria.ID, &session.Parked{Item: 1, Topic: "Integration tests in their CI?", RaisedBy: chris, Speaker: lukas, Phase: session.Rounds})
	r.add(at(9), maria.ID, &session.Resolved{Item: 1, Status: session.Decided, Note: "Julia pairs with Lukas on Thursday",
		Present: []string{"Maria", "Lukas", "Christian"}, Absent: []string{"Jörg"}})
	r.add(at(9), maria.ID, &session.ActionAdded{Action: session.Action{ID: 1, Text: "Pin the API version in the app", Owner: lukas,
		Due: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Session: "s1"}})
	r.add(at(10), maria.ID, &session.Ended{})
	fmt.Println(notify.EndedText(session.Fold("s1", r.events)))
	// Output:
	// **Stand-up of musicstore ended** · Mon 30 Nov 2026 · 8:00 of 7:00 (1:00 over)
	//
	// **Attendance:** 2 of 3 came: Lukas, Christian (late by 2 min) · absent: Jörg
	//
	// **Blockers**
	// - Lukas: app build red since the API change `(#212)`
	//
	// **Decisions**
	// - Integration tests in their CI? → Julia pairs with Lukas on Thursday (absent: Jörg)
	//
	// **Action items**
	// - Pin the API version in the app — Lukas, due Wed 2 Dec
}
