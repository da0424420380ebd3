package rowpaint

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

func altView(s string) tea.View {
	v := tea.NewView(s)
	v.AltScreen = true
	return v
}

func numbered(n int, insertAt int, extra string) string {
	var rows []string
	for i := range n {
		if i == insertAt {
			rows = append(rows, extra)
		}
		rows = append(rows, fmt.Sprintf("\x1b[1mrow\x1b[m %02d of a list that is long enough to matter", i))
	}
	return strings.Join(rows, "\n")
}

func TestUnchangedViewWritesNothing(t *testing.T) {
	var out bytes.Buffer
	p := New(&out, Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
	v := altView(numbered(10, -1, ""))
	v.WindowTitle = "huddle"
	if err := p.Paint(v); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := p.Paint(v); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("the same view again wrote %q", out.String())
	}
}

// TestOnlyChangedRowsAreSent: one row changed, one row written, at its
// place, with autowrap off around it.
func TestOnlyChangedRowsAreSent(t *testing.T) {
	var out bytes.Buffer
	p := New(&out, Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
	rows := strings.Split(numbered(10, -1, ""), "\n")
	_ = p.Paint(altView(strings.Join(rows, "\n")))
	out.Reset()
	rows[6] = "changed"
	_ = p.Paint(altView(strings.Join(rows, "\n")))
	want := ansi.ResetModeAutoWrap + ansi.CursorPosition(1, 7) + "changed" + ansi.EraseLineRight + ansi.SetModeAutoWrap
	if out.String() != want {
		t.Errorf("wrote %q, want %q", out.String(), want)
	}
}

// TestInsertedRowScrolls: a row inserted into a list moves the rows
// below with a scroll region and insert line, and the screen equals a
// fresh paint of the new view.
func TestInsertedRowScrolls(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to string
		seq      string
	}{
		{"insert", numbered(20, -1, ""), numbered(20, 5, "a new topic"), ansi.InsertLine(1)},
		{"delete", numbered(20, 5, "a new topic"), numbered(20, -1, ""), ansi.DeleteLine(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu := vt.NewEmulator(80, 24)
			var out bytes.Buffer
			p := New(&out, Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
			_ = p.Paint(altView(tc.from))
			_, _ = emu.Write(out.Bytes())
			out.Reset()
			_ = p.Paint(altView(tc.to))
			if !strings.Contains(out.String(), tc.seq) || !strings.Contains(out.String(), ansi.SetTopBottomMargins(6, 21)) {
				t.Errorf("no scroll region and %q in %q", tc.seq, out.String())
			}
			if out.Len() > 200 {
				t.Errorf("%d bytes for one row", out.Len())
			}
			_, _ = emu.Write(out.Bytes())

			fresh := vt.NewEmulator(80, 24)
			var all bytes.Buffer
			_ = New(&all, Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256}).Paint(altView(tc.to))
			_, _ = fresh.Write(all.Bytes())
			if emu.Render() != fresh.Render() {
				t.Errorf("screen after the scroll:\n%s\nfresh:\n%s", emu.String(), fresh.String())
			}
		})
	}
}

// TestRowsAreShared: two participants showing the same rows hold the
// same encoded rows; their own rows differ.
func TestRowsAreShared(t *testing.T) {
	a := New(&bytes.Buffer{}, Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
	b := New(&bytes.Buffer{}, Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
	body := numbered(10, -1, "")
	_ = a.Paint(altView("header of alice\n" + body))
	_ = b.Paint(altView("header of bob\n" + body))
	if a.rows[0] == b.rows[0] {
		t.Error("the two headers share a row")
	}
	for y := 1; y < 24; y++ {
		if a.rows[y] != b.rows[y] {
			t.Errorf("row %d is encoded twice", y)
		}
	}
	c := New(&bytes.Buffer{}, Options{Width: 80, Height: 24, Profile: colorprofile.ANSI})
	_ = c.Paint(altView("header of bob\n" + body))
	if c.rows[1] == a.rows[1] {
		t.Error("a row is shared across colour profiles")
	}
}

// TestShiftedRowsAreKept: rows a list moved down or up by a line are
// the rows already shown, found near where they were, not encoded or
// looked up again (the cache emptied in between would lose them).
func TestShiftedRowsAreKept(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to string
		moved    func(y int) int // where the row now at y was shown, or -1
	}{
		{"insert", numbered(20, -1, ""), numbered(20, 5, "a new topic"), func(y int) int {
			switch {
			case y < 5:
				return y
			case y == 5:
				return -1
			default:
				return y - 1
			}
		}},
		{"delete", numbered(20, 5, "a new topic"), numbered(20, -1, ""), func(y int) int {
			if y < 5 {
				return y
			}
			return y + 1
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(&bytes.Buffer{}, Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
			_ = p.Paint(altView(tc.from))
			shown := slices.Clone(p.rows)
			cache.Purge()
			_ = p.Paint(altView(tc.to))
			for y := range 20 {
				if s := tc.moved(y); s >= 0 && p.rows[y] != shown[s] {
					t.Errorf("row %d (shown at %d) was encoded again", y, s)
				}
			}
		})
	}
}

// TestSynchronizedOutputOnceReported: updates are wrapped in mode 2026
// only once the terminal reported it.
func TestSynchronizedOutputOnceReported(t *testing.T) {
	var out bytes.Buffer
	p := New(&out, Options{Width: 40, Height: 10, Profile: colorprofile.ANSI256})
	m := Wrap(&frameModel{v: altView("one")}, p)
	m.View()
	if strings.Contains(out.String(), ansi.SetModeSynchronizedOutput) {
		t.Errorf("synchronized output before the terminal said it has it: %q", out.String())
	}
	m.Update(tea.ModeReportMsg{Mode: ansi.ModeSynchronizedOutput, Value: ansi.ModeReset})
	m.Update(setView{v: altView("two")})
	out.Reset()
	m.View()
	s := out.String()
	if !strings.HasPrefix(s, ansi.SetModeSynchronizedOutput) || !strings.HasSuffix(s, ansi.ResetModeSynchronizedOutput) {
		t.Errorf("update not in synchronized output: %q", s)
	}
}

// TestCloseGivesTheTerminalBack: after Close, the terminal is out of the
// alternate screen with its cursor shown and its modes and title reset,
// as Bubble Tea leaves it.
func TestCloseGivesTheTerminalBack(t *testing.T) {
	var out bytes.Buffer
	p := New(&out, Options{Width: 40, Height: 10, Profile: colorprofile.ANSI256})
	p.SetWidthMethod(ansi.GraphemeWidth)
	v := altView("a screen")
	v.WindowTitle = "huddle"
	v.MouseMode = tea.MouseModeCellMotion
	v.ReportFocus = true
	_ = p.Paint(v)
	emu := vt.NewEmulator(40, 10)
	_, _ = emu.Write([]byte("shell prompt$ "))
	_, _ = emu.Write(out.Bytes())
	if !emu.CursorHidden() || strings.Contains(emu.String(), "shell") {
		t.Fatalf("not painted in the alternate screen with the cursor hidden:\n%s", emu.String())
	}
	out.Reset()
	_ = p.Close()
	s := out.String()
	_, _ = emu.Write(out.Bytes())
	if emu.CursorHidden() || !strings.Contains(emu.String(), "shell prompt$") {
		t.Errorf("after Close: cursor hidden %v, screen:\n%s", emu.CursorHidden(), emu.String())
	}
	for _, seq := range []string{ansi.ResetModeAltScreenSaveCursor, ansi.ResetModeBracketedPaste, ansi.ResetModeFocusEvent,
		ansi.ResetModeMouseButtonEvent, ansi.SetWindowTitle(""), ansi.ResetModeUnicodeCore} {
		if !strings.Contains(s, seq) {
			t.Errorf("Close wrote no %q: %q", seq, s)
		}
	}
	out.Reset()
	_ = p.Paint(altView("after"))
	_ = p.Close()
	if out.Len() != 0 {
		t.Errorf("wrote after Close: %q", out.String())
	}
}

// TestFilterWritesTheBellAtOnce: raw output is written by the filter and
// not passed on to Bubble Tea's queue.
func TestFilterWritesTheBellAtOnce(t *testing.T) {
	var out bytes.Buffer
	m := Wrap(&frameModel{}, New(&out, Options{Width: 40, Height: 10}))
	f := m.Filter(nil)
	if got := f(m, tea.RawMsg{Msg: "\a"}); got != nil {
		t.Errorf("raw output passed on: %v", got)
	}
	if out.String() != "\a" {
		t.Errorf("wrote %q", out.String())
	}
	if got := f(m, tea.KeyPressMsg{Code: 'q'}); got == nil {
		t.Error("a key was dropped")
	}
}

// TestCacheIsBoundedInBytes: rows as wide as a client may claim do not
// grow the cache past its bytes.
func TestCacheIsBoundedInBytes(t *testing.T) {
	long := strings.Repeat("x", 8000) // cut to the width, but held whole as the key
	for i := range 2500 {
		encoded(rowKey{text: fmt.Sprint(i) + long, profile: colorprofile.TrueColor, width: 10})
	}
	if held := cacheHeld.Load(); held > cacheBytes || held <= 0 {
		t.Errorf("the cache holds %d bytes, bound %d", held, cacheBytes)
	}
	if cache.Len() >= 2500 {
		t.Errorf("%d rows cached", cache.Len())
	}
}

// bufferModel draws its frames into the caller's buffer (a Framer), and
// scribbles over the buffer once the frame is painted, as its next
// frame would.
type bufferModel struct {
	frameModel
	last []byte
}

func (m *bufferModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.frameModel.Update(msg)
	return m, cmd
}

func (m *bufferModel) ViewInto(b []byte) (tea.View, []byte) {
	if m.last != nil {
		for i := range m.last {
			m.last[i] = '#'
		}
	}
	b = append(b[:0], m.v.Content...)
	v := m.v
	v.Content = unsafe.String(unsafe.SliceData(b), len(b))
	m.last = b
	return v, b
}

// TestFramerBufferIsNotKept: a model that draws into a reused buffer is
// painted as one that makes a string per frame, and no row the Painter
// shows or the cache holds points into the buffer.
func TestFramerBufferIsNotKept(t *testing.T) {
	frames := []string{numbered(20, -1, ""), numbered(20, 5, "a new topic"), numbered(20, -1, ""),
		"\x1b[31mred runs on\nto the next row\x1b[m and a \x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ 日本語 ✓"}
	var viaBuf, viaString bytes.Buffer
	bm := &bufferModel{}
	a := Wrap(bm, New(&viaBuf, Options{Width: 40, Height: 24, Profile: colorprofile.ANSI256}))
	b := Wrap(&frameModel{}, New(&viaString, Options{Width: 40, Height: 24, Profile: colorprofile.ANSI256}))
	inBuf := func(s string) bool {
		if len(bm.last) == 0 || len(s) == 0 {
			return false
		}
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(bm.last)))
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return p >= lo && p < lo+uintptr(cap(bm.last))
	}
	for i, f := range frames {
		a.Update(setView{v: altView(f)})
		b.Update(setView{v: altView(f)})
		viaBuf.Reset()
		viaString.Reset()
		a.View()
		b.View()
		if viaBuf.String() != viaString.String() {
			t.Errorf("frame %d painted from the buffer as %q, from a string as %q", i, viaBuf.String(), viaString.String())
		}
		for y, r := range a.p.rows {
			if inBuf(r.key.text) || inBuf(r.key.start) || inBuf(r.end) {
				t.Errorf("frame %d: row %d points into the frame's buffer", i, y)
			}
		}
		for _, k := range cache.Keys() {
			if inBuf(k.text) || inBuf(k.start) {
				t.Fatalf("frame %d: the cache holds a key in the frame's buffer: %q", i, k.text)
			}
		}
	}
	if bm.last == nil {
		t.Fatal("the model was never asked to draw into a buffer")
	}
}

// cup and stbm write what ansi's functions make, byte for byte.
func TestCSIAsAnsiMakesThem(t *testing.T) {
	for _, a := range []int{-1, 0, 1, 2, 9, 10, 99, 100, 4095} {
		for _, c := range []int{-1, 0, 1, 2, 9, 10, 99, 100, 4095} {
			var b bytes.Buffer
			cup(&b, a, c)
			if want := ansi.CursorPosition(a, c); b.String() != want {
				t.Errorf("cup(%d, %d) = %q, want %q", a, c, b.String(), want)
			}
			b.Reset()
			stbm(&b, a, c)
			if want := ansi.SetTopBottomMargins(a, c); b.String() != want {
				t.Errorf("stbm(%d, %d) = %q, want %q", a, c, b.String(), want)
			}
		}
	}
}
