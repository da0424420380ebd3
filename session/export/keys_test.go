package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// keyedStandup is a stand-up whose people joined over SSH: their ids are
// made from their keys, their arrivals name the keys, and the team's
// bindings ride in the created event.
func keyedStandup() (session.Info, []session.Event) {
	const (
		annKey = "SHA256:annAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnnAnn"
		bobKey = "SHA256:bobBobBobBobBobBobBobBobBobBobBobBobBob"
		eveKey = "SHA256:eveEveEveEveEveEveEveEveEveEveEveEveEve" // bound, never came
	)
	ann := session.Person{ID: session.SSHID(annKey), Name: "Ann"}
	bob := session.Person{ID: session.SSHID(bobKey), Name: "Bob"}
	var events []session.Event
	add := func(t time.Time, actor session.ParticipantID, p session.Payload) {
		events = append(events, session.Event{Seq: int64(len(events) + 1), Time: t, Actor: actor, Payload: p})
	}
	add(at(9, 55, 0), ann.ID, &session.Created{
		Config:      session.Config{Team: "musicstore", Kind: session.Standup, Code: code, ScheduledAt: at(10, 0, 0), Timebox: 5 * time.Minute, Turn: 2 * time.Minute, Order: session.OrderJoin},
		Facilitator: ann,
		Roster:      []string{"Bob", "Eve"},
		Bound:       map[string]string{"Ann": annKey, "Bob": bobKey, "Eve": eveKey},
	})
	add(at(9, 56, 0), ann.ID, &session.Arrived{Who: ann, Role: session.Facilitator, Key: annKey})
	add(at(10, 1, 0), bob.ID, &session.Arrived{Who: bob, Role: session.Member, LateBy: time.Minute, Key: bobKey})
	add(at(10, 1, 5), ann.ID, &session.Started{Order: []session.ParticipantID{bob.ID}, TurnBudget: 2 * time.Minute})
	add(at(10, 1, 5), ann.ID, &session.TurnStarted{Speaker: bob.ID, Budget: 2 * time.Minute})
	add(at(10, 2, 0), bob.ID, &session.Parked{Item: 1, Topic: "ssh: keys in CI", RaisedBy: bob, Speaker: bob, Phase: session.Rounds})
	add(at(10, 2, 5), ann.ID, &session.StayChanged{Item: 1, Who: ann, Stay: true})
	add(at(10, 3, 0), ann.ID, &session.TurnEnded{})
	add(at(10, 3, 0), ann.ID, &session.PhaseChanged{To: session.Parking})
	add(at(10, 4, 0), ann.ID, &session.Resolved{Item: 1, Status: session.Decided, Note: "Deploy keys", Present: []string{"Ann", "Bob"}, Absent: []string{"Eve"}})
	add(at(10, 4, 30), ann.ID, &session.Ended{})
	return infoOf(sessionID, events), events
}

func TestRecordWithoutKeysHasNoFingerprintsAndReadsBack(t *testing.T) {
	info, events := keyedStandup()
	var with, without, again bytes.Buffer
	if err := JSONWith(&with, info, events, RecordOptions{Keys: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(with.Bytes(), mustJSON(t, info, events)) {
		t.Fatal("JSONWith with keys differs from JSON")
	}
	if !strings.Contains(with.String(), "SHA256:") || !strings.Contains(with.String(), `"bound"`) {
		t.Fatal("the record with keys lost them")
	}
	if err := JSONWith(&without, info, events, RecordOptions{}); err != nil {
		t.Fatal(err)
	}
	out := without.String()
	for _, leak := range []string{"SHA256", "annAnn", "bobBob", "eveEve", `"bound"`, `"key"`} {
		if strings.Contains(out, leak) {
			t.Errorf("the record without keys holds %q", leak)
		}
	}
	if err := JSONWith(&again, info, events, RecordOptions{}); err != nil || !bytes.Equal(again.Bytes(), without.Bytes()) {
		t.Fatalf("the record without keys is not the same twice (%v)", err)
	}
	// It is still a whole record: it reads back, and says who did what.
	rec, err := ReadRecord(strings.NewReader(out))
	if err != nil {
		t.Fatalf("the record without keys does not read back: %v", err)
	}
	s := session.Fold(rec.Info.ID, rec.Events)
	ann, bob := session.ParticipantID("ssh:key-1"), session.ParticipantID("ssh:key-2")
	if s.Facilitator != ann || rec.Events[0].Actor != ann {
		t.Errorf("the facilitator is %q (actor %q), want %q", s.Facilitator, rec.Events[0].Actor, ann)
	}
	if p, ok := s.Participant(bob); !ok || p.Name != "Bob" || p.Key != "" || p.LateBy != time.Minute {
		t.Errorf("Bob is %+v (%v)", p, ok)
	}
	if len(s.Items) != 1 || s.Items[0].RaisedBy.ID != bob || s.Items[0].Topic != "ssh: keys in CI" || len(s.Items[0].Stay) != 1 || s.Items[0].Stay[0].ID != ann {
		t.Errorf("the parked topic is %+v", s.Items)
	}
	if len(s.Bound) != 0 {
		t.Errorf("the bindings are still there: %v", s.Bound)
	}
	// The minutes say the same as with keys.
	for _, format := range []string{"md", "html", "csv"} {
		var a, b bytes.Buffer
		if err := WriteWith(&a, format, info, events, RecordOptions{Keys: true}); err != nil {
			t.Fatal(err)
		}
		if err := WriteWith(&b, format, info, events, RecordOptions{}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "SHA256") {
			t.Errorf("%s without keys holds a fingerprint", format)
		}
		if format == "md" && a.String() != b.String() {
			t.Errorf("the minutes differ without keys:\n%s\nwant\n%s", b.String(), a.String())
		}
	}
	if err := WriteWith(&bytes.Buffer{}, "pdf", info, events, RecordOptions{}); err == nil {
		t.Error("an unknown format was written")
	}
}

func TestWithoutKeysLeavesTheEventsAlone(t *testing.T) {
	_, events := keyedStandup()
	before := mustJSON(t, infoOf(sessionID, events), events)
	if _, err := WithoutKeys(events); err != nil {
		t.Fatal(err)
	}
	if after := mustJSON(t, infoOf(sessionID, events), events); !bytes.Equal(before, after) {
		t.Fatal("WithoutKeys changed the events it was given")
	}
	if _, err := WithoutKeys([]session.Event{{Seq: 1}}); err == nil {
		t.Fatal("an event without a payload was taken")
	}
}
