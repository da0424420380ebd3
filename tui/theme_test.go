package tui

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"reflect"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestParseThemeTakesEveryNameAndListsThemWhenWrong(t *testing.T) {
	for _, name := range ThemeNames() {
		th, err := ParseTheme(name)
		if err != nil || th.String() != name {
			t.Fatalf("ParseTheme(%q) = %v, %v", name, th, err)
		}
		b, err := th.MarshalText()
		if err != nil || string(b) != name {
			t.Fatalf("%v.MarshalText() = %q, %v", th, b, err)
		}
		var back Theme
		if err := back.UnmarshalText(b); err != nil || back != th {
			t.Fatalf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	if th, err := ParseTheme(""); err != nil || th != ThemeDefault {
		t.Fatalf(`ParseTheme("") = %v, %v; want the default`, th, err)
	}
	for _, bad := range []string{"High-Contrast", "dark", "high contrast", "x\x1b[31m"} {
		_, err := ParseTheme(bad)
		if !errors.Is(err, ErrUnknownTheme) {
			t.Fatalf("ParseTheme(%q): %v, want ErrUnknownTheme", bad, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "default, high-contrast") || strings.Contains(msg, "\x1b") {
			t.Fatalf("ParseTheme(%q): %q should list the themes and quote the name printably", bad, msg)
		}
	}
	var th Theme
	if err := th.UnmarshalText([]byte("neon")); err == nil {
		t.Fatal("UnmarshalText took an unknown theme")
	}
}

// Terminal backgrounds the high-contrast theme is held to: the darkest
// and lightest, the greys popular themes use, and Solarized.
var (
	darkBackgrounds = map[string]color.Color{
		"black":          color.RGBA{0, 0, 0, 255},
		"#1e1e1e":        color.RGBA{0x1e, 0x1e, 0x1e, 255},
		"#282828":        color.RGBA{0x28, 0x28, 0x28, 255},
		"#303030":        color.RGBA{0x30, 0x30, 0x30, 255},
		"solarized dark": color.RGBA{0x00, 0x2b, 0x36, 255},
		"one dark":       color.RGBA{0x28, 0x2c, 0x34, 255},
		"dracula":        color.RGBA{0x28, 0x2a, 0x36, 255},
	}
	lightBackgrounds = map[string]color.Color{
		"white":           color.RGBA{255, 255, 255, 255},
		"#fafafa":         color.RGBA{0xfa, 0xfa, 0xfa, 255},
		"#f5f5f5":         color.RGBA{0xf5, 0xf5, 0xf5, 255},
		"gruvbox light":   color.RGBA{0xfb, 0xf1, 0xc7, 255},
		"solarized light": color.RGBA{0xfd, 0xf6, 0xe3, 255},
	}
)

// luminance is the relative luminance of c as WCAG 2 defines it.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG 2 contrast ratio of two colours, 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// noColor reports whether c leaves the terminal's own colour.
func noColor(c color.Color) bool {
	if c == nil {
		return true
	}
	_, ok := c.(lipgloss.NoColor)
	return ok
}

// themed is one style, or one colour, of a Styles, by its path.
type themed struct {
	path   string
	style  *lipgloss.Style // nil for a colour
	colour color.Color     // a colour drawn on the terminal's background
}

// walkStyles lists every style and colour reachable from s: the fields
// of Styles and of the structs in it (the help's, the text fields').
// A field added to Styles is checked without changing the tests.
func walkStyles(s *Styles) []themed {
	var out []themed
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch {
		case v.Type() == reflect.TypeFor[lipgloss.Style]():
			st := v.Interface().(lipgloss.Style)
			out = append(out, themed{path: path, style: &st})
		case v.Type() == reflect.TypeFor[color.Color]():
			if c, _ := v.Interface().(color.Color); !noColor(c) {
				out = append(out, themed{path: path, colour: c})
			}
		case v.Kind() == reflect.Struct:
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					walk(path+"."+f.Name, v.Field(i))
				}
			}
		}
	}
	walk("Styles", reflect.ValueOf(s).Elem())
	return out
}

func TestWalkStylesReachesNestedStyles(t *testing.T) {
	paths := map[string]bool{}
	for _, th := range walkStyles(ThemeHighContrast.Styles(true)) {
		paths[th.path] = true
	}
	for _, want := range []string{"Styles.Selected", "Styles.Badge", "Styles.TrackColor", "Styles.Help.ShortKey",
		"Styles.Input.Focused.Text", "Styles.Input.Cursor.Color"} {
		if !paths[want] {
			t.Fatalf("the walk misses %s; it found %v", want, paths)
		}
	}
}

// TestHighContrastRatios holds every colour pair of the high-contrast
// theme to WCAG AAA (7:1): a style's foreground against its own
// background, or against each terminal background of its side when it
// has none; every colour is of the 256-colour palette's fixed part, so
// that the ratios computed here are the ones a terminal shows.
func TestHighContrastRatios(t *testing.T) {
	for _, dark := range []bool{true, false} {
		backgrounds := lightBackgrounds
		if dark {
			backgrounds = darkBackgrounds
		}
		s := ThemeHighContrast.Styles(dark)
		for _, th := range walkStyles(s) {
			name := fmt.Sprintf("dark=%v %s", dark, th.path)
			fg, bg := th.colour, color.Color(nil)
			if th.style != nil {
				fg, bg = th.style.GetForeground(), th.style.GetBackground()
			}
			for _, c := range []color.Color{fg, bg} {
				if noColor(c) {
					continue
				}
				if i, ok := c.(ansi.IndexedColor); !ok || i < 16 {
					t.Errorf("%s: colour %#v is not of the 256-colour palette's fixed part (16-255)", name, c)
				}
			}
			switch {
			case noColor(fg) && noColor(bg):
				continue // the terminal's own colours
			case noColor(fg):
				t.Errorf("%s: a background without a foreground leaves the text to the terminal's colour", name)
			case !noColor(bg):
				if r := contrast(fg, bg); r < 7 {
					t.Errorf("%s: %#v on %#v is %.2f:1, want at least 7:1", name, fg, bg, r)
				}
			default:
				for bgName, term := range backgrounds {
					if r := contrast(fg, term); r < 7 {
						t.Errorf("%s: %#v on a %s terminal is %.2f:1, want at least 7:1", name, fg, bgName, r)
					}
				}
			}
		}
	}
}

func TestHighContrastHasNoFaintText(t *testing.T) {
	for _, dark := range []bool{true, false} {
		for _, th := range walkStyles(ThemeHighContrast.Styles(dark)) {
			if th.style != nil && (th.style.GetFaint() || th.style.GetBlink()) {
				t.Errorf("dark=%v %s is faint or blinks", dark, th.path)
			}
		}
	}
}

// TestHighContrastSaysMoreThanColour: the states told apart by colour
// are told apart by emphasis too (the words and symbols beside them are
// the same in every theme).
func TestHighContrastSaysMoreThanColour(t *testing.T) {
	for _, dark := range []bool{true, false} {
		s := ThemeHighContrast.Styles(dark)
		if !s.Selected.GetBold() || !s.Speaker.GetBold() {
			t.Error("the focused row and the speaker are not bold")
		}
		if !s.Warn.GetUnderline() || s.Calm.GetUnderline() {
			t.Error("a timer running low is not underlined apart from a calm one")
		}
		if !s.Over.GetReverse() || s.Warn.GetReverse() || s.Calm.GetReverse() {
			t.Error("overtime is not in reverse video apart from the other timers")
		}
		if !s.Badge.GetBold() {
			t.Error("the badge of the shown column is not bold apart from the others")
		}
		if !s.Help.ShortKey.GetBold() || s.Help.ShortDesc.GetBold() {
			t.Error("the help's keys are not bold apart from their descriptions")
		}
		if s.Input.Cursor.Blink {
			t.Error("the cursor blinks")
		}
	}
}

func TestDefaultThemeIsTodays(t *testing.T) {
	for _, dark := range []bool{true, false} {
		s := ThemeDefault.Styles(dark)
		if s.Warn.GetUnderline() || s.Over.GetReverse() {
			t.Error("the default theme took the high-contrast emphases")
		}
		if got, want := s.Text.GetForeground(), lipgloss.LightDark(dark)(lipgloss.Color("235"), lipgloss.Color("252")); got != want {
			t.Errorf("dark=%v: default text is %#v, want %#v", dark, got, want)
		}
		if s.theme != ThemeDefault || ThemeHighContrast.Styles(dark).theme != ThemeHighContrast {
			t.Error("styles do not say which theme made them")
		}
	}
}
