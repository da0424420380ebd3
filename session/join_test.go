package session

import (
	"errors"
	"testing"
	"time"
)

func TestJoinWithKeys(t *testing.T) {
	f := newFixture(t, Config{OpenDoor: true}, "Lukas", "Julia")
	f.must(SSHID("k1"), Join{Key: "k1", Name: "lukas"})

	t.Run("a new key claims the roster member of that name", func(t *testing.T) {
		p, ok := f.s.ByKey("k1")
		if !ok || p.ID != RosterID("Lukas") || !p.Present || p.Name != "Lukas" {
			t.Fatalf("participant %+v", p)
		}
	})
	t.Run("the same key again is the same participant and writes nothing", func(t *testing.T) {
		before := f.s.Seq
		f.must(SSHID("k1"), Join{Key: "k1", Name: "someone else"})
		if f.s.Seq != before || len(f.s.Participants) != 3 {
			t.Fatalf("seq %d→%d, %d participants", before, f.s.Seq, len(f.s.Participants))
		}
	})
	t.Run("another key with a taken name gets a unique one", func(t *testing.T) {
		f.must(SSHID("k2"), Join{Key: "k2", Name: "Lukas"})
		p, _ := f.s.ByKey("k2")
		if p.ID != SSHID("k2") || p.Name != "Lukas 2" {
			t.Fatalf("participant %+v", p)
		}
	})
	t.Run("a name with escape sequences is cleaned", func(t *testing.T) {
		f.must(SSHID("k3"), Join{Key: "k3", Name: "\x1b]52;c;ZXZpbA==\x07mallory\u202e"})
		p, _ := f.s.ByKey("k3")
		if p.Name != "mallory" {
			t.Fatalf("name %q", p.Name)
		}
	})
	t.Run("leaving and coming back keeps the participant", func(t *testing.T) {
		f.advance(time.Minute)
		f.must(RosterID("Lukas"), Leave{Who: RosterID("Lukas")})
		if p, _ := f.s.ByKey("k1"); p.Present || p.AwaySince.IsZero() {
			t.Fatalf("after leaving: %+v", p)
		}
		f.must(SSHID("k1"), Join{Key: "k1", Name: "lukas"})
		if p, _ := f.s.ByKey("k1"); !p.Present || !p.AwaySince.IsZero() || len(f.s.Participants) != 5 {
			t.Fatalf("after coming back: %+v (%d participants)", p, len(f.s.Participants))
		}
	})
}

// A session recorded before every session named its facilitator: the
// first roster member to join takes the role, never a guest.
func TestFirstMemberOfAnOldSessionFacilitates(t *testing.T) {
	f := &fixture{tb: t, s: &State{ID: "s1"}, now: t0}
	f.record(System, &Created{Config: Config{Team: "musicstore", Timebox: time.Minute, OpenDoor: true}, Roster: []string{"Julia", "Lukas"}})
	f.must(SSHID("o"), Join{Key: "o", Name: "olga", Observer: true})
	f.must(SSHID("g"), Join{Key: "g", Name: "mallory"})
	if f.s.Facilitator != "" {
		t.Fatalf("%s became the facilitator", f.s.Name(f.s.Facilitator))
	}
	f.must(SSHID("j"), Join{Key: "j", Name: "julia"})
	if p, _ := f.s.ByKey("j"); p.Role != Facilitator || f.s.Facilitator != p.ID {
		t.Fatalf("julia %+v, facilitator %q", p, f.s.Facilitator)
	}
	f.must(SSHID("l"), Join{Key: "l", Name: "lukas"})
	if p, _ := f.s.ByKey("l"); p.Role != Member {
		t.Fatalf("the second member is %s", p.Role)
	}
}

func TestNamedFacilitatorIsClaimedByName(t *testing.T) {
	f := &fixture{tb: t, s: &State{ID: "s1"}, now: t0}
	f.record(System, &Created{Config: Config{Team: "musicstore", Timebox: time.Minute}, Facilitator: Person{ID: RosterID("Maria"), Name: "Maria"}, Roster: []string{"Lukas"}})
	f.must(SSHID("l"), Join{Key: "l", Name: "lukas"})
	f.must(SSHID("m"), Join{Key: "m", Name: "maria"})
	if p, _ := f.s.ByKey("m"); p.ID != RosterID("Maria") || p.Role != Facilitator {
		t.Fatalf("maria %+v", p)
	}
}

func TestHandOverAndTakeOver(t *testing.T) {
	f := newFixture(t, Config{}, "Lukas", "Julia")
	f.must(SSHID("f"), Join{Key: "f", Name: "maria"}) // claims the facilitator
	f.must(SSHID("l"), Join{Key: "l", Name: "Lukas"})
	f.must(SSHID("j"), Join{Key: "j", Name: "Julia"})
	lukas, julia := RosterID("Lukas"), RosterID("Julia")

	if err := f.do(lukas, TakeOver{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("take over while the facilitator is here: %v", err)
	}
	f.must(fac, HandOver{To: lukas})
	if f.s.Facilitator != lukas {
		t.Fatal("hand over did not move the role")
	}
	if p, _ := f.s.Participant(fac); p.Role != Member {
		t.Fatalf("the previous facilitator is %s", p.Role)
	}
	if err := f.do(fac, Start{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("the previous facilitator could still start: %v", err)
	}
	f.must(lukas, Leave{Who: lukas})
	f.advance(TakeOverAfter - time.Second)
	if err := f.do(julia, TakeOver{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("take over before two minutes: %v", err)
	}
	f.advance(time.Second)
	f.must(julia, TakeOver{})
	if f.s.Facilitator != julia {
		t.Fatal("take over did not move the role")
	}
	if err := f.do(julia, HandOver{To: lukas}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("hand over to someone away: %v", err)
	}
}

func TestBoundNamesOnlyForTheirKey(t *testing.T) {
	f := &fixture{tb: t, s: &State{ID: "s1"}, now: t0}
	f.record(System, &Created{Config: Config{Team: "t", Timebox: time.Minute}, Facilitator: Person{ID: RosterID("Alice"), Name: "Alice"},
		Roster: []string{"Alice", "Bob"}, Bound: map[string]string{"Alice": "k-alice"}})
	f.must(SSHID("k-eve"), Join{Key: "k-eve", Name: "alice"})
	if p, ok := f.s.ByKey("k-eve"); ok {
		t.Fatalf("another key claimed a bound name: %+v", p)
	}
	if _, knocking := f.s.Knocker("k-eve"); !knocking {
		t.Fatal("another key with a bound name does not wait at the door")
	}
	f.must(SSHID("k-alice"), Join{Key: "k-alice", Name: "alice"})
	if p, _ := f.s.ByKey("k-alice"); p.ID != RosterID("Alice") || p.Role != Facilitator {
		t.Fatalf("the bound key did not get its name: %+v", p)
	}
}

func TestWatchingAndJoining(t *testing.T) {
	f := newFixture(t, Config{OpenDoor: true}, "Lukas")
	f.must(SSHID("k"), Join{Key: "k", Name: "olga", Observer: true})
	f.must(SSHID("k"), Join{Key: "k", Name: "olga"})
	if p, _ := f.s.ByKey("k"); p.Role != Member {
		t.Fatalf("a watcher who joins stays %s", p.Role)
	}
	if err := f.do(SSHID("k"), Join{Key: "k", Name: "olga", Observer: true}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a member watching: %v", err)
	}
}

func TestTakeOverCountsFromTheScheduledStart(t *testing.T) {
	f := &fixture{tb: t, s: &State{ID: "s1"}, now: t0}
	f.record(System, &Created{Config: Config{Team: "t", Timebox: time.Minute, ScheduledAt: t0.Add(time.Hour)},
		Facilitator: Person{ID: RosterID("Maria"), Name: "Maria"}, Roster: []string{"Lukas"}})
	f.must(SSHID("l"), Join{Key: "l", Name: "Lukas"})
	f.advance(10 * time.Minute)
	if err := f.do(RosterID("Lukas"), TakeOver{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("took over before the planned start: %v", err)
	}
	f.advance(time.Hour)
	f.must(RosterID("Lukas"), TakeOver{})
}
