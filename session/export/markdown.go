package export

import (
	"io"
	"strings"
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
// The minutes of a session of a team end with the command lines that show
// the team's decision log.
//
// Markdown writes as it goes and returns the writer's first error. A
// session of an unknown kind is an ErrInvalid error and nothing is
// written.
func Markdown(w io.Writer, s *session.State) error {
	if err := checkKind(s, "minutes"); err != nil {
		return err
	}
	m := minutes{writer: &writer{w: w}, sum: session.Summarize(s)}
	if s.Config.Kind == session.Retro {
		retroMinutes{m}.write()
	} else {
		m.header()
		m.attendance()
		m.turns()
		m.blockers()
		m.parkingLot()
		m.decisions()
	}
	m.line()
	m.line("Recorded with huddle · session ", md(s.ID))
	if local, ssh := decisionLogCommands(s.Config.Team); local != "" {
		var b strings.Builder
		b.WriteString("Decision log of the team: ")
		mdCode(&b, local)
		b.WriteString(", or over SSH ")
		mdCode(&b, ssh)
		m.line()
		m.line(b.String())
	}
	return m.err
}

// minutes writes the sections of a stand-up's minutes.
type minutes struct {
	*writer
	sum session.Summary
}

func (m minutes) header() {
	m.line("# ", minutesTitle(m.sum, md))
	m.line()
	m.line("- Facilitator: ", md(m.sum.Facilitator))
	m.startAndDuration("the rounds")
}

// startAndDuration writes the start and the duration against the
// time-box.
func (m minutes) startAndDuration(what string) {
	if term, desc, ok := startFact(m.sum); ok {
		m.line("- ", term, ": ", desc)
	}
	m.line("- Duration: ", durationFact(m.sum, what))
}

func (m minutes) attendance() {
	m.section("Attendance")
	var rows [][]string
	for _, a := range m.sum.Attendance {
		rows = append(rows, []string{md(a.Name), attendanceStatus(a)})
	}
	if len(rows) == 0 {
		m.line("Nobody was expected and nobody came.")
	} else {
		m.table([]string{"Name", "Status"}, "--", rows)
	}
	if len(m.sum.Watchers) > 0 {
		m.line()
		m.line("Watching (not attending): ", list(m.sum.Watchers, md))
	}
}

func (m minutes) turns() {
	m.section("Turns")
	if len(m.sum.Turns) == 0 {
		m.line("The rounds did not start.")
		return
	}
	var rows [][]string
	for _, t := range m.sum.Turns {
		rows = append(rows, []string{md(t.Speaker), clock(t.Used), clock(t.Budget), turnNote(t)})
	}
	m.table([]string{"Speaker", "Time used", "Time-box", "Note"}, "-rr-", rows)
}

func (m minutes) blockers() {
	m.section("Blockers")
	if len(m.sum.Blockers) == 0 {
		m.line("None.")
		return
	}
	for _, b := range m.sum.Blockers {
		m.line("- ", md(b.Speaker), ": ", md(b.Text))
	}
}

func (m minutes) parkingLot() {
	m.section("Parking lot")
	if len(m.sum.Parked) == 0 {
		m.line("Nothing was parked.")
		return
	}
	var rows [][]string
	for _, it := range m.sum.Parked {
		rows = append(rows, parkedCells(m.sum, it, md))
	}
	m.table(parkedHead, "r-----", rows)
	m.sentence(carries(m.sum.CarryOver, "item"))
}

func (m minutes) decisions() {
	m.section("Decisions")
	for _, d := range m.sum.Decisions {
		m.line("- ", decisionLine(d, m.sum.Kind, md))
	}
	if len(m.sum.Decisions) == 0 {
		m.line("None recorded.")
	}
}

// sentence writes a paragraph of its own, unless it is empty.
func (m minutes) sentence(s string) {
	if s != "" {
		m.line()
		m.line(s)
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
