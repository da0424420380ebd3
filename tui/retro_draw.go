package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
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

// avg is sum/n with one decimal.
func avg(sum, n int) string {
	tenths := (sum*10 + n/2) / n
	return itoa(tenths/10) + "." + itoa(tenths%10)
}

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
