package session

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func newRetro(tb testing.TB, cfg Config, roster ...string) *fixture {
	tb.Helper()
	cfg.Team, cfg.Kind = "musicstore", Retro
	if cfg.Timebox == 0 {
		cfg.Timebox = time.Hour
	}
	if cfg.Columns == nil {
		cols, err := Columns(cfg.Format, nil)
		if err != nil {
			tb.Fatal(err)
		}
		cfg.Columns = cols
	}
	f := &fixture{tb: tb, s: &State{ID: "r1"}, now: t0}
	f.record(fac, &Created{Config: cfg, Facilitator: Person{ID: fac, Name: "maria"}, Roster: roster})
	f.arrive(roster...)
	return f
}

func (f *fixture) to(p Phase) {
	f.tb.Helper()
	for f.s.Phase != p {
		if f.s.Phase == Closed {
			f.tb.Fatalf("never reached %s", p)
		}
		f.must(fac, Next{})
	}
}

var (
	lukas = RosterID("Lukas")
	julia = RosterID("Julia")
)

func TestFormats(t *testing.T) {
	for _, info := range Formats {
		cols, err := Columns(info.Format, nil)
		if err != nil || len(cols) == 0 || info.Guidance == "" {
			t.Fatalf("%s: %v %v", info.Format, cols, err)
		}
		if f, err := ParseFormat(info.Format.String()); err != nil || f != info.Format {
			t.Fatalf("%s does not parse back", info.Format)
		}
	}
	if cols, err := Columns(Custom, []string{"Keep", " Drop ", "Try", "keep"}); err != nil || !reflect.DeepEqual(cols, []string{"Keep", "Drop", "Try"}) {
		t.Fatalf("custom columns %v, %v", cols, err)
	}
	if _, err := Columns(Custom, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("custom without columns: %v", err)
	}
}

func TestRetroPhasesInOrder(t *testing.T) {
	f := newRetro(t, Config{Format: FourLs}, "Lukas", "Julia")
	want := []Phase{CheckIn, Review, Write, Group, Vote, Discuss, Actions, Roti, Closed}
	for _, p := range want {
		if p == Actions && f.s.Phase == Discuss {
			// no cards, no topics: discussing moves straight on
		}
		f.must(fac, Next{})
		if f.s.Phase != p {
			t.Fatalf("phase %s, want %s", f.s.Phase, p)
		}
		if p != Closed && (f.s.PhaseTimer.Budget != DefaultPhaseBoxes[p] || !f.s.PhaseTimer.Running()) {
			t.Fatalf("%s: timer %+v", p, f.s.PhaseTimer)
		}
	}
}

func TestCardsAreHiddenUntilRevealed(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas", "Julia")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "pair more"})
	f.must(julia, AddCard{Column: 2, Text: "the new CI"})
	f.must(julia, AddCard{Column: 1, Text: "late merges"})

	seen := f.s.For(lukas, f.env().hash(lukas))
	var texts []string
	counts := map[string]int{}
	for _, c := range seen.Cards {
		if !c.Hidden() {
			texts = append(texts, c.Text)
		}
		counts[c.Author.Name]++
	}
	if !reflect.DeepEqual(texts, []string{"pair more"}) || counts["Julia"] != 2 {
		t.Fatalf("Lukas sees %v, counts %v", texts, counts)
	}
	if f.s.Cards[1].Text != "the new CI" {
		t.Fatal("For changed the room's state")
	}
	if err := f.do(lukas, Reveal{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member revealed: %v", err)
	}
	f.must(fac, Reveal{})
	if seen := f.s.For(lukas, ""); seen.Cards[1].Text != "the new CI" {
		t.Fatal("revealed cards are still hidden")
	}
}

func TestOnlyAuthorsChangeTheirCards(t *testing.T) {
	for _, anonymous := range []bool{false, true} {
		f := newRetro(t, Config{Anonymous: anonymous}, "Lukas", "Julia")
		f.to(Write)
		f.must(lukas, AddCard{Column: 0, Text: "first"})
		if err := f.do(julia, EditCard{Card: 1, Text: "mine now"}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("anonymous=%v: someone else edited: %v", anonymous, err)
		}
		if err := f.do(fac, DeleteCard{Card: 1}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("anonymous=%v: the facilitator deleted another's card: %v", anonymous, err)
		}
		f.must(lukas, EditCard{Card: 1, Text: "second"})
		if c, _ := f.s.Card(1); c.Text != "second" {
			t.Fatalf("anonymous=%v: edit lost: %+v", anonymous, c)
		}
		f.must(lukas, DeleteCard{Card: 1})
		if len(f.s.Cards) != 0 {
			t.Fatalf("anonymous=%v: delete lost", anonymous)
		}
	}
}

func TestAnonymousRetroStoresNoAuthor(t *testing.T) {
	f := newRetro(t, Config{Anonymous: true}, "Lukas", "Julia")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "honest feedback"})
	// Writing "for" a member would tie the card to the facilitator's
	// keyboard and the member's name at once.
	err := f.do(fac, AddCard{Column: 1, Text: "typed for julia", For: julia})
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "everyone writes their own cards") {
		t.Fatalf("writing for a member in an anonymous retro: %v", err)
	}
	f.must(julia, AddCard{Column: 1, Text: "written by julia"})
	f.to(Vote)
	f.must(julia, CastVote{Group: 1})
	for _, e := range roundTrip(t, f.events) {
		b, _ := EncodePayload(e.Payload)
		for _, who := range []string{"Lukas", "Julia", string(lukas), string(julia)} {
			if strings.Contains(string(b), who) && e.Type() != "created" && e.Type() != "arrived" {
				t.Fatalf("%s event names %s: %s", e.Type(), who, b)
			}
		}
	}
	if c, _ := f.s.Card(1); c.Author.ID != "" || c.AuthorHash == "" {
		t.Fatalf("card %+v", c)
	}
	seen := f.s.For(julia, f.env().hash(julia))
	if seen.Cards[0].AuthorHash != "" || seen.Cards[1].AuthorHash == "" {
		t.Fatal("a view shows someone else's author hash, or not one's own")
	}
}

func TestGroupingAndUndo(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas", "Julia")
	f.to(Write)
	for _, text := range []string{"slow CI", "flaky tests", "coffee"} {
		f.must(lukas, AddCard{Column: 0, Text: text})
	}
	if err := f.do(lukas, GroupCard{Card: 2, Onto: 1}); !errors.Is(err, ErrPhase) {
		t.Fatalf("grouping while writing: %v", err)
	}
	f.to(Group)
	f.must(julia, GroupCard{Card: 2, Onto: 1})
	f.must(julia, GroupCard{Card: 3, Onto: 1})
	f.must(lukas, NameGroup{Group: 1, Name: "CI pain"})
	if got := len(f.s.TopicCards(1)); got != 3 || f.s.GroupNames[1] != "CI pain" {
		t.Fatalf("group 1 has %d cards, name %q", got, f.s.GroupNames[1])
	}
	if err := f.do(julia, UndoGroup{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member undid: %v", err)
	}
	f.must(fac, UndoGroup{})
	if c, _ := f.s.Card(3); c.Group != 3 || len(f.s.GroupIDs()) != 2 {
		t.Fatalf("after undo card 3 is in %d; groups %v", c.Group, f.s.GroupIDs())
	}
	f.must(fac, UndoGroup{})
	f.must(fac, UndoGroup{}.withNothingLeft(t, f))
}

// withNothingLeft checks that a third undo has nothing left and returns a
// harmless command to keep the chain readable.
func (UndoGroup) withNothingLeft(t *testing.T, f *fixture) Command {
	t.Helper()
	if err := f.do(fac, UndoGroup{}); !errors.Is(err, ErrConflict) {
		t.Fatalf("undo with nothing left: %v", err)
	}
	return NameGroup{Group: 1, Name: "back to one card each"}
}

func TestVoteBudgetCapAndSecrecy(t *testing.T) {
	f := newRetro(t, Config{VoteBudget: 3, VoteCap: 2}, "Lukas", "Julia")
	f.to(Write)
	for _, text := range []string{"a", "b", "c"} {
		f.must(lukas, AddCard{Column: 0, Text: text})
	}
	f.to(Vote)
	f.must(lukas, CastVote{Group: 1})
	f.must(lukas, CastVote{Group: 1})
	if err := f.do(lukas, CastVote{Group: 1}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a third dot over the cap: %v", err)
	}
	f.must(lukas, CastVote{Group: 2})
	if err := f.do(lukas, CastVote{Group: 3}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a fourth dot over the budget: %v", err)
	}
	f.must(lukas, CastVote{Group: 1, Remove: true})
	f.must(lukas, CastVote{Group: 3})
	f.must(julia, CastVote{Group: 3})
	if err := f.do(julia, CastVote{Group: 2, Remove: true}); !errors.Is(err, ErrConflict) {
		t.Fatalf("taking back a dot never cast: %v", err)
	}
	if left := f.s.VotesLeft(string(lukas)); left != 0 {
		t.Fatalf("Lukas has %d dots left", left)
	}
	seen := f.s.For(julia, "")
	if len(seen.Votes) != 1 {
		t.Fatalf("Julia sees %d dots while voting, want only her own", len(seen.Votes))
	}
	f.must(fac, Next{})
	if f.s.Phase != Discuss || !reflect.DeepEqual(f.s.Topics, []int{3, 1, 2}) {
		t.Fatalf("discussion order %v in %s, want [3 1 2]", f.s.Topics, f.s.Phase)
	}
	if seen := f.s.For(julia, ""); len(seen.Votes) != 4 {
		t.Fatal("the dots stay hidden after voting")
	}
}

func TestDiscussionDecisionsAndActions(t *testing.T) {
	f := newRetro(t, Config{TopicBox: 5 * time.Minute}, "Lukas", "Julia", "Jörg")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "decide together"})
	f.must(julia, AddCard{Column: 1, Text: "side decisions"})
	f.to(Discuss)
	first, _ := f.s.CurrentTopic()
	f.must(julia, AddNote{Text: "it happened twice"})
	f.advance(5 * time.Minute)
	f.must(julia, Thumb{Up: true}) // records the expiry first
	if !f.s.PhaseTimer.Expired || !f.s.Thumbs[string(julia)] {
		t.Fatalf("topic timer %+v, thumbs %v", f.s.PhaseTimer, f.s.Thumbs)
	}
	f.must(fac, Extend{By: 5 * time.Minute})
	if f.s.PhaseTimer.Expired || f.s.PhaseTimer.Remaining(f.now) != 5*time.Minute {
		t.Fatalf("another round: timer %+v", f.s.PhaseTimer)
	}
	f.must(fac, Leave{Who: RosterID("Jörg")})
	f.must(fac, RecordDecision{Text: "decisions go in the channel"})
	d := f.s.Decisions[0]
	if d.Topic != first || !reflect.DeepEqual(d.Absent, []string{"Jörg"}) || len(d.Present) != 2 {
		t.Fatalf("decision %+v", d)
	}
	if err := f.do(julia, RecordDecision{Text: "x"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member recorded a decision: %v", err)
	}
	f.must(fac, Next{}) // the second topic
	if pos := f.s.TopicPos; pos != 1 || f.s.PhaseTimer.Expired || len(f.s.Thumbs) != 0 {
		t.Fatalf("topic %d, timer %+v, thumbs %v", pos, f.s.PhaseTimer, f.s.Thumbs)
	}
	f.must(fac, Next{})
	if f.s.Phase != Actions {
		t.Fatalf("after the last topic: %s", f.s.Phase)
	}
	due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.must(julia, AddAction{Text: "write the decision log", Owner: lukas, Due: due})
	if err := f.do(julia, AddAction{Text: "x", Owner: "nobody"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an action without a real owner: %v", err)
	}
	if a := f.s.Actions[0]; a.Owner.Name != "Lukas" || !a.Due.Equal(due) || a.Session != "r1" {
		t.Fatalf("action %+v", a)
	}
	f.to(Roti)
	f.must(lukas, GiveRoti{Score: 4})
	f.must(lukas, GiveRoti{Score: 5}) // changes, not adds
	f.must(julia, GiveRoti{Score: 3})
	if err := f.do(julia, GiveRoti{Score: 6}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("ROTI 6: %v", err)
	}
	if len(f.s.Rotis) != 2 || strings.Contains(f.s.Rotis[0].Voter, "Lukas") {
		t.Fatalf("rotis %+v", f.s.Rotis)
	}
	f.must(fac, Next{})
	if f.s.Phase != Closed {
		t.Fatalf("after ROTI: %s", f.s.Phase)
	}
	if open := f.s.OpenActions(); len(open) != 1 {
		t.Fatalf("open actions %+v", open)
	}
}

func TestCheckInAndReview(t *testing.T) {
	f := newRetro(t, Config{ESVP: true}, "Lukas", "Julia")
	f.s.Actions = []Action{{ID: 1, Text: "old", Session: "earlier"}, {ID: 2, Text: "older", Session: "earlier"}}
	f.to(CheckIn)
	f.must(lukas, CheckInPoll{Answer: Explorer})
	f.must(julia, CheckInPoll{Answer: Prisoner})
	f.must(julia, CheckInPoll{Answer: Shopper}) // changes her answer
	if len(f.s.CheckIns) != 2 || f.s.CheckIns[0].Who == "Lukas" {
		t.Fatalf("check-ins %+v", f.s.CheckIns)
	}
	if err := f.do(lukas, CheckInPoll{Answer: 9}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("ESVP 9: %v", err)
	}
	f.must(fac, Next{})
	f.must(fac, ReviewAction{Action: 1, Status: ActionDone})
	f.must(fac, ReviewAction{Action: 2, Status: ActionNotDone})
	if err := f.do(lukas, ReviewAction{Action: 2, Status: ActionDropped}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member reviewed: %v", err)
	}
	if open := f.s.OpenActions(); len(open) != 1 || open[0].ID != 2 {
		t.Fatalf("open after review %+v", open)
	}
}

func TestReadyAndAutoAdvance(t *testing.T) {
	f := newRetro(t, Config{AutoAdvance: true}, "Lukas", "Julia")
	f.must(fac, Arrive{Name: "maria"}) // the facilitator takes part too
	f.to(CheckIn)
	f.must(lukas, SetReady{Ready: true})
	if f.s.Phase != CheckIn || !f.s.Ready[lukas] {
		t.Fatalf("phase %s ready %v", f.s.Phase, f.s.Ready)
	}
	f.must(julia, SetReady{Ready: true})
	if f.s.Phase != CheckIn {
		t.Fatalf("moved on while the facilitator, who is here, was not done: %s", f.s.Phase)
	}
	f.must(fac, SetReady{Ready: true})
	if f.s.Phase != Review || len(f.s.Ready) != 0 {
		t.Fatalf("phase %s ready %v, want review with nobody done", f.s.Phase, f.s.Ready)
	}
	f.advance(DefaultPhaseBoxes[Review])
	f.must(lukas, SetReady{Ready: true}) // the expiry of Review comes first and moves on
	if f.s.Phase != Write || !f.s.Ready[lukas] {
		t.Fatalf("after Review's time-box: %s, ready %v", f.s.Phase, f.s.Ready)
	}
}

func TestStandupTopicsBecomeRetroCards(t *testing.T) {
	items := []Item{
		{ID: 4, Topic: "how do we decide?", RaisedBy: Person{ID: "x", Name: "Julia"}, Status: SentToRetro, Session: "s0"},
		{ID: 5, Topic: "still open", Status: Open, Session: "s0"},
	}
	f := &fixture{tb: t, s: &State{ID: "r1"}, now: t0}
	f.record(fac, &Created{Config: Config{Team: "t", Kind: Retro, Columns: []string{"A", "B"}, Timebox: time.Hour}, Facilitator: Person{ID: fac, Name: "maria"},
		Carried: items, Actions: []Action{{ID: 1, Text: "carried action", Session: "s0"}}})
	if len(f.s.Cards) != 1 || !f.s.Cards[0].FromStandup || f.s.Cards[0].Text != "how do we decide?" {
		t.Fatalf("cards %+v", f.s.Cards)
	}
	if seen := f.s.For("someone", ""); seen.Cards[0].Hidden() {
		t.Fatal("a topic from a stand-up is hidden like a private card")
	}
	carried := f.s.CarryOver()
	if len(carried) != 1 || carried[0].Topic != "still open" {
		t.Fatalf("the retro passes on %+v; it took the one sent to it", carried)
	}
	if len(f.s.OpenActions()) != 1 {
		t.Fatal("the carried action item is missing")
	}
}

func TestRetroPermissionsAndPhases(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas")
	if err := f.do(lukas, AddCard{Text: "x"}); !errors.Is(err, ErrPhase) {
		t.Fatalf("a card in the waiting room: %v", err)
	}
	f.to(Write)
	if err := f.do(lukas, AddCard{Column: 7, Text: "x"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a card in a column that does not exist: %v", err)
	}
	if err := f.do(lukas, AddCard{Column: 0, Text: "x", For: fac}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member wrote for someone else: %v", err)
	}
	if err := f.do(lukas, Next{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member moved on: %v", err)
	}
	sf := newFixture(t, Config{}, "Lukas")
	if err := sf.do(fac, Reveal{}); !errors.Is(err, ErrPhase) {
		t.Fatalf("reveal in a stand-up: %v", err)
	}
}

func TestRetroPauseStopsThePhaseTimer(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas")
	f.to(Write)
	f.advance(time.Minute)
	f.must(fac, Pause{Reason: "quit"})
	f.advance(time.Hour)
	if got := f.s.PhaseTimer.Elapsed(f.now); got != time.Minute {
		t.Fatalf("a paused phase timer ran: %v", got)
	}
	f.must(fac, Resume{})
	f.advance(time.Minute)
	if got := f.s.PhaseTimer.Elapsed(f.now); got != 2*time.Minute {
		t.Fatalf("elapsed %v after resuming", got)
	}
	f.must(fac, Pause{})
	f.must(fac, Next{})
	if f.s.Paused || !f.s.PhaseTimer.Running() {
		t.Fatal("moving on did not end the pause")
	}
}

func TestDoubleNextMovesOnOnce(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas")
	f.to(CheckIn)
	step := f.s.Step()
	f.must(fac, Next{Step: step})
	if err := f.do(fac, Next{Step: step}); !errors.Is(err, ErrConflict) || f.s.Phase != Review {
		t.Fatalf("a second next for the same step: %v, phase %s", err, f.s.Phase)
	}
}

func TestAnonymousEventsNameNoActor(t *testing.T) {
	f := newRetro(t, Config{Anonymous: true, ESVP: true}, "Lukas", "Julia")
	f.to(CheckIn)
	f.must(lukas, CheckInPoll{Answer: Explorer})
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "secret"})
	f.must(lukas, EditCard{Card: 1, Text: "secret, edited"})
	f.to(Vote)
	f.must(lukas, CastVote{Group: 1})
	f.to(Roti)
	f.must(julia, GiveRoti{Score: 2})
	for _, e := range f.events {
		switch e.Type() {
		case "card-added", "card-edited", "voted", "roti-given", "checked-in":
			if e.Actor != Anonymous {
				t.Fatalf("%s recorded with actor %q", e.Type(), e.Actor)
			}
		}
	}
}

func TestThumbsDecideWhenTheTopicsTimeIsUp(t *testing.T) {
	f := newRetro(t, Config{TopicBox: 5 * time.Minute}, "Lukas", "Julia")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "one"})
	f.must(lukas, AddCard{Column: 0, Text: "two"})
	f.to(Discuss)
	f.must(lukas, Thumb{Up: true}) // before the time is up: no decision
	f.advance(5 * time.Minute)
	f.must(lukas, Thumb{Up: true})
	f.must(julia, Thumb{Up: true}) // all thumbs up: another round
	if f.s.TopicPos != 0 || f.s.PhaseTimer.Remaining(f.now) != 5*time.Minute || len(f.s.Thumbs) != 0 {
		t.Fatalf("after thumbs up: topic %d, remaining %v, thumbs %v", f.s.TopicPos, f.s.PhaseTimer.Remaining(f.now), f.s.Thumbs)
	}
	f.advance(5 * time.Minute)
	f.must(lukas, Thumb{Up: true})
	f.must(julia, Thumb{Up: false}) // a tie is not a majority for more
	if f.s.TopicPos != 1 {
		t.Fatalf("after a tie the discussion stayed on topic %d", f.s.TopicPos)
	}
}

func TestReadyStartsAfreshForEachTopic(t *testing.T) {
	f := newRetro(t, Config{AutoAdvance: true}, "Lukas", "Julia")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "one"})
	f.must(lukas, AddCard{Column: 0, Text: "two"})
	f.to(Discuss)
	f.must(lukas, SetReady{Ready: true})
	f.must(julia, SetReady{Ready: true})
	if f.s.TopicPos != 1 || len(f.s.Ready) != 0 {
		t.Fatalf("topic %d, ready %v", f.s.TopicPos, f.s.Ready)
	}
	f.must(lukas, SetReady{Ready: true})
	f.must(fac, Leave{Who: julia}) // the last one not done leaves
	if f.s.Phase != Actions {
		t.Fatalf("after the last undone member left: %s", f.s.Phase)
	}
}

func TestParsePhaseBoxes(t *testing.T) {
	boxes, err := ParsePhaseBoxes("write=10m, vote=2m")
	if err != nil || boxes[Write] != 10*time.Minute || boxes[Vote] != 2*time.Minute {
		t.Fatalf("%v %v", boxes, err)
	}
	for _, bad := range []string{"write", "rounds=5m", "write=-1m", "write=soon", "nonsense=1m"} {
		if _, err := ParsePhaseBoxes(bad); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%q: %v", bad, err)
		}
	}
	f := newRetro(t, Config{PhaseBoxes: map[Phase]time.Duration{Write: 10 * time.Minute}}, "Lukas")
	f.to(Write)
	if f.s.PhaseTimer.Budget != 10*time.Minute {
		t.Fatalf("write's time-box %v", f.s.PhaseTimer.Budget)
	}
}

func TestActionItemsLinkToTheirTopic(t *testing.T) {
	f := newRetro(t, Config{}, "Lukas")
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "one"})
	f.must(lukas, AddCard{Column: 0, Text: "two"})
	f.to(Actions)
	f.must(lukas, AddAction{Text: "fix two", Owner: lukas, Topic: 2})
	f.must(lukas, AddAction{Text: "general", Owner: lukas})
	if f.s.Actions[0].Topic != 2 || f.s.Actions[1].Topic != 0 {
		t.Fatalf("actions %+v", f.s.Actions)
	}
	if err := f.do(lukas, AddAction{Text: "x", Owner: lukas, Topic: 9}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown topic: %v", err)
	}
}

func TestFacilitatorActsForMembersAtTheSharedKeyboard(t *testing.T) {
	f := newRetro(t, Config{VoteBudget: 1}, "Lukas", "Julia")
	f.to(CheckIn)
	f.must(fac, CheckInWord{Word: "tired", For: lukas})
	if f.s.CheckIns[0].Who != "Lukas" {
		t.Fatalf("check-in %+v", f.s.CheckIns)
	}
	if err := f.do(julia, CheckInWord{Word: "x", For: lukas}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member checked in for another: %v", err)
	}
	f.to(Write)
	f.must(fac, AddCard{Column: 0, Text: "one", For: lukas})
	f.to(Vote)
	f.must(fac, CastVote{Group: 1, For: lukas})
	f.must(fac, CastVote{Group: 1, For: julia})
	if f.s.VotesLeft(string(lukas)) != 0 || f.s.VotesLeft(string(julia)) != 0 {
		t.Fatal("the dots were not counted against the members' budgets")
	}
	f.must(fac, SetReady{Ready: true, For: lukas})
	if !f.s.Ready[lukas] {
		t.Fatal("done for a member was not recorded for them")
	}
	a := newRetro(t, Config{Anonymous: true}, "Lukas")
	a.to(CheckIn)
	if err := a.do(fac, CheckInWord{Word: "x", For: lukas}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("acting for someone in an anonymous retro: %v", err)
	}
}

// discussing sets up a retrospective with two topics under discussion,
// its topic time-box 5 minutes, with the roster here.
func discussing(t *testing.T, cfg Config, roster ...string) *fixture {
	t.Helper()
	cfg.TopicBox = 5 * time.Minute
	f := newRetro(t, cfg, roster...)
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "one"})
	f.must(lukas, AddCard{Column: 0, Text: "two"})
	f.to(Discuss)
	return f
}

// The thumbs shown before a topic's time is up decide at its expiry, as
// the room's doing: nobody has to press another key.
func TestThumbsShownBeforeTheTimeIsUpDecideAtItsExpiry(t *testing.T) {
	jorg := RosterID("Jörg")
	for _, tt := range []struct {
		name      string
		anonymous bool
		before    func(f *fixture) // before the time is up
		wantPos   int              // the topic after the expiry
		wantRound bool             // another round granted at the expiry
		awaited   []string         // when nothing is decided: whom the thumbs wait for
	}{
		{name: "all down: the next topic", before: func(f *fixture) {
			f.must(lukas, Thumb{Up: false})
			f.must(julia, Thumb{Up: false})
		}, wantPos: 1},
		{name: "all up: another round", before: func(f *fixture) {
			f.must(lukas, Thumb{Up: true})
			f.must(julia, Thumb{Up: true})
		}, wantRound: true},
		{name: "anonymous, all down", anonymous: true, before: func(f *fixture) {
			f.must(lukas, Thumb{Up: false})
			f.must(julia, Thumb{Up: false})
		}, wantPos: 1},
		{name: "a tie moves on", before: func(f *fixture) {
			f.must(lukas, Thumb{Up: true})
			f.must(julia, Thumb{Up: false})
		}, wantPos: 1},
		{name: "one thumb missing: nothing yet", before: func(f *fixture) {
			f.must(lukas, Thumb{Up: false})
		}, awaited: []string{"Julia"}},
		{name: "the thumb of someone who left does not count", before: func(f *fixture) {
			f.must(fac, Arrive{Who: jorg})
			f.must(jorg, Thumb{Up: true})
			f.must(fac, Leave{Who: jorg})
			f.must(lukas, Thumb{Up: false})
			f.must(julia, Thumb{Up: false})
		}, wantPos: 1},
		{name: "the facilitator counts when here", before: func(f *fixture) {
			f.must(fac, Arrive{Name: "maria"})
			f.must(lukas, Thumb{Up: false})
			f.must(julia, Thumb{Up: false})
		}, awaited: []string{"maria"}},
		{name: "nobody showed a thumb: nothing", before: func(*fixture) {}, awaited: []string{"Lukas", "Julia"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := discussing(t, Config{Anonymous: tt.anonymous}, "Lukas", "Julia", "Jörg")
			f.must(fac, Leave{Who: jorg})
			tt.before(f)
			f.advance(5 * time.Minute)
			n := len(f.events)
			f.record(System, expiries(f.s, f.env())...) // what the room's timer does
			if f.s.TopicPos != tt.wantPos {
				t.Fatalf("topic %d after the expiry, want %d", f.s.TopicPos, tt.wantPos)
			}
			round := f.s.PhaseTimer.Remaining(f.now) == 5*time.Minute
			if round != tt.wantRound && tt.wantPos == 0 {
				t.Fatalf("another round %v, want %v: timer %+v", round, tt.wantRound, f.s.PhaseTimer)
			}
			decided := tt.wantPos != 0 || tt.wantRound
			if decided && len(f.s.Thumbs) != 0 {
				t.Fatalf("the thumbs %v stay after the decision", f.s.Thumbs)
			}
			if !decided && !reflect.DeepEqual(f.s.ThumbsAwaited(), tt.awaited) {
				t.Fatalf("awaited %v, want %v", f.s.ThumbsAwaited(), tt.awaited)
			}
			for _, e := range f.events[n:] {
				if e.Actor != System {
					t.Fatalf("%s at the expiry recorded as %q", e.Type(), e.Actor)
				}
			}
		})
	}
}

// Another round, however late it is granted, is a whole round from then.
func TestARoundGrantedLateIsAWholeRound(t *testing.T) {
	f := discussing(t, Config{}, "Lukas", "Julia")
	f.advance(5 * time.Minute)
	f.must(lukas, Thumb{Up: true})
	f.advance(3 * time.Minute)
	f.must(julia, Thumb{Up: true}) // the last thumb, 3 minutes into overtime
	if got := f.s.PhaseTimer.Remaining(f.now); got != 5*time.Minute || f.s.PhaseTimer.Expired {
		t.Fatalf("after thumbs up 3m late: %v left, timer %+v; want a whole round of 5m", got, f.s.PhaseTimer)
	}
	f.advance(5*time.Minute + 4*time.Minute)
	if err := f.do(lukas, AnotherRound{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member granted another round: %v", err)
	}
	f.must(fac, AnotherRound{})
	if got := f.s.PhaseTimer.Remaining(f.now); got != 5*time.Minute || len(f.s.Thumbs) != 0 {
		t.Fatalf("another round 4m late: %v left, thumbs %v", got, f.s.Thumbs)
	}
	if err := f.do(fac, AnotherRound{}); !errors.Is(err, ErrConflict) {
		t.Fatalf("another round while the time is not up: %v", err)
	}
}

// Only those who count give thumbs and scores: not someone who is away,
// nor the facilitator for them, nor a facilitator who is not here.
func TestOnlyMembersHereThumbAndScore(t *testing.T) {
	jorg := RosterID("Jörg")
	f := discussing(t, Config{}, "Lukas", "Julia", "Jörg")
	f.advance(time.Minute)
	f.must(fac, Leave{Who: jorg})
	for _, tt := range []struct {
		who ParticipantID
		c   Command
	}{
		{jorg, Thumb{Up: true}},
		{fac, Thumb{Up: true}},
		{fac, Thumb{Up: true, For: jorg}},
	} {
		if err := f.do(tt.who, tt.c); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "not marked present") {
			t.Fatalf("%s %+v: %v", tt.who, tt.c, err)
		}
	}
	f.to(Roti)
	for _, tt := range []struct {
		who ParticipantID
		c   Command
	}{
		{jorg, GiveRoti{Score: 5}},
		{fac, GiveRoti{Score: 5}},
		{fac, GiveRoti{Score: 5, For: jorg}},
	} {
		if err := f.do(tt.who, tt.c); !errors.Is(err, ErrForbidden) {
			t.Fatalf("%s %+v: %v", tt.who, tt.c, err)
		}
	}
	f.must(fac, GiveRoti{Score: 4, For: lukas})
	if scored, of, left := f.s.RotiTally(); scored != 1 || of != 3 || left != 1 {
		t.Fatalf("tally %d of %d (%d left), want 1 of 3 (1 left): Jörg took part", scored, of, left)
	}
}

// The ROTI count never says more scored than count: a member who scored
// and left keeps the score and stays in the count.
func TestRotiTallyNeverExceedsThoseWhoCount(t *testing.T) {
	jorg := RosterID("Jörg")
	f := newRetro(t, Config{}, "Lukas", "Julia", "Jörg")
	f.must(fac, Leave{Who: jorg}) // gone before the retrospective began: not counted
	f.to(Roti)
	f.must(lukas, GiveRoti{Score: 5})
	f.must(julia, GiveRoti{Score: 3})
	f.advance(time.Minute)
	f.must(fac, Leave{Who: lukas})
	scored, of, left := f.s.RotiTally()
	if scored != 2 || of != 2 || left != 1 {
		t.Fatalf("after Lukas scored and left: %d of %d scored, %d left; want 2 of 2, 1 left", scored, of, left)
	}
	if f.s.TallyHidden() {
		t.Fatal("the scores stay hidden though everyone who counts has scored")
	}
	f.must(fac, Arrive{Who: lukas}) // back: counted once
	if scored, of, left := f.s.RotiTally(); scored != 2 || of != 2 || left != 0 {
		t.Fatalf("after Lukas came back: %d of %d scored, %d left", scored, of, left)
	}
	f.must(fac, Arrive{Who: jorg})
	if scored, of, _ := f.s.RotiTally(); scored != 2 || of != 3 || !f.s.TallyHidden() {
		t.Fatalf("after Jörg came: %d of %d scored, hidden %v", scored, of, f.s.TallyHidden())
	}
}
