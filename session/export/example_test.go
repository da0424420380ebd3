package export_test

import (
	"os"
	"time"

	"huddle/session"
	"huddle/session/export"
)

// A stand-up as its events, folded and written as minutes. (The tests run
// with time.Local set to UTC; minutes show local times.)
func ExampleMarkdown() {
	at := func(min int) time.Time { return time.Date(2026, 11, 25, 10, min, 0, 0, time.UTC) }
	maria := session.Person{ID: "local:maria", Name: "Maria"}
	lukas := session.Person{ID: session.RosterID("Lukas"), Name: "Lukas"}
	events := []session.Event{
		{Seq: 1, Time: at(0), Actor: maria.ID, Payload: &session.Created{
			Config:      session.Config{Team: "musicstore", ScheduledAt: at(0), Timebox: 5 * time.Minute},
			Facilitator: maria, Roster: []string{"Lukas", "Jörg"},
		}},
		{Seq: 2, Time: at(1), Actor: maria.ID, Payload: &session.Arrived{Who: lukas, LateBy: time.Minute}},
		{Seq: 3, Time: at(1), Actor: maria.ID, Payload: &session.Started{Order: []session.ParticipantID{lukas.ID}, TurnBudget: 5 * time.Minute}},
		{Seq: 4, Time: at(1), Actor: maria.ID, Payload: &session.TurnStarted{Speaker: lukas.ID, Budget: 5 * time.Minute}},
		{Seq: 5, Time: at(4), Actor: maria.ID, Payload: &session.Ended{}},
	}
	if err := export.Markdown(os.Stdout, session.Fold("s1", events)); err != nil {
		panic(err)
	}
	// Output:
	// # Stand-up · musicstore · Wed 25 Nov 2026
	//
	// - Facilitator: Maria
	// - Scheduled start: 10:00
	// - Duration: 3:00 (time-box 5:00, within)
	//
	// ## Attendance
	//
	// | Name | Status |
	// | --- | --- |
	// | Lukas | late by 1 min |
	// | Jörg | absent |
	//
	// ## Turns
	//
	// | Speaker | Time used | Time-box | Note |
	// | --- | --: | --: | --- |
	// | Lukas | 3:00 | 5:00 | |
	//
	// ## Blockers
	//
	// None.
	//
	// ## Parking lot
	//
	// Nothing was parked.
	//
	// ## Decisions
	//
	// None recorded.
	//
	// Recorded with huddle · session s1
}
