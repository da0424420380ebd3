package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// corrected is the stand-up of standup() with corrections before its end:
// a carried topic edited, a blocker edited, a topic parked by mistake and
// deleted.
func corrected() (session.Info, []session.Event) {
	info, all := standup()
	events := all[:len(all)-1]
	end := all[len(all)-1]
	add := func(actor session.ParticipantID, p session.Payload) {
		events = append(events, session.Event{Seq: int64(len(events) + 1), Time: end.Time, Actor: actor, Payload: p})
	}
	add(maria.ID, &session.ItemEdited{Item: 1, Topic: "Flaky login test on the CI"})
	add(lukas.ID, &session.BlockerEdited{Blocker: 0, Text: "App build is red since the backend change"})
	add(maria.ID, &session.Parked{Item: 6, Topic: "Parked by mistake", RaisedBy: maria, Phase: session.Parking})
	add(maria.ID, &session.ItemDeleted{Item: 6})
	add(maria.ID, &session.Ended{})
	info.Events = int64(len(events))
	return info, events
}

func TestACorrectedSessionIsAVersion2Record(t *testing.T) {
	info, events := corrected()
	b := mustJSON(t, info, events)
	if !bytes.Contains(b, []byte(`"huddle_record": 2,`)) {
		t.Fatalf("record starts %s", b[:40])
	}
	rec, err := ReadRecord(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version != 2 || len(rec.Events) != len(events) {
		t.Fatalf("read version %d with %d events", rec.Version, len(rec.Events))
	}
	// A version 1 record cannot hold a correction.
	v1 := bytes.Replace(b, []byte(`"huddle_record": 2,`), []byte(`"huddle_record": 1,`), 1)
	_, err = ReadRecord(bytes.NewReader(v1))
	if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "item-edited, which version 2 of the record added") {
		t.Fatalf("a version 1 record with a correction: %v", err)
	}
}

// The minutes show the corrected session: edited texts as they are now,
// a deleted topic nowhere.
func TestMinutesShowTheCorrectedState(t *testing.T) {
	info, events := corrected()
	s := session.Fold(info.ID, events)
	for _, format := range []string{"md", "html", "csv", "json"} {
		var b bytes.Buffer
		if err := Write(&b, format, info, events); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		out := b.String()
		if format == "json" {
			// The record holds every event, the mistake too; its state
			// is the corrected one.
			continue
		}
		if strings.Contains(out, "Parked by mistake") {
			t.Errorf("%s shows the deleted topic", format)
		}
		if format != "csv" && !strings.Contains(out, "Flaky login test on the CI") {
			t.Errorf("%s lacks the edited topic", format)
		}
		if format != "csv" && (!strings.Contains(out, "since the backend change") || strings.Contains(out, "incompatibly")) {
			t.Errorf("%s does not show the edited blocker alone", format)
		}
		if strings.Contains(out, "Flaky login test\n") || strings.Contains(out, "Flaky login test<") {
			t.Errorf("%s shows the topic's old text", format)
		}
	}
	if len(s.Items) != 5 || s.Blockers[0].Text != "App build is red since the backend change" {
		t.Fatalf("items %+v, blockers %+v", s.Items, s.Blockers)
	}
}

func TestARecordWithANegativePositionIsRefused(t *testing.T) {
	for _, p := range []session.Payload{
		&session.BlockerEdited{Blocker: -1, Text: "x"}, &session.BlockerDeleted{Blocker: -2},
		&session.SpeakerMoved{Speaker: lukas.ID, To: -1},
	} {
		info, all := standup()
		events := append(all[:len(all)-1:len(all)-1], session.Event{Seq: int64(len(all)), Time: all[len(all)-1].Time, Actor: maria.ID, Payload: p})
		info.Ended = time.Time{}
		info.Events = int64(len(events))
		b := mustJSON(t, info, events)
		if _, err := ReadRecord(bytes.NewReader(b)); !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "count from 0") {
			t.Fatalf("%s: %v", p.Type(), err)
		}
	}
}
