package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"huddle/session"
)

// A session in which a member acknowledged what they missed is a version 2
// record that reads back, with the acknowledgement among its events; a
// version 1 record cannot hold it, and a review outcome huddle does not
// know is refused.
func TestAnAcknowledgementIsInTheRecord(t *testing.T) {
	info, all := standup()
	events := append([]session.Event(nil), all[:len(all)-1]...)
	end := all[len(all)-1]
	add := func(actor session.ParticipantID, p session.Payload) {
		events = append(events, session.Event{Seq: int64(len(events) + 1), Time: end.Time, Actor: actor, Payload: p})
	}
	add(lukas.ID, &session.MissedAcknowledged{Who: lukas, Decisions: []string{"team/1", "k7xq2mab/p2"}})
	add(maria.ID, &session.DecisionReviewed{Decision: "team/1", Outcome: session.Confirmed})
	add(maria.ID, &session.Ended{})
	info.Events = int64(len(events))
	b := mustJSON(t, info, events)
	if !bytes.Contains(b, []byte(`"huddle_record": 2,`)) || !bytes.Contains(b, []byte(`"type": "missed-acknowledged"`)) {
		t.Fatalf("record:\n%s", b)
	}
	rec, err := ReadRecord(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	ack, ok := rec.Events[len(events)-3].Payload.(*session.MissedAcknowledged)
	if !ok || ack.Who != lukas || len(ack.Decisions) != 2 {
		t.Fatalf("read back %T %+v", rec.Events[len(events)-3].Payload, rec.Events[len(events)-3].Payload)
	}
	v1 := bytes.Replace(b, []byte(`"huddle_record": 2,`), []byte(`"huddle_record": 1,`), 1)
	if _, err := ReadRecord(bytes.NewReader(v1)); !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "missed-acknowledged, which version 2") {
		t.Fatalf("a version 1 record with an acknowledgement: %v", err)
	}
	bad := bytes.Replace(b, []byte(`"outcome": "confirmed"`), []byte(`"outcome": "maybe"`), 1)
	if _, err := ReadRecord(bytes.NewReader(bad)); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("an unknown review outcome: %v", err)
	}
}
