package notify_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/sqlite"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC // the texts show local times
	os.Exit(m.Run())
}

var (
	maria  = session.Person{ID: "local:maria", Name: "Maria"}
	lukas  = session.Person{ID: session.RosterID("Lukas"), Name: "Lukas"}
	julia  = session.Person{ID: session.RosterID("Julia"), Name: "Julia"}
	zed    = session.Person{ID: session.RosterID("Zed"), Name: "Zed"}
	jorg   = "Jörg"
	monday = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
)

func at(min int) time.Time { return monday.Add(time.Duration(min) * time.Minute) }

// recorder collects events with contiguous sequence numbers.
type recorder struct{ events []session.Event }

func (r *recorder) add(t time.Time, actor session.ParticipantID, p session.Payload) {
	r.events = append(r.events, session.Event{Seq: int64(len(r.events) + 1), Time: t, Actor: actor, Payload: p})
}

// standup is a stand-up of musicstore: Lukas a minute late with a
// blocker, Jörg absent, ended after 3 minutes of 5.
func standup() []session.Event {
	r := &recorder{}
	r.add(at(0), maria.ID, &session.Created{
		Config:      session.Config{Team: "musicstore", Code: "STAND1", ScheduledAt: at(0), Timebox: 5 * time.Minute},
		Facilitator: maria, Roster: []string{"Lukas", jorg},
	})
	r.add(at(1), maria.ID, &session.Arrived{Who: lukas, LateBy: time.Minute})
	r.add(at(1), maria.ID, &session.Started{Order: []session.ParticipantID{lukas.ID}, TurnBudget: 5 * time.Minute})
	r.add(at(1), maria.ID, &session.TurnStarted{Speaker: lukas.ID, Budget: 5 * time.Minute})
	r.add(at(3), maria.ID, &session.BlockerNoted{Speaker: lukas, Text: "*waiting* on @julia for #42"})
	r.add(at(4), maria.ID, &session.Ended{})
	return r.events
}

// retro is a retrospective of musicstore; anonymous, its cards have
// salted hashes for authors. Zed writes a card and owns nothing; Julia
// owns the action item.
func retro(anonymous bool) []session.Event {
	r := &recorder{}
	r.add(at(0), maria.ID, &session.Created{
		Config: session.Config{Team: "musicstore", Kind: session.Retro, Code: "RETRO1", Timebox: 45 * time.Minute,
			Format: session.StartStopContinue, Columns: []string{"Start", "Stop", "Continue"}, VoteBudget: 3, Anonymous: anonymous},
		Facilitator: maria, Roster: []string{"Julia", "Zed", jorg},
		Actions: []session.Action{{ID: 1, Text: "Earlier item", Owner: maria, Session: "s0"}},
	})
	r.add(at(0), julia.ID, &session.Arrived{Who: julia, Role: session.Member})
	r.add(at(0), zed.ID, &session.Arrived{Who: zed, Role: session.Member})
	r.add(at(1), maria.ID, &session.PhaseChanged{To: session.Write})
	card := session.Card{ID: 2, Column: 1, Text: "A secret complaint", Group: 2}
	if anonymous {
		card.AuthorHash = "0123456789abcdef01234567"
	} else {
		card.Author = zed
	}
	r.add(at(2), zed.ID, &session.CardAdded{Card: card})
	r.add(at(10), maria.ID, &session.PhaseChanged{To: session.Discuss})
	r.add(at(12), maria.ID, &session.DecisionRecorded{Decision: session.Decision{
		Topic: 2, Text: "One approval is enough", At: at(12), Present: []string{"Maria", "Julia", "Zed"}, Absent: []string{jorg},
	}})
	r.add(at(13), julia.ID, &session.ActionAdded{Action: session.Action{
		ID: 2, Text: "Change the branch rule", Owner: julia, Due: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Topic: 2, Session: "r1",
	}})
	r.add(at(20), maria.ID, &session.Ended{})
	return r.events
}

// mustStore opens a store in a temporary directory.
func mustStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(filepath.Join(tb.TempDir(), "huddle.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// mustSave stores a session's events under id.
func mustSave(tb testing.TB, st session.Store, id string, events []session.Event) session.Info {
	tb.Helper()
	created := events[0].Payload.(*session.Created)
	info := session.Info{ID: id, Team: created.Config.Team, Kind: created.Config.Kind, Code: created.Config.Code + "-" + id}
	ctx := context.Background()
	if err := st.Create(ctx, info, events[0]); err != nil {
		tb.Fatal(err)
	}
	if err := st.Append(ctx, id, events[1:]...); err != nil {
		tb.Fatal(err)
	}
	info.Created = events[0].Time
	return info
}
