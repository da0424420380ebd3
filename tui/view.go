package tui

import (
	"slices"
	"strings"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"huddle/session"
)

// Minimum terminal size; below it the screen says so instead of breaking.
const (
	minWidth  = 60
	minHeight = 16
)

// View renders the whole screen.
func (m *Model) View() tea.View {
	return m.view(string(m.render(nil)))
}

// ViewInto is View with the screen drawn into b, a buffer the caller
// reuses from view to view (rowpaint.Framer): the view's content is b's
// bytes, valid until b is written again, so a program painted by rowpaint
// makes no new frame of many kilobytes per change.
func (m *Model) ViewInto(b []byte) (tea.View, []byte) {
	b = m.render(b[:0])
	return m.view(unsafe.String(unsafe.SliceData(b), len(b))), b
}

// ViewRows gives the view as its rows (rowpaint.RowFramer) when its
// body is one the programs of the process share (cachedBody): the body's
// rows are cut once for all of them, and the header's and footer's once
// per change of this program's, so a frame is a list of strings kept
// from the last, nothing copied. Other screens (a retrospective, the
// door, too small a terminal) are not given as rows: ok is false.
func (m *Model) ViewRows(rows []string) (v tea.View, _ []string, ok bool) {
	if m.quit || m.width < minWidth || m.height < minHeight || m.knocking() || m.overlay != nil || m.opts.Bodies == nil || !m.sharedBody() {
		return v, rows, false
	}
	w := m.width - 2 // App padding
	header, footer := m.header(w), m.footer(w)
	k, ok := m.cachedBody(w, max(1, m.height-lipgloss.Height(header)-lipgloss.Height(footer)))
	if !ok {
		return v, rows, false
	}
	// The header and footer are the same strings on most frames (their
	// memos): compared at a glance.
	rows = append(rows, m.headRows.get(header, func() []string { return margined(header, -1) })...)
	rows = append(rows, m.opts.Bodies.rows(k, func() string { return m.keyedBody(k) })...)
	rows = append(rows, m.footRows.get(footer, func() []string { return margined(footer, -1) })...)
	return m.view(""), rows, true
}

// margined is s as the frame's rows (appendFrame): each line indented by
// the App style's padding, cut or padded to h lines (h < 0: as many as
// s has). The rows are cut from one new string.
func margined(s string, h int) []string {
	n := strings.Count(s, "\n") + 1
	if h >= 0 {
		n = min(n, h)
	}
	all := " " + strings.ReplaceAll(s, "\n", "\n ")
	rows := make([]string, 0, max(n, h))
	for l := range strings.SplitSeq(all, "\n") {
		if len(rows) == n {
			break
		}
		rows = append(rows, l)
	}
	for len(rows) < h {
		rows = append(rows, " ")
	}
	return rows
}

func (m *Model) view(content string) tea.View {
	v := tea.NewView(content)
	v.AltScreen = true
	team := m.state.Config.Team
	v.WindowTitle = m.title.get(team, func() string { return "huddle · " + team })
	return v
}

// render appends the screen to b.
func (m *Model) render(b []byte) []byte {
	if m.quit {
		return b
	}
	if m.width < minWidth || m.height < minHeight {
		return append(b, lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, m.styles.Subtle.Render(tooSmall(m.width, m.height)))...)
	}
	w := m.width - 2 // App padding
	header, footer := m.header(w), m.footer(w)
	bodyHeight := max(1, m.height-lipgloss.Height(header)-lipgloss.Height(footer))
	if m.knocking() {
		return appendFrame(b, header, m.knockingView(w, bodyHeight), footer, bodyHeight)
	}
	if m.overlay != nil {
		return appendFrame(b, header, greeter{m}.overlayView(w, bodyHeight), footer, bodyHeight)
	}
	return appendFrame(b, header, m.body(w, bodyHeight), footer, bodyHeight)
}

// frame lays out a screen: the header, the body cut or padded to h lines,
// and the footer, each line indented by the App style's padding. It is
// plain string work on purpose: styling the whole screen with lipgloss
// would measure the width of every line again, on every frame of every
// participant.
func frame(header, body, footer string, h int) string {
	return string(appendFrame(nil, header, body, footer, h))
}

// appendFrame appends the frame to b.
func appendFrame(b []byte, header, body, footer string, h int) []byte {
	b = slices.Grow(b, len(header)+len(body)+len(footer)+2*(h+8))
	first := len(b)
	line := func(l string) {
		if len(b) > first {
			b = append(b, '\n')
		}
		b = append(b, ' ')
		b = append(b, l...)
	}
	for l := range strings.SplitSeq(header, "\n") {
		line(l)
	}
	n := 0
	for l := range strings.SplitSeq(body, "\n") {
		if n == h {
			break
		}
		line(l)
		n++
	}
	for ; n < h; n++ {
		line("")
	}
	for l := range strings.SplitSeq(footer, "\n") {
		line(l)
	}
	return b
}

// bodySize is the width and height left for the phase's body.
func (m *Model) bodySize() (int, int) {
	w := m.width - 2 // App padding
	return w, max(1, m.height-lipgloss.Height(m.header(w))-lipgloss.Height(m.footer(w)))
}

// handOverNotice announces a change of facilitator between two states:
// a hand-over (the one who had the role is here, and only they can hand
// it on; at the shared keyboard they always are) or a take-over (they
// were away, as TakeOver requires).
func (m *Model) handOverNotice(before, after *session.State) string {
	if before == nil || before.Facilitator == "" || after.Facilitator == before.Facilitator {
		return ""
	}
	to, ok := after.Participant(after.Facilitator)
	if !ok {
		return ""
	}
	from, ok := after.Participant(before.Facilitator)
	if !ok {
		return ""
	}
	who := to.Name + " facilitates now"
	if to.ID == m.me {
		who = "you facilitate now"
	}
	if from.Present || m.opts.SharedKeyboard {
		return who + " (handed over by " + from.Name + ")"
	}
	return who + " (took over from " + from.Name + ", who was away)"
}

func phaseTitle(p session.Phase) string {
	switch p {
	case session.Waiting:
		return "waiting room"
	case session.Rounds:
		return "rounds"
	case session.Parking:
		return "parking lot"
	case session.Closed:
		return "summary"
	default:
		return p.String() // a retrospective's phase: check-in, write …
	}
}

// statusLine is the result of the last action, styled once for as long
// as it stays: it stays on every frame until the next key.
func (m *Model) statusLine(w int) string {
	k := statusShows{st: m.styles, w: w, status: m.status, failed: m.failed}
	return m.statusLast.get(k, func() string {
		switch {
		case m.status != "" && m.failed:
			return m.styles.Error.Render("✗ " + truncate(m.status, w-2))
		case m.status != "":
			return m.styles.Notice.Render("✓ " + truncate(m.status, w-2))
		}
		return ""
	})
}

// statusShows is what the status line shows.
type statusShows struct {
	st     *Styles
	w      int
	status string
	failed bool
}

func (m *Model) footer(w int) string {
	st := m.styles
	lines := make([]string, 0, 6) // on the stack
	if door := m.doorLine(w); door != "" {
		lines = append(lines, door)
	}
	lines = append(lines, m.statusLine(w))
	if m.prompt != nil {
		lines = append(lines, m.prompt.view(st))
	}
	if l := (greeter{m}).unseenLine(w); l != "" {
		lines = append(lines, l) // the facilitator's count (missed.go)
	}
	keys := m.helpKeys() // the screen's, and L (missed.go)
	if m.overlay != nil {
		keys = missedHelp{greeting: m.overlay.who.ID != ""}
	}
	// help truncates a short line that only just overflows imperfectly
	// (bubbles v2.2.1), so cut it to the width here as well.
	lines = append(lines, helpView(&m.help, keys, m.styles, w, &m.helpMemo))
	// The same lines as the last frame's (most frames: each line comes
	// from a cache, so the strings are the same ones) make the same
	// footer: joined once.
	f := &m.footMemo
	if !slices.Equal(f.lines, lines) {
		f.lines = append(f.lines[:0], lines...)
		f.s = strings.Join(lines, "\n")
	}
	return f.s
}

func (m *Model) body(w, h int) string {
	if k, ok := m.cachedBody(w, h); ok {
		return m.opts.Bodies.get(k, func() string { return m.keyedBody(k) })
	}
	return m.drawBody(w, h)
}

// keyedBody draws the body of key k (cachedBody) at the whole second, so
// that it depends on nothing but the key: programs tick at their own
// fractions of a second.
func (m *Model) keyedBody(k bodyKey) string {
	now := m.now
	defer func() { m.now = now }()
	m.now = time.Unix(k.second, 0)
	if m.state.Phase == session.Rounds {
		return m.roundsBody(k, k.w, k.h)
	}
	return m.drawBody(k.w, k.h)
}

func (m *Model) drawBody(w, h int) string {
	if m.state.Config.Kind == session.Retro && m.state.Phase != session.Closed {
		return m.retro.view(w, h)
	}
	switch m.state.Phase {
	case session.Waiting, session.Rounds, session.Parking:
		return m.standup.view(w, h)
	default:
		return m.summaryView(w, h)
	}
}

// columns lays blocks side by side when they fit in w, else stacks them.
func columns(w int, blocks ...string) string {
	total := 0
	for _, b := range blocks {
		total += lipgloss.Width(b) + 3
	}
	if total <= w+3 {
		spaced := make([]string, 0, 2*len(blocks))
		for i, b := range blocks {
			if i > 0 {
				spaced = append(spaced, "   ")
			}
			spaced = append(spaced, b)
		}
		return lipgloss.JoinHorizontal(lipgloss.Top, spaced...)
	}
	return strings.Join(blocks, "\n\n")
}
