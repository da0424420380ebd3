package session

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// names maps ids to display names, for readable failures.
func (f *fixture) names(ids []ParticipantID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = f.s.Name(id)
	}
	return out
}

func TestAwaySpeakersGoToTheEnd(t *testing.T) {
	const (
		next = "next"
		skip = "skip"
	)
	tests := []struct {
		name    string
		away    []string // leave before the first turn ends
		back    []string // come back after that
		steps   []string // next or skip, after Anna's first turn
		speaker string   // then: the speaker, "" when the rounds are over
		order   []string
		upNext  []string
		phase   Phase
	}{
		{
			name: "an away speaker is passed over and goes to the end", away: []string{"Ben"},
			steps: []string{next}, speaker: "Carla", order: []string{"Anna", "Carla", "Dario", "Ben"},
			upNext: []string{"Dario"}, phase: Rounds,
		},
		{
			name: "two away in a row both go to the end, in their order", away: []string{"Ben", "Carla"},
			steps: []string{next}, speaker: "Dario", order: []string{"Anna", "Dario", "Ben", "Carla"},
			upNext: nil, phase: Rounds,
		},
		{
			name: "one who is back by the end of the order speaks then", away: []string{"Ben"}, back: []string{"Ben"},
			steps: []string{next, next, next}, speaker: "Ben", order: []string{"Anna", "Carla", "Dario", "Ben"},
			upNext: nil, phase: Rounds,
		},
		{
			name: "when everyone left is away the rounds end", away: []string{"Ben", "Carla", "Dario"},
			steps: []string{next}, speaker: "", phase: Closed,
		},
		{
			name: "when everyone left is still away at the end the rounds end", away: []string{"Ben"},
			steps: []string{next, next, next}, speaker: "", phase: Closed,
		},
		{
			name: "a skip passes over the away too", away: []string{"Ben"},
			steps: []string{skip}, speaker: "Carla", order: []string{"Carla", "Dario", "Anna", "Ben"},
			upNext: []string{"Dario", "Anna"}, phase: Rounds,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{Order: OrderJoin}, "Anna", "Ben", "Carla", "Dario")
			f.arrive("Anna", "Ben", "Carla", "Dario")
			f.must(fac, Start{})
			for _, n := range tt.away {
				f.must(fac, Leave{Who: RosterID(n)})
			}
			if got := f.names(f.s.Upcoming()); len(tt.away) > 0 && slices.Contains(got, tt.away[0]) {
				t.Fatalf("up next %v lists %s, who is away", got, tt.away[0])
			}
			for i, step := range tt.steps {
				if i == 1 {
					for _, n := range tt.back {
						f.must(fac, Arrive{Name: n})
					}
				}
				f.advance(time.Minute)
				switch step {
				case next:
					f.must(fac, Next{})
				case skip:
					f.must(fac, Skip{})
				}
			}
			if f.s.Phase != tt.phase {
				t.Fatalf("phase %s, want %s", f.s.Phase, tt.phase)
			}
			if got := f.speaker(); got != tt.speaker {
				t.Fatalf("speaker %q, want %q", got, tt.speaker)
			}
			for _, turn := range f.s.Turns {
				if p, _ := f.s.Participant(turn.Speaker); slices.Contains(tt.away, p.Name) && !slices.Contains(tt.back, p.Name) {
					t.Fatalf("%s got a turn while away", p.Name)
				}
			}
			if tt.phase != Rounds {
				return
			}
			if got := f.names(f.s.Order); !slices.Equal(got, tt.order) {
				t.Fatalf("order %v, want %v", got, tt.order)
			}
			if got := f.names(f.s.Upcoming()); !slices.Equal(got, tt.upNext) {
				t.Fatalf("up next %v, want %v", got, tt.upNext)
			}
			// The fold of the recorded events agrees.
			if again := Fold("s1", f.events); !slices.Equal(again.Order, f.s.Order) || again.Pos != f.s.Pos {
				t.Fatalf("replayed order %v at %d, live %v at %d", again.Order, again.Pos, f.s.Order, f.s.Pos)
			}
		})
	}
}

func TestSkipWithOnlyTheAwayLeftIsRefused(t *testing.T) {
	f := newFixture(t, Config{Order: OrderJoin}, "Anna", "Ben")
	f.arrive("Anna", "Ben")
	f.must(fac, Start{})
	f.must(fac, Leave{Who: RosterID("Ben")})
	if err := f.do(fac, Skip{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("skip with only the away left: %v, want ErrInvalid", err)
	}
}

func TestBlockerBelongsToWhomTheRuleSays(t *testing.T) {
	lukas, julia, olga := RosterID("Lukas"), RosterID("Julia"), SSHID("k-olga")
	tests := []struct {
		name  string
		actor ParticipantID
		cmd   NoteBlocker
		want  string // whose blocker it is
		err   error
	}{
		{"a member's blocker is their own, not the speaker's", julia, NoteBlocker{Text: "waiting for review"}, "Julia", nil},
		{"a member may name themselves", julia, NoteBlocker{Speaker: julia, Text: "x"}, "Julia", nil},
		{"a member may not file one for the speaker", julia, NoteBlocker{Speaker: lukas, Text: "x"}, "", ErrForbidden},
		{"the facilitator's defaults to the speaker", fac, NoteBlocker{Text: "build is red"}, "Lukas", nil},
		{"the facilitator may choose anyone taking part", fac, NoteBlocker{Speaker: julia, Text: "x"}, "Julia", nil},
		{"nobody files one for a watcher", fac, NoteBlocker{Speaker: olga, Text: "x"}, "", ErrInvalid},
		{"a watcher files none", olga, NoteBlocker{Text: "x"}, "", ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// An open door: the watcher comes in without being let in.
			f := newFixture(t, Config{Order: OrderJoin, OpenDoor: true}, "Lukas", "Julia")
			f.arrive("Lukas", "Julia")
			f.must(olga, Join{Key: "k-olga", Name: "Olga", Observer: true})
			f.must(fac, Start{}) // Lukas speaks
			err := f.do(tt.actor, tt.cmd)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || len(f.s.Blockers) != 0 {
					t.Fatalf("err %v with %d blockers, want %v and none", err, len(f.s.Blockers), tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.s.Blockers[0].Speaker.Name; got != tt.want {
				t.Fatalf("the blocker is %s's, want %s's", got, tt.want)
			}
		})
	}
}
