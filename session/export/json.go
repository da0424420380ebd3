package export

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"huddle/session"
)

// RecordVersion is the newest version of the record format, the one
// ReadRecord reads at most. JSON writes, in its "huddle_record" field, the
// lowest version that holds the session's events (session.Since): a
// session without corrections is still a version 1 record, which older
// huddles read. Readers refuse unknown fields, so any change to the shape
// of a record, even an added field, gets a new version; docs/record.md
// describes every version.
const RecordVersion = 2

// versionOf is the lowest record version that holds the events: 2 for
// a correction (session.Since) or for what the decision log added to the
// created event (prepared updates, excused members, decisions to review,
// a retrospective opened for collecting, action items changed between
// meetings), else 1.
func versionOf(events []session.Event) int {
	v := 1
	for _, e := range events {
		if e.Payload != nil {
			v = max(v, session.Since(e.Type()))
		}
	}
	if len(events) > 0 {
		if c, ok := events[0].Payload.(*session.Created); ok && (len(c.Prepared) > 0 || len(c.Excused) > 0 || len(c.Review) > 0 || c.Config.Collect ||
			slices.ContainsFunc(c.Actions, func(a session.Action) bool { return len(a.Between) > 0 })) {
			v = max(v, 2)
		}
	}
	return v
}

// record is a session as JSON writes it. docs/record.md documents every
// field; keep the two in step.
type record struct {
	Version int           `json:"huddle_record"`
	Session recordSession `json:"session"`
	Events  []recordEvent `json:"events"`
	// State is the fold of the events. It is always written; a record
	// without it (from a development build before it existed) is read by
	// folding the events.
	State *recordState `json:"state,omitempty"`
}

type recordSession struct {
	ID      string  `json:"id"`
	Team    string  `json:"team"`
	Kind    string  `json:"kind"`
	Code    string  `json:"code"`
	Created string  `json:"created"`
	Ended   *string `json:"ended"` // null while unfinished
}

type recordEvent struct {
	Seq   int64           `json:"seq"`
	Time  string          `json:"time"`
	Actor string          `json:"actor"`
	Type  string          `json:"type"`
	Data  json.RawMessage `json:"data"`
}

// recordState is a session.State as a record holds it: every field of the
// fold, under names and in shapes that do not change when State's Go
// representation does, plus two derived conveniences (each participant's
// "absent" and the vote "tally"). Times are record stamps, "" (left out)
// when zero; durations are nanoseconds. Lists are never null.
type recordState struct {
	Seq          int64                   `json:"seq"`
	Phase        session.Phase           `json:"phase"`
	Config       session.Config          `json:"config"`
	Facilitator  session.ParticipantID   `json:"facilitator"`
	Created      string                  `json:"created,omitempty"`
	Started      string                  `json:"started,omitempty"`
	RoundsEnded  string                  `json:"rounds_ended,omitempty"`
	Ended        string                  `json:"ended,omitempty"`
	Paused       bool                    `json:"paused"`
	PauseReason  string                  `json:"pause_reason,omitempty"`
	Overall      stateTimer              `json:"overall"`
	Participants []stateParticipant      `json:"participants"`
	Bound        map[string]string       `json:"bound,omitempty"`
	Knocking     []session.Knock         `json:"knocking,omitempty"`
	Barred       []string                `json:"barred,omitempty"`
	Order        []session.ParticipantID `json:"order"`
	Pos          int                     `json:"pos"`
	TurnBudget   time.Duration           `json:"turn_budget"`
	Turns        []stateTurn             `json:"turns"`
	Blockers     []stateBlocker          `json:"blockers"`
	Items        []session.Item          `json:"items"`
	Actions      []session.Action        `json:"actions"`
	Prepared     []session.Prepared      `json:"prepared,omitempty"`
	Review       []session.LogEntry      `json:"review,omitempty"`

	// Retrospectives.
	PhaseTimer stateTimer              `json:"phase_timer"`
	Ready      []session.ParticipantID `json:"ready"`
	Revealed   bool                    `json:"revealed"`
	CheckIns   []session.CheckInEntry  `json:"check_ins"`
	Cards      []session.Card          `json:"cards"`
	GroupNames []stateGroupName        `json:"group_names"`
	Moves      []session.Move          `json:"moves"`
	Votes      []session.Dot           `json:"votes"`
	Tally      []stateTally            `json:"tally"`
	Topics     []int                   `json:"topics"`
	TopicPos   int                     `json:"topic_pos"`
	Thumbs     map[string]bool         `json:"thumbs,omitempty"`
	Notes      []session.Note          `json:"notes"`
	Decisions  []session.Decision      `json:"decisions"`
	Rotis      []session.RotiEntry     `json:"rotis"`
}

type stateTimer struct {
	Budget  time.Duration `json:"budget"`
	Used    time.Duration `json:"used"`
	Since   string        `json:"since,omitempty"`
	Expired bool          `json:"expired"`
}

type stateParticipant struct {
	ID         session.ParticipantID `json:"id"`
	Name       string                `json:"name"`
	Role       session.Role          `json:"role"`
	Expected   bool                  `json:"expected"`
	Present    bool                  `json:"present"`
	Absent     bool                  `json:"absent"`
	Arrived    string                `json:"arrived,omitempty"`
	ArrivalSeq int64                 `json:"arrival_seq,omitempty"`
	LateBy     time.Duration         `json:"late_by"`
	Key        string                `json:"key,omitempty"`
	AwaySince  string                `json:"away_since,omitempty"`
	Removed    bool                  `json:"removed,omitempty"`
	Excused    bool                  `json:"excused,omitempty"`
}

type stateTurn struct {
	Speaker session.ParticipantID `json:"speaker"`
	Started string                `json:"started,omitempty"`
	Ended   string                `json:"ended,omitempty"`
	Skipped bool                  `json:"skipped"`
	Timer   stateTimer            `json:"timer"`
}

type stateBlocker struct {
	Speaker session.Person        `json:"speaker"`
	Text    string                `json:"text"`
	NotedBy session.ParticipantID `json:"noted_by"`
	At      string                `json:"at,omitempty"`
}

type stateGroupName struct {
	Group int    `json:"group"`
	Name  string `json:"name"`
}

type stateTally struct {
	Group int    `json:"group"`
	Name  string `json:"name,omitempty"`
	Cards int    `json:"cards"`
	Votes int    `json:"votes"`
}

// JSON writes a session's record: its metadata, every event in the order
// given, and the state they fold to, as one JSON object indented by two
// spaces and ending with a line feed:
//
//	{
//	  "huddle_record": 1,
//	  "session": {"id", "team", "kind", "code", "created", "ended"},
//	  "events": [{"seq", "time", "actor", "type", "data"}, ...],
//	  "state": {"seq", "phase", "config", "participants", ...}
//	}
//
// docs/record.md documents every field. Times are RFC 3339 in UTC with as
// many fractional digits as they need. An event's "type" and "data" are
// what session.EncodePayload stores, so session.DecodePayload reads them
// back; "state" is the fold of the events (session.Fold), which ReadRecord
// checks. The same input gives byte-identical output.
//
// The session's id, team, kind and code come from info. Its "created" and
// "ended" come from the events (the first event's time and the first
// Ended event's time, null if there is none), as the store derives them,
// so a record is consistent even if the session ended between reading
// info and reading the events.
//
// An event without a payload, or events whose fold fails, is an ErrInvalid
// error and nothing is written; otherwise JSON returns the writer's first
// error.
func JSON(w io.Writer, info session.Info, events []session.Event) error {
	rec, err := newRecord(info, events)
	if err != nil {
		return err
	}
	out := &writer{w: w}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rec); err != nil && out.err == nil {
		return fmt.Errorf("encode record: %w", err)
	}
	return out.err
}

// newRecord builds the record of a session.
func newRecord(info session.Info, events []session.Event) (*record, error) {
	rec := &record{
		Version: versionOf(events),
		Session: recordSession{
			ID: info.ID, Team: info.Team, Kind: info.Kind.String(), Code: info.Code,
			Created: stamp(info.Created),
		},
		Events: make([]recordEvent, 0, len(events)),
	}
	if len(events) > 0 {
		rec.Session.Created = stamp(events[0].Time)
	}
	for _, e := range events {
		if e.Payload == nil {
			return nil, fmt.Errorf("%w: event %d has no payload", session.ErrInvalid, e.Seq)
		}
		data, err := session.EncodePayload(e.Payload)
		if err != nil {
			return nil, fmt.Errorf("%w: event %d: %v", session.ErrInvalid, e.Seq, err)
		}
		if _, ok := e.Payload.(*session.Ended); ok && rec.Session.Ended == nil {
			ended := stamp(e.Time)
			rec.Session.Ended = &ended
		}
		rec.Events = append(rec.Events, recordEvent{
			Seq: e.Seq, Time: stamp(e.Time), Actor: string(e.Actor), Type: string(e.Type()), Data: data,
		})
	}
	s, err := fold(info.ID, events)
	if err != nil {
		return nil, err
	}
	if rec.State, err = stateOf(s); err != nil {
		return nil, err
	}
	return rec, nil
}

// fold is session.Fold that reports a panic of session.State.Apply as an
// ErrInvalid error naming the event, rather than crashing: a record may
// come from anywhere.
func fold(id string, events []session.Event) (*session.State, error) {
	s := &session.State{ID: id}
	for _, e := range events {
		if err := apply(s, e); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func apply(s *session.State, e session.Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: event %d (%s) cannot be folded into the session: %v", session.ErrInvalid, e.Seq, e.Type(), r)
		}
	}()
	s.Apply(e)
	return nil
}

// stateOf converts a fold into its record form. It reads the state through
// its fields only, under recover, so that a state made of hostile events
// cannot crash it.
func stateOf(s *session.State) (rs *recordState, err error) {
	defer func() {
		if r := recover(); r != nil {
			rs, err = nil, fmt.Errorf("%w: the session's state cannot be recorded: %v", session.ErrInvalid, r)
		}
	}()
	rs = &recordState{
		Seq: s.Seq, Phase: s.Phase, Config: s.Config, Facilitator: s.Facilitator,
		Created: optStamp(s.Created), Started: optStamp(s.Started),
		RoundsEnded: optStamp(s.RoundsEnded), Ended: optStamp(s.Ended),
		Paused: s.Paused, PauseReason: s.PauseReason, Overall: timerOf(s.Overall),
		Participants: make([]stateParticipant, 0, len(s.Participants)),
		Bound:        s.Bound,
		Order:        orEmpty(s.Order),
		Pos:          s.Pos, TurnBudget: s.TurnBudget,
		Turns:      make([]stateTurn, 0, len(s.Turns)),
		Blockers:   make([]stateBlocker, 0, len(s.Blockers)),
		Items:      orEmpty(s.Items),
		Actions:    orEmpty(s.Actions),
		Prepared:   s.Prepared,
		Review:     s.Review,
		PhaseTimer: timerOf(s.PhaseTimer),
		Ready:      make([]session.ParticipantID, 0, len(s.Ready)),
		Revealed:   s.Revealed,
		CheckIns:   orEmpty(s.CheckIns),
		Cards:      orEmpty(s.Cards),
		GroupNames: make([]stateGroupName, 0, len(s.GroupNames)),
		Moves:      orEmpty(s.Moves),
		Votes:      orEmpty(s.Votes),
		Tally:      tally(s),
		Topics:     orEmpty(s.Topics),
		TopicPos:   s.TopicPos,
		Thumbs:     s.Thumbs,
		Notes:      orEmpty(s.Notes),
		Decisions:  orEmpty(s.Decisions),
		Rotis:      orEmpty(s.Rotis),
	}
	absent := map[session.ParticipantID]bool{}
	for _, p := range s.Absent() {
		absent[p.ID] = true
	}
	for _, p := range s.Participants {
		rs.Participants = append(rs.Participants, stateParticipant{
			ID: p.ID, Name: p.Name, Role: p.Role, Expected: p.Expected, Present: p.Present,
			Absent: absent[p.ID], Arrived: optStamp(p.Arrived), ArrivalSeq: p.ArrivalSeq,
			LateBy: p.LateBy, Key: p.Key, AwaySince: optStamp(p.AwaySince), Removed: p.Removed,
			Excused: p.Excused,
		})
	}
	for _, t := range s.Turns {
		rs.Turns = append(rs.Turns, stateTurn{
			Speaker: t.Speaker, Started: optStamp(t.Started), Ended: optStamp(t.Ended),
			Skipped: t.Skipped, Timer: timerOf(t.Timer),
		})
	}
	for _, b := range s.Blockers {
		rs.Blockers = append(rs.Blockers, stateBlocker{Speaker: b.Speaker, Text: b.Text, NotedBy: b.NotedBy, At: optStamp(b.At)})
	}
	for id, ready := range s.Ready {
		if ready {
			rs.Ready = append(rs.Ready, id)
		}
	}
	slices.Sort(rs.Ready)
	for g, name := range s.GroupNames {
		rs.GroupNames = append(rs.GroupNames, stateGroupName{Group: g, Name: name})
	}
	slices.SortFunc(rs.GroupNames, func(a, b stateGroupName) int { return cmp.Compare(a.Group, b.Group) })
	if len(rs.Bound) == 0 {
		rs.Bound = nil
	}
	if len(s.Knocking) > 0 {
		rs.Knocking = s.Knocking
	}
	for key, barred := range s.Barred {
		if barred {
			rs.Barred = append(rs.Barred, key)
		}
	}
	slices.Sort(rs.Barred)
	if len(rs.Thumbs) == 0 {
		rs.Thumbs = nil
	}
	return rs, nil
}

// tally counts cards and dots per topic on the board (the groups that hold
// cards), in board order as session.State.GroupIDs gives it, named as
// the topic was named. It takes linear time, whatever the input.
func tally(s *session.State) []stateTally {
	out := []stateTally{}
	at := map[int]int{} // group → index in out
	for _, c := range s.Cards {
		i, ok := at[c.Group]
		if !ok {
			i = len(out)
			at[c.Group] = i
			out = append(out, stateTally{Group: c.Group, Name: s.GroupNames[c.Group]})
		}
		out[i].Cards++
	}
	for _, v := range s.Votes {
		if i, ok := at[v.Group]; ok {
			out[i].Votes++
		}
	}
	return out
}

func timerOf(t session.Timer) stateTimer {
	return stateTimer{Budget: t.Budget, Used: t.Used, Since: optStamp(t.Since), Expired: t.Expired}
}

// orEmpty makes a nil slice an empty one, so that it is written as [].
func orEmpty[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

// stamp formats a time for a record: RFC 3339 in UTC, nanoseconds when
// there are any.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// optStamp is stamp, or "" for the zero time.
func optStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return stamp(t)
}
