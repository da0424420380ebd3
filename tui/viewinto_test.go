package tui

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// TestViewIntoDrawsTheView: a frame drawn into a reused buffer is the
// view's, screen after screen (waiting, the rounds, a park prompt, too
// small), and the buffer is reused once it is big enough.
func TestViewIntoDrawsTheView(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Aisha")
	var buf []byte
	check := func(what string) {
		t.Helper()
		want := d.m.View()
		var got tea.View
		got, buf = d.m.ViewInto(buf)
		if got.Content != want.Content || got.WindowTitle != want.WindowTitle || got.AltScreen != want.AltScreen {
			t.Errorf("%s: ViewInto drew\n%s\nView drew\n%s", what, got.Content, want.Content)
		}
	}
	check("waiting")
	d.press("enter", "down", "enter") // Lukas and Aisha are here
	d.clock.Advance(5 * time.Minute)
	d.press("n")
	d.see("rounds", "Turn 1 of 2")
	check("rounds")
	d.press("p")
	d.typeText("the build")
	check("park prompt")
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	check("120×40")
	before := &buf[:1][0]
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	check("100×30")
	if &buf[:1][0] != before {
		t.Error("a smaller frame was not drawn into the same buffer")
	}
	d.send(tea.WindowSizeMsg{Width: 30, Height: 10})
	check("too small")
}

// TestViewRowsAreTheView: where the body is shared (the waiting room and
// the rounds of a stand-up), the rows are the frame's lines, screen after
// screen; a program's header, footer and the shared body are the same
// strings from frame to frame while they do not change, and the body's
// rows are one list for every program; other screens are not given as
// rows.
func TestViewRowsAreTheView(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Aisha")
	var rows []string
	check := func(what string, want bool) []string {
		t.Helper()
		v := d.m.View()
		var ok bool
		var got tea.View
		got, rows, ok = d.m.ViewRows(rows[:0])
		if ok != want {
			t.Fatalf("%s: ViewRows ok %v, want %v", what, ok, want)
		}
		if !ok {
			return nil
		}
		if joined := strings.Join(rows, "\n"); joined != v.Content {
			t.Errorf("%s: ViewRows drew\n%s\nView drew\n%s", what, joined, v.Content)
		}
		if got.Content != "" || got.WindowTitle != v.WindowTitle || !got.AltScreen {
			t.Errorf("%s: view %+v, want %+v without content", what, got, v)
		}
		return slices.Clone(rows)
	}
	check("waiting", true)
	d.press("enter", "down", "enter") // Lukas and Aisha are here
	d.clock.Advance(5 * time.Minute)
	d.press("n")
	d.see("rounds", "Turn 1 of 2")
	first := check("rounds", true)
	again := check("rounds again", true)
	for i := range first {
		if !sameString(first[i], again[i]) && first[i] != " " {
			t.Fatalf("row %d is drawn anew for the same frame: %q", i, first[i])
		}
	}
	// Two members' programs, the same size: the same body rows, not
	// copies.
	var theirs [2][]string
	for i, who := range []string{"lukas", "aisha"} {
		m := New(d.room, session.RosterID(who), Options{Bodies: testBodies})
		m.ticking = false
		t.Cleanup(m.Close)
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		var ok bool
		if _, theirs[i], ok = m.ViewRows(nil); !ok {
			t.Fatalf("%s's rounds are not given as rows", who)
		}
	}
	shared := 0
	for i, r := range theirs[0] {
		if i < len(theirs[1]) && sameString(r, theirs[1][i]) {
			shared++
		}
	}
	if shared < len(theirs[0])/2 {
		t.Errorf("only %d of %d rows of two members' screens are one string", shared, len(theirs[0]))
	}
	d.press("p")
	d.typeText("the build")
	check("park prompt", true)
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	check("120×40", true)
	d.send(tea.WindowSizeMsg{Width: 30, Height: 10})
	check("too small", false)
}

// Rows cut from text: indented, cut or padded to the height.
func TestMargined(t *testing.T) {
	for _, c := range []struct {
		s    string
		h    int
		want []string
	}{
		{"a\nb", -1, []string{" a", " b"}},
		{"a\nb\nc", 2, []string{" a", " b"}},
		{"a", 3, []string{" a", " ", " "}},
		{"", -1, []string{" "}},
		{"a\n", -1, []string{" a", " "}},
	} {
		if got := margined(c.s, c.h); !slices.Equal(got, c.want) {
			t.Errorf("margined(%q, %d) = %q, want %q", c.s, c.h, got, c.want)
		}
	}
}

// sameString reports whether a and b are one string in memory.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}
