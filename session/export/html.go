package export

import (
	"html"
	"io"
	"strconv"
	"time"

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
// output. The footer of a session of a team says where the team's
// decision log is.
//
// HTML writes as it goes and returns the writer's first error. A session
// of an unknown kind is an ErrInvalid error and nothing is written.
func HTML(w io.Writer, s *session.State) error {
	if err := checkKind(s, "minutes"); err != nil {
		return err
	}
	p := page{writer: &writer{w: w}, sum: session.Summarize(s)}
	p.open()
	if s.Config.Kind == session.Standup {
		p.standup()
	} else {
		newRetroPage(p).write()
	}
	p.close()
	return p.err
}

// markup is HTML that the html*.go files wrote. Text that people typed
// becomes markup only through esc, or through the shared wording of
// words.go made with htmlText (see words): only constants convert to
// markup implicitly, so a string variable cannot reach the page
// unescaped by accident, and every explicit markup(…) conversion is of
// text known to be safe (numbers, times, the minutes' own words).
type markup string

// esc escapes text for an HTML element or a quoted attribute.
func esc(s string) markup { return markup(html.EscapeString(s)) }

func itoa(n int) markup { return markup(strconv.Itoa(n)) }

// htmlText escapes text that people typed, as an escaper for the shared
// wording (see words.go); what it returns is markup.
func htmlText(s string) string { return html.EscapeString(s) }

// plainText leaves text as typed, for wording that is escaped whole.
func plainText(s string) string { return s }

// words is wording from words.go, made with htmlText: markup.
func words(s string) markup { return markup(s) }

// clk is a duration as clock formats it.
func clk(d time.Duration) markup { return markup(clock(d)) }

// page writes an HTML document.
type page struct {
	*writer
	sum session.Summary
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
	p.putln("<title>", words(minutesTitle(p.sum, htmlText)), "</title>")
	p.putln("<style>", css, "</style>")
	p.putln("</head>")
	p.putln("<body>")
	p.putln("<header>")
	p.putln("<h1>", words(minutesTitle(p.sum, htmlText)), "</h1>")
	p.putln(`<dl class="facts">`)
}

// close ends the sections and the document.
func (p page) close() {
	p.putln("</main>")
	log := markup("")
	if local, ssh := decisionLogCommands(p.sum.Team); local != "" {
		log = " · decision log of the team: <code>" + esc(local) + "</code>, or over SSH <code>" + esc(ssh) + "</code>"
	}
	p.putln("<footer>Recorded with huddle · session ", esc(p.sum.ID), log, "</footer>")
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

// startAndDuration writes when the session was scheduled to start, or
// when it started, and how long it took against its time-box; what says
// what did not start, if it did not.
func (p page) startAndDuration(what string) {
	if term, desc, ok := startFact(p.sum); ok {
		p.fact(markup(term), markup(desc))
	}
	p.fact("Duration", markup(durationFact(p.sum, what)))
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

// sentence writes a paragraph of the shared wording, unless it is empty.
func (p page) sentence(s string) {
	if s != "" {
		p.para(words(s))
	}
}

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

// wordsRow is a row of cells of the shared wording.
func wordsRow(cells []string) []markup {
	out := make([]markup, len(cells))
	for i, c := range cells {
		out[i] = words(c)
	}
	return out
}

// list writes a bulleted list of items.
func (p page) list(items []markup) {
	p.putln("<ul>")
	for _, it := range items {
		p.putln("<li>", it, "</li>")
	}
	p.putln("</ul>")
}

// attendance writes who was expected or came, and when.
func (p page) attendance() {
	p.section("attendance", "Attendance")
	defer p.endSection()
	var rows [][]markup
	for _, a := range p.sum.Attendance {
		rows = append(rows, []markup{esc(a.Name), markup(attendanceStatus(a))})
	}
	if len(rows) == 0 {
		p.para("Nobody was expected and nobody came.")
	} else {
		p.table([]markup{"Name", "Status"}, "", rows)
	}
	if len(p.sum.Watchers) > 0 {
		p.para("Watching (not attending): " + words(list(p.sum.Watchers, htmlText)))
	}
}

// parkingLot writes the parking lot's items.
func (p page) parkingLot() {
	p.section("parking-lot", "Parking lot")
	defer p.endSection()
	if len(p.sum.Parked) == 0 {
		p.para("Nothing was parked.")
		return
	}
	rows := make([][]markup, 0, len(p.sum.Parked))
	for _, it := range p.sum.Parked {
		// Escaped whole, the words of the minutes too: "Lukas&#39;s turn".
		cells := parkedCells(p.sum, it, plainText)
		row := make([]markup, len(cells))
		for i, c := range cells {
			row[i] = esc(c)
		}
		rows = append(rows, row)
	}
	p.table(wordsRow(parkedHead), "r", rows)
	p.sentence(carries(p.sum.CarryOver, "item"))
}

// decisions writes the decisions, of the discussion and of the parking
// lot.
func (p page) decisions() {
	p.section("decisions", "Decisions")
	defer p.endSection()
	var items []markup
	for _, d := range p.sum.Decisions {
		items = append(items, words(decisionLine(d, p.sum.Kind, htmlText)))
	}
	if len(items) == 0 {
		p.para("None recorded.")
		return
	}
	p.list(items)
}
