package plain

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

func standupState() *session.State {
	return &session.State{
		Config:      session.Config{Kind: session.Standup},
		Facilitator: fac,
		Phase:       session.Rounds,
		Participants: []session.Participant{
			{ID: fac, Name: "maria", Role: session.Facilitator, Present: true},
			{ID: lukas, Name: "Lukas", Present: true},
			{ID: julia, Name: "Julia", Present: true},
			{ID: jorg, Name: "Jörg"},
			{ID: "ssh:x", Name: "Julian", Present: true},
		},
		Order:    []session.ParticipantID{lukas, julia},
		Turns:    []session.Turn{{Speaker: lukas, Started: t0}},
		Items:    []session.Item{{ID: 3, Topic: "release date"}},
		Blockers: []session.Blocker{{Speaker: session.Person{ID: lukas, Name: "Lukas"}, Text: "red build"}},
		Knocking: []session.Knock{{Key: "SHA256:k", Name: "eve"}},
	}
}

func retroState(p session.Phase) *session.State {
	s := standupState()
	s.Config = session.Config{Kind: session.Retro, Columns: []string{"Start", "Stop", "Continue"}}
	s.Phase = p
	s.Cards = []session.Card{{ID: 1, Group: 1, Text: "a"}, {ID: 2, Group: 2, Text: "b"}}
	s.Actions = []session.Action{{ID: 1, Text: "fix CI", Owner: session.Person{ID: lukas, Name: "Lukas"}}}
	return s
}

func withReview(s *session.State) *session.State {
	s.Review = []session.LogEntry{{Ref: "s1/p3", Text: "ship on 15 Jan"}}
	return s
}

func TestParseEveryCommand(t *testing.T) {
	due := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	stand := standupState()
	cases := []struct {
		s    *session.State
		me   session.ParticipantID
		line string
		want session.Command
	}{
		{stand, fac, "next", session.Next{Speaker: lukas}},
		{stand, fac, "NEXT", session.Next{Speaker: lukas}},
		{stand, fac, "done", session.Next{Speaker: lukas}},
		{stand, fac, "skip", session.Skip{Speaker: lukas}},
		{stand, fac, "pause coffee", session.Pause{Reason: "coffee"}},
		{stand, fac, "resume", session.Resume{}},
		{stand, fac, "plus", session.Extend{By: time.Minute}},
		{stand, fac, "plus 3", session.Extend{By: 3 * time.Minute}},
		{stand, fac, "start", session.Start{}},
		{stand, fac, "end", session.End{}},
		{stand, fac, "here jörg", session.Arrive{Who: jorg}},
		{stand, fac, "here Anna", session.Arrive{Name: "Anna"}},
		{stand, fac, "away @Lukas", session.Leave{Who: lukas}},
		{stand, fac, "unarrive Lukas", session.Unarrive{Who: lukas}},
		{stand, fac, "remove Julian", session.Remove{Who: "ssh:x"}},
		{stand, fac, "remove-guest Julian", session.RemoveGuest{Who: "ssh:x"}},
		{stand, fac, "promote Julian", session.PromoteGuest{Who: "ssh:x"}},
		{stand, fac, "admit 1", session.Admit{Key: "SHA256:k"}},
		{stand, fac, "admit 1 as Jörg", session.Admit{Key: "SHA256:k", As: "Jörg"}},
		{stand, fac, "turnaway 1", session.TurnAway{Key: "SHA256:k"}},
		{stand, fac, "handover Julia", session.HandOver{To: julia}},
		{stand, lukas, "takeover", session.TakeOver{}},
		{stand, fac, "upnext Julia", session.UpNext{Who: julia, Speaker: lukas}},
		{stand, fac, "now Julia", session.UpNext{Who: julia, Now: true, Speaker: lukas}},
		{stand, fac, "moveup Julia", session.MoveUp{Who: julia}},
		{stand, julia, "blocker waiting for the API", session.NoteBlocker{Text: "waiting for the API"}},
		{stand, fac, "blocker @Lukas needs access", session.NoteBlocker{Speaker: lukas, Text: "needs access"}},
		{stand, julia, "park release date @Lukas", session.Park{Topic: "release date", Stay: []session.ParticipantID{lukas}}},
		{stand, julia, "stay 3", session.Stay{Item: 3, Who: julia, Stay: true}},
		{stand, julia, "unstay #3", session.Stay{Item: 3, Who: julia}},
		{stand, fac, "stay 3 Lukas", session.Stay{Item: 3, Who: lukas, Stay: true}},
		{stand, fac, "discussed 3", session.Resolve{Item: 3, Status: session.Discussed}},
		{stand, fac, "decide 3 ship on 15 Jan", session.Resolve{Item: 3, Status: session.Decided, Note: "ship on 15 Jan"}},
		{stand, fac, "retro 3", session.Resolve{Item: 3, Status: session.SentToRetro}},
		{stand, fac, "drop 3", session.Resolve{Item: 3, Status: session.Dropped}},
		{stand, julia, "edit-item 3 release date 2.0", session.EditItem{Item: 3, Topic: "release date 2.0"}},
		{stand, julia, "delete-item 3", session.DeleteItem{Item: 3}},
		{stand, lukas, "edit-blocker 1 green build", session.EditBlocker{Blocker: 0, Was: "red build", Text: "green build"}},
		{stand, lukas, "delete-blocker 1", session.DeleteBlocker{Blocker: 0, Was: "red build"}},
		{retroState(session.CheckIn), julia, "word sunny", session.CheckInWord{Word: "sunny"}},
		{retroState(session.CheckIn), julia, "esvp shopper", session.CheckInPoll{Answer: session.Shopper}},
		{retroState(session.CheckIn), julia, "esvp 4", session.CheckInPoll{Answer: session.Prisoner}},
		{retroState(session.CheckIn), julia, "done", session.SetReady{Ready: true}},
		{retroState(session.CheckIn), julia, "notdone", session.SetReady{}},
		{retroState(session.Review), julia, "review 1 done", session.ReviewAction{Action: 1, Status: session.ActionDone}},
		{withReview(retroState(session.Review)), fac, "confirm 1", session.ReviewDecision{Decision: "s1/p3", Outcome: session.Confirmed}},
		{withReview(retroState(session.Review)), fac, "reopen 1", session.ReviewDecision{Decision: "s1/p3", Outcome: session.Reopened}},
		{retroState(session.Write), julia, "card Start: pair on CI", session.AddCard{Column: 0, Text: "pair on CI"}},
		{retroState(session.Write), julia, "card 3: keep demos", session.AddCard{Column: 2, Text: "keep demos"}},
		{retroState(session.Write), julia, "card sto: meetings", session.AddCard{Column: 1, Text: "meetings"}},
		{retroState(session.Write), julia, "edit 1 pair on CI daily", session.EditCard{Card: 1, Text: "pair on CI daily"}},
		{retroState(session.Write), julia, "delete 1", session.DeleteCard{Card: 1}},
		{retroState(session.Write), julia, "move 1 Continue", session.MoveCard{Card: 1, Column: 2}},
		{retroState(session.Write), fac, "reveal", session.Reveal{}},
		{retroState(session.Group), fac, "group 2 1", session.GroupCard{Card: 2, Onto: 1}},
		{retroState(session.Group), fac, "group 2 into 1", session.GroupCard{Card: 2, Onto: 1}},
		{retroState(session.Group), fac, "undo", session.UndoGroup{}},
		{retroState(session.Group), fac, "name 1 CI", session.NameGroup{Group: 1, Name: "CI"}},
		{retroState(session.Vote), julia, "vote 2", session.CastVote{Group: 2}},
		{retroState(session.Vote), julia, "unvote 2", session.CastVote{Group: 2, Remove: true}},
		{retroState(session.Discuss), julia, "up", session.Thumb{Up: true}},
		{retroState(session.Discuss), julia, "down", session.Thumb{}},
		{retroState(session.Discuss), fac, "another", session.AnotherRound{}},
		{retroState(session.Discuss), julia, "note flaky tests", session.AddNote{Text: "flaky tests"}},
		{retroState(session.Discuss), julia, "decide we pair", session.RecordDecision{Text: "we pair"}},
		{retroState(session.Discuss), julia, "decide 3 ship", session.Resolve{Item: 3, Status: session.Decided, Note: "ship"}},
		{retroState(session.Discuss), julia, "action fix CI @Lukas due 2026-12-10", session.AddAction{Text: "fix CI", Owner: lukas, Due: due}},
		{retroState(session.Actions), julia, "edit-action 1 fix CI today", session.EditAction{Action: 1, Text: "fix CI today", Owner: lukas}},
		{retroState(session.Actions), julia, "delete-action 1", session.DeleteAction{Action: 1}},
		{retroState(session.Discuss), fac, "skip-to-actions", session.SkipToActions{Step: "discuss#0"}},
		{retroState(session.Discuss), fac, "back", session.Back{Step: "discuss#0"}},
		{retroState(session.Discuss), fac, "next", session.Next{Step: "discuss#0"}},
		{retroState(session.Roti), julia, "score 4", session.GiveRoti{Score: 4}},
	}
	for _, c := range cases {
		r, err := Parse(Input{State: c.s, Me: c.me}, c.line)
		if err != nil {
			t.Errorf("%q: %v", c.line, err)
			continue
		}
		if !reflect.DeepEqual(r.Command, c.want) {
			t.Errorf("%q: %#v, want %#v", c.line, r.Command, c.want)
		}
	}
}

func TestParseLocalRequests(t *testing.T) {
	for _, w := range []string{"help", "?", "status", "items", "cards", "topics", "actions", "quit"} {
		r, err := Parse(Input{State: standupState(), Me: julia}, w)
		if err != nil || r.Command != nil || r.Local == "" {
			t.Errorf("%q: %+v %v", w, r, err)
		}
	}
}

func TestParseWrongInput(t *testing.T) {
	cases := map[string]string{
		"":                   "type a command",
		"dance":              `"dance" is not a command`,
		"\x1b[31mdance":      `"[31mdance" is not a command`,
		"park":               "type it as: park TOPIC",
		"park x @Nobody":     `nobody called "Nobody"`,
		"stay x":             `"x" is not a number`,
		"decide":             "type it as: decide N TEXT",
		"plus lots":          "type it as: plus [MINUTES]",
		"away @Jul":          `could be Julia or Julian`,
		"admit 2":            "nobody is knocking as 2",
		"card Nowhere: text": "",
		"score 9":            "",
	}
	for line, msg := range cases {
		_, err := Parse(Input{State: standupState(), Me: fac}, line)
		if err == nil {
			t.Errorf("%q: no error", line)
			continue
		}
		if !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want %q", line, err, msg)
		}
	}
	_, err := Parse(Input{State: retroState(session.Write), Me: julia}, "card Nowhere: x")
	if err == nil || !strings.Contains(err.Error(), "the columns are 1 Start, 2 Stop, 3 Continue") {
		t.Fatalf("unknown column: %v", err)
	}
	_, err = Parse(Input{State: retroState(session.Roti), Me: julia}, "score 9")
	if err == nil || !strings.Contains(err.Error(), "score 1-5") {
		t.Fatalf("score 9: %v", err)
	}
	_, err = Parse(Input{State: retroState(session.Vote), Me: julia}, "vote 7")
	if err == nil || !strings.Contains(err.Error(), "no topic #7") {
		t.Fatalf("vote 7: %v", err)
	}
	_, err = Parse(Input{State: standupState(), Me: julia}, "done")
	if err == nil || !strings.Contains(err.Error(), "facilitator moves on") {
		t.Fatalf("a member's done in a stand-up: %v", err)
	}
}

func TestActingForSomeoneLocally(t *testing.T) {
	in := Input{State: retroState(session.Write), Me: fac, Shared: true}
	r, err := Parse(in, "for Julia card Start: pair")
	if err != nil || !reflect.DeepEqual(r.Command, session.AddCard{Text: "pair", For: julia}) {
		t.Fatalf("%#v %v", r.Command, err)
	}
	in.Shared = false
	if _, err := Parse(in, "for Julia card Start: pair"); err == nil {
		t.Fatal("for works only at the shared keyboard")
	}
}

func TestHelpByPhaseAndRole(t *testing.T) {
	has := func(lines []string, verb string) bool {
		for _, l := range lines {
			if strings.HasPrefix(l, verb+" ") {
				return true
			}
		}
		return false
	}
	member := Help(Input{State: standupState(), Me: julia})
	facil := Help(Input{State: standupState(), Me: fac})
	if has(member, "next") || !has(facil, "next") || !has(member, "park") || has(member, "vote") {
		t.Fatalf("member:\n%s\nfacilitator:\n%s", strings.Join(member, "\n"), strings.Join(facil, "\n"))
	}
	vote := Help(Input{State: retroState(session.Vote), Me: julia})
	if !has(vote, "vote") || has(vote, "card") || has(vote, "score") {
		t.Fatalf("vote:\n%s", strings.Join(vote, "\n"))
	}
}
