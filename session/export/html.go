package export

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"huddle/session"
)

// HTML writes the minutes of a stand-up or a retrospective as one
// self-contained HTML5 document: the sections of the Markdown minutes
// (see Markdown), an inline style sheet that prints well (black on white,
// tables and charts kept whole on a page), and small inline SVG charts —
// for a stand-up the time each speaker used against the turn's time-box,
// for a retrospective the dots per topic and the ROTI histogram. Every
// chart carries a title and text labels with its numbers, so it reads
// without colour and without the chart at all. The document loads
// nothing: no scripts, no fonts, no images, no links, and a
// Content-Security-Policy that forbids them.
//
// All text that people typed is HTML-escaped. An anonymous retrospective
// names nobody next to a card, a check-in, a dot or a score, and shows no
// salted hash, as in the Markdown minutes. Dates and times are in the
// local time zone (time.Local). The same state gives byte-identical
// output.
//
// HTML writes as it goes and returns the writer's first error. A session
// of an unknown kind is an ErrInvalid error and nothing is written.
func HTML(w io.Writer, s *session.State) error {
	var end time.Time
	switch s.Config.Kind {
	case session.Standup:
		end = recordEnd(s)
	case session.Retro:
		end = retroEnd(s)
	default:
		return fmt.Errorf("%w: minutes of a %s are not supported", session.ErrInvalid, s.Config.Kind)
	}
	p := page{writer: &writer{w: w}, s: s, end: end}
	p.open()
	if s.Config.Kind == session.Standup {
		p.standup()
	} else {
		newRetroPage(p).write()
	}
	p.close()
	return p.err
}

// markup is HTML that this file wrote. Text that people typed becomes
// markup only through esc: only constants convert to markup implicitly,
// so a string variable cannot reach the page unescaped by accident, and
// every explicit markup(…) conversion is of text known to be safe
// (numbers, times, this file's own words).
type markup string

// esc escapes text for an HTML element or a quoted attribute.
func esc(s string) markup { return markup(html.EscapeString(s)) }

func itoa(n int) markup { return markup(strconv.Itoa(n)) }

// clk is a duration as clock formats it.
func clk(d time.Duration) markup { return markup(clock(d)) }

// page writes an HTML document.
type page struct {
	*writer
	s   *session.State
	end time.Time // when the record stops: recordEnd or retroEnd
}

// put writes the parts one after another.
func (p page) put(parts ...markup) {
	for _, m := range parts {
		p.print(string(m))
	}
}

// putln writes the parts and a line feed.
func (p page) putln(parts ...markup) {
	p.put(parts...)
	p.print("\n")
}

// title is the document's title and first heading, as plain text.
func (p page) title() string {
	kind := "Stand-up"
	if p.s.Config.Kind == session.Retro {
		kind = "Retrospective"
	}
	t := kind + " · " + p.s.Config.Team + " · " + p.s.Created.Local().Format("Mon 2 Jan 2006")
	if p.s.Ended.IsZero() {
		t += " (unfinished)"
	}
	return t
}

// open writes the document's head, its style sheet and the start of its
// body.
func (p page) open() {
	p.putln("<!DOCTYPE html>")
	p.putln(`<html lang="en">`)
	p.putln("<head>")
	p.putln(`<meta charset="utf-8" />`)
	p.putln(`<meta name="viewport" content="width=device-width, initial-scale=1" />`)
	p.putln(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />`)
	p.putln(`<meta name="generator" content="huddle" />`)
	p.putln("<title>", esc(p.title()), "</title>")
	p.putln("<style>", css, "</style>")
	p.putln("</head>")
	p.putln("<body>")
	p.putln("<header>")
	p.putln("<h1>", esc(p.title()), "</h1>")
	p.putln(`<dl class="facts">`)
}

// close ends the sections and the document.
func (p page) close() {
	p.putln("</main>")
	p.putln("<footer>Recorded with huddle · session ", esc(p.s.ID), "</footer>")
	p.putln("</body>")
	p.putln("</html>")
}

// endHeader ends the facts and the header and starts the sections.
func (p page) endHeader() {
	p.putln("</dl>")
	p.putln("</header>")
	p.putln("<main>")
}

// css is the style sheet: light on screen unless the reader prefers dark,
// always black on white in print. It has no <, > or &, so that the
// document stays well-formed XML as well as HTML.
const css markup = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--rule:#d1d9e0;--head:#f6f8fa;--bar:#3868b0;--over:#c4461b;--mark:#1f2328}
@media screen and (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--rule:#3d444d;--head:#161b22;--bar:#5b93e0;--over:#f0883e;--mark:#e6edf3}}
body{margin:2rem auto;max-width:56rem;padding:0 1rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.6rem;margin:0 0 .75rem}
h2{font-size:1.25rem;margin:2rem 0 .75rem;padding-bottom:.2rem;border-bottom:1px solid var(--rule)}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid var(--rule);padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:var(--head)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.by,.note,figcaption,footer{color:var(--muted)}
.board{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:0 1.5rem}
figure{margin:1rem 0}
figcaption{font-size:.9rem}
svg{max-width:100%;height:auto;font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg text{fill:var(--fg)}
svg .bar{fill:var(--bar)}
svg .over{fill:var(--over)}
svg .mark{stroke:var(--mark);stroke-width:2}
svg .axis{stroke:var(--rule)}
footer{margin-top:2.5rem;padding-top:.5rem;border-top:1px solid var(--rule);font-size:.9rem}
@page{margin:1.5cm}
@media print{:root{--fg:#000;--muted:#444;--bg:#fff;--rule:#999;--head:#eee;--bar:#4a78b8;--over:#c4461b;--mark:#000}body{margin:0;max-width:none;font-size:10.5pt;color:#000;background:#fff}figure,tr,li{break-inside:avoid}h2,h3{break-after:avoid}svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
`

// fact writes one term of the header's facts.
func (p page) fact(term, desc markup) {
	p.putln("<dt>", term, "</dt><dd>", desc, "</dd>")
}

// start writes when the session was scheduled to start, or when it
// started.
func (p page) start() {
	s := p.s
	switch {
	case !s.Config.ScheduledAt.IsZero():
		p.fact("Scheduled start", markup(s.Config.ScheduledAt.Local().Format("15:04")))
	case !s.Started.IsZero():
		p.fact("Started", markup(s.Started.Local().Format("15:04"))+" (no scheduled start)")
	}
}

// duration writes how long the session took against its time-box; what
// says what did not start, if it did not.
func (p page) duration(what markup) {
	s := p.s
	if s.Started.IsZero() {
		p.fact("Duration", what+" did not start (time-box "+clk(s.Config.Timebox)+")")
		return
	}
	took, budget := s.Overall.Elapsed(p.end), s.Overall.Budget
	verdict := markup("within")
	if took > budget {
		verdict = "over by " + clk(took-budget)
	}
	p.fact("Duration", clk(took)+" (time-box "+clk(budget)+", "+verdict+")")
}

// section starts a section of the minutes.
func (p page) section(id, title markup) {
	p.putln()
	p.putln(`<section id="`, id, `">`)
	p.putln("<h2>", title, "</h2>")
}

func (p page) endSection() { p.putln("</section>") }

// para writes a paragraph.
func (p page) para(text markup) { p.putln("<p>", text, "</p>") }

// table writes a table. numeric has one byte per column: 'r' marks a
// column of numbers, aligned right. Cells are markup: escape user text
// with esc first.
func (p page) table(head []markup, numeric string, rows [][]markup) {
	class := func(i int) markup {
		if i < len(numeric) && numeric[i] == 'r' {
			return ` class="num"`
		}
		return ""
	}
	p.putln("<table>")
	p.put("<thead><tr>")
	for i, h := range head {
		p.put("<th", class(i), ">", h, "</th>")
	}
	p.putln("</tr></thead>")
	p.putln("<tbody>")
	for _, r := range rows {
		p.put("<tr>")
		for i, c := range r {
			p.put("<td", class(i), ">", c, "</td>")
		}
		p.putln("</tr>")
	}
	p.putln("</tbody>")
	p.putln("</table>")
}

// list writes a bulleted list of items.
func (p page) list(items []markup) {
	p.putln("<ul>")
	for _, it := range items {
		p.putln("<li>", it, "</li>")
	}
	p.putln("</ul>")
}

// personNames joins names with commas, as plain text.
func personNames(people []session.Person) string {
	out := make([]string, len(people))
	for i, q := range people {
		out[i] = q.Name
	}
	return strings.Join(out, ", ")
}

// presenceText says who was present and who was absent for a decision,
// as plain text.
func presenceText(present, absent []string) string {
	pr, ab := "nobody", "nobody"
	if len(present) > 0 {
		pr = strings.Join(present, ", ")
	}
	if len(absent) > 0 {
		ab = strings.Join(absent, ", ")
	}
	return "present: " + pr + "; absent: " + ab
}

// outcomeText is what became of a parking-lot item, as plain text.
func outcomeText(it session.Item) string {
	withNote := func(s string) string {
		if it.Note == "" {
			return s
		}
		return s + ": " + it.Note
	}
	switch it.Status {
	case session.Open:
		return "open, carries over"
	case session.Discussed:
		return withNote("discussed")
	case session.Decided:
		return withNote("decision") + " (" + presenceText(it.Present, it.Absent) + ")"
	case session.SentToRetro:
		return withNote("sent to retro")
	case session.Dropped:
		return withNote("dropped")
	}
	return withNote(it.Status.String())
}

// carryOver says how many parking-lot items carry over, if any do.
func (p page) carryOver() {
	switch n := len(p.s.CarryOver()); n {
	case 0:
	case 1:
		p.para("1 item carries over to the team's next session.")
	default:
		p.para(itoa(n) + " items carry over to the team's next session.")
	}
}

// attendance writes who was expected or came, and when.
func (p page) attendance() {
	p.section("attendance", "Attendance")
	defer p.endSection()
	var rows [][]markup
	var watchers []string
	for _, q := range p.s.Participants {
		if q.Role == session.Observer {
			// Watchers neither attend nor miss anything: listed apart.
			if !q.Arrived.IsZero() {
				watchers = append(watchers, q.Name)
			}
			continue
		}
		if !q.Expected && q.Arrived.IsZero() {
			continue
		}
		name := esc(q.Name)
		status := markup("on time")
		switch {
		case q.Arrived.IsZero():
			status = "absent"
		case q.LateBy >= time.Minute:
			status = "late by " + itoa(int(q.LateBy/time.Minute)) + " min"
		}
		rows = append(rows, []markup{name, status})
	}
	if len(rows) == 0 {
		p.para("Nobody was expected and nobody came.")
	} else {
		p.table([]markup{"Name", "Status"}, "", rows)
	}
	if len(watchers) > 0 {
		p.para("Watching (not attending): " + esc(strings.Join(watchers, ", ")))
	}
}

// standup writes the minutes of a stand-up, after the document's head.
func (p page) standup() {
	s := p.s
	p.fact("Facilitator", esc(s.Name(s.Facilitator)))
	p.start()
	p.duration("the rounds")
	p.endHeader()
	p.attendance()
	p.turns()
	p.blockers()
	p.standupParkingLot()
	p.standupDecisions()
}

// turns writes each turn against its time-box, as a table and a chart.
func (p page) turns() {
	p.section("turns", "Turns")
	defer p.endSection()
	if len(p.s.Turns) == 0 {
		p.para("The rounds did not start.")
		return
	}
	var rows [][]markup
	var bars []hbar
	for _, t := range p.s.Turns {
		ended := t.Ended
		if ended.IsZero() {
			ended = p.end
		}
		used, budget := t.Timer.Elapsed(ended), t.Timer.Budget
		var notes []string
		if t.Ended.IsZero() {
			notes = append(notes, "unfinished")
		}
		if t.Skipped {
			notes = append(notes, "skipped")
		}
		if used > budget {
			notes = append(notes, "+"+clock(used-budget)+" over")
		}
		note := strings.Join(notes, ", ")
		name := p.s.Name(t.Speaker)
		rows = append(rows, []markup{esc(name), clk(used), clk(budget), markup(note)})
		words := clock(used) + " of " + clock(budget)
		if note != "" {
			words += ", " + note
		}
		bars = append(bars, hbar{label: name, value: used.Seconds(), box: budget.Seconds(), words: words})
	}
	p.table([]markup{"Speaker", "Time used", "Time-box", "Note"}, "-rr-", rows)
	p.hbars(hchart{
		id:      "turns-chart",
		title:   "Time per speaker against the turn time-box",
		caption: "Time each speaker used, turn by turn. The vertical mark is the turn's time-box; time beyond it is drawn in a second colour and labelled over.",
		labelW:  150, wordsW: 240, boxed: true,
	}, bars)
}

func (p page) blockers() {
	p.section("blockers", "Blockers")
	defer p.endSection()
	if len(p.s.Blockers) == 0 {
		p.para("None.")
		return
	}
	items := make([]markup, len(p.s.Blockers))
	for i, b := range p.s.Blockers {
		items[i] = "<strong>" + esc(b.Speaker.Name) + "</strong>: " + esc(b.Text)
	}
	p.list(items)
}

// parkingLotTable writes the parking lot's items; row gives an item's
// raiser, when it was parked, who stays, and its outcome, as plain text.
func (p page) parkingLotTable(row func(it session.Item) (raiser, when, stays, outcome string)) {
	rows := make([][]markup, 0, len(p.s.Items))
	for _, it := range p.s.Items {
		raiser, when, stays, outcome := row(it)
		rows = append(rows, []markup{"#" + itoa(it.ID), esc(it.Topic), esc(raiser), esc(when), esc(stays), esc(outcome)})
	}
	p.table([]markup{"#", "Topic", "Raised by", "During", "Stays", "Outcome"}, "r", rows)
	p.carryOver()
}

// staysText names who stays for an item, or nobody.
func staysText(it session.Item) string {
	if len(it.Stay) == 0 {
		return "nobody"
	}
	return personNames(it.Stay)
}

func (p page) standupParkingLot() {
	p.section("parking-lot", "Parking lot")
	defer p.endSection()
	if len(p.s.Items) == 0 {
		p.para("Nothing was parked.")
		return
	}
	p.parkingLotTable(func(it session.Item) (string, string, string, string) {
		var when string
		switch {
		case it.Speaker.ID != "" || it.Speaker.Name != "":
			when = it.Speaker.Name + "'s turn"
		case it.Phase == session.Waiting:
			when = "before the rounds"
		default:
			when = "after the rounds"
		}
		if it.Session != "" && it.Session != p.s.ID {
			when += ", an earlier session"
		}
		return it.RaisedBy.Name, when, staysText(it), outcomeText(it)
	})
}

func (p page) standupDecisions() {
	p.section("decisions", "Decisions")
	defer p.endSection()
	var items []markup
	for _, it := range p.s.Items {
		if it.Status == session.Decided {
			items = append(items, esc(it.Note)+" (#"+itoa(it.ID)+" "+esc(it.Topic)+"; "+esc(presenceText(it.Present, it.Absent))+")")
		}
	}
	if len(items) == 0 {
		p.para("None recorded.")
		return
	}
	p.list(items)
}

// retroPage writes the minutes of a retrospective. It indexes the board
// once, so that a board of thousands of cards is written in linear time.
type retroPage struct {
	page
	groups []int                  // the topics on the board, in board order
	cards  map[int][]session.Card // by topic (group), in board order
	dots   map[int]int            // by topic
}

func newRetroPage(p page) retroPage {
	r := retroPage{page: p, cards: map[int][]session.Card{}, dots: map[int]int{}}
	for _, c := range p.s.Cards {
		if _, ok := r.cards[c.Group]; !ok {
			r.groups = append(r.groups, c.Group)
		}
		r.cards[c.Group] = append(r.cards[c.Group], c)
	}
	for _, d := range p.s.Votes {
		r.dots[d.Group]++
	}
	return r
}

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
	s := p.s
	p.fact("Facilitator", esc(s.Name(s.Facilitator)))
	format := "custom"
	if s.Config.Format != session.Custom {
		for _, f := range session.Formats {
			if f.Format == s.Config.Format {
				format = f.Title
			}
		}
	}
	p.fact("Format", esc(format+" ("+strings.Join(columns(s), ", ")+")"))
	if s.Config.Anonymous {
		p.fact("Anonymous", "cards, dots, check-ins and ROTI scores carry no names")
	}
	dots := markup(plural(voteBudget(s), "dot")) + " per person"
	if s.Config.VoteCap > 0 {
		dots += ", at most " + itoa(s.Config.VoteCap) + " on one topic"
	}
	p.fact("Dot voting", dots)
	p.start()
	p.duration("the retrospective")
	if !s.Started.IsZero() && s.Ended.IsZero() {
		p.fact("Stopped", esc(phaseWhen(s.Phase)))
	}
	p.endHeader()
}

func (p retroPage) checkIn() {
	p.section("check-in", "Check-in")
	defer p.endSection()
	s := p.s
	words, esvp, answers := tallyCheckIns(s)
	if answers == 0 && len(words) == 0 {
		p.para("Nobody checked in.")
		return
	}
	if answers > 0 {
		p.para("ESVP poll, " + markup(plural(answers, "answer")) + ":")
		var rows [][]markup
		for a := session.Explorer; a <= session.Prisoner; a++ {
			rows = append(rows, []markup{markup(session.ESVPNames[a]), itoa(esvp[a])})
		}
		p.table([]markup{"Answer", "Count"}, "-r", rows)
	}
	switch {
	case len(words) == 0:
	case s.Config.Anonymous:
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
		rows := make([][]markup, len(distinct))
		for i, w := range distinct {
			rows[i] = []markup{esc(w), itoa(count[w])}
		}
		p.para("In one word, " + markup(plural(len(words), "check-in")) + " without names:")
		p.table([]markup{"Word", "Count"}, "-r", rows)
	default:
		rows := make([][]markup, len(words))
		for i, c := range words {
			var name markup
			if slices.ContainsFunc(s.Participants, func(q session.Participant) bool { return q.Name == c.Who }) {
				name = esc(c.Who) // a name; anything else (a hash) is never shown
			}
			rows[i] = []markup{name, esc(c.Word)}
		}
		p.table([]markup{"Name", "Word"}, "", rows)
	}
}

// ownerDueText is an action item's owner and, if it has one, its due
// date, as plain text.
func ownerDueText(a session.Action) string {
	if a.Due.IsZero() {
		return a.Owner.Name
	}
	return a.Owner.Name + ", due " + due(a.Due)
}

func (p retroPage) review() {
	p.section("review", "Review")
	defer p.endSection()
	s := p.s
	var items []markup
	for _, a := range s.Actions {
		if a.Session == s.ID {
			continue
		}
		status := esc(actionStatus(a.Status))
		switch {
		case a.Status == session.ActionOpen && s.Ended.IsZero() && s.Phase <= session.Review:
			// the review is still to come
		case a.Status == session.ActionOpen:
			status = "not reviewed, carries on"
		case a.Status == session.ActionNotDone:
			status += ", carries on"
		}
		items = append(items, "#"+itoa(a.ID)+" "+esc(a.Text)+" ("+esc(ownerDueText(a))+"): "+status)
	}
	if len(items) == 0 {
		p.para("No earlier action items.")
	} else {
		p.list(items)
	}
	switch k := countFunc(s.Cards, func(c session.Card) bool { return c.FromStandup }); k {
	case 0:
	case 1:
		p.para("1 topic sent from a stand-up came to the board.")
	default:
		p.para(itoa(k) + " topics sent from stand-ups came to the board.")
	}
}

// topicTitle is a topic's name, or the text of its first card, as plain
// text.
func (p retroPage) topicTitle(g int) string {
	if name := strings.TrimSpace(p.s.GroupNames[g]); name != "" {
		return name
	}
	cards := p.cards[g]
	switch len(cards) {
	case 0:
		return "Topic " + strconv.Itoa(g)
	case 1:
		return cards[0].Text
	}
	return cards[0].Text + " (+" + plural(len(cards)-1, "card") + ")"
}

// card is a card's text with its author, unless the retrospective is
// anonymous, and a mark if a stand-up sent it.
func (p retroPage) card(c session.Card) markup {
	var about []string
	if !p.s.Config.Anonymous && c.Author.Name != "" {
		about = append(about, c.Author.Name)
	}
	if c.FromStandup {
		about = append(about, "from a stand-up")
	}
	if len(about) == 0 {
		return esc(c.Text)
	}
	return esc(c.Text) + ` <span class="by">(` + esc(strings.Join(about, ", ")) + ")</span>"
}

func (p retroPage) board() {
	p.section("board", "Board")
	defer p.endSection()
	s := p.s
	cols := columns(s)
	// Cards in a column the board does not have (a hand-made state) get
	// columns of their own rather than vanish.
	for _, c := range s.Cards {
		for c.Column >= len(cols) {
			cols = append(slices.Clip(cols), "Column "+strconv.Itoa(len(cols)+1))
		}
	}
	if !s.Revealed {
		p.para("The cards were not revealed; only their number is recorded.")
		count := make([]int, len(cols))
		for _, c := range s.Cards {
			if c.Column >= 0 {
				count[c.Column]++
			}
		}
		rows := make([][]markup, len(cols))
		for i, col := range cols {
			rows[i] = []markup{esc(col), itoa(count[i])}
		}
		p.table([]markup{"Column", "Cards"}, "-r", rows)
		return
	}
	showDots := len(s.Votes) > 0
	p.putln(`<div class="board">`)
	for i, col := range cols {
		p.putln(`<div class="column">`)
		p.putln("<h3>", esc(col), "</h3>")
		var items []markup
		for _, g := range p.groups {
			var here []session.Card
			elsewhere := map[int]bool{}
			for _, c := range p.cards[g] {
				if c.Column == i {
					here = append(here, c)
				} else {
					elsewhere[c.Column] = true
				}
			}
			if len(here) == 0 {
				continue
			}
			var tail []markup
			if showDots {
				tail = append(tail, markup(plural(p.dots[g], "dot")))
			}
			var also []string
			for j, c := range cols {
				if elsewhere[j] {
					also = append(also, c)
				}
			}
			if len(also) > 0 {
				tail = append(tail, "also under "+esc(strings.Join(also, ", ")))
			}
			var suffix markup
			for _, t := range tail {
				suffix += " · " + t
			}
			if suffix != "" {
				suffix = `<span class="note">` + suffix + "</span>"
			}
			name := strings.TrimSpace(s.GroupNames[g])
			if name == "" && len(here) == 1 && len(elsewhere) == 0 {
				items = append(items, p.card(here[0])+suffix)
				continue
			}
			head := markup("Unnamed topic")
			if name != "" {
				head = "<strong>" + esc(name) + "</strong>"
			}
			sub := markup("\n<ul>\n")
			for _, c := range here {
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
	if showDots {
		p.dotsChart()
	}
}

// maxChartTopics bounds the topics of the dots chart.
const maxChartTopics = 20

// topicOrder is the topics in discussion order: as the discussion fixed
// it, or most dots first, ties in board order.
func (p retroPage) topicOrder() []int {
	if len(p.s.Topics) > 0 {
		return p.s.Topics
	}
	order := slices.Clone(p.groups)
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.dots[b], p.dots[a]) })
	return order
}

// dotsChart draws the dots per topic, most first.
func (p retroPage) dotsChart() {
	order := p.topicOrder()
	shown := order[:min(len(order), maxChartTopics)]
	bars := make([]hbar, len(shown))
	for i, g := range shown {
		n := p.dots[g]
		bars[i] = hbar{label: p.topicTitle(g), value: float64(n), words: plural(n, "dot")}
	}
	caption := "Dots per topic, in the order of the discussion."
	if rest := order[len(shown):]; len(rest) > 0 {
		n := 0
		for _, g := range rest {
			n += p.dots[g]
		}
		caption += " The chart shows the first " + strconv.Itoa(len(shown)) + " topics; " +
			plural(len(rest), "more topic") + " had " + plural(n, "dot") + "."
	}
	p.hbars(hchart{id: "dots-chart", title: "Dots per topic", caption: caption, labelW: 260, wordsW: 80}, bars)
}

func (p retroPage) discussion() {
	p.section("discussion", "Discussion")
	defer p.endSection()
	s := p.s
	switch {
	case len(s.Topics) == 0 && s.Phase > session.Discuss && len(s.Cards) == 0:
		p.para("There were no topics to discuss.")
		return
	case len(s.Topics) == 0:
		p.para("The discussion did not start.")
		return
	}
	said := map[int][]markup{} // by topic: its notes, then its decisions
	for _, n := range s.Notes {
		said[n.Topic] = append(said[n.Topic], "Note: "+esc(n.Text))
	}
	for _, d := range s.Decisions {
		said[d.Topic] = append(said[d.Topic], "Decision: "+esc(d.Text))
	}
	acts := map[int][]string{}
	for _, a := range s.Actions {
		if a.Topic != 0 && a.Session == s.ID {
			acts[a.Topic] = append(acts[a.Topic], "#"+strconv.Itoa(a.ID))
		}
	}
	var notReached []markup
	for i, g := range s.Topics {
		title := esc(p.topicTitle(g)) + " · " + markup(plural(p.dots[g], "dot"))
		if i > s.TopicPos {
			notReached = append(notReached, title)
			continue
		}
		heading := itoa(i+1) + ". " + title
		if i == s.TopicPos && s.Phase == session.Discuss {
			heading += " (under discussion)"
		}
		p.putln("<h3>", heading, "</h3>")
		items := slices.Clone(said[g])
		if a := acts[g]; len(a) > 0 {
			items = append(items, "Action items: "+markup(strings.Join(a, ", ")))
		}
		if len(items) == 0 {
			p.para("Nothing was noted.")
			continue
		}
		p.list(items)
	}
	if len(notReached) > 0 {
		p.para("Not reached:")
		p.list(notReached)
	}
}

func (p retroPage) decisions() {
	p.section("decisions", "Decisions")
	defer p.endSection()
	s := p.s
	var items []markup
	for _, d := range s.Decisions {
		topic := "no topic"
		if d.Topic != 0 {
			topic = "topic: " + p.topicTitle(d.Topic)
		}
		items = append(items, esc(d.Text)+" ("+esc(topic+"; "+presenceText(d.Present, d.Absent))+")")
	}
	for _, it := range s.Items {
		if it.Status == session.Decided {
			items = append(items, esc(it.Note)+" (parking lot #"+itoa(it.ID)+" "+esc(it.Topic+"; "+presenceText(it.Present, it.Absent))+")")
		}
	}
	if len(items) == 0 {
		p.para("None recorded.")
		return
	}
	p.list(items)
}

func (p retroPage) actions() {
	p.section("actions", "Action items")
	defer p.endSection()
	s := p.s
	if len(s.Actions) == 0 {
		p.para("None.")
		return
	}
	rows := make([][]markup, 0, len(s.Actions))
	for _, a := range s.Actions {
		from := markup("this session")
		switch {
		case a.Session == "":
			from = "an earlier session"
		case a.Session != s.ID:
			from = "carried from " + esc(a.Session)
		}
		rows = append(rows, []markup{"#" + itoa(a.ID), esc(a.Text), esc(a.Owner.Name), esc(due(a.Due)), esc(actionStatus(a.Status)), from})
	}
	p.table([]markup{"#", "Action", "Owner", "Due", "Status", "From"}, "r", rows)
	switch n := len(s.OpenActions()); n {
	case 0:
	case 1:
		p.para("1 action item carries over to the team's next session.")
	default:
		p.para(itoa(n) + " action items carry over to the team's next session.")
	}
}

func (p retroPage) roti() {
	p.section("roti", "ROTI")
	defer p.endSection()
	var count [6]int
	n, sum := 0, 0
	for _, r := range p.s.Rotis {
		if r.Score < 1 || r.Score > 5 {
			continue
		}
		count[r.Score]++
		n++
		sum += r.Score
	}
	if n == 0 {
		p.para("Nobody scored the retrospective.")
		return
	}
	rows := make([][]markup, 5)
	for i := range rows {
		rows[i] = []markup{itoa(i + 1), itoa(count[i+1])}
	}
	p.table([]markup{"Score", "Votes"}, "rr", rows)
	avg := strconv.FormatFloat(float64(sum)/float64(n), 'f', 1, 64)
	p.para("Average " + markup(avg) + " of 5 from " + markup(plural(n, "score")) + ".")
	p.rotiChart(count, "ROTI: "+plural(n, "score")+", average "+avg+" of 5")
}

func (p retroPage) parkingLot() {
	p.section("parking-lot", "Parking lot")
	defer p.endSection()
	s := p.s
	if len(s.Items) == 0 {
		p.para("Nothing was parked.")
		return
	}
	p.parkingLotTable(func(it session.Item) (string, string, string, string) {
		earlier := it.Session != "" && it.Session != s.ID
		var when string
		switch {
		case earlier && it.Speaker.Name != "":
			when = it.Speaker.Name + "'s turn, an earlier session"
		case earlier:
			when = "an earlier session"
		default:
			when = phaseWhen(it.Phase)
		}
		raiser, who, result := it.RaisedBy.Name, staysText(it), outcomeText(it)
		if it.Status == session.SentToRetro && earlier {
			result = "sent to retro: on this board"
			if s.Config.Anonymous {
				// It is a card now: naming who raised it would name its
				// author.
				raiser, when, who = "—", "an earlier session", "—"
			}
		}
		return raiser, when, who, result
	})
}

// hbar is one bar of a horizontal bar chart.
type hbar struct {
	label string  // what the bar is about, as plain text
	value float64 // its length, in the chart's unit
	box   float64 // a time-box to mark on the bar; a boxed chart only
	words string  // the value in words, written after the bar
}

// hchart is a horizontal bar chart.
type hchart struct {
	id, title, caption string // the title is also the SVG's accessible name
	labelW, wordsW     int    // room for the labels before and after the bars
	boxed              bool   // bars have a time-box: a mark, and overtime in another colour
}

// The geometry of the charts, in SVG user units (pixels at 100%).
const (
	chartW    = 680
	rowH      = 24
	barH      = 14
	chartPad  = 6
	labelRune = 7 // about the width of a character of the labels
)

// hbars draws a horizontal bar chart: a label, a bar and the value in
// words per row, each row with a title (a tooltip, and what a screen
// reader says).
func (p page) hbars(c hchart, bars []hbar) {
	if len(bars) == 0 {
		return
	}
	top := 0.0
	for _, b := range bars {
		top = max(top, b.value, b.box)
	}
	if top <= 0 {
		top = 1
	}
	barX, barMax := c.labelW, chartW-c.labelW-c.wordsW
	scale := float64(barMax-10) / top
	height := 2*chartPad + len(bars)*rowH
	p.putln("<figure>")
	p.putln(`<svg class="chart" width="`, itoa(chartW), `" height="`, itoa(height), `" viewBox="0 0 `, itoa(chartW), " ", itoa(height),
		`" role="img" aria-labelledby="`, markup(c.id), `">`)
	p.putln(`<title id="`, markup(c.id), `">`, esc(c.title), "</title>")
	p.putln(`<line class="axis" x1="`, itoa(barX), `" y1="0" x2="`, itoa(barX), `" y2="`, itoa(height), `" />`)
	for i, b := range bars {
		y := chartPad + i*rowH + (rowH-barH)/2
		textY := itoa(y + barH - 3)
		p.putln("<g>")
		p.putln("<title>", esc(b.label+": "+b.words), "</title>")
		p.putln(`<text x="`, itoa(barX-8), `" y="`, textY, `" text-anchor="end">`, esc(shorten(b.label, (c.labelW-12)/labelRune)), "</text>")
		within := b.value
		if c.boxed {
			within = min(b.value, b.box)
		}
		p.putln(`<rect class="bar" x="`, itoa(barX), `" y="`, itoa(y), `" width="`, num(within*scale), `" height="`, itoa(barH), `" />`)
		if c.boxed && b.value > b.box {
			p.putln(`<rect class="over" x="`, num(float64(barX)+b.box*scale), `" y="`, itoa(y), `" width="`, num((b.value-b.box)*scale), `" height="`, itoa(barH), `" />`)
		}
		if c.boxed {
			x := num(float64(barX) + b.box*scale)
			p.putln(`<line class="mark" x1="`, x, `" y1="`, itoa(y-3), `" x2="`, x, `" y2="`, itoa(y+barH+3), `" />`)
		}
		p.putln(`<text x="`, itoa(barX+barMax), `" y="`, textY, `">`, esc(b.words), "</text>")
		p.putln("</g>")
	}
	p.putln("</svg>")
	p.putln("<figcaption>", esc(c.caption), "</figcaption>")
	p.putln("</figure>")
}

// rotiChart draws the ROTI histogram: the votes for each score, 1 to 5.
func (p page) rotiChart(count [6]int, title string) {
	const (
		w, h   = 360, 170
		base   = 140 // the baseline's y
		tall   = 110 // the tallest bar
		barW   = 40
		step   = 64
		left   = 40
		textDy = 5
	)
	top := max(1, slices.Max(count[1:]))
	p.putln("<figure>")
	p.putln(`<svg class="chart" width="`, itoa(w), `" height="`, itoa(h), `" viewBox="0 0 `, itoa(w), " ", itoa(h), `" role="img" aria-labelledby="roti-chart">`)
	p.putln(`<title id="roti-chart">`, esc(title), "</title>")
	p.putln(`<line class="axis" x1="`, itoa(left-10), `" y1="`, itoa(base), `" x2="`, itoa(left+4*step+barW+10), `" y2="`, itoa(base), `" />`)
	for score := 1; score <= 5; score++ {
		n := count[score]
		x := left + (score-1)*step
		bh := float64(n) * tall / float64(top)
		mid := itoa(x + barW/2)
		p.putln("<g>")
		p.putln("<title>Score ", itoa(score), ": ", markup(plural(n, "vote")), "</title>")
		p.putln(`<rect class="bar" x="`, itoa(x), `" y="`, num(base-bh), `" width="`, itoa(barW), `" height="`, num(bh), `" />`)
		p.putln(`<text x="`, mid, `" y="`, num(base-bh-textDy), `" text-anchor="middle">`, itoa(n), "</text>")
		p.putln(`<text x="`, mid, `" y="`, itoa(base+18), `" text-anchor="middle">`, itoa(score), "</text>")
		p.putln("</g>")
	}
	p.putln("</svg>")
	p.putln("<figcaption>Votes per score, from 1 to 5; the number above each bar is its count.</figcaption>")
	p.putln("</figure>")
}

// num formats a coordinate with at most one decimal, the same on every
// machine.
func num(f float64) markup {
	return markup(strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64))
}

// shorten cuts text to at most n characters, ending a cut one with an
// ellipsis. It works on plain text, before escaping, so that it never
// cuts a character reference in two.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if n < 1 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
