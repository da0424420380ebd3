package export

import (
	"io"
	"strconv"
	"strings"

	"huddle/session"
)

// BOM is the UTF-8 byte order mark that CSVWithBOM writes first.
const BOM = "\uFEFF"

// CSVWithBOM is CSV preceded by a UTF-8 byte order mark. Excel on Windows
// reads a CSV file without one in the system's legacy code page, so that
// "Åsa Ström" shows as "Ã…sa StrÃ¶m"; with it, as UTF-8. Other programs
// (and encoding/csv) may take the mark for part of the first cell.
func CSVWithBOM(w io.Writer, s *session.State) error {
	if checkKind(s, "action items") != nil {
		return CSV(w, s) // its error; nothing is written
	}
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	return CSV(w, s)
}

// csvHeader is the first row that CSV writes.
var csvHeader = []string{"id", "text", "owner", "due", "status", "topic", "session"}

// CSV writes a session's action items, carried over and new, for import
// into a tracker (comma-separated, UTF-8, each record ending in a line
// feed): a header row
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
// Every cell that holds text — all but the id and the due date — is
// quoted, with a double quote inside doubled, as RFC 4180 and
// encoding/csv read it; the id and the due date are never quoted.
//
// Text that a spreadsheet would read as a formula is defused (CSV
// injection): a single quote goes before an =, +, -, @, tab or carriage
// return that starts the cell or follows a separator inside it (a comma,
// semicolon, tab, carriage return or line feed, then maybe spaces or
// double quotes), so that importing it never runs anything, whichever
// separator the spreadsheet splits on.
//
// CSV returns the writer's first error. A session of an unknown kind is
// an ErrInvalid error and nothing is written.
func CSV(w io.Writer, s *session.State) error {
	if err := checkKind(s, "action items"); err != nil {
		return err
	}
	out := &writer{w: w}
	out.line(strings.Join(csvHeader, ","))
	var row []byte // reused: one write per row
	for _, a := range session.Summarize(s).Actions {
		if out.err != nil {
			break
		}
		row = strconv.AppendInt(row[:0], int64(a.ID), 10)
		row = appendCSVText(append(row, ','), a.Text)
		row = appendCSVText(append(row, ','), a.Owner)
		row = append(row, ',')
		if !a.Due.IsZero() {
			row = a.Due.Local().AppendFormat(row, "2006-01-02")
		}
		row = appendCSVText(append(row, ','), a.Status.String())
		row = appendCSVText(append(row, ','), a.Topic)
		row = appendCSVText(append(row, ','), a.Session)
		_, _ = out.Write(append(row, '\n'))
	}
	return out.err
}

// appendCSVText appends a text cell, defused and quoted, to b.
func appendCSVText(b []byte, cell string) []byte {
	b = append(b, '"')
	for _, c := range []byte(defuse(cell)) {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

// csvTriggers are the characters that make a spreadsheet read a cell as a
// formula (or, tab and carriage return, hide one that follows).
const csvTriggers = "=+-@\t\r"

// csvSeparators are the characters that a spreadsheet may split a line
// into cells at: whatever the file's own separator, a cell that holds one
// of them may become several.
const csvSeparators = ",;\t\r\n"

// defuse puts a single quote before every character of the cell that
// would start a formula (CSV injection): a trigger at the start of the
// cell or right after a separator, spaces and double quotes in between
// not counting.
func defuse(cell string) string {
	if !strings.ContainsAny(cell, csvTriggers) {
		return cell
	}
	var b strings.Builder
	b.Grow(len(cell) + 4)
	start := true // at the start of a cell, or of one a separator makes
	for _, r := range cell {
		switch {
		case !start:
		case r == ' ' || r == '"':
			b.WriteRune(r)
			continue
		case strings.ContainsRune(csvTriggers, r):
			b.WriteByte('\'')
		}
		b.WriteRune(r)
		start = strings.ContainsRune(csvSeparators, r)
	}
	return b.String()
}
