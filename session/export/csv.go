package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"huddle/session"
)

// csvHeader is the first row that CSV writes.
var csvHeader = []string{"id", "text", "owner", "due", "status", "topic", "session"}

// CSV writes a session's action items, carried over and new, for import
// into a tracker, as encoding/csv writes them (comma-separated, quoted
// where needed, UTF-8, each record ending in a line feed): a header row
//
//	id,text,owner,due,status,topic,session
//
// and then one row per action item in the order of s.Actions. "due" is
// YYYY-MM-DD in the local time zone, or empty; "status" is open, done,
// not-done or dropped; "topic" is, for an item agreed in this
// retrospective while discussing a topic, the topic's name or else the
// text of its first card, and empty otherwise; "session" is the id of the
// session where the item was agreed. A session without action items
// gives the header alone.
//
// A cell that a spreadsheet would read as a formula — one starting with
// =, +, -, @, a tab or a carriage return — is written with a leading
// single quote, so that importing it never runs anything.
//
// CSV returns the writer's first error. A session of an unknown kind is
// an ErrInvalid error and nothing is written.
func CSV(w io.Writer, s *session.State) error {
	switch s.Config.Kind {
	case session.Standup, session.Retro:
	default:
		return fmt.Errorf("%w: action items of a %s are not supported", session.ErrInvalid, s.Config.Kind)
	}
	out := &writer{w: w}
	cw := csv.NewWriter(out)
	// Write fails only when out does, and out keeps that error.
	_ = cw.Write(csvHeader)
	row := make([]string, len(csvHeader))
	for _, a := range s.Actions {
		if out.err != nil {
			break
		}
		due := ""
		if !a.Due.IsZero() {
			due = a.Due.Local().Format("2006-01-02")
		}
		row[0], row[1], row[2], row[3] = strconv.Itoa(a.ID), a.Text, a.Owner.Name, due
		row[4], row[5], row[6] = a.Status.String(), actionTopic(s, a), a.Session
		for i := range row {
			row[i] = defuse(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	if out.err != nil {
		return out.err
	}
	return cw.Error()
}

// actionTopic is the topic an action item came from: the name of the
// retrospective's topic, or the text of its first card. An item carried
// from an earlier session has none here: its topic was on another board.
func actionTopic(s *session.State, a session.Action) string {
	if s.Config.Kind != session.Retro || a.Topic == 0 || a.Session != s.ID {
		return ""
	}
	if name := strings.TrimSpace(s.GroupNames[a.Topic]); name != "" {
		return name
	}
	for _, c := range s.Cards {
		if c.Group == a.Topic {
			return c.Text
		}
	}
	return ""
}

// defuse puts a single quote before a cell that a spreadsheet would take
// for a formula (CSV injection).
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
