package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"huddle/session"
)

// TrendFormats are the formats of WriteTrends, in the order help lists
// them.
var TrendFormats = []string{"md", "html", "csv"}

// WriteTrends writes a team's trends (session.Trends) in the named
// format:
//
//   - md: Markdown that reads as well in a terminal — a table with one
//     row per measure, its sparkline over the weeks (▁ to █, oldest on
//     the left, · for a week without data for it), the latest week's
//     value and the whole period's; then a table with one row per week.
//   - html: one self-contained document like the minutes' (see HTML),
//     with inline SVG bar charts per week: the stand-up's length against
//     its time-box, attendance, turns over their time-box and the ROTI.
//   - csv: one row per ISO week (RFC 4180, as CSV); see trendsCSV. With
//     bom, a UTF-8 byte order mark first, for Excel on Windows.
//
// Without per-person rows in the report (session.Trends with people
// false) no member's name is written anywhere. An empty report says that
// the period holds no session (md and html) or is the header alone
// (csv). An unknown format, or bom with another format than csv, is an
// ErrInvalid error and nothing is written.
func WriteTrends(w io.Writer, format string, r session.TrendReport, bom bool) error {
	if err := CheckTrendsFormat(format, bom); err != nil {
		return err
	}
	out := &writer{w: w}
	switch format {
	case "html":
		trendsHTML(page{writer: out}, r)
	case "csv":
		if bom {
			out.print(BOM)
		}
		trendsCSV(out, r)
	default:
		trendsMarkdown(minutes{writer: out}, r)
	}
	return out.err
}

// CheckTrendsFormat refuses what WriteTrends would: an unknown format,
// or bom with another format than csv. Commands call it before they read
// the store.
func CheckTrendsFormat(format string, bom bool) error {
	switch format {
	case "md", "markdown", "", "html", "csv":
	default:
		return fmt.Errorf("%w: unknown format %q for trends; use %s", session.ErrInvalid,
			session.Printable(session.CleanName(format)), strings.Join(TrendFormats, ", "))
	}
	if bom && format != "csv" {
		return fmt.Errorf("%w: --bom goes with --format csv", session.ErrInvalid)
	}
	return nil
}

// trendMeasure is one measure of the trends: its value in a week for the
// sparkline and the charts, and in words.
type trendMeasure struct {
	name, short string
	ceiling     float64 // the sparkline's top; 0: the largest value
	value       func(w session.TrendWeek) (float64, bool)
	words       func(w session.TrendWeek) string // only where value is ok
}

// trendMeasures are the measures, in the order the tables list them.
var trendMeasures = []trendMeasure{
	{name: "Stand-up length (of its time-box)", short: "Stand-up",
		value: func(w session.TrendWeek) (float64, bool) {
			took, _, ok := w.AvgLength()
			return took.Minutes(), ok
		},
		words: func(w session.TrendWeek) string {
			took, box, _ := w.AvgLength()
			return clock(took) + " of " + clock(box)
		}},
	{name: "Turns over their time-box", short: "Turns over", ceiling: 100,
		value: func(w session.TrendWeek) (float64, bool) { return share(w.TurnsOver, w.Turns) },
		words: func(w session.TrendWeek) string { return strconv.Itoa(w.TurnsOver) + " of " + strconv.Itoa(w.Turns) }},
	{name: "Attendance", short: "Attendance", ceiling: 100,
		value: func(w session.TrendWeek) (float64, bool) { return share(w.Came, w.Expected) },
		words: func(w session.TrendWeek) string {
			p, _ := w.Attendance()
			return strconv.Itoa(p) + "% (" + strconv.Itoa(w.Came) + " of " + strconv.Itoa(w.Expected) + ")"
		}},
	{name: "Late arrivals", short: "Late",
		value: func(w session.TrendWeek) (float64, bool) { return float64(w.Late), w.Came > 0 },
		words: func(w session.TrendWeek) string { return strconv.Itoa(w.Late) + " of " + strconv.Itoa(w.Came) }},
	{name: "Parked topics settled", short: "Parked settled",
		value: func(w session.TrendWeek) (float64, bool) { return float64(w.ParkedResolved), w.Sessions() > 0 },
		words: func(w session.TrendWeek) string { return strconv.Itoa(w.ParkedResolved) }},
	{name: "Parked topics carried over", short: "Carried over",
		value: func(w session.TrendWeek) (float64, bool) { return float64(w.ParkedCarried), w.Sessions() > 0 },
		words: func(w session.TrendWeek) string { return strconv.Itoa(w.ParkedCarried) }},
	{name: "Action items done", short: "Actions done",
		value: func(w session.TrendWeek) (float64, bool) { return float64(w.ActionsDone), w.Sessions() > 0 },
		words: func(w session.TrendWeek) string { return strconv.Itoa(w.ActionsDone) }},
	{name: "Age of the items done", short: "Their age",
		value: func(w session.TrendWeek) (float64, bool) {
			age, ok := w.AvgActionAge()
			return age.Hours() / 24, ok
		},
		words: func(w session.TrendWeek) string {
			age, _ := w.AvgActionAge()
			return ageWords(age)
		}},
	{name: "ROTI average", short: "ROTI", ceiling: 5,
		value: func(w session.TrendWeek) (float64, bool) {
			return float64(w.Roti.Sum) / float64(max(1, w.Roti.Scores)), w.Roti.Scores > 0
		},
		words: func(w session.TrendWeek) string {
			return w.Roti.Average() + " (" + plural(w.Roti.Scores, "score") + ")"
		}},
	esvpMeasure(session.Explorer), esvpMeasure(session.Shopper), esvpMeasure(session.Vacationer), esvpMeasure(session.Prisoner),
}

// esvpMeasure is the share of an answer in the check-in polls.
func esvpMeasure(answer int) trendMeasure {
	return trendMeasure{name: "ESVP " + session.ESVPNames[answer] + "s", short: session.ESVPNames[answer][:1], ceiling: 100,
		value: func(w session.TrendWeek) (float64, bool) { return share(w.ESVP[answer], w.ESVPAnswers()) },
		words: func(w session.TrendWeek) string {
			f, _ := share(w.ESVP[answer], w.ESVPAnswers())
			return strconv.Itoa(int(math.Round(f))) + "% (" + strconv.Itoa(w.ESVP[answer]) + " of " + strconv.Itoa(w.ESVPAnswers()) + ")"
		}}
}

// share is n of all in percent; false if all is 0.
func share(n, all int) (float64, bool) {
	if all == 0 {
		return 0, false
	}
	return float64(n) * 100 / float64(all), true
}

// ageWords is an age in days, or hours under a day.
func ageWords(d time.Duration) string {
	if d < 24*time.Hour {
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int((d+12*time.Hour)/(24*time.Hour)), "day")
}

// sparks are the sparkline's steps, lowest first.
var sparks = []rune("▁▂▃▄▅▆▇█")

// noData stands in a sparkline for a week without data for the measure.
const noData = '·'

// sparkline draws the measure over the weeks: one character per week,
// from ▁ for zero to █ for the ceiling (or the largest value).
func sparkline(m trendMeasure, weeks []session.TrendWeek) string {
	top := m.ceiling
	if top == 0 {
		for _, w := range weeks {
			if v, ok := m.value(w); ok {
				top = max(top, v)
			}
		}
	}
	var b strings.Builder
	for _, w := range weeks {
		v, ok := m.value(w)
		switch {
		case !ok:
			b.WriteRune(noData)
		case top <= 0:
			b.WriteRune(sparks[0])
		default:
			i := int(math.Round(v / top * float64(len(sparks)-1)))
			b.WriteRune(sparks[min(max(i, 0), len(sparks)-1)])
		}
	}
	return b.String()
}

// latest is the measure in words in the last week with data for it, and
// that week.
func latest(m trendMeasure, weeks []session.TrendWeek) (string, string) {
	for i := len(weeks) - 1; i >= 0; i-- {
		if _, ok := m.value(weeks[i]); ok {
			return m.words(weeks[i]), weeks[i].Label()
		}
	}
	return "", ""
}

// cell is the measure in words in the week, or – without data.
func cell(m trendMeasure, w session.TrendWeek) string {
	if _, ok := m.value(w); !ok {
		return "–"
	}
	return m.words(w)
}

// trendsTitle is the report's title.
func trendsTitle(r session.TrendReport, esc escaper) string {
	return "Trends · " + esc(r.Team)
}

// periodWords says what period the report covers.
func periodWords(r session.TrendReport) string {
	if len(r.Weeks) == 0 {
		if r.From.IsZero() {
			return "no session yet"
		}
		return "no session since " + r.From.Local().Format("Mon 2 Jan 2006")
	}
	out := r.Weeks[0].Label()
	if len(r.Weeks) > 1 {
		out += " to " + r.Weeks[len(r.Weeks)-1].Label()
	}
	if !r.From.IsZero() {
		out += " (since " + r.From.Local().Format("Mon 2 Jan 2006") + ")"
	}
	return out
}

// sessionsWords counts the sessions by kind.
func sessionsWords(r session.TrendReport) string {
	t := r.Total()
	return plural(r.Sessions, "session") + ": " + plural(t.Standups, "stand-up") + ", " + plural(t.Retros, "retrospective")
}

// emptyWords is what an empty report says.
func emptyWords(r session.TrendReport, esc escaper) string {
	if r.From.IsZero() {
		return esc(r.Team) + " has no sessions yet."
	}
	return esc(r.Team) + " held no sessions since " + r.From.Local().Format("Mon 2 Jan 2006") + " (sessions that never started do not count): nothing to show for this period."
}

// weekHead and weekCells are the per-week table: the week, its sessions,
// each measure but the ESVP shares, and the ESVP answers counted.
func weekHead() []string {
	head := []string{"Week", "Sessions"}
	for _, m := range trendMeasures[:len(trendMeasures)-4] {
		head = append(head, m.short)
	}
	return append(head, "ESVP E/S/V/P")
}

func weekCells(w session.TrendWeek) []string {
	cells := []string{w.Label(), strconv.Itoa(w.Sessions())}
	for _, m := range trendMeasures[:len(trendMeasures)-4] {
		cells = append(cells, cell(m, w))
	}
	esvp := "–"
	if w.ESVPAnswers() > 0 {
		esvp = fmt.Sprintf("%d/%d/%d/%d", w.ESVP[session.Explorer], w.ESVP[session.Shopper], w.ESVP[session.Vacationer], w.ESVP[session.Prisoner])
	}
	return append(cells, esvp)
}

// personHead and personCells are the per-person table, with --people.
var personHead = []string{"Person", "Attendance", "Late", "Turns", "Over their time-box", "Action items done"}

func personCells(p session.TrendPerson, esc escaper) []string {
	att := "–"
	if pc, ok := p.Attendance(); ok {
		att = strconv.Itoa(pc) + "% (" + strconv.Itoa(p.Came) + " of " + strconv.Itoa(p.Expected) + ")"
	}
	return []string{esc(p.Name), att, strconv.Itoa(p.Late), strconv.Itoa(p.Turns), strconv.Itoa(p.TurnsOver), strconv.Itoa(p.ActionsDone)}
}

func trendsMarkdown(m minutes, r session.TrendReport) {
	m.line("# ", trendsTitle(r, md))
	m.line()
	if r.Empty() {
		m.line(emptyWords(r, md))
		return
	}
	m.line(periodWords(r), " · ", sessionsWords(r))
	m.line()
	total := r.Total()
	var rows [][]string
	for _, ms := range trendMeasures {
		words, week := latest(ms, r.Weeks)
		if words == "" {
			continue
		}
		rows = append(rows, []string{ms.name, "`" + sparkline(ms, r.Weeks) + "`", words + " (" + week + ")", cell(ms, total)})
	}
	m.table([]string{"Measure", "Trend", "Latest", "Whole period"}, "", rows)
	m.line()
	m.line("Trend: one mark a week, oldest first, ▁ low to █ high; · a week without any.")
	m.section("Per week")
	rows = rows[:0]
	for _, w := range r.Weeks {
		rows = append(rows, weekCells(w))
	}
	m.table(weekHead(), "-r", rows)
	if r.PerPerson {
		m.section("Per person")
		rows = rows[:0]
		for _, p := range r.People {
			rows = append(rows, personCells(p, md))
		}
		m.table(personHead, "-rrrrr", rows)
	}
}

func trendsHTML(p page, r session.TrendReport) {
	title := words(trendsTitle(r, htmlText))
	p.putln("<!DOCTYPE html>")
	p.putln(`<html lang="en">`)
	p.putln("<head>")
	p.putln(`<meta charset="utf-8" />`)
	p.putln(`<meta name="viewport" content="width=device-width, initial-scale=1" />`)
	p.putln(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />`)
	p.putln(`<meta name="generator" content="huddle" />`)
	p.putln("<title>", title, "</title>")
	p.putln("<style>", css, "</style>")
	p.putln("</head>")
	p.putln("<body>")
	p.putln("<header>")
	p.putln("<h1>", title, "</h1>")
	p.putln(`<dl class="facts">`)
	if !r.Empty() {
		p.fact("Weeks", markup(periodWords(r)))
		p.fact("Sessions", markup(sessionsWords(r)))
	}
	p.endHeader()
	if r.Empty() {
		p.para(words(emptyWords(r, htmlText)))
	} else {
		trendsHTMLBody(p, r)
	}
	p.putln("</main>")
	p.putln("<footer>Made with huddle</footer>")
	p.putln("</body>")
	p.putln("</html>")
}

func trendsHTMLBody(p page, r session.TrendReport) {
	total := r.Total()
	p.section("measures", "Measures")
	var rows [][]markup
	for _, ms := range trendMeasures {
		words, week := latest(ms, r.Weeks)
		if words == "" {
			continue
		}
		rows = append(rows, []markup{markup(ms.name), markup(words + " (" + week + ")"), markup(cell(ms, total))})
	}
	p.table([]markup{"Measure", "Latest", "Whole period"}, "", rows)
	p.endSection()

	p.section("charts", "Week by week")
	chart := func(id, title, caption string, ms trendMeasure, boxed bool) {
		var bars []hbar
		for _, w := range r.Weeks {
			v, ok := ms.value(w)
			if !ok {
				continue
			}
			b := hbar{label: w.Label(), value: v, words: ms.words(w)}
			if boxed {
				_, box, _ := w.AvgLength()
				b.box = box.Minutes()
			}
			bars = append(bars, b)
		}
		if len(bars) > 0 {
			p.hbars(hchart{id: id, title: title, caption: caption, labelW: 90, wordsW: 150, boxed: boxed}, bars)
		}
	}
	chart("length-chart", "Stand-up length per week", "The average stand-up of each week against its time-box (the mark); overtime in the second colour.", trendMeasures[0], true)
	chart("attendance-chart", "Attendance per week", "Of the members expected, those who came, in percent.", trendMeasures[2], false)
	chart("overtime-chart", "Turns over their time-box per week", "Of the stand-ups' turns, those that ran over their time-box, in percent.", trendMeasures[1], false)
	chart("roti-chart", "ROTI average per week", "The retrospectives' average ROTI score, from 1 to 5.", trendMeasures[8], false)
	p.endSection()

	p.section("weeks", "Per week")
	rows = rows[:0]
	for _, w := range r.Weeks {
		var cells []markup
		for _, c := range weekCells(w) {
			cells = append(cells, markup(c))
		}
		rows = append(rows, cells)
	}
	var head []markup
	for _, h := range weekHead() {
		head = append(head, markup(h))
	}
	p.table(head, "-r", rows)
	p.endSection()

	if r.PerPerson {
		p.section("people", "Per person")
		rows = rows[:0]
		for _, ps := range r.People {
			var cells []markup
			for _, c := range personCells(ps, htmlText) {
				cells = append(cells, markup(c))
			}
			rows = append(rows, cells)
		}
		var head []markup
		for _, h := range personHead {
			head = append(head, markup(h))
		}
		p.table(head, "-rrrrr", rows)
		p.endSection()
	}
}

// trendsHeader is the CSV's header row; with people, a person column
// follows the week's start.
func trendsHeader(people bool) string {
	cols := []string{"week", "week_start"}
	if people {
		cols = append(cols, "person")
	}
	cols = append(cols, "sessions", "standups", "retros", "standups_closed", "avg_length_seconds", "avg_timebox_seconds",
		"turns", "turns_over", "expected", "came", "late", "excused", "parked_settled", "parked_carried",
		"actions_done", "avg_action_age_days", "roti_average", "roti_scores",
		"esvp_explorer", "esvp_shopper", "esvp_vacationer", "esvp_prisoner")
	return strings.Join(cols, ",")
}

// trendsCSV writes one row per ISO week: the week (2026-W48), its Monday
// (YYYY-MM-DD), then numbers only — counts, seconds, days with one
// decimal, the ROTI average with one — with an empty cell where the week
// has nothing to average. With per-person rows in the report a person
// column follows the week's start: each week's row for the team has it
// empty, and a row per person follows with their name (quoted and
// defused, as CSV's text) and the counts that are theirs (expected, came,
// late, turns, turns over, action items done), the others empty.
func trendsCSV(out *writer, r session.TrendReport) {
	people := r.PerPerson
	out.line(trendsHeader(people))
	n := strconv.Itoa
	for _, w := range r.Weeks {
		cells := []string{w.Label(), w.Monday.Format(time.DateOnly)}
		if people {
			cells = append(cells, "")
		}
		length, box := "", ""
		if took, b, ok := w.AvgLength(); ok {
			length, box = n(int(took/time.Second)), n(int(b/time.Second))
		}
		age := ""
		if a, ok := w.AvgActionAge(); ok {
			age = strconv.FormatFloat(math.Round(a.Hours()/24*10)/10, 'f', 1, 64)
		}
		roti := ""
		if w.Roti.Scores > 0 {
			roti = w.Roti.Average()
		}
		cells = append(cells, n(w.Sessions()), n(w.Standups), n(w.Retros), n(w.Closed), length, box,
			n(w.Turns), n(w.TurnsOver), n(w.Expected), n(w.Came), n(w.Late), n(w.Excused), n(w.ParkedResolved), n(w.ParkedCarried),
			n(w.ActionsDone), age, roti, n(w.Roti.Scores),
			n(w.ESVP[session.Explorer]), n(w.ESVP[session.Shopper]), n(w.ESVP[session.Vacationer]), n(w.ESVP[session.Prisoner]))
		out.line(strings.Join(cells, ","))
		if !people {
			continue
		}
		for _, p := range w.People {
			name := string(appendCSVText(nil, p.Name))
			cells := []string{w.Label(), w.Monday.Format(time.DateOnly), name, "", "", "", "", "", "",
				n(p.Turns), n(p.TurnsOver), n(p.Expected), n(p.Came), n(p.Late), "", "", "", n(p.ActionsDone), "", "", "", "", "", "", ""}
			out.line(strings.Join(cells, ","))
		}
	}
}
