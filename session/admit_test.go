package session

import (
	"errors"
	"testing"
	"time"
)

func TestTheDoor(t *testing.T) {
	team := &Team{Name: "musicstore", Members: []string{"Lukas", "Julia", "Jörg"}, Keys: map[string]string{"Julia": "k-julia"}}
	for _, tc := range []struct {
		name  string
		join  Join
		in    ParticipantID // "" : knocks
		knock bool
	}{
		{"an unbound roster name is claimed on first use", Join{Key: "k-lukas", Name: "lukas", Team: team}, RosterID("Lukas"), false},
		{"a bound key is its member whatever its user name", Join{Key: "k-julia", Name: "root", Team: team}, RosterID("Julia"), false},
		{"a bound name with another key knocks", Join{Key: "k-eve", Name: "julia", Team: team}, "", true},
		{"a name not on the roster knocks", Join{Key: "k-mallory", Name: "mallory", Team: team}, "", true},
		{"a watcher who is not the team's knocks", Join{Key: "k-w", Name: "petra", Observer: true, Team: team}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{}, "Lukas", "Julia", "Jörg")
			f.must(SSHID(tc.join.Key), tc.join)
			p, in := f.s.ByKey(tc.join.Key)
			_, knocking := f.s.Knocker(tc.join.Key)
			if (tc.in != "" && (!in || p.ID != tc.in)) || (tc.in == "" && in) || knocking != tc.knock {
				t.Fatalf("in %v as %+v, knocking %v", in, p, knocking)
			}
		})
	}
}

// The key that opened a session facilitates it; another key under the
// opener's name knocks.
func TestTheOpenersKeyFacilitates(t *testing.T) {
	f := &fixture{tb: t, s: &State{ID: "s1"}, now: t0}
	opener := Person{ID: SSHID("k-open"), Name: "maria"}
	f.record(opener.ID, &Created{Config: Config{Team: "t", Timebox: 15 * time.Minute}, Facilitator: opener, Roster: []string{"Lukas"}})
	f.must(SSHID("k-other"), Join{Key: "k-other", Name: "maria", Team: &Team{Name: "t", Members: []string{"Lukas"}}})
	if _, knocking := f.s.Knocker("k-other"); !knocking || f.s.Facilitator != opener.ID {
		t.Fatalf("another key took the opener's place: facilitator %q", f.s.Facilitator)
	}
	f.must(SSHID("k-open"), Join{Key: "k-open", Name: "whatever"})
	if p, _ := f.s.ByKey("k-open"); p.ID != opener.ID || p.Role != Facilitator || !p.Present {
		t.Fatalf("the opener: %+v", p)
	}
}

func TestTheFacilitatorAnswersTheDoor(t *testing.T) {
	team := &Team{Name: "musicstore", Members: []string{"Lukas", "Julia"}, Keys: map[string]string{"Julia": "k-julia"}}
	f := newFixture(t, Config{}, "Lukas", "Julia")
	for _, k := range []string{"k-a", "k-b", "k-c", "k-d"} {
		f.must(SSHID(k), Join{Key: k, Name: "knocker " + k, Team: team})
	}
	f.must(SSHID("k-a"), Join{Key: "k-a", Name: "again", Team: team}) // a second connection knocks once
	if len(f.s.Knocking) != 4 {
		t.Fatalf("%d knocks", len(f.s.Knocking))
	}
	if err := f.do(RosterID("Julia"), Admit{Key: "k-a"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("someone who does not facilitate let a knocker in: %v", err)
	}
	f.must(fac, Admit{Key: "k-a"})
	if p, ok := f.s.ByKey("k-a"); !ok || p.ID != SSHID("k-a") || p.Expected || !p.Present {
		t.Fatalf("admitted as a guest: %+v", p)
	}
	if err := f.do(fac, Admit{Key: "k-b", As: "Julia", Team: team}); !errors.Is(err, ErrConflict) {
		t.Fatalf("let in as a name bound to another key: %v", err)
	}
	f.must(fac, Admit{Key: "k-b", As: "lukas", Team: team})
	if p, _ := f.s.ByKey("k-b"); p.ID != RosterID("Lukas") {
		t.Fatalf("admitted as Lukas: %+v", p)
	}
	f.must(fac, TurnAway{Key: "k-c"})
	if err := f.do(SSHID("k-c"), Join{Key: "k-c", Name: "c", Team: team}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a key turned away knocked again: %v", err)
	}
	f.must(SSHID("k-d"), Withdraw{Key: "k-d"})
	if len(f.s.Knocking) != 0 {
		t.Fatalf("still knocking: %+v", f.s.Knocking)
	}
}

func TestTheFacilitatorRemovesAParticipant(t *testing.T) {
	f := newFixture(t, Config{OpenDoor: true}, "Lukas")
	f.must(SSHID("k-m"), Join{Key: "k-m", Name: "mallory"})
	f.must(SSHID("k-l"), Join{Key: "k-l", Name: "lukas"})
	f.must(fac, Start{})
	f.must(SSHID("k-m"), Park{Topic: "mallory's topic"})
	if err := f.do(RosterID("Lukas"), Remove{Who: SSHID("k-m")}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member removed someone: %v", err)
	}
	f.must(fac, Remove{Who: SSHID("k-m")})
	p, _ := f.s.Participant(SSHID("k-m"))
	if !p.Removed || p.Present {
		t.Fatalf("removed: %+v", p)
	}
	if err := f.do(SSHID("k-m"), Join{Key: "k-m", Name: "mallory"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a removed participant came back: %v", err)
	}
	if err := f.do(SSHID("k-m"), Park{Topic: "more"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a removed participant still acts: %v", err)
	}
	if len(f.s.Items) == 0 || f.s.Items[0].Topic != "mallory's topic" {
		t.Fatalf("what the removed participant added is gone: %+v", f.s.Items)
	}
	if err := f.do(fac, Remove{Who: fac}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("the facilitator removed themselves: %v", err)
	}
}

// TestTheDoorIsAnsweredOnlyForOnesOwnKey: a join or a withdrawn knock
// acts for the key it names, and only that key can submit it.
func TestTheDoorIsAnsweredOnlyForOnesOwnKey(t *testing.T) {
	f := newFixture(t, Config{}, "Lukas")
	f.must(SSHID("k-mallory"), Join{Key: "k-mallory", Name: "mallory"})
	for _, tc := range []struct {
		actor ParticipantID
		c     Command
	}{
		{SSHID("k-eve"), Join{Key: "k-lukas", Name: "Lukas"}},
		{fac, Join{Key: "k-eve", Name: "eve"}},
		{SSHID("k-eve"), Withdraw{Key: "k-mallory"}},
		{fac, Withdraw{Key: "k-mallory"}},
	} {
		if err := f.do(tc.actor, tc.c); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s submits %+v: %v, want ErrForbidden", tc.actor, tc.c, err)
		}
	}
	if _, ok := f.s.Knocker("k-mallory"); !ok {
		t.Fatal("another's withdraw took mallory from the door")
	}
	f.must(SSHID("k-mallory"), Withdraw{Key: "k-mallory"})
	if _, ok := f.s.Knocker("k-mallory"); ok {
		t.Fatal("mallory's own withdraw left the knock")
	}
}
