package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"huddle/session"
	"huddle/session/sqlite"
)

// mustJSON is the record of a session.
func mustJSON(tb testing.TB, info session.Info, events []session.Event) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := JSON(&b, info, events); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// infoOf is the store's Info of a session made of events.
func infoOf(id string, events []session.Event) session.Info {
	c := events[0].Payload.(*session.Created).Config
	info := session.Info{ID: id, Team: c.Team, Kind: c.Kind, Code: c.Code, Created: events[0].Time, Events: int64(len(events))}
	for _, e := range events {
		if e.Type() == "ended" {
			info.Ended = e.Time
			break
		}
	}
	return info
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func mustStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(filepath.Join(tb.TempDir(), "huddle.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// store puts a record's session into a store as huddle import does.
func store(tb testing.TB, st session.Store, rec Record) {
	tb.Helper()
	ctx := context.Background()
	if err := st.Create(ctx, rec.Info, rec.Events[0]); err != nil {
		tb.Fatal(err)
	}
	if err := st.Append(ctx, rec.Info.ID, rec.Events[1:]...); err != nil {
		tb.Fatal(err)
	}
}

// stored is the record of a session in a store, as huddle export writes
// it.
func stored(tb testing.TB, st session.Store, id string) []byte {
	tb.Helper()
	ctx := context.Background()
	info, err := st.Session(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	events, err := st.Events(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	return mustJSON(tb, info, events)
}

// heldStandup holds a stand-up in a store, through a Room on a fake
// clock, and returns its id.
func heldStandup(tb testing.TB, st session.Store) string {
	tb.Helper()
	ctx := context.Background()
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	info, err := session.Create(ctx, st, session.Plan{
		Config:      session.Config{Team: "musicstore", Kind: session.Standup, ScheduledAt: start, Timebox: 10 * time.Minute, Turn: 2 * time.Minute},
		Facilitator: maria, Roster: []string{"Lukas", "Julia", "Jörg"},
	}, start.Add(-5*time.Minute))
	if err != nil {
		tb.Fatal(err)
	}
	clock := session.NewFakeClock(start.Add(-5 * time.Minute))
	room, err := session.OpenRoom(ctx, st, info.ID, session.RoomOptions{Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	defer room.Close()
	step := func(d time.Duration, actor session.ParticipantID, c session.Command) {
		tb.Helper()
		clock.Advance(d)
		if err := room.Submit(actor, c); err != nil {
			tb.Fatalf("%T: %v", c, err)
		}
	}
	step(time.Minute, maria.ID, session.Arrive{Name: "Lukas"})
	step(7*time.Minute+333*time.Millisecond, maria.ID, session.Arrive{Name: "Julia"})
	step(0, maria.ID, session.Start{})
	step(10*time.Second, lukas.ID, session.NoteBlocker{Text: "The build is red"})
	step(20*time.Second, julia.ID, session.Park{Topic: "CI | integration *tests*", RaisedBy: julia.ID})
	step(5*time.Second, lukas.ID, session.Stay{Item: 1, Who: lukas.ID, Stay: true})
	step(3*time.Minute, maria.ID, session.Next{}) // over the turn's time-box
	step(30*time.Second, maria.ID, session.Pause{Reason: "coffee"})
	step(time.Minute, maria.ID, session.Resume{})
	step(time.Minute, maria.ID, session.Next{})
	step(time.Minute, maria.ID, session.Resolve{Item: 1, Status: session.Decided, Note: "Run them in the app's CI"})
	step(0, maria.ID, session.Next{})
	if s := room.Snapshot().State; s.Phase != session.Closed {
		tb.Fatalf("the stand-up is %s, want closed", s.Phase)
	}
	return info.ID
}

// heldRetro holds a retrospective in a store, through a Room on a fake
// clock, and returns its id.
func heldRetro(tb testing.TB, st session.Store, anonymous bool) string {
	tb.Helper()
	ctx := context.Background()
	start := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	info, err := session.Create(ctx, st, session.Plan{
		Config: session.Config{
			Team: "musicstore", Kind: session.Retro, ScheduledAt: start, Format: session.MadSadGlad,
			VoteBudget: 3, Anonymous: anonymous, ESVP: anonymous,
		},
		Facilitator: maria, Roster: []string{"Lukas", "Julia", "Jörg"},
	}, start)
	if err != nil {
		tb.Fatal(err)
	}
	clock := session.NewFakeClock(start)
	room, err := session.OpenRoom(ctx, st, info.ID, session.RoomOptions{Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	defer room.Close()
	step := func(d time.Duration, actor session.ParticipantID, c session.Command) {
		tb.Helper()
		clock.Advance(d)
		if err := room.Submit(actor, c); err != nil {
			tb.Fatalf("%T %+v: %v", c, c, err)
		}
	}
	step(0, maria.ID, session.Arrive{Name: "Lukas"})
	step(90*time.Second, maria.ID, session.Arrive{Name: "Julia"})
	step(30*time.Second, maria.ID, session.Next{}) // check-in
	if anonymous {
		step(10*time.Second, lukas.ID, session.CheckInPoll{Answer: session.Explorer})
		step(10*time.Second, julia.ID, session.CheckInPoll{Answer: session.Prisoner})
	} else {
		step(10*time.Second, lukas.ID, session.CheckInWord{Word: "curious"})
		step(10*time.Second, julia.ID, session.CheckInWord{Word: "tired"})
	}
	step(time.Minute, maria.ID, session.Next{}) // review
	step(time.Minute, maria.ID, session.Next{}) // write
	step(20*time.Second, lukas.ID, session.AddCard{Column: 0, Text: "Reviews wait for days"})
	step(20*time.Second, julia.ID, session.AddCard{Column: 0, Text: "PRs sit unreviewed"})
	step(20*time.Second, julia.ID, session.AddCard{Column: 2, Text: "The new CI is quick"})
	step(20*time.Second, lukas.ID, session.AddCard{Column: 1, Text: "Flaky tests"})
	step(10*time.Second, lukas.ID, session.EditCard{Card: 4, Text: "Flaky login test"})
	step(2*time.Minute, maria.ID, session.Next{}) // group
	step(20*time.Second, maria.ID, session.GroupCard{Card: 2, Onto: 1})
	step(20*time.Second, maria.ID, session.NameGroup{Group: 1, Name: "Slow reviews"})
	step(time.Minute, maria.ID, session.Next{}) // vote
	step(10*time.Second, lukas.ID, session.CastVote{Group: 1})
	step(10*time.Second, lukas.ID, session.CastVote{Group: 4})
	step(10*time.Second, julia.ID, session.CastVote{Group: 1})
	step(10*time.Second, julia.ID, session.CastVote{Group: 3})
	step(10*time.Second, julia.ID, session.CastVote{Group: 3, Remove: true})
	step(time.Minute, maria.ID, session.Next{}) // discuss
	step(time.Minute, julia.ID, session.AddNote{Text: "Two reviewers is too many"})
	step(time.Minute, maria.ID, session.RecordDecision{Text: "One approval is enough"})
	step(30*time.Second, maria.ID, session.AddAction{Text: "Change the branch rule", Owner: julia.ID, Due: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)})
	step(6*time.Minute, maria.ID, session.Next{}) // the next topic, after the topic's time-box ran out
	for room.Snapshot().State.Phase == session.Discuss {
		step(time.Minute, maria.ID, session.Next{})
	}
	for room.Snapshot().State.Phase != session.Roti {
		step(time.Minute, maria.ID, session.Next{})
	}
	step(10*time.Second, lukas.ID, session.GiveRoti{Score: 4})
	step(10*time.Second, julia.ID, session.GiveRoti{Score: 2})
	step(10*time.Second, maria.ID, session.Next{})
	if s := room.Snapshot().State; s.Phase != session.Closed {
		tb.Fatalf("the retrospective is %s, want closed", s.Phase)
	}
	return info.ID
}

// recordCases are sessions to write as records: built from events, and
// held through rooms in a store.
func recordCases(t *testing.T) map[string][]byte {
	t.Helper()
	info, events := standup()
	cases := map[string][]byte{
		"stand-up":       mustJSON(t, info, events),
		"4Ls retro":      mustJSON(t, infoOf(sessionID, retro4Ls()), retro4Ls()),
		"anonymous":      mustJSON(t, infoOf(sessionID, retroAnonymous()), retroAnonymous()),
		"unfinished":     mustJSON(t, infoOf(sessionID, events[:19]), events[:19]),
		"unfinished 4Ls": mustJSON(t, infoOf(sessionID, retro4Ls()[:40]), retro4Ls()[:40]),
	}
	st := mustStore(t)
	cases["held stand-up"] = stored(t, st, heldStandup(t, st))
	cases["held retro"] = stored(t, st, heldRetro(t, st, false))
	cases["held anonymous retro"] = stored(t, st, heldRetro(t, st, true))
	return cases
}

func TestARecordRoundTripsThroughAStoreByteForByte(t *testing.T) {
	for name, want := range recordCases(t) {
		t.Run(name, func(t *testing.T) {
			rec, err := ReadRecord(bytes.NewReader(want))
			if err != nil {
				t.Fatal(err)
			}
			if rec.Version != 1 || rec.Info.Events != int64(len(rec.Events)) { // 2 only with what version 2 added
				t.Fatalf("version %d, info %+v with %d events", rec.Version, rec.Info, len(rec.Events))
			}
			if !reflect.DeepEqual(rec.State, session.Fold(rec.Info.ID, rec.Events)) {
				t.Fatal("the record's state is not the fold of its events")
			}
			st := mustStore(t)
			store(t, st, rec)
			if got := stored(t, st, rec.Info.ID); !bytes.Equal(got, want) {
				t.Fatalf("export → import → export differs:\n%s", firstDifference(got, want))
			}
		})
	}
}

// firstDifference shows where two records part.
func firstDifference(got, want []byte) string {
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl[i], wl[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(gl), len(wl))
}

func TestRecordsOfRetrospectivesMatchTheGoldenFiles(t *testing.T) {
	golden(t, "record-retro-4ls.json", mustJSON(t, infoOf(sessionID, retro4Ls()), retro4Ls()))
	golden(t, "record-retro-anonymous.json", mustJSON(t, infoOf(sessionID, retroAnonymous()), retroAnonymous()))
}

func TestTheGoldenRecordsAreRead(t *testing.T) {
	for _, name := range []string{"standup.json", "record-retro-4ls.json", "record-retro-anonymous.json"} {
		b := readTestdata(t, name)
		if _, err := ReadRecord(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestTheStateCarriesWhatTheMinutesNeed(t *testing.T) {
	var rec struct {
		State struct {
			Participants []struct {
				Name    string        `json:"name"`
				Absent  bool          `json:"absent"`
				LateBy  time.Duration `json:"late_by"`
				Arrived string        `json:"arrived"`
			} `json:"participants"`
			Tally []stateTally `json:"tally"`
			Rotis []struct {
				Score int `json:"score"`
			} `json:"rotis"`
			Decisions []struct {
				Text   string   `json:"text"`
				Absent []string `json:"absent"`
			} `json:"decisions"`
			Actions []struct {
				Text   string `json:"text"`
				Status string `json:"status"`
			} `json:"actions"`
		} `json:"state"`
	}
	if err := json.Unmarshal(mustJSON(t, infoOf(sessionID, retroAnonymous()), retroAnonymous()), &rec); err != nil {
		t.Fatal(err)
	}
	s := rec.State
	var absent []string
	for _, p := range s.Participants {
		if p.Absent {
			absent = append(absent, p.Name)
		}
	}
	if !reflect.DeepEqual(absent, []string{"Jörg"}) {
		t.Errorf("absent %v, want Jörg", absent)
	}
	wantTally := []stateTally{
		{Group: 1, Cards: 1, Votes: 1}, {Group: 2, Cards: 1}, {Group: 3, Name: "Slow reviews", Cards: 2, Votes: 4},
		{Group: 5, Cards: 1, Votes: 1}, {Group: 6, Cards: 1},
	}
	if !reflect.DeepEqual(s.Tally, wantTally) {
		t.Errorf("tally %+v,\nwant %+v", s.Tally, wantTally)
	}
	if len(s.Rotis) != 4 || len(s.Decisions) != 1 || s.Decisions[0].Absent[0] != "Jörg" {
		t.Errorf("rotis %v, decisions %v", s.Rotis, s.Decisions)
	}
	if len(s.Actions) != 2 || s.Actions[0].Status != "done" || s.Actions[1].Status != "open" {
		t.Errorf("actions %+v", s.Actions)
	}
}

func TestJSONTakesCreatedAndEndedFromTheEvents(t *testing.T) {
	info, events := standup()
	info.Ended = time.Time{} // read before the session ended
	info.Created = time.Time{}
	want := mustJSON(t, infoOf(sessionID, events), events)
	if got := mustJSON(t, info, events); !bytes.Equal(got, want) {
		t.Fatalf("differs:\n%s", firstDifference(got, want))
	}
}

// edit changes a record through its generic JSON form.
func edit(tb testing.TB, b []byte, change func(rec map[string]any)) []byte {
	tb.Helper()
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		tb.Fatal(err)
	}
	change(rec)
	out, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func sessionOf(rec map[string]any) map[string]any { return rec["session"].(map[string]any) }
func eventsOf(rec map[string]any) []any           { return rec["events"].([]any) }
func eventOf(rec map[string]any, seq int) map[string]any {
	return eventsOf(rec)[seq-1].(map[string]any)
}
func dataOf(rec map[string]any, seq int) map[string]any {
	return eventOf(rec, seq)["data"].(map[string]any)
}
func stateOfRec(rec map[string]any) map[string]any { return rec["state"].(map[string]any) }

// withoutState drops the record's state, so that an edit of the events
// meets the check of the events and not the state's.
func withoutState(change func(rec map[string]any)) func(rec map[string]any) {
	return func(rec map[string]any) {
		delete(rec, "state")
		change(rec)
	}
}

func TestReadRecordRefusesBrokenRecords(t *testing.T) {
	info, events := standup()
	good := mustJSON(t, info, events)
	retro := mustJSON(t, infoOf(sessionID, retro4Ls()), retro4Ls())
	for _, c := range []struct {
		name string
		in   []byte
		want string // in the message
	}{
		{"empty", nil, "the input ends early"},
		{"truncated", good[:len(good)/2], "the input ends early"},
		{"malformed", bytes.Replace(good, []byte(`"seq": 5,`), []byte(`"seq": 5,,`), 1), "malformed JSON at line"},
		{"an array", []byte(`[1, 2]`), "cannot unmarshal array"},
		{"trailing data", append(bytes.Clone(good), `{}`...), "invalid character '{' after top-level value"},
		{"no version", edit(t, good, func(r map[string]any) { delete(r, "huddle_record") }), `no "huddle_record" version`},
		{"null version", edit(t, good, func(r map[string]any) { r["huddle_record"] = nil }), `no "huddle_record" version`},
		{"text version", edit(t, good, func(r map[string]any) { r["huddle_record"] = "1" }), `version "1" is not a whole number`},
		{"version 0", edit(t, good, func(r map[string]any) { r["huddle_record"] = 0 }), "version 0 is not a huddle record version"},
		{"unknown field", edit(t, good, func(r map[string]any) { r["comment"] = "hi" }), `unknown field "comment"`},
		{"unknown event field", edit(t, good, func(r map[string]any) { eventOf(r, 2)["note"] = 1 }), `unknown field "note"`},
		{"unknown data field", edit(t, good, func(r map[string]any) { dataOf(r, 2)["mood"] = "good" }), `event 2 (arrived): data: json: unknown field "mood"`},
		{"unknown state field", edit(t, good, func(r map[string]any) { stateOfRec(r)["mood"] = "good" }), `state: json: unknown field "mood"`},
		{"no session", edit(t, good, func(r map[string]any) { delete(r, "session") }), `no "session"`},
		{"bad id", edit(t, good, func(r map[string]any) { sessionOf(r)["id"] = "../etc" }), `session id "../etc"`},
		{"empty id", edit(t, good, func(r map[string]any) { sessionOf(r)["id"] = "" }), `session id ""`},
		{"unclean team", edit(t, good, func(r map[string]any) { sessionOf(r)["team"] = "music\x1b[2Jstore" }), `team "music\x1b[2Jstore"`},
		{"bad kind", edit(t, good, func(r map[string]any) { sessionOf(r)["kind"] = "party" }), `unknown kind "party"`},
		{"bad code", edit(t, good, func(r map[string]any) { sessionOf(r)["code"] = "Maple Otter kite 40721" }), "not a huddle join code"},
		{"bad created", edit(t, good, func(r map[string]any) { sessionOf(r)["created"] = "yesterday" }), `session created: time "yesterday" is not RFC 3339`},
		{"no events", edit(t, good, func(r map[string]any) { r["events"] = []any{} }), "no events"},
		{"null events", edit(t, good, func(r map[string]any) { r["events"] = nil }), "no events"},
		{"seq gap", edit(t, good, func(r map[string]any) { r["events"] = append(eventsOf(r)[:3:3], eventsOf(r)[4:]...) }), "event 4 has seq 5"},
		{"seq from 0", edit(t, good, func(r map[string]any) { eventOf(r, 1)["seq"] = 0 }), "event 1 has seq 0"},
		{"repeated seq", edit(t, good, func(r map[string]any) { eventOf(r, 3)["seq"] = 2 }), "event 3 has seq 2"},
		{"first not created", edit(t, good, func(r map[string]any) {
			ev := eventsOf(r)
			ev[0], ev[1] = ev[1], ev[0]
			ev[0].(map[string]any)["seq"], ev[1].(map[string]any)["seq"] = 1, 2
		}), `the first event is "arrived", want created`},
		{"created again", edit(t, good, withoutState(func(r map[string]any) {
			eventOf(r, 2)["type"] = "created"
			eventOf(r, 2)["data"] = dataOf(r, 1)
		})), "event 2 (created): only the first event may be created"},
		{"after the end", edit(t, good, func(r map[string]any) {
			r["events"] = append(eventsOf(r), map[string]any{"seq": len(events) + 1, "time": "2026-11-25T10:15:00Z", "actor": "", "type": "resumed", "data": map[string]any{}})
		}), "event 33 (resumed) comes after the session ended (event 32)"},
		{"unknown type", edit(t, good, func(r map[string]any) { eventOf(r, 5)["type"] = "danced" }), `unknown event type "danced"`},
		{"bad payload", edit(t, good, func(r map[string]any) { dataOf(r, 2)["role"] = "boss" }), `event 2 (arrived): invalid: decode arrived: invalid: unknown role "boss"`},
		{"wrong payload type", edit(t, good, func(r map[string]any) { dataOf(r, 2)["who"] = 7 }), "event 2 (arrived): invalid: decode arrived"},
		{"negative topic position", edit(t, retro, withoutState(func(r map[string]any) {
			for _, e := range eventsOf(r) {
				if e := e.(map[string]any); e["type"] == "topic-changed" {
					e["data"].(map[string]any)["pos"] = -1
				}
			}
		})), "(topic-changed): the discussion moves to position -1, but positions count from 0"},
		{"data not an object", edit(t, good, func(r map[string]any) { eventOf(r, 32)["data"] = nil }), "event 32 (ended): the data is not a JSON object"},
		{"no data", edit(t, good, func(r map[string]any) { delete(eventOf(r, 32), "data") }), "event 32 (ended): the data is not a JSON object"},
		{"escape in text", edit(t, good, withoutState(func(r map[string]any) {
			dataOf(r, 9)["text"] = "red \x1b]8;;http://evil\x07build"
		})), `event 9 (blocker-noted): text "red \x1b]8;;http://evil\abuild" holds what huddle never records`},
		{"escape in a map key", edit(t, good, withoutState(func(r map[string]any) {
			dataOf(r, 1)["bound"] = map[string]any{"Lukas\u202e": "SHA256:x"}
		})), `event 1 (created): text "Lukas\u202e"`},
		{"overlong text", edit(t, good, withoutState(func(r map[string]any) {
			dataOf(r, 9)["text"] = strings.Repeat("a", session.DefaultMaxText+1)
		})), "more than 280 characters"},
		{"unclean actor", edit(t, good, func(r map[string]any) { eventOf(r, 3)["actor"] = "roster:Julia\n" }), "event 3 (arrived): actor: text"},
		{"time not UTC", edit(t, good, func(r map[string]any) { eventOf(r, 3)["time"] = "2026-11-25T10:59:30+01:00" }),
			`event 3 (arrived): time "2026-11-25T10:59:30+01:00" is not written as a record writes it (2026-11-25T09:59:30Z)`},
		{"time with zeros", edit(t, good, func(r map[string]any) { eventOf(r, 3)["time"] = "2026-11-25T09:59:30.000Z" }), "is not written as a record writes it"},
		{"time backwards", edit(t, good, func(r map[string]any) { eventOf(r, 3)["time"] = "2026-11-25T09:57:00Z" }),
			"event 3 (arrived): time goes backwards, from 2026-11-25T09:58:00Z to 2026-11-25T09:57:00Z"},
		{"time beyond the store", edit(t, good, func(r map[string]any) {
			for _, e := range eventsOf(r) {
				e.(map[string]any)["time"] = "2300-01-01T00:00:00Z"
			}
		}), "outside what huddle stores"},
		{"team disagrees", edit(t, good, func(r map[string]any) { sessionOf(r)["team"] = "webshop" }), `the session's team is "webshop", its created event's "musicstore"`},
		{"kind disagrees", edit(t, good, func(r map[string]any) { sessionOf(r)["kind"] = "retro" }), "the session's kind is retro, its created event's standup"},
		{"code disagrees", edit(t, good, func(r map[string]any) { sessionOf(r)["code"] = "maple-otter-kite-40722" }), `join code is "maple-otter-kite-40722", its created event's "maple-otter-kite-40721"`},
		{"created disagrees", edit(t, good, func(r map[string]any) { sessionOf(r)["created"] = "2026-11-25T09:00:00Z" }), "created at 2026-11-25T09:00:00Z, its created event at 2026-11-25T09:55:00Z"},
		{"not ended", edit(t, good, func(r map[string]any) { sessionOf(r)["ended"] = nil }), "has not ended, but event 32 ends it"},
		{"ended elsewhen", edit(t, good, func(r map[string]any) { sessionOf(r)["ended"] = "2026-11-25T10:20:00Z" }), "ended at 2026-11-25T10:20:00Z, its ended event at 2026-11-25T10:14:00Z"},
		{"ended without an event", edit(t, good, withoutState(func(r map[string]any) { r["events"] = eventsOf(r)[:31] })), "ended at 2026-11-25T10:14:00Z, but no event ends it"},
		{"state lies about presence", edit(t, good, func(r map[string]any) {
			stateOfRec(r)["participants"].([]any)[4].(map[string]any)["present"] = true
		}), `the state differs from the fold of the events in "participants"`},
		{"state lies about the outcome", edit(t, good, func(r map[string]any) {
			stateOfRec(r)["items"].([]any)[2].(map[string]any)["note"] = "Use Jest"
			stateOfRec(r)["seq"] = 31
		}), `the state differs from the fold of the events in "items", "seq"`},
		{"state lies about votes", edit(t, retro, func(r map[string]any) {
			stateOfRec(r)["tally"].([]any)[0].(map[string]any)["votes"] = 9
		}), `the state differs from the fold of the events in "tally"`},
		{"state is not an object", edit(t, good, func(r map[string]any) { r["state"] = "fine" }), "state: json: cannot unmarshal string"},
		{"state without lists", edit(t, good, func(r map[string]any) { stateOfRec(r)["turns"] = nil }), `differs from the fold of the events in "turns"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadRecord(bytes.NewReader(c.in))
			if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v\nwant ErrInvalid with %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "huddle record") {
				t.Fatalf("err = %v, does not say it is about the record", err)
			}
		})
	}
}

func TestReadRecordRefusesANewerVersionNamingBoth(t *testing.T) {
	info, events := standup()
	newer := edit(t, mustJSON(t, info, events), func(r map[string]any) {
		r["huddle_record"] = RecordVersion + 1
		r["what_version_2_added"] = true // refused for its version, not this
	})
	_, err := ReadRecord(bytes.NewReader(newer))
	if !errors.Is(err, ErrVersion) || !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("err = %v, want ErrVersion and ErrInvalid", err)
	}
	want := fmt.Sprintf("the record is version %d, newer than this huddle reads (version %d at most); update huddle to import it", RecordVersion+1, RecordVersion)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v\nwant %q", err, want)
	}
}

func TestReadRecordReadsARecordWithoutState(t *testing.T) {
	info, events := standup()
	good := mustJSON(t, info, events)
	for name, change := range map[string]func(r map[string]any){
		"no state":   func(r map[string]any) { delete(r, "state") },
		"null state": func(r map[string]any) { r["state"] = nil },
	} {
		rec, err := ReadRecord(bytes.NewReader(edit(t, good, change)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(rec.State, session.Fold(sessionID, events)) {
			t.Fatalf("%s: the state is not the fold of the events", name)
		}
		if again := mustJSON(t, rec.Info, rec.Events); !bytes.Equal(again, good) {
			t.Fatalf("%s: written again, the record differs:\n%s", name, firstDifference(again, good))
		}
	}
}

func TestReadRecordLimits(t *testing.T) {
	if maxSize != 64<<20 || maxEvents != 1_000_000 {
		t.Fatalf("limits %d bytes, %d events; docs/record.md says 64 MiB and 1,000,000", maxSize, maxEvents)
	}
	defer func(size, events int) { maxSize, maxEvents = size, events }(maxSize, maxEvents)
	maxSize, maxEvents = 1<<20, 1000
	t.Run("size", func(t *testing.T) {
		big := io.MultiReader(strings.NewReader(`{"huddle_record": 1, "x": "`), zeros{}, strings.NewReader(`"}`))
		_, err := ReadRecord(big)
		if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "larger than 1 MiB") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("events", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString(`{"huddle_record": 1, "session": {}, "events": [{}`)
		for range maxEvents {
			b.WriteString(",{}")
		}
		b.WriteString(`]}`)
		_, err := ReadRecord(&b)
		if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "1001 events, more than the 1000") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("at the limits", func(t *testing.T) {
		info, events := standup()
		good := mustJSON(t, info, events)
		maxSize, maxEvents = len(good), len(events)
		if _, err := ReadRecord(bytes.NewReader(good)); err != nil {
			t.Fatal(err)
		}
	})
}

// zeros reads as endless '0' bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// failingReader fails after its content.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errDiskFull
	}
	return n, err
}

func TestReadRecordReturnsTheReadersError(t *testing.T) {
	_, err := ReadRecord(failingReader{strings.NewReader(`{"huddle_record": 1`)})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("err = %v", err)
	}
}

func TestAFoldThatPanicsIsAnError(t *testing.T) {
	// A payload that panics when applied stands for one of session's
	// that would; fold must turn the panic into an error naming the event.
	_, events := standup()
	events = append(events[:3:3], session.Event{Seq: 4, Time: at(10, 0, 0), Payload: panicky{}})
	_, err := fold(sessionID, events)
	if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "event 4 (panicky) cannot be folded into the session: runtime error") {
		t.Fatalf("err = %v", err)
	}
	var b bytes.Buffer
	if err := JSON(&b, infoOf(sessionID, events), events); !errors.Is(err, session.ErrInvalid) || b.Len() > 0 {
		t.Fatalf("JSON: err = %v, wrote %d bytes", err, b.Len())
	}
}

// panicky is a payload whose fold panics. Payload's apply method is
// unexported, so panicky embeds a nil payload whose apply reads it.
type panicky struct{ *session.Left }

func (panicky) Type() session.EventType { return "panicky" }

// TestTheRecordStateCarriesEveryFieldOfTheState fails when session's
// state types gain a field that recordState does not carry: add it to
// recordState and to docs/record.md (with a new record version), and
// here.
func TestTheRecordStateCarriesEveryFieldOfTheState(t *testing.T) {
	carried := map[reflect.Type]string{
		reflect.TypeFor[session.State](): "ID Config Facilitator Phase Seq Created Started RoundsEnded Ended " +
			"Participants Bound Knocking Barred Order Pos TurnBudget Turns Overall Paused PauseReason Blockers Items Actions Prepared Review " +
			"PhaseTimer Ready Revealed Cards GroupNames Moves Votes Topics TopicPos Thumbs Notes Decisions CheckIns Rotis",
		reflect.TypeFor[session.Participant](): "ID Name Role Expected Present Arrived ArrivalSeq LateBy Key AwaySince Removed Excused",
		reflect.TypeFor[session.Turn]():        "Speaker Timer Started Ended Skipped",
		reflect.TypeFor[session.Timer]():       "Budget Used Since Expired",
		reflect.TypeFor[session.Blocker]():     "Speaker Text NotedBy At",
	}
	for typ, names := range carried {
		var fields []string
		for f := range typ.Fields() {
			fields = append(fields, f.Name)
		}
		if got, want := strings.Join(fields, " "), names; got != want {
			t.Errorf("session.%s has the fields\n  %s\nthe record carries\n  %s", typ.Name(), got, want)
		}
	}
}

// FuzzReadRecord feeds ReadRecord anything: it must never panic, must
// refuse with an ErrInvalid error whose text is safe to print on a
// terminal, and what it accepts must hold only text that CleanText keeps
// as it is, in events numbered from 1 that Info counts, must be written
// back (JSON) as a record it accepts again, to the same bytes, and must
// make minutes in every format, free of terminal controls.
func FuzzReadRecord(f *testing.F) {
	// Small, compact seeds, most without their state: the fuzzer
	// minimizes every input that finds new code, in time that grows with
	// the square of its size, and a whole record with its state has
	// kilobytes.
	compact := func(b []byte) []byte {
		var out bytes.Buffer
		if err := json.Compact(&out, b); err != nil {
			f.Fatal(err)
		}
		return out.Bytes()
	}
	record := func(events []session.Event) []byte {
		return compact(mustJSON(f, infoOf(sessionID, events), events))
	}
	stateless := func(events []session.Event) []byte {
		return compact(edit(f, record(events), func(r map[string]any) { delete(r, "state") }))
	}
	short := func(events []session.Event) []session.Event {
		c := *events[0].Payload.(*session.Created)
		c.Carried, c.Actions, c.Config.Agreements = nil, nil, nil
		return append([]session.Event{{Seq: 1, Time: events[0].Time, Actor: events[0].Actor, Payload: &c}}, events[1:]...)
	}
	ended := func(events []session.Event) []session.Event {
		last := events[len(events)-1]
		return append(events, session.Event{Seq: last.Seq + 1, Time: last.Time.Add(time.Second), Actor: maria.ID, Payload: &session.Ended{}})
	}
	_, standupEvents := standup()
	su, r4, ra := short(standupEvents), short(retro4Ls()), short(retroAnonymous())
	for _, seed := range [][]byte{
		record(su[:1]),
		record(ended(su[:2])),
		stateless(su[:6]),
		stateless(ended(su[:3])),
		stateless(append(su[:1:1], standupEvents[9:13]...)), // parked, stays; not contiguous
		stateless(r4[:6]),
		stateless(append(ra[:1:1], ra[16:18]...)), // cards; not contiguous
		compact(edit(f, record(su[:1]), func(r map[string]any) { r["huddle_record"] = 2 })),
		[]byte(`{"huddle_record":1,"session":{},"events":[{}]}`),
		[]byte(`{}`),
		// What a refusal might quote: escape sequences, C1 controls
		// (raw and as UTF-8), bidi overrides, NUL, invalid UTF-8.
		[]byte("{\"huddle_record\":{\"\":\"\xc2\x9b2J\"}}"),
		[]byte("{\"huddle_record\":[\"\x9b31m\",\"\xff\"]}"),
		[]byte("{\"huddle_record\":1,\"\xe2\x80\xaeevil\":1}"),
		[]byte("{\"huddle_record\":1,\"session\":{\"team\":\"\x1b]52;c;cm0gLXJmIH4=\x07\"}}"),
		[]byte(`{"huddle_record":1,"session":{"team":"\u001b]52;c;cm0gLXJmIH4=\u0007"}}`),
		compact(edit(f, record(su[:1]), func(r map[string]any) {
			r["state"].(map[string]any)["\u009b[2J"] = "\u202e\x1b]52;c;AA==\a"
		})),
		[]byte("{\"huddle_record\":1,\"events\":[{\"type\":\"\xc2\x9b\",\"data\":{}}]}"),
		[]byte("{\"huddle_record\":1,\"events\":[{\"time\":\"\x00\"}]}"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rec, err := ReadRecord(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, session.ErrInvalid) {
				t.Fatalf("refused without ErrInvalid: %v", err)
			}
			if bad := unprintable(err.Error(), "\n\t"); bad >= 0 {
				t.Fatalf("the refusal %+q holds %U", err.Error(), bad)
			}
			return
		}
		if len(rec.Events) == 0 || rec.Info.Events != int64(len(rec.Events)) || rec.Events[0].Type() != "created" {
			t.Fatalf("accepted %d events, Info counts %d", len(rec.Events), rec.Info.Events)
		}
		for i, e := range rec.Events {
			if e.Seq != int64(i+1) {
				t.Fatalf("accepted event %d with seq %d", i+1, e.Seq)
			}
			eachString(reflect.ValueOf(e), func(s string) {
				if session.CleanText(s, session.DefaultMaxText) != s {
					t.Fatalf("accepted event %d holds the text %+q, which huddle would have cleaned", e.Seq, s)
				}
			})
		}
		var once bytes.Buffer
		if err := JSON(&once, rec.Info, rec.Events); err != nil {
			t.Fatalf("an accepted record cannot be written: %v", err)
		}
		again, err := ReadRecord(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("an accepted record, written again, is refused: %v\n%s", err, once.Bytes())
		}
		var twice bytes.Buffer
		if err := JSON(&twice, again.Info, again.Events); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("written twice, the record differs:\n%s", firstDifference(twice.Bytes(), once.Bytes()))
		}
		// What import accepts, export can show, and shows without
		// terminal controls.
		if err := Markdown(io.Discard, rec.State); err != nil && !errors.Is(err, session.ErrInvalid) {
			t.Fatalf("markdown: %v", err)
		}
		for _, format := range Formats {
			var out bytes.Buffer
			if err := Write(&out, format, rec.Info, rec.Events); err != nil {
				if !errors.Is(err, session.ErrInvalid) {
					t.Fatalf("%s: %v", format, err)
				}
				continue
			}
			if bad := unprintable(out.String(), "\n\t\r"); bad >= 0 {
				t.Fatalf("the %s export of an accepted record holds %U", format, bad)
			}
		}
	})
}

// unprintable returns the first rune of s that is a control (other than
// those in allowed), a bidi or other format character, or a byte that is
// not UTF-8 (as utf8.RuneError); -1 if there is none.
func unprintable(s string, allowed string) rune {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return r
		case strings.ContainsRune(allowed, r):
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return r
		}
	}
	return -1
}

// eachString calls fn with every string in v, map keys included.
func eachString(v reflect.Value, fn func(string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			eachString(v.Elem(), fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				eachString(v.Field(i), fn)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			eachString(v.Index(i), fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			eachString(it.Key(), fn)
			eachString(it.Value(), fn)
		}
	case reflect.String:
		fn(v.String())
	}
}
