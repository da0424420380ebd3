package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"huddle/session"
)

// The too-small message is never cut: on every size below the minimum it
// fits the terminal whole, in the longest wording that fits, and names
// the size needed wherever that fits at all.
func TestTooSmallMessageIsNeverCut(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	for w := 1; w < minWidth; w += 3 {
		for h := 1; h < minHeight+5; h += 2 {
			d.send(tea.WindowSizeMsg{Width: w, Height: h})
			screen := d.screen()
			lines := strings.Split(screen, "\n")
			if len(lines) > h {
				t.Fatalf("%d×%d: %d lines:\n%s", w, h, len(lines), screen)
			}
			var words []string
			for _, l := range lines {
				if lw := ansi.StringWidth(l); lw > w {
					t.Fatalf("%d×%d: a line of %d cells: %q", w, h, lw, l)
				}
				words = append(words, strings.Fields(l)...)
			}
			text := strings.Join(words, " ")
			if w >= 5 && !strings.Contains(text, "60×16") {
				t.Fatalf("%d×%d: the size needed is missing: %q", w, h, text)
			}
			if w >= 40 && h >= 3 && text != "huddle needs a terminal of at least 60×16; this one is "+itoa(w)+"×"+itoa(h)+": make it larger" {
				t.Fatalf("%d×%d: %q, want the whole message", w, h, text)
			}
		}
	}
}
