package session

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// watcher joins over SSH to watch (the door is open in these fixtures).
const watcher ParticipantID = "ssh:k-watch"

func (f *fixture) watch() {
	f.tb.Helper()
	f.must(watcher, Join{Key: "k-watch", Name: "Wanda", Observer: true})
}

// TestCorrectionsAreRefused: who may not correct what, and what a wrong
// index, an empty text or the wrong phase get. A refused correction
// writes nothing.
func TestCorrectionsAreRefused(t *testing.T) {
	lukas, julia := RosterID("Lukas"), RosterID("Julia")
	guestID := RosterID("Lukass")
	rounds := func(f *fixture) { f.arrive("Lukas", "Julia"); f.must(fac, Start{}) }
	parked := func(f *fixture) { f.arrive("Lukas", "Julia"); f.must(lukas, Park{Topic: "ci is red"}) }
	blocked := func(f *fixture) { rounds(f); f.must(lukas, NoteBlocker{Text: "no access"}) }
	tests := []struct {
		name  string
		setup func(f *fixture)
		actor ParticipantID
		cmd   Command
		want  error
	}{
		// Unmarking someone present.
		{"a member cannot unmark someone", func(f *fixture) { f.arrive("Lukas", "Julia") }, lukas, Unarrive{Who: julia}, ErrForbidden},
		{"a watcher cannot unmark someone", func(f *fixture) { f.arrive("Lukas"); f.watch() }, watcher, Unarrive{Who: lukas}, ErrForbidden},
		{"a stranger cannot unmark someone", func(f *fixture) { f.arrive("Lukas") }, "ssh:stranger", Unarrive{Who: lukas}, ErrForbidden},
		{"unmarking nobody is not found", nil, fac, Unarrive{Who: "roster:Nobody"}, ErrNotFound},
		{"unmarking one not marked conflicts", nil, fac, Unarrive{Who: lukas}, ErrConflict},
		{"a guest is removed, not unmarked", func(f *fixture) { f.arrive("Lukass") }, fac, Unarrive{Who: guestID}, ErrInvalid},
		{"one who joined by key is not unmarked", func(f *fixture) { f.must(SSHID("k1"), Join{Key: "k1", Name: "lukas"}) }, fac, Unarrive{Who: lukas}, ErrInvalid},
		{"one who has had a turn is not unmarked", rounds, fac, Unarrive{Who: lukas}, ErrConflict},
		// Removing a guest.
		{"a member cannot remove a guest", func(f *fixture) { f.arrive("Lukas", "Lukass") }, lukas, RemoveGuest{Who: guestID}, ErrForbidden},
		{"a roster member is no guest", func(f *fixture) { f.arrive("Lukas") }, fac, RemoveGuest{Who: lukas}, ErrInvalid},
		{"the facilitator is no guest", nil, fac, RemoveGuest{Who: fac}, ErrInvalid},
		{"a guest with a key is removed with remove", func(f *fixture) { f.must(SSHID("g"), Join{Key: "g", Name: "Gus"}) }, fac, RemoveGuest{Who: SSHID("g")}, ErrInvalid},
		{"a guest who had a turn stays", func(f *fixture) { f.arrive("Lukass"); f.must(fac, Start{}) }, fac, RemoveGuest{Who: guestID}, ErrConflict},
		{"a guest who parked a topic stays", func(f *fixture) { f.arrive("Lukass"); f.must(fac, Park{Topic: "x", RaisedBy: guestID}) }, fac, RemoveGuest{Who: guestID}, ErrConflict},
		{"removing nobody is not found", nil, fac, RemoveGuest{Who: "roster:Nobody"}, ErrNotFound},
		// Turning a guest into a member.
		{"a member cannot promote a guest", func(f *fixture) { f.arrive("Lukas", "Lukass") }, lukas, PromoteGuest{Who: guestID}, ErrForbidden},
		{"a watcher is not promoted", func(f *fixture) { f.watch() }, fac, PromoteGuest{Who: watcher}, ErrInvalid},
		{"a roster member is not promoted", func(f *fixture) { f.arrive("Lukas") }, fac, PromoteGuest{Who: lukas}, ErrInvalid},
		// Parked topics.
		{"another member cannot edit a topic", parked, julia, EditItem{Item: 1, Topic: "x"}, ErrForbidden},
		{"a watcher cannot edit a topic", func(f *fixture) { parked(f); f.watch() }, watcher, EditItem{Item: 1, Topic: "x"}, ErrForbidden},
		{"a stranger cannot delete a topic", parked, "ssh:stranger", DeleteItem{Item: 1}, ErrForbidden},
		{"another member cannot delete a topic", parked, julia, DeleteItem{Item: 1}, ErrForbidden},
		{"editing an unknown topic is not found", parked, fac, EditItem{Item: 7, Topic: "x"}, ErrNotFound},
		{"deleting an unknown topic is not found", parked, fac, DeleteItem{Item: 0}, ErrNotFound},
		{"an empty topic is invalid", parked, lukas, EditItem{Item: 1, Topic: " \u200b "}, ErrInvalid},
		{"the same topic changes nothing", parked, lukas, EditItem{Item: 1, Topic: "ci  is red"}, ErrConflict},
		{"a resolved topic is not edited", func(f *fixture) { parked(f); f.must(fac, Resolve{Item: 1, Status: Dropped}) }, fac, EditItem{Item: 1, Topic: "x"}, ErrConflict},
		{"a resolved topic is not deleted", func(f *fixture) { parked(f); f.must(fac, Resolve{Item: 1, Status: Discussed}) }, fac, DeleteItem{Item: 1}, ErrConflict},
		// Blockers.
		{"another member cannot edit a blocker", blocked, julia, EditBlocker{Blocker: 0, Text: "x"}, ErrForbidden},
		{"a stranger cannot delete a blocker", blocked, "ssh:stranger", DeleteBlocker{Blocker: 0}, ErrForbidden},
		{"a watcher cannot delete a blocker", func(f *fixture) { blocked(f); f.watch() }, watcher, DeleteBlocker{Blocker: 0}, ErrForbidden},
		{"a blocker past the end is not found", blocked, fac, EditBlocker{Blocker: 1, Text: "x"}, ErrNotFound},
		{"a negative blocker is not found", blocked, fac, DeleteBlocker{Blocker: -1}, ErrNotFound},
		{"an empty blocker is invalid", blocked, lukas, EditBlocker{Blocker: 0, Text: "\t"}, ErrInvalid},
		{"a blocker that changed meanwhile conflicts", blocked, fac, DeleteBlocker{Blocker: 0, Was: "something else"}, ErrConflict},
		{"no blockers before the rounds", nil, fac, DeleteBlocker{Blocker: 0}, ErrNotFound},
		// The speaking order.
		{"a member cannot choose the next speaker", rounds, lukas, UpNext{Who: julia}, ErrForbidden},
		{"the next speaker is chosen in the rounds only", func(f *fixture) { f.arrive("Lukas", "Julia") }, fac, UpNext{Who: julia}, ErrPhase},
		{"the speaker is not up next", rounds, fac, UpNext{Who: lukas}, ErrConflict},
		{"who is up next already is not moved", rounds, fac, UpNext{Who: julia}, ErrConflict},
		{"who is up next is not moved up", rounds, fac, MoveUp{Who: julia}, ErrConflict},
		{"who has spoken is not up next", func(f *fixture) { rounds(f); f.must(fac, Next{}) }, fac, UpNext{Who: lukas}, ErrConflict},
		{"who is away is not up next", func(f *fixture) { rounds(f); f.arrive("Jörg"); f.must(fac, Leave{Who: RosterID("Jörg")}) }, fac, UpNext{Who: RosterID("Jörg")}, ErrInvalid},
		{"a watcher does not speak", func(f *fixture) { rounds(f); f.watch() }, fac, UpNext{Who: watcher}, ErrInvalid},
		{"nobody is not up next", rounds, fac, MoveUp{Who: "roster:Nobody"}, ErrNotFound},
		{"giving the floor to another for a turn that is over conflicts", func(f *fixture) { rounds(f); f.arrive("Jörg") }, fac,
			UpNext{Who: RosterID("Jörg"), Now: true, Speaker: julia}, ErrConflict},
		// After the end nothing is corrected.
		{"a topic is not edited after the end", func(f *fixture) { parked(f); f.must(fac, End{}) }, fac, EditItem{Item: 1, Topic: "x"}, ErrPhase},
		{"a blocker is not deleted after the end", func(f *fixture) { blocked(f); f.must(fac, End{}) }, fac, DeleteBlocker{Blocker: 0}, ErrPhase},
		{"nobody is unmarked after the end", func(f *fixture) { f.arrive("Lukas"); f.must(fac, End{}) }, fac, Unarrive{Who: lukas}, ErrPhase},
		// Retrospective commands in a stand-up.
		{"a stand-up has no phase to go back to", rounds, fac, Back{}, ErrPhase},
		{"a stand-up has no action items to skip to", rounds, fac, SkipToActions{}, ErrPhase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{OpenDoor: true}, "Lukas", "Julia", "Jörg")
			if tt.setup != nil {
				tt.setup(f)
			}
			before := f.s.Seq
			err := f.do(tt.actor, tt.cmd)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if f.s.Seq != before {
				t.Fatalf("a refused correction wrote events: seq %d -> %d", before, f.s.Seq)
			}
		})
	}
}

func TestUnmarkingSomeonePresent(t *testing.T) {
	lukas := RosterID("Lukas")
	t.Run("in the waiting room they are expected again, and not late", func(t *testing.T) {
		f := newFixture(t, Config{}, "Lukas", "Julia")
		f.advance(5 * time.Minute)
		f.arrive("Lukas")
		f.must(fac, Unarrive{Who: lukas})
		p, _ := f.s.Participant(lukas)
		if p.Present || !p.Arrived.IsZero() || p.LateBy != 0 || !p.Expected {
			t.Fatalf("after unmarking: %+v", p)
		}
		if !slices.ContainsFunc(f.s.Absent(), func(q Participant) bool { return q.ID == lukas }) {
			t.Fatal("Lukas is not missing after unmarking")
		}
		f.advance(5 * time.Minute)
		f.arrive("Lukas")
		if p, _ := f.s.Participant(lukas); p.LateBy != 10*time.Minute {
			t.Fatalf("coming later counts from then: late by %s", p.LateBy)
		}
	})
	t.Run("during the rounds they leave the speaking order", func(t *testing.T) {
		f := newFixture(t, Config{}, "Lukas", "Julia", "Jörg")
		f.arrive("Julia", "Lukas", "Jörg")
		f.must(fac, Start{})
		f.must(fac, Unarrive{Who: lukas})
		if got := f.names(f.s.Order); !slices.Equal(got, []string{"Julia", "Jörg"}) {
			t.Fatalf("order %v", got)
		}
		if got := f.names(f.s.Upcoming()); !slices.Equal(got, []string{"Jörg"}) {
			t.Fatalf("up next %v", got)
		}
	})
	t.Run("the facilitator marked present by mistake", func(t *testing.T) {
		f := newFixture(t, Config{}, "Lukas")
		f.must(fac, Arrive{Who: fac})
		f.must(fac, Unarrive{Who: fac})
		if p, _ := f.s.Participant(fac); p.Present || !p.Arrived.IsZero() {
			t.Fatalf("facilitator %+v", p)
		}
	})
}

func TestRemovingAGuest(t *testing.T) {
	f := newFixture(t, Config{}, "Lukas", "Julia")
	f.arrive("Lukas", "Julai", "Julia")
	f.must(fac, Start{})
	mistake := RosterID("Julai")
	f.must(fac, RemoveGuest{Who: mistake})
	if _, ok := f.s.Participant(mistake); ok {
		t.Fatal("the guest is still a participant")
	}
	if got := f.names(f.s.Order); !slices.Equal(got, []string{"Lukas", "Julia"}) {
		t.Fatalf("order %v", got)
	}
	// The name is free again.
	f.must(fac, Arrive{Name: "Julai"})
	if p, ok := f.s.Participant(mistake); !ok || !p.Present {
		t.Fatalf("marking the name again: %+v", p)
	}
}

func TestPromotingAGuest(t *testing.T) {
	t.Run("a guest becomes expected", func(t *testing.T) {
		f := newFixture(t, Config{}, "Lukas")
		f.arrive("Eli")
		eli := RosterID("Eli")
		f.must(fac, PromoteGuest{Who: eli, Team: &Team{Name: "musicstore"}}) // locally the operator owns every team
		if p, _ := f.s.Participant(eli); !p.Expected || !p.Present {
			t.Fatalf("after promotion %+v", p)
		}
		if err := f.do(fac, PromoteGuest{Who: eli}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("promoting twice: %v", err)
		}
		f.must(fac, Leave{Who: eli})
		if !slices.ContainsFunc(f.s.Absent(), func(q Participant) bool { return q.ID == eli }) {
			t.Fatal("a member who left is not missing")
		}
	})
	t.Run("over SSH only a facilitator who owns the team promotes", func(t *testing.T) {
		f := newFixture(t, Config{OpenDoor: true}, "Lukas")
		olga, gus := SSHID("k-olga"), SSHID("k-gus")
		f.must(olga, Join{Key: "k-olga", Name: "Olga"})
		f.must(gus, Join{Key: "k-gus", Name: "Gus"})
		f.must(fac, HandOver{To: olga})
		notOwner := &Team{Name: "musicstore", Owners: []string{"k-owner"}}
		if err := f.do(olga, PromoteGuest{Who: gus, Team: notOwner}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("a facilitator who does not own the team: %v", err)
		}
		keyTaken := &Team{Name: "musicstore", Owners: []string{"k-olga"}, Members: []string{"Lukas"}, Keys: map[string]string{"Lukas": "k-gus"}}
		if err := f.do(olga, PromoteGuest{Who: gus, Team: keyTaken}); !errors.Is(err, ErrConflict) {
			t.Fatalf("a key that is another member's: %v", err)
		}
		otherGus := &Team{Name: "musicstore", Owners: []string{"k-olga"}, Members: []string{"Gus"}, Keys: map[string]string{"Gus": "k-gus-2"}}
		if err := f.do(olga, PromoteGuest{Who: gus, Team: otherGus}); !errors.Is(err, ErrConflict) {
			t.Fatalf("a name the team has bound to another key: %v", err)
		}
		f.must(olga, PromoteGuest{Who: gus, Team: &Team{Name: "musicstore", Owners: []string{"k-olga"}}})
		if p, _ := f.s.Participant(gus); !p.Expected {
			t.Fatalf("Gus %+v", p)
		}
	})
}

func TestCorrectingParkedTopics(t *testing.T) {
	lukas := RosterID("Lukas")
	f := newFixture(t, Config{}, "Lukas", "Julia")
	f.arrive("Lukas", "Julia")
	f.must(fac, Start{})
	f.must(lukas, Park{Topic: "ci is rde"})
	f.must(fac, Park{Topic: "parked by mistake"})
	f.must(lukas, EditItem{Item: 1, Topic: "ci is red"})
	if it, _ := f.s.Item(1); it.Topic != "ci is red" || it.RaisedBy.ID != lukas {
		t.Fatalf("edited item %+v", it)
	}
	f.must(fac, EditItem{Item: 1, Topic: "CI is red"})
	f.must(fac, DeleteItem{Item: 2})
	if _, ok := f.s.Item(2); ok || len(f.s.OpenItems()) != 1 {
		t.Fatalf("items %+v", f.s.Items)
	}
	f.must(fac, DeleteItem{Item: 1})
	// With nothing left in the parking lot, the last turn ends the stand-up.
	f.must(fac, Next{})
	f.must(fac, Next{})
	if f.s.Phase != Closed {
		t.Fatalf("phase %s, want closed: the parking lot is empty", f.s.Phase)
	}
}

func TestCorrectingBlockers(t *testing.T) {
	lukas, julia := RosterID("Lukas"), RosterID("Julia")
	f := newFixture(t, Config{}, "Lukas", "Julia")
	f.arrive("Lukas", "Julia")
	f.must(fac, Start{})
	f.must(lukas, NoteBlocker{Text: "no acess"})
	f.must(fac, NoteBlocker{Speaker: julia, Text: "waiting for design"})
	f.must(lukas, EditBlocker{Blocker: 0, Was: "no acess", Text: "no access to staging"})
	f.must(julia, EditBlocker{Blocker: 1, Text: "waiting for the design review"}) // the speaker's own, noted by the facilitator
	f.must(fac, DeleteBlocker{Blocker: 0, Was: "no access to staging"})
	if len(f.s.Blockers) != 1 || f.s.Blockers[0].Text != "waiting for the design review" || f.s.Blockers[0].Speaker.ID != julia {
		t.Fatalf("blockers %+v", f.s.Blockers)
	}
	// A second press of the same delete meets another blocker and stops.
	if err := f.do(fac, DeleteBlocker{Blocker: 0, Was: "no access to staging"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a stale delete: %v", err)
	}
	f.must(fac, Next{})
	f.must(fac, Park{Topic: "x"})
	f.must(fac, Next{}) // the parking lot: blockers are still corrected there
	f.must(julia, DeleteBlocker{Blocker: 0})
	if len(f.s.Blockers) != 0 {
		t.Fatalf("blockers %+v", f.s.Blockers)
	}
}

func TestChoosingTheNextSpeaker(t *testing.T) {
	tests := []struct {
		name    string
		cmd     Command
		speaker string
		order   []string
	}{
		{"up next puts someone right after the speaker", UpNext{Who: RosterID("Dario")}, "Anna", []string{"Anna", "Dario", "Ben", "Carla"}},
		{"up next now gives them the floor", UpNext{Who: RosterID("Carla"), Now: true, Speaker: RosterID("Anna")}, "Carla", []string{"Anna", "Carla", "Ben", "Dario"}},
		{"up next now for who is next anyway", UpNext{Who: RosterID("Ben"), Now: true}, "Ben", []string{"Anna", "Ben", "Carla", "Dario"}},
		{"move up moves one place", MoveUp{Who: RosterID("Dario")}, "Anna", []string{"Anna", "Ben", "Dario", "Carla"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{Order: OrderJoin}, "Anna", "Ben", "Carla", "Dario")
			f.arrive("Anna", "Ben", "Carla", "Dario")
			f.must(fac, Start{})
			f.must(fac, tt.cmd)
			if f.speaker() != tt.speaker {
				t.Fatalf("speaker %s, want %s", f.speaker(), tt.speaker)
			}
			if got := f.names(f.s.Order); !slices.Equal(got, tt.order) {
				t.Fatalf("order %v, want %v", got, tt.order)
			}
			// Everyone still speaks once.
			for f.s.Phase == Rounds {
				f.must(fac, Next{})
			}
			if len(f.s.Turns) != 4 {
				t.Fatalf("%d turns, want 4", len(f.s.Turns))
			}
		})
	}
}

func TestMarkedPresentThenJoinsByKeyIsOneParticipant(t *testing.T) {
	for _, during := range []Phase{Waiting, Rounds} {
		t.Run(during.String(), func(t *testing.T) {
			f := newFixture(t, Config{}, "Eli", "Ana")
			f.arrive("Eli", "Ana")
			if during == Rounds {
				f.must(fac, Start{})
			}
			n := len(f.s.Participants)
			f.advance(3 * time.Minute)
			f.must(SSHID("k-eli"), Join{Key: "k-eli", Name: "eli"})
			p, ok := f.s.ByKey("k-eli")
			if !ok || p.ID != RosterID("Eli") || !p.Present || p.LateBy != 0 {
				t.Fatalf("the key is %+v", p)
			}
			if len(f.s.Participants) != n {
				t.Fatalf("%d participants, want %d", len(f.s.Participants), n)
			}
			if slices.ContainsFunc(f.s.Participants, func(q Participant) bool { return strings.HasPrefix(q.Name, "eli") }) {
				t.Fatal("an 'eli 2' appeared")
			}
			if got := f.names(f.s.Order); during == Rounds && !slices.Equal(got, []string{"Eli", "Ana"}) {
				t.Fatalf("order %v: one turn each", got)
			}
			// A second connection of the key writes nothing.
			seq := f.s.Seq
			f.must(SSHID("k-eli"), Join{Key: "k-eli", Name: "eli"})
			if f.s.Seq != seq {
				t.Fatal("a second connection wrote events")
			}
		})
	}
	t.Run("a key bound to someone else knocks", func(t *testing.T) {
		f := newFixture(t, Config{}, "Eli", "Ana")
		f.arrive("Eli")
		f.must(SSHID("k-x"), Join{Key: "k-x", Name: "eli", Team: &Team{Name: "musicstore", Members: []string{"Eli", "Ana"}, Keys: map[string]string{"Eli": "k-eli"}}})
		if _, ok := f.s.ByKey("k-x"); ok {
			t.Fatal("another key took Eli's place")
		}
		if _, ok := f.s.Knocker("k-x"); !ok {
			t.Fatal("the other key does not knock")
		}
	})
	t.Run("the facilitator admits a knocking key as the member marked present", func(t *testing.T) {
		f := newFixture(t, Config{}, "Eli")
		f.arrive("Eli")
		f.must(SSHID("k-x"), Join{Key: "k-x", Name: "elias", Team: &Team{Name: "musicstore", Members: []string{"Eli"}, Keys: map[string]string{"Eli": "k-other"}}})
		f.must(fac, Admit{Key: "k-x", As: "Eli"})
		if p, _ := f.s.ByKey("k-x"); p.ID != RosterID("Eli") || len(f.s.Participants) != 2 {
			t.Fatalf("admitted as %+v among %d", p, len(f.s.Participants))
		}
	})
}

// In a retrospective that moves on when everyone is done, unmarking the
// last one who was not done moves it on, as their leaving would.
func TestUnmarkingTheLastOneNotDoneMovesOn(t *testing.T) {
	f := newRetro(t, Config{AutoAdvance: true}, "Lukas", "Julia")
	f.to(CheckIn)
	f.must(lukas, SetReady{Ready: true})
	f.must(fac, Unarrive{Who: julia})
	if f.s.Phase != Review {
		t.Fatalf("phase %s, want review", f.s.Phase)
	}
}
