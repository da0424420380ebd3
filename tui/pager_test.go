package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The pager scrolls the text a line at a time, says how far it is, and
// quits with q.
func TestPagerScrollsAndQuits(t *testing.T) {
	var lines []string
	for i := range 40 {
		lines = append(lines, "line "+itoa(i))
	}
	var m tea.Model = newPager(strings.Join(lines, "\n"), 40, 10)
	screen := ansi.Strip(m.View().Content)
	if !strings.Contains(screen, "line 0") || strings.Contains(screen, "line 9") || !strings.Contains(screen, "  0% · ↑/↓ pgup/pgdn · q quit") {
		t.Fatalf("first page:\n%s", screen)
	}
	m, _ = m.Update(keyMsg("down"))
	if screen = ansi.Strip(m.View().Content); strings.Contains(screen, "line 0\n") || !strings.Contains(screen, "line 9") {
		t.Fatalf("after down:\n%s", screen)
	}
	if _, cmd := m.Update(keyMsg("q")); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q does not quit the pager")
	}
}
