// Package stored is what huddle's stores (session/sqlite and
// session/postgres) share that does not depend on their database: the
// checks of a new session's first event, and an event as the columns of
// a row.
package stored

import (
	"encoding/json"
	"fmt"
	"time"

	"huddle/session"
)

// Row is an event as stored: its columns.
type Row struct {
	Seq, Time int64 // Time in Unix nanoseconds
	Actor     string
	Type      string
	Data      []byte
}

// Nanos returns t as Unix nanoseconds, and whether that is exactly t.
func Nanos(t time.Time) (int64, bool) {
	n := t.UnixNano()
	return n, time.Unix(0, n).Equal(t)
}

// Encode is a session's event as a row, or an ErrInvalid error.
func Encode(e session.Event) (Row, error) {
	if e.Payload == nil {
		return Row{}, fmt.Errorf("%w: event %d has no payload", session.ErrInvalid, e.Seq)
	}
	t, ok := Nanos(e.Time)
	if !ok {
		return Row{}, fmt.Errorf("%w: event %d: time %v cannot be stored", session.ErrInvalid, e.Seq, e.Time)
	}
	data, err := session.EncodePayload(e.Payload)
	if err != nil {
		return Row{}, fmt.Errorf("%w: event %d: %v", session.ErrInvalid, e.Seq, err)
	}
	return Row{Seq: e.Seq, Time: t, Actor: string(e.Actor), Type: string(e.Type()), Data: data}, nil
}

// EncodeTeamLog is a team log's events as rows: they must be contiguous
// (else ErrConflict) and storable (else ErrInvalid).
func EncodeTeamLog(events []session.TeamEvent) ([]Row, error) {
	rows := make([]Row, len(events))
	for i, e := range events {
		if i > 0 && e.Seq != events[0].Seq+int64(i) {
			return nil, fmt.Errorf("%w: events not contiguous", session.ErrConflict)
		}
		if e.Payload == nil {
			return nil, fmt.Errorf("%w: event %d has no payload", session.ErrInvalid, e.Seq)
		}
		t, ok := Nanos(e.Time)
		if !ok {
			return nil, fmt.Errorf("%w: event %d: time %v cannot be stored", session.ErrInvalid, e.Seq, e.Time)
		}
		data, err := json.Marshal(e.Payload)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", session.ErrInvalid, err)
		}
		rows[i] = Row{Seq: e.Seq, Time: t, Actor: string(e.Actor), Type: string(e.Type()), Data: data}
	}
	return rows, nil
}

// CheckCreate checks a new session's info against its first event (Seq
// 1, the Created payload of the same team and kind, at info.Created),
// filling info.Created from the event when it is zero.
func CheckCreate(info *session.Info, first session.Event) error {
	switch {
	case info.ID == "":
		return fmt.Errorf("%w: empty session id", session.ErrInvalid)
	case info.Code == "":
		return fmt.Errorf("%w: session %q: empty join code", session.ErrInvalid, info.ID)
	case info.Team == "":
		return fmt.Errorf("%w: session %q: empty team", session.ErrInvalid, info.ID)
	}
	if _, err := session.ParseKind(info.Kind.String()); err != nil {
		return fmt.Errorf("session %q: %w", info.ID, err)
	}
	if first.Seq != 1 {
		return fmt.Errorf("%w: session %q: the first event has seq %d, want 1", session.ErrInvalid, info.ID, first.Seq)
	}
	created, ok := first.Payload.(*session.Created)
	if !ok || created == nil {
		return fmt.Errorf("%w: session %q: the first event is %s, want %s",
			session.ErrInvalid, info.ID, typeName(first.Payload), (&session.Created{}).Type())
	}
	if created.Config.Team != info.Team || created.Config.Kind != info.Kind {
		return fmt.Errorf("%w: session %q: info says %s of team %q, the created event %s of team %q",
			session.ErrInvalid, info.ID, info.Kind, info.Team, created.Config.Kind, created.Config.Team)
	}
	if info.Created.IsZero() {
		info.Created = first.Time
	} else if !info.Created.Equal(first.Time) {
		return fmt.Errorf("%w: session %q: info says created at %v, the created event at %v",
			session.ErrInvalid, info.ID, info.Created, first.Time)
	}
	return nil
}

func typeName(p session.Payload) string {
	if p == nil {
		return "no payload"
	}
	return string(p.Type())
}

// TeamColumns are a team's JSON columns as stored.
type TeamColumns struct {
	Members, Agreements, Keys, Owners, Schedules []byte
}

// DecodeTeam fills t from its JSON columns; t.Name and t.Updated are
// read already (a stored schedule names its from day: the time it is read
// at does not change it, t.Updated is its reference).
func DecodeTeam(t *session.Team, c TeamColumns) error {
	var specs map[string]string
	if err := json.Unmarshal(c.Schedules, &specs); err != nil {
		return fmt.Errorf("team %q: schedules: %w", t.Name, err)
	}
	for k, spec := range specs {
		kind, err := session.ParseKind(k)
		if err != nil {
			return fmt.Errorf("team %q: schedules: %w", t.Name, err)
		}
		sc, err := session.ParseSchedule(spec, t.Updated)
		if err != nil {
			return fmt.Errorf("team %q: schedules: %w", t.Name, err)
		}
		if t.Schedules == nil {
			t.Schedules = map[session.Kind]session.Schedule{}
		}
		t.Schedules[kind] = sc
	}
	if err := json.Unmarshal(c.Keys, &t.Keys); err != nil {
		return fmt.Errorf("team %q: keys: %w", t.Name, err)
	}
	if len(t.Keys) == 0 {
		t.Keys = nil
	}
	if err := json.Unmarshal(c.Owners, &t.Owners); err != nil {
		return fmt.Errorf("team %q: owners: %w", t.Name, err)
	}
	if len(t.Owners) == 0 {
		t.Owners = nil
	}
	if err := json.Unmarshal(c.Members, &t.Members); err != nil {
		return fmt.Errorf("team %q: members: %w", t.Name, err)
	}
	if err := json.Unmarshal(c.Agreements, &t.Agreements); err != nil {
		return fmt.Errorf("team %q: agreements: %w", t.Name, err)
	}
	return nil
}
