package session

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// HasUpcoming is Upcoming's emptiness, whoever is present, away, an
// observer, removed, prepared or missing from the roster, at every turn.
func TestHasUpcomingIsUpcomingNotEmpty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		s := &State{Phase: Rounds}
		n := r.IntN(8)
		for i := range n {
			id := ParticipantID(fmt.Sprintf("p%d", i))
			s.Participants = append(s.Participants, Participant{ID: id, Present: r.IntN(2) == 0, Role: Role(r.IntN(3)), Removed: r.IntN(6) == 0})
			if r.IntN(4) == 0 {
				s.Prepared = append(s.Prepared, Prepared{Who: Person{ID: id}, Replaced: r.IntN(3) == 0})
			}
			s.Order = append(s.Order, id)
		}
		if r.IntN(4) == 0 {
			s.Order = append(s.Order, "nobody") // not in the roster
		}
		r.Shuffle(len(s.Order), func(i, j int) { s.Order[i], s.Order[j] = s.Order[j], s.Order[i] })
		s.Pos = r.IntN(len(s.Order) + 1)
		if r.IntN(10) == 0 {
			s.Phase = Parking
		}
		if got, want := s.HasUpcoming(), len(s.Upcoming()) > 0; got != want {
			t.Fatalf("HasUpcoming %v, Upcoming %v, in %+v", got, s.Upcoming(), s)
		}
	}
}

// Names is Name of each.
func TestNamesAreEachName(t *testing.T) {
	s := &State{Participants: []Participant{{ID: "a", Name: "Ann"}, {ID: "b", Name: "Ben"}, {ID: "a", Name: "shadow"}}}
	ids := []ParticipantID{"b", "a", "nobody", "a"}
	got := s.Names(ids)
	for i, id := range ids {
		if got[i] != s.Name(id) {
			t.Fatalf("Names %v, want Name of each of %v", got, ids)
		}
	}
}
