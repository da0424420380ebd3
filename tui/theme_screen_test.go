package tui

import (
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"

	"huddle/session"
)

// withTheme gives the driver a model in the theme on the same room and
// the same shared bodies, the screen as wide as before.
func (d *driver) withTheme(theme Theme) *driver {
	d.t.Helper()
	m := New(d.room, fac, Options{SharedKeyboard: true, Bodies: testBodies, Theme: theme})
	m.ticking = false
	d.t.Cleanup(m.Close)
	t := &driver{t: d.t, m: m, room: d.room, clock: d.clock}
	t.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return t
}

// cells rebuilds the driver's screen in a terminal emulator, as a client
// would show it.
func (d *driver) cells() *vt.Emulator {
	d.t.Helper()
	emu := vt.NewEmulator(80, 24)
	d.t.Cleanup(func() { emu.Close() })
	if _, err := emu.WriteString(strings.ReplaceAll(d.m.View().Content, "\n", "\r\n")); err != nil {
		d.t.Fatal(err)
	}
	return emu
}

// find is the first cell holding s, top to bottom.
func find(emu *vt.Emulator, s string) (*uv.Cell, int, int, bool) {
	for y := range 24 {
		for x := range 80 {
			if c := emu.CellAt(x, y); c != nil && c.Content == s {
				return c, x, y, true
			}
		}
	}
	return nil, 0, 0, false
}

func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar == br && ag == bg && ab == bb
}

// TestHighContrastScreenDiffersAndKeepsTheFocus renders the facilitator's
// waiting room (a body the programs share through the cache) in both
// themes: the words are the same, the colours are not, and the focused
// row keeps its marker, bold, in the theme's focus colour, on a dark
// and on a light terminal.
func TestHighContrastScreenDiffersAndKeepsTheFocus(t *testing.T) {
	plain := newDriver(t, session.Config{Kind: session.Standup}, "Lukas", "Julia")
	for _, bg := range []color.Color{color.Black, color.White} {
		dark := bg == color.Black
		plain.send(tea.BackgroundColorMsg{Color: bg})
		contrast := plain.withTheme(ThemeHighContrast)
		contrast.send(tea.BackgroundColorMsg{Color: bg})
		before, after := plain.cells(), contrast.cells()
		if b, a := ansi.Strip(plain.m.View().Content), ansi.Strip(contrast.m.View().Content); b != a {
			t.Fatalf("dark=%v: the themes lay the screen out differently:\n%s\n---\n%s", dark, b, a)
		}
		differ := 0
		for y := range 24 {
			for x := range 80 {
				if b, a := before.CellAt(x, y), after.CellAt(x, y); b != nil && a != nil && !b.Style.Equal(&a.Style) {
					differ++
				}
			}
		}
		if differ == 0 {
			t.Fatalf("dark=%v: the high-contrast screen looks like the default one:\n%s", dark, after.Render())
		}
		mark, x, y, ok := find(after, "▸")
		if !ok {
			t.Fatalf("dark=%v: no focus marker on the high-contrast screen:\n%s", dark, after.String())
		}
		name := after.CellAt(x+2, y)
		if name == nil || name.Content != "L" {
			t.Fatalf("dark=%v: the marker is not on Lukas's row:\n%s", dark, after.String())
		}
		want := ThemeHighContrast.Styles(dark).Selected.GetForeground()
		for _, c := range []*uv.Cell{mark, name} {
			if c.Style.Attrs&uv.AttrBold == 0 || c.Style.Attrs&uv.AttrFaint != 0 {
				t.Fatalf("dark=%v: the focused row's %q is not bold (attrs %b)", dark, c.Content, c.Style.Attrs)
			}
			if !sameColour(c.Style.Fg, want) {
				t.Fatalf("dark=%v: the focused row's %q is %#v, want %#v", dark, c.Content, c.Style.Fg, want)
			}
		}
	}
}
