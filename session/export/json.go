package export

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"huddle/session"
)

// RecordVersion is the version of the record format that JSON writes, in
// its "huddle_record" field. A change that an existing reader could
// misread gets a new version.
const RecordVersion = 1

// record is a session as JSON writes it.
type record struct {
	Version int           `json:"huddle_record"`
	Session recordSession `json:"session"`
	Events  []recordEvent `json:"events"`
}

type recordSession struct {
	ID      string       `json:"id"`
	Team    string       `json:"team"`
	Kind    session.Kind `json:"kind"`
	Code    string       `json:"code"`
	Created string       `json:"created"`
	Ended   *string      `json:"ended"` // null while unfinished
}

type recordEvent struct {
	Seq   int64                 `json:"seq"`
	Time  string                `json:"time"`
	Actor session.ParticipantID `json:"actor"`
	Type  session.EventType     `json:"type"`
	Data  json.RawMessage       `json:"data"`
}

// JSON writes a session's record: its info and every event, in the order
// given, as one JSON object indented by two spaces and ending with a line
// feed:
//
//	{
//	  "huddle_record": 1,
//	  "session": {"id", "team", "kind", "code", "created", "ended"},
//	  "events": [{"seq", "time", "actor", "type", "data"}, ...]
//	}
//
// Times are RFC 3339 in UTC with as many fractional digits as they need;
// "ended" is null for an unfinished session. An event's "type" and "data"
// are what session.EncodePayload stores, so session.DecodePayload reads
// them back and a fold of the decoded events is the session's state. The
// same input gives byte-identical output.
//
// An event without a payload is an ErrInvalid error and nothing is
// written; otherwise JSON returns the writer's first error.
func JSON(w io.Writer, info session.Info, events []session.Event) error {
	rec := record{
		Version: RecordVersion,
		Session: recordSession{
			ID: info.ID, Team: info.Team, Kind: info.Kind, Code: info.Code,
			Created: stamp(info.Created),
		},
		Events: make([]recordEvent, 0, len(events)),
	}
	if !info.Ended.IsZero() {
		ended := stamp(info.Ended)
		rec.Session.Ended = &ended
	}
	for _, e := range events {
		if e.Payload == nil {
			return fmt.Errorf("%w: event %d has no payload", session.ErrInvalid, e.Seq)
		}
		data, err := session.EncodePayload(e.Payload)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		rec.Events = append(rec.Events, recordEvent{
			Seq: e.Seq, Time: stamp(e.Time), Actor: e.Actor, Type: e.Type(), Data: data,
		})
	}
	out := &writer{w: w}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rec); err != nil && out.err == nil {
		return fmt.Errorf("encode record: %w", err)
	}
	return out.err
}

// stamp formats a time for a record: RFC 3339 in UTC, nanoseconds when
// there are any.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
