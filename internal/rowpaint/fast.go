package rowpaint

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// The fast path of encode takes a row only when it is sure to draw the
// same cells as ultraviolet's StyledString in a screen buffer: every
// character is one of fastRunes (one column wide and a grapheme of its
// own under both width methods, so a cell of its own), every escape
// sequence is an SGR (ESC [ digits, ';' and ':' m), read with the
// parser and ultraviolet's ReadStyle exactly as StyledString reads it.
// Anything else (controls, OSC 8 and other sequences, wide characters,
// combining marks, variation selectors, invalid UTF-8) is left to
// encodeSlow.

// fastRanges are the characters above ASCII the fast path takes: Latin-1
// and Latin Extended-A, the Greek letters, general punctuation without
// the zero-width, bidi and separator characters, the euro sign, arrows,
// mathematical operators, box drawing, block elements, geometric shapes,
// and a few symbols huddle draws (⚐ ⚑ ✓ ✗). Characters that may take an
// emoji presentation (‼ ⁉ ↔–↙ ↩ ↪ ▪ ▫ ▶ ◀ ◻–◾ and most of U+2600–U+27BF)
// are left out; so is the soft hyphen. TestFastRunes checks that each
// is one column and one grapheme under both methods.
var fastRanges = [...][2]rune{
	{0x00a0, 0x00ac}, {0x00ae, 0x017f},
	{0x0391, 0x03a1}, {0x03a3, 0x03a9}, {0x03b1, 0x03c9},
	{0x2010, 0x2027}, {0x2030, 0x203b}, {0x203d, 0x2048}, {0x204a, 0x205e},
	{0x20ac, 0x20ac},
	{0x2190, 0x2193}, {0x219a, 0x21a8}, {0x21ab, 0x21ff},
	{0x2200, 0x22ff},
	{0x2500, 0x259f},
	{0x25a0, 0x25a9}, {0x25ac, 0x25b5}, {0x25b7, 0x25bf}, {0x25c1, 0x25fa},
	{0x2690, 0x2691},
	{0x2713, 0x2713}, {0x2717, 0x2717},
}

// fastRuneMax bounds fastRunes: no character above it is taken.
const fastRuneMax = 0x2800

// fastRunes has a bit set for each character of fastRanges.
var fastRunes = func() (set [fastRuneMax / 64]uint64) {
	for _, rg := range fastRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return set
}()

// fastRune reports whether the fast path takes a character above ASCII.
func fastRune(r rune) bool {
	return r >= 0 && r < fastRuneMax && fastRunes[r/64]&(1<<(r%64)) != 0
}

// fastBufs holds the buffers the fast path writes a row into before
// copying it out at its size.
var fastBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// fastEnc is the state of one fast encoding: the cells drawn so far and
// the bytes written for them.
type fastEnc struct {
	b       []byte
	profile colorprofile.Profile
	width   int
	p       *ansi.Parser

	style uv.Style // the style in force, as read from the row
	ver   int      // counts the SGRs read: which style is in force

	conv    uv.Style // style converted to the profile,
	convVer int      // for style number convVer

	pen    uv.Style // the style the written cells leave on the terminal,
	penVer int      // equal to the converted style number penVer

	x      int // the next column
	last   int // the last column that is not an empty cell; -1 for none
	spaces int // empty cells since last, written only if a cell follows
}

// emptyVer is the number of the zero style of an empty cell.
const emptyVer = -1

// encodeFast returns the row encodeSlow would make, or nil when the row
// is not one the fast path takes.
func encodeFast(k rowKey) *row {
	if k.width <= 0 {
		return nil
	}
	bp := fastBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 { // not the buffer of a freak width
			fastBufs.Put(bp)
		}
	}()
	e := fastEnc{
		b:       (*bp)[:0],
		profile: k.profile,
		width:   k.width,
		convVer: -2,
		penVer:  emptyVer, // the pen starts reset, as an empty cell leaves it
		last:    -1,
	}
	defer func() {
		if e.p != nil {
			ansi.PutParser(e.p)
		}
	}()
	if !e.walk(k.start) || !e.walk(k.text) {
		*bp = e.b[:0]
		return nil
	}
	// Empty cells after the last are trimmed, as encodeSlow does.
	if !e.pen.IsZero() {
		e.b = append(e.b, ansi.ResetStyle...)
	}
	if e.last < k.width-1 {
		e.b = append(e.b, ansi.EraseLineRight...)
	}
	r := &row{key: k, end: k.start, blank: e.last < 0, enc: bytes.Clone(e.b)}
	*bp = e.b[:0]
	if strings.IndexByte(k.text, ansi.ESC) >= 0 {
		r.end = ""
		if !e.style.IsZero() {
			r.end = e.style.String()
		}
	}
	return r
}

// walk reads s into the row, reporting false where the fast path does
// not take it.
func (e *fastEnc) walk(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c > 0x1f && c < 0x7f:
			e.cell(s[i : i+1])
			i++
		case c == ansi.ESC:
			n := sgrLen(s[i:])
			if n == 0 || !e.sgr(s[i:i+n]) {
				return false
			}
			i += n
		case c >= 0xc0:
			r, n := utf8.DecodeRuneInString(s[i:])
			if !fastRune(r) { // utf8.RuneError is not one
				return false
			}
			e.cell(s[i : i+n])
			i += n
		default: // a control character or a stray continuation byte
			return false
		}
	}
	return true
}

// sgrLen is the length of the SGR sequence s starts with, ESC [ then
// digits, ';' and ':', then m; 0 if it does not start with one.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != ansi.ESC || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9' || c == ';' || c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

// sgr reads an SGR sequence into the style in force, as StyledString
// does: the same decoder and ReadStyle.
func (e *fastEnc) sgr(seq string) bool {
	if e.p == nil {
		e.p = ansi.GetParser()
	}
	got, width, n, state := ansi.DecodeSequence(seq, 0, e.p)
	if width != 0 || n != len(seq) || len(got) != len(seq) || state != 0 ||
		!ansi.HasCsiPrefix(got) || e.p.Command() != 'm' {
		return false
	}
	uv.ReadStyle(e.p.Params(), &e.style)
	e.ver++
	return true
}

// cell draws a one-column grapheme in the style in force at the next
// column, and writes it when it is not an empty cell; empty cells wait
// for a cell after them, as trailing ones are trimmed.
func (e *fastEnc) cell(content string) {
	if e.x >= e.width {
		e.x++
		return
	}
	if content == " " && e.style.IsZero() {
		e.spaces++
		e.x++
		return
	}
	if e.spaces > 0 {
		e.setPen(&uv.Style{}, emptyVer)
		for ; e.spaces > 0; e.spaces-- {
			e.b = append(e.b, ' ')
		}
	}
	if e.convVer != e.ver {
		e.conv = uv.ConvertStyle(e.style, e.profile)
		e.convVer = e.ver
	}
	e.setPen(&e.conv, e.ver)
	e.b = append(e.b, content...)
	e.last = e.x
	e.x++
}

// setPen writes what takes the pen to st (style number ver, converted),
// as encodeSlow does from cell to cell.
func (e *fastEnc) setPen(st *uv.Style, ver int) {
	if ver == e.penVer {
		return // the pen was set to this very style, or found equal to it
	}
	if !st.Equal(&e.pen) {
		e.b = append(e.b, penDiff(&e.pen, st)...)
		e.pen = *st
	}
	e.penVer = ver
}

// penDiff is what encodeSlow writes to take the pen from one converted
// style to another: Style.Diff, or a reset where that is shorter. It is
// the same for the same two styles (a style's colours are comparable
// values), so the sequences of the few pairs huddle's rows change
// between are kept, up to diffsMax of them, rather than built anew
// (several allocations each).
func penDiff(from, to *uv.Style) string {
	key := diffKey{*from, *to}
	diffs.RLock()
	seq, ok := diffs.m[key]
	diffs.RUnlock()
	if ok {
		return seq
	}
	seq = to.Diff(from)
	if to.IsZero() && len(seq) > len(ansi.ResetStyle) {
		seq = ansi.ResetStyle
	}
	diffs.Lock()
	if len(diffs.m) < diffsMax {
		diffs.m[key] = seq
	}
	diffs.Unlock()
	return seq
}

type diffKey struct{ from, to uv.Style }

const diffsMax = 4096

var diffs = struct {
	sync.RWMutex
	m map[diffKey]string
}{m: make(map[diffKey]string)}
