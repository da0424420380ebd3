package session

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Title is the kind's name as a heading says it: "Stand-up" or
// "Retrospective". It is the one place the kinds' titles are spelled.
func (k Kind) Title() string {
	if k == Retro {
		return "Retrospective"
	}
	return "Stand-up"
}

// Noun is the kind's name in running text: "stand-up" or
// "retrospective".
func (k Kind) Noun() string { return strings.ToLower(k.Title()) }

// MinSec formats a duration as m:ss, or h:mm:ss from an hour on, rounding
// down to the second; a negative duration prints its magnitude. Every
// duration in the minutes, on the screens and in the history is written
// this way.
func MinSec(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Plural is n with the noun, in the plural (noun+"s") unless n is 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Summary is what the minutes of a session say, computed once from its
// state: the Markdown and HTML exports, the closing screens and the
// history list only format it. Everything in it is plain text as people
// typed it; escaping is the formatter's business.
//
// A summary of an anonymous retrospective names nobody next to a card, a
// check-in, a dot or a score, and holds no salted hash.
type Summary struct {
	ID          string
	Kind        Kind
	Team        string
	Created     time.Time
	Unfinished  bool  // no Ended event: the session was left running
	Closed      bool  // it reached its closing phase
	Phase       Phase // where it stopped
	Facilitator string

	ScheduledAt time.Time // zero if it had no scheduled start
	Started     time.Time // zero if it never started
	End         time.Time // when the record stops; running timers are read here
	Timebox     time.Duration
	Took        time.Duration // the overall timer at End; zero if it never started
	Budget      time.Duration // the overall timer's time-box

	Attendance []Attendee // members expected or come, in the session's order
	Watchers   []string   // observers who came: they neither attend nor miss anything
	Missing    int        // members expected or gone away who are not here at the end

	Turns       []TurnRow
	Blockers    []BlockerRow
	Parked      []ParkedRow
	CarryOver   int // parking-lot items that carry over to the team's next session
	Decisions   []DecisionRow
	Actions     []ActionRow // every action item, carried over and new
	OpenActions int         // action items that carry on

	Retro *RetroSummary // nil for a stand-up
}

// Over is how far the session ran over its time-box; zero within it.
func (s Summary) Over() time.Duration { return max(0, s.Took-s.Budget) }

// DurationWords is how long the session took against its time-box, or
// why it has no duration, as the history lists it.
func (s Summary) DurationWords() string {
	switch {
	case !s.Started.IsZero() && s.Closed:
		return MinSec(s.Took) + " of " + MinSec(s.Budget)
	case !s.Started.IsZero():
		return "unfinished"
	case s.Closed:
		return "ended early"
	}
	return "not started"
}

// Came counts the members who came (watchers aside).
func (s Summary) Came() int {
	n := 0
	for _, a := range s.Attendance {
		if a.Came() {
			n++
		}
	}
	return n
}

// Attendee is a member who was expected or came.
type Attendee struct {
	Name    string
	Arrived time.Time     // zero if they never came
	LateBy  time.Duration // how late after the scheduled start they came
	// Excused: they said beforehand they would be away (the team log).
	Excused bool
}

// Came reports whether they came at all.
func (a Attendee) Came() bool { return !a.Arrived.IsZero() }

// Late reports whether they came a minute or more late.
func (a Attendee) Late() bool { return a.Came() && a.LateBy >= time.Minute }

// LateMinutes is how many whole minutes late they came.
func (a Attendee) LateMinutes() int { return int(a.LateBy / time.Minute) }

// TurnRow is one turn of the rounds.
type TurnRow struct {
	Speaker    string
	Used       time.Duration
	Budget     time.Duration
	Unfinished bool // it was running when the record stops
	Skipped    bool
}

// Over is how far the turn ran over its time-box; zero within it.
func (t TurnRow) Over() time.Duration { return max(0, t.Used-t.Budget) }

// BlockerRow is a blocker and whose it is.
type BlockerRow struct{ Speaker, Text string }

// ParkedRow is a parking-lot item.
type ParkedRow struct {
	ID       int
	Topic    string
	RaisedBy string // "" where naming them would name a card's author
	Speaker  string // whose turn it was, if anyone's
	InTurn   bool   // it was parked during a turn
	Phase    Phase
	Earlier  bool // parked in an earlier session
	Stay     []string
	Status   Status
	Note     string
	Present  []string // for a decision
	Absent   []string
	OnBoard  bool // sent to this retrospective: it is a card here now
	Hidden   bool // on the board of an anonymous retrospective: who and when are not told
}

// DecisionRow is a decision: of a retrospective's discussion, or a
// parking-lot item's outcome.
type DecisionRow struct {
	Text       string
	Topic      int    // the retrospective's topic; 0 for none
	TopicTitle string // its title, if it has a topic
	Item       int    // the parking-lot item it decided; 0 for none
	ItemTopic  string
	Present    []string
	Absent     []string
}

// ActionRow is an action item.
type ActionRow struct {
	ID      int
	Text    string
	Owner   string
	Due     time.Time
	Status  ActionStatus
	Session string // where it was agreed
	Here    bool   // agreed in this session
	Topic   string // the topic it came from in this retrospective, plain: its name or first card
	// Pending says that the review of an earlier item is still to come.
	Pending bool
}

// Carries reports whether the item carries on to the next session.
func (a ActionRow) Carries() bool { return a.Status == ActionOpen || a.Status == ActionNotDone }

// Summarize computes what the minutes of the session say. It reads s and
// keeps nothing of it; s may be of any kind, though only a stand-up and a
// retrospective have minutes.
func Summarize(s *State) Summary {
	end := recordEnd(s)
	sum := Summary{
		ID: s.ID, Kind: s.Config.Kind, Team: s.Config.Team, Created: s.Created,
		Unfinished: s.Ended.IsZero(), Closed: s.Phase == Closed, Phase: s.Phase,
		Facilitator: s.Name(s.Facilitator),
		ScheduledAt: s.Config.ScheduledAt, Started: s.Started, End: end,
		Timebox: s.Config.Timebox, Budget: s.Overall.Budget,
		Missing: len(s.Absent()), CarryOver: len(s.CarryOver()), OpenActions: len(s.OpenActions()),
	}
	if !s.Started.IsZero() {
		sum.Took = s.Overall.Elapsed(end)
	}
	for _, p := range s.Participants {
		switch {
		case p.Role == Observer:
			if !p.Arrived.IsZero() {
				sum.Watchers = append(sum.Watchers, p.Name)
			}
		case p.Expected || !p.Arrived.IsZero():
			sum.Attendance = append(sum.Attendance, Attendee{Name: p.Name, Arrived: p.Arrived, LateBy: p.LateBy, Excused: p.Excused})
		}
	}
	for _, t := range s.Turns {
		ended := t.Ended
		if ended.IsZero() {
			ended = end
		}
		sum.Turns = append(sum.Turns, TurnRow{Speaker: s.Name(t.Speaker), Used: t.Timer.Elapsed(ended),
			Budget: t.Timer.Budget, Unfinished: t.Ended.IsZero(), Skipped: t.Skipped})
	}
	for _, b := range s.Blockers {
		sum.Blockers = append(sum.Blockers, BlockerRow{Speaker: b.Speaker.Name, Text: b.Text})
	}
	for _, it := range s.Items {
		sum.Parked = append(sum.Parked, parkedRow(s, it))
	}
	var r *RetroSummary
	if s.Config.Kind == Retro {
		r = summarizeRetro(s)
		sum.Retro = r
		for _, d := range s.Decisions {
			row := DecisionRow{Text: d.Text, Topic: d.Topic, Present: d.Present, Absent: d.Absent}
			if d.Topic != 0 {
				row.TopicTitle = r.Topic(d.Topic).Title()
			}
			sum.Decisions = append(sum.Decisions, row)
		}
	}
	for _, it := range s.Items {
		if it.Status == Decided {
			sum.Decisions = append(sum.Decisions, DecisionRow{Text: it.Note, Item: it.ID, ItemTopic: it.Topic, Present: it.Present, Absent: it.Absent})
		}
	}
	for _, a := range s.Actions {
		row := ActionRow{ID: a.ID, Text: a.Text, Owner: a.Owner.Name, Due: a.Due, Status: a.Status,
			Session: a.Session, Here: a.Session == s.ID}
		if r != nil && row.Here && a.Topic != 0 {
			t := r.Topic(a.Topic)
			row.Topic = cmp.Or(t.Name, t.FirstCard)
		}
		row.Pending = !row.Here && a.Status == ActionOpen && s.Ended.IsZero() && s.Phase <= Review
		sum.Actions = append(sum.Actions, row)
	}
	return sum
}

// parkedRow is a parking-lot item as the minutes show it.
func parkedRow(s *State, it Item) ParkedRow {
	row := ParkedRow{
		ID: it.ID, Topic: it.Topic, RaisedBy: it.RaisedBy.Name, Speaker: it.Speaker.Name,
		InTurn: it.Speaker.ID != "" || it.Speaker.Name != "", Phase: it.Phase,
		Earlier: it.Session != "" && it.Session != s.ID, Status: it.Status, Note: it.Note,
		Present: it.Present, Absent: it.Absent,
	}
	for _, p := range it.Stay {
		row.Stay = append(row.Stay, p.Name)
	}
	if s.Config.Kind == Retro && row.Earlier && it.Status == SentToRetro {
		row.OnBoard = true
		if s.Config.Anonymous {
			// It is a card now: naming who raised it would name its author.
			row.Hidden, row.RaisedBy, row.Speaker, row.InTurn, row.Stay = true, "", "", false, nil
		}
	}
	return row
}

// recordEnd is when the record of a session stops: its end or, for one
// left running, the end of its rounds or the latest moment its state
// knows of; for a retrospective, also of its timers, notes and decisions.
func recordEnd(s *State) time.Time {
	if !s.Ended.IsZero() {
		return s.Ended
	}
	latest := s.RoundsEnded
	later := func(t time.Time) {
		if t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		latest = s.Started
		for _, p := range s.Participants {
			later(p.Arrived)
		}
		for _, t := range s.Turns {
			later(t.Started)
			later(t.Ended)
		}
		for _, b := range s.Blockers {
			later(b.At)
		}
		for _, it := range s.Items {
			later(it.At)
			later(it.Resolved)
		}
	}
	if s.Config.Kind != Retro {
		return latest
	}
	later(s.Overall.Since)
	later(s.PhaseTimer.Since)
	for _, n := range s.Notes {
		later(n.At)
	}
	for _, d := range s.Decisions {
		later(d.At)
	}
	return latest
}
