package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"huddle/session"
)

// Markdown writes the minutes of a stand-up as GitHub-flavoured Markdown:
// a title with the team and the date, who facilitated, the scheduled start,
// the duration against the time-box, then the attendance, each turn, the
// blockers, the parking lot with every item's outcome, and the decisions
// with who was present and who was absent.
//
// Dates and times are shown in the local time zone (time.Local), as the
// people who were there read a clock. Durations are m:ss. The title of a
// session without an Ended event says "(unfinished)"; its running timers
// count up to the latest moment its events know of.
//
// All text that people typed (names, the team, topics, blockers, notes) is
// escaped, so the minutes render as the text typed: a pipe stays inside
// its table cell, and *, _, `, #, <, >, [ and the like stay characters. A
// word that GitHub would make live — an @mention, a #123 issue reference,
// a URL or an e-mail address — is set as inline code, so that minutes
// pasted into an issue ping nobody and link nothing (see md).
//
// The minutes of a retrospective have their own sections: the format,
// the check-in, the review of earlier action items, the board with its
// topics and dots, the discussion, the decisions, the action items, the
// ROTI and the parking lot. Dots are counted per topic and who gave them
// is never shown; in an anonymous retrospective nobody is named next to a
// card, a check-in or a score either, and no salted hash is shown.
//
// Markdown writes as it goes and returns the writer's first error. A
// session of an unknown kind is an ErrInvalid error and nothing is
// written.
func Markdown(w io.Writer, s *session.State) error {
	switch s.Config.Kind {
	case session.Standup:
	case session.Retro:
		return retroMarkdown(w, s)
	default:
		return fmt.Errorf("%w: minutes of a %s are not supported", session.ErrInvalid, s.Config.Kind)
	}
	m := minutes{writer: &writer{w: w}, s: s, end: recordEnd(s)}
	m.header()
	m.attendance()
	m.turns()
	m.blockers()
	m.parkingLot()
	m.decisions()
	m.line()
	m.line("Recorded with huddle · session ", md(s.ID))
	return m.err
}

// minutes writes the sections of a stand-up's minutes.
type minutes struct {
	*writer
	s   *session.State
	end time.Time // when the record stops; see recordEnd
}

func (m minutes) header() {
	s := m.s
	title := "# Stand-up · " + md(s.Config.Team) + " · " + s.Created.Local().Format("Mon 2 Jan 2006")
	if s.Ended.IsZero() {
		title += " (unfinished)"
	}
	m.line(title)
	m.line()
	m.line("- Facilitator: ", md(s.Name(s.Facilitator)))
	m.startAndDuration("the rounds")
}

// startAndDuration writes the start and the duration against the
// time-box; it reports whether the session started at all.
func (m minutes) startAndDuration(what string) bool {
	s := m.s
	switch {
	case !s.Config.ScheduledAt.IsZero():
		m.line("- Scheduled start: ", s.Config.ScheduledAt.Local().Format("15:04"))
	case !s.Started.IsZero():
		m.line("- Started: ", s.Started.Local().Format("15:04"), " (no scheduled start)")
	}
	if s.Started.IsZero() {
		m.line("- Duration: ", what, " did not start (time-box ", clock(s.Config.Timebox), ")")
		return false
	}
	took, budget := s.Overall.Elapsed(m.end), s.Overall.Budget
	verdict := "within"
	if took > budget {
		verdict = "over by " + clock(took-budget)
	}
	m.line("- Duration: ", clock(took), " (time-box ", clock(budget), ", ", verdict, ")")
	return true
}

func (m minutes) attendance() {
	m.section("Attendance")
	var rows [][]string
	var watchers []string
	for _, p := range m.s.Participants {
		if p.Role == session.Observer {
			// Watchers neither attend nor miss anything: listed apart.
			if !p.Arrived.IsZero() {
				watchers = append(watchers, md(p.Name))
			}
			continue
		}
		if !p.Expected && p.Arrived.IsZero() {
			continue
		}
		name := md(p.Name)
		status := "on time"
		switch {
		case p.Arrived.IsZero() && p.Excused:
			status = "excused"
		case p.Arrived.IsZero():
			status = "absent"
		case p.LateBy >= time.Minute:
			status = "late by " + strconv.Itoa(int(p.LateBy/time.Minute)) + " min"
		}
		rows = append(rows, []string{name, status})
	}
	if len(rows) == 0 {
		m.line("Nobody was expected and nobody came.")
	} else {
		m.table([]string{"Name", "Status"}, "--", rows)
	}
	if len(watchers) > 0 {
		m.line()
		m.line("Watching (not attending): ", strings.Join(watchers, ", "))
	}
}

func (m minutes) turns() {
	m.section("Turns")
	if len(m.s.Turns) == 0 {
		m.line("The rounds did not start.")
		return
	}
	var rows [][]string
	for _, t := range m.s.Turns {
		ended := t.Ended
		if ended.IsZero() {
			ended = m.end
		}
		used := t.Timer.Elapsed(ended)
		var notes []string
		if t.Ended.IsZero() {
			notes = append(notes, "unfinished")
		}
		if t.Skipped {
			notes = append(notes, "skipped")
		}
		if used > t.Timer.Budget {
			notes = append(notes, "+"+clock(used-t.Timer.Budget)+" over")
		}
		rows = append(rows, []string{md(m.s.Name(t.Speaker)), clock(used), clock(t.Timer.Budget), strings.Join(notes, ", ")})
	}
	m.table([]string{"Speaker", "Time used", "Time-box", "Note"}, "-rr-", rows)
}

func (m minutes) blockers() {
	m.section("Blockers")
	if len(m.s.Blockers) == 0 {
		m.line("None.")
		return
	}
	for _, b := range m.s.Blockers {
		m.line("- ", md(b.Speaker.Name), ": ", md(b.Text))
	}
}

func (m minutes) parkingLot() {
	m.section("Parking lot")
	if len(m.s.Items) == 0 {
		m.line("Nothing was parked.")
		return
	}
	var rows [][]string
	for _, it := range m.s.Items {
		stays := "nobody"
		if len(it.Stay) > 0 {
			names := make([]string, len(it.Stay))
			for i, p := range it.Stay {
				names[i] = p.Name
			}
			stays = mdList(names)
		}
		rows = append(rows, []string{
			"#" + strconv.Itoa(it.ID), md(it.Topic), md(it.RaisedBy.Name), m.during(it), stays, outcome(it),
		})
	}
	m.table([]string{"#", "Topic", "Raised by", "During", "Stays", "Outcome"}, "r-----", rows)
	switch n := len(m.s.CarryOver()); n {
	case 0:
	case 1:
		m.line()
		m.line("1 item carries over to the team's next session.")
	default:
		m.line()
		m.line(strconv.Itoa(n), " items carry over to the team's next session.")
	}
}

// during says when an item was parked: in whose turn, or in which phase.
func (m minutes) during(it session.Item) string {
	var when string
	switch {
	case it.Speaker.ID != "" || it.Speaker.Name != "":
		when = md(it.Speaker.Name) + "'s turn"
	case it.Phase == session.Waiting:
		when = "before the rounds"
	default:
		when = "after the rounds"
	}
	if it.Session != "" && it.Session != m.s.ID {
		when += ", an earlier session"
	}
	return when
}

// outcome is what became of a parking-lot item.
func outcome(it session.Item) string {
	withNote := func(s string) string {
		if it.Note == "" {
			return s
		}
		return s + ": " + md(it.Note)
	}
	switch it.Status {
	case session.Open:
		return "open, carries over"
	case session.Discussed:
		return withNote("discussed")
	case session.Decided:
		return withNote("decision") + " (" + presence(it) + ")"
	case session.SentToRetro:
		return withNote("sent to retro")
	case session.Dropped:
		return withNote("dropped")
	}
	return withNote(md(it.Status.String()))
}

// presence says who was present and who was absent for a decision.
func presence(it session.Item) string {
	present, absent := "nobody", "nobody"
	if len(it.Present) > 0 {
		present = mdList(it.Present)
	}
	if len(it.Absent) > 0 {
		absent = mdList(it.Absent)
	}
	return "present: " + present + "; absent: " + absent
}

func (m minutes) decisions() {
	m.section("Decisions")
	n := 0
	for _, it := range m.s.Items {
		if it.Status != session.Decided {
			continue
		}
		n++
		m.line("- ", md(it.Note), " (#", strconv.Itoa(it.ID), " ", md(it.Topic), "; ", presence(it), ")")
	}
	if n == 0 {
		m.line("None recorded.")
	}
}

// section starts a section with a level-2 heading.
func (m minutes) section(title string) {
	m.line()
	m.line("## ", title)
	m.line()
}

// table writes a table. align has one byte per column: 'r' aligns it right,
// anything else leaves it to the renderer. Cells are written as given:
// escape user text with md first.
func (m minutes) table(head []string, align string, rows [][]string) {
	m.row(head)
	rule := make([]string, len(head))
	for i := range rule {
		rule[i] = "---"
		if i < len(align) && align[i] == 'r' {
			rule[i] = "--:"
		}
	}
	m.row(rule)
	for _, r := range rows {
		m.row(r)
	}
}

func (m minutes) row(cells []string) {
	m.print("|")
	for _, c := range cells {
		if c == "" {
			m.print(" |")
			continue
		}
		m.print(" ", c, " |")
	}
	m.line()
}

// recordEnd is when the record of a session stops: its end, the end of its
// rounds, or, for a session left running, the latest moment its state
// knows of. Running timers are read at this time.
func recordEnd(s *session.State) time.Time {
	if !s.Ended.IsZero() {
		return s.Ended
	}
	if !s.RoundsEnded.IsZero() {
		return s.RoundsEnded
	}
	latest := s.Started
	later := func(t time.Time) {
		if t.After(latest) {
			latest = t
		}
	}
	for _, p := range s.Participants {
		later(p.Arrived)
	}
	for _, t := range s.Turns {
		later(t.Started)
		later(t.Ended)
	}
	for _, b := range s.Blockers {
		later(b.At)
	}
	for _, it := range s.Items {
		later(it.At)
		later(it.Resolved)
	}
	return latest
}

// clock formats a duration as m:ss, or h:mm:ss from an hour on, rounding
// down to the second; a negative duration prints its magnitude.
func clock(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// mdList escapes each name and joins them with commas.
func mdList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = md(n)
	}
	return strings.Join(out, ", ")
}

// mdEscaped are the characters md escapes wherever they stand: each could
// start markup (emphasis, code, links, raw HTML, character references,
// strikethrough, GitHub's math), end a table cell, or escape what follows.
const mdEscaped = "\\`*_[]<>|~&$"

// mdLeading are the characters md escapes at the start of the text, where
// they would open a heading, a list item or a setext underline.
const mdLeading = "#+-="

// md escapes user text for Markdown so that it renders as the text typed:
// it puts a backslash before every character that could start markup or
// end a table cell, before a leading #, +, - or =, and before the . or )
// of a leading number ("1." would start a list). Line breaks and tabs
// become spaces and the ends are trimmed, so the text stays in its table
// cell or list item. Text that went through session.CleanText has no line
// breaks to begin with; md does not rely on it.
//
// A word (a run of characters between spaces) that GitHub would make live
// — an @mention that pings someone, a #123 or GH-123 issue reference, a
// URL or an e-mail address that it would link (see mdLive) — is set as
// inline code instead, where GitHub neither mentions, references nor
// links: "ask @julia about #12" becomes "ask `@julia` about `#12`". A
// backslash does not stop a mention; inline code does. A backtick or a
// pipe inside such a word stays outside the code, escaped.
func md(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\r', '\t', '\v', '\f':
			return ' '
		}
		return r
	}, s))
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			b.WriteByte(' ')
			i++
			continue
		}
		end := strings.IndexByte(s[i:], ' ')
		if end < 0 {
			end = len(s)
		} else {
			end += i
		}
		if word := s[i:end]; mdLive(word) {
			mdCode(&b, word)
		} else {
			mdWord(&b, word, i == 0)
		}
		i = end
	}
	return b.String()
}

// mdWord writes a word with backslashes before what could be markup; first
// says that the word starts the text.
func mdWord(b *strings.Builder, w string, first bool) {
	digits := -1 // length of the text's leading run of digits
	if first {
		digits = 0
		for digits < len(w) && w[digits] >= '0' && w[digits] <= '9' {
			digits++
		}
	}
	for i, r := range w {
		switch {
		case strings.ContainsRune(mdEscaped, r),
			first && i == 0 && strings.ContainsRune(mdLeading, r),
			i == digits && digits > 0 && (r == '.' || r == ')'):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
}

// mdCode writes a word as inline code: each run of it without a backtick
// or a pipe between backticks, and each backtick or pipe escaped between
// them. (A code span cannot hold a backtick of the same fence, and a pipe
// would end a table cell even inside code, whose backslash would show
// outside a table.)
func mdCode(b *strings.Builder, w string) {
	for w != "" {
		n := strings.IndexAny(w, "`|")
		if n < 0 {
			n = len(w)
		}
		if n > 0 {
			b.WriteString("`" + w[:n] + "`")
		}
		if n < len(w) {
			b.WriteByte('\\')
			b.WriteByte(w[n])
			n++
		}
		w = w[n:]
	}
}

// mdLive reports whether GitHub would turn a word, or a part of it, into
// a mention, a reference or a link: an @ before a letter, digit, _ or -
// (@name, @org/team, an e-mail address), a # or GH- before a digit (#123,
// owner/repo#123, GH-123), or a URL — ://, www., mailto: or xmpp:, in any
// case. It errs on the side of code: a word it takes for live still reads
// as typed.
func mdLive(w string) bool {
	if strings.Contains(w, "://") {
		return true
	}
	for i, r := range w {
		rest := w[i:]
		next, _ := utf8.DecodeRuneInString(rest[utf8.RuneLen(r):])
		switch {
		case r == '@' && (unicode.IsLetter(next) || unicode.IsDigit(next) || next == '_' || next == '-'),
			r == '#' && unicode.IsDigit(next),
			hasPrefixFold(rest, "gh-") && len(rest) > 3 && rest[3] >= '0' && rest[3] <= '9',
			hasPrefixFold(rest, "www."), hasPrefixFold(rest, "mailto:"), hasPrefixFold(rest, "xmpp:"):
			return true
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
