package session

import (
	"cmp"
	"fmt"
	"slices"
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

// RetroSummary is what only a retrospective's minutes say.
type RetroSummary struct {
	FormatTitle string   // the built-in format's title; "" for a custom one
	FormatCols  []string // the format's columns, as the session was opened with them
	Columns     []string // the board's columns, with one for every card beyond them
	Anonymous   bool
	VoteBudget  int
	VoteCap     int // 0 for none

	CheckIn     CheckInSummary
	FromStandup int // cards a stand-up sent

	Revealed    bool
	ColumnCards []int          // cards per column
	Board       [][]BoardTopic // per column, the topics with cards in it, in board order
	Dots        int            // dots given in all
	Topics      []TopicRow     // in discussion order once fixed, else in board order
	Discussion  bool           // the discussion fixed an order
	TopicPos    int            // the topic reached
	Discussing  bool           // the discussion was under way when the record stops
	NoTopics    bool           // there was nothing to discuss
	Roti        RotiTally
	topics      map[int]TopicRow // by group
}

// Topic is the row of a topic by its group.
func (r *RetroSummary) Topic(g int) TopicRow {
	if t, ok := r.topics[g]; ok {
		return t
	}
	return TopicRow{Group: g}
}

// CheckInSummary is the check-in: ESVP answers counted, and the words.
type CheckInSummary struct {
	ESVP    bool                // the check-in was the ESVP poll
	Answers int                 // ESVP answers
	Counts  [len(ESVPNames)]int // by answer
	Words   []WordRow           // in the order given
	Tally   []WordCount         // the words counted, most first: the anonymous way
}

// WordRow is a checked-in word and, unless the retrospective is
// anonymous, who said it.
type WordRow struct{ Who, Word string }

// WordCount is a word and how often it was said.
type WordCount struct {
	Word string
	N    int
}

// BoardTopic is a topic as one column shows it.
type BoardTopic struct {
	Group     int
	Name      string    // its name; "" if unnamed
	Cards     []CardRow // its cards in this column
	Elsewhere []string  // the other columns it has cards in
	Dots      int
}

// Single reports whether the topic is one unnamed card, shown as itself.
func (b BoardTopic) Single() bool { return b.Name == "" && len(b.Cards) == 1 && len(b.Elsewhere) == 0 }

// CardRow is a card. Author is "" in an anonymous retrospective.
type CardRow struct {
	ID          int
	Text        string
	Author      string
	FromStandup bool
}

// TopicRow is a topic of the discussion.
type TopicRow struct {
	Group     int
	Name      string // "" if unnamed
	FirstCard string // the text of its first card
	Cards     int
	CardRows  []CardRow // its cards, in board order
	Dots      int
	Reached   bool // the discussion came to it
	Current   bool // under discussion when the record stops
	Notes     []string
	Decisions []string
	Actions   []int // the action items agreed on it
}

// RotiTally counts the ROTI scores from 1 to 5.
type RotiTally struct {
	Count  [6]int // by score; 0 is unused
	Scores int
	Sum    int
}

// Average is the mean score with one decimal, a half rounded up: 13
// points from 4 scores are 3.3.
func (r RotiTally) Average() string {
	if r.Scores == 0 {
		return "0.0"
	}
	tenths := (r.Sum*10 + r.Scores/2) / r.Scores
	return strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10)
}

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
			sum.Attendance = append(sum.Attendance, Attendee{Name: p.Name, Arrived: p.Arrived, LateBy: p.LateBy})
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

// summarizeRetro computes a retrospective's own sections. It indexes the
// board once, so that a board of thousands of cards takes linear time.
func summarizeRetro(s *State) *RetroSummary {
	cfg := s.Config
	r := &RetroSummary{Anonymous: cfg.Anonymous, VoteBudget: cfg.VoteBudget, VoteCap: cfg.VoteCap,
		Revealed: s.Revealed, Dots: len(s.Votes), topics: map[int]TopicRow{}}
	if r.VoteBudget <= 0 {
		r.VoteBudget = DefaultVoteBudget
	}
	if cfg.Format != Custom {
		for _, f := range Formats {
			if f.Format == cfg.Format {
				r.FormatTitle = f.Title
			}
		}
	}
	r.FormatCols = slices.Clone(cfg.Columns)
	if len(r.FormatCols) == 0 {
		// an old or hand-made state without them: the format's
		r.FormatCols, _ = Columns(cfg.Format, nil)
	}
	r.Columns = slices.Clone(r.FormatCols)
	// Cards in a column the board does not have (a hand-made state) get
	// columns of their own rather than vanish.
	for _, c := range s.Cards {
		for c.Column >= len(r.Columns) {
			r.Columns = append(r.Columns, "Column "+strconv.Itoa(len(r.Columns)+1))
		}
	}

	r.CheckIn = checkInSummary(s)

	var groups []int
	cards := map[int][]Card{}
	r.ColumnCards = make([]int, len(r.Columns))
	for _, c := range s.Cards {
		if _, ok := cards[c.Group]; !ok {
			groups = append(groups, c.Group)
		}
		cards[c.Group] = append(cards[c.Group], c)
		if c.Column >= 0 {
			r.ColumnCards[c.Column]++
		}
		if c.FromStandup {
			r.FromStandup++
		}
	}
	dots := map[int]int{}
	for _, d := range s.Votes {
		dots[d.Group]++
	}
	topic := func(g int) TopicRow {
		t := TopicRow{Group: g, Name: strings.TrimSpace(s.GroupNames[g]), Cards: len(cards[g]), Dots: dots[g]}
		for _, c := range cards[g] {
			t.CardRows = append(t.CardRows, cardRow(cfg, c))
		}
		if len(cards[g]) > 0 {
			t.FirstCard = cards[g][0].Text
		}
		return t
	}
	for _, g := range groups {
		r.topics[g] = topic(g)
	}
	for g := range s.GroupNames {
		if _, ok := r.topics[g]; !ok {
			r.topics[g] = topic(g) // a named topic without cards: a hand-made state
		}
	}

	if s.Revealed {
		r.Board = make([][]BoardTopic, len(r.Columns))
		for i := range r.Columns {
			for _, g := range groups {
				bt := BoardTopic{Group: g, Name: strings.TrimSpace(s.GroupNames[g]), Dots: dots[g]}
				elsewhere := map[int]bool{}
				for _, c := range cards[g] {
					if c.Column == i {
						bt.Cards = append(bt.Cards, cardRow(cfg, c))
					} else {
						elsewhere[c.Column] = true
					}
				}
				if len(bt.Cards) == 0 {
					continue
				}
				for j, col := range r.Columns {
					if elsewhere[j] {
						bt.Elsewhere = append(bt.Elsewhere, col)
					}
				}
				r.Board[i] = append(r.Board[i], bt)
			}
		}
	}

	r.Discussion = len(s.Topics) > 0
	r.TopicPos = s.TopicPos
	r.Discussing = s.Phase == Discuss
	r.NoTopics = len(s.Topics) == 0 && s.Phase > Discuss && len(s.Cards) == 0
	order := s.Topics
	if !r.Discussion {
		order = groups
	}
	notes, decisions, acts := map[int][]string{}, map[int][]string{}, map[int][]int{}
	for _, n := range s.Notes {
		notes[n.Topic] = append(notes[n.Topic], n.Text)
	}
	for _, d := range s.Decisions {
		decisions[d.Topic] = append(decisions[d.Topic], d.Text)
	}
	for _, a := range s.Actions {
		if a.Topic != 0 && a.Session == s.ID {
			acts[a.Topic] = append(acts[a.Topic], a.ID)
		}
	}
	for i, g := range order {
		t, ok := r.topics[g]
		if !ok {
			t = topic(g)
		}
		t.Reached = r.Discussion && i <= s.TopicPos
		t.Current = r.Discussion && i == s.TopicPos && s.Phase == Discuss
		t.Notes, t.Decisions, t.Actions = notes[g], decisions[g], acts[g]
		r.Topics = append(r.Topics, t)
		r.topics[g] = t
	}

	for _, e := range s.Rotis {
		if e.Score < 1 || e.Score > 5 {
			continue
		}
		r.Roti.Count[e.Score]++
		r.Roti.Scores++
		r.Roti.Sum += e.Score
	}
	return r
}

// cardRow is a card as the minutes show it: without its author in an
// anonymous retrospective.
func cardRow(cfg Config, c Card) CardRow {
	row := CardRow{ID: c.ID, Text: c.Text, FromStandup: c.FromStandup}
	if !cfg.Anonymous {
		row.Author = c.Author.Name
	}
	return row
}

// checkInSummary counts the ESVP answers and lists the words: with who
// said them, unless the retrospective is anonymous, where the words are
// only counted (their order would tell who).
func checkInSummary(s *State) CheckInSummary {
	ci := CheckInSummary{ESVP: s.Config.ESVP}
	count := map[string]int{}
	var distinct []string
	for _, c := range s.CheckIns {
		switch {
		case c.ESVP >= Explorer && c.ESVP <= Prisoner:
			ci.Counts[c.ESVP]++
			ci.Answers++
		case c.Word != "":
			w := WordRow{Word: c.Word}
			// A name; anything else (a hash) is never shown.
			if !s.Config.Anonymous && slices.ContainsFunc(s.Participants, func(p Participant) bool { return p.Name == c.Who }) {
				w.Who = c.Who
			}
			ci.Words = append(ci.Words, w)
			if count[c.Word] == 0 {
				distinct = append(distinct, c.Word)
			}
			count[c.Word]++
		}
	}
	slices.SortFunc(distinct, func(a, b string) int {
		return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
	})
	for _, w := range distinct {
		ci.Tally = append(ci.Tally, WordCount{Word: w, N: count[w]})
	}
	return ci
}

// Title is the topic's name, or the text of its first card and how many
// more cards it holds.
func (t TopicRow) Title() string {
	switch {
	case t.Name != "":
		return t.Name
	case t.Cards == 0:
		return "Topic " + strconv.Itoa(t.Group)
	case t.Cards == 1:
		return t.FirstCard
	}
	return t.FirstCard + " (+" + Plural(t.Cards-1, "card") + ")"
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
