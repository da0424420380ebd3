// Package rowpaint paints a Bubble Tea program's views on a terminal by
// rows instead of cells, for the SSH path where one process draws the
// screens of hundreds of participants.
//
// Bubble Tea's renderer parses every frame of every program into cells
// and diffs the cells against the terminal's: per participant, per
// change. A Painter splits the view into rows and sends only the rows
// that changed, each as an absolute cursor move and the row's encoded
// bytes (styles downsampled to the client's colour profile, clipped to
// the width, then an erase to the end of the line), with autowrap off
// while it paints. A row is encoded once for the whole process: a
// bounded cache keyed by (row text, style in force, profile, width, width
// method) holds the bytes, and every participant whose screen shows the
// row reuses them; a Painter keeps only references to the rows it shows.
// Rows that shifted within a block (a topic inserted into a list) move
// with a scroll region and insert or delete line when that sends fewer
// bytes than repainting them. A model may draw its frame into the
// painter's buffer (Framer) instead of making a new string per view, or
// give it as rows it never changes (RowFramer, PaintRows), such as rows
// many programs share: then nothing is copied, and a row shown again as
// the very same string is known to be unchanged without comparing it.
//
// Everything else a tea.View asks for is written as Bubble Tea v2.1.1's
// renderer writes it (the alternate screen, the cursor, bracketed paste,
// focus and mouse reports, keyboard enhancements, the window title,
// terminal colours, progress bar and program status), and Close gives the
// terminal back as that renderer does when a program ends.
//
// Synchronized output (mode 2026) is used once the terminal said it has
// it: the program's owner asks (DECRQM) and the reply reaches the model
// as a tea.ModeReportMsg, exactly the test Bubble Tea makes; a terminal
// that does not answer never gets the mode. A reply for mode 2027
// (Unicode core) switches widths to graphemes, as in Bubble Tea.
//
// Views are painted in the alternate screen (huddle's always are). A
// view without AltScreen is painted the same way from the top of the
// main screen: the inline mode of Bubble Tea, which keeps the frame's
// own height and scrolls, is not reproduced.
package rowpaint

import (
	"bytes"
	"image/color"
	"io"
	"strconv"
	"strings"
	"unsafe"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// Options are what a Painter knows of the terminal before the program's
// first messages.
type Options struct {
	Width, Height int
	Profile       colorprofile.Profile
	// Keyboard asks the terminal for keyboard enhancements (kitty
	// keyboard protocol, modifyOtherKeys) as the view says, as Bubble
	// Tea does for a program that reads input. Bubble Tea writes none
	// when the program has no input of its own (tea.WithInput(nil)).
	Keyboard bool
}

// Painter paints one participant's views. It is used from one goroutine
// (the program's event loop, through Wrap), then closed.
type Painter struct {
	w             io.Writer
	width, height int
	profile       colorprofile.Profile
	method        ansi.Method
	keyboard      bool
	syncd         bool

	rows []*row // what the terminal shows, one per screen row
	// texts are the strings the rows were painted from, where they came
	// from PaintRows (kept: never changed), else "": the same string
	// again is the same row without comparing its bytes.
	texts    []string
	split    []string  // Paint's rows, cut from the view's content
	last     *tea.View // the last view painted, without its content: nil or &lastView
	lastView tea.View
	full     bool // the next paint erases and repaints every row
	closed   bool
	out      bytes.Buffer // the frame under way
	updates  bytes.Buffer // its updates, inside synchronized output
	body     bytes.Buffer // its rows
	next     []*row
	nextText []string
}

// New returns a Painter that writes to w.
func New(w io.Writer, o Options) *Painter {
	return &Painter{w: w, width: max(o.Width, 1), height: max(o.Height, 1), profile: o.Profile,
		method: ansi.WcWidth, keyboard: o.Keyboard, full: true}
}

// Resize takes the terminal's new size: the next paint is a full one.
func (p *Painter) Resize(width, height int) {
	p.width, p.height = max(width, 1), max(height, 1)
	p.full = true
}

// SetProfile takes the client's colour profile: rows are encoded anew.
func (p *Painter) SetProfile(pr colorprofile.Profile) {
	if pr != p.profile {
		p.profile = pr
		p.full = true
	}
}

// SetSyncd turns synchronized output on or off.
func (p *Painter) SetSyncd(on bool) { p.syncd = on }

// SetWidthMethod sets how wide graphemes are; GraphemeWidth turns on the
// terminal's Unicode core mode (2027), as Bubble Tea does.
func (p *Painter) SetWidthMethod(m ansi.Method) {
	if m == p.method {
		return
	}
	if m == ansi.GraphemeWidth {
		p.updates.WriteString(ansi.SetModeUnicodeCore)
	} else if p.method == ansi.GraphemeWidth {
		p.updates.WriteString(ansi.ResetModeUnicodeCore)
	}
	p.method = m
	p.full = true
}

// ClearScreen makes the next paint a full one (tea.ClearScreen).
func (p *Painter) ClearScreen() { p.full = true }

// OnMouse is the mouse handler of the last view painted, if any.
func (p *Painter) OnMouse() func(tea.MouseMsg) tea.Cmd {
	if p.last == nil {
		return nil
	}
	return p.last.OnMouse
}

// Write passes bytes to the terminal between frames (tea.Raw: the bell).
func (p *Painter) Write(b []byte) (int, error) {
	if p.closed {
		return 0, io.ErrClosedPipe
	}
	return p.w.Write(b)
}

// Paint shows the view: the rows that changed, and the modes the view
// asks for that differ from the last view's.
func (p *Painter) Paint(v tea.View) error {
	if p.closed {
		return nil
	}
	rows := p.split[:0]
	if c := v.Content; c != "" { // an empty view shows no row at all
		for i := 0; i < p.height; i++ {
			j := strings.IndexByte(c, '\n')
			if j < 0 {
				rows = append(rows, c)
				break
			}
			rows, c = append(rows, c[:j]), c[j+1:]
		}
	}
	p.split = rows
	err := p.paint(v, rows, false)
	clear(rows) // no hold on the view's content
	return err
}

// PaintRows is Paint for a view given as its rows, strings the caller
// never changes (no view of a reused buffer): the view's own Content is
// not read. A row shown again as the very same string is known to be
// the same without comparing its bytes; the painter holds the strings
// of the rows on screen until they change.
func (p *Painter) PaintRows(v tea.View, rows []string) error {
	if p.closed {
		return nil
	}
	return p.paint(v, rows, true)
}

// paint shows the view with the given rows (see Paint and PaintRows).
func (p *Painter) paint(v tea.View, rows []string, kept bool) error {
	lv := p.last
	altChange := (lv == nil && v.AltScreen) || (lv != nil && lv.AltScreen != v.AltScreen)
	if altChange {
		p.full = true
	}
	u := &p.updates
	p.modes(lv, &v)
	p.rowUpdates(rows, kept)
	if c := v.Cursor; c != nil && (u.Len() > 0 || altChange || lv == nil || lv.Cursor == nil || lv.Cursor.Position != c.Position) {
		x, y := c.X, c.Y
		// Past the edge of a view with any text: where the cursor would
		// wrap to, as Bubble Tea's renderer puts it (with no row shown,
		// the terminal stops it at the edge).
		if x >= p.width && (len(rows) > 1 || len(rows) == 1 && rows[0] != "") {
			y += x / p.width
			x %= p.width
		}
		cup(u, x+1, y+1)
	}
	hasUpdates := u.Len() > 0
	didShow := lv != nil && lv.Cursor != nil
	show := v.Cursor != nil
	visChange := lv == nil || didShow != show || altChange

	o := &p.out
	o.Reset()
	if altChange {
		if p.keyboard {
			o.WriteString(ansi.ResetModifyOtherKeys)
			if lv != nil {
				o.WriteString(ansi.PopKittyKeyboard(1))
			}
		}
		if v.AltScreen {
			o.WriteString(ansi.SetModeAltScreenSaveCursor)
		} else {
			o.WriteString(ansi.ResetModeAltScreenSaveCursor)
		}
	}
	if p.syncd {
		if hasUpdates {
			o.WriteString(ansi.SetModeSynchronizedOutput)
		}
		if visChange && !show {
			o.WriteString(ansi.ResetModeTextCursorEnable)
		}
	} else if (visChange && !show) || (hasUpdates && show && didShow) {
		o.WriteString(ansi.ResetModeTextCursorEnable)
	}
	o.Write(u.Bytes())
	if p.syncd {
		if visChange && show {
			o.WriteString(ansi.SetModeTextCursorEnable)
		}
		if hasUpdates {
			o.WriteString(ansi.ResetModeSynchronizedOutput)
		}
	} else if (visChange && show) || (hasUpdates && show && didShow) {
		o.WriteString(ansi.SetModeTextCursorEnable)
	}
	u.Reset()
	v.Content = "" // the rows hold what is on screen
	p.lastView = v
	p.last = &p.lastView
	if o.Len() == 0 {
		return nil
	}
	_, err := p.w.Write(o.Bytes())
	return err
}

// rowUpdates compares the view's rows with the terminal's and writes
// what changed to p.updates. Rows past the screen's height are not
// shown; kept says the rows are strings nobody changes (PaintRows).
func (p *Painter) rowUpdates(rows []string, kept bool) {
	h := p.height
	next, texts := p.next[:0], p.nextText[:0]
	start := ""
	shift := 0 // how far the last row moved from where it was shown
	for y := range h {
		k := rowKey{profile: p.profile, width: p.width, method: p.method} // past the view's rows: an erased line
		if y < len(rows) {
			k.start, k.text = start, strings.TrimSuffix(rows[y], "\r") // "\r\n" is a newline
		}
		r := p.lookup(y, k, kept, &shift)
		next = append(next, r)
		if kept {
			texts = append(texts, k.text)
		} else {
			texts = append(texts, "")
		}
		if y < len(rows) {
			start = r.end
		}
	}
	u := &p.updates
	body := &p.body
	body.Reset()
	if p.full {
		body.WriteString(ansi.ResetStyle + ansi.CursorHomePosition + ansi.EraseEntireScreen)
		for y, r := range next {
			if !r.blank {
				cup(body, 1, y+1)
				body.Write(r.enc)
			}
		}
		p.full = false
	} else {
		p.diff(body, next)
	}
	if body.Len() > 0 {
		u.WriteString(ansi.ResetModeAutoWrap)
		u.Write(body.Bytes())
		u.WriteString(ansi.SetModeAutoWrap)
	}
	p.next, p.nextText = p.rows[:0], p.texts[:0]
	p.rows, p.texts = next, texts
}

// lookup is the row for key k at screen row y: one shown on the screen
// now at y or near it (a list that grew by a line moves its rows by one:
// they are found where the row above was found, without the cache's
// hashing and lock), else from the cache. shift is where the last row
// was found, from y, and is moved to where this one is. With kept, a
// row painted from the very same string is the same row at a glance.
func (p *Painter) lookup(y int, k rowKey, kept bool, shift *int) *row {
	old, texts := p.rows, p.texts
	if p.full || len(old) == 0 {
		return encoded(k)
	}
	at := func(s int) bool {
		if s < 0 || s >= len(old) {
			return false
		}
		o := &old[s].key
		if kept && sameString(texts[s], k.text) {
			return o.start == k.start && o.profile == k.profile && o.width == k.width && o.method == k.method
		}
		return *o == k
	}
	if at(y) {
		*shift = 0
		return old[y]
	}
	if s := y - *shift; *shift != 0 && at(s) {
		return old[s]
	}
	for d := 1; d <= maxShift; d++ {
		if at(y - d) {
			*shift = d
			return old[y-d]
		}
		if at(y + d) {
			*shift = -d
			return old[y+d]
		}
	}
	return encoded(k)
}

// sameString reports whether a and b are one string: the same bytes in
// memory (so the same text), not merely equal ones. "" is never kept.
func sameString(a, b string) bool {
	return len(a) == len(b) && len(a) > 0 && unsafe.StringData(a) == unsafe.StringData(b)
}

// maxShift is the farthest a block of rows is moved by a scroll region,
// and looked for by lookup.
const maxShift = 8

// diff writes the rows of next that differ from p.rows, moving a block
// of shifted rows with a scroll region when that is cheaper.
func (p *Painter) diff(b *bytes.Buffer, next []*row) {
	old := p.rows
	a, z := -1, -1
	for y := range next {
		if !same(old[y], next[y]) {
			if a < 0 {
				a = y
			}
			z = y
		}
	}
	if a < 0 {
		return
	}
	paintCost := func(r *row) int { return len(r.enc) + 8 }
	bestK, best := 0, 0
	for y := a; y <= z; y++ {
		if !same(old[y], next[y]) {
			best += paintCost(next[y])
		}
	}
	// Shifts: k > 0 inserts k lines at a (rows move down), k < 0 deletes.
	span := z - a
	for k := -min(maxShift, span); k <= min(maxShift, span); k++ {
		if k == 0 {
			continue
		}
		cost := 24 // margins, a move, the insert or delete, margins reset
		for y := a; y <= z && cost < best; y++ {
			src := y - k
			if src >= a && src <= z && same(old[src], next[y]) {
				continue
			}
			if (src < a || src > z) && next[y].blank {
				continue // an inserted or uncovered line is blank
			}
			cost += paintCost(next[y])
		}
		if cost < best {
			bestK, best = k, cost
		}
	}
	shifted := func(y int) *row { return old[y] }
	if k := bestK; k != 0 {
		stbm(b, a+1, z+1)
		cup(b, 1, a+1)
		if k > 0 {
			b.WriteString(ansi.InsertLine(k))
		} else {
			b.WriteString(ansi.DeleteLine(-k))
		}
		stbm(b, 0, 0) // the whole screen again
		shifted = func(y int) *row {
			if src := y - k; src >= a && src <= z {
				return old[src]
			}
			return nil
		}
	}
	for y := a; y <= z; y++ {
		if s := shifted(y); s != nil && same(s, next[y]) || s == nil && next[y].blank {
			continue
		}
		cup(b, 1, y+1)
		b.Write(next[y].enc)
	}
}

// modes writes the changes of the view's modes, as Bubble Tea's renderer
// does, in its order.
func (p *Painter) modes(lv, v *tea.View) {
	u := &p.updates
	if lv == nil || v.DisableBracketedPasteMode != lv.DisableBracketedPasteMode {
		if !v.DisableBracketedPasteMode {
			u.WriteString(ansi.SetModeBracketedPaste)
		} else if lv != nil {
			u.WriteString(ansi.ResetModeBracketedPaste)
		}
	}
	if lv == nil || lv.ReportFocus != v.ReportFocus {
		if v.ReportFocus {
			u.WriteString(ansi.SetModeFocusEvent)
		} else if lv != nil {
			u.WriteString(ansi.ResetModeFocusEvent)
		}
	}
	if lv == nil || v.MouseMode != lv.MouseMode {
		switch v.MouseMode {
		case tea.MouseModeNone:
			if lv != nil && lv.MouseMode != tea.MouseModeNone {
				u.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
			}
		case tea.MouseModeCellMotion:
			if lv != nil && lv.MouseMode == tea.MouseModeAllMotion {
				u.WriteString(ansi.ResetModeMouseAnyEvent)
			}
			u.WriteString(ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr)
		case tea.MouseModeAllMotion:
			if lv != nil && lv.MouseMode == tea.MouseModeCellMotion {
				u.WriteString(ansi.ResetModeMouseButtonEvent)
			}
			u.WriteString(ansi.SetModeMouseAnyEvent + ansi.SetModeMouseExtSgr)
		}
	}
	if lv == nil || v.WindowTitle != lv.WindowTitle {
		if lv != nil || v.WindowTitle != "" {
			u.WriteString(ansi.SetWindowTitle(v.WindowTitle))
		}
	}
	if p.keyboard && (lv == nil || v.KeyboardEnhancements != lv.KeyboardEnhancements || v.AltScreen != lv.AltScreen) {
		u.WriteString(ansi.SetModifyOtherKeys2)
		flags := keyboardFlags(v.KeyboardEnhancements)
		if lv == nil || v.AltScreen != lv.AltScreen {
			u.WriteString(ansi.PushKittyKeyboard(flags))
		} else {
			u.WriteString(ansi.KittyKeyboard(flags, 1))
		}
		u.WriteString(ansi.RequestKittyKeyboard)
	}
	var cc, lcc, lfg, lbg color.Color
	if v.Cursor != nil {
		cc = v.Cursor.Color
	}
	if lv != nil {
		if lv.Cursor != nil {
			lcc = lv.Cursor.Color
		}
		lfg, lbg = lv.ForegroundColor, lv.BackgroundColor
	}
	for _, c := range [...]struct {
		now, was color.Color
		reset    string
		set      func(string) string
	}{
		{cc, lcc, ansi.ResetCursorColor, ansi.SetCursorColor},
		{v.ForegroundColor, lfg, ansi.ResetForegroundColor, ansi.SetForegroundColor},
		{v.BackgroundColor, lbg, ansi.ResetBackgroundColor, ansi.SetBackgroundColor},
	} {
		if c.now != c.was {
			if c.now == nil {
				u.WriteString(c.reset)
			} else if hex, ok := hexOf(c.now); ok {
				u.WriteString(c.set(hex))
			}
		}
	}
	var cs, ls int
	if v.Cursor != nil {
		cs = cursorStyle(v.Cursor.Shape, v.Cursor.Blink)
	}
	if lv != nil && lv.Cursor != nil {
		ls = cursorStyle(lv.Cursor.Shape, lv.Cursor.Blink)
	}
	if cs != ls {
		u.WriteString(ansi.SetCursorStyle(cs))
	}
	var lpb *tea.ProgressBar
	if lv != nil {
		lpb = lv.ProgressBar
	}
	if (lv == nil && v.ProgressBar != nil && v.ProgressBar.State != tea.ProgressBarNone) ||
		(lv != nil && (lpb == nil) != (v.ProgressBar == nil)) ||
		(lpb != nil && v.ProgressBar != nil && *lpb != *v.ProgressBar) {
		u.WriteString(progressBar(v.ProgressBar))
	}
	var lps *tea.ProgramStatus
	if lv != nil {
		lps = lv.ProgramStatus
	}
	if !statusEqual(lps, v.ProgramStatus) {
		if lps != nil && (v.ProgramStatus == nil || v.ProgramStatus.ID != lps.ID) {
			u.WriteString(ansi.ClearProgramStatusID(lps.ID))
		}
		if v.ProgramStatus != nil {
			u.WriteString(ansi.SetProgramStatus(*v.ProgramStatus))
		}
	}
}

// Close gives the terminal back as Bubble Tea's renderer does when its
// program ends: out of the alternate screen, the cursor shown, the modes
// the last view turned on turned off, the title and colours reset. It
// paints nothing after.
func (p *Painter) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	var b strings.Builder
	if lv := p.last; lv != nil {
		if p.keyboard {
			b.WriteString(ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1))
		}
		b.WriteString(ansi.CursorPosition(1, p.height))
		if lv.AltScreen {
			b.WriteString(ansi.ResetModeAltScreenSaveCursor)
		} else {
			b.WriteString(ansi.EraseScreenBelow)
		}
		if lv.Cursor == nil {
			b.WriteString(ansi.SetModeTextCursorEnable)
		}
		if !lv.DisableBracketedPasteMode {
			b.WriteString(ansi.ResetModeBracketedPaste)
		}
		if lv.ReportFocus {
			b.WriteString(ansi.ResetModeFocusEvent)
		}
		if lv.MouseMode != tea.MouseModeNone {
			b.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
		}
		if lv.WindowTitle != "" {
			b.WriteString(ansi.SetWindowTitle(""))
		}
		if lc := lv.Cursor; lc != nil {
			if s := cursorStyle(lc.Shape, lc.Blink); s != 0 && s != 1 {
				b.WriteString(ansi.SetCursorStyle(0))
			}
			if lc.Color != nil {
				b.WriteString(ansi.ResetCursorColor)
			}
		}
		if lv.BackgroundColor != nil {
			b.WriteString(ansi.ResetBackgroundColor)
		}
		if lv.ForegroundColor != nil {
			b.WriteString(ansi.ResetForegroundColor)
		}
		if lv.ProgressBar != nil && lv.ProgressBar.State != tea.ProgressBarNone {
			b.WriteString(ansi.ResetProgressBar)
		}
	}
	if p.method == ansi.GraphemeWidth {
		b.WriteString(ansi.ResetModeUnicodeCore)
	}
	p.rows, p.next = nil, nil
	if b.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(p.w, b.String())
	return err
}

func keyboardFlags(ke tea.KeyboardEnhancements) int {
	flags := 1
	if ke.ReportEventTypes {
		flags |= ansi.KittyReportEventTypes
	}
	if ke.ReportAlternateKeys {
		flags |= ansi.KittyReportAlternateKeys
	}
	if ke.ReportAllKeysAsEscapeCodes {
		flags |= ansi.KittyReportAllKeysAsEscapeCodes
	}
	if ke.ReportAssociatedText {
		flags |= ansi.KittyReportAssociatedKeys
	}
	return flags
}

func cursorStyle(shape tea.CursorShape, blink bool) int {
	s := int(shape)*2 + 1
	if !blink {
		s++
	}
	return s
}

func progressBar(pb *tea.ProgressBar) string {
	if pb == nil {
		return ansi.ResetProgressBar
	}
	switch pb.State {
	case tea.ProgressBarNone:
		return ansi.ResetProgressBar
	case tea.ProgressBarDefault:
		return ansi.SetProgressBar(pb.Value)
	case tea.ProgressBarError:
		return ansi.SetErrorProgressBar(pb.Value)
	case tea.ProgressBarIndeterminate:
		return ansi.SetIndeterminateProgressBar
	case tea.ProgressBarWarning:
		return ansi.SetWarningProgressBar(pb.Value)
	}
	return ""
}

func statusEqual(a, b *tea.ProgramStatus) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// hexOf is the colour as go-colorful's Hex, which Bubble Tea uses: the
// components divided by alpha, rounded; a transparent colour has none.
func hexOf(c color.Color) (string, bool) {
	r, g, b, a := c.RGBA()
	if a == 0 {
		return "", false
	}
	h := func(v uint32) string {
		x := int(float64(v)/float64(a)*255 + 0.5)
		s := strconv.FormatInt(int64(x), 16)
		if len(s) < 2 {
			s = "0" + s
		}
		return s
	}
	return "#" + h(r) + h(g) + h(b), true
}
