package session

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TrendWeek is one ISO week of a team's trends: its sessions' numbers
// added up, computed from their summaries (Summarize). A week without
// sessions has zero in every count.
type TrendWeek struct {
	Year, Week int       // the ISO week
	Monday     time.Time // its first day, at midnight in the report's zone

	Standups, Retros int // sessions that started

	// The stand-ups that closed: how long they took and their time-boxes,
	// added up.
	Closed      int
	Length, Box time.Duration

	Turns, TurnsOver int // stand-up turns, skipped ones aside, and those that ran over their time-box

	Expected int // members expected or come, the excused who stayed away aside
	Came     int
	Late     int // came a minute or more after the scheduled start
	Excused  int // said beforehand they would be away

	// ParkedResolved counts the parking-lot items the week's sessions
	// settled (discussed, decided, dropped, taken by a retrospective);
	// ParkedCarried those still open when its last session ended, which
	// carry over to the team's next.
	ParkedResolved int
	ParkedCarried  int

	ActionsDone int           // action items reviewed as done
	ActionAge   time.Duration // their ages added up: from the session that agreed each to the one that saw it done
	Aged        int           // the done items whose age is known

	Roti RotiTally
	ESVP [len(ESVPNames)]int // check-in poll answers, by answer

	People []TrendPerson // per person, by name; only when asked for
}

// Label is the week as ISO 8601 writes it: 2026-W48.
func (w TrendWeek) Label() string {
	wk := strconv.Itoa(w.Week)
	if w.Week < 10 {
		wk = "0" + wk
	}
	return strconv.Itoa(w.Year) + "-W" + wk
}

// Sessions counts the week's sessions.
func (w TrendWeek) Sessions() int { return w.Standups + w.Retros }

// AvgLength is how long a closed stand-up took on average, and its
// average time-box; false if none closed.
func (w TrendWeek) AvgLength() (took, box time.Duration, ok bool) {
	if w.Closed == 0 {
		return 0, 0, false
	}
	n := time.Duration(w.Closed)
	return w.Length / n, w.Box / n, true
}

// Attendance is the share of the expected who came, in percent; false if
// nobody was expected.
func (w TrendWeek) Attendance() (int, bool) { return percent(w.Came, w.Expected) }

// AvgActionAge is the average age of the items done; false if none.
func (w TrendWeek) AvgActionAge() (time.Duration, bool) {
	if w.Aged == 0 {
		return 0, false
	}
	return w.ActionAge / time.Duration(w.Aged), true
}

// ESVPAnswers counts the week's check-in poll answers.
func (w TrendWeek) ESVPAnswers() int {
	n := 0
	for _, c := range w.ESVP {
		n += c
	}
	return n
}

// TrendPerson is what one member's trend shows: only with --people, so
// that the team's numbers do not become a ranking of its members.
type TrendPerson struct {
	Name             string
	Expected, Came   int
	Late             int
	Turns, TurnsOver int
	ActionsDone      int // items they own reviewed as done
}

// Attendance is the share of their expected sessions they came to, in
// percent; false if none expected them.
func (p TrendPerson) Attendance() (int, bool) { return percent(p.Came, p.Expected) }

func percent(n, of int) (int, bool) {
	if of == 0 {
		return 0, false
	}
	return (n*100 + of/2) / of, true
}

// TrendReport is a team's trends over a period, week by week.
type TrendReport struct {
	Team     string
	From     time.Time // the period's start; zero: since the first session
	Sessions int       // the sessions counted
	Weeks    []TrendWeek
	// PerPerson: the per-person rows were asked for. People are they,
	// over the whole period, by name.
	PerPerson bool
	People    []TrendPerson
}

// Empty reports whether the period holds no session to count.
func (r TrendReport) Empty() bool { return r.Sessions == 0 }

// Trends computes a team's trends from its sessions' states: each
// stand-up or retrospective created at or after from (all of them if it
// is zero) that started, in the ISO week of its creation in loc. The
// weeks run from the first such session's to the last's, with the weeks
// between them that had none. Everything comes from each session's
// summary (Summarize): the same numbers its minutes show.
//
// The states may be in any order and may include sessions before from:
// an action item's age is counted from the session that agreed it, which
// may lie before the period. Per-person rows are computed only when
// people is true; otherwise no member's name is in the report.
func Trends(team string, states []*State, from time.Time, loc *time.Location, people bool) TrendReport {
	if loc == nil {
		loc = time.Local
	}
	r := TrendReport{Team: team, From: from, PerPerson: people}
	created := map[string]time.Time{}
	for _, s := range states {
		created[s.ID] = s.Created
	}
	var counted []*State
	for _, s := range states {
		kind := s.Config.Kind
		if (kind != Standup && kind != Retro) || s.Started.IsZero() || s.Created.Before(from) {
			continue
		}
		counted = append(counted, s)
	}
	slices.SortStableFunc(counted, func(a, b *State) int { return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID)) })
	r.Sessions = len(counted)
	if len(counted) == 0 {
		return r
	}
	first, last := monday(counted[0].Created, loc), monday(counted[len(counted)-1].Created, loc)
	index := map[int64]int{} // by the week's Monday, in Unix seconds
	for d := first; !d.After(last); d = d.AddDate(0, 0, 7) {
		y, wk := d.ISOWeek()
		index[d.Unix()] = len(r.Weeks)
		r.Weeks = append(r.Weeks, TrendWeek{Year: y, Week: wk, Monday: d})
	}
	total := map[string]*TrendPerson{}
	doneSeen := map[string]bool{} // an item counted done: by where it was agreed and its number
	for _, s := range counted {
		w := &r.Weeks[index[monday(s.Created, loc).Unix()]]
		sum := Summarize(s)
		var week map[string]*TrendPerson
		if people {
			week = map[string]*TrendPerson{}
		}
		person := func(name string) []*TrendPerson {
			if !people || name == "" {
				return nil
			}
			if total[name] == nil {
				total[name] = &TrendPerson{Name: name}
			}
			if week[name] == nil {
				week[name] = &TrendPerson{Name: name}
			}
			return []*TrendPerson{total[name], week[name]}
		}
		if s.Config.Kind == Standup {
			w.Standups++
			if sum.Closed {
				w.Closed++
				w.Length += sum.Took
				w.Box += sum.Budget
			}
			for _, t := range sum.Turns {
				if t.Skipped && t.Used == 0 {
					continue
				}
				over := t.Over() > 0
				w.Turns++
				if over {
					w.TurnsOver++
				}
				for _, p := range person(t.Speaker) {
					p.Turns++
					if over {
						p.TurnsOver++
					}
				}
			}
		} else {
			w.Retros++
			w.Roti.Sum += sum.Retro.Roti.Sum
			w.Roti.Scores += sum.Retro.Roti.Scores
			for i, n := range sum.Retro.Roti.Count {
				w.Roti.Count[i] += n
			}
			for i, n := range sum.Retro.CheckIn.Counts {
				w.ESVP[i] += n
			}
		}
		for _, a := range sum.Attendance {
			if a.Excused && !a.Came() {
				w.Excused++
				continue
			}
			w.Expected++
			if a.Came() {
				w.Came++
			}
			if a.Late() {
				w.Late++
			}
			for _, p := range person(a.Name) {
				p.Expected++
				if a.Came() {
					p.Came++
				}
				if a.Late() {
					p.Late++
				}
			}
		}
		w.ParkedCarried = sum.CarryOver // the week's last session's, in the end
		w.ParkedResolved += len(sum.Parked) - sum.CarryOver
		for _, a := range sum.Actions {
			key := a.Session + "/" + strconv.Itoa(a.ID)
			if a.Status != ActionDone || doneSeen[key] {
				continue
			}
			doneSeen[key] = true
			w.ActionsDone++
			if at, ok := created[a.Session]; ok && !s.Created.Before(at) {
				w.ActionAge += s.Created.Sub(at)
				w.Aged++
			}
			for _, p := range person(a.Owner) {
				p.ActionsDone++
			}
		}
		for _, p := range week {
			w.People = append(w.People, *p)
		}
	}
	byName := func(a, b TrendPerson) int { return cmp.Compare(a.Name, b.Name) }
	for i := range r.Weeks {
		r.Weeks[i].People = mergePeople(r.Weeks[i].People)
		slices.SortFunc(r.Weeks[i].People, byName)
	}
	for _, p := range total {
		r.People = append(r.People, *p)
	}
	slices.SortFunc(r.People, byName)
	return r
}

// mergePeople adds up the rows of the same person (a week of several
// sessions).
func mergePeople(rows []TrendPerson) []TrendPerson {
	var out []TrendPerson
	at := map[string]int{}
	for _, p := range rows {
		i, ok := at[p.Name]
		if !ok {
			at[p.Name] = len(out)
			out = append(out, p)
			continue
		}
		q := &out[i]
		q.Expected += p.Expected
		q.Came += p.Came
		q.Late += p.Late
		q.Turns += p.Turns
		q.TurnsOver += p.TurnsOver
		q.ActionsDone += p.ActionsDone
	}
	return out
}

// monday is the Monday of t's ISO week, at midnight in loc.
func monday(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, loc)
}

// Total adds up the report's weeks: the whole period as one, with the
// parked topics carried over at its end.
func (r TrendReport) Total() TrendWeek {
	var t TrendWeek
	for _, w := range r.Weeks {
		t.Standups += w.Standups
		t.Retros += w.Retros
		t.Closed += w.Closed
		t.Length += w.Length
		t.Box += w.Box
		t.Turns += w.Turns
		t.TurnsOver += w.TurnsOver
		t.Expected += w.Expected
		t.Came += w.Came
		t.Late += w.Late
		t.Excused += w.Excused
		t.ParkedResolved += w.ParkedResolved
		if w.Sessions() > 0 {
			t.ParkedCarried = w.ParkedCarried // at the end of the period
		}
		t.ActionsDone += w.ActionsDone
		t.ActionAge += w.ActionAge
		t.Aged += w.Aged
		t.Roti.Sum += w.Roti.Sum
		t.Roti.Scores += w.Roti.Scores
		for i, n := range w.Roti.Count {
			t.Roti.Count[i] += n
		}
		for i, n := range w.ESVP {
			t.ESVP[i] += n
		}
	}
	return t
}

// DefaultTrendsSince is the period trends cover unless told otherwise.
const DefaultTrendsSince = "90d"

// TrendsSince reads the start of the trends' period as --since gives
// it: a day (YYYY-MM-DD) or an age (90d, 12w) as ParseSince reads them,
// "all" for every session, or nothing for the DefaultTrendsSince.
func TrendsSince(s string, now time.Time, loc *time.Location) (time.Time, error) {
	switch strings.TrimSpace(s) {
	case "all":
		return time.Time{}, nil
	case "":
		s = DefaultTrendsSince
	}
	return ParseSince(s, now, loc)
}

// TeamTrends reads the team's sessions from the store and computes their
// trends (see Trends).
func TeamTrends(ctx context.Context, st Store, team Team, from time.Time, loc *time.Location, people bool) (TrendReport, error) {
	h, err := LoadTeamHistory(ctx, st, team)
	if err != nil {
		return TrendReport{}, err
	}
	states := make([]*State, 0, len(h.Sessions))
	for _, s := range h.Sessions {
		states = append(states, Fold(s.Info.ID, s.Events))
	}
	return Trends(team.Name, states, from, loc, people), nil
}
