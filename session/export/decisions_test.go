package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// TestExcusedAndPreparedInTheRecord: an excused member is "excused" in the
// minutes, never late; a prepared update and the excused flag survive a
// JSON record's round trip.
func TestExcusedAndPreparedInTheRecord(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	lukas := session.Person{ID: session.RosterID("Lukas"), Name: "Lukas"}
	info := session.Info{ID: "s1", Team: "musicstore", Kind: session.Standup, Code: "maple-otter-kite-40721", Created: at}
	events := []session.Event{
		{Seq: 1, Time: at, Actor: "local:maria", Payload: &session.Created{
			Config:      session.Config{Team: "musicstore", Kind: session.Standup, Code: "maple-otter-kite-40721", Timebox: 15 * time.Minute, ScheduledAt: at},
			Facilitator: session.Person{ID: "local:maria", Name: "Maria"}, Roster: []string{"Lukas", "Ben", "Julia"},
			Prepared: []session.Prepared{{Who: lukas, Written: at.Add(-2 * time.Hour), Today: "release", Blockers: []string{"no device"}}},
			Excused:  []string{"Ben"},
		}},
		{Seq: 2, Time: at.Add(time.Minute), Actor: "local:maria", Payload: &session.Arrived{Who: session.Person{ID: "local:maria", Name: "Maria"}, Role: session.Facilitator}},
		{Seq: 3, Time: at.Add(2 * time.Minute), Actor: "local:maria", Payload: &session.Ended{}},
	}
	info.Ended = events[2].Time
	var b bytes.Buffer
	if err := Write(&b, "md", info, events); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{"| Ben | excused |", "| Julia | absent |", "| Lukas | absent |"} {
		if !strings.Contains(md, want) {
			t.Errorf("minutes lack %q:\n%s", want, md)
		}
	}
	b.Reset()
	if err := Write(&b, "json", info, events); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"excused": true`) || !strings.Contains(b.String(), `"prepared": [`) {
		t.Errorf("record lacks excused or prepared:\n%s", b.String())
	}
	rec, err := ReadRecord(&b)
	if err != nil {
		t.Fatal(err)
	}
	if pr, ok := rec.State.PreparedBy(lukas.ID); !ok || pr.Today != "release" {
		t.Errorf("read back %+v", rec.State.Prepared)
	}
	if err := rec.State.Validate(); err != nil {
		t.Error(err)
	}
}

func TestDecisionLogFormats(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	log := []session.TeamEvent{
		{Seq: 1, Time: at, Actor: "roster:Ana", Payload: &session.DecidedOutside{ID: 1, Text: "=cmd|' /C calc'!A0 and *Postgres*", By: "Ana", Present: []string{"Ana"}, Absent: []string{"Ben"}}},
		{Seq: 2, Time: at.Add(time.Hour), Actor: "roster:Ben", Payload: &session.ReviewAsked{Decision: "team/1", Who: "Ben", Reason: "MySQL"}},
	}
	h := session.TeamHistory{Team: session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"}}, Log: log}
	entries := h.Decisions()
	var b bytes.Buffer
	if err := WriteDecisions(&b, "md", "musicstore", h.Team.Members, entries, log); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Decisions of musicstore", `\*Postgres\*`, "- Not seen yet: Ben", "- Review asked by Ben", "`team/1`"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := WriteDecisions(&b, "csv", "musicstore", h.Team.Members, entries, log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"'=cmd|' /C calc'!A0`) {
		t.Errorf("csv is not defused:\n%s", b.String())
	}
	b.Reset()
	if err := WriteDecisions(&b, "json", "musicstore", h.Team.Members, entries, log); err != nil {
		t.Fatal(err)
	}
	team, back, err := ReadTeamLog(bytes.NewReader(b.Bytes()))
	if err != nil || team != "musicstore" || len(back) != 2 {
		t.Fatalf("read back %q %v %v", team, back, err)
	}
	if err := WriteDecisions(&b, "pdf", "musicstore", nil, nil, nil); err == nil {
		t.Error("an unknown format is accepted")
	}
	bad := strings.Replace(b.String(), `"seq": 2`, `"seq": 3`, 1)
	if _, _, err := ReadTeamLog(strings.NewReader(bad)); err == nil {
		t.Error("a gap in the team log is accepted")
	}
}

// FuzzReadTeamLog: whatever a decision log's JSON holds, reading it never
// panics, and a log it accepts is valid and writes back to itself.
func FuzzReadTeamLog(f *testing.F) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	log := []session.TeamEvent{
		{Seq: 1, Time: at, Actor: "roster:Ana", Payload: &session.DecidedOutside{ID: 1, Text: "Postgres", By: "Ana", Present: []string{"Ana"}, Absent: []string{"Ben"}}},
		{Seq: 2, Time: at, Actor: "local:Ben", Payload: &session.Acknowledged{Decision: "team/1", Who: "Ben"}},
		{Seq: 3, Time: at, Actor: "roster:Ben", Payload: &session.WentAway{Who: "Ben", From: "2026-12-01", Until: "2026-12-18"}},
		{Seq: 4, Time: at, Actor: "roster:Ben", Payload: &session.UpdatePrepared{Who: "Ben", Today: "tests", Blockers: []string{"CI"}}},
		{Seq: 5, Time: at, Actor: "roster:Ben", Payload: &session.ReviewAsked{Decision: "team/1", Who: "Ben", Reason: "why"}},
		{Seq: 6, Time: at, Actor: "roster:Ben", Payload: &session.ActionMarkedDone{Action: "k7xq2m/a1", Who: "Ben", Note: "shipped"}},
		{Seq: 7, Time: at, Actor: "local:Ana", Payload: &session.ActionReassigned{Action: "k7xq2m/a2", Who: "Ana", To: "Ben"}},
		{Seq: 8, Time: at, Actor: "roster:Ben", Payload: &session.ActionDueChanged{Action: "k7xq2m/a2", Who: "Ben", Due: "2026-12-04"}},
		{Seq: 9, Time: at, Actor: "roster:Ben", Payload: &session.ActionDroppedOutside{Action: "k7xq2m/a3", Who: "Ben"}},
	}
	var b bytes.Buffer
	if err := WriteDecisions(&b, "json", "musicstore", nil, nil, log); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"huddle_decisions": 1, "team": "t", "decisions": [], "team_log": []}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		team, events, err := ReadTeamLog(bytes.NewReader(doc))
		if err != nil {
			return
		}
		if err := session.ValidateTeamLog(events); err != nil {
			t.Fatalf("accepted an invalid log: %v", err)
		}
		var out bytes.Buffer
		if err := WriteDecisions(&out, "json", team, nil, nil, events); err != nil {
			t.Fatal(err)
		}
		team2, events2, err := ReadTeamLog(&out)
		if err != nil || team2 != team || len(events2) != len(events) {
			t.Fatalf("does not read back: %v", err)
		}
	})
}

func TestReadTeamLogRefusesUnknownFields(t *testing.T) {
	doc := `{"huddle_decisions": 1, "team": "t", "decisions": [], "team_log": [{"seq": 1, "time": "2026-11-25T10:00:00Z", "actor": "roster:Ana", "type": "acknowledged", "data": {"decision": "team/1", "who": "Ana", "mood": "meh"}}]}`
	if _, _, err := ReadTeamLog(strings.NewReader(doc)); err == nil || !strings.Contains(err.Error(), "mood") {
		t.Fatalf("err = %v", err)
	}
}

// The decision log's formats say what the last retrospective's review
// made of a decision, and say nothing for one never reviewed.
func TestDecisionLogFormatsTheReview(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	log := []session.TeamEvent{
		{Seq: 1, Time: at, Actor: "roster:Ana", Payload: &session.DecidedOutside{ID: 1, Text: "Postgres", By: "Ana", Present: []string{"Ana"}, Absent: []string{"Ben"}}},
	}
	h := session.TeamHistory{Team: session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"}}, Log: log}
	reviewed := &session.Reviewed{Outcome: session.Reopened, By: "Maria", At: at.Add(48 * time.Hour), Session: "r7xq2m4v9p3r8t6w"}
	for _, tc := range []struct {
		name     string
		reviewed *session.Reviewed
		format   string
		want     []string
		not      []string
	}{
		{"markdown, reviewed", reviewed, "md", []string{"- Reviewed: reopened by Maria in the retrospective of ", "(`r7xq2m`)"}, nil},
		{"markdown, not reviewed", nil, "md", nil, []string{"Reviewed"}},
		{"csv, reviewed", reviewed, "csv", []string{",review_outcome,reviewed_by,reviewed_at,reviewed_in\r\n", `,"reopened","Maria","2026-11-27T10:00:00Z","r7xq2m4v9p3r8t6w"` + "\r\n"}, nil},
		{"csv, not reviewed", nil, "csv", []string{`"Ben","","","","",""` + "\r\n"}, nil},
		{"json, reviewed", reviewed, "json", []string{`"huddle_decisions": 2`, `"outcome": "reopened"`, `"reviewed": {`, `"by": "Maria"`, `"session": "r7xq2m4v9p3r8t6w"`}, nil},
		{"json, not reviewed", nil, "json", nil, []string{`"reviewed"`, `"outcome"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries := h.Decisions()
			if tc.reviewed != nil {
				entries[0].Outcome, entries[0].Reviewed = tc.reviewed.Outcome, tc.reviewed
			}
			var b bytes.Buffer
			if err := WriteDecisions(&b, tc.format, "musicstore", h.Team.Members, entries, log); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("lacks %q:\n%s", w, b.String())
				}
			}
			for _, n := range tc.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("has %q:\n%s", n, b.String())
				}
			}
			if tc.format == "json" {
				if _, _, err := ReadTeamLog(&b); err != nil {
					t.Errorf("does not read back: %v", err)
				}
			}
		})
	}
}

// A retrospective's minutes list the decisions its review listed with what
// it made of them, and the minutes of a session of a team end with where
// the team's decision log is.
func TestMinutesReviewedDecisionsAndTheDecisionLog(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	maria := session.Person{ID: "local:maria", Name: "Maria"}
	retro := func(team string, review []session.LogEntry, outcomes ...*session.DecisionReviewed) []session.Event {
		evs := []session.Event{{Seq: 1, Time: at, Actor: maria.ID, Payload: &session.Created{
			Config:      session.Config{Team: team, Kind: session.Retro, Timebox: time.Hour},
			Facilitator: maria, Review: review,
		}}}
		for _, o := range outcomes {
			evs = append(evs, session.Event{Seq: int64(len(evs) + 1), Time: at, Actor: maria.ID, Payload: o})
		}
		return evs
	}
	review := []session.LogEntry{
		{Ref: "k7xq2m4v9p3r8t6w/p1", Source: session.FromParkingLot, Text: "Use *GitHub* Actions", At: at.Add(-48 * time.Hour), Present: []string{"Ana"}, Absent: []string{"Ben"}, Seen: []session.Seen{}, Reviews: []session.Seen{}},
		{Ref: "team/1", Source: session.FromOutside, Text: "Postgres 17", At: at.Add(-24 * time.Hour), Present: []string{"Ana"}, Absent: []string{"Ben"}, Seen: []session.Seen{},
			Reviews: []session.Seen{{Who: "Ben", At: at.Add(-time.Hour), Reason: "MySQL"}}},
		{Ref: "team/2", Source: session.FromOutside, Text: "Trunk-based", At: at.Add(-24 * time.Hour), Present: []string{"Ana"}, Absent: []string{"Cem"}, Seen: []session.Seen{}, Reviews: []session.Seen{}},
	}
	for _, tc := range []struct {
		name   string
		events []session.Event
		format string
		want   []string
		not    []string
	}{
		{"markdown: outcomes", retro("musicstore", review,
			&session.DecisionReviewed{Decision: "team/1", Outcome: session.Confirmed},
			&session.DecisionReviewed{Decision: "team/1", Outcome: session.Reopened},
			&session.DecisionReviewed{Decision: "k7xq2m4v9p3r8t6w/p1", Outcome: session.Confirmed}), "md",
			[]string{"Decisions taken with members absent, or asked for review:\n\n",
				"- Use \\*GitHub\\* Actions (k7xq2m/p1, 23 Nov; absent: Ben): confirmed\n",
				"- Postgres 17 (team/1, 24 Nov; absent: Ben; review asked by Ben): reopened\n",
				"- Trunk-based (team/2, 24 Nov; absent: Cem): not reviewed\n",
				"\n\nDecision log of the team: `huddle decisions --team musicstore`, or over SSH `ssh HOST decisions --team musicstore`\n"}, nil},
		{"html: outcomes", retro("musicstore", review, &session.DecisionReviewed{Decision: "team/2", Outcome: session.Reopened}), "html",
			[]string{"<p>Decisions taken with members absent, or asked for review:</p>",
				"<li>Trunk-based (team/2, 24 Nov; absent: Cem): reopened</li>",
				"<li>Use *GitHub* Actions (k7xq2m/p1, 23 Nov; absent: Ben): not reviewed</li>",
				"decision log of the team: <code>huddle decisions --team musicstore</code>, or over SSH <code>ssh HOST decisions --team musicstore</code></footer>"}, nil},
		{"markdown: nothing to review", retro("musicstore", nil), "md", []string{"Decision log of the team"}, []string{"Decisions taken with members absent"}},
		{"html: nothing to review", retro("musicstore", nil), "html", []string{"decision log of the team"}, []string{"Decisions taken with members absent"}},
		{"markdown: a team name a shell would split", retro("music store", nil), "md", []string{"`huddle decisions --team 'music store'`"}, nil},
		{"html: a team name to escape", retro("a<b>", nil), "html", []string{"<code>huddle decisions --team &#39;a&lt;b&gt;&#39;</code>"}, nil},
		{"markdown: no team, no decision log", retro("", nil), "md", nil, []string{"Decision log"}},
		{"html: no team, no decision log", retro("", nil), "html", nil, []string{"decision log"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := session.Fold("r1", tc.events)
			var b bytes.Buffer
			write := Markdown
			if tc.format == "html" {
				write = HTML
			}
			if err := write(&b, s); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(out, n) {
					t.Errorf("has %q:\n%s", n, out)
				}
			}
			if tc.format == "md" && !strings.HasSuffix(out, "\n") {
				t.Error("no newline at the end")
			}
			if tc.format == "html" {
				readHTML(t, out)
			}
		})
	}
}
