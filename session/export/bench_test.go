package export

import (
	"fmt"
	"io"
	"testing"
	"time"

	"huddle/session"
)

// bigRetro is a retrospective of about n events: a team of twelve with
// fifty earlier action items, and then, in the proportions of a long
// retrospective, cards, grouping moves, topic names, dots, notes,
// decisions, action items and parked topics (half of them dropped).
func bigRetro(n int) (session.Info, []session.Event) {
	r := &recorder{}
	t := at(9, 0, 0)
	tick := func() time.Time { t = t.Add(100 * time.Millisecond); return t }
	team := make([]session.Person, 12)
	roster := make([]string, len(team))
	for i := range team {
		roster[i] = fmt.Sprintf("Member %02d", i)
		team[i] = session.Person{ID: session.RosterID(roster[i]), Name: roster[i]}
	}
	var carried []session.Action
	for i := range 50 {
		carried = append(carried, session.Action{ID: i + 1, Text: fmt.Sprintf("Earlier action item %d", i+1), Owner: team[i%len(team)], Session: prevID})
	}
	r.add(t, maria.ID, &session.Created{
		Config: session.Config{
			Team: "musicstore", Kind: session.Retro, Code: code, Timebox: 2 * time.Hour,
			Format: session.FourLs, Columns: []string{"Liked", "Learned", "Lacked", "Longed for"}, VoteBudget: 100,
		},
		Facilitator: maria, Roster: roster, Actions: carried,
	})
	for _, p := range team {
		r.add(tick(), p.ID, &session.Arrived{Who: p, Role: session.Member})
	}
	r.add(tick(), maria.ID, &session.PhaseChanged{To: session.CheckIn})
	for _, p := range team {
		r.add(tick(), p.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: p.Name, Word: "ready"}})
	}
	r.add(tick(), maria.ID, &session.PhaseChanged{To: session.Write})
	// Shares of n: cards 28%, moves 14%, names 3%, dots 28%, notes 10%,
	// decisions 1%, action items 3%, parked and resolved 5% each.
	cards := n * 28 / 100
	for i := range cards {
		p := team[i%len(team)]
		r.add(tick(), p.ID, &session.CardAdded{Card: session.Card{ID: i + 1, Column: i % 4, Text: fmt.Sprintf("Card %d about something that happened", i+1), Author: p, Group: i + 1}})
	}
	r.add(tick(), maria.ID, &session.CardsRevealed{})
	r.add(tick(), maria.ID, &session.PhaseChanged{To: session.Group})
	for i := range n * 14 / 100 {
		card, to := cards-i, 1+i%(cards/4) // the last cards into the first topics
		r.add(tick(), team[i%len(team)].ID, &session.CardMoved{Move: session.Move{Card: card, From: card, To: to}})
	}
	for i := range n * 3 / 100 {
		r.add(tick(), maria.ID, &session.GroupNamed{Group: i + 1, Name: fmt.Sprintf("Theme %d", i+1)})
	}
	r.add(tick(), maria.ID, &session.PhaseChanged{To: session.Vote})
	for i := range n * 28 / 100 {
		p := team[i%len(team)]
		r.add(tick(), p.ID, &session.Voted{Dot: session.Dot{Voter: string(p.ID), Group: 1 + (i*7)%(cards/2)}})
	}
	r.add(tick(), maria.ID, &session.PhaseChanged{To: session.Discuss})
	notes, decisions, actions, parked := n*10/100, n/100, n*3/100, n*5/100
	const topics = 40
	for pos := range topics {
		if pos > 0 {
			r.add(tick(), maria.ID, &session.TopicChanged{Pos: pos})
		}
		// The topic ids are those the fold put in discussion order; the
		// notes name them by the order's position, which is close enough
		// for a benchmark: every note lands on some topic.
		for i := range notes / topics {
			r.add(tick(), maria.ID, &session.Noted{Note: session.Note{Topic: 1 + pos, Text: fmt.Sprintf("Note %d on this topic", i), At: t}})
		}
		for range decisions / topics {
			r.add(tick(), maria.ID, &session.DecisionRecorded{Decision: session.Decision{Topic: 1 + pos, Text: "We decided something", At: t, Present: roster}})
		}
		for i := range actions / topics {
			r.add(tick(), maria.ID, &session.ActionAdded{Action: session.Action{
				ID: 1000 + pos*100 + i, Text: "Do the thing we agreed", Owner: team[i%len(team)], Topic: 1 + pos, Session: sessionID,
			}})
		}
		for i := range parked / topics {
			id := pos*100 + i + 1
			r.add(tick(), team[i%len(team)].ID, &session.Parked{Item: id, Topic: fmt.Sprintf("Parked topic %d", id), RaisedBy: team[i%len(team)], Phase: session.Discuss})
		}
	}
	r.add(tick(), maria.ID, &session.PhaseChanged{To: session.Actions})
	for pos := range topics {
		for i := range parked / topics {
			st := session.Dropped
			if i%2 == 0 {
				st = session.Discussed
			}
			r.add(tick(), maria.ID, &session.Resolved{Item: pos*100 + i + 1, Status: st, Note: "dealt with"})
		}
	}
	r.add(tick(), maria.ID, &session.PhaseChanged{To: session.Roti})
	for i, p := range team {
		r.add(tick(), p.ID, &session.RotiGiven{Entry: session.RotiEntry{Voter: hashOf(p.ID), Score: 1 + i%5}})
	}
	for len(r.events) < n-1 {
		r.add(tick(), maria.ID, &session.ReadyChanged{Who: maria.ID, Ready: len(r.events)%2 == 0})
	}
	r.add(tick(), maria.ID, &session.Ended{})
	info := session.Info{
		ID: sessionID, Team: "musicstore", Kind: session.Retro, Code: code,
		Created: r.events[0].Time, Ended: t, Events: int64(len(r.events)),
	}
	return info, r.events
}

// BenchmarkExport10000Events measures what an export of a recorded
// session costs: the fold of its 10,000 events and the encoder, into
// io.Discard.
func BenchmarkExport10000Events(b *testing.B) {
	info, events := bigRetro(10000)
	if len(events) != 10000 {
		b.Fatalf("%d events", len(events))
	}
	for _, c := range []struct {
		name   string
		export func(io.Writer, *session.State) error
	}{
		{"md", Markdown},
		{"json", func(w io.Writer, _ *session.State) error { return JSON(w, info, events) }},
		{"html", HTML},
		{"csv", CSV},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.export(io.Discard, session.Fold(sessionID, events)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
