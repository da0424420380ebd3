package session

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RetroSummary is what only a retrospective's minutes say.
type RetroSummary struct {
	FormatTitle string   // the built-in format's title; "" for a custom one
	FormatCols  []string // the format's columns, as the session was opened with them
	Columns     []string // the board's columns, with one for every card beyond them
	Anonymous   bool
	VoteBudget  int
	VoteCap     int // 0 for none

	CheckIn     CheckInSummary
	FromStandup int         // cards a stand-up sent
	Reviewed    []ReviewRow // the decisions on the review list (State.Review), in its order

	Revealed    bool
	ColumnCards []int          // cards per column
	Board       [][]BoardTopic // per column, the topics with cards in it, in board order
	Dots        int            // dots given in all
	Topics      []TopicRow     // in discussion order once fixed, else in board order
	Discussion  bool           // the discussion fixed an order
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

// ReviewRow is a decision of the team's log that the retrospective's
// review phase listed, and what its review made of it.
type ReviewRow struct {
	Ref     string    // as people type it (LogEntry.ShortRef)
	Text    string    // what was decided
	At      time.Time // when it was decided
	Absent  []string  // who was absent when it was decided
	AskedBy []string  // who asked for it to be reviewed
	Outcome ReviewOutcome
}

// Verdict is what the review made of the decision, in words: "confirmed",
// "reopened", or "not reviewed".
func (r ReviewRow) Verdict() string {
	if r.Outcome == "" {
		return "not reviewed"
	}
	return string(r.Outcome)
}

// reviewRows are the rows of the decisions on a review list.
func reviewRows(list []LogEntry) []ReviewRow {
	var out []ReviewRow
	for _, e := range list {
		row := ReviewRow{Ref: e.ShortRef(), Text: e.Text, At: e.At, Absent: slices.Clone(e.Absent), Outcome: e.Outcome}
		for _, r := range e.Reviews {
			if !slices.Contains(row.AskedBy, r.Who) {
				row.AskedBy = append(row.AskedBy, r.Who)
			}
		}
		out = append(out, row)
	}
	return out
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
	r.Reviewed = reviewRows(s.Review)

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
