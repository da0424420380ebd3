package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// BenchmarkRenderRounds renders the rounds screen of a stand-up with 20
// speakers, 20 parked topics and 5 blockers: the work each participant's
// program does for each frame.
func BenchmarkRenderRounds(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			roster := make([]string, 20)
			for i := range roster {
				roster[i] = fmt.Sprintf("member%02d", i)
			}
			d := newDriver(b, session.Config{}, roster...)
			for _, name := range roster {
				if err := d.room.Submit(fac, session.Arrive{Name: name}); err != nil {
					b.Fatal(err)
				}
			}
			if err := d.room.Submit(fac, session.Start{}); err != nil {
				b.Fatal(err)
			}
			for i := range 20 {
				if err := d.room.Submit(fac, session.Park{Topic: fmt.Sprintf("parked topic number %d", i)}); err != nil {
					b.Fatal(err)
				}
			}
			for range 5 {
				if err := d.room.Submit(fac, session.NoteBlocker{Text: "waiting for the backend team"}); err != nil {
					b.Fatal(err)
				}
			}
			d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			b.ReportAllocs()
			for b.Loop() {
				_ = d.m.View()
			}
		})
	}
}
