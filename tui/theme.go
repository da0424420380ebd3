package tui

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"huddle/session"
)

// Theme is the look of the full-screen interface: its colours and the
// emphases that go with them. A program's theme is chosen once
// (Options.Theme) and made into its Styles for the terminal's background
// (Theme.Styles); the views draw with those Styles and never ask which
// theme they came from.
type Theme uint8

const (
	// ThemeDefault is huddle's usual palette.
	ThemeDefault Theme = iota
	// ThemeHighContrast is for low vision: every colour it draws has a
	// contrast ratio of at least 7:1 (WCAG AAA) with dark and with light
	// terminal backgrounds, nothing is faint, and what colour says
	// (focus, a timer running low, overtime) is also said by bold,
	// underline or reverse video, or by a symbol.
	ThemeHighContrast
)

var themeNames = [...]string{ThemeDefault: "default", ThemeHighContrast: "high-contrast"}

// ThemeNames lists the themes by name, the default first.
func ThemeNames() []string { return themeNames[:] }

// ErrUnknownTheme is returned by ParseTheme for a name that is not a
// theme's.
var ErrUnknownTheme = errors.New("unknown theme")

// String returns the theme's name, as ParseTheme takes it.
func (t Theme) String() string {
	if int(t) < len(themeNames) {
		return themeNames[t]
	}
	return fmt.Sprintf("Theme(%d)", int(t))
}

// ParseTheme reads a theme's name; "" is the default. Any other name
// is an error that lists the themes.
func ParseTheme(name string) (Theme, error) {
	if name == "" {
		return ThemeDefault, nil
	}
	for i, n := range themeNames {
		if name == n {
			return Theme(i), nil
		}
	}
	if len(name) > 40 {
		name = name[:40] + "…"
	}
	return ThemeDefault, fmt.Errorf("%w \"%s\": the themes are %s", ErrUnknownTheme, session.Printable(name), strings.Join(themeNames[:], ", "))
}

// MarshalText writes the theme's name.
func (t Theme) MarshalText() ([]byte, error) {
	if int(t) >= len(themeNames) {
		return nil, fmt.Errorf("%w: %d", ErrUnknownTheme, int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText reads a theme's name (see ParseTheme).
func (t *Theme) UnmarshalText(b []byte) error {
	v, err := ParseTheme(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// themeStyles are the styles of each theme and background, made once
// for the process and shared by every program drawn with them: made per
// program they were 27 KB of its heap and part of its start.
var themeStyles [len(themeNames)][2]struct {
	once sync.Once
	s    *Styles
}

// Styles returns the theme's styles for a dark or light background. They
// are shared by every caller: nobody changes them.
func (t Theme) Styles(isDark bool) *Styles {
	if t != ThemeHighContrast {
		t = ThemeDefault
	}
	dark := 0
	if isDark {
		dark = 1
	}
	e := &themeStyles[t][dark]
	e.once.Do(func() {
		if t == ThemeHighContrast {
			e.s = highContrastStyles(isDark)
		} else {
			e.s = defaultStyles(isDark)
		}
	})
	return e.s
}
