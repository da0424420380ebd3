package tui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// A shared body is exactly the body the participant's own program would
// draw at that whole second: for every role, size, cursor and clock, in
// the waiting room and in the rounds. Two members and two fractions of
// the same second share keys, so anything a body depends on that the key
// leaves out shows up as one participant seeing another's body.
func TestSharedBodyIsTheParticipantsOwn(t *testing.T) {
	d := newDriver(t, session.Config{}, "ana", "ben", "cem")
	for _, name := range []string{"ana", "ben"} {
		if err := d.room.Submit(fac, session.Arrive{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	models := []*Model{d.m}
	for _, id := range []session.ParticipantID{"local:ana", "local:ben", "ssh:watcher"} {
		m := New(d.room, id, Options{Bodies: testBodies})
		m.ticking = false
		t.Cleanup(m.Close)
		models = append(models, m)
	}

	check := func(phase string) {
		t.Helper()
		snap := d.room.Snapshot()
		base := snap.At.Truncate(time.Second)
		for _, size := range [][2]int{{80, 24}, {120, 40}, {61, 17}} {
			for cursor := range 3 {
				for _, after := range []time.Duration{1900 * time.Millisecond, 1100 * time.Millisecond, 2500 * time.Millisecond, 2 * time.Second} {
					for _, m := range models {
						mm, _ := updated(m, snapshotMsg(snap))
						mm, _ = updated(mm, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
						mm.cursor = cursor
						mm.now = base.Add(after)
						w, h := mm.bodySize()
						if _, ok := mm.cachedBody(w, h); !ok {
							t.Fatalf("%s: the body is not shared", phase)
						}
						at := mm.now
						mm.now = at.Truncate(time.Second)
						want := mm.drawBody(w, h) // its own, at the whole second
						mm.now = at
						if got := mm.body(w, h); got != want {
							t.Fatalf("%s, %v as %s (%s), cursor %d, clock +%v: the shared body differs from the own:\n%s\nwant:\n%s",
								phase, size, mm.me, mm.role(), cursor, after, got, want)
						}
					}
				}
			}
		}
	}
	check("waiting room")
	d.clock.Advance(700 * time.Millisecond) // the turns start at a fraction of a second
	d.press("n")
	if d.state().Phase != session.Rounds {
		t.Fatalf("phase %s, want rounds", d.state().Phase)
	}
	for i := range 5 {
		if err := d.room.Submit(fac, session.Park{Topic: fmt.Sprintf("topic %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	check("rounds")
	// The rounds' frame is shared across seconds, its countdowns filled
	// in each second: in the last quarter, in overtime and paused too.
	turn, _ := d.state().CurrentTurn()
	d.clock.Advance(turn.Timer.Budget * 4 / 5)
	if err := d.room.Submit(fac, session.Park{Topic: "late topic"}); err != nil {
		t.Fatal(err)
	}
	check("rounds, the turn's last quarter")
	d.clock.Advance(turn.Timer.Budget / 2)
	if err := d.room.Submit(fac, session.Park{Topic: "overtime topic"}); err != nil {
		t.Fatal(err)
	}
	check("rounds, the turn in overtime")
	if err := d.room.Submit(fac, session.Pause{Reason: "coffee"}); err != nil {
		t.Fatal(err)
	}
	check("rounds, paused")
}

// The bodies of different rooms, sizes and roles never mix.
func TestSharedBodiesDoNotMix(t *testing.T) {
	a := newDriver(t, session.Config{}, "ana")
	b := newDriver(t, session.Config{}, "ana")
	if err := b.room.Submit(fac, session.Park{Topic: "only in b"}); err != nil {
		t.Fatal(err)
	}
	b.deliver()
	a.deliver()
	a.m.now, b.m.now = t0, t0
	w, h := a.m.bodySize()
	if ab, bb := a.m.body(w, h), b.m.body(w, h); ab == bb {
		t.Fatal("two rooms share a body")
	}
}

func updated(m *Model, msg tea.Msg) (*Model, tea.Cmd) {
	n, cmd := m.Update(msg)
	return n.(*Model), cmd
}

// A program without a cache draws its own body, the same one.
func TestNoBodyCacheDrawsItsOwn(t *testing.T) {
	d := newDriver(t, session.Config{}, "ana")
	w, h := d.m.bodySize()
	shared := d.m.body(w, h)
	d.m.opts.Bodies = nil
	if own := d.m.body(w, h); own != shared {
		t.Fatalf("without a cache:\n%s\nwith one:\n%s", own, shared)
	}
}
