package tui

import (
	"iter"
	"math"
	"strings"

	"charm.land/bubbles/v2/progress"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	lru "github.com/hashicorp/golang-lru/v2"

	"huddle/session"
)

// timerLine renders a time-box as a bar and words: calm, then warning in
// the last quarter, then overtime, which is shown and never hidden.
func (m *common) timerLine(label string, t session.Timer, w int) string {
	if m.clockSlots {
		return clockSlot(label, t, m.state)
	}
	st := m.styles
	remaining := t.Remaining(m.now)
	style, colour, words := st.Calm, st.CalmColor, session.MinSec(remaining)+" left of "+session.MinSec(t.Budget)
	kind := 0 // calm, warning (1), overtime (2): which colour
	frac := 0.0
	if t.Budget > 0 {
		frac = float64(t.Elapsed(m.now)) / float64(t.Budget)
	}
	switch {
	case remaining <= 0:
		style, colour, words, kind = st.Over, st.OverColor, "OVERTIME +"+session.MinSec(remaining)+" of "+session.MinSec(t.Budget), 2
	case remaining*4 <= t.Budget:
		style, colour, kind = st.Warn, st.WarnColor, 1
	}
	if !t.Running() && m.state.Paused {
		words += " · paused"
	}
	barW := max(6, min(40, w-lipgloss.Width(label)-38)) // the same for both timers
	// The bar shows whole cells: drawn once per process for each colour,
	// width and filled width (it changes every few seconds, and rooms
	// share it), as is the label.
	frac = min(1, frac)
	filled := max(0, min(barW, int(math.Round(float64(barW)*frac)))) // as the bar rounds it
	bar := drawn(st, pieceKey{part: timerBar, kind: kind, w: barW, filled: filled}, func() string {
		b := progress.New(progress.WithWidth(barW), progress.WithoutPercentage(),
			progress.WithColors(colour), progress.WithFillCharacters('█', '░'))
		b.EmptyColor = st.TrackColor
		return b.ViewAs(frac)
	})
	lab := drawn(st, pieceKey{part: timerLabel, text: label}, func() string { return st.Subtle.Render(label) })
	return lab + " " + bar + "  " + style.Render(words)
}

// Pieces of the screens that are the same on many screens and do not
// change every second (the countdowns' bars and labels, the parking
// lot's box and its topics), drawn once per process: a piece's key is
// everything it depends on besides the styles' theme and background,
// which drawn adds.
type piecePart uint8

const (
	timerBar piecePart = iota
	timerLabel
	panelSide   // the box's side, │
	panelTop    // its top border, w wide
	panelBottom // its bottom border, w wide
	panelTopic  // a parked topic's row in the box, w wide
)

type pieceKey struct {
	theme  Theme
	dark   bool
	part   piecePart
	kind   int // the colour: calm, warning, overtime; a topic's number
	text   string
	more   string // a topic's who stays
	w      int
	filled int
}

var pieces, _ = lru.New[pieceKey, string](8192)

func drawn(st *Styles, k pieceKey, draw func() string) string {
	k.theme, k.dark = st.theme, st.dark
	return cached(pieces, k, draw)
}

func (m *standupScreen) roundsView(w, h int) string {
	st, s := m.styles, m.state
	speaker, _ := s.Speaker()
	turn, _ := s.CurrentTurn()
	labelW := len("stand-up")
	pad := func(l string) string { return l + repeat(" ", labelW-len(l)) }

	title := st.Subtle.Render("Turn "+itoa(s.Pos+1)+" of "+itoa(len(s.Order))+" · speaking now") + "\n" +
		st.Speaker.Render(speaker.Name)
	if s.Paused {
		reason := "paused"
		if s.PauseReason != "" {
			reason += ": " + s.PauseReason
		}
		title += "  " + st.Paused.Render("⏸ "+reason)
	}
	if note := m.preparedNote(speaker.ID, w); note != "" {
		title += "\n" + note // the update written beforehand (prepared.go)
	}
	lines := []string{
		title,
		"",
		m.timerLine(pad("turn"), turn.Timer, w),
		m.timerLine(pad("stand-up"), s.Overall, w),
		"",
	}
	if next := s.Upcoming(); len(next) > 0 {
		ns := s.Names(next)
		lines = append(lines, st.Subtle.Render("Up next  ")+truncate(st.Text.Render(clipPlain(strings.Join(ns, ", "), w)), w-9))
	} else {
		lines = append(lines, st.Subtle.Render("Up next  ")+st.Text.Render("nobody: this is the last turn"))
	}
	if done := m.doneSpeakers(w); done != "" {
		lines = append(lines, st.Subtle.Render("Done     ")+truncate(done, w-9))
	}
	if absent := s.Absent(); len(absent) > 0 {
		lines = append(lines, st.Subtle.Render("Missing  ")+st.Missing.Render(truncate(clipPlain(absentNames(absent), w), w-9)))
	}
	var blockers []string
	for i, b := range s.Blockers { // numbered: E and X name a blocker by its number
		blockers = append(blockers, st.Warn.Render("! ")+st.Subtle.Render("#"+itoa(i+1)+" ")+
			st.Text.Render(truncate(b.Speaker.Name+": "+b.Text, w-6-len(itoa(i+1)))))
	}
	if len(blockers) > 0 {
		keep := min(len(blockers), 3)
		lines = append(lines, "", st.Heading.Render("Blockers ("+itoa(len(blockers))+")"))
		lines = append(lines, blockers[len(blockers)-keep:]...)
	}
	main := strings.Join(lines, "\n")
	switch left := h - lipgloss.Height(main) - 1; {
	case left >= 4:
		main += "\n\n" + m.parkingPanel(w, left, "Parking lot")
	case s.OpenCount() > 0:
		// Too little room for the panel: the newest topics in one line
		// in place of the lines that do not fit.
		keep := strings.Split(main, "\n")
		keep = keep[:max(0, min(len(keep), h-1))]
		main = strings.Join(keep, "\n") + "\n" + m.parkingPanel(w, 1, "Parking lot")
	}
	return main
}

// doneSpeakers lists the finished turns with their time, overtime
// marked: as many as w cells show (the line is cut to fit).
func (m *standupScreen) doneSpeakers(w int) string {
	st, s := m.styles, m.state
	var out []string
	cells := 0
	for _, t := range s.Turns {
		if t.Ended.IsZero() {
			continue
		}
		if cells > w {
			break // past the end of the line
		}
		cells += ansi.StringWidth(s.Name(t.Speaker)) + 1 // at least its name and a space
		used := t.Timer.Elapsed(t.Ended)
		entry := s.Name(t.Speaker) + " " + session.MinSec(used)
		switch {
		case t.Skipped:
			out = append(out, st.Subtle.Render(s.Name(t.Speaker)+" skipped"))
		case used > t.Timer.Budget:
			out = append(out, st.Over.Render(entry))
		default:
			out = append(out, st.Text.Render(entry))
		}
	}
	return strings.Join(out, st.Subtle.Render(" · "))
}

// parkingPanel shows the open parking-lot items in a box of at most h
// lines, newest first, so nobody wonders whether their topic was heard.
// With less than four lines it shrinks to one line of the newest topics.
func (m *common) parkingPanel(w, h int, title string) string {
	st := m.styles
	open := m.state.OpenCount()
	if h < 4 {
		var topics []string
		for n, it := range newestOpen(m.state) {
			if n > w/3 { // more than the line could show
				break
			}
			topics = append(topics, "#"+itoa(it.ID)+" "+it.Topic)
		}
		return truncate(st.PanelTitle.Render(title+" ("+itoa(open)+"): ")+st.Text.Render(strings.Join(topics, " · ")), w)
	}
	inner := w - 4
	heading := title + " (" + itoa(open) + ")"
	shown := open
	if room := h - 3; open > room { // the border and the heading take three lines
		heading += " · newest " + itoa(room) + ", " + itoa(open-room) + " more"
		shown = room
	}
	rows := make([]string, 0, shown+1)
	rows = append(rows, st.panelRow(truncate(st.PanelTitle.Render(heading), inner), inner))
	for n, it := range newestOpen(m.state) {
		if n == shown {
			break
		}
		var stay string
		if len(it.Stay) > 0 {
			stay = personNames(it.Stay)
		}
		rows = append(rows, drawn(st, pieceKey{part: panelTopic, kind: it.ID, text: it.Topic, more: stay, w: w}, func() string {
			line := st.Subtle.Render("#"+itoa(it.ID)+" ") + st.Text.Render(it.Topic)
			if stay != "" {
				line += st.Subtle.Render(" · stays: " + stay)
			}
			return st.panelRow(truncate(line, inner), inner)
		}))
	}
	if shown == 0 {
		hint := "empty · press p to park a topic that goes too deep"
		if m.role() == session.Observer {
			hint = "empty"
		}
		rows = append(rows, st.panelRow(st.Subtle.Render(hint), inner))
	}
	return st.box(w, rows)
}

// newestOpen yields the open parking-lot items, newest first, each with
// its place in that order, without copying them.
func newestOpen(s *session.State) iter.Seq2[int, *session.Item] {
	return func(yield func(int, *session.Item) bool) {
		n := 0
		for i := len(s.Items) - 1; i >= 0; i-- {
			if it := &s.Items[i]; it.Status == session.Open {
				if !yield(n, it) {
					return
				}
				n++
			}
		}
	}
}

// absentNames lists who is missing, marking those who were here and left.
func absentNames(ps []session.Participant) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = absentLabel(p) // (excused) or (away): prepared.go
	}
	return strings.Join(out, ", ")
}
