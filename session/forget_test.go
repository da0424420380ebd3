package session_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/sqlite"
)

// recordLukas stores a stand-up and a retrospective of musicstore in which
// Lukas (a roster member who joined with an SSH key) raised, noted, wrote,
// voted, owned and was present at a decision, and corrections that name
// him, and returns their ids.
func recordLukas(tb testing.TB, st *sqlite.Store) (standup, retro string) {
	tb.Helper()
	ctx := context.Background()
	const key = "SHA256:lukaskey"
	if err := st.PutTeam(ctx, session.Team{Name: "musicstore", Members: []string{"Lukas", "Julia"},
		Keys: map[string]string{"Lukas": key, "Julia": "SHA256:juliakey"}}); err != nil {
		tb.Fatal(err)
	}
	maria := session.Person{ID: fac, Name: "maria"}
	lukas := session.Person{ID: session.RosterID("Lukas"), Name: "Lukas"}
	julia := session.Person{ID: session.RosterID("Julia"), Name: "Julia"}
	store := func(id, code string, kind session.Kind, ps ...session.Payload) {
		at := t0
		if kind == session.Retro {
			at = t0.Add(24 * time.Hour)
		}
		events := make([]session.Event, len(ps))
		for i, p := range ps {
			actor := fac
			if a, ok := p.(*session.Arrived); ok {
				actor = a.Who.ID
			}
			events[i] = session.Event{Seq: int64(i + 1), Time: at.Add(time.Duration(i) * time.Second), Actor: actor, Payload: p}
		}
		info := session.Info{ID: id, Team: "musicstore", Kind: kind, Code: code}
		if err := st.Create(ctx, info, events[0]); err != nil {
			tb.Fatal(err)
		}
		if err := st.Append(ctx, id, events[1:]...); err != nil {
			tb.Fatal(err)
		}
	}
	item := session.Item{ID: 1, Topic: "CI for Lukas", RaisedBy: lukas, Session: "s1", Stay: []session.Person{lukas, julia}, Status: session.Open}
	store("s1", "c1", session.Standup,
		&session.Created{Config: session.Config{Team: "musicstore", Kind: session.Standup, Timebox: time.Minute},
			Facilitator: maria, Roster: []string{"Lukas", "Julia"}, Bound: map[string]string{"Lukas": key}},
		&session.Arrived{Who: lukas, Role: session.Member, LateBy: 2 * time.Minute, Key: key},
		&session.Arrived{Who: julia, Role: session.Member},
		&session.Started{Order: []session.ParticipantID{lukas.ID, julia.ID}, TurnBudget: time.Minute},
		&session.TurnStarted{Speaker: lukas.ID, Budget: time.Minute},
		&session.BlockerNoted{Speaker: lukas, Text: "build red"},
		&session.Parked{Item: 1, Topic: item.Topic, RaisedBy: lukas, Speaker: lukas, Phase: session.Rounds},
		&session.StayChanged{Item: 1, Who: julia, Stay: true},
		&session.ItemEdited{Item: 1, Topic: "CI for Lukas, corrected"},
		&session.BlockerEdited{Blocker: 0, Text: "build red for Lukas"},
		&session.SpeakerMoved{Speaker: lukas.ID, To: 1},
		&session.GuestPromoted{Who: lukas},
		&session.ArrivalUndone{Who: julia},
		&session.Arrived{Who: julia, Role: session.Member},
		&session.Resolved{Item: 1, Status: session.Decided, Note: "Lukas runs them", Present: []string{"maria", "Lukas", "Julia"}},
		&session.MissedAcknowledged{Who: lukas, Decisions: []string{"team/1"}},
		&session.Left{Who: lukas.ID},
		&session.Ended{},
	)
	store("r1", "c2", session.Retro,
		&session.Created{Config: session.Config{Team: "musicstore", Kind: session.Retro, Timebox: time.Minute, Columns: []string{"Keep"}},
			Facilitator: maria, Roster: []string{"Lukas", "Julia"}, Carried: []session.Item{item},
			Actions: []session.Action{{ID: 1, Text: "fix CI", Owner: lukas, Session: "s1"}}},
		&session.Arrived{Who: lukas, Role: session.Member, Key: key},
		&session.CheckedIn{Entry: session.CheckInEntry{Who: "Lukas", Word: "tired"}},
		&session.CardAdded{Card: session.Card{ID: 1, Text: "ask lukas, about Lukasiewicz logic", Author: lukas, Group: 1}},
		&session.Voted{Dot: session.Dot{Voter: string(lukas.ID), Group: 1}},
		&session.Thumbed{Voter: string(lukas.ID), Up: true},
		&session.ReadyChanged{Who: lukas.ID, Ready: true},
		&session.DecisionRecorded{Decision: session.Decision{Topic: 1, Text: "pair up", Present: []string{"Lukas"}, Absent: []string{"Julia"}}},
		&session.ActionAdded{Action: session.Action{ID: 2, Text: "write it down", Owner: julia, Session: "r1"}},
		&session.ActionEdited{Action: 2, Text: "write it down, Lukas", Owner: lukas},
		&session.Handed{To: lukas},
		&session.Ended{},
	)
	return "s1", "r1"
}

func TestForgetPersonPseudonymisesEveryRecord(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	ctx := context.Background()
	s1, r1 := recordLukas(t, st)
	before := map[string]*session.State{}
	for _, id := range []string{s1, r1} {
		events, _ := st.Events(ctx, id)
		before[id] = session.Fold(id, events)
	}

	got, err := session.ForgetPerson(ctx, st, "musicstore", "lukas")
	if err != nil {
		t.Fatal(err)
	}
	if got.Pseudonym != "former member 1" || got.Sessions != 2 || got.Keys != 1 {
		t.Fatalf("forgot %+v", got)
	}
	const pn = "former member 1"
	pid := session.RosterID(pn)

	team, _ := st.Team(ctx, "musicstore")
	if !slices.Equal(team.Members, []string{pn, "Julia"}) || len(team.Keys) != 1 || team.Keys["Julia"] == "" {
		t.Errorf("team %+v", team)
	}
	for _, id := range []string{s1, r1} {
		events, err := st.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			b, _ := session.EncodePayload(e.Payload)
			text := strings.ReplaceAll(strings.ToLower(string(b)+string(e.Actor)), "lukasiewicz", "")
			if strings.Contains(text, "lukas") {
				t.Errorf("%s event %d still names Lukas: %s by %s", id, e.Seq, b, e.Actor)
			}
		}
		s, old := session.Fold(id, events), before[id]
		if len(s.Participants) != len(old.Participants) || s.Phase != old.Phase {
			t.Errorf("%s folds to %d participants in %s, was %d in %s", id, len(s.Participants), s.Phase, len(old.Participants), old.Phase)
		}
		p, ok := s.Participant(pid)
		if !ok || p.Name != pn || p.Key != "" || p.Arrived.IsZero() {
			t.Errorf("%s: the pseudonym's participant %+v, %v", id, p, ok)
		}
	}
	events, _ := st.Events(ctx, s1)
	s := session.Fold(s1, events)
	if s.Blockers[0].Speaker.Name != pn || s.Items[0].RaisedBy.ID != pid || s.Items[0].Note != pn+" runs them" ||
		!slices.Equal(s.Items[0].Present, []string{"maria", pn, "Julia"}) || s.Participants[1].LateBy != 2*time.Minute ||
		s.Order[0] != pid || s.Turns[0].Speaker != pid || s.Bound != nil {
		t.Errorf("the stand-up folds to %+v", s)
	}
	events, _ = st.Events(ctx, r1)
	r := session.Fold(r1, events)
	if r.Cards[0].Author.Name != pn || r.Cards[0].Text != "ask "+pn+", about Lukasiewicz logic" ||
		r.Votes[0].Voter != string(pid) || r.Facilitator != pid || r.CheckIns[0].Who != pn ||
		!slices.Equal(r.Decisions[0].Present, []string{pn}) || r.Actions[0].Owner.ID != pid || r.Actions[1].Owner.Name != pn ||
		r.Items[0].Stay[0].Name != pn {
		t.Errorf("the retrospective folds to %+v", r)
	}

	disk := readAll(t, st.Path(), st.Path()+"-wal")
	disk = bytes.ReplaceAll(bytes.ToLower(disk), []byte("lukasiewicz"), nil)
	for _, b := range []string{"lukas", "lukaskey"} {
		if bytes.Contains(disk, []byte(b)) {
			t.Errorf("%q is still in the database files", b)
		}
	}

	// Someone else forgotten later gets the next number.
	got, err = session.ForgetPerson(ctx, st, "musicstore", "Julia")
	if err != nil || got.Pseudonym != "former member 2" {
		t.Fatalf("forgetting Julia: %+v, %v", got, err)
	}
}

func TestForgetPersonRefuses(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	ctx := context.Background()
	recordLukas(t, st)
	for _, c := range []struct{ team, name string }{{"musicstore", "Nobody"}, {"webshop", "Lukas"}, {"musicstore", ""}} {
		_, err := session.ForgetPerson(ctx, st, c.team, c.name)
		if !errors.Is(err, session.ErrNotFound) && !errors.Is(err, session.ErrInvalid) {
			t.Errorf("forget %q in %q: %v", c.name, c.team, err)
		}
	}
	if events, _ := st.Events(ctx, "s1"); events[1].Payload.(*session.Arrived).Who.Name != "Lukas" {
		t.Error("a refused forget changed the records")
	}
}

func readAll(tb testing.TB, files ...string) []byte {
	tb.Helper()
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			tb.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}
