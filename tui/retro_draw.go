package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"huddle/session"
)

// flow lays words out in lines of at most w cells.
func flow(words []string, sep string, w int) []string {
	var lines []string
	line := ""
	for _, word := range words {
		switch {
		case line == "":
			line = word
		case lipgloss.Width(line+sep+word) > w:
			lines = append(lines, line)
			line = word
		default:
			line += sep + word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// histogram draws one bar per label, mine marked (-1: none).
func (m *retroScreen) histogram(labels []string, counts []int, mine, w int) []string {
	st := m.styles
	labelW, most := 0, 1
	for i, l := range labels {
		labelW = max(labelW, lenRunes(l))
		most = max(most, counts[i])
	}
	barW := max(4, min(40, w-labelW-16))
	out := make([]string, len(labels))
	for i, l := range labels {
		bar := repeat("█", counts[i]*barW/most)
		line := st.Text.Render(padRight(l, labelW+1)) + st.Calm.Render(bar) + " " + st.Text.Render(itoa(counts[i]))
		if i == mine {
			line += st.Subtle.Render("  ← you")
		}
		out[i] = line
	}
	return out
}

// scrollTo keeps at most h lines of a list, with lines [a, b) in view.
func scrollTo(lines []string, a, b, h int, st *Styles) []string {
	start, end, all := scrollWindow(len(lines), a, b, h)
	if all {
		return lines
	}
	return scrollFrame(lines[start:end], start, len(lines)-end, st)
}

// scrollWindow is which of n lines scrollTo keeps in h lines: all of them
// when they fit, else lines [start, end), with lines [a, b) among them as
// far as they fit, under a line and over a line that say what is hidden.
func scrollWindow(n, a, b, h int) (start, end int, all bool) {
	if n <= h || h < 3 {
		return 0, n, true
	}
	k := h - 2 // a line above and below say what is hidden
	start = max(0, min(a-k/3, n-k))
	if b > start+k {
		start = b - k
	}
	if a < start {
		start = a
	}
	return start, min(n, start+k), false
}

// scrollFrame puts the lines scrollWindow keeps between a line saying how
// many are hidden above (blank if none) and, if any, one saying how many
// are hidden below.
func scrollFrame(shown []string, above, below int, st *Styles) []string {
	out := make([]string, 1, len(shown)+2)
	if above > 0 {
		out[0] = st.Subtle.Render("  ↑ " + itoa(above) + " more")
	}
	out = append(out, shown...)
	if below > 0 {
		out = append(out, st.Subtle.Render("  ↓ "+itoa(below)+" more"))
	}
	return out
}

// plainASCII says whether s is printable ASCII only.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// keepsWidth says whether rendering text with style leaves its width as
// it is (tabs aside): no width, padding, margin, border or transform.
func keepsWidth(style lipgloss.Style) bool {
	return style.GetWidth() == 0 && style.GetMaxWidth() == 0 &&
		style.GetHorizontalFrameSize() == 0 && style.GetTransform() == nil
}

// wrapped wraps text under a bullet, in at most n lines.
func (m *retroScreen) wrapped(bullet, text string, style lipgloss.Style, w, n int) []string {
	pad := repeat(" ", lipgloss.Width(bullet))
	lines := wrapText(text, w-lipgloss.Width(bullet), n)
	for i, l := range lines {
		if i == 0 {
			lines[i] = bullet + style.Render(l)
		} else {
			lines[i] = pad + style.Render(l)
		}
	}
	return lines
}

// dots draws n dots (ten at most).
func dots(n int) string { return repeat("●", min(n, 10)) }

// avg is the mean of n scores that add up to sum, written as the
// minutes write it (session.RotiTally.Average).
func avg(sum, n int) string { return session.RotiTally{Sum: sum, Scores: n}.Average() }

// dueWords formats a due date for a list, given in the reader's zone.
func dueWords(t time.Time) string { return t.Format("Mon 2 Jan 2006") }

// wrapText wraps plain text in lines of at most w cells, at most n of
// them, the last cut with an ellipsis when more would follow.
func wrapText(text string, w, n int) []string {
	w = max(4, w)
	lines := strings.Split(ansi.Wrap(text, w, ""), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = truncate(lines[n-1]+" …", w)
		if !strings.HasSuffix(lines[n-1], "…") {
			lines[n-1] = truncate(lines[n-1], w-1) + "…"
		}
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return lines
}

// columnView renders one column in exactly h lines of w cells, scrolled
// so that the selected entry is in view. Every entry is laid out, to know
// how many lines it takes, but only those in view are styled.
func (m retroBoard) columnView(c boardCol, focused bool, sel, moving, w, h int) string {
	st := m.styles
	layouts := make([]slotLayout, len(c.slots))
	total, a, b := 0, 0, 0
	for i, sl := range c.slots {
		selected := sl.id == sel && sel != 0
		layouts[i] = m.layoutSlot(sl, selected, sl.id == moving && moving != 0, w)
		if selected {
			a = total
		}
		total += layouts[i].lines()
		if selected {
			b = total
		}
	}
	var lines []string
	if total == 0 {
		lines = m.emptyColumn()
	} else {
		start, end, all := scrollWindow(total, a, b, h-1)
		lines = make([]string, 0, end-start+2)
		top := 0
		for _, l := range layouts {
			n := l.lines()
			if top < end && top+n > start {
				ls := m.renderSlot(l)
				lines = append(lines, ls[max(0, start-top):min(n, end-top)]...)
			}
			top += n
		}
		if !all {
			lines = scrollFrame(lines, start, total-end, st)
		}
	}
	return m.columnFrame(c, focused, lines, w, h)
}

// emptyColumn is what a column without entries shows.
func (m retroBoard) emptyColumn() []string {
	empty := "no cards"
	if m.state.Phase == session.Write && m.role() != session.Observer {
		empty = "no cards · a adds one"
	}
	return []string{m.styles.Subtle.Render("  " + empty)}
}

// columnFrame puts a column's title over its (scrolled) lines, in exactly
// h lines of w cells.
func (m retroBoard) columnFrame(c boardCol, focused bool, lines []string, w, h int) string {
	st := m.styles
	title := st.Heading.Render(c.title + " (" + itoa(c.cards) + ")")
	if focused {
		title = st.Selected.Render("▾ " + c.title + " (" + itoa(c.cards) + ")")
	}
	out := make([]string, h)
	for i := range out {
		l := ""
		switch {
		case i == 0:
			l = truncate(title, w)
		case i-1 < len(lines):
			l = truncate(lines[i-1], w)
		}
		out[i] = l + repeat(" ", max(0, w-lipgloss.Width(l)))
	}
	return strings.Join(out, "\n")
}

// slotLayout is an entry of a column laid out in w cells but not yet
// styled: how many lines it takes is known without styling it.
type slotLayout struct {
	sl               slot
	selected, moving bool
	w                int
	mark, pad        string
	text             []string // the card's or topic's text, wrapped; nil for one-line entries
	meta             string   // who wrote the card, "" for none
	metaLine         bool     // meta takes a line of its own, not fitting after the text
	extra            string   // the topic's card count and the viewer's dots, "" for none
}

// lines is how many lines renderSlot draws for the entry.
func (l slotLayout) lines() int {
	if l.text == nil {
		return 1
	}
	n := len(l.text)
	if l.metaLine {
		n++
	}
	if l.extra != "" {
		n++
	}
	return n
}

// style is the style of the entry's text.
func (l slotLayout) style(st *Styles) lipgloss.Style {
	if l.selected || l.moving {
		return st.Selected
	}
	return st.Text
}

// slotLines renders an entry of a column in w cells: the selected one in
// full, the others in at most three lines.
func (m retroBoard) slotLines(sl slot, selected, moving bool, w int) []string {
	return m.renderSlot(m.layoutSlot(sl, selected, moving, w))
}

// layoutSlot lays an entry out in w cells, styling nothing but the mark
// of a selected or moving one.
func (m retroBoard) layoutSlot(sl slot, selected, moving bool, w int) slotLayout {
	st, s := m.styles, m.state
	l := slotLayout{sl: sl, selected: selected, moving: moving, w: w, mark: "  "}
	switch {
	case moving:
		l.mark = st.Selected.Render("⇢ ")
	case selected:
		l.mark = st.Selected.Render("▸ ")
	}
	if sl.indent {
		l.mark = "  " + l.mark
	}
	style := l.style(st)
	if sl.hidden > 0 || sl.id == 0 { // hidden cards, a topic's heading
		return l
	}
	text, meta := sl.card.Text, m.cardMeta(sl.card)
	var extra []string
	if s.Phase == session.Vote {
		text = m.topicTitle(sl.topic)
		meta = ""
		if n := len(s.TopicCards(sl.topic)); n > 1 {
			extra = append(extra, itoa(n)+" cards")
		}
		if mine := s.VotesBy(m.voterID(), sl.topic); mine > 0 {
			extra = append(extra, dots(mine)+" "+m.whoseOwn())
		}
	}
	limit := 3
	if selected {
		limit = 12
	}
	markW := lipgloss.Width(l.mark)
	l.pad = repeat(" ", markW)
	l.text = wrapText(text, w-markW, limit)
	l.meta = meta
	l.extra = strings.Join(extra, " · ")
	if meta != "" {
		last, lead := l.text[len(l.text)-1], l.pad
		if len(l.text) == 1 {
			lead = l.mark
		}
		var width int
		if plainASCII(last) && keepsWidth(style) {
			// Styling printable ASCII with such a style only wraps it in
			// escape sequences, which part it from its neighbours.
			width = lipgloss.Width(lead) + len(last) + lipgloss.Width(meta)
		} else {
			width = lipgloss.Width(lead + style.Render(last) + meta)
		}
		l.metaLine = width > w
	}
	return l
}

// renderSlot styles a laid out entry: exactly l.lines() lines.
func (m retroBoard) renderSlot(l slotLayout) []string {
	st, s, sl, w := m.styles, m.state, l.sl, l.w
	switch {
	case sl.hidden > 0:
		who := "others"
		if sl.by != "" {
			who = sl.by
		}
		return []string{l.mark + st.Subtle.Render("▒▒▒ "+who+" ×"+itoa(sl.hidden))}
	case sl.id == 0: // a topic's heading while grouping
		name := s.GroupNames[sl.topic]
		if name == "" {
			name = "untitled"
		}
		return []string{"  " + st.Heading.Render(truncate("◆ "+name, w-lipgloss.Width(l.mark)-8)) +
			st.Subtle.Render(" · "+count(len(s.TopicCards(sl.topic)), "card", ""))}
	}
	style := l.style(st)
	out := make([]string, 0, l.lines())
	for i, t := range l.text {
		if i == 0 {
			out = append(out, l.mark+style.Render(t))
		} else {
			out = append(out, l.pad+style.Render(t))
		}
	}
	if l.meta != "" {
		if !l.metaLine {
			out[len(out)-1] += st.Subtle.Render(l.meta)
		} else {
			out = append(out, l.pad+st.Subtle.Render(truncate(strings.TrimPrefix(l.meta, " · "), w-len(l.pad))))
		}
	}
	if l.extra != "" {
		out = append(out, l.pad+st.Subtle.Render(truncate(l.extra, w-len(l.pad))))
	}
	return out
}
