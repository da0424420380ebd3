package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"huddle/session"
)

// The reference below is the board's column drawing as it was before
// columnView styled only the entries in view: every entry styled, then
// the lines cut by scrollTo. It is kept verbatim, so that the tests
// compare the lazy drawing with what the screen used to show.

// refColumnView is the former columnView.
func refColumnView(m retroBoard, c boardCol, focused bool, sel, moving, w, h int) string {
	st := m.styles
	title := st.Heading.Render(c.title + " (" + itoa(c.cards) + ")")
	if focused {
		title = st.Selected.Render("▾ " + c.title + " (" + itoa(c.cards) + ")")
	}
	var lines []string
	a, b := 0, 0
	for _, sl := range c.slots {
		if sl.id == sel && sel != 0 {
			a = len(lines)
		}
		lines = append(lines, refSlotLines(m, sl, sl.id == sel && sel != 0, sl.id == moving && moving != 0, w)...)
		if sl.id == sel && sel != 0 {
			b = len(lines)
		}
	}
	if len(lines) == 0 {
		empty := "no cards"
		if m.state.Phase == session.Write && m.role() != session.Observer {
			empty = "no cards · a adds one"
		}
		lines = []string{st.Subtle.Render("  " + empty)}
	}
	lines = append([]string{title}, refScrollTo(lines, a, b, h-1, st)...)
	out := make([]string, h)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = truncate(lines[i], w)
		}
		out[i] = l + repeat(" ", max(0, w-lipgloss.Width(l)))
	}
	return strings.Join(out, "\n")
}

// refSlotLines is the former slotLines.
func refSlotLines(m retroBoard, sl slot, selected, moving bool, w int) []string {
	st, s := m.styles, m.state
	mark := "  "
	switch {
	case moving:
		mark = st.Selected.Render("⇢ ")
	case selected:
		mark = st.Selected.Render("▸ ")
	}
	if sl.indent {
		mark = "  " + mark
	}
	style := st.Text
	if selected || moving {
		style = st.Selected
	}
	switch {
	case sl.hidden > 0:
		who := "others"
		if sl.by != "" {
			who = sl.by
		}
		return []string{mark + st.Subtle.Render("▒▒▒ "+who+" ×"+itoa(sl.hidden))}
	case sl.id == 0: // a topic's heading while grouping
		name := s.GroupNames[sl.topic]
		if name == "" {
			name = "untitled"
		}
		return []string{"  " + st.Heading.Render(truncate("◆ "+name, w-lipgloss.Width(mark)-8)) +
			st.Subtle.Render(" · "+itoa(len(s.TopicCards(sl.topic)))+" cards")}
	}
	text, meta := sl.card.Text, m.cardMeta(sl.card)
	var extra []string
	if s.Phase == session.Vote {
		text = m.topicTitle(sl.topic)
		meta = ""
		if n := len(s.TopicCards(sl.topic)); n > 1 {
			extra = append(extra, itoa(n)+" cards")
		}
		if mine := s.VotesBy(m.voterID(), sl.topic); mine > 0 {
			extra = append(extra, dots(mine)+" yours")
		}
	}
	limit := 3
	if selected {
		limit = 12
	}
	pad := repeat(" ", lipgloss.Width(mark))
	var out []string
	for i, l := range wrapText(text, w-lipgloss.Width(mark), limit) {
		if i == 0 {
			out = append(out, mark+style.Render(l))
		} else {
			out = append(out, pad+style.Render(l))
		}
	}
	if meta != "" {
		last := out[len(out)-1]
		if lipgloss.Width(last+meta) <= w {
			out[len(out)-1] = last + st.Subtle.Render(meta)
		} else {
			out = append(out, pad+st.Subtle.Render(truncate(strings.TrimPrefix(meta, " · "), w-len(pad))))
		}
	}
	if len(extra) > 0 {
		out = append(out, pad+st.Subtle.Render(truncate(strings.Join(extra, " · "), w-len(pad))))
	}
	return out
}

// refScrollTo is the former scrollTo.
func refScrollTo(lines []string, a, b, h int, st *Styles) []string {
	if len(lines) <= h || h < 3 {
		return lines
	}
	n := h - 2
	start := max(0, min(a-n/3, len(lines)-n))
	if b > start+n {
		start = b - n
	}
	if a < start {
		start = a
	}
	end := min(len(lines), start+n)
	out := []string{""}
	if start > 0 {
		out[0] = st.Subtle.Render("  ↑ " + itoa(start) + " more")
	}
	out = append(out, lines[start:end]...)
	if end < len(lines) {
		out = append(out, st.Subtle.Render("  ↓ "+itoa(len(lines)-end)+" more"))
	}
	return out
}

// lazyTexts are card texts of every length: short, wrapping, longer than
// three lines of a narrow column, not ASCII, with a tab.
var lazyTexts = []string{
	"flaky tests",
	"the release train left without the hotfix and nobody noticed until Monday",
	"Übergabe an das Ops-Team läuft schlecht — zu viele Meetings, zu wenig Doku, und niemand fühlt sich zuständig für die Alarme in der Nacht",
	"pairing",
	"deploys take too long because the pipeline rebuilds every image from scratch on every single push to any branch whatsoever",
	"retro\tnotes with a tab",
	"我们需要更多的测试和更好的文档",
	"a",
}

// lazyBoard is a retrospective whose board the tests draw in each phase
// it is shown in: hidden cards of others while writing, then cards,
// grouped and named topics, dots.
type lazyBoard struct {
	d *driver
}

func newLazyBoard(t *testing.T, cfg session.Config, cards int) lazyBoard {
	t.Helper()
	d := newRetroDriver(t, cfg, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.Write)
	cols := len(d.state().Config.Columns)
	for i := range cards {
		who := []session.ParticipantID{fac, fac, lukas, julia}[i%4]
		text := fmt.Sprintf("%d %s", i, lazyTexts[i%len(lazyTexts)])
		d.do(who, session.AddCard{Column: (i * 7 / 3) % cols, Text: text})
	}
	return lazyBoard{d: d}
}

// group puts some cards into others' topics and names a topic.
func (lb lazyBoard) group() {
	d := lb.d
	cards := d.state().Cards
	for i := 3; i+1 < len(cards); i += 5 {
		d.do(fac, session.GroupCard{Card: cards[i].ID, Onto: cards[i+1].ID})
	}
	d.do(fac, session.NameGroup{Group: cards[4].Group, Name: "the pipeline and everything around it, which is a long name"})
}

// vote casts the facilitator's dots on the first topics.
func (lb lazyBoard) vote() {
	d := lb.d
	for _, g := range d.state().GroupIDs()[:2] {
		if d.state().VotesLeft(d.m.retro.voterID()) > 0 {
			d.do(fac, session.CastVote{Group: g})
		}
	}
}

// screens draws the screen with columnView and with the reference.
func screens(d *driver) (lazy, full string) {
	lazy = d.m.View().Content
	d.m.retro.drawColumn = refColumnView
	defer func() { d.m.retro.drawColumn = retroBoard.columnView }()
	full = d.m.View().Content
	return lazy, full
}

// TestLazyBoardMatchesFull draws boards of many cards in several formats
// and phases, at several sizes, with the cursor at the top, middle and
// bottom of the columns, and checks the screen is what styling every
// card showed.
func TestLazyBoardMatchesFull(t *testing.T) {
	cfgs := []session.Config{
		{Format: session.FourLs},
		{Format: session.StartStopContinue, Anonymous: true},
		{Format: session.LeanCoffee, VoteBudget: 5},
		{Format: session.Custom, Columns: []string{"Keep", "Drop", "Try"}},
	}
	sizes := [][2]int{{60, 16}, {80, 24}, {200, 60}}
	scrolledUp, scrolledDown, compared := 0, 0, 0
	for _, cfg := range cfgs {
		t.Run(cfg.Format.String(), func(t *testing.T) {
			lb := newLazyBoard(t, cfg, 90)
			d := lb.d
			check := func(what string) {
				t.Helper()
				for _, size := range sizes {
					d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
					cols := len(d.state().Config.Columns)
					for col := range cols {
						for _, pos := range []string{"top", "middle", "bottom"} {
							d.press(slices.Repeat([]string{"k"}, 60)...)
							switch pos {
							case "middle":
								d.press(slices.Repeat([]string{"j"}, 8)...)
							case "bottom":
								d.press(slices.Repeat([]string{"j"}, 60)...)
							}
							lazy, full := screens(d)
							compared++
							if strings.Contains(lazy, "↑") {
								scrolledUp++
							}
							if strings.Contains(lazy, "↓") {
								scrolledDown++
							}
							if lazy != full {
								t.Fatalf("%s, %dx%d, column %d, cursor at the %s: the lazy board differs\nlazy:\n%s\nfull:\n%s",
									what, size[0], size[1], col, pos, lazy, full)
							}
						}
						d.press("tab")
					}
				}
			}
			check("write, hidden cards")
			d.press("r")
			check("write, revealed")
			d.toPhase(session.Group)
			lb.group()
			check("group")
			d.press("g") // moving a card over the board
			check("group, moving a card")
			d.press("esc")
			d.toPhase(session.Vote)
			lb.vote()
			check("vote")
			d.toPhase(session.Discuss)
			check("discuss")
		})
	}
	if scrolledUp == 0 || scrolledDown == 0 {
		t.Fatalf("of %d screens, %d scrolled down and %d up: the window went untested", compared, scrolledUp, scrolledDown)
	}
}

// TestSlotLayoutCountsItsLines checks that an entry laid out without
// styling counts the lines it is drawn in, and draws what slotLines drew:
// hidden cards, topic headings, cards in every phase, selected, moving,
// indented, in narrow and wide columns.
func TestSlotLayoutCountsItsLines(t *testing.T) {
	for _, cfg := range []session.Config{{Format: session.FourLs}, {Format: session.MadSadGlad, Anonymous: true}} {
		lb := newLazyBoard(t, cfg, 24)
		d := lb.d
		kinds := map[string]bool{}
		check := func(phase string) {
			t.Helper()
			m := retroBoard{d.m.retro}
			var slots []slot
			for _, c := range m.boardCols() {
				slots = append(slots, c.slots...)
			}
			for _, c := range m.state.Cards { // every card, as any phase may show it
				slots = append(slots, slot{id: c.ID, card: c, topic: c.Group}, slot{id: c.ID, card: c, topic: c.Group, indent: true})
			}
			for _, sl := range slots {
				switch {
				case sl.hidden > 0:
					kinds["hidden"] = true
				case sl.id == 0:
					kinds["heading"] = true
				case sl.indent:
					kinds["indented"] = true
				}
				for _, w := range []int{4, 12, 22, 30, 48, 80, 200} {
					for _, selected := range []bool{false, true} {
						for _, moving := range []bool{false, true} {
							l := m.layoutSlot(sl, selected, moving, w)
							got := m.renderSlot(l)
							if len(got) != l.lines() {
								t.Fatalf("%s: slot %+v in %d cells (selected %v, moving %v) counts %d lines, draws %d:\n%s",
									phase, sl, w, selected, moving, l.lines(), len(got), strings.Join(got, "\n"))
							}
							if want := refSlotLines(m, sl, selected, moving, w); !slices.Equal(got, want) {
								t.Fatalf("%s: slot %+v in %d cells (selected %v, moving %v) draws\n%s\nwant\n%s",
									phase, sl, w, selected, moving, strings.Join(got, "\n"), strings.Join(want, "\n"))
							}
							if !slices.Equal(got, m.slotLines(sl, selected, moving, w)) {
								t.Fatalf("%s: slotLines differs from renderSlot(layoutSlot)", phase)
							}
						}
					}
				}
			}
			kinds[phase] = true
		}
		check("write, hidden cards")
		d.press("r")
		check("write")
		d.toPhase(session.Group)
		lb.group()
		check("group")
		d.toPhase(session.Vote)
		lb.vote()
		check("vote")
		d.toPhase(session.Discuss)
		check("discuss")
		for _, k := range []string{"hidden", "heading", "indented"} {
			if !kinds[k] {
				t.Errorf("%s: no %s entry was checked", cfg.Format, k)
			}
		}
	}
}

// TestScrollWindowIsScrollTo checks scrollTo, now built on scrollWindow
// and scrollFrame, against the former one for every window of lists up to
// 30 lines.
func TestScrollWindowIsScrollTo(t *testing.T) {
	st := NewStyles(true)
	for n := range 30 {
		lines := make([]string, n)
		for i := range lines {
			lines[i] = itoa(i)
		}
		for h := range 34 {
			for a := range n {
				for b := a; b <= n; b++ {
					if got, want := scrollTo(lines, a, b, h, st), refScrollTo(lines, a, b, h, st); !slices.Equal(got, want) {
						t.Fatalf("%d lines, [%d, %d) in %d: %q, want %q", n, a, b, h, got, want)
					}
				}
			}
		}
	}
}
