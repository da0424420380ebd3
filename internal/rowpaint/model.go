package rowpaint

import (
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Model wraps a program's model for a program run with
// tea.WithoutRenderer(): Bubble Tea still calls View after every update
// (and once before the first), delivers WindowSizeMsg, ColorProfileMsg
// and the terminal's mode reports to the model, and writes nothing of the
// view; the wrapper paints each view with its Painter and gives Bubble
// Tea an empty one.
type Model struct {
	inner tea.Model
	p     *Painter
	buf   []byte   // the frame, for a Framer
	rows  []string // the frame's rows, for a RowFramer
}

// A Framer is a model that can draw its view into a buffer of the
// caller's, reused from view to view, as an allocation-free View: it
// appends the view's content to b[:0] and returns the view, whose Content
// is the returned buffer's bytes, and the buffer. The Painter keeps no
// byte of a view's content (a row it keeps is copied), so the buffer is
// free again once the view is painted.
type Framer interface {
	ViewInto(b []byte) (tea.View, []byte)
}

// A RowFramer is a model that can give its view as rows: strings it
// never changes, such as ones drawn once and shared by many programs, so
// that the Painter compares a row shown again by identity and nothing is
// copied. It appends the rows to rows[:0] and returns the view (its
// Content is not read) and the rows; ok false: this view is not
// available as rows, and the model's Framer or View is used.
type RowFramer interface {
	ViewRows(rows []string) (v tea.View, _ []string, ok bool)
}

// Wrap returns m painted by p.
func Wrap(m tea.Model, p *Painter) *Model { return &Model{inner: m, p: p} }

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return m.inner.Init() }

// Update implements tea.Model: it passes what the renderer would have
// taken to the Painter, then the message to the wrapped model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var extra tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.p.Resize(msg.Width, msg.Height)
	case tea.ColorProfileMsg:
		m.p.SetProfile(msg.Profile)
	case tea.ModeReportMsg:
		switch msg.Mode {
		case ansi.ModeSynchronizedOutput:
			if msg.Value == ansi.ModeReset {
				m.p.SetSyncd(true)
			}
		case ansi.ModeUnicodeCore:
			if msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet || msg.Value == ansi.ModePermanentlySet {
				m.p.SetWidthMethod(ansi.GraphemeWidth)
			}
		}
	case tea.MouseClickMsg, tea.MouseReleaseMsg, tea.MouseWheelMsg, tea.MouseMotionMsg:
		if on := m.p.OnMouse(); on != nil {
			extra = on(msg.(tea.MouseMsg))
		}
	}
	if msg == tea.ClearScreen() {
		m.p.ClearScreen()
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	if extra != nil {
		cmd = tea.Batch(cmd, extra)
	}
	return m, cmd
}

// View implements tea.Model: it paints the wrapped model's view.
func (m *Model) View() tea.View {
	if f, ok := m.inner.(RowFramer); ok {
		v, rows, ok := f.ViewRows(m.rows[:0])
		m.rows = rows
		if ok {
			_ = m.p.PaintRows(v, rows)
			return tea.View{}
		}
	}
	var v tea.View
	if f, ok := m.inner.(Framer); ok {
		v, m.buf = f.ViewInto(m.buf)
	} else {
		v = m.inner.View()
	}
	_ = m.p.Paint(v) // a failed write is the output's to report (see sshserver's failWriter)
	return tea.View{}
}

// Inner is the wrapped model.
func (m *Model) Inner() tea.Model { return m.inner }

// Filter returns a filter for tea.WithFilter that writes raw output
// (tea.Raw: the bell) through the Painter at once, before passing other
// messages to next (if not nil). Bubble Tea would queue it for its
// frame ticker; with the bell written here, a program painted by rowpaint
// can run with tea.WithFPS(1): its ticker then only flushes output that
// such a program never queues (clipboard, queries it cannot read).
func (m *Model) Filter(next func(tea.Model, tea.Msg) tea.Msg) func(tea.Model, tea.Msg) tea.Msg {
	return func(model tea.Model, msg tea.Msg) tea.Msg {
		if raw, ok := msg.(tea.RawMsg); ok {
			_, _ = io.WriteString(m.p, fmt.Sprint(raw.Msg))
			return nil
		}
		if next != nil {
			return next(model, msg)
		}
		return msg
	}
}
