package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// minutes formats a lateness as "late by N min".
func minutes(d time.Duration) string {
	return strconv.Itoa(int(d/time.Minute)) + " min"
}

func itoa(i int) string { return strconv.Itoa(i) }

func lenRunes(s string) int { return len([]rune(s)) }

// truncate shortens s, which may hold styles, to width cells with an
// ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// clipPlain cuts plain text (no escape sequences) that is far longer
// than width cells to a length that still fills them, before it is
// styled and truncated: a roll call of two hundred names is styled and
// measured whole otherwise, on every change. A cell holds at least one
// rune, and rarely more than four (combining marks), so 4×width+4 runes
// always cover width cells of what people type.
func clipPlain(s string, width int) string {
	limit := 4*max(0, width) + 4
	if len(s) <= limit {
		return s // fewer bytes than runes to keep
	}
	n := 0
	for i := range s {
		if n == limit {
			return s[:i]
		}
		n++
	}
	return s
}

// joinNames lists names as "a, b and c".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// repeat is strings.Repeat that gives "" for a count below one: widths
// computed for a terminal a client claims is 1×1 go negative, and no
// size may crash a program.
func repeat(s string, n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(s, n)
}
