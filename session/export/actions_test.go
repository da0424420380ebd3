package export

import (
	"bytes"
	"testing"

	"huddle/session"
)

// A session that carries an action item changed between meetings is a
// version 2 record, and reads back with the change.
func TestAnActionChangedBetweenMeetingsIsAVersion2Record(t *testing.T) {
	info, events := standup()
	c := *events[0].Payload.(*session.Created)
	at := events[0].Time
	c.Actions = []session.Action{{ID: 1, Text: "fix the build", Owner: lukas, Status: session.ActionDone, Session: "earlier",
		Between: []session.ActionChange{{What: session.ChangeDone, By: "Lukas", At: at, Note: "green again"}}}}
	events[0].Payload = &c
	b := mustJSON(t, info, events)
	if !bytes.Contains(b, []byte(`"huddle_record": 2,`)) {
		t.Fatalf("record starts %s", b[:40])
	}
	rec, err := ReadRecord(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if ch, ok := rec.State.Actions[0].Closing(); !ok || ch.Note != "green again" {
		t.Fatalf("read back %+v", rec.State.Actions)
	}
}
