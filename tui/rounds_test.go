package tui

import (
	"testing"
	"time"

	"charm.land/bubbles/v2/progress"
	"charm.land/lipgloss/v2"

	"huddle/session"
)

// drawnTimerLine is timerLine as it was drawn before its pieces were
// shared: the bar and the label styled on every call.
func drawnTimerLine(m *common, label string, t session.Timer, w int) string {
	st := m.styles
	remaining := t.Remaining(m.now)
	style, colour, words := st.Calm, st.CalmColor, session.MinSec(remaining)+" left of "+session.MinSec(t.Budget)
	frac := 0.0
	if t.Budget > 0 {
		frac = float64(t.Elapsed(m.now)) / float64(t.Budget)
	}
	switch {
	case remaining <= 0:
		style, colour, words = st.Over, st.OverColor, "OVERTIME +"+session.MinSec(remaining)+" of "+session.MinSec(t.Budget)
	case remaining*4 <= t.Budget:
		style, colour = st.Warn, st.WarnColor
	}
	if !t.Running() && m.state.Paused {
		words += " · paused"
	}
	barW := max(6, min(40, w-lipgloss.Width(label)-38))
	bar := progress.New(progress.WithWidth(barW), progress.WithoutPercentage(),
		progress.WithColors(colour), progress.WithFillCharacters('█', '░'))
	bar.EmptyColor = st.TrackColor
	return st.Subtle.Render(label) + " " + bar.ViewAs(min(1, frac)) + "  " + style.Render(words)
}

// The countdown put together from shared pieces is the one drawn whole:
// every second of a turn and past its end, at every width, in every
// theme and background.
func TestTimerLineFromPieces(t *testing.T) {
	d := newDriver(t, session.Config{}, "ana")
	d.press("enter", "n")
	turn, ok := d.state().CurrentTurn()
	if !ok {
		t.Fatal("no turn")
	}
	m := d.m
	start := m.now
	for _, theme := range []Theme{ThemeDefault, ThemeHighContrast} {
		for _, dark := range []bool{true, false} {
			m.styles = theme.Styles(dark)
			for _, w := range []int{30, 58, 78, 118, 200} {
				for s := time.Duration(0); s <= turn.Timer.Budget+20*time.Second; s += 7 * time.Second / 3 {
					m.now = start.Add(s)
					for _, label := range []string{"turn    ", "stand-up"} {
						if got, want := m.timerLine(label, turn.Timer, w), drawnTimerLine(m.common, label, turn.Timer, w); got != want {
							t.Fatalf("%v dark %v width %d at +%v: %q\nwant %q", theme, dark, w, s, got, want)
						}
					}
				}
			}
		}
	}
}
