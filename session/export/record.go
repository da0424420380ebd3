package export

// This file is long (about 520 lines) on purpose: it is every check an
// untrusted JSON record passes on its way in (version, JSON, session,
// events, payload values, its header and its state against its
// events), in the order they run.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"huddle/session"
)

// Limits of ReadRecord. A real session has a few hundred events; the
// limits only stop hostile or broken input from taking all memory.
const (
	// MaxRecordSize bounds the bytes of a record.
	MaxRecordSize = 64 << 20
	// MaxRecordEvents bounds the events of a record.
	MaxRecordEvents = 1_000_000
	// maxIDLen bounds a session id.
	maxIDLen = 64
)

// The limits ReadRecord applies; tests lower them.
var (
	maxSize   = MaxRecordSize
	maxEvents = MaxRecordEvents
)

// ErrVersion is the error of a record without a version, or of a version
// this huddle does not read (a newer one). It comes wrapped together with
// session.ErrInvalid, so that errors.Is finds either.
var ErrVersion = errors.New("unsupported record version")

// Record is a session read back from its JSON record by ReadRecord: every
// part checked against the others.
type Record struct {
	// Version is the record's "huddle_record".
	Version int
	// Info is the record's session: Created is the first event's time,
	// Ended the first Ended event's (zero while unfinished), and Events
	// the number of events.
	Info session.Info
	// Events are the session's events, in order from seq 1.
	Events []session.Event
	// State is the fold of Events, equal to the record's "state".
	State *session.State
}

// ReadRecord reads one JSON record, as JSON writes it, and checks it so
// that it can go into a store: the store and every view of the session
// can trust it as they trust the events a room recorded. It refuses, with
// an error that wraps session.ErrInvalid and says what is wrong:
//
//   - more than MaxRecordSize bytes, malformed JSON, or anything after
//     the record;
//   - no version, or a version other than 1 to RecordVersion (also
//     ErrVersion), naming the record's version and the one it reads;
//   - an unknown field anywhere, in the record or in an event's data;
//   - a session id, team, kind or join code that huddle cannot hold;
//   - no events, more than MaxRecordEvents, or sequence numbers that do
//     not run 1, 2, 3, …;
//   - a first event that is not "created", or a second "created";
//   - an event after the "ended" event;
//   - an event of a type that a later version than the record's added
//     (session.Since);
//   - an unknown event type or data that does not decode as its type
//     (session.DecodePayload), or that is not a JSON object, or a value
//     that no room records and views index by (a negative topic
//     position);
//   - text that session.CleanText would change (terminal escapes, control
//     or invisible characters, untrimmed or overlong text): huddle never
//     records such text, and views trust what is recorded;
//   - a time that is not a record stamp, that a store cannot hold (before
//     1678 or after 2262), or that is earlier than the event before;
//   - metadata that disagrees with the events: team, kind and join code
//     with the "created" event, "created" with its time, "ended" with the
//     time of the "ended" event;
//   - a "state" that differs from the fold of the events;
//   - events that session.State.Apply panics on.
//
// What the record holds shows in the error's text only through
// session.Printable, so that the text is safe to print on a terminal.
func ReadRecord(r io.Reader) (Record, error) {
	rec, err := readRecord(r)
	if err != nil {
		return Record{}, printableError{err}
	}
	return rec, nil
}

// printableError shows an error with session.Printable: a refusal may quote
// what the record holds (a key, a version, a value the JSON decoder
// quotes raw), and whoever imports it reads the refusal on a terminal.
type printableError struct{ err error }

func (e printableError) Error() string { return session.Printable(e.err.Error()) }
func (e printableError) Unwrap() error { return e.err }

func readRecord(r io.Reader) (Record, error) {
	body, err := io.ReadAll(io.LimitReader(r, int64(maxSize)+1))
	if err != nil {
		return Record{}, fmt.Errorf("read record: %w", err)
	}
	if len(body) > maxSize {
		return Record{}, invalid("the record is larger than %d MiB", maxSize>>20)
	}
	version, err := recordVersion(body)
	if err != nil {
		return Record{}, err
	}

	var raw struct {
		Version int              `json:"huddle_record"`
		Session *recordSession   `json:"session"`
		Events  []recordEvent    `json:"events"`
		State   *json.RawMessage `json:"state"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Record{}, jsonError(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Record{}, invalid("there is more after the record, at byte %d", dec.InputOffset())
	}
	if len(raw.Events) > maxEvents {
		return Record{}, invalid("the record has %d events, more than the %d huddle reads", len(raw.Events), maxEvents)
	}
	if raw.Session == nil {
		return Record{}, invalid(`the record has no "session"`)
	}
	info, err := readSession(*raw.Session)
	if err != nil {
		return Record{}, err
	}
	events, err := readEvents(raw.Events)
	if err != nil {
		return Record{}, err
	}
	for _, e := range events {
		if v := session.Since(e.Type()); v > version {
			return Record{}, invalid("event %d is of type %s, which version %d of the record added; the record says version %d", e.Seq, e.Type(), v, version)
		}
	}
	if err := agree(&info, events); err != nil {
		return Record{}, err
	}
	s, err := fold(info.ID, events)
	if err != nil {
		return Record{}, err
	}
	if raw.State != nil {
		if err := sameState(s, *raw.State); err != nil {
			return Record{}, err
		}
	}
	return Record{Version: version, Info: info, Events: events, State: s}, nil
}

// invalid is a refusal of a record.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: not a valid huddle record: %s", session.ErrInvalid, fmt.Sprintf(format, args...))
}

// recordVersion reads the "huddle_record" field alone, so that a newer
// record is refused for its version and not for a field this huddle does
// not know.
func recordVersion(body []byte) (int, error) {
	var head struct {
		Version json.RawMessage `json:"huddle_record"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return 0, jsonError(body, err)
	}
	if len(head.Version) == 0 || string(head.Version) == "null" {
		return 0, fmt.Errorf("%w: %w: not a huddle record: it has no \"huddle_record\" version (this huddle reads versions 1 to %d)",
			session.ErrInvalid, ErrVersion, RecordVersion)
	}
	var v int
	if err := json.Unmarshal(head.Version, &v); err != nil {
		return 0, fmt.Errorf("%w: %w: not a huddle record: its version %s is not a whole number (this huddle reads versions 1 to %d)",
			session.ErrInvalid, ErrVersion, clip(string(head.Version)), RecordVersion)
	}
	switch {
	case v > RecordVersion:
		return 0, fmt.Errorf("%w: %w: the record is version %d, newer than this huddle reads (version %d at most); update huddle to import it",
			session.ErrInvalid, ErrVersion, v, RecordVersion)
	case v < 1:
		return 0, fmt.Errorf("%w: %w: the record's version %d is not a huddle record version (this huddle reads versions 1 to %d)",
			session.ErrInvalid, ErrVersion, v, RecordVersion)
	}
	return v, nil
}

// jsonError says where malformed JSON went wrong.
func jsonError(body []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax) && syntax.Offset >= int64(len(body)):
		return invalid("malformed JSON: the input ends early, at line %d", bytes.Count(body, []byte("\n"))+1)
	case errors.As(err, &syntax):
		line, col := position(body, syntax.Offset)
		return invalid("malformed JSON at line %d, column %d: %v", line, col, err)
	case errors.As(err, &typ):
		line, col := position(body, typ.Offset)
		return invalid("at line %d, column %d: %v", line, col, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("malformed JSON: the input ends early")
	}
	return invalid("%v", err)
}

// position turns a byte offset into a 1-based line and column.
func position(body []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(body)))
	before := body[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// readSession checks the record's "session" and returns it as an Info,
// without Events (set by agree).
func readSession(rs recordSession) (session.Info, error) {
	info := session.Info{ID: rs.ID, Team: rs.Team, Code: rs.Code}
	if !validID(rs.ID) {
		return session.Info{}, invalid("session id %q is not a huddle session id (1 to %d letters, digits, dashes or underscores)", clip(rs.ID), maxIDLen)
	}
	if rs.Team == "" || session.CleanName(rs.Team) != rs.Team {
		return session.Info{}, invalid("team %q is not a team name huddle would record", clip(rs.Team))
	}
	kind, err := session.ParseKind(rs.Kind)
	if err != nil {
		return session.Info{}, invalid("session kind: %v", err)
	}
	info.Kind = kind
	if code, ok := session.ParseJoinCode(rs.Code); !ok || code != rs.Code {
		return session.Info{}, invalid("join code %q is not a huddle join code", clip(rs.Code))
	}
	if info.Created, err = readStamp(rs.Created); err != nil {
		return session.Info{}, invalid("session created: %v", err)
	}
	if rs.Ended != nil {
		if info.Ended, err = readStamp(*rs.Ended); err != nil {
			return session.Info{}, invalid("session ended: %v", err)
		}
	}
	return info, nil
}

func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}

// readStamp reads a record time: RFC 3339 in UTC exactly as stamp writes
// it, and within what a store holds (int64 nanoseconds since 1970).
func readStamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339", clip(s))
	}
	if stamp(t) != s {
		return time.Time{}, fmt.Errorf("time %q is not written as a record writes it (%s)", clip(s), stamp(t))
	}
	if n := t.UnixNano(); !time.Unix(0, n).Equal(t) {
		return time.Time{}, fmt.Errorf("time %s is outside what huddle stores (1678 to 2262)", s)
	}
	return t.UTC(), nil
}

// readEvents decodes and checks the events on their own.
func readEvents(raw []recordEvent) ([]session.Event, error) {
	if len(raw) == 0 {
		return nil, invalid("the record has no events")
	}
	events := make([]session.Event, len(raw))
	var ended int64 // the seq of the Ended event
	for i, re := range raw {
		want := int64(i + 1)
		if re.Seq != want {
			return nil, invalid("the events are not numbered 1, 2, 3, …: event %d has seq %d", want, re.Seq)
		}
		where := fmt.Sprintf("event %d (%s)", re.Seq, clip(re.Type))
		if i == 0 && re.Type != "created" {
			return nil, invalid("the first event is %q, want created", clip(re.Type))
		}
		t, err := readStamp(re.Time)
		if err != nil {
			return nil, invalid("%s: %v", where, err)
		}
		if i > 0 && t.Before(events[i-1].Time) {
			return nil, invalid("%s: time goes backwards, from %s to %s", where, raw[i-1].Time, re.Time)
		}
		if ended > 0 {
			return nil, invalid("%s comes after the session ended (event %d)", where, ended)
		}
		if err := checkText(reflect.ValueOf(re.Actor)); err != nil {
			return nil, invalid("%s: actor: %v", where, err)
		}
		p, err := readPayload(session.EventType(re.Type), re.Data)
		if err != nil {
			return nil, invalid("%s: %v", where, err)
		}
		switch p.(type) {
		case *session.Created:
			if i > 0 {
				return nil, invalid("%s: only the first event may be created", where)
			}
		case *session.Ended:
			ended = re.Seq
		}
		events[i] = session.Event{Seq: re.Seq, Time: t, Actor: session.ParticipantID(re.Actor), Payload: p}
	}
	return events, nil
}

// readPayload decodes an event's data with session.DecodePayload, and
// then again strictly, refusing unknown fields, and checks its text.
func readPayload(t session.EventType, data json.RawMessage) (session.Payload, error) {
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		if _, err := session.DecodePayload(t, []byte("{}")); err != nil {
			return nil, err // the unknown type is the better message
		}
		return nil, fmt.Errorf("the data is not a JSON object")
	}
	p, err := session.DecodePayload(t, data)
	if err != nil {
		return nil, err
	}
	strict := reflect.New(reflect.TypeOf(p).Elem())
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(strict.Interface()); err != nil {
		return nil, fmt.Errorf("data: %v", err)
	}
	if err := checkText(reflect.ValueOf(p)); err != nil {
		return nil, err
	}
	if err := checkValues(p); err != nil {
		return nil, err
	}
	if _, err := session.EncodePayload(p); err != nil {
		return nil, err
	}
	return p, nil
}

// checkValues refuses values that no room records and that views would
// use as an index.
func checkValues(p session.Payload) error {
	switch p := p.(type) {
	case *session.TopicChanged:
		if p.Pos < 0 {
			return fmt.Errorf("the discussion moves to position %d, but positions count from 0", p.Pos)
		}
	case *session.BlockerEdited:
		if p.Blocker < 0 {
			return fmt.Errorf("blocker %d, but positions count from 0", p.Blocker)
		}
	case *session.BlockerDeleted:
		if p.Blocker < 0 {
			return fmt.Errorf("blocker %d, but positions count from 0", p.Blocker)
		}
	case *session.SpeakerMoved:
		if p.To < 0 {
			return fmt.Errorf("the speaker moves to position %d, but positions count from 0", p.To)
		}
	case *session.CardColumnChanged:
		if p.Column < 0 {
			return fmt.Errorf("the card moves to column %d, but columns count from 0", p.Column)
		}
	}
	return nil
}

// checkText walks a value and refuses any string (or map key) that
// session.CleanText would change: a record must not smuggle into the
// store what a room would have cleaned.
func checkText(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkText(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if err := checkText(v.Field(i)); err != nil {
					return err
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := checkText(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if err := checkText(it.Key()); err != nil {
				return err
			}
			if err := checkText(it.Value()); err != nil {
				return err
			}
		}
	case reflect.String:
		if s := v.String(); session.CleanText(s, session.DefaultMaxText) != s {
			return fmt.Errorf("text %q holds what huddle never records (control or invisible characters, "+
				"surrounding or repeated spaces, or more than %d characters)", clip(s), session.DefaultMaxText)
		}
	}
	return nil
}

// agree checks the session's metadata against its events and completes
// info.
func agree(info *session.Info, events []session.Event) error {
	created := events[0].Payload.(*session.Created)
	c := created.Config
	switch {
	case c.Team != info.Team:
		return invalid("the session's team is %q, its created event's %q", clip(info.Team), clip(c.Team))
	case c.Kind != info.Kind:
		return invalid("the session's kind is %s, its created event's %s", info.Kind, c.Kind)
	case c.Code != info.Code:
		return invalid("the session's join code is %q, its created event's %q", clip(info.Code), clip(c.Code))
	case !info.Created.Equal(events[0].Time):
		return invalid("the session was created at %s, its created event at %s", stamp(info.Created), stamp(events[0].Time))
	}
	var ended time.Time
	i := slices.IndexFunc(events, func(e session.Event) bool { return e.Type() == "ended" })
	if i >= 0 {
		ended = events[i].Time
	}
	switch {
	case ended.IsZero() && !info.Ended.IsZero():
		return invalid("the session says it ended at %s, but no event ends it", stamp(info.Ended))
	case !ended.IsZero() && info.Ended.IsZero():
		return invalid("the session says it has not ended, but event %d ends it", i+1)
	case !ended.Equal(info.Ended):
		return invalid("the session says it ended at %s, its ended event at %s", stamp(info.Ended), stamp(ended))
	}
	info.Events = int64(len(events))
	return nil
}

// sameState checks the record's state against the fold of its events: it
// decodes the record's state strictly and compares the two re-encoded.
func sameState(s *session.State, raw json.RawMessage) error {
	want, err := stateOf(s)
	if err != nil {
		return err
	}
	var got recordState
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		return invalid("state: %v", err)
	}
	a, errA := json.Marshal(&got)
	b, errB := json.Marshal(want)
	if err := errors.Join(errA, errB); err != nil {
		return invalid("state: %v", err)
	}
	if bytes.Equal(a, b) {
		return nil
	}
	return invalid("the state differs from the fold of the events in %s", strings.Join(differences(a, b), ", "))
}

// differences names the top-level fields in which two encoded states
// differ.
func differences(a, b []byte) []string {
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
		return []string{"its encoding"}
	}
	var out []string
	for k, v := range mb {
		if !bytes.Equal(ma[k], v) {
			out = append(out, fmt.Sprintf("%q", k))
		}
	}
	for k := range ma {
		if _, ok := mb[k]; !ok {
			out = append(out, fmt.Sprintf("%q", k))
		}
	}
	slices.Sort(out)
	return out
}

// clip shortens what a record holds for an error message; %q then shows
// it safely.
func clip(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
