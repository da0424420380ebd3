package session

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRetroCorrectionsAreRefused: who may not correct what in a
// retrospective, and what a wrong id, an empty text or the wrong phase
// get. A refused correction writes nothing.
func TestRetroCorrectionsAreRefused(t *testing.T) {
	writing := func(f *fixture) {
		f.to(Write)
		f.must(fac, AddCard{Column: 0, Text: "typed for Lukas", For: lukas})
	}
	withAction := func(f *fixture) {
		writing(f)
		f.to(Actions)
		f.must(fac, AddAction{Text: "fix ci", Owner: lukas})
	}
	tests := []struct {
		name  string
		cfg   Config
		setup func(f *fixture)
		actor ParticipantID
		cmd   Command
		want  error
	}{
		// Cards typed for a member.
		{"the facilitator does not change a member's card without acting for them", Config{}, writing, fac, EditCard{Card: 1, Text: "x"}, ErrForbidden},
		{"a member does not act for another", Config{}, writing, julia, EditCard{Card: 1, Text: "x", For: lukas}, ErrForbidden},
		{"acting for the wrong member is refused", Config{}, writing, fac, DeleteCard{Card: 1, For: julia}, ErrForbidden},
		{"acting for a watcher is refused", Config{OpenDoor: true}, func(f *fixture) { writing(f); f.watch() }, fac, DeleteCard{Card: 1, For: watcher}, ErrNotFound},
		{"a watcher changes no card", Config{OpenDoor: true}, func(f *fixture) { writing(f); f.watch() }, watcher, DeleteCard{Card: 1, For: lukas}, ErrForbidden},
		{"a stranger changes no card", Config{}, writing, "ssh:stranger", DeleteCard{Card: 1}, ErrForbidden},
		{"an unknown card is not found", Config{}, writing, fac, EditCard{Card: 9, Text: "x", For: lukas}, ErrNotFound},
		{"an empty card is invalid", Config{}, writing, fac, EditCard{Card: 1, Text: " ", For: lukas}, ErrInvalid},
		{"cards are changed while writing only", Config{}, func(f *fixture) { writing(f); f.to(Group) }, fac, EditCard{Card: 1, Text: "x", For: lukas}, ErrPhase},
		{"in an anonymous retrospective nobody acts for anyone", Config{Anonymous: true}, func(f *fixture) {
			f.to(Write)
			f.must(lukas, AddCard{Column: 0, Text: "mine"})
		}, fac, DeleteCard{Card: 1, For: lukas}, ErrForbidden},
		// Columns.
		{"no column past the board", Config{}, writing, fac, MoveCard{Card: 1, Column: 9, For: lukas}, ErrInvalid},
		{"no negative column", Config{}, writing, lukas, MoveCard{Card: 1, Column: -1}, ErrInvalid},
		{"the same column changes nothing", Config{}, writing, lukas, MoveCard{Card: 1, Column: 0}, ErrConflict},
		{"another member's card stays", Config{}, writing, julia, MoveCard{Card: 1, Column: 1}, ErrForbidden},
		// Action items.
		{"another member does not change an action item", Config{}, withAction, julia, EditAction{Action: 1, Text: "x"}, ErrForbidden},
		{"a stranger does not delete an action item", Config{}, withAction, "ssh:stranger", DeleteAction{Action: 1}, ErrForbidden},
		{"an unknown action item is not found", Config{}, withAction, fac, DeleteAction{Action: 5}, ErrNotFound},
		{"an empty action item is invalid", Config{}, withAction, lukas, EditAction{Action: 1, Text: ""}, ErrInvalid},
		{"an action item changed to itself conflicts", Config{}, withAction, fac, EditAction{Action: 1, Text: "fix  ci"}, ErrConflict},
		{"a watcher owns no action item", Config{OpenDoor: true}, func(f *fixture) { withAction(f); f.watch() }, fac, EditAction{Action: 1, Text: "x", Owner: watcher}, ErrInvalid},
		// Going back and skipping.
		{"a member does not go back", Config{}, writing, lukas, Back{}, ErrForbidden},
		{"there is nothing before the check-in", Config{}, func(f *fixture) { f.to(CheckIn) }, fac, Back{}, ErrPhase},
		{"nor before the start", Config{}, nil, fac, Back{}, ErrPhase},
		{"a second back for the same step conflicts", Config{}, writing, fac, Back{Step: "group"}, ErrConflict},
		{"skipping to actions is for the discussion", Config{}, writing, fac, SkipToActions{}, ErrPhase},
		{"a member does not skip", Config{}, func(f *fixture) { writing(f); f.to(Discuss) }, lukas, SkipToActions{}, ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRetro(t, tt.cfg, "Lukas", "Julia")
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

func TestTheFacilitatorCorrectsACardTypedForAMember(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas", "Julia")
	f.to(Write)
	f.must(fac, AddCard{Column: 0, Text: "tpyo", For: lukas})
	f.must(fac, EditCard{Card: 1, Text: "typo fixed", For: lukas})
	f.must(fac, MoveCard{Card: 1, Column: 2, For: lukas})
	if c, _ := f.s.Card(1); c.Text != "typo fixed" || c.Column != 2 || c.Author.ID != lukas {
		t.Fatalf("card %+v", c)
	}
	f.must(lukas, EditCard{Card: 1, Text: "in my words"}) // still Lukas's own
	f.must(fac, DeleteCard{Card: 1, For: lukas})
	if len(f.s.Cards) != 0 {
		t.Fatalf("cards %+v", f.s.Cards)
	}
}

// A topic a stand-up sent lands in the first column; the facilitator
// chooses another and corrects its text; members do not.
func TestTheFacilitatorChoosesTheColumnOfStandupTopics(t *testing.T) {
	for _, anonymous := range []bool{false, true} {
		f := &fixture{tb: t, s: &State{ID: "r1"}, now: t0}
		f.record(fac, &Created{Config: Config{Team: "t", Kind: Retro, Columns: []string{"Start", "Stop", "Continue"}, Timebox: time.Hour, Anonymous: anonymous},
			Facilitator: Person{ID: fac, Name: "maria"}, Roster: []string{"Lukas"},
			Carried: []Item{{ID: 4, Topic: "how do we decide?", RaisedBy: Person{ID: "roster:Julia", Name: "Julia"}, Status: SentToRetro, Session: "s0"}}})
		f.arrive("Lukas")
		f.to(Write)
		if err := f.do(lukas, MoveCard{Card: 1, Column: 1}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("anonymous=%v: a member moved a stand-up topic: %v", anonymous, err)
		}
		f.must(fac, MoveCard{Card: 1, Column: 1})
		f.must(fac, EditCard{Card: 1, Text: "how do we decide, and who?"})
		if c, _ := f.s.Card(1); c.Column != 1 || c.Text != "how do we decide, and who?" || !c.FromStandup {
			t.Fatalf("anonymous=%v: card %+v", anonymous, c)
		}
	}
}

// What the facilitator and the authors correct in an anonymous
// retrospective ties nobody to a card: the events carry no actor and no
// name, and nothing that differs by author.
func TestCorrectionsKeepAnonymity(t *testing.T) {
	f := newRetro(t, Config{Anonymous: true}, "Lukas", "Julia")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "secret"})
	f.must(julia, AddCard{Column: 0, Text: "another"})
	f.must(lukas, MoveCard{Card: 1, Column: 1})
	f.must(lukas, EditCard{Card: 1, Text: "secret, edited"})
	f.must(julia, DeleteCard{Card: 2})
	for _, e := range f.events {
		switch e.Type() {
		case "card-added", "card-edited", "card-deleted", "card-column-changed":
			if e.Actor != Anonymous {
				t.Fatalf("%s recorded with actor %q", e.Type(), e.Actor)
			}
			b, _ := EncodePayload(e.Payload)
			if strings.Contains(string(b), "Lukas") || strings.Contains(string(b), "Julia") || strings.Contains(string(b), "roster:") {
				t.Fatalf("%s names someone: %s", e.Type(), b)
			}
			if e.Type() != "card-added" && strings.Contains(string(b), "author") {
				t.Fatalf("%s carries an author: %s", e.Type(), b)
			}
		}
	}
}

func TestCorrectingActionItems(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas", "Julia")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "ci"})
	f.to(Actions)
	f.must(fac, AddAction{Text: "fix ci", Owner: lukas})
	f.must(fac, AddAction{Text: "added by mistake", Owner: julia})
	due := t0.AddDate(0, 0, 7)
	f.must(lukas, EditAction{Action: 1, Text: "fix the ci", Due: &due})
	f.must(fac, EditAction{Action: 1, Text: "fix the ci", Owner: julia})
	f.must(fac, DeleteAction{Action: 2})
	if len(f.s.Actions) != 1 {
		t.Fatalf("actions %+v", f.s.Actions)
	}
	a := f.s.Actions[0]
	if a.Text != "fix the ci" || a.Owner.ID != julia || !a.Due.Equal(due) {
		t.Fatalf("action %+v", a)
	}
	// The owner now is Julia; Lukas no longer changes it.
	if err := f.do(lukas, DeleteAction{Action: 1}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("the former owner deleted it: %v", err)
	}
	none := time.Time{}
	f.must(julia, EditAction{Action: 1, Text: "fix the ci", Due: &none})
	if !f.s.Actions[0].Due.IsZero() {
		t.Fatal("the due date stays")
	}
}

func TestActionItemsOfEarlierSessionsAreReviewedNotEdited(t *testing.T) {
	f := &fixture{tb: t, s: &State{ID: "r1"}, now: t0}
	f.record(fac, &Created{Config: Config{Team: "t", Kind: Retro, Columns: []string{"A"}, Timebox: time.Hour},
		Facilitator: Person{ID: fac, Name: "maria"}, Actions: []Action{{ID: 1, Text: "carried", Session: "s0"}}})
	f.to(Review)
	for _, c := range []Command{EditAction{Action: 1, Text: "x"}, DeleteAction{Action: 1}} {
		if err := f.do(fac, c); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%T of a carried action: %v", c, err)
		}
	}
}

// Going back one step in a retrospective, phase by phase: what it keeps
// and what it discards (see Back).
func TestGoingBackOneStep(t *testing.T) {
	tests := []struct {
		name  string
		from  Phase
		extra func(f *fixture) // in the from phase, before going back
		back  Phase
		check func(t *testing.T, f *fixture)
	}{
		{name: "review to check-in keeps the check-ins", from: Review, back: CheckIn, check: func(t *testing.T, f *fixture) {
			if len(f.s.CheckIns) != 1 {
				t.Fatalf("check-ins %+v", f.s.CheckIns)
			}
		}},
		{name: "write to review keeps the cards", from: Write, back: Review, check: func(t *testing.T, f *fixture) {
			if len(f.s.Cards) != 3 {
				t.Fatalf("%d cards", len(f.s.Cards))
			}
		}},
		{name: "group to write keeps the groups, revealed", from: Group, extra: func(f *fixture) { f.must(lukas, GroupCard{Card: 2, Onto: 1}) }, back: Write, check: func(t *testing.T, f *fixture) {
			if c, _ := f.s.Card(2); c.Group != 1 || !f.s.Revealed {
				t.Fatalf("card %+v, revealed %v", c, f.s.Revealed)
			}
		}},
		{name: "vote to group discards the dots", from: Vote, back: Group, check: func(t *testing.T, f *fixture) {
			if len(f.s.Votes) != 0 || f.s.VotesLeft(string(lukas)) != DefaultVoteBudget {
				t.Fatalf("votes %+v", f.s.Votes)
			}
		}},
		{name: "a later topic back to the one before", from: Discuss, extra: func(f *fixture) { f.must(fac, Next{}) }, back: Discuss, check: func(t *testing.T, f *fixture) {
			if f.s.TopicPos != 0 || len(f.s.Topics) != 3 {
				t.Fatalf("topic %d of %v", f.s.TopicPos, f.s.Topics)
			}
		}},
		{name: "the first topic back to voting keeps the dots and orders anew", from: Discuss, back: Vote, check: func(t *testing.T, f *fixture) {
			if len(f.s.Topics) != 0 || len(f.s.Votes) != 2 {
				t.Fatalf("topics %v, votes %v", f.s.Topics, f.s.Votes)
			}
			f.must(julia, CastVote{Group: 3})
			f.must(julia, CastVote{Group: 3})
			f.to(Discuss)
			if cur, _ := f.s.CurrentTopic(); cur != 3 {
				t.Fatalf("discussing %d first, want 3, which has the most dots now", cur)
			}
		}},
		{name: "actions back to the last topic", from: Actions, back: Discuss, check: func(t *testing.T, f *fixture) {
			if f.s.TopicPos != 2 || !f.s.PhaseTimer.Running() || len(f.s.Thumbs) != 0 {
				t.Fatalf("topic %d, timer %+v", f.s.TopicPos, f.s.PhaseTimer)
			}
		}},
		{name: "roti back to actions keeps the scores", from: Roti, extra: func(f *fixture) { f.must(lukas, GiveRoti{Score: 4}) }, back: Actions, check: func(t *testing.T, f *fixture) {
			if len(f.s.Rotis) != 1 {
				t.Fatalf("scores %+v", f.s.Rotis)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRetro(t, Config{}, "Lukas", "Julia")
			f.to(CheckIn)
			f.must(lukas, CheckInWord{Word: "fine"})
			for f.s.Phase != tt.from {
				f.must(fac, Next{})
				switch f.s.Phase {
				case Write:
					for _, text := range []string{"one", "two", "three"} {
						f.must(lukas, AddCard{Column: 0, Text: text})
					}
				case Vote:
					f.must(lukas, CastVote{Group: 1})
					f.must(lukas, CastVote{Group: 2})
				}
			}
			if tt.extra != nil {
				tt.extra(f)
			}
			f.advance(time.Minute)
			f.must(fac, Back{Step: f.s.Step()})
			if f.s.Phase != tt.back {
				t.Fatalf("back in %s, want %s", f.s.Phase, tt.back)
			}
			if f.s.PhaseTimer.Elapsed(f.now) != 0 || !f.s.PhaseTimer.Running() || len(f.s.Ready) != 0 {
				t.Fatalf("the phase does not start afresh: timer %+v, ready %v", f.s.PhaseTimer, f.s.Ready)
			}
			tt.check(t, f)
		})
	}
}

func TestBackToVotingIsRefusedOnceTheDiscussionRecordedSomething(t *testing.T) {
	f := discussing(t, Config{}, "Lukas", "Julia")
	f.must(julia, AddNote{Text: "we said so"})
	if err := f.do(fac, Back{}); !errors.Is(err, ErrConflict) {
		t.Fatalf("back with a note: %v", err)
	}
}

func TestSkipToActionsPastTopicsNobodyVotedFor(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas", "Julia")
	f.to(Write)
	for _, text := range []string{"one", "two", "three"} {
		f.must(lukas, AddCard{Column: 0, Text: text})
	}
	f.to(Vote)
	f.must(lukas, CastVote{Group: 2})
	f.must(julia, CastVote{Group: 3})
	f.to(Discuss)
	if err := f.do(fac, SkipToActions{Step: f.s.Step()}); !errors.Is(err, ErrConflict) {
		t.Fatalf("skipping a topic with dots: %v", err)
	}
	f.must(fac, Next{})
	f.must(fac, SkipToActions{Step: f.s.Step()})
	if f.s.Phase != Actions {
		t.Fatalf("phase %s, want actions", f.s.Phase)
	}
}

// Every correction event goes through the store's encoding and back.
func TestCorrectionEventsRoundTrip(t *testing.T) {
	for _, p := range []Payload{
		&ArrivalUndone{Who: Person{ID: "roster:A", Name: "A"}}, &GuestRemoved{Who: Person{ID: "roster:B", Name: "B"}},
		&GuestPromoted{Who: Person{ID: "ssh:k", Name: "C"}}, &ItemEdited{Item: 2, Topic: "t"}, &ItemDeleted{Item: 2},
		&BlockerEdited{Blocker: 1, Text: "b"}, &BlockerDeleted{Blocker: 0},
		&ActionEdited{Action: 3, Text: "a", Owner: Person{ID: "roster:A", Name: "A"}, Due: t0}, &ActionDeleted{Action: 3},
		&SpeakerMoved{Speaker: "roster:A", To: 2}, &WentBack{To: Vote}, &CardColumnChanged{Card: 1, Column: 2},
	} {
		b, err := EncodePayload(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := DecodePayload(p.Type(), b)
		if err != nil {
			t.Fatalf("%s: %v", p.Type(), err)
		}
		b2, _ := json.Marshal(q)
		if string(b) != string(b2) {
			t.Fatalf("%s: %s became %s", p.Type(), b, b2)
		}
		if Since(p.Type()) != 2 {
			t.Fatalf("%s: since version %d, want 2", p.Type(), Since(p.Type()))
		}
	}
	if Since("arrived") != 1 {
		t.Fatal("arrived is of version 1")
	}
}

// Every event type is documented in docs/record.md, in a table row of its
// own, and the corrections say since which version.
func TestEveryEventTypeIsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "record.md"))
	if err != nil {
		t.Fatal(err)
	}
	for name := range payloadTypes {
		if !strings.Contains(string(doc), "\n| `"+string(name)+"` |") {
			t.Errorf("docs/record.md has no row for the event type %s", name)
		}
	}
	_, v2, _ := strings.Cut(string(doc), "### Corrections (since version 2)")
	v2, _, _ = strings.Cut(v2, "\n### ")
	for name := range payloadTypes {
		if in := strings.Contains(v2, "\n| `"+string(name)+"` |"); in != (Since(name) == 2) {
			t.Errorf("%s: since version %d, but in the corrections table: %v", name, Since(name), in)
		}
	}
}

// A replay shows the corrections as they happened: a phase gone back to
// is a mark of its own, and every position shows the fold up to it.
func TestAReplayShowsGoingBack(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "one"})
	f.to(Group)
	f.must(fac, Back{})
	f.must(lukas, EditCard{Card: 1, Text: "one, corrected"})
	f.to(Group)
	p := NewPlayer(f.s.ID, f.events)
	defer p.Close()
	var phases []Phase
	for _, m := range p.Marks() {
		phases = append(phases, m.Phase)
	}
	want := []Phase{Waiting, CheckIn, Review, Write, Group, Write, Group}
	if !reflect.DeepEqual(phases, want) {
		t.Fatalf("marks %v, want %v", phases, want)
	}
	p.SeekTo(f.s.Seq)
	if s := p.Snapshot().State; !reflect.DeepEqual(s, f.s) {
		t.Fatalf("the replay's end differs from the session:\n%+v\n%+v", s, f.s)
	}
}
