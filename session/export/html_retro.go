package export

import (
	"cmp"
	"slices"
	"strconv"

	"huddle/session"
)

// retroPage writes the minutes of a retrospective.
type retroPage struct {
	page
	r *session.RetroSummary
}

func newRetroPage(p page) retroPage { return retroPage{page: p, r: p.sum.Retro} }

func (p retroPage) write() {
	p.header()
	p.attendance()
	p.checkIn()
	p.review()
	p.board()
	p.discussion()
	p.decisions()
	p.actions()
	p.roti()
	p.parkingLot()
}

func (p retroPage) header() {
	s, r := p.sum, p.r
	p.fact("Facilitator", esc(s.Facilitator))
	p.fact("Format", words(formatLine(r, htmlText)))
	if r.Anonymous {
		p.fact("Anonymous", anonymousFact)
	}
	p.fact("Dot voting", markup(dotVoting(r)))
	p.startAndDuration("the retrospective")
	if !s.Started.IsZero() && s.Unfinished {
		p.fact("Stopped", words(phaseWhen(s.Phase, htmlText)))
	}
	p.endHeader()
}

func (p retroPage) checkIn() {
	p.section("check-in", "Check-in")
	defer p.endSection()
	tables := checkInTables(p.r, htmlText)
	if len(tables) == 0 {
		p.para("Nobody checked in.")
	}
	for _, t := range tables {
		if t.intro != "" {
			p.para(words(t.intro))
		}
		rows := make([][]markup, len(t.rows))
		for i, r := range t.rows {
			rows[i] = wordsRow(r)
		}
		p.table(wordsRow(t.head), t.align, rows)
	}
}

func (p retroPage) review() {
	p.section("review", "Review")
	defer p.endSection()
	var items []markup
	for _, a := range p.sum.Actions {
		if !a.Here {
			items = append(items, words(reviewLine(a, htmlText)))
		}
	}
	if len(items) == 0 {
		p.para("No earlier action items.")
	} else {
		p.list(items)
	}
	if len(p.r.Reviewed) > 0 {
		p.para(reviewedIntro)
		items = nil
		for _, r := range p.r.Reviewed {
			items = append(items, words(reviewedLine(r, htmlText)))
		}
		p.list(items)
	}
	p.sentence(fromStandup(p.r.FromStandup))
}

// card is a card's text with its author, unless the retrospective is
// anonymous, and a mark if a stand-up sent it.
func (p retroPage) card(c session.CardRow) markup {
	if about := cardAbout(c, htmlText); about != "" {
		return esc(c.Text) + ` <span class="by">(` + words(about) + ")</span>"
	}
	return esc(c.Text)
}

func (p retroPage) board() {
	p.section("board", "Board")
	defer p.endSection()
	r := p.r
	if !r.Revealed {
		p.para("The cards were not revealed; only their number is recorded.")
		rows := make([][]markup, len(r.Columns))
		for i, col := range r.Columns {
			rows[i] = []markup{esc(col), itoa(r.ColumnCards[i])}
		}
		p.table([]markup{"Column", "Cards"}, "-r", rows)
		return
	}
	p.putln(`<div class="board">`)
	for i, col := range r.Columns {
		p.putln(`<div class="column">`)
		p.putln("<h3>", esc(col), "</h3>")
		var items []markup
		for _, b := range r.Board[i] {
			var suffix markup
			for _, t := range boardTail(b, r.Dots > 0, htmlText) {
				suffix += " · " + words(t)
			}
			if suffix != "" {
				suffix = `<span class="note">` + suffix + "</span>"
			}
			if b.Single() {
				items = append(items, p.card(b.Cards[0])+suffix)
				continue
			}
			head := markup("Unnamed topic")
			if b.Name != "" {
				head = "<strong>" + esc(b.Name) + "</strong>"
			}
			sub := markup("\n<ul>\n")
			for _, c := range b.Cards {
				sub += "<li>" + p.card(c) + "</li>\n"
			}
			items = append(items, head+suffix+sub+"</ul>")
		}
		if len(items) == 0 {
			p.para("No cards.")
		} else {
			p.list(items)
		}
		p.putln("</div>")
	}
	p.putln("</div>")
	if r.Dots > 0 {
		p.dotsChart()
	}
}

// maxChartTopics bounds the topics of the dots chart.
const maxChartTopics = 20

// topicOrder is the topics in discussion order: as the discussion fixed
// it, or most dots first, ties in board order.
func (p retroPage) topicOrder() []session.TopicRow {
	if p.r.Discussion {
		return p.r.Topics
	}
	order := slices.Clone(p.r.Topics)
	slices.SortStableFunc(order, func(a, b session.TopicRow) int { return cmp.Compare(b.Dots, a.Dots) })
	return order
}

// dotsChart draws the dots per topic, most first.
func (p retroPage) dotsChart() {
	order := p.topicOrder()
	shown := order[:min(len(order), maxChartTopics)]
	bars := make([]hbar, len(shown))
	for i, t := range shown {
		bars[i] = hbar{label: t.Title(), value: float64(t.Dots), words: plural(t.Dots, "dot")}
	}
	caption := "Dots per topic, in the order of the discussion."
	if rest := order[len(shown):]; len(rest) > 0 {
		n := 0
		for _, t := range rest {
			n += t.Dots
		}
		caption += " The chart shows the first " + strconv.Itoa(len(shown)) + " topics; " +
			plural(len(rest), "more topic") + " had " + plural(n, "dot") + "."
	}
	p.hbars(hchart{id: "dots-chart", title: "Dots per topic", caption: caption, labelW: 260, wordsW: 80}, bars)
}

func (p retroPage) discussion() {
	p.section("discussion", "Discussion")
	defer p.endSection()
	r := p.r
	if empty := discussionEmpty(r); empty != "" {
		p.para(words(empty))
		return
	}
	var notReached []markup
	for i, t := range r.Topics {
		title := words(topicHeading(t, htmlText))
		if !t.Reached {
			notReached = append(notReached, title)
			continue
		}
		heading := itoa(i+1) + ". " + title
		if t.Current {
			heading += " (under discussion)"
		}
		p.putln("<h3>", heading, "</h3>")
		said := topicSaid(t, htmlText)
		if len(said) == 0 {
			p.para("Nothing was noted.")
			continue
		}
		p.list(wordsRow(said))
	}
	if len(notReached) > 0 {
		p.para("Not reached:")
		p.list(notReached)
	}
}

func (p retroPage) actions() {
	p.section("actions", "Action items")
	defer p.endSection()
	if len(p.sum.Actions) == 0 {
		p.para("None.")
		return
	}
	rows := make([][]markup, 0, len(p.sum.Actions))
	for _, a := range p.sum.Actions {
		rows = append(rows, wordsRow(actionCells(a, htmlText)))
	}
	p.table(wordsRow(actionHead), "r", rows)
	p.sentence(carries(p.sum.OpenActions, "action item"))
}

func (p retroPage) roti() {
	p.section("roti", "ROTI")
	defer p.endSection()
	roti := p.r.Roti
	if roti.Scores == 0 {
		p.para("Nobody scored the retrospective.")
		return
	}
	rows := make([][]markup, 5)
	for i := range rows {
		rows[i] = []markup{itoa(i + 1), itoa(roti.Count[i+1])}
	}
	p.table([]markup{"Score", "Votes"}, "rr", rows)
	p.para(words(rotiAverage(roti)))
	p.rotiChart(roti.Count, "ROTI: "+plural(roti.Scores, "score")+", average "+roti.Average()+" of 5")
}
