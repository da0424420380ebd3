package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// recorder collects events with contiguous sequence numbers.
type recorder struct{ events []session.Event }

func (r *recorder) add(t time.Time, actor session.ParticipantID, p session.Payload) {
	r.events = append(r.events, session.Event{Seq: int64(len(r.events) + 1), Time: t, Actor: actor, Payload: p})
}

// hashOf stands in for the salted hash a room gives a participant in
// anonymous votes and polls: 24 hex digits, as the room's.
func hashOf(id session.ParticipantID) string {
	sum := sha256.Sum256([]byte("test salt|" + id))
	return hex.EncodeToString(sum[:12])
}

// day is a date at midnight in UTC, as a due date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// retro4Ls is a whole 4Ls retrospective as its events: one member late,
// one absent, an observer; earlier action items reviewed (one left
// unreviewed); a topic a stand-up sent; cards grouped across columns, a
// grouping undone, named and unnamed topics; dots, one taken back; a discussion that
// runs out of time before every topic; notes, decisions and action items;
// a topic parked and dropped, an earlier one discussed; ROTI.
func retro4Ls() []session.Event {
	r := &recorder{}
	r.add(at(13, 55, 0), maria.ID, &session.Created{
		Config: session.Config{
			Team: "musicstore", Kind: session.Retro, Code: code,
			ScheduledAt: at(14, 0, 0), Timebox: time.Hour,
			Format: session.FourLs, Columns: []string{"Liked", "Learned", "Lacked", "Longed for"},
			VoteBudget: 3, VoteCap: 2, TopicBox: 5 * time.Minute,
		},
		Facilitator: maria,
		Roster:      []string{"Lukas", "Julia", "Christian", "Jörg"},
		Carried: []session.Item{
			{
				ID: 4, Topic: "How do we decide things?", RaisedBy: maria, Speaker: chris, Phase: session.Rounds,
				At: at(10, 5, 30), Session: prevID, Status: session.SentToRetro, Resolved: at(10, 13, 30),
			},
			{
				ID: 1, Topic: "Flaky login test", RaisedBy: jorg, Speaker: jorg, Phase: session.Rounds,
				At: at(10, 3, 0).AddDate(0, 0, -1), Session: prevID, Status: session.Open,
				Stay: []session.Person{jorg},
			},
		},
		Actions: []session.Action{
			{ID: 1, Text: "Fix the flaky login test", Owner: jorg, Due: day(2026, 11, 20), Session: prevID},
			{ID: 2, Text: "Write the _release_ checklist", Owner: lukas, Session: prevID},
			{ID: 3, Text: "Ask ops for a staging DB", Owner: julia, Due: day(2026, 11, 24), Session: prevID},
		},
	})
	r.add(at(13, 58, 0), lukas.ID, &session.Arrived{Who: lukas, Role: session.Member})
	r.add(at(13, 59, 0), julia.ID, &session.Arrived{Who: julia, Role: session.Member})
	r.add(at(14, 0, 20), petra.ID, &session.Arrived{Who: petra, Role: session.Observer})
	r.add(at(14, 1, 0), maria.ID, &session.PhaseChanged{To: session.CheckIn})
	r.add(at(14, 1, 30), lukas.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: "Lukas", Word: "focused"}})
	r.add(at(14, 1, 40), julia.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: "Julia", Word: "tired"}})
	r.add(at(14, 1, 50), maria.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: "Maria", Word: "hopeful"}})
	r.add(at(14, 3, 10), chris.ID, &session.Arrived{Who: chris, Role: session.Member, LateBy: 3*time.Minute + 10*time.Second})
	r.add(at(14, 3, 30), chris.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: "Christian", Word: "*curious*"}})
	r.add(at(14, 5, 0), maria.ID, &session.PhaseChanged{To: session.Review})
	r.add(at(14, 6, 0), maria.ID, &session.ActionReviewed{Action: 1, Status: session.ActionDone})
	r.add(at(14, 7, 0), maria.ID, &session.ActionReviewed{Action: 2, Status: session.ActionNotDone})
	r.add(at(14, 10, 0), maria.ID, &session.PhaseChanged{To: session.Write})
	card := func(t time.Time, id, col int, text string, who session.Person) {
		r.add(t, who.ID, &session.CardAdded{Card: session.Card{ID: id, Column: col, Text: text, Author: who, Group: id}})
	}
	// Card 1 is the topic the stand-up sent.
	card(at(14, 11, 0), 2, 0, "Pairing on the checkout bug", lukas)
	card(at(14, 11, 20), 3, 0, "Mob session on Friday", julia)
	card(at(14, 12, 0), 4, 1, "Vitest is fast | and simple", chris)
	card(at(14, 12, 30), 5, 2, "Time for <refactoring>", lukas)
	card(at(14, 13, 0), 6, 2, "Test data for staging", julia)
	card(at(14, 13, 30), 7, 3, "A staging DB of our own", chris)
	card(at(14, 14, 0), 8, 3, "Fewer meetings", maria)
	card(at(14, 15, 0), 9, 1, "How the payment API retries", julia)
	r.add(at(14, 17, 0), maria.ID, &session.CardsRevealed{})
	r.add(at(14, 17, 0), maria.ID, &session.PhaseChanged{To: session.Group})
	r.add(at(14, 18, 0), julia.ID, &session.CardMoved{Move: session.Move{Card: 3, From: 3, To: 2}})
	r.add(at(14, 18, 30), chris.ID, &session.CardMoved{Move: session.Move{Card: 7, From: 7, To: 6}})
	r.add(at(14, 19, 0), lukas.ID, &session.CardMoved{Move: session.Move{Card: 8, From: 8, To: 2}})
	r.add(at(14, 19, 10), maria.ID, &session.CardMoved{Move: session.Move{Card: 8, From: 8, To: 2}, Undo: true})
	r.add(at(14, 19, 40), julia.ID, &session.CardMoved{Move: session.Move{Card: 9, From: 9, To: 4}})
	r.add(at(14, 20, 0), julia.ID, &session.GroupNamed{Group: 2, Name: "Pairing"})
	r.add(at(14, 20, 30), chris.ID, &session.GroupNamed{Group: 6, Name: "Staging data"})
	r.add(at(14, 22, 0), maria.ID, &session.PhaseChanged{To: session.Vote})
	vote := func(t time.Time, who session.Person, group int, remove bool) {
		r.add(t, who.ID, &session.Voted{Dot: session.Dot{Voter: string(who.ID), Group: group}, Remove: remove})
	}
	vote(at(14, 22, 10), lukas, 2, false)
	vote(at(14, 22, 11), lukas, 2, false)
	vote(at(14, 22, 12), lukas, 6, false)
	vote(at(14, 22, 20), julia, 6, false)
	vote(at(14, 22, 21), julia, 1, false)
	vote(at(14, 22, 30), chris, 6, false)
	vote(at(14, 22, 31), chris, 6, false)
	vote(at(14, 22, 32), chris, 4, false)
	vote(at(14, 22, 40), chris, 4, true)
	vote(at(14, 22, 41), chris, 5, false)
	vote(at(14, 22, 50), maria, 2, false)
	// Discussion order: Staging data (4), Pairing (3), the stand-up's
	// topic (1), Time for refactoring (1), then the topics without dots.
	r.add(at(14, 25, 0), maria.ID, &session.PhaseChanged{To: session.Discuss})
	r.add(at(14, 27, 0), maria.ID, &session.Noted{Note: session.Note{Topic: 6, Text: "Ops can give us a nightly snapshot", At: at(14, 27, 0)}})
	r.add(at(14, 29, 0), maria.ID, &session.DecisionRecorded{Decision: session.Decision{
		Topic: 6, Text: "We ask ops for nightly snapshots", At: at(14, 29, 0),
		Present: []string{"Maria", "Lukas", "Julia", "Christian"}, Absent: []string{"Jörg"},
	}})
	r.add(at(14, 30, 0), julia.ID, &session.ActionAdded{Action: session.Action{
		ID: 4, Text: "Ask ops for nightly snapshots", Owner: julia, Due: day(2026, 12, 2), Topic: 6, Session: sessionID,
	}})
	r.add(at(14, 31, 0), maria.ID, &session.TopicChanged{Pos: 1})
	r.add(at(14, 32, 0), lukas.ID, &session.Noted{Note: session.Note{Topic: 2, Text: "Pairing helped *twice* this sprint", At: at(14, 32, 0)}})
	r.add(at(14, 33, 0), lukas.ID, &session.ActionAdded{Action: session.Action{
		ID: 5, Text: "Pair on every bug over 2 points", Owner: lukas, Topic: 2, Session: sessionID,
	}})
	r.add(at(14, 34, 0), chris.ID, &session.Parked{Item: 5, Topic: "Coffee machine again", RaisedBy: chris, Phase: session.Discuss})
	r.add(at(14, 36, 0), maria.ID, &session.TopicChanged{Pos: 2})
	r.add(at(14, 37, 0), maria.ID, &session.Noted{Note: session.Note{Topic: 1, Text: "Decide by consent in the meeting", At: at(14, 37, 0)}})
	r.add(at(14, 39, 0), maria.ID, &session.DecisionRecorded{Decision: session.Decision{
		Topic: 1, Text: "Consent, not unanimity", At: at(14, 39, 0),
		Present: []string{"Maria", "Lukas", "Julia", "Christian"}, Absent: []string{"Jörg"},
	}})
	r.add(at(14, 41, 0), maria.ID, &session.PhaseChanged{To: session.Actions})
	r.add(at(14, 42, 0), maria.ID, &session.ActionAdded{Action: session.Action{
		ID: 6, Text: "Book a room for the mob session", Owner: maria, Due: day(2026, 11, 27), Session: sessionID,
	}})
	r.add(at(14, 44, 0), maria.ID, &session.Resolved{Item: 1, Status: session.Discussed, Note: "Jörg is on it, see action #1"})
	r.add(at(14, 45, 0), maria.ID, &session.Resolved{Item: 5, Status: session.Dropped})
	r.add(at(14, 48, 0), maria.ID, &session.PhaseChanged{To: session.Roti})
	for i, p := range []session.Person{lukas, julia, chris, maria} {
		r.add(at(14, 49, i), p.ID, &session.RotiGiven{Entry: session.RotiEntry{Voter: hashOf(p.ID), Score: []int{4, 5, 3, 4}[i]}})
	}
	r.add(at(14, 52, 0), maria.ID, &session.Ended{})
	return r.events
}

// retroAnonymous is an anonymous Sailboat retrospective with the ESVP
// check-in, as its events: every card and dot under a salted hash, except
// the topic a stand-up sent, which keeps who raised it there.
func retroAnonymous() []session.Event {
	r := &recorder{}
	r.add(at(15, 0, 0), maria.ID, &session.Created{
		Config: session.Config{
			Team: "musicstore", Kind: session.Retro, Code: code, Timebox: 45 * time.Minute,
			Format: session.Sailboat, Columns: []string{"Wind", "Anchors", "Rocks", "Island"},
			VoteBudget: 2, Anonymous: true, ESVP: true,
		},
		Facilitator: maria,
		Roster:      []string{"Lukas", "Julia", "Christian", "Jörg"},
		Carried: []session.Item{{
			ID: 7, Topic: "Too many meetings?", RaisedBy: jorg, Speaker: jorg, Phase: session.Rounds,
			At: at(10, 4, 0), Session: prevID, Status: session.SentToRetro, Resolved: at(10, 13, 0),
		}},
		Actions: []session.Action{
			{ID: 8, Text: "Update the onboarding guide", Owner: lukas, Session: prevID},
		},
	})
	r.add(at(15, 0, 10), lukas.ID, &session.Arrived{Who: lukas, Role: session.Member})
	r.add(at(15, 0, 20), julia.ID, &session.Arrived{Who: julia, Role: session.Member})
	r.add(at(15, 0, 30), chris.ID, &session.Arrived{Who: chris, Role: session.Member})
	r.add(at(15, 1, 0), maria.ID, &session.PhaseChanged{To: session.CheckIn})
	for i, a := range []struct {
		who    session.Person
		answer int
	}{{lukas, session.Explorer}, {julia, session.Prisoner}, {chris, session.Explorer}, {maria, session.Shopper}} {
		r.add(at(15, 1, 10+i), a.who.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: hashOf(a.who.ID), ESVP: a.answer}})
	}
	r.add(at(15, 4, 0), maria.ID, &session.PhaseChanged{To: session.Review})
	r.add(at(15, 5, 0), maria.ID, &session.ActionReviewed{Action: 8, Status: session.ActionDone})
	r.add(at(15, 6, 0), maria.ID, &session.PhaseChanged{To: session.Write})
	card := func(t time.Time, id, col int, text string, who session.Person) {
		r.add(t, who.ID, &session.CardAdded{Card: session.Card{ID: id, Column: col, Text: text, AuthorHash: hashOf(who.ID), Group: id}})
	}
	// Card 1 is the topic the stand-up sent.
	card(at(15, 7, 0), 2, 0, "The new CI is quick", lukas)
	card(at(15, 7, 30), 3, 1, "Reviews wait for days", julia)
	card(at(15, 8, 0), 4, 1, "PRs sit unreviewed", chris)
	card(at(15, 8, 30), 5, 2, "The payment provider deadline", maria)
	card(at(15, 9, 0), 6, 3, "Deploy on Fridays without fear", julia)
	r.add(at(15, 12, 0), maria.ID, &session.PhaseChanged{To: session.Group})
	r.add(at(15, 13, 0), julia.ID, &session.CardMoved{Move: session.Move{Card: 4, From: 4, To: 3}})
	r.add(at(15, 14, 0), julia.ID, &session.GroupNamed{Group: 3, Name: "Slow reviews"})
	r.add(at(15, 16, 0), maria.ID, &session.PhaseChanged{To: session.Vote})
	for i, v := range []struct {
		who   session.Person
		group int
	}{{lukas, 3}, {lukas, 1}, {julia, 3}, {julia, 3}, {chris, 5}, {maria, 3}} {
		r.add(at(15, 16, 10+i), v.who.ID, &session.Voted{Dot: session.Dot{Voter: hashOf(v.who.ID), Group: v.group}})
	}
	// Discussion order: Slow reviews (4), the stand-up's topic (1), the
	// deadline (1), then the topics without dots.
	r.add(at(15, 19, 0), maria.ID, &session.PhaseChanged{To: session.Discuss})
	r.add(at(15, 20, 0), julia.ID, &session.Noted{Note: session.Note{Topic: 3, Text: "Two reviewers per PR is too many", At: at(15, 20, 0)}})
	r.add(at(15, 22, 0), maria.ID, &session.DecisionRecorded{Decision: session.Decision{
		Topic: 3, Text: "One approval is enough", At: at(15, 22, 0),
		Present: []string{"Maria", "Lukas", "Julia", "Christian"}, Absent: []string{"Jörg"},
	}})
	r.add(at(15, 23, 0), julia.ID, &session.ActionAdded{Action: session.Action{
		ID: 9, Text: "Change the branch protection rule", Owner: julia, Due: day(2026, 11, 26), Topic: 3, Session: sessionID,
	}})
	r.add(at(15, 24, 0), maria.ID, &session.TopicChanged{Pos: 1})
	r.add(at(15, 25, 0), chris.ID, &session.Noted{Note: session.Note{Topic: 1, Text: "Half of them could be a message", At: at(15, 25, 0)}})
	r.add(at(15, 29, 0), maria.ID, &session.TopicChanged{Pos: 2})
	r.add(at(15, 34, 0), maria.ID, &session.PhaseChanged{To: session.Actions})
	r.add(at(15, 38, 0), maria.ID, &session.PhaseChanged{To: session.Roti})
	for i, p := range []session.Person{lukas, julia, chris, maria} {
		r.add(at(15, 39, i), p.ID, &session.RotiGiven{Entry: session.RotiEntry{Voter: hashOf(p.ID), Score: []int{5, 2, 4, 4}[i]}})
	}
	r.add(at(15, 41, 0), maria.ID, &session.Ended{})
	return r.events
}

func TestMarkdownMinutesOfA4LsRetroMatchTheGoldenFile(t *testing.T) {
	golden(t, "retro-4ls.md", []byte(mustMarkdown(t, session.Fold(sessionID, retro4Ls()))))
}

func TestMarkdownMinutesOfAnAnonymousRetroMatchTheGoldenFile(t *testing.T) {
	golden(t, "retro-anonymous.md", []byte(mustMarkdown(t, session.Fold(sessionID, retroAnonymous()))))
}

// sections splits minutes into their sections by level-2 heading; the
// text before the first heading is the "" section.
func sections(out string) map[string]string {
	secs := map[string]string{}
	name := ""
	for l := range strings.Lines(out) {
		if h, ok := strings.CutPrefix(l, "## "); ok {
			name = strings.TrimSpace(h)
			continue
		}
		secs[name] += l
	}
	return secs
}

// peopleOf is every name and id of a person a retrospective knows: its
// participants, the authors of its cards, and the people of its parking
// lot and action items.
func peopleOf(s *session.State) []string {
	var out []string
	add := func(p session.Person) {
		for _, v := range []string{p.Name, string(p.ID)} {
			if v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	for _, p := range s.Participants {
		add(p.Person())
	}
	for _, c := range s.Cards {
		add(c.Author)
	}
	for _, it := range s.Items {
		add(it.RaisedBy)
		add(it.Speaker)
	}
	for _, a := range s.Actions {
		add(a.Owner)
	}
	return out
}

// hashesOf is every salted hash in an anonymous retrospective's state:
// its cards' authors, its voters, its check-ins and its ROTI scores.
func hashesOf(s *session.State) []string {
	var out []string
	for _, c := range s.Cards {
		if c.AuthorHash != "" {
			out = append(out, c.AuthorHash)
		}
	}
	for _, d := range s.Votes {
		out = append(out, d.Voter)
	}
	for _, c := range s.CheckIns {
		out = append(out, c.Who)
	}
	for _, r := range s.Rotis {
		out = append(out, r.Voter)
	}
	return out
}

func TestMinutesOfAnAnonymousRetroNameNobodyNextToCardsVotesOrScores(t *testing.T) {
	s := session.Fold(sessionID, retroAnonymous())
	if !s.Config.Anonymous || len(s.Cards) < 5 || len(s.Votes) == 0 || len(s.CheckIns) == 0 || len(s.Rotis) == 0 ||
		!s.Cards[0].FromStandup || s.Cards[0].Author.Name != "Jörg" {
		t.Fatalf("the fixture does not cover what this test is about: %+v", s)
	}
	out := mustMarkdown(t, s)
	secs := sections(out)
	for _, name := range []string{"Check-in", "Board", "Discussion", "ROTI"} {
		sec, ok := secs[name]
		if !ok || strings.TrimSpace(sec) == "" {
			t.Fatalf("no %s section in\n%s", name, out)
		}
		for _, who := range peopleOf(s) {
			if strings.Contains(sec, who) || strings.Contains(sec, md(who)) {
				t.Errorf("the %s section names %q:\n%s", name, who, sec)
			}
		}
	}
	// No line with a card's text names anyone, wherever it stands.
	for l := range strings.Lines(out) {
		for _, c := range s.Cards {
			if !strings.Contains(l, md(c.Text)) {
				continue
			}
			for _, who := range peopleOf(s) {
				if strings.Contains(l, who) {
					t.Errorf("a line with the card %q names %q: %s", c.Text, who, l)
				}
			}
		}
	}
	// Before the first section, only the facilitator is named.
	for l := range strings.Lines(secs[""]) {
		if strings.HasPrefix(l, "- Facilitator: ") {
			continue
		}
		for _, who := range peopleOf(s) {
			if strings.Contains(l, who) {
				t.Errorf("the header names %q: %s", who, l)
			}
		}
	}
	hashes := hashesOf(s)
	if len(hashes) != len(s.Cards)-1+len(s.Votes)+len(s.CheckIns)+len(s.Rotis) {
		t.Fatalf("the fixture has cards, votes, check-ins or scores without a hash: %v", hashes)
	}
	for _, h := range hashes {
		if len(h) != 24 {
			t.Fatalf("%q is not a hash", h)
		}
		if strings.Contains(out, h) || strings.Contains(out, h[:8]) {
			t.Errorf("the minutes show the hash %s:\n%s", h, out)
		}
	}
	// The names that do belong in the minutes are there.
	for _, want := range []string{
		"| Jörg | absent |\n",
		"present: Maria, Lukas, Julia, Christian; absent: Jörg",
		"- Too many meetings? (from a stand-up)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestMinutesOfARetroNameAuthorsWhenNotAnonymous(t *testing.T) {
	// The counterpart of the test above, so that its search would see a
	// name where there is one.
	s := session.Fold(sessionID, retro4Ls())
	out := mustMarkdown(t, s)
	board, checkIn := sections(out)["Board"], sections(out)["Check-in"]
	for _, want := range []string{"(Lukas)", "(Julia)", "(Christian)", "(Maria, from a stand-up)"} {
		if !strings.Contains(board, want) {
			t.Errorf("no %q in the board:\n%s", want, board)
		}
	}
	if !strings.Contains(checkIn, "| Christian | \\*curious\\* |") {
		t.Errorf("no named check-in:\n%s", checkIn)
	}
	for _, r := range s.Rotis {
		if strings.Contains(out, r.Voter) {
			t.Errorf("the minutes show the hash %s", r.Voter)
		}
	}
	for _, id := range []session.ParticipantID{maria.ID, lukas.ID, julia.ID, chris.ID, jorg.ID, petra.ID} {
		if strings.Contains(out, string(id)) {
			t.Errorf("the minutes show the participant id %s (a voter?)", id)
		}
	}
}

func TestAnonymousCheckInWordsAreCountedWithoutNames(t *testing.T) {
	r := &recorder{}
	r.add(at(9, 0, 0), maria.ID, &session.Created{
		Config: session.Config{
			Team: "musicstore", Kind: session.Retro, Timebox: time.Hour,
			Format: session.MadSadGlad, Columns: []string{"Mad", "Sad", "Glad"}, Anonymous: true,
		},
		Facilitator: maria, Roster: []string{"Lukas", "Julia"},
	})
	r.add(at(9, 0, 10), lukas.ID, &session.Arrived{Who: lukas})
	r.add(at(9, 0, 20), julia.ID, &session.Arrived{Who: julia})
	r.add(at(9, 1, 0), maria.ID, &session.PhaseChanged{To: session.CheckIn})
	for i, c := range []struct {
		who  session.Person
		word string
	}{{lukas, "tired"}, {julia, "Julia"}, {maria, "tired"}} {
		r.add(at(9, 1, i), c.who.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: hashOf(c.who.ID), Word: c.word}})
	}
	s := session.Fold(sessionID, r.events)
	out := mustMarkdown(t, s)
	checkIn := sections(out)["Check-in"]
	if !strings.Contains(checkIn, "| tired | 2 |\n| Julia | 1 |\n") {
		t.Errorf("the words are not counted, most first:\n%s", checkIn)
	}
	for _, h := range hashesOf(s) {
		if strings.Contains(out, h) {
			t.Errorf("the minutes show the hash %s:\n%s", h, out)
		}
	}
}

func TestEveryFormatRendersItsColumns(t *testing.T) {
	formats := append([]session.FormatInfo(nil), session.Formats...)
	formats = append(formats, session.FormatInfo{Format: session.Custom, Title: "custom", Columns: []string{"Keep", "Drop | *Try*"}})
	for _, f := range formats {
		t.Run(f.Format.String(), func(t *testing.T) {
			cols, err := session.Columns(f.Format, f.Columns)
			if err != nil {
				t.Fatal(err)
			}
			r := &recorder{}
			r.add(at(9, 0, 0), maria.ID, &session.Created{
				Config:      session.Config{Team: "musicstore", Kind: session.Retro, Timebox: time.Hour, Format: f.Format, Columns: cols},
				Facilitator: maria,
			})
			r.add(at(9, 1, 0), maria.ID, &session.PhaseChanged{To: session.Write})
			for i := range cols {
				r.add(at(9, 2, i), maria.ID, &session.CardAdded{Card: session.Card{ID: i + 1, Column: i, Text: "card " + cols[i], Author: maria, Group: i + 1}})
			}
			r.add(at(9, 5, 0), maria.ID, &session.PhaseChanged{To: session.Group})
			r.add(at(9, 6, 0), maria.ID, &session.Ended{})
			out := mustMarkdown(t, session.Fold(sessionID, r.events))
			want := "- Format: " + md(f.Title) + " ("
			if !strings.Contains(out, want) {
				t.Errorf("no %q in\n%s", want, out)
			}
			board := sections(out)["Board"]
			for _, c := range cols {
				for _, want := range []string{"### " + md(c) + "\n\n- card " + md(c) + " (Maria)\n"} {
					if !strings.Contains(board, want) {
						t.Errorf("no %q in the board:\n%s", want, board)
					}
				}
			}
			checkTables(t, out)
		})
	}
}

// checkTables checks that every table row has as many unescaped pipes as
// its header.
func checkTables(t *testing.T, out string) {
	t.Helper()
	var cols int
	for l := range strings.Lines(out) {
		if !strings.HasPrefix(l, "|") {
			cols = 0
			continue
		}
		n := strings.Count(l, "|") - strings.Count(l, `\|`)
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row with %d cell borders, want %d: %s", n, cols, l)
		}
	}
}

func TestRetroMinutesKeepUserTextInItsTableCells(t *testing.T) {
	checkTables(t, mustMarkdown(t, session.Fold(sessionID, retro4Ls())))
	checkTables(t, mustMarkdown(t, session.Fold(sessionID, retroAnonymous())))
}

func TestMarkdownOfAnUnfinishedRetro(t *testing.T) {
	events := retro4Ls()
	// Stop during the discussion of the second topic, after its note.
	n := 0
	for i, e := range events {
		if nt, ok := e.Payload.(*session.Noted); ok && nt.Note.Topic == 2 {
			n = i + 1
		}
	}
	s := session.Fold(sessionID, events[:n])
	out := mustMarkdown(t, s)
	for _, want := range []string{
		"# Retrospective · musicstore · Wed 25 Nov 2026 (unfinished)\n",
		"- Duration: 31:00 (time-box 1:00:00, within)\n",
		"- Stopped during the discussion\n",
		"### 2. Pairing · 3 dots (under discussion)\n",
		"- #3 Ask ops for a staging DB (Julia, due 2026-11-24): not reviewed, carries on\n",
		"## ROTI\n\nNobody scored the retrospective.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestMarkdownOfARetroBeforeTheReveal(t *testing.T) {
	events := retro4Ls()
	n := 0
	for i, e := range events {
		if _, ok := e.Payload.(*session.CardsRevealed); ok {
			n = i
			break
		}
	}
	s := session.Fold(sessionID, events[:n])
	out := mustMarkdown(t, s)
	for _, text := range []string{"Pairing on the checkout bug", "Fewer meetings", "How do we decide things? ("} {
		if strings.Contains(out, text) {
			t.Errorf("a card not revealed is in the minutes: %q\n%s", text, out)
		}
	}
	for _, want := range []string{
		"| Liked | 3 |\n", "| Longed for | 2 |\n",
		"## Discussion\n\nThe discussion did not start.\n",
		"- #3 Ask ops for a staging DB (Julia, due 2026-11-24): not reviewed, carries on\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestMarkdownOfARetroThatNeverStarted(t *testing.T) {
	events := retro4Ls()[:3]
	s := session.Fold(sessionID, events)
	s.Apply(session.Event{Seq: 4, Time: at(14, 30, 0), Actor: maria.ID, Payload: &session.Ended{}})
	out := mustMarkdown(t, s)
	for _, want := range []string{
		"# Retrospective · musicstore · Wed 25 Nov 2026\n",
		"- Duration: the retrospective did not start (time-box 1:00:00)\n",
		"## Check-in\n\nNobody checked in.\n",
		"- #1 Fix the flaky login test (Jörg, due 2026-11-20): not reviewed, carries on\n",
		"## Discussion\n\nThe discussion did not start.\n",
		"## Decisions\n\nNone recorded.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestMarkdownRefusesAnUnknownKind(t *testing.T) {
	s := &session.State{Config: session.Config{Kind: session.Kind(7)}}
	var b bytes.Buffer
	if err := Markdown(&b, s); !errors.Is(err, session.ErrInvalid) || b.Len() > 0 {
		t.Fatalf("err = %v, wrote %d bytes", err, b.Len())
	}
}

func TestAFailingWriterStopsTheRetroMinutesWithItsFirstError(t *testing.T) {
	s := session.Fold(sessionID, retro4Ls())
	for _, limit := range []int{0, 1, 100, 1000, 3000} {
		w := &failingWriter{limit: limit}
		if err := Markdown(w, s); !errors.Is(err, errDiskFull) {
			t.Errorf("failing after %d bytes: err = %v, want the writer's", limit, err)
		}
		if w.writesAfter > 0 {
			t.Errorf("failing after %d bytes: %d writes after the first error", limit, w.writesAfter)
		}
	}
}

func TestRetroMinutesAreDeterministic(t *testing.T) {
	events := retro4Ls()
	a := mustMarkdown(t, session.Fold(sessionID, events))
	for range 5 {
		if b := mustMarkdown(t, session.Fold(sessionID, events)); a != b {
			t.Fatal("two renderings of the same retrospective differ")
		}
	}
}
