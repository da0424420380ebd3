package export_test

import (
	"os"
	"time"

	"huddle/session"
	"huddle/session/export"
)

// A stand-up as its events, folded and written as minutes. (The tests run
// with time.Local set to UTC; minutes show local times.) What people typed
// is escaped, and a mention, an issue reference or a URL is set as inline
// code, so that pasting the minutes into a GitHub issue pings nobody and
// links nothing.
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
		{Seq: 5, Time: at(3), Actor: maria.ID, Payload: &session.BlockerNoted{Speaker: lukas, Text: "*waiting* on @julia for #42"}},
		{Seq: 6, Time: at(4), Actor: maria.ID, Payload: &session.Ended{}},
	}
	if err := export.Markdown(os.Stdout, session.Fold("s1", events)); err != nil {
		panic(err)
	}
	// Output:
	// # Stand-up · musicstore · Wed 25 Nov 2026
	//
	// - Facilitator: Maria
	// - Scheduled start: 10:00 UTC
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
	// - Lukas: \*waiting\* on `@julia` for `#42`
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
	//
	// Decision log of the team: `huddle decisions --team musicstore`, or over SSH `ssh HOST decisions --team musicstore`
}

// The action items as CSV: every text cell quoted, and a formula defused
// with a single quote wherever a spreadsheet could start a cell — at the
// start of the text and after a separator inside it.
func ExampleCSV() {
	maria := session.Person{ID: "local:maria", Name: "Maria"}
	events := []session.Event{
		{Seq: 1, Time: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), Actor: maria.ID, Payload: &session.Created{
			Config:      session.Config{Team: "musicstore", Kind: session.Retro, Timebox: time.Hour},
			Facilitator: maria,
			Actions: []session.Action{
				{ID: 1, Text: "Book the room", Owner: maria, Due: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Session: "s0"},
				{ID: 2, Text: `Fix "flaky" tests;=HYPERLINK("x")`, Owner: maria, Session: "s0"},
				{ID: 3, Text: "-1 for the old script", Owner: maria, Session: "s0"},
			},
		}},
	}
	if err := export.CSV(os.Stdout, session.Fold("s1", events)); err != nil {
		panic(err)
	}
	// Output:
	// id,text,owner,due,status,topic,session
	// 1,"Book the room","Maria",2026-11-30,"open","","s0"
	// 2,"Fix ""flaky"" tests;'=HYPERLINK(""x"")","Maria",,"open","","s0"
	// 3,"'-1 for the old script","Maria",,"open","","s0"
}
