package session

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// standupInRounds is a stand-up in its rounds with a parked topic and a
// blocker: Lukas speaks, Julia is next.
func standupInRounds(tb testing.TB) *State {
	f := newFixture(tb, Config{}, "Lukas", "Julia")
	f.arrive("Lukas", "Julia")
	f.must(fac, Start{})
	f.must(fac, Park{Topic: "flaky CI", Stay: []ParticipantID{lukas}})
	f.must(fac, NoteBlocker{Text: "waiting for the API"})
	return f.s
}

// retroDiscussing is a retrospective discussing its first topic, with
// check-ins, cards, dots, a note, a decision and an action item.
func retroDiscussing(tb testing.TB) *State {
	f := newRetro(tb, Config{Format: StartStopContinue}, "Lukas", "Julia")
	f.to(CheckIn)
	f.must(lukas, CheckInWord{Word: "calm"})
	f.must(julia, CheckInPoll{Answer: Shopper})
	f.to(Write)
	f.must(lukas, AddCard{Column: 0, Text: "pair on reviews"})
	f.must(julia, AddCard{Column: 2, Text: "friday deploys"})
	f.to(Vote)
	f.must(julia, CastVote{Group: 2})
	f.to(Discuss)
	f.must(fac, AddNote{Text: "deploys break on fridays"})
	f.must(fac, RecordDecision{Text: "no deploys after thursday noon"})
	f.must(fac, AddAction{Text: "write the rule down", Owner: julia})
	return f.s
}

func TestValidateNamesTheProblem(t *testing.T) {
	for _, c := range []struct {
		name   string
		state  func(testing.TB) *State
		break_ func(s *State)
		want   string
	}{
		{"speaker past the order", standupInRounds, func(s *State) { s.Pos = len(s.Order) },
			"the rounds are on, but the speaker's position 2 is past the end of the speaking order of 2"},
		{"negative position", standupInRounds, func(s *State) { s.Pos = -1 },
			"the speaker's position -1 is outside the speaking order of 2"},
		{"stranger in the order", standupInRounds, func(s *State) { s.Order[1] = "nobody" },
			`the speaking order names "nobody", who is no participant`},
		{"turn of someone else", standupInRounds, func(s *State) { s.Pos = 1 },
			`no turn of the speaker "roster:Julia" runs`},
		{"turn ended in the rounds", standupInRounds, func(s *State) { s.Turns[0].Ended = t0 },
			"no turn of the speaker"},
		{"paused with a running turn", standupInRounds, func(s *State) { s.Paused = true },
			"the turn's timer runs while paused"},
		{"negative turn budget", standupInRounds, func(s *State) { s.Turns[0].Timer.Budget = -time.Second },
			"turn 1 has a negative time"},
		{"blocker of a stranger", standupInRounds, func(s *State) { s.Blockers[0].Speaker.ID = "nobody" },
			`blocker 1 is of "nobody", who is no participant`},
		{"two facilitators", standupInRounds, func(s *State) { s.Participants[1].Role = Facilitator },
			"has the facilitator's role but"},
		{"missing facilitator", standupInRounds, func(s *State) { s.Facilitator, s.Participants[0].Role = "nobody", Member },
			`the facilitator "nobody" is not a participant`},
		{"participant twice", standupInRounds, func(s *State) { s.Participants[2].ID = s.Participants[1].ID },
			"is there twice"},
		{"unknown role", standupInRounds, func(s *State) { s.Participants[1].Role = 7 },
			"unknown role"},
		{"present, never arrived", standupInRounds, func(s *State) { s.Participants[1].Arrived = time.Time{} },
			"is present but never arrived"},
		{"item id twice", standupInRounds, func(s *State) { s.Items = append(s.Items, s.Items[0]) },
			"parking-lot item #1: the id is not positive or is there twice"},
		{"item status", standupInRounds, func(s *State) { s.Items[0].Status = 9 },
			"parking-lot item #1 has an unknown status"},
		{"decided without text", standupInRounds, func(s *State) { s.Items[0].Status = Decided },
			"decided without the decision's text"},
		{"phase of another kind", standupInRounds, func(s *State) { s.Phase = Vote },
			"a standup has no vote phase"},
		{"unknown phase", standupInRounds, func(s *State) { s.Phase = 42 },
			"a standup has no session.Phase(42) phase"},
		{"closed without an end", standupInRounds, func(s *State) { s.Phase = Closed; s.Turns[0].Ended = t0 },
			"it is closed but has no end"},
		{"ended but open", standupInRounds, func(s *State) { s.Ended = t0 },
			"it ended but is in the rounds phase"},
		{"rounds never started", standupInRounds, func(s *State) { s.Started = time.Time{} },
			"it is in the rounds phase but never started"},
		{"paused in the waiting room", standupInRounds, func(s *State) {
			s.Phase, s.Paused, s.Order, s.Turns, s.Pos = Waiting, true, nil, nil, 0
		}, "paused in the waiting phase"},
		{"negative time-box", standupInRounds, func(s *State) { s.Config.Timebox = -time.Minute },
			"a negative time-box"},
		{"unknown kind", standupInRounds, func(s *State) { s.Config.Kind = 5 },
			"unknown kind of session"},
		{"cards in a stand-up", standupInRounds, func(s *State) { s.Cards = []Card{{ID: 1, Text: "x", Group: 1}} },
			"a stand-up has a retrospective's cards"},
		{"no events", standupInRounds, func(s *State) { s.Seq = 0 }, "it has no events"},

		{"card in no column", retroDiscussing, func(s *State) { s.Cards[0].Column = 3 },
			"card #1 is in column 3 of 3"},
		{"card in a negative column", retroDiscussing, func(s *State) { s.Cards[1].Column = -1 },
			"card #2 is in column -1 of 3"},
		{"no columns", retroDiscussing, func(s *State) { s.Config.Columns = nil },
			"a retrospective has 0 columns"},
		{"card in topic 0", retroDiscussing, func(s *State) { s.Cards[0].Group = 0 },
			"card #1 is in topic 0"},
		{"dot on no topic", retroDiscussing, func(s *State) { s.Votes[0].Group = 9 },
			"a dot on topic 9, which is not on the board"},
		{"dots over budget", retroDiscussing, func(s *State) { s.Votes = append(s.Votes, s.Votes[0], s.Votes[0], s.Votes[0]) },
			"more than the budget of 3"},
		{"discussion past its topics", retroDiscussing, func(s *State) { s.TopicPos = len(s.Topics) },
			"the discussion is at position 2 of 2 topics"},
		{"discussion before its topics", retroDiscussing, func(s *State) { s.TopicPos = -1 },
			"the discussion is at position -1 of 2 topics"},
		{"undiscussed topic", retroDiscussing, func(s *State) { s.Topics[1] = 7 },
			"topic 7 is discussed but is not on the board"},
		{"note on no topic", retroDiscussing, func(s *State) { s.Notes[0].Topic = 7 },
			"note 1 is empty or on topic 7"},
		{"decision on no topic", retroDiscussing, func(s *State) { s.Decisions[0].Topic = 7 },
			"decision 1 is empty or on topic 7"},
		{"action on no topic", retroDiscussing, func(s *State) { s.Actions[0].Topic = 7 },
			"action item #1 comes from topic 7, which was not discussed"},
		{"action id twice", retroDiscussing, func(s *State) { s.Actions = append(s.Actions, s.Actions[0]) },
			"action item #1: the id is not positive or is there twice"},
		{"poll answer out of range", retroDiscussing, func(s *State) { s.CheckIns[1].ESVP = 5 },
			"a check-in answers the poll with 5, want 1 to 4"},
		{"ROTI out of range", retroDiscussing, func(s *State) { s.Rotis = []RotiEntry{{Voter: "x", Score: 0}} },
			"a ROTI score is 0, want 1 to 5"},
		{"ready stranger", retroDiscussing, func(s *State) { s.Ready = map[ParticipantID]bool{"nobody": true} },
			`"nobody" is done with the phase but is no participant`},
		{"turns in a retro", retroDiscussing, func(s *State) { s.Order = []ParticipantID{fac} },
			"a retrospective has a stand-up's speaking order"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.state(t).Clone()
			if err := s.Validate(); err != nil {
				t.Fatalf("the state is broken before breaking it: %v", err)
			}
			c.break_(s)
			err := s.Validate()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) ||
				!strings.HasPrefix(err.Error(), "invalid: the session's state is inconsistent: ") {
				t.Fatalf("err %v\nwant one with %q", err, c.want)
			}
		})
	}
}

// TestValidateNeverPanics breaks states at random: Validate reports, it
// never panics.
func TestValidateNeverPanics(t *testing.T) {
	bases := []*State{standupInRounds(t), retroDiscussing(t), {}, nil}
	r := rand.New(rand.NewPCG(3, 4))
	n := func() int { return r.IntN(7) - 3 }
	mutations := []func(s *State){
		func(s *State) { s.Pos = n() },
		func(s *State) { s.TopicPos = n() },
		func(s *State) { s.Order = nil },
		func(s *State) { s.Turns = nil },
		func(s *State) { s.Topics = nil },
		func(s *State) { s.Participants = nil },
		func(s *State) { s.Config.Columns = nil },
		func(s *State) { s.Phase = Phase(n() + 3) },
		func(s *State) { s.Config.Kind = Kind(n()) },
		func(s *State) { s.Config.VoteBudget = n() },
		func(s *State) { s.Paused = !s.Paused },
		func(s *State) { s.Facilitator = "" },
		func(s *State) {
			if len(s.Cards) > 0 {
				s.Cards[0].Column = n()
			}
		},
		func(s *State) { s.Votes = append(s.Votes, Dot{Group: n()}) },
		func(s *State) { s.Turns = append(s.Turns, Turn{Speaker: "x"}) },
	}
	for range 2000 {
		base := bases[r.IntN(len(bases))]
		if base == nil {
			_ = base.Validate()
			continue
		}
		s := base.Clone()
		for range 1 + r.IntN(3) {
			mutations[r.IntN(len(mutations))](s)
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("Validate panicked on %+v: %v", s, p)
				}
			}()
			_ = s.Validate()
		}()
	}
}
