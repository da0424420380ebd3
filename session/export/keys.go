package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"huddle/session"
)

// RecordOptions say what an export holds besides the session itself.
type RecordOptions struct {
	// Keys keeps the participants' SSH key fingerprints and the team's
	// name-to-key bindings as they are stored. Without it, each key is
	// replaced by a pseudonym of this export's own ("key-1", "key-2", …,
	// in order of first appearance), in participant ids and actors alike,
	// and the key an arrival was made with and the bindings a session was
	// created with are left out: the export still says who did what, but
	// not with which key, and ties nobody to their other sessions.
	Keys bool
}

// WriteWith is Write with options; Write is WriteWith with Keys.
func WriteWith(w io.Writer, format string, info session.Info, events []session.Event, opts RecordOptions) error {
	if !opts.Keys {
		if !slices.Contains(Formats, format) {
			return Write(w, format, info, events) // the error for an unknown format
		}
		var err error
		if events, err = WithoutKeys(events); err != nil {
			return err
		}
	}
	return Write(w, format, info, events)
}

// JSONWith is JSON with options; JSON is JSONWith with Keys.
func JSONWith(w io.Writer, info session.Info, events []session.Event, opts RecordOptions) error {
	if !opts.Keys {
		var err error
		if events, err = WithoutKeys(events); err != nil {
			return err
		}
	}
	return JSON(w, info, events)
}

// sshPrefix is how a participant id made from an SSH key begins (see
// session.SSHID).
const sshPrefix = "ssh:"

// WithoutKeys returns a copy of the events with every SSH key fingerprint
// replaced by a pseudonym and the fields that only hold keys left out, as
// RecordOptions describes. The events are not changed. The copy folds as
// the events do, but for the keys: who arrived, spoke, parked or decided
// what stays the same person under the same pseudonym.
//
// It works on the events' JSON, as a record stores them, so that a field
// added to a payload later is covered as long as it holds a participant
// id or a key another field names. An event without a payload is an
// ErrInvalid error.
func WithoutKeys(events []session.Event) ([]session.Event, error) {
	bodies := make([]any, len(events))
	known := map[string]bool{} // the fingerprints in the events
	note := func(id string) {
		if k, ok := strings.CutPrefix(id, sshPrefix); ok && k != "" {
			known[k] = true
		}
	}
	for i, e := range events {
		if e.Payload == nil {
			return nil, fmt.Errorf("%w: event %d has no payload", session.ErrInvalid, e.Seq)
		}
		note(string(e.Actor))
		switch p := e.Payload.(type) {
		case *session.Arrived:
			if p.Key != "" {
				known[p.Key] = true
			}
			note(string(p.Who.ID))
		case *session.Created:
			for _, k := range p.Bound {
				if k != "" {
					known[k] = true
				}
			}
			note(string(p.Facilitator.ID))
		}
		data, err := session.EncodePayload(e.Payload)
		if err != nil {
			return nil, fmt.Errorf("%w: event %d: %v", session.ErrInvalid, e.Seq, err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // durations and counts stay exact
		if err := dec.Decode(&bodies[i]); err != nil {
			return nil, fmt.Errorf("%w: event %d: %v", session.ErrInvalid, e.Seq, err)
		}
	}
	r := redactor{known: known, names: map[string]string{}}
	out := make([]session.Event, len(events))
	for i, e := range events {
		e.Actor = session.ParticipantID(r.text(string(e.Actor)))
		data, err := json.Marshal(r.value(bodies[i]))
		if err != nil {
			return nil, fmt.Errorf("%w: event %d: %v", session.ErrInvalid, e.Seq, err)
		}
		if e.Payload, err = session.DecodePayload(e.Payload.Type(), data); err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		out[i] = e
	}
	return out, nil
}

// redactor replaces known keys by pseudonyms, numbered as it meets them.
type redactor struct {
	known map[string]bool
	names map[string]string // key → pseudonym
}

func (r *redactor) pseudonym(key string) string {
	name, ok := r.names[key]
	if !ok {
		name = "key-" + strconv.Itoa(len(r.names)+1)
		r.names[key] = name
	}
	return name
}

// text is s with a key, or the participant id made from one, replaced.
func (r *redactor) text(s string) string {
	if k, ok := strings.CutPrefix(s, sshPrefix); ok && r.known[k] {
		return sshPrefix + r.pseudonym(k)
	}
	if r.known[s] {
		return r.pseudonym(s)
	}
	return s
}

// value walks a decoded JSON value, in a fixed order (object members by
// name), replacing keys in strings and member names, and leaving out the
// members that hold keys only: "key" with a key in it, and "bound".
func (r *redactor) value(v any) any {
	switch v := v.(type) {
	case string:
		return r.text(v)
	case []any:
		for i := range v {
			v[i] = r.value(v[i])
		}
		return v
	case map[string]any:
		names := make([]string, 0, len(v))
		for name := range v {
			names = append(names, name)
		}
		slices.Sort(names)
		out := make(map[string]any, len(v))
		for _, name := range names {
			m := v[name]
			if s, ok := m.(string); ok && name == "key" && (r.known[s] || s == "") {
				continue
			}
			if name == "bound" {
				continue
			}
			out[r.text(name)] = r.value(m)
		}
		return out
	}
	return v
}
