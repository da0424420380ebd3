package session

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// standupForSummary is a stand-up of three members and a watcher: Lukas
// on time, Julia three minutes late, Jörg never; maria facilitates and
// speaks first. Time moves only with f.advance.
func standupForSummary(t *testing.T) *fixture {
	f := newFixture(t, Config{Kind: Standup}, "Lukas", "Julia", "Jörg")
	f.must(fac, Arrive{Who: fac})
	f.arrive("Lukas")
	f.advance(3 * time.Minute)
	f.arrive("Julia")
	f.record(fac, &Arrived{Who: Person{ID: "guest:wanda", Name: "Wanda"}, Role: Observer})
	f.must(fac, Start{})
	f.advance(time.Minute)
	f.must(fac, NoteBlocker{Text: "build is red"})
	f.must(fac, Next{}) // maria: 1:00
	f.advance(5 * time.Minute)
	f.must(fac, Park{Topic: "test framework"})
	f.must(fac, Skip{}) // Lukas: 5:00, skipped, over
	f.advance(30 * time.Second)
	return f
}

func TestSummarizeStandup(t *testing.T) {
	attendance := []Attendee{
		{Name: "maria", Arrived: t0},
		{Name: "Lukas", Arrived: t0},
		{Name: "Julia", Arrived: t0.Add(3 * time.Minute), LateBy: 3 * time.Minute},
		{Name: "Jörg"},
	}
	box := 15 * time.Minute / 3 // the time-box divided among the three members who came
	tests := []struct {
		name   string
		finish func(f *fixture)
		want   func(s *Summary)
	}{
		{"ended", func(f *fixture) {
			f.must(fac, Next{}) // Julia: 0:30
			f.must(fac, Next{}) // Lukas again: 0:00
			f.must(fac, Resolve{Item: 1, Status: Decided, Note: "vitest"})
			f.must(fac, End{})
		}, func(s *Summary) {
			s.Closed, s.Phase = true, Closed
			s.End = t0.Add(9*time.Minute + 30*time.Second)
			s.Took = 6*time.Minute + 30*time.Second
			s.Turns = []TurnRow{
				{Speaker: "maria", Used: time.Minute, Budget: box},
				{Speaker: "Lukas", Used: 5 * time.Minute, Budget: box, Skipped: true},
				{Speaker: "Julia", Used: 30 * time.Second, Budget: box},
				{Speaker: "Lukas", Budget: box},
			}
			s.Parked[0].Status, s.Parked[0].Note = Decided, "vitest"
			s.Parked[0].Present, s.Parked[0].Absent = []string{"maria", "Lukas", "Julia"}, []string{"Jörg"}
			s.Decisions = []DecisionRow{{Text: "vitest", Item: 1, ItemTopic: "test framework",
				Present: []string{"maria", "Lukas", "Julia"}, Absent: []string{"Jörg"}}}
		}},
		{"left running in a turn", func(f *fixture) {}, func(s *Summary) {
			s.Unfinished, s.Phase, s.CarryOver = true, Rounds, 1
			s.End = t0.Add(9 * time.Minute) // the last thing the state knows of: the skip
			s.Took = 6 * time.Minute
			s.Turns = []TurnRow{
				{Speaker: "maria", Used: time.Minute, Budget: box},
				{Speaker: "Lukas", Used: 5 * time.Minute, Budget: box, Skipped: true},
				{Speaker: "Julia", Budget: box, Unfinished: true},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := standupForSummary(t)
			tt.finish(f)
			want := Summary{
				ID: "s1", Kind: Standup, Team: "musicstore", Created: t0, Facilitator: "maria",
				ScheduledAt: t0, Started: t0.Add(3 * time.Minute), Timebox: 15 * time.Minute, Budget: 15 * time.Minute,
				Attendance: attendance, Watchers: []string{"Wanda"}, Missing: 1,
				Blockers: []BlockerRow{{Speaker: "maria", Text: "build is red"}},
				Parked: []ParkedRow{{ID: 1, Topic: "test framework", RaisedBy: "maria", Speaker: "Lukas",
					InTurn: true, Phase: Rounds, Status: Open}},
			}
			tt.want(&want)
			got := Summarize(f.s)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Summarize:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestSummaryWords(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"stand-up title", Standup.Title(), "Stand-up"},
		{"retro title", Retro.Title(), "Retrospective"},
		{"seconds", MinSec(59*time.Second + 999*time.Millisecond), "0:59"},
		{"minutes", MinSec(12*time.Minute + 5*time.Second), "12:05"},
		{"an hour", MinSec(time.Hour + 2*time.Minute + 3*time.Second), "1:02:03"},
		{"negative", MinSec(-90 * time.Second), "1:30"},
		{"one", Plural(1, "dot"), "1 dot"},
		{"none", Plural(0, "dot"), "0 dots"},
		{"average rounds a half up", RotiTally{Scores: 4, Sum: 13}.Average(), "3.3"},
		{"average", RotiTally{Scores: 3, Sum: 11}.Average(), "3.7"},
		{"no scores", RotiTally{}.Average(), "0.0"},
		{"not started", Summary{}.DurationWords(), "not started"},
		{"ended early", Summary{Closed: true}.DurationWords(), "ended early"},
		{"unfinished", Summary{Started: t0}.DurationWords(), "unfinished"},
		{"took", Summary{Started: t0, Closed: true, Took: 16 * time.Minute, Budget: 15 * time.Minute}.DurationWords(), "16:00 of 15:00"},
		{"over", MinSec(Summary{Took: 16 * time.Minute, Budget: 15 * time.Minute}.Over()), "1:00"},
		{"within", MinSec(Summary{Took: 14 * time.Minute, Budget: 15 * time.Minute}.Over()), "0:00"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// retroForSummary is a retrospective that carries an earlier stand-up's
// topic, sent to it by Lukas, and an earlier action item of Julia's.
// The topic is card 1; Lukas and Julia check in, write cards 2 to 4,
// group 4 onto 3, vote, discuss, agree an action and score it.
func retroForSummary(t *testing.T, anonymous bool) *fixture {
	cfg := Config{Team: "musicstore", Kind: Retro, Timebox: time.Hour, Format: StartStopContinue, Anonymous: anonymous}
	cfg.Columns, _ = Columns(cfg.Format, nil)
	f := &fixture{tb: t, s: &State{ID: "r1"}, now: t0}
	f.record(fac, &Created{Config: cfg, Facilitator: Person{ID: fac, Name: "maria"}, Roster: []string{"Lukas", "Julia"},
		Carried: []Item{{ID: 1, Topic: "release cadence", RaisedBy: Person{ID: lukas, Name: "Lukas"},
			Speaker: Person{ID: lukas, Name: "Lukas"}, Session: "s0", Status: SentToRetro, Phase: Rounds}},
		Actions: []Action{{ID: 1, Text: "fix the flaky test", Owner: Person{ID: julia, Name: "Julia"}, Session: "s0"}}})
	f.must(fac, Arrive{Who: fac})
	f.arrive("Lukas", "Julia")
	f.must(fac, Start{})
	f.to(CheckIn)
	f.must(lukas, CheckInWord{Word: "tired"})
	f.must(julia, CheckInWord{Word: "curious"})
	f.to(Review)
	f.must(fac, ReviewAction{Action: 1, Status: ActionDone})
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "pairing"})
	f.must(julia, AddCard{Column: 2, Text: "code review"})
	f.must(julia, AddCard{Column: 0, Text: "more pairing"})
	f.to(Group)
	f.must(fac, GroupCard{Card: 4, Onto: 3})
	f.to(Vote)
	f.must(lukas, CastVote{Group: 3})
	f.must(julia, CastVote{Group: 3})
	f.must(julia, CastVote{Group: 2})
	f.to(Discuss)
	f.advance(10 * time.Minute)
	f.must(fac, AddNote{Text: "review within a day"})
	f.must(fac, RecordDecision{Text: "reviews before lunch"})
	f.must(fac, AddAction{Text: "set up a review rota", Owner: lukas})
	f.to(Roti)
	for _, p := range []ParticipantID{fac, lukas, julia} {
		f.must(p, GiveRoti{Score: 3})
	}
	return f
}

func TestSummarizeRetro(t *testing.T) {
	tests := []struct {
		name      string
		anonymous bool
		check     func(t *testing.T, r *RetroSummary)
	}{
		{"named", false, func(t *testing.T, r *RetroSummary) {
			if want := []WordRow{{"Lukas", "tired"}, {"Julia", "curious"}}; !reflect.DeepEqual(r.CheckIn.Words, want) {
				t.Errorf("check-in words %+v, want %+v", r.CheckIn.Words, want)
			}
			if got := r.Board[0][2].Cards; !reflect.DeepEqual(got, []CardRow{{ID: 4, Text: "more pairing", Author: "Julia"}}) {
				t.Errorf("the Start column's third topic holds %+v", got)
			}
		}},
		{"anonymous", true, func(t *testing.T, r *RetroSummary) {
			for _, w := range r.CheckIn.Words {
				if w.Who != "" {
					t.Errorf("a check-in names %q", w.Who)
				}
			}
			if want := []WordCount{{"curious", 1}, {"tired", 1}}; !reflect.DeepEqual(r.CheckIn.Tally, want) {
				t.Errorf("check-in tally %+v, want %+v", r.CheckIn.Tally, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := retroForSummary(t, tt.anonymous)
			sum := Summarize(f.s)
			r := sum.Retro
			if r == nil {
				t.Fatal("no retrospective in the summary of one")
			}
			checks := []struct {
				what      string
				got, want any
			}{
				{"format", r.FormatTitle, "Start / Stop / Continue"},
				{"columns", r.Columns, []string{"Start", "Stop", "Continue"}},
				{"votes", [2]int{r.VoteBudget, r.Dots}, [2]int{DefaultVoteBudget, 3}},
				{"cards per column", r.ColumnCards, []int{3, 0, 1}},
				{"from a stand-up", [3]any{r.FromStandup, r.Board[0][0].Cards[0].ID, r.Board[0][0].Cards[0].FromStandup}, [3]any{1, 1, true}},
				{"topics in the order of the discussion", topicGroups(r.Topics), []int{3, 2, 1}},
				{"titles", []string{r.Topics[0].Title(), r.Topics[1].Title(), r.Topics[2].Title()},
					[]string{"code review (+1 card)", "pairing", "release cadence"}},
				{"the first topic", [3]any{r.Topics[0].Notes, r.Topics[0].Decisions, r.Topics[0].Actions},
					[3]any{[]string{"review within a day"}, []string{"reviews before lunch"}, []int{2}}},
				{"reached", [3]bool{r.Topics[0].Reached, r.Topics[1].Reached, r.Topics[2].Reached}, [3]bool{true, true, true}},
				{"dots", [3]int{r.Topics[0].Dots, r.Topics[1].Dots, r.Topics[2].Dots}, [3]int{2, 1, 0}},
				{"board: the Start column", topicOfBoard(r.Board[0]), []int{1, 2, 3}},
				{"board: the Continue column", topicOfBoard(r.Board[2]), []int{3}},
				{"board: elsewhere", [2][]string{r.Board[0][2].Elsewhere, r.Board[2][0].Elsewhere}, [2][]string{{"Continue"}, {"Start"}}},
				{"roti", r.Roti, RotiTally{Count: [6]int{3: 3}, Scores: 3, Sum: 9}},
				{"actions", sum.Actions, []ActionRow{
					{ID: 1, Text: "fix the flaky test", Owner: "Julia", Status: ActionDone, Session: "s0"},
					{ID: 2, Text: "set up a review rota", Owner: "Lukas", Status: ActionOpen, Session: "r1", Here: true, Topic: "code review"},
				}},
				{"open actions", sum.OpenActions, 1},
				{"decisions", sum.Decisions, []DecisionRow{{Text: "reviews before lunch", Topic: 3, TopicTitle: "code review (+1 card)",
					Present: []string{"maria", "Lukas", "Julia"}}}},
				{"parked on the board", [2]bool{sum.Parked[0].OnBoard, sum.Parked[0].Hidden}, [2]bool{true, tt.anonymous}},
				{"carry over", sum.CarryOver, 0},
			}
			for _, c := range checks {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s: %+v, want %+v", c.what, c.got, c.want)
				}
			}
			tt.check(t, r)
			if !tt.anonymous {
				return
			}
			// Nothing in the rows of an anonymous retrospective names
			// who wrote, said, voted or scored anything, nor holds the
			// hash that stands in for them; only attendance, the
			// facilitator, decisions (who was present) and action items
			// (their owners) name people.
			sum.Attendance, sum.Facilitator, sum.Decisions = nil, "", nil
			for i := range sum.Actions {
				sum.Actions[i].Owner = ""
			}
			rows := fmt.Sprintf("%+v %+v", sum, *r)
			for _, c := range f.s.Cards {
				if c.FromStandup {
					continue // a stand-up's topic: nobody wrote it here
				}
				if c.AuthorHash == "" {
					t.Fatalf("card %d has no author hash to look for", c.ID)
				}
				if strings.Contains(rows, c.AuthorHash) {
					t.Errorf("the rows hold card %d's author hash", c.ID)
				}
			}
			for _, who := range []string{"Lukas", "Julia", "maria", string(lukas), string(julia), string(fac)} {
				if i := strings.Index(rows, who); i >= 0 {
					t.Errorf("the rows name %s: …%s…", who, rows[max(0, i-40):min(len(rows), i+40)])
				}
			}
		})
	}
}

func topicGroups(ts []TopicRow) []int {
	var out []int
	for _, t := range ts {
		out = append(out, t.Group)
	}
	return out
}

func topicOfBoard(ts []BoardTopic) []int {
	var out []int
	for _, t := range ts {
		out = append(out, t.Group)
	}
	return out
}

// A retrospective's summary lists the decisions its review phase listed,
// each with what the review made of it.
func TestSummarizeReviewedDecisions(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	entry := func(ref string, absent []string, asked []string, o ReviewOutcome) LogEntry {
		e := LogEntry{Ref: ref, Text: "decision " + ref, At: at, Absent: absent, Outcome: o}
		for _, a := range asked {
			e.Reviews = append(e.Reviews, Seen{Who: a, At: at})
		}
		return e
	}
	for _, tc := range []struct {
		name   string
		review []LogEntry
		want   []ReviewRow
		words  []string
	}{
		{"nothing to review", nil, nil, nil},
		{"confirmed, reopened and not reviewed",
			[]LogEntry{
				entry("k7xq2m4v9p3r8t6w/p1", []string{"Ben"}, nil, Confirmed),
				entry("team/1", []string{"Ben", "Cem"}, []string{"Ben", "Ben"}, Reopened),
				entry("team/2", nil, []string{"Cem"}, ""),
			},
			[]ReviewRow{
				{Ref: "k7xq2m/p1", Text: "decision k7xq2m4v9p3r8t6w/p1", At: at, Absent: []string{"Ben"}, Outcome: Confirmed},
				{Ref: "team/1", Text: "decision team/1", At: at, Absent: []string{"Ben", "Cem"}, AskedBy: []string{"Ben"}, Outcome: Reopened},
				{Ref: "team/2", Text: "decision team/2", At: at, AskedBy: []string{"Cem"}},
			},
			[]string{"confirmed", "reopened", "not reviewed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &State{ID: "r1", Config: Config{Kind: Retro, Team: "musicstore"}, Review: tc.review}
			got := Summarize(s).Retro.Reviewed
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("reviewed = %+v\nwant %+v", got, tc.want)
			}
			for i, w := range tc.words {
				if v := got[i].Verdict(); v != w {
					t.Errorf("row %d: verdict %q, want %q", i, v, w)
				}
			}
		})
	}
}
