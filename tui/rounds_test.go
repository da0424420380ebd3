package tui

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/progress"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

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

// Long lists are cut before they are styled, never so short that the
// line shows less: the lines of the rounds with two hundred people are
// the lines drawn from the whole lists.
func TestLongListsCutAsTheWholeList(t *testing.T) {
	names := []string{"Ann", "Jörg", "李小龍", "Zoë", "Ma\u0301rta", "a-very-long-name-indeed", "B"}
	for w := 1; w < 160; w += 3 {
		var all []string
		for i := range 200 {
			all = append(all, names[i%len(names)]+itoa(i))
			s := strings.Join(all, ", ")
			if got, want := truncate(clipPlain(s, w), w-9), truncate(s, w-9); got != want {
				t.Fatalf("width %d, %d names: %q, want %q", w, i+1, got, want)
			}
		}
	}
	roster := make([]string, 60)
	for i := range roster {
		roster[i] = names[i%len(names)] + itoa(i)
	}
	d := newDriver(t, session.Config{}, roster...)
	d.press("enter")
	for range roster {
		d.press("enter")
	}
	d.press("n")
	for range 50 {
		d.press("n")
	}
	scr := d.m.standup
	for _, w := range []int{20, 58, 78, 118, 400} {
		st := scr.styles
		var whole []string
		for _, tn := range d.state().Turns {
			if tn.Ended.IsZero() {
				continue
			}
			entry := d.state().Name(tn.Speaker) + " " + session.MinSec(tn.Timer.Elapsed(tn.Ended))
			if tn.Skipped {
				whole = append(whole, st.Subtle.Render(d.state().Name(tn.Speaker)+" skipped"))
			} else if tn.Timer.Elapsed(tn.Ended) > tn.Timer.Budget {
				whole = append(whole, st.Over.Render(entry))
			} else {
				whole = append(whole, st.Text.Render(entry))
			}
		}
		if len(whole) < 40 {
			t.Fatalf("%d turns done, want 50", len(whole))
		}
		want := truncate(strings.Join(whole, st.Subtle.Render(" · ")), w-9)
		// The same cells: the whole list's cut keeps the empty styles
		// of the entries past the cut, which show nothing.
		if got := truncate(scr.doneSpeakers(w), w-9); !strings.HasPrefix(want, got) || ansi.Strip(got) != ansi.Strip(want) {
			t.Fatalf("width %d: done %q, want %q", w, got, want)
		}
	}
}
