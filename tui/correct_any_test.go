package tui

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"huddle/session"
)

// The key state asks whether there is anyone to unmark, promote or move
// and whether there is a blocker or topic of one's own without listing
// them (setCorrections runs on every update): each answer is the list's.
func TestAnyIsTheListsLength(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 15))
	roles := []session.Role{session.Facilitator, session.Member, session.Observer}
	for n := range 3000 {
		s := &session.State{Phase: session.Rounds}
		ids := []session.ParticipantID{}
		for i := range r.IntN(6) {
			id := session.ParticipantID(fmt.Sprintf("p%d", i))
			ids = append(ids, id)
			p := session.Participant{ID: id, Role: roles[r.IntN(3)], Expected: r.IntN(2) == 0, Present: r.IntN(3) > 0, Removed: r.IntN(5) == 0}
			if r.IntN(3) == 0 {
				p.Key = "SHA256:k"
			}
			s.Participants = append(s.Participants, p)
			s.Order = append(s.Order, id)
		}
		pick := func() session.ParticipantID {
			if len(ids) == 0 || r.IntN(4) == 0 {
				return "nobody"
			}
			return ids[r.IntN(len(ids))]
		}
		if r.IntN(3) > 0 {
			s.Facilitator = pick()
		}
		for range r.IntN(3) {
			s.Turns = append(s.Turns, session.Turn{Speaker: pick()})
		}
		s.Pos = r.IntN(len(s.Order) + 1)
		if r.IntN(4) == 0 {
			s.Phase = session.Waiting
		}
		for range r.IntN(3) {
			s.Blockers = append(s.Blockers, session.Blocker{Speaker: session.Person{ID: pick()}, NotedBy: pick()})
		}
		for range r.IntN(4) {
			s.Items = append(s.Items, session.Item{Status: session.Status(r.IntN(3)), RaisedBy: session.Person{ID: pick()}})
		}
		me, fac := pick(), r.IntN(2) == 0
		check := func(what string, got, want bool) {
			if got != want {
				t.Fatalf("state %d, me %s, fac %v: any %s %v, want %v\n%+v", n, me, fac, what, got, want, s)
			}
		}
		check("unmarkable", anyUnmarkable(s, me), len(unmarkable(s, me)) > 0)
		check("promotable", anyPromotable(s), len(promotable(s)) > 0)
		check("movable", anyMovable(s), len(movable(s)) > 0)
		check("own blocker", anyOwnBlocker(s, me, fac), len(ownBlockers(s, me, fac)) > 0)
		open := s.OpenItems()
		for i := -1; i <= len(s.Items); i++ {
			it, ok := openItem(s, i)
			check(fmt.Sprintf("open item %d", i), ok, i >= 0 && i < len(open))
			if ok && it.RaisedBy != open[i].RaisedBy {
				t.Fatalf("state %d: open item %d raised by %v, want %v", n, i, it.RaisedBy, open[i].RaisedBy)
			}
		}
	}
}
