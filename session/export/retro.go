package export

import (
	"strconv"

	"huddle/session"
)

// retroMinutes writes the minutes of a retrospective: a title with the
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
type retroMinutes struct{ minutes }

func (m retroMinutes) write() {
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
}

func (m retroMinutes) header() {
	s, r := m.sum, m.sum.Retro
	m.line("# ", minutesTitle(s, md))
	m.line()
	m.line("- Facilitator: ", md(s.Facilitator))
	m.line("- Format: ", formatLine(r, md))
	if r.Anonymous {
		m.line("- Anonymous: ", anonymousFact)
	}
	m.line("- Dot voting: ", dotVoting(r))
	m.startAndDuration("the retrospective")
	if !s.Started.IsZero() && s.Unfinished {
		m.line("- Stopped ", phaseWhen(s.Phase, md))
	}
}

func (m retroMinutes) checkIn() {
	m.section("Check-in")
	tables := checkInTables(m.sum.Retro, md)
	if len(tables) == 0 {
		m.line("Nobody checked in.")
	}
	for i, t := range tables {
		if i > 0 {
			m.line()
		}
		if t.intro != "" {
			m.line(t.intro)
			m.line()
		}
		m.table(t.head, t.align, t.rows)
	}
}

func (m retroMinutes) review() {
	m.section("Review")
	n := 0
	for _, a := range m.sum.Actions {
		if !a.Here {
			n++
			m.line("- ", reviewLine(a, md))
		}
	}
	if n == 0 {
		m.line("No earlier action items.")
	}
	if rows := m.sum.Retro.Reviewed; len(rows) > 0 {
		m.line()
		m.line(reviewedIntro)
		m.line()
		for _, r := range rows {
			m.line("- ", reviewedLine(r, md))
		}
	}
	m.sentence(fromStandup(m.sum.Retro.FromStandup))
}

func (m retroMinutes) board() {
	m.section("Board")
	r := m.sum.Retro
	if !r.Revealed {
		m.line("The cards were not revealed; only their number is recorded.")
		m.line()
		var rows [][]string
		for i, col := range r.Columns {
			rows = append(rows, []string{md(col), strconv.Itoa(r.ColumnCards[i])})
		}
		m.table([]string{"Column", "Cards"}, "-r", rows)
		return
	}
	for i, col := range r.Columns {
		if i > 0 {
			m.line()
		}
		m.line("### ", md(col))
		m.line()
		for _, b := range r.Board[i] {
			suffix := ""
			for _, t := range boardTail(b, r.Dots > 0, md) {
				suffix += " · " + t
			}
			switch {
			case b.Single():
				m.line("- ", m.card(b.Cards[0]), suffix)
				continue
			case b.Name == "":
				m.line("- Unnamed topic", suffix)
			default:
				m.line("- **", md(b.Name), "**", suffix)
			}
			for _, c := range b.Cards {
				m.line("  - ", m.card(c))
			}
		}
		if len(r.Board[i]) == 0 {
			m.line("No cards.")
		}
	}
}

// card is a card's text with its author, unless the retrospective is
// anonymous, and a mark if a stand-up sent it.
func (m retroMinutes) card(c session.CardRow) string {
	if about := cardAbout(c, md); about != "" {
		return md(c.Text) + " (" + about + ")"
	}
	return md(c.Text)
}

func (m retroMinutes) discussion() {
	m.section("Discussion")
	r := m.sum.Retro
	if empty := discussionEmpty(r); empty != "" {
		m.line(empty)
		return
	}
	var notReached []string
	for i, t := range r.Topics {
		title := topicHeading(t, md)
		if !t.Reached {
			notReached = append(notReached, title)
			continue
		}
		if i > 0 {
			m.line()
		}
		heading := "### " + strconv.Itoa(i+1) + ". " + title
		if t.Current {
			heading += " (under discussion)"
		}
		m.line(heading)
		m.line()
		said := topicSaid(t, md)
		for _, l := range said {
			m.line("- ", l)
		}
		if len(said) == 0 {
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

func (m retroMinutes) actions() {
	m.section("Action items")
	if len(m.sum.Actions) == 0 {
		m.line("None.")
		return
	}
	var rows [][]string
	for _, a := range m.sum.Actions {
		rows = append(rows, actionCells(a, md))
	}
	m.table(actionHead, "r-----", rows)
	m.sentence(carries(m.sum.OpenActions, "action item"))
}

func (m retroMinutes) roti() {
	m.section("ROTI")
	roti := m.sum.Retro.Roti
	if roti.Scores == 0 {
		m.line("Nobody scored the retrospective.")
		return
	}
	rows := make([][]string, 5)
	for i := range rows {
		rows[i] = []string{strconv.Itoa(i + 1), strconv.Itoa(roti.Count[i+1])}
	}
	m.table([]string{"Score", "Votes"}, "rr", rows)
	m.line()
	m.line(rotiAverage(roti))
}
