package export

import (
	"cmp"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"huddle/session"
)

// retroMarkdown writes the minutes of a retrospective: a title with the
// team and the date, who facilitated, the format, the duration against the
// time-box, then the attendance, the check-in, the review of earlier action
// items, the board, the discussion, the decisions, the action items, the
// ROTI and the parking lot.
//
// The minutes of an anonymous retrospective name nobody next to a card, a
// vote, a check-in or a ROTI score, and never show the salted hashes that
// stand in for people; ESVP answers and ROTI scores are only ever counted.
// Dots are counted per topic; who gave them is never shown. Cards that were
// never revealed are only counted.
func retroMarkdown(w io.Writer, s *session.State) error {
	m := retroMinutes{minutes{writer: &writer{w: w}, s: s, end: retroEnd(s)}}
	m.header()
	m.attendance()
	m.checkIn()
	m.review()
	m.board()
	m.discussion()
	m.decisions()
	m.actions()
	m.roti()
	m.parkingLot()
	m.line()
	m.line("Recorded with huddle · session ", md(s.ID))
	return m.err
}

// retroMinutes writes the sections of a retrospective's minutes.
type retroMinutes struct{ minutes }

func (m retroMinutes) header() {
	s := m.s
	title := "# Retrospective · " + md(s.Config.Team) + " · " + s.Created.Local().Format("Mon 2 Jan 2006")
	if s.Ended.IsZero() {
		title += " (unfinished)"
	}
	m.line(title)
	m.line()
	m.line("- Facilitator: ", md(s.Name(s.Facilitator)))
	m.line("- Format: ", formatLine(s))
	if s.Config.Anonymous {
		m.line("- Anonymous: cards, dots, check-ins and ROTI scores carry no names")
	}
	dots := "- Dot voting: " + plural(voteBudget(s), "dot") + " per person"
	if s.Config.VoteCap > 0 {
		dots += ", at most " + strconv.Itoa(s.Config.VoteCap) + " on one topic"
	}
	m.line(dots)
	if !m.startAndDuration("the retrospective") {
		return
	}
	if s.Ended.IsZero() {
		m.line("- Stopped ", phaseWhen(s.Phase))
	}
}

// formatLine names a retrospective's format and its columns.
func formatLine(s *session.State) string {
	cols := mdList(columns(s))
	if s.Config.Format != session.Custom {
		for _, f := range session.Formats {
			if f.Format == s.Config.Format {
				return md(f.Title) + " (" + cols + ")"
			}
		}
	}
	return "custom (" + cols + ")"
}

// columns are the board's columns: the session's own, or for an old or
// hand-made state without them, the format's.
func columns(s *session.State) []string {
	if len(s.Config.Columns) > 0 {
		return s.Config.Columns
	}
	cols, _ := session.Columns(s.Config.Format, nil)
	return cols
}

func voteBudget(s *session.State) int {
	if s.Config.VoteBudget > 0 {
		return s.Config.VoteBudget
	}
	return session.DefaultVoteBudget
}

// tallyCheckIns splits the check-ins into words and ESVP answers.
func tallyCheckIns(s *session.State) (words []session.CheckInEntry, esvp [len(session.ESVPNames)]int, answers int) {
	for _, c := range s.CheckIns {
		switch {
		case c.ESVP >= session.Explorer && c.ESVP <= session.Prisoner:
			esvp[c.ESVP]++
			answers++
		case c.Word != "":
			words = append(words, c)
		}
	}
	return words, esvp, answers
}

func (m retroMinutes) checkIn() {
	m.section("Check-in")
	s := m.s
	words, esvp, answers := tallyCheckIns(s)
	if answers == 0 && len(words) == 0 {
		m.line("Nobody checked in.")
		return
	}
	if answers > 0 {
		m.line("ESVP poll, ", plural(answers, "answer"), ":")
		m.line()
		var rows [][]string
		for a := session.Explorer; a <= session.Prisoner; a++ {
			rows = append(rows, []string{session.ESVPNames[a], strconv.Itoa(esvp[a])})
		}
		m.table([]string{"Answer", "Count"}, "-r", rows)
		if len(words) > 0 {
			m.line()
		}
	}
	if len(words) == 0 {
		return
	}
	if s.Config.Anonymous {
		// Only the words, counted and sorted: their order would tell who.
		count := map[string]int{}
		var distinct []string
		for _, c := range words {
			if count[c.Word] == 0 {
				distinct = append(distinct, c.Word)
			}
			count[c.Word]++
		}
		slices.SortFunc(distinct, func(a, b string) int {
			return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
		})
		rows := make([][]string, len(distinct))
		for i, w := range distinct {
			rows[i] = []string{md(w), strconv.Itoa(count[w])}
		}
		m.line("In one word, ", plural(len(words), "check-in"), " without names:")
		m.line()
		m.table([]string{"Word", "Count"}, "-r", rows)
		return
	}
	rows := make([][]string, len(words))
	for i, c := range words {
		name := ""
		if slices.ContainsFunc(s.Participants, func(p session.Participant) bool { return p.Name == c.Who }) {
			name = md(c.Who) // a name; anything else (a hash) is never shown
		}
		rows[i] = []string{name, md(c.Word)}
	}
	m.table([]string{"Name", "Word"}, "--", rows)
}

func (m retroMinutes) review() {
	m.section("Review")
	s := m.s
	n := 0
	for _, a := range s.Actions {
		if a.Session == s.ID {
			continue
		}
		n++
		status := actionStatus(a.Status)
		switch {
		case a.Status == session.ActionOpen && s.Ended.IsZero() && s.Phase <= session.Review:
			// the review is still to come
		case a.Status == session.ActionOpen:
			status = "not reviewed, carries on"
		case a.Status == session.ActionNotDone:
			status += ", carries on"
		}
		m.line("- #", strconv.Itoa(a.ID), " ", md(a.Text), " (", ownerDue(a), "): ", status)
	}
	if n == 0 {
		m.line("No earlier action items.")
	}
	switch k := countFunc(s.Cards, func(c session.Card) bool { return c.FromStandup }); k {
	case 0:
	case 1:
		m.line()
		m.line("1 topic sent from a stand-up came to the board.")
	default:
		m.line()
		m.line(strconv.Itoa(k), " topics sent from stand-ups came to the board.")
	}
}

// ownerDue is an action item's owner and, if it has one, its due date.
func ownerDue(a session.Action) string {
	if a.Due.IsZero() {
		return md(a.Owner.Name)
	}
	return md(a.Owner.Name) + ", due " + due(a.Due)
}

// due formats a due date, or — for none.
func due(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02")
}

func actionStatus(st session.ActionStatus) string {
	switch st {
	case session.ActionOpen:
		return "open"
	case session.ActionDone:
		return "done"
	case session.ActionNotDone:
		return "not done"
	case session.ActionDropped:
		return "dropped"
	}
	return md(st.String())
}

func (m retroMinutes) board() {
	m.section("Board")
	s := m.s
	cols := columns(s)
	// Cards in a column the board does not have (a hand-made state) get
	// columns of their own rather than vanish.
	for _, c := range s.Cards {
		for c.Column >= len(cols) {
			cols = append(slices.Clip(cols), "Column "+strconv.Itoa(len(cols)+1))
		}
	}
	if !s.Revealed {
		m.line("The cards were not revealed; only their number is recorded.")
		m.line()
		var rows [][]string
		for i, col := range cols {
			rows = append(rows, []string{md(col), strconv.Itoa(countFunc(s.Cards, func(c session.Card) bool { return c.Column == i }))})
		}
		m.table([]string{"Column", "Cards"}, "-r", rows)
		return
	}
	showDots := len(s.Votes) > 0
	groups := s.GroupIDs()
	for i, col := range cols {
		if i > 0 {
			m.line()
		}
		m.line("### ", md(col))
		m.line()
		n := 0
		for _, g := range groups {
			var here []session.Card
			elsewhere := map[int]bool{}
			for _, c := range s.TopicCards(g) {
				if c.Column == i {
					here = append(here, c)
				} else {
					elsewhere[c.Column] = true
				}
			}
			if len(here) == 0 {
				continue
			}
			n++
			var tail []string
			if showDots {
				tail = append(tail, plural(s.VotesFor(g), "dot"))
			}
			var also []string
			for j, c := range cols {
				if elsewhere[j] {
					also = append(also, md(c))
				}
			}
			if len(also) > 0 {
				tail = append(tail, "also under "+strings.Join(also, ", "))
			}
			suffix := ""
			if len(tail) > 0 {
				suffix = " · " + strings.Join(tail, " · ")
			}
			name := strings.TrimSpace(s.GroupNames[g])
			if name == "" && len(here) == 1 && len(elsewhere) == 0 {
				m.line("- ", m.card(here[0]), suffix)
				continue
			}
			if name == "" {
				m.line("- Unnamed topic", suffix)
			} else {
				m.line("- **", md(name), "**", suffix)
			}
			for _, c := range here {
				m.line("  - ", m.card(c))
			}
		}
		if n == 0 {
			m.line("No cards.")
		}
	}
}

// card is a card's text with its author, unless the retrospective is
// anonymous, and a mark if a stand-up sent it.
func (m retroMinutes) card(c session.Card) string {
	var about []string
	if !m.s.Config.Anonymous && c.Author.Name != "" {
		about = append(about, md(c.Author.Name))
	}
	if c.FromStandup {
		about = append(about, "from a stand-up")
	}
	if len(about) == 0 {
		return md(c.Text)
	}
	return md(c.Text) + " (" + strings.Join(about, ", ") + ")"
}

// topicTitle is a topic's name, or the text of its first card.
func topicTitle(s *session.State, g int) string {
	if name := strings.TrimSpace(s.GroupNames[g]); name != "" {
		return md(name)
	}
	cards := s.TopicCards(g)
	switch len(cards) {
	case 0:
		return "Topic " + strconv.Itoa(g)
	case 1:
		return md(cards[0].Text)
	}
	return md(cards[0].Text) + " (+" + plural(len(cards)-1, "card") + ")"
}

func (m retroMinutes) discussion() {
	m.section("Discussion")
	s := m.s
	switch {
	case len(s.Topics) == 0 && s.Phase > session.Discuss && len(s.Cards) == 0:
		m.line("There were no topics to discuss.")
		return
	case len(s.Topics) == 0:
		m.line("The discussion did not start.")
		return
	}
	var notReached []string
	for i, g := range s.Topics {
		title := topicTitle(s, g) + " · " + plural(s.VotesFor(g), "dot")
		if i > s.TopicPos {
			notReached = append(notReached, title)
			continue
		}
		if i > 0 {
			m.line()
		}
		heading := "### " + strconv.Itoa(i+1) + ". " + title
		if i == s.TopicPos && s.Phase == session.Discuss {
			heading += " (under discussion)"
		}
		m.line(heading)
		m.line()
		n := 0
		for _, note := range s.Notes {
			if note.Topic == g {
				m.line("- Note: ", md(note.Text))
				n++
			}
		}
		for _, d := range s.Decisions {
			if d.Topic == g {
				m.line("- Decision: ", md(d.Text))
				n++
			}
		}
		var acts []string
		for _, a := range s.Actions {
			if a.Topic == g && a.Session == s.ID {
				acts = append(acts, "#"+strconv.Itoa(a.ID))
			}
		}
		if len(acts) > 0 {
			m.line("- Action items: ", strings.Join(acts, ", "))
			n++
		}
		if n == 0 {
			m.line("Nothing was noted.")
		}
	}
	if len(notReached) > 0 {
		m.line()
		m.line("Not reached:")
		m.line()
		for _, t := range notReached {
			m.line("- ", t)
		}
	}
}

func (m retroMinutes) decisions() {
	m.section("Decisions")
	s := m.s
	n := 0
	for _, d := range s.Decisions {
		n++
		topic := "no topic"
		if d.Topic != 0 {
			topic = "topic: " + topicTitle(s, d.Topic)
		}
		m.line("- ", md(d.Text), " (", topic, "; ", presence(session.Item{Present: d.Present, Absent: d.Absent}), ")")
	}
	for _, it := range s.Items {
		if it.Status != session.Decided {
			continue
		}
		n++
		m.line("- ", md(it.Note), " (parking lot #", strconv.Itoa(it.ID), " ", md(it.Topic), "; ", presence(it), ")")
	}
	if n == 0 {
		m.line("None recorded.")
	}
}

func (m retroMinutes) actions() {
	m.section("Action items")
	s := m.s
	if len(s.Actions) == 0 {
		m.line("None.")
		return
	}
	var rows [][]string
	for _, a := range s.Actions {
		from := "this session"
		switch {
		case a.Session == "":
			from = "an earlier session"
		case a.Session != s.ID:
			from = "carried from " + md(a.Session)
		}
		rows = append(rows, []string{"#" + strconv.Itoa(a.ID), md(a.Text), md(a.Owner.Name), due(a.Due), actionStatus(a.Status), from})
	}
	m.table([]string{"#", "Action", "Owner", "Due", "Status", "From"}, "r-----", rows)
	switch n := len(s.OpenActions()); n {
	case 0:
	case 1:
		m.line()
		m.line("1 action item carries over to the team's next session.")
	default:
		m.line()
		m.line(strconv.Itoa(n), " action items carry over to the team's next session.")
	}
}

func (m retroMinutes) roti() {
	m.section("ROTI")
	var count [6]int
	n, sum := 0, 0
	for _, r := range m.s.Rotis {
		if r.Score < 1 || r.Score > 5 {
			continue
		}
		count[r.Score]++
		n++
		sum += r.Score
	}
	if n == 0 {
		m.line("Nobody scored the retrospective.")
		return
	}
	rows := make([][]string, 5)
	for i := range rows {
		rows[i] = []string{strconv.Itoa(i + 1), strconv.Itoa(count[i+1])}
	}
	m.table([]string{"Score", "Votes"}, "rr", rows)
	m.line()
	m.line("Average ", strconv.FormatFloat(float64(sum)/float64(n), 'f', 1, 64), " of 5 from ", plural(n, "score"), ".")
}

func (m retroMinutes) parkingLot() {
	m.section("Parking lot")
	s := m.s
	if len(s.Items) == 0 {
		m.line("Nothing was parked.")
		return
	}
	var rows [][]string
	for _, it := range s.Items {
		stays := "nobody"
		if len(it.Stay) > 0 {
			names := make([]string, len(it.Stay))
			for i, p := range it.Stay {
				names[i] = p.Name
			}
			stays = mdList(names)
		}
		earlier := it.Session != "" && it.Session != s.ID
		var when string
		switch {
		case earlier && it.Speaker.Name != "":
			when = md(it.Speaker.Name) + "'s turn, an earlier session"
		case earlier:
			when = "an earlier session"
		default:
			when = phaseWhen(it.Phase)
		}
		raiser, result := md(it.RaisedBy.Name), outcome(it)
		if it.Status == session.SentToRetro && earlier {
			result = "sent to retro: on this board"
			if s.Config.Anonymous {
				// It is a card now: naming who raised it would name its
				// author.
				raiser, when, stays = "—", "an earlier session", "—"
			}
		}
		rows = append(rows, []string{"#" + strconv.Itoa(it.ID), md(it.Topic), raiser, when, stays, result})
	}
	m.table([]string{"#", "Topic", "Raised by", "During", "Stays", "Outcome"}, "r-----", rows)
	switch n := len(s.CarryOver()); n {
	case 0:
	case 1:
		m.line()
		m.line("1 item carries over to the team's next session.")
	default:
		m.line()
		m.line(strconv.Itoa(n), " items carry over to the team's next session.")
	}
}

// phaseWhen says when, in a retrospective's plan, something happened.
func phaseWhen(p session.Phase) string {
	switch p {
	case session.Waiting:
		return "before the start"
	case session.CheckIn:
		return "during the check-in"
	case session.Review:
		return "during the review"
	case session.Write:
		return "while writing cards"
	case session.Group:
		return "while grouping"
	case session.Vote:
		return "during the vote"
	case session.Discuss:
		return "during the discussion"
	case session.Actions:
		return "during the action items"
	case session.Roti:
		return "during the ROTI"
	case session.Closed:
		return "after the close"
	}
	return "during " + md(p.String())
}

// retroEnd is when the record of a retrospective stops: its end or, for
// one left running, the latest moment its state knows of.
func retroEnd(s *session.State) time.Time {
	if !s.Ended.IsZero() {
		return s.Ended
	}
	latest := recordEnd(s)
	later := func(t time.Time) {
		if t.After(latest) {
			latest = t
		}
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

// plural is n with the noun, in the plural unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func countFunc[T any](s []T, f func(T) bool) int {
	n := 0
	for _, v := range s {
		if f(v) {
			n++
		}
	}
	return n
}
