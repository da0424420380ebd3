package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"huddle/session"
)

// DecisionsVersion is the version of the decision log's JSON document.
// Version 2 added an entry's reviewed (the last retrospective review).
const DecisionsVersion = 2

// decisionLog is the decision log as JSON: the entries as computed, and
// the team's log they were computed from (with the team's sessions), so
// that another huddle can import the team log.
type decisionLog struct {
	Version   int                `json:"huddle_decisions"`
	Team      string             `json:"team"`
	Decisions []session.LogEntry `json:"decisions"`
	Log       []teamLogEvent     `json:"team_log"`
}

// teamLogEvent is a team log event as a record holds it.
type teamLogEvent struct {
	Seq   int64           `json:"seq"`
	Time  string          `json:"time"`
	Actor string          `json:"actor"`
	Type  string          `json:"type"`
	Data  json.RawMessage `json:"data"`
}

// WriteDecisions writes a team's decision log in the format (md, json or
// csv). roster is the team's roster now: the entries say who of it has
// not seen each decision yet. log is the team's log, which the JSON form
// carries whole.
func WriteDecisions(w io.Writer, format, team string, roster []string, entries []session.LogEntry, log []session.TeamEvent) error {
	switch format {
	case "md", "markdown", "":
		return decisionsMarkdown(w, team, roster, entries)
	case "json":
		doc := decisionLog{Version: DecisionsVersion, Team: team, Decisions: entries, Log: []teamLogEvent{}}
		if doc.Decisions == nil {
			doc.Decisions = []session.LogEntry{}
		}
		for _, e := range log {
			data, err := json.Marshal(e.Payload)
			if err != nil {
				return err
			}
			doc.Log = append(doc.Log, teamLogEvent{Seq: e.Seq, Time: stamp(e.Time), Actor: string(e.Actor), Type: string(e.Type()), Data: data})
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
		_, err := w.Write(b.Bytes())
		return err
	case "csv":
		return decisionsCSV(w, roster, entries)
	}
	return fmt.Errorf("%w: unknown format %q for decisions; use md, json or csv", session.ErrInvalid, session.Printable(session.CleanName(format)))
}

// ReadTeamLog reads the team log out of a decision log's JSON document
// (as WriteDecisions writes it): the team's name and its events, checked
// with session.ValidateTeamLog.
func ReadTeamLog(r io.Reader) (string, []session.TeamEvent, error) {
	var doc decisionLog
	dec := json.NewDecoder(io.LimitReader(r, MaxRecordSize))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return "", nil, fmt.Errorf("%w: not a decision log: %s", session.ErrInvalid, session.Printable(err.Error()))
	}
	if doc.Version < 1 || doc.Version > DecisionsVersion {
		return "", nil, fmt.Errorf("%w: huddle_decisions %d: this huddle reads version %d", session.ErrInvalid, doc.Version, DecisionsVersion)
	}
	if doc.Team == "" || session.CleanName(doc.Team) != doc.Team {
		return "", nil, fmt.Errorf("%w: team %q is not a team name huddle would record", session.ErrInvalid, session.Printable(doc.Team))
	}
	events := make([]session.TeamEvent, len(doc.Log))
	for i, e := range doc.Log {
		t, err := time.Parse(time.RFC3339Nano, e.Time)
		if err != nil || stamp(t) != e.Time {
			return "", nil, fmt.Errorf("%w: team log event %d: time %q is not an RFC 3339 UTC time", session.ErrInvalid, i+1, session.Printable(e.Time))
		}
		p, err := session.DecodeTeamPayload(session.EventType(e.Type), e.Data)
		if err != nil {
			return "", nil, fmt.Errorf("team log event %d: %w", i+1, err)
		}
		events[i] = session.TeamEvent{Seq: e.Seq, Time: t, Actor: session.ParticipantID(e.Actor), Payload: p}
	}
	if err := session.ValidateTeamLog(events); err != nil {
		return "", nil, err
	}
	return doc.Team, events, nil
}

func decisionsMarkdown(w io.Writer, team string, roster []string, entries []session.LogEntry) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Decisions of %s\n\n", md(team))
	if len(entries) == 0 {
		fmt.Fprintln(bw, "No decisions yet.")
	}
	for _, e := range entries {
		fmt.Fprintf(bw, "## %s · %s\n\n%s\n\n", e.At.Local().Format("Mon 2 Jan 2006 15:04"), sourceText(e), md(e.Text))
		fmt.Fprintf(bw, "- Ref: `%s`\n", e.ShortRef())
		if e.Owner != "" {
			due := ""
			if !e.Due.IsZero() {
				due = ", due " + e.Due.Format(time.DateOnly)
			}
			fmt.Fprintf(bw, "- Owner: %s%s\n", md(e.Owner), due)
		}
		fmt.Fprintf(bw, "- Present: %s\n- Absent: %s\n", orNobody(e.Present), orNobody(e.Absent))
		var seen []string
		for _, s := range e.Seen {
			seen = append(seen, md(s.Who)+" ("+s.At.Local().Format("2 Jan 15:04")+")")
		}
		if len(seen) > 0 {
			fmt.Fprintf(bw, "- Seen since: %s\n", strings.Join(seen, ", "))
		}
		if un := e.Unseen(roster); len(un) > 0 {
			fmt.Fprintf(bw, "- Not seen yet: %s\n", list(un, md))
		}
		for _, r := range e.Reviews {
			reason := ""
			if r.Reason != "" {
				reason = ": " + md(r.Reason)
			}
			fmt.Fprintf(bw, "- Review asked by %s (%s)%s\n", md(r.Who), r.At.Local().Format("2 Jan 15:04"), reason)
		}
		if r := e.Reviewed; r != nil {
			fmt.Fprintf(bw, "- Reviewed: %s\n", reviewedText(*r))
		}
		fmt.Fprintln(bw)
	}
	return bw.Flush()
}

// reviewedText says what a retrospective's review made of a decision:
// "reopened by Maria in the retrospective of 2 Dec 10:14 (`k7xq2m`)".
func reviewedText(r session.Reviewed) string {
	by := ""
	if r.By != "" {
		by = " by " + md(r.By)
	}
	return fmt.Sprintf("%s%s in the retrospective of %s (`%s`)", r.Outcome, by, r.At.Local().Format("2 Jan 15:04"), shortID(r.Session))
}

// shortID is a session's id as people type it (see LogEntry.ShortRef).
func shortID(id string) string {
	if len(id) > 6 {
		return id[:6]
	}
	return id
}

func orNobody(names []string) string {
	if len(names) == 0 {
		return "nobody"
	}
	return list(names, md)
}

// sourceText says where a decision was taken.
func sourceText(e session.LogEntry) string {
	kind := e.Kind.Noun()
	switch e.Source {
	case session.FromParkingLot:
		return "parking lot of a " + kind
	case session.FromRetro:
		return "decision in a retrospective"
	case session.FromAction:
		return "action item of a " + kind
	}
	return "outside a meeting, recorded by " + md(e.By)
}

func decisionsCSV(w io.Writer, roster []string, entries []session.LogEntry) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("ref,at,source,session,text,owner,due,present,absent,seen,not_seen,review_asked,review_outcome,reviewed_by,reviewed_at,reviewed_in\r\n")
	join := func(list []string) string { return strings.Join(list, "; ") }
	for _, e := range entries {
		var seen, review []string
		for _, s := range e.Seen {
			seen = append(seen, s.Who)
		}
		for _, r := range e.Reviews {
			review = append(review, r.Who)
		}
		due := ""
		if !e.Due.IsZero() {
			due = e.Due.Format(time.DateOnly)
		}
		var rev [4]string
		if r := e.Reviewed; r != nil {
			rev = [4]string{string(r.Outcome), r.By, stamp(r.At), r.Session}
		}
		var line []byte
		for i, cell := range []string{e.Ref, stamp(e.At), e.Source, e.Session, e.Text, e.Owner, due,
			join(e.Present), join(e.Absent), join(seen), join(e.Unseen(roster)), join(review), rev[0], rev[1], rev[2], rev[3]} {
			if i > 0 {
				line = append(line, ',')
			}
			line = appendCSVText(line, cell)
		}
		bw.Write(append(line, '\r', '\n'))
	}
	return bw.Flush()
}

// IsDecisionLog reports whether a JSON document is a decision log (has a
// "huddle_decisions" version) rather than a session's record.
func IsDecisionLog(doc []byte) bool {
	var head struct {
		Version json.RawMessage `json:"huddle_decisions"`
	}
	return json.Unmarshal(doc, &head) == nil && len(head.Version) > 0
}
