package session

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// trendFixture starts a session with the id at the given time: a
// stand-up of 15 minutes scheduled then, or a retrospective of an hour
// carrying the given action items.
func trendFixture(t *testing.T, id string, at time.Time, kind Kind, esvp bool, actions []Action, roster ...string) *fixture {
	t.Helper()
	cfg := Config{Team: "musicstore", Kind: kind, Timebox: 15 * time.Minute, ScheduledAt: at, ESVP: esvp}
	if kind == Retro {
		cfg.Timebox, cfg.ScheduledAt, cfg.Format = time.Hour, time.Time{}, StartStopContinue
		cfg.Columns, _ = Columns(cfg.Format, nil)
	}
	f := &fixture{tb: t, s: &State{ID: id}, now: at, rand: rand.New(rand.NewPCG(1, 2))}
	f.record(fac, &Created{Config: cfg, Facilitator: Person{ID: fac, Name: "maria"}, Roster: roster, Actions: actions})
	f.must(fac, Arrive{Who: fac})
	return f
}

// trendStates are four sessions of musicstore over three ISO weeks
// (2026-W48 to W50, W49 without any) and one that never started:
//
//   - s1, Wed W48: a stand-up of 8:00 of 15:00; Julia 3 minutes late,
//     Jörg absent; Lukas's turn runs over; a parked topic is decided.
//   - r1, Thu W48: a retrospective that agrees an action for Lukas;
//     ROTI 3, 4 and 5; words at the check-in.
//   - r2, Wed W50: reviews Lukas's action as done (13 days old); the
//     ESVP poll; ROTI 2 and 4.
//   - s2, Thu W50: a stand-up, everyone on time, unfinished, a topic
//     left parked.
//   - s3, Fri W50: opened, never started.
func trendStates(t *testing.T) []*State {
	w48 := t0 // Wednesday 25 November 2026
	s1 := trendFixture(t, "s1", w48, Standup, false, nil, "Lukas", "Julia", "Jörg")
	s1.arrive("Lukas")
	s1.advance(3 * time.Minute)
	s1.arrive("Julia")
	s1.must(fac, Start{})
	s1.advance(time.Minute)
	s1.must(fac, Next{}) // maria 1:00 of 5:00
	s1.must(lukas, Park{Topic: "test framework"})
	s1.advance(6 * time.Minute)
	s1.must(fac, Next{}) // Lukas 6:00: over
	s1.advance(time.Minute)
	s1.must(fac, Next{}) // Julia 1:00
	s1.must(fac, Resolve{Item: 1, Status: Decided, Note: "vitest"})
	s1.must(fac, End{})

	r1 := trendFixture(t, "r1", w48.Add(24*time.Hour), Retro, false, nil, "Lukas", "Julia")
	r1.arrive("Lukas", "Julia")
	r1.must(fac, Start{})
	r1.to(CheckIn)
	r1.must(lukas, CheckInWord{Word: "tired"})
	r1.to(Write)
	r1.must(lukas, AddCard{Column: 0, Text: "pairing"})
	r1.to(Discuss)
	r1.must(fac, AddAction{Text: "set up a review rota", Owner: lukas})
	r1.to(Roti)
	r1.must(fac, GiveRoti{Score: 3})
	r1.must(lukas, GiveRoti{Score: 4})
	r1.must(julia, GiveRoti{Score: 5})
	r1.must(fac, End{})

	w50 := w48.AddDate(0, 0, 14)
	rota := r1.s.Actions[0]
	r2 := trendFixture(t, "r2", w50, Retro, true, []Action{rota}, "Lukas", "Julia")
	r2.arrive("Lukas", "Julia")
	r2.must(fac, Start{})
	r2.to(CheckIn)
	r2.must(lukas, CheckInPoll{Answer: Explorer})
	r2.must(julia, CheckInPoll{Answer: Prisoner})
	r2.to(Review)
	r2.must(fac, ReviewAction{Action: 1, Status: ActionDone})
	r2.to(Roti)
	r2.must(lukas, GiveRoti{Score: 2})
	r2.must(julia, GiveRoti{Score: 4})
	r2.must(fac, End{})

	s2 := trendFixture(t, "s2", w50.Add(24*time.Hour), Standup, false, nil, "Lukas", "Julia")
	s2.arrive("Lukas", "Julia")
	s2.must(fac, Start{})
	s2.must(julia, Park{Topic: "flaky login test"})
	s2.advance(2 * time.Minute)
	s2.must(fac, Next{})

	s3 := trendFixture(t, "s3", w50.Add(48*time.Hour), Standup, false, nil, "Lukas")
	// the newest first, as the store lists them
	return []*State{s3.s, r2.s, s2.s, r1.s, s1.s}
}

func TestTrends(t *testing.T) {
	states := trendStates(t)
	w48 := TrendWeek{Year: 2026, Week: 48, Monday: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Standups: 1, Retros: 1, Closed: 1, Length: 8 * time.Minute, Box: 15 * time.Minute,
		Turns: 3, TurnsOver: 1, Expected: 4 + 3, Came: 3 + 3, Late: 1, ParkedResolved: 1,
		Roti: RotiTally{Count: [6]int{3: 1, 4: 1, 5: 1}, Scores: 3, Sum: 12}}
	w49 := TrendWeek{Year: 2026, Week: 49, Monday: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	w50 := TrendWeek{Year: 2026, Week: 50, Monday: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		Standups: 1, Retros: 1, Turns: 2, Expected: 3 + 3, Came: 3 + 3, ParkedCarried: 1,
		ActionsDone: 1, ActionAge: 13 * 24 * time.Hour, Aged: 1,
		Roti: RotiTally{Count: [6]int{2: 1, 4: 1}, Scores: 2, Sum: 6}, ESVP: [5]int{Explorer: 1, Prisoner: 1}}
	tests := []struct {
		name   string
		from   time.Time
		people bool
		want   TrendReport
	}{
		{"all", time.Time{}, false, TrendReport{Team: "musicstore", Sessions: 4, Weeks: []TrendWeek{w48, w49, w50}}},
		{"since W50: the action's age still counts from r1", t0.AddDate(0, 0, 10), false,
			TrendReport{Team: "musicstore", From: t0.AddDate(0, 0, 10), Sessions: 2, Weeks: []TrendWeek{w50}}},
		{"an empty period", t0.AddDate(0, 0, 30), false, TrendReport{Team: "musicstore", From: t0.AddDate(0, 0, 30)}},
		{"with people", t0.AddDate(0, 0, 10), true, TrendReport{Team: "musicstore", From: t0.AddDate(0, 0, 10), Sessions: 2, PerPerson: true,
			Weeks: []TrendWeek{func() TrendWeek {
				w := w50
				w.People = []TrendPerson{
					{Name: "Julia", Expected: 2, Came: 2, Turns: 0},
					{Name: "Lukas", Expected: 2, Came: 2, Turns: 1, ActionsDone: 1},
					{Name: "maria", Expected: 2, Came: 2, Turns: 1},
				}
				return w
			}()},
			People: []TrendPerson{
				{Name: "Julia", Expected: 2, Came: 2, Turns: 0},
				{Name: "Lukas", Expected: 2, Came: 2, Turns: 1, ActionsDone: 1},
				{Name: "maria", Expected: 2, Came: 2, Turns: 1},
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Trends("musicstore", states, tt.from, time.UTC, tt.people)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Trends:\n got %+v\nwant %+v", got, tt.want)
			}
			if got.Empty() != (tt.want.Sessions == 0) {
				t.Errorf("Empty() = %v", got.Empty())
			}
		})
	}
}

func TestTrendWeekWords(t *testing.T) {
	w := Trends("musicstore", trendStates(t), time.Time{}, time.UTC, false).Weeks
	if got := w[0].Label(); got != "2026-W48" {
		t.Errorf("Label = %q", got)
	}
	if took, box, ok := w[0].AvgLength(); !ok || took != 8*time.Minute || box != 15*time.Minute {
		t.Errorf("AvgLength = %v %v %v", took, box, ok)
	}
	if _, _, ok := w[2].AvgLength(); ok {
		t.Error("an unfinished stand-up has a length")
	}
	if p, ok := w[0].Attendance(); !ok || p != 86 { // 6 of 7
		t.Errorf("Attendance = %d %v", p, ok)
	}
	if _, ok := w[1].Attendance(); ok {
		t.Error("an empty week has an attendance")
	}
	if age, ok := w[2].AvgActionAge(); !ok || age != 13*24*time.Hour {
		t.Errorf("AvgActionAge = %v %v", age, ok)
	}
	if n := w[2].ESVPAnswers(); n != 2 {
		t.Errorf("ESVPAnswers = %d", n)
	}
}

func TestTrendTotal(t *testing.T) {
	got := Trends("musicstore", trendStates(t), time.Time{}, time.UTC, false).Total()
	want := TrendWeek{Standups: 2, Retros: 2, Closed: 1, Length: 8 * time.Minute, Box: 15 * time.Minute,
		Turns: 5, TurnsOver: 1, Expected: 13, Came: 12, Late: 1, ParkedResolved: 1, ParkedCarried: 1,
		ActionsDone: 1, ActionAge: 13 * 24 * time.Hour, Aged: 1,
		Roti: RotiTally{Count: [6]int{2: 1, 3: 1, 4: 2, 5: 1}, Scores: 5, Sum: 18}, ESVP: [5]int{Explorer: 1, Prisoner: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Total:\n got %+v\nwant %+v", got, want)
	}
}

func TestTrendsSince(t *testing.T) {
	now := t0
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"", now.AddDate(0, 0, -90)},
		{"all", time.Time{}},
		{" all ", time.Time{}},
		{"2w", now.AddDate(0, 0, -14)},
		{"2026-09-01", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := TrendsSince(c.in, now, time.UTC)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("TrendsSince(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := TrendsSince("last quarter", now, time.UTC); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `--since "last quarter"`) {
		t.Errorf("a bad --since: %v", err)
	}
}
