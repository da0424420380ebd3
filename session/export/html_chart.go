package export

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

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
