package rowpaint

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

var (
	diffSeqs = flag.Int("rowpaint.seqs", 0, "random sequences the differential test plays (0: 160, 24 under -race, 16 with -short)")
	diffSeed = flag.Int64("rowpaint.seed", 0, "seed of the differential test (0: from the clock)")
)

// frameModel shows whatever view it was last sent. ready is closed once
// the size and profile Bubble Tea sends at the start (from goroutines of
// their own) arrived: a step sent before could be overtaken by them.
type frameModel struct {
	v           tea.View
	rows        []string // v's rows, for PaintRows
	size, color bool
	ready       chan struct{}
}

type setView struct {
	v    tea.View
	rows []string
}

// rowsModel is a frameModel that gives its views as rows (RowFramer):
// painted with PaintRows, a row kept from the last view is the same
// string.
type rowsModel struct{ *frameModel }

func (m rowsModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.frameModel.Update(msg)
	return m, cmd
}

func (m rowsModel) ViewRows(rows []string) (tea.View, []string, bool) {
	v := m.v
	v.Content = ""
	return v, append(rows, m.rows...), true
}

func (m *frameModel) Init() tea.Cmd { return nil }
func (m *frameModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case setView:
		m.v, m.rows = msg.v, msg.rows
	case tea.WindowSizeMsg:
		m.size = true
	case tea.ColorProfileMsg:
		m.color = true
	}
	if m.size && m.color && m.ready != nil {
		close(m.ready)
		m.ready = nil
	}
	return m, nil
}
func (m *frameModel) View() tea.View { return m.v }

// screen is a terminal emulator fed as an SSH client's terminal is: the
// session turns "\n" into "\r\n" (charm.land/ssh's emulated pty).
// Markers (an APC string) written between frames are taken out and
// reported instead.
type screen struct {
	mu    sync.Mutex
	emu   *vt.Emulator
	marks chan string
	raw   []byte // the last bytes written, for a failure's report
}

func newScreen(w, h int) *screen {
	s := &screen{emu: vt.NewEmulator(w, h), marks: make(chan string, 4)}
	go func() { _, _ = io.Copy(io.Discard, s.emu) }() // replies, if any
	return s
}

const markPrefix = "\x1b_rowpaint-mark-"

func (s *screen) Write(p []byte) (int, error) {
	n := len(p)
	if i := bytes.Index(p, []byte(markPrefix)); i >= 0 {
		j := bytes.Index(p[i:], []byte("\x1b\\"))
		s.marks <- string(p[i+len(markPrefix) : i+j])
		p = append(append([]byte{}, p[:i]...), p[i+j+2:]...)
	}
	p = bytes.ReplaceAll(p, []byte{'\n'}, []byte{'\r', '\n'})
	p = bytes.ReplaceAll(p, []byte{'\r', '\r', '\n'}, []byte{'\r', '\n'})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw = append(s.raw, p...)
	if len(s.raw) > 4096 {
		s.raw = s.raw[len(s.raw)-2048:]
	}
	_, _ = s.emu.Write(p)
	return n, nil
}

func (s *screen) resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emu.Resize(w, h)
}

// side is one way of painting: a real program and its terminal.
type side struct {
	name string
	p    *tea.Program
	scr  *screen
	pt   *Painter // ours; nil for Bubble Tea's renderer
	done chan struct{}
	mark int
}

// How a side paints.
const (
	bubbleTea = iota // Bubble Tea's own renderer
	byContent        // rowpaint, from the view's content (Paint)
	byRows           // rowpaint, from the rows themselves (PaintRows)
)

func startSide(t *testing.T, how int, w, h int, prof colorprofile.Profile) *side {
	s := &side{scr: newScreen(w, h), done: make(chan struct{})}
	opts := []tea.ProgramOption{tea.WithInput(nil), tea.WithOutput(s.scr), tea.WithWindowSize(w, h),
		tea.WithColorProfile(prof), tea.WithoutSignalHandler(), tea.WithEnvironment([]string{"TERM=xterm-256color"}), tea.WithFPS(120)}
	first := tea.NewView("")
	first.AltScreen = true // as huddle's views are from the start
	ready := make(chan struct{})
	fm := &frameModel{v: first, ready: ready}
	var m tea.Model = fm
	if how != bubbleTea {
		s.name = "rowpaint"
		if how == byRows {
			s.name, m = "rowpaint by rows", rowsModel{fm}
		}
		s.pt = New(s.scr, Options{Width: w, Height: h, Profile: prof})
		m = Wrap(m, s.pt)
		opts = append(opts, tea.WithoutRenderer())
	} else {
		s.name = "bubbletea"
	}
	s.p = tea.NewProgram(m, opts...)
	go func() {
		defer close(s.done)
		if _, err := s.p.Run(); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
		if s.pt != nil {
			_ = s.pt.Close()
		}
	}()
	<-ready
	return s
}

// settle returns once everything sent so far is on the side's screen.
func (s *side) settle(t *testing.T) {
	s.p.Send(struct{}{}) // returns once the message before it was updated and rendered
	if s.pt != nil {
		return // painted in the update
	}
	// Bubble Tea writes queued raw output, then the frame, at each tick:
	// a raw marker seen twice in a row means the frame after the first
	// was written.
	for range 2 {
		s.mark++
		want := fmt.Sprint(s.mark)
		s.p.Send(tea.RawMsg{Msg: markPrefix + want + "\x1b\\"})
		select {
		case got := <-s.scr.marks:
			if got != want {
				t.Fatalf("marker %s, want %s", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Bubble Tea's renderer wrote nothing for 10 s")
		}
	}
}

// gen makes random frames.
type gen struct{ r *rand.Rand }

var tokens = []string{
	"alpha", "β-test", "naïve", "x", " ", "   ", "stand-up", "│", "─┬─", "•",
	"漢字", "日本語", "한국", "ｶﾀｶﾅ", "🙂", "🎉", "⭐", "👍", "\t", "a\tb",
	"\x1b[1m", "\x1b[31m", "\x1b[38;5;123m", "\x1b[48;2;10;200;30m", "\x1b[4m", "\x1b[7m",
	"\x1b[m", "\x1b[0m", "\x1b[3;9m", "\x1b[92;44m", "\x1b[2m", "\x1b[38;2;250;128;114m",
	"\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\",
}

func (g gen) row() string {
	var b strings.Builder
	for range g.r.Intn(14) {
		b.WriteString(tokens[g.r.Intn(len(tokens))])
	}
	if g.r.Intn(3) == 0 {
		b.WriteString("\x1b[m")
	}
	return b.String()
}

func (g gen) rows(h int) []string {
	rows := make([]string, g.r.Intn(h+3))
	for i := range rows {
		rows[i] = g.row()
	}
	return rows
}

// mutate changes some rows, inserts or deletes a block, or starts anew.
func (g gen) mutate(rows []string, h int) []string {
	switch g.r.Intn(6) {
	case 0:
		return g.rows(h)
	case 1, 2: // insert k rows at i
		i, k := g.r.Intn(len(rows)+1), 1+g.r.Intn(4)
		ins := make([]string, k)
		for j := range ins {
			ins[j] = g.row()
		}
		return append(append(append([]string{}, rows[:i]...), ins...), rows[i:]...)
	case 3: // delete k rows at i
		if len(rows) == 0 {
			return rows
		}
		i := g.r.Intn(len(rows))
		k := min(1+g.r.Intn(4), len(rows)-i)
		return append(append([]string{}, rows[:i]...), rows[i+k:]...)
	default:
		out := append([]string{}, rows...)
		for range 1 + g.r.Intn(3) {
			if len(out) > 0 {
				out[g.r.Intn(len(out))] = g.row()
			}
		}
		return out
	}
}

var titles = []string{"huddle", "huddle · team", ""}

func (g gen) view(rows []string, w, h int) tea.View {
	v := tea.NewView(strings.Join(rows, "\n"))
	v.AltScreen = true
	v.WindowTitle = titles[g.r.Intn(len(titles))]
	if g.r.Intn(4) == 0 {
		v.Cursor = tea.NewCursor(g.r.Intn(w), g.r.Intn(h))
		v.Cursor.Blink = g.r.Intn(2) == 0
	}
	return v
}

var profiles = []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI, colorprofile.Ascii}

// TestPaintsAsBubbleTea plays random sequences of frames (wide runes,
// emoji, tabs, styles, colours, hyperlinks, inserted and deleted rows,
// a cursor), resizes, colour profiles and terminal mode reports to two
// programs, one painted by rowpaint and one by Bubble Tea's renderer,
// each into a terminal emulator, and compares the two screens cell by
// cell after every step, and after the programs ended.
func TestPaintsAsBubbleTea(t *testing.T) {
	seed := *diffSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	seqs := *diffSeqs
	switch {
	case seqs > 0:
	case testing.Short():
		seqs = 16
	case raceOn:
		seqs = 24
	default:
		seqs = 160 // about 2,000 steps
	}
	const parallel = 12 // the programs mostly wait for Bubble Tea's ticks
	var wg sync.WaitGroup
	next := make(chan int64)
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range next {
				if !playSequence(t, s) {
					t.Errorf("sequence seed %d differs: rerun with -run TestPaintsAsBubbleTea -rowpaint.seed %d -rowpaint.seqs 1", s, s)
				}
			}
		}()
	}
	for i := range int64(seqs) {
		if t.Failed() {
			break
		}
		next <- seed + i
	}
	close(next)
	wg.Wait()
	t.Logf("%d sequences from seed %d", seqs, seed)
}

// playSequence plays one random sequence; it reports whether the screens
// stayed equal.
func playSequence(t *testing.T, seed int64) bool {
	g := gen{rand.New(rand.NewSource(seed))}
	w, h := 20+g.r.Intn(80), 5+g.r.Intn(25)
	prof := profiles[g.r.Intn(len(profiles))]
	sides := []*side{startSide(t, byContent, w, h, prof), startSide(t, bubbleTea, w, h, prof), startSide(t, byRows, w, h, prof)}
	// Each of rowpaint's ways against Bubble Tea's.
	equal := func(log []string, cursor bool) bool {
		return equalScreens(t, sides[:2], log, cursor) && equalScreens(t, []*side{sides[2], sides[1]}, log, cursor)
	}
	defer func() {
		for _, s := range sides {
			s.p.Kill()
			<-s.done
		}
	}()
	var rows []string
	steps := 8 + g.r.Intn(12)
	var log []string
	for step := range steps {
		var msg tea.Msg
		switch n := g.r.Intn(20); {
		case n < 2:
			w, h = 20+g.r.Intn(80), 5+g.r.Intn(25)
			for _, s := range sides {
				s.scr.resize(w, h)
			}
			msg = tea.WindowSizeMsg{Width: w, Height: h}
		case n < 3:
			msg = tea.ColorProfileMsg{Profile: profiles[g.r.Intn(len(profiles))]}
		case n < 4:
			msg = tea.ModeReportMsg{Mode: ansi.ModeSynchronizedOutput, Value: ansi.ModeReset}
		case n < 5:
			msg = tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeSet}
		default:
			rows = g.mutate(rows, h)
			msg = setView{g.view(rows, w, h), rows}
		}
		log = append(log, fmt.Sprintf("%d: %T %q", step, msg, fmt.Sprint(msg)))
		for _, s := range sides {
			s.p.Send(msg)
			if _, ok := msg.(tea.ColorProfileMsg); ok {
				// Bubble Tea's renderer repaints only the cells that
				// change after a new profile; rowpaint repaints all.
				// Compare whole screens.
				s.p.Send(tea.ClearScreen())
			}
			s.settle(t)
		}
		if !equal(log, true) {
			return false
		}
	}
	for _, s := range sides {
		s.p.Quit()
		<-s.done
	}
	// Bubble Tea's renderer may flush its empty first view before the
	// program's first view arrives (a race of its ticker), hiding the
	// main screen's cursor before it enters the alternate screen: after
	// the end, only the cells are compared (TestCloseGivesTheTerminalBack
	// checks the cursor).
	return equal(append(log, "quit"), false)
}

// equalScreens compares the two sides' screens cell by cell, and the
// cursor, and reports the first difference.
func equalScreens(t *testing.T, sides []*side, log []string, cursor bool) bool {
	a, b := sides[0].scr, sides[1].scr
	a.mu.Lock()
	defer a.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	ea, eb := a.emu, b.emu
	for y := range ea.Height() {
		for x := range ea.Width() {
			ca, cb := norm(ea.CellAt(x, y)), norm(eb.CellAt(x, y))
			if ca.Content != cb.Content || ca.Width != cb.Width || !ca.Style.Equal(&cb.Style) || ca.Link != cb.Link {
				t.Errorf("%s: cell %d,%d: rowpaint %q %+v, Bubble Tea %q %+v\nsteps:\n%s\nrowpaint:\n%s\nBubble Tea:\n%s",
					sides[0].name, x, y, ca.Content, ca.Style, cb.Content, cb.Style, strings.Join(log, "\n"), ea.String(), eb.String())
				return false
			}
		}
	}
	if cursor && ea.CursorHidden() != eb.CursorHidden() || cursor && !ea.CursorHidden() && ea.CursorPosition() != eb.CursorPosition() {
		t.Errorf("%s: cursor: rowpaint hidden %v at %v, Bubble Tea hidden %v at %v\nsteps:\n%s\nrowpaint wrote, last: %q\nBubble Tea wrote, last: %q",
			sides[0].name, ea.CursorHidden(), ea.CursorPosition(), eb.CursorHidden(), eb.CursorPosition(), strings.Join(log, "\n"), tail(a.raw), tail(b.raw))
		return false
	}
	return true
}

func norm(c *uv.Cell) uv.Cell {
	if c == nil {
		return uv.EmptyCell
	}
	n := *c
	if n.Content == "" && n.Width == 1 {
		n.Content = " "
	}
	if n.Content == " " {
		// What does not show on a blank: Bubble Tea's renderer erases
		// blanks whose only style is a foreground colour, bold, faint,
		// italic or blink (canClearWith), rowpaint writes them.
		n.Style.Fg = nil
		n.Style.Attrs &^= uv.AttrBold | uv.AttrFaint | uv.AttrItalic | uv.AttrBlink | uv.AttrRapidBlink
	}
	return n
}

func tail(b []byte) []byte { return b[max(0, len(b)-800):] }
