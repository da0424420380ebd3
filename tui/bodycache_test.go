package tui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// A shared body is exactly the body the participant's own program would
// draw: for each role, size, cursor and clock second, in the waiting room
// and in the rounds, asked in an order that makes every key meet its
// neighbours in the cache.
func TestSharedBodyIsTheParticipantsOwn(t *testing.T) {
	d := newDriver(t, session.Config{}, "ana", "ben", "cem")
	if err := d.room.Submit(fac, session.Arrive{Name: "ana"}); err != nil {
		t.Fatal(err)
	}
	member := New(d.room, "local:ana", Options{})
	member.ticking = false
	t.Cleanup(member.Close)
	observer := New(d.room, "ssh:watcher", Options{})
	observer.ticking = false
	t.Cleanup(observer.Close)

	check := func(phase string) {
		t.Helper()
		snap := d.room.Snapshot()
		for _, size := range [][2]int{{80, 24}, {120, 40}, {61, 17}} {
			for _, base := range []Model{d.m, member, observer} {
				for cursor := range 3 {
					for _, sec := range []int{0, 1} {
						m, _ := base.Update(snapshotMsg(snap))
						mm := m.(Model)
						mm, _ = updated(mm, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
						mm.cursor = cursor
						mm.now = snap.At.Add(time.Duration(sec) * time.Second)
						w, h := mm.bodySize()
						if _, ok := mm.cachedBody(w, h); !ok {
							t.Fatalf("%s: the body is not shared", phase)
						}
						want := mm.drawBody(w, h)
						for range 2 { // drawn, then from the cache
							if got := mm.body(w, h); got != want {
								t.Fatalf("%s, %v as %s, cursor %d, second %d: shared body differs from the own:\n%s\nwant:\n%s",
									phase, size, mm.role(), cursor, sec, got, want)
							}
						}
					}
				}
			}
		}
	}
	check("waiting room")
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

func updated(m Model, msg tea.Msg) (Model, tea.Cmd) {
	n, cmd := m.Update(msg)
	return n.(Model), cmd
}
