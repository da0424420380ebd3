package tui

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Styles holds every themed style of the interface. Each program has its
// own, made by NewStyles for its terminal's background.
// The screens of a program share them by pointer: NewStyles makes them
// anew when the terminal says what its background is.
type Styles struct {
	dark       bool // made for a dark background
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
}

// NewStyles returns the styles for a dark or light background. The palette
// uses 256-colour values, which is what most SSH clients announce; with
// NO_COLOR or a dumb terminal, Bubble Tea strips the colours and the
// layout, symbols and words still carry every state.
func NewStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("91"), lipgloss.Color("141"))
	subtle := ld(lipgloss.Color("245"), lipgloss.Color("243"))
	text := ld(lipgloss.Color("235"), lipgloss.Color("252"))
	green := ld(lipgloss.Color("28"), lipgloss.Color("78"))
	yellow := ld(lipgloss.Color("130"), lipgloss.Color("214"))
	red := ld(lipgloss.Color("160"), lipgloss.Color("203"))
	blue := ld(lipgloss.Color("25"), lipgloss.Color("75"))

	s := &Styles{
		dark:       isDark,
		CalmColor:  green,
		WarnColor:  yellow,
		OverColor:  red,
		TrackColor: ld(lipgloss.Color("252"), lipgloss.Color("238")),
	}
	s.App = lipgloss.NewStyle().Padding(0, 1)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Team = lipgloss.NewStyle().Foreground(text)
	s.Clock = lipgloss.NewStyle().Foreground(subtle)
	s.Rule = lipgloss.NewStyle().Foreground(ld(lipgloss.Color("250"), lipgloss.Color("238")))
	s.Heading = lipgloss.NewStyle().Bold(true).Foreground(blue)
	s.Subtle = lipgloss.NewStyle().Foreground(subtle)
	s.Text = lipgloss.NewStyle().Foreground(text)
	s.Speaker = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Present = lipgloss.NewStyle().Foreground(green)
	s.Missing = lipgloss.NewStyle().Foreground(subtle)
	s.Late = lipgloss.NewStyle().Foreground(yellow)
	s.Selected = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Calm = lipgloss.NewStyle().Bold(true).Foreground(green)
	s.Warn = lipgloss.NewStyle().Bold(true).Foreground(yellow)
	s.Over = lipgloss.NewStyle().Bold(true).Foreground(red)
	s.Paused = lipgloss.NewStyle().Bold(true).Foreground(blue)
	s.Error = lipgloss.NewStyle().Foreground(red)
	s.Notice = lipgloss.NewStyle().Foreground(green)
	s.Panel = lipgloss.NewStyle().Foreground(ld(lipgloss.Color("250"), lipgloss.Color("239")))
	s.PanelTitle = lipgloss.NewStyle().Bold(true).Foreground(yellow)
	s.Prompt = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Badge = lipgloss.NewStyle().Foreground(ld(lipgloss.Color("255"), lipgloss.Color("235"))).Background(accent).Padding(0, 1)
	return s
}

// panel draws lines in a rounded box w cells wide with a cell of padding
// on either side, as a lipgloss border would, but measuring each line
// only once: the parking lot is on every participant's screen.
func (s *Styles) panel(w int, lines []string) string {
	inner := max(0, w-4)
	rule := repeat("─", max(0, w-2))
	side := s.Panel.Render("│")
	var b strings.Builder
	b.WriteString(s.Panel.Render("╭" + rule + "╮"))
	for _, l := range lines {
		n := ansi.StringWidth(l)
		if n > inner {
			l, n = truncate(l, inner), inner
		}
		b.WriteString("\n" + side + " " + l + repeat(" ", inner-n) + " " + side)
	}
	b.WriteString("\n" + s.Panel.Render("╰"+rule+"╯"))
	return b.String()
}
