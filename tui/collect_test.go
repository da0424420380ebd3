package tui

import (
	"testing"

	"huddle/session"
)

// In a retrospective opened for collecting, members write cards in the
// waiting room: w into the column tab picks; the others see only that
// there are cards, not what they say, until the reveal.
func TestCardsWrittenAheadInTheWaitingRoom(t *testing.T) {
	d := newRetroDriver(t, session.Config{Collect: true, Anonymous: true}, "Lukas", "Julia")
	lukas, julia := session.RosterID("Lukas"), session.RosterID("Julia")
	d.do(fac, session.Arrive{Who: lukas})
	d.do(fac, session.Arrive{Who: julia})
	l := d.as(lukas)
	l.see("Cards written ahead", "none of yours yet")
	l.seeKeys("w write a card (" + d.state().Config.Columns[0] + ")")
	l.press("w")
	l.write("pairing helped")
	l.press("tab")
	l.seeKeys("w write a card (" + d.state().Config.Columns[1] + ")")
	l.press("w")
	l.write("flaky tests")
	l.see("• pairing helped · "+d.state().Config.Columns[0], "• flaky tests · "+d.state().Config.Columns[1])
	if n := len(d.state().Cards); n != 2 {
		t.Fatalf("%d cards", n)
	}
	j := d.as(julia)
	j.see("2 cards by the others", "none of yours yet")
	j.notSee("pairing helped", "flaky tests")
	// The facilitator's a still marks arrivals; an observer writes nothing.
	d.seeKeys("w write a card")
	d.press("a")
	d.see("Who arrived?")
}

// A retrospective not opened for collecting has no cards in the waiting
// room.
func TestNoCardsAheadWithoutCollect(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.do(fac, session.Arrive{Who: session.RosterID("Lukas")})
	l := d.as(session.RosterID("Lukas"))
	l.notSee("Cards written ahead")
	l.notSeeKeys("write a card")
	l.press("w")
	if l.m.retro.ui().prompt != nil {
		t.Fatal("w opened a prompt")
	}
}
