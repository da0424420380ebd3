package tui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Styles holds every themed style of the interface, made by a Theme for
// a terminal's background (Theme.Styles) once for the process: every
// program of that theme and background, and its screens, share them by
// pointer, and nobody changes them; a program takes the other
// background's when the terminal says what its background is.
type Styles struct {
	theme      Theme // the theme that made them
	dark       bool  // made for a dark background
	App        lipgloss.Style
	Title      lipgloss.Style
	Team       lipgloss.Style
	Clock      lipgloss.Style
	Rule       lipgloss.Style
	Heading    lipgloss.Style
	Subtle     lipgloss.Style
	Text       lipgloss.Style
	Speaker    lipgloss.Style
	Present    lipgloss.Style
	Missing    lipgloss.Style
	Late       lipgloss.Style
	Selected   lipgloss.Style
	Calm       lipgloss.Style
	Warn       lipgloss.Style
	Over       lipgloss.Style
	Paused     lipgloss.Style
	Error      lipgloss.Style
	Notice     lipgloss.Style
	Panel      lipgloss.Style // the border's colour: see panel
	PanelTitle lipgloss.Style
	Prompt     lipgloss.Style
	Badge      lipgloss.Style

	CalmColor, WarnColor, OverColor, TrackColor color.Color

	Help  help.Styles      // the key help in the footer
	Input textinput.Styles // the text fields of prompts and forms
}

// NewStyles returns the default theme's styles for a dark or light
// background (see Theme.Styles).
func NewStyles(isDark bool) *Styles { return ThemeDefault.Styles(isDark) }

// palette is the colours a theme draws with; styled builds its styles.
type palette struct {
	accent, subtle, text, green, yellow, red, blue color.Color
	track, rule, panel, badgeText, cursor          color.Color
}

// defaultStyles are huddle's usual styles. The palette uses 256-colour
// values, which is what most SSH clients announce; with NO_COLOR or a
// dumb terminal, Bubble Tea strips the colours and the layout, symbols
// and words still carry every state.
func defaultStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	s := styled(ThemeDefault, isDark, palette{
		accent:    ld(lipgloss.Color("91"), lipgloss.Color("141")),
		subtle:    ld(lipgloss.Color("245"), lipgloss.Color("243")),
		text:      ld(lipgloss.Color("235"), lipgloss.Color("252")),
		green:     ld(lipgloss.Color("28"), lipgloss.Color("78")),
		yellow:    ld(lipgloss.Color("130"), lipgloss.Color("214")),
		red:       ld(lipgloss.Color("160"), lipgloss.Color("203")),
		blue:      ld(lipgloss.Color("25"), lipgloss.Color("75")),
		track:     ld(lipgloss.Color("252"), lipgloss.Color("238")),
		rule:      ld(lipgloss.Color("250"), lipgloss.Color("238")),
		panel:     ld(lipgloss.Color("250"), lipgloss.Color("239")),
		badgeText: ld(lipgloss.Color("255"), lipgloss.Color("235")),
		cursor:    lipgloss.Color("7"), // the text field's own
	})
	s.Help = help.DefaultStyles(isDark)
	return s
}

// highContrastStyles are the styles of ThemeHighContrast. Its colours
// are of the 256-colour palette's fixed part (16–255, the same in every
// terminal that has it, unlike the 16 system colours a terminal's own
// theme sets): near-white and light tints on a dark background,
// near-black and dark tints on a light one, each at least 7:1 against
// backgrounds from black to #303030 and from #f5f5f5 to white
// (Solarized's and Gruvbox's included; see TestHighContrastRatios). The help's keys
// are bold, and so are the badges (the phase, the board's column shown);
// a timer running low is underlined, overtime in reverse video, so that
// neither rests on colour alone.
func highContrastStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	subtle := ld(lipgloss.Color("236"), lipgloss.Color("252"))
	text := ld(lipgloss.Color("16"), lipgloss.Color("231"))
	s := styled(ThemeHighContrast, isDark, palette{
		accent:    ld(lipgloss.Color("54"), lipgloss.Color("228")),
		subtle:    subtle,
		text:      text,
		green:     ld(lipgloss.Color("22"), lipgloss.Color("120")),
		yellow:    ld(lipgloss.Color("52"), lipgloss.Color("222")),
		red:       ld(lipgloss.Color("88"), lipgloss.Color("217")),
		blue:      ld(lipgloss.Color("19"), lipgloss.Color("117")),
		track:     ld(lipgloss.Color("238"), lipgloss.Color("251")),
		rule:      ld(lipgloss.Color("238"), lipgloss.Color("251")),
		panel:     ld(lipgloss.Color("238"), lipgloss.Color("251")),
		badgeText: ld(lipgloss.Color("231"), lipgloss.Color("16")),
		cursor:    text,
	})
	s.Warn = s.Warn.Underline(true)
	s.Over = s.Over.Reverse(true)
	s.Badge = s.Badge.Bold(true) // the phase, the column shown
	key := lipgloss.NewStyle().Bold(true).Foreground(text)
	desc := lipgloss.NewStyle().Foreground(subtle)
	s.Help = help.Styles{ShortKey: key, ShortDesc: desc, ShortSeparator: desc, Ellipsis: desc,
		FullKey: key, FullDesc: desc, FullSeparator: desc}
	s.Input.Focused.Placeholder = s.Subtle
	s.Input.Focused.Prompt = s.Text
	s.Input.Blurred = s.Input.Focused
	return s
}

// styled makes a theme's styles from its palette.
func styled(t Theme, isDark bool, p palette) *Styles {
	s := &Styles{
		theme:      t,
		dark:       isDark,
		CalmColor:  p.green,
		WarnColor:  p.yellow,
		OverColor:  p.red,
		TrackColor: p.track,
	}
	s.App = lipgloss.NewStyle().Padding(0, 1)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(p.accent)
	s.Team = lipgloss.NewStyle().Foreground(p.text)
	s.Clock = lipgloss.NewStyle().Foreground(p.subtle)
	s.Rule = lipgloss.NewStyle().Foreground(p.rule)
	s.Heading = lipgloss.NewStyle().Bold(true).Foreground(p.blue)
	s.Subtle = lipgloss.NewStyle().Foreground(p.subtle)
	s.Text = lipgloss.NewStyle().Foreground(p.text)
	s.Speaker = lipgloss.NewStyle().Bold(true).Foreground(p.accent)
	s.Present = lipgloss.NewStyle().Foreground(p.green)
	s.Missing = lipgloss.NewStyle().Foreground(p.subtle)
	s.Late = lipgloss.NewStyle().Foreground(p.yellow)
	s.Selected = lipgloss.NewStyle().Bold(true).Foreground(p.accent)
	s.Calm = lipgloss.NewStyle().Bold(true).Foreground(p.green)
	s.Warn = lipgloss.NewStyle().Bold(true).Foreground(p.yellow)
	s.Over = lipgloss.NewStyle().Bold(true).Foreground(p.red)
	s.Paused = lipgloss.NewStyle().Bold(true).Foreground(p.blue)
	s.Error = lipgloss.NewStyle().Foreground(p.red)
	s.Notice = lipgloss.NewStyle().Foreground(p.green)
	s.Panel = lipgloss.NewStyle().Foreground(p.panel)
	s.PanelTitle = lipgloss.NewStyle().Bold(true).Foreground(p.yellow)
	s.Prompt = lipgloss.NewStyle().Bold(true).Foreground(p.accent)
	s.Badge = lipgloss.NewStyle().Foreground(p.badgeText).Background(p.accent).Padding(0, 1)
	s.Input = textinput.DefaultDarkStyles() // what textinput.New starts with
	s.Input.Cursor.Blink = false
	s.Input.Cursor.Color = p.cursor
	s.Input.Focused.Text = s.Text
	s.Input.Focused.Suggestion = s.Subtle
	return s
}

// The parking lot's box: its rows drawn as a lipgloss border would, in a
// rounded box w cells wide with a cell of padding on either side, but
// each line measured only once, and its borders and each topic's row
// drawn once per process (drawn): the parking lot is on every
// participant's screen.

// panelRow is line as a row of the box, inner cells between its padding.
func (s *Styles) panelRow(line string, inner int) string {
	n := ansi.StringWidth(line)
	if n > inner {
		line, n = truncate(line, inner), inner
	}
	side := drawn(s, pieceKey{part: panelSide}, func() string { return s.Panel.Render("│") })
	return side + " " + line + repeat(" ", max(0, inner-n)) + " " + side
}

// box puts rows (made by panelRow) in the box's borders, w cells wide.
func (s *Styles) box(w int, rows []string) string {
	rule := func(part piecePart, left, right string) string {
		return drawn(s, pieceKey{part: part, w: w}, func() string { return s.Panel.Render(left + repeat("─", max(0, w-2)) + right) })
	}
	top, bottom := rule(panelTop, "╭", "╮"), rule(panelBottom, "╰", "╯")
	n := len(top) + len(bottom)
	for _, r := range rows {
		n += len(r) + 1
	}
	var b strings.Builder
	b.Grow(n + 1)
	b.WriteString(top)
	for _, r := range rows {
		b.WriteByte('\n')
		b.WriteString(r)
	}
	b.WriteByte('\n')
	b.WriteString(bottom)
	return b.String()
}
