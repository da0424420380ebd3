package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"huddle/session"
)

// BenchmarkRenderRounds renders the rounds screen of a stand-up with 20
// speakers, 20 parked topics and 5 blockers: the work of the first
// program of a room to draw a frame after a change (the others share
// its body: see BenchmarkRenderRoundsShared).
func BenchmarkRenderRounds(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			d := busyRounds(b)
			d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			b.ReportAllocs()
			for b.Loop() {
				clear(d.m.opts.Bodies.m) // every frame drawn, as for the first program of a room
				_ = d.m.View()
			}
		})
	}
}

// BenchmarkRenderRoundsShared is a frame of every participant but the
// first after a change, at 120×40: the body comes from the room's shared
// cache.
func BenchmarkRenderRoundsShared(b *testing.B) {
	d := busyRounds(b)
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	b.ReportAllocs()
	for b.Loop() {
		_ = d.m.View()
	}
}

// busyRounds is a stand-up in its rounds with 20 members present, 20
// parked topics and 5 blockers.
func busyRounds(b *testing.B) *driver {
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
	d.deliver()
	return d
}

// BenchmarkRenderRetroBoard draws the board of a retrospective with 200
// revealed cards in four columns at 200×60, the widest case.
func BenchmarkRenderRetroBoard(b *testing.B) {
	d := newRetroDriver(b, session.Config{Format: session.FourLs})
	d.toPhase(session.Write)
	for i := range 200 {
		d.do(fac, session.AddCard{Column: i % 4, Text: fmt.Sprintf("card %03d: something the team wants to keep, drop or try next sprint", i)})
	}
	d.toPhase(session.Group)
	if n := len(d.state().Cards); n != 200 || !d.state().Revealed {
		b.Fatalf("%d cards, revealed %v", n, d.state().Revealed)
	}
	d.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	if !strings.Contains(ansi.Strip(d.m.View().Content), "card 199") && !strings.Contains(ansi.Strip(d.m.View().Content), "card 000") {
		b.Fatalf("the board shows no card:\n%s", ansi.Strip(d.m.View().Content))
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = d.m.View()
	}
}
