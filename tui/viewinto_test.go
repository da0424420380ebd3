package tui

import (
	"testing"
	"time"

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
