package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// No terminal size a client may claim crashes a program, whatever keys
// follow: widths computed for a 1×1 screen go negative.
func TestAbsurdSizesDoNotCrash(t *testing.T) {
	keys := []string{"?", "p", "x", "enter", "esc", "n", "s", "b", "up", "down", "tab", "a", "v", "q"}
	for _, kind := range []session.Kind{session.Standup, session.Retro} {
		for _, size := range [][2]int{{1, 1}, {2, 1}, {1, 200}, {500, 1}, {59, 15}, {3, 3}} {
			var d *driver
			if kind == session.Retro {
				d = newRetroDriver(t, session.Config{}, "ana")
			} else {
				d = newDriver(t, session.Config{}, "ana")
			}
			d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			for _, k := range keys {
				d.press(k)
				_ = d.m.View()
				_, _ = d.m.bodySize()
			}
		}
	}
}

// What someone types shows as everyone will see it: format characters
// such as a bidi override never reach the text input.
func TestTypedFormatCharactersAreDropped(t *testing.T) {
	d := newDriver(t, session.Config{}, "ana")
	d.press("p")
	d.typeText("left\u202eright\u200bend")
	d.send(tea.PasteMsg{Content: "pasted\u2066x"})
	if v := d.m.prompt.input.Value(); v != "leftrightendpastedx" {
		t.Fatalf("the input holds %q", v)
	}
}
