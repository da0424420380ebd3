package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// tooSmall is what a terminal smaller than minWidth×minHeight shows: the
// longest of its wordings that fits w×h whole, wrapped at spaces, so that
// the message is never cut (a terminal cuts what is wider than it). On a
// terminal too small for even the shortest, the shortest is cut.
func tooSmall(w, h int) string {
	need, is := itoa(minWidth)+"×"+itoa(minHeight), itoa(w)+"×"+itoa(h)
	wordings := []string{
		"huddle needs a terminal of at least " + need + "; this one is " + is + ": make it larger",
		"huddle needs " + need + ", this is " + is,
		"needs " + need + ", is " + is,
		"needs " + need,
		need,
	}
	for _, s := range wordings {
		if lines, ok := fitWords(s, w, h); ok {
			return lines
		}
	}
	return ansi.Truncate(need, max(w, 0), "")
}

// fitWords wraps s at spaces to width w and reports whether it then fits
// w×h with no word cut.
func fitWords(s string, w, h int) (string, bool) {
	if w < 1 || h < 1 {
		return "", false
	}
	wrapped := ansi.Wordwrap(s, w, "")
	lines := strings.Split(wrapped, "\n")
	if len(lines) > h {
		return "", false
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > w {
			return "", false
		}
	}
	return wrapped, true
}
