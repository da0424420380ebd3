package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles holds every themed style of the interface. Each program has its
// own, made by NewStyles for its terminal's background.
type Styles struct {
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
	Panel      lipgloss.Style
	PanelTitle lipgloss.Style
	Prompt     lipgloss.Style
	Badge      lipgloss.Style

	CalmColor, WarnColor, OverColor, TrackColor color.Color
}

// NewStyles returns the styles for a dark or light background. The palette
// uses 256-colour values, which is what most SSH clients announce; with
// NO_COLOR or a dumb terminal, Bubble Tea strips the colours and the
// layout, symbols and words still carry every state.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("91"), lipgloss.Color("141"))
	subtle := ld(lipgloss.Color("245"), lipgloss.Color("243"))
	text := ld(lipgloss.Color("235"), lipgloss.Color("252"))
	green := ld(lipgloss.Color("28"), lipgloss.Color("78"))
	yellow := ld(lipgloss.Color("130"), lipgloss.Color("214"))
	red := ld(lipgloss.Color("160"), lipgloss.Color("203"))
	blue := ld(lipgloss.Color("25"), lipgloss.Color("75"))

	s := Styles{
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
	s.Panel = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(ld(lipgloss.Color("250"), lipgloss.Color("239"))).Padding(0, 1)
	s.PanelTitle = lipgloss.NewStyle().Bold(true).Foreground(yellow)
	s.Prompt = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Badge = lipgloss.NewStyle().Foreground(ld(lipgloss.Color("255"), lipgloss.Color("235"))).Background(accent).Padding(0, 1)
	return s
}
