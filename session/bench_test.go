package session

import (
	"fmt"
	"testing"
	"time"
)

// benchState is a stand-up in its rounds with n participants and n parked
// topics.
func benchState(b *testing.B, n int) *fixture {
	b.Helper()
	roster := make([]string, n)
	for i := range roster {
		roster[i] = fmt.Sprintf("member%03d", i)
	}
	f := newFixture(b, Config{Timebox: time.Hour}, roster...)
	f.arrive(roster...)
	f.must(fac, Start{})
	for i := range n {
		f.must(fac, Park{Topic: fmt.Sprintf("topic %d", i)})
	}
	return f
}

func BenchmarkApplyEvent(b *testing.B) {
	f := benchState(b, 20)
	e := Event{Seq: f.s.Seq + 1, Time: f.now, Actor: fac, Payload: &BlockerNoted{Speaker: Person{ID: fac, Name: "maria"}, Text: "x"}}
	s := f.s.Clone()
	b.ReportAllocs()
	for b.Loop() {
		s.Apply(e)
		s.Blockers = s.Blockers[:0]
	}
}

func BenchmarkDecideAndApply(b *testing.B) {
	f := benchState(b, 20)
	s := f.s.Clone()
	b.ReportAllocs()
	for b.Loop() {
		ps, err := Decide(s, fac, Park{Topic: "a topic to park"}, Env{Now: f.now, Rand: f.rand})
		if err != nil {
			b.Fatal(err)
		}
		s.Apply(Event{Seq: s.Seq + 1, Time: f.now, Actor: fac, Payload: ps[0]})
		s.Items = s.Items[:20]
	}
}

func BenchmarkSnapshot(b *testing.B) {
	for _, n := range []int{10, 200} {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			s := benchState(b, n).s
			b.ReportAllocs()
			for b.Loop() {
				_ = s.Clone()
			}
		})
	}
}

func BenchmarkFold10000Events(b *testing.B) {
	f := benchState(b, 20)
	for len(f.events) < 10000 {
		f.must(fac, NoteBlocker{Text: "blocked"})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Fold("s1", f.events)
	}
}
