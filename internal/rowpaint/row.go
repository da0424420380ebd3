package rowpaint

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	lru "github.com/hashicorp/golang-lru/v2"
)

// rowKey is what an encoded row depends on: the row's text, the style
// and hyperlink in force where it starts (a style can run on from the row
// above, as it does on Bubble Tea's screen), the colour profile it is
// encoded for, the width it is clipped to and how wide a grapheme is.
type rowKey struct {
	start   string // SGR and OSC 8 that recreate the state at the row's start; "" for none
	text    string
	profile colorprofile.Profile
	width   int
	method  ansi.Method
}

// row is one encoded row, shared by every participant whose screen shows
// it: never changed once made.
type row struct {
	key rowKey
	// enc draws the row from its first column with the pen reset, and
	// leaves the pen reset and no hyperlink open: the cells, then an
	// erase to the end of the line where the row does not fill it.
	enc   []byte
	end   string // the state in force after the row, as rowKey.start
	blank bool   // no cell to draw: the row is an erased line
}

// same reports whether two rows show the same cells. A row is one
// object for as long as the cache or a screen holds it (lookup finds the
// rows shown before the cache), so rows are compared by identity, not by
// their text: two objects of one key (the cache let the first go) are
// only painted again.
func same(a, b *row) bool {
	return a == b || (a.blank && b.blank)
}

// The process-wide row cache holds at most cacheRows rows and
// cacheBytes bytes of them, the least recently used going first. A row
// costs its text and its encoding, a few hundred bytes for a styled row
// of 120 columns: enough for every row on the screens of a hundred busy
// sessions, and a bound however wide the clients claim to be. (A row on
// a participant's screen stays with them when the cache lets it go; it
// is only no longer shared.)
const (
	cacheRows  = 16384
	cacheBytes = 16 << 20
)

var (
	cacheHeld  atomic.Int64
	cache, _   = lru.NewWithEvict[rowKey, *row](cacheRows, func(_ rowKey, r *row) { cacheHeld.Add(-r.cost()) })
	cacheEvict sync.Mutex // one caller trims the cache at a time
)

// cost is about what a row holds in memory.
func (r *row) cost() int64 {
	return int64(len(r.key.text) + len(r.key.start) + len(r.enc) + len(r.end) + 128)
}

// encoded returns the row for a key, from the cache or encoded now.
func encoded(k rowKey) *row {
	if r, ok := cache.Get(k); ok {
		return r
	}
	k.text = strings.Clone(k.text) // not the participant's whole frame
	r := encode(k)
	cacheHeld.Add(r.cost()) // before Add: an entry Add evicts is taken off
	cache.Add(k, r)
	if cacheHeld.Load() > cacheBytes {
		cacheEvict.Lock()
		for cacheHeld.Load() > cacheBytes && cache.Len() > 0 {
			cache.RemoveOldest()
		}
		cacheEvict.Unlock()
	}
	return r
}

// encode draws the row as Bubble Tea would (ultraviolet's StyledString,
// clipped to the width, the row's cells exactly as on Bubble Tea's
// screen), and writes its cells as Bubble Tea's terminal renderer would:
// styles downsampled to the profile, a pen diffed from cell to cell.
// Rows of plain one-column characters and SGR, nearly all of huddle's,
// take encodeFast, which makes the same bytes without a screen buffer.
func encode(k rowKey) *row {
	if k.text == "" && k.start == "" {
		return &row{key: k, end: k.start, blank: true, enc: []byte(ansi.EraseLineRight)}
	}
	if r := encodeFast(k); r != nil {
		return r
	}
	return encodeSlow(k)
}

// encodeSlow is encode through ultraviolet's screen buffer: any row.
func encodeSlow(k rowKey) *row {
	r := &row{key: k, end: k.start}
	if k.text == "" && k.start == "" {
		r.blank, r.enc = true, []byte(ansi.EraseLineRight)
		return r
	}
	buf := uv.NewScreenBuffer(k.width, 1)
	buf.Method = k.method
	uv.NewStyledString(k.start+k.text).Draw(buf, buf.Bounds())
	line := buf.Line(0)
	last := -1 // the last cell that is not an empty cell
	end := -1  // the last column it covers
	for x := range line {
		if c := line[x]; !c.IsZero() && !c.Equal(&uv.EmptyCell) {
			last, end = x, x+max(c.Width, 1)-1
		}
	}
	var b strings.Builder
	var pen uv.Style
	var link uv.Link
	for x := 0; x <= last; x++ {
		c := &line[x]
		if c.IsZero() { // the second half of a wide cell
			continue
		}
		st := uv.ConvertStyle(c.Style, k.profile)
		if !st.Equal(&pen) {
			seq := st.Diff(&pen)
			if st.IsZero() && len(seq) > len(ansi.ResetStyle) {
				seq = ansi.ResetStyle
			}
			b.WriteString(seq)
			pen = st
		}
		if ln := uv.ConvertLink(c.Link, k.profile); !ln.Equal(&link) {
			b.WriteString(ansi.SetHyperlink(ln.URL, ln.Params))
			link = ln
		}
		if c.Content == "" {
			b.WriteByte(' ')
		} else {
			b.WriteString(c.Content)
		}
	}
	if !link.IsZero() {
		b.WriteString(ansi.ResetHyperlink())
	}
	if !pen.IsZero() {
		b.WriteString(ansi.ResetStyle)
	}
	r.blank = last < 0
	if end < k.width-1 {
		b.WriteString(ansi.EraseLineRight)
	}
	r.enc = []byte(b.String())
	if strings.IndexByte(k.text, ansi.ESC) >= 0 {
		r.end = endState(k.start + k.text)
	}
	return r
}

// endState is the style and hyperlink in force after s, read as
// ultraviolet reads a styled string, as the SGR and OSC 8 that recreate
// them ("" for none).
func endState(s string) string {
	p := ansi.GetParser()
	defer ansi.PutParser(p)
	var style uv.Style
	var link uv.Link
	var state byte
	for len(s) > 0 {
		seq, width, n, newState := ansi.DecodeSequence(s, state, p)
		if width == 0 {
			switch {
			case ansi.HasCsiPrefix(seq) && p.Command() == 'm':
				uv.ReadStyle(p.Params(), &style)
			case ansi.HasOscPrefix(seq) && p.Command() == 8:
				uv.ReadLink(p.Data(), &link)
			}
		}
		state = newState
		s = s[n:]
	}
	var b strings.Builder
	if !style.IsZero() {
		b.WriteString(style.String())
	}
	if !link.IsZero() {
		b.WriteString(ansi.SetHyperlink(link.URL, link.Params))
	}
	return b.String()
}
