package plain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"huddle/session"
)

// clock is a duration as M:SS; negative as -M:SS (overtime).
func clock(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%s%d:%02d", sign, int(d/time.Minute), int(d%time.Minute/time.Second))
}

func phaseName(p session.Phase) string {
	switch p {
	case session.Rounds:
		return "the rounds"
	case session.Parking:
		return "the parking lot"
	case session.Roti:
		return "ROTI"
	}
	return p.String()
}

func column(s *session.State, i int) string {
	if i >= 0 && i < len(s.Config.Columns) {
		return text(s.Config.Columns[i])
	}
	return "column " + strconv.Itoa(i+1)
}

// topicName is a topic's name, or its first card's text as this view
// has it.
func topicName(s *session.State, g int) string {
	if n := s.GroupNames[g]; n != "" {
		return text(n)
	}
	cards := s.TopicCards(g)
	if len(cards) == 0 {
		return "(empty)"
	}
	if cards[0].Hidden() {
		return "(hidden card)"
	}
	if len(cards) > 1 {
		return text(cards[0].Text) + fmt.Sprintf(" and %d more", len(cards)-1)
	}
	return text(cards[0].Text)
}

func stays(it session.Item) string {
	if len(it.Stay) == 0 {
		return ""
	}
	var who []string
	for _, p := range it.Stay {
		who = append(who, name(p.Name))
	}
	return " (stays: " + strings.Join(who, ", ") + ")"
}

func absent(names []string) string {
	if len(names) == 0 {
		return ""
	}
	var out []string
	for _, n := range names {
		out = append(out, name(n))
	}
	return " (absent: " + strings.Join(out, ", ") + ")"
}

func outcome(it session.Item) string {
	switch it.Status {
	case session.Decided:
		return fmt.Sprintf("#%d decided: %s%s", it.ID, text(it.Note), absent(it.Absent))
	case session.Discussed:
		return fmt.Sprintf("#%d discussed", it.ID)
	case session.SentToRetro:
		return fmt.Sprintf("#%d sent to the retro", it.ID)
	case session.Dropped:
		return fmt.Sprintf("#%d dropped", it.ID)
	}
	return fmt.Sprintf("#%d open again", it.ID)
}

func actionText(x session.Action) string {
	out := text(x.Text) + " (" + name(x.Owner.Name)
	if !x.Due.IsZero() {
		out += ", due " + x.Due.Format("2006-01-02")
	}
	out += ")"
	if x.Status != session.ActionOpen {
		out += ", " + x.Status.String()
	}
	return out
}

func list(items []string) string {
	if len(items) == 0 {
		return "nobody"
	}
	return strings.Join(items, ", ")
}

// text is user-typed text made printable: cleaned as session cleans all
// text, then with anything that is not printable taken out.
func text(s string) string { return Printable(session.CleanText(s, session.DefaultMaxText)) }

func name(s string) string {
	if n := Printable(session.CleanName(s)); n != "" {
		return n
	}
	return "someone"
}

// Printable drops every control character (C0, DEL, C1) and every byte
// that is not UTF-8 from s, so that no line can carry an escape sequence
// (7-bit or 8-bit) whatever it holds.
func Printable(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }
