package sshserver

import "io"

// What a client's input may make the key decoder hold. The decoder keeps
// an escape sequence until it is complete and a bracketed paste until it
// ends, rescanning what it holds at every read: an unterminated paste of
// 200 MB took 890 MB, and an endless OSC string costs a rescan per packet.
const (
	// maxPaste is the longest bracketed paste passed on; the rest of a
	// longer one is dropped (a card or a topic is far shorter anyway).
	maxPaste = 32 << 10
	// maxSequence is the longest escape sequence passed on: terminal
	// replies and keys are tens of bytes.
	maxSequence = 256
)

// The bracketed paste markers.
const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// inputBound passes a client's input through unchanged, except that an
// escape sequence longer than maxSequence is cut short (closed, then the
// rest of it dropped) and a bracketed paste longer than maxPaste is
// ended early (its end marker sent at the limit, the rest dropped up to
// the client's own end marker). It holds nothing back: a lone ESC (the
// Escape key) goes through at once. Its state is a few integers,
// whatever the input.
//
// It follows the decoder's idea of where a sequence ends (ECMA-48, as
// charmbracelet/ultraviolet reads it): a CSI at its final byte or at a
// byte that cannot be in one; a string (OSC, DCS, APC, PM, SOS) at BEL,
// ESC, ST, CAN or SUB. C1 controls count as sequence starts where the
// decoder would see them, that is, not inside a UTF-8 character.
type inputBound struct {
	r io.Reader

	state   boundState
	seqLen  int    // bytes of the current escape sequence
	cont    int    // UTF-8 continuation bytes still expected
	csi     []byte // the current CSI sequence, to recognise paste markers
	pasting bool   // inside a bracketed paste
	pasted  int    // bytes of the current paste
	skip    bool   // dropping the rest of an overlong paste
	tail    int    // in skip: how much of pasteEnd has been matched

	in, out []byte // read buffer; what passes on and has not been read yet
	pending []byte
}

type boundState uint8

const (
	plain    boundState = iota
	escaped             // after ESC
	inCSI               // ESC [ or CSI, then parameters
	inString            // OSC, DCS, APC, PM, SOS: up to their end
	dropCSI             // the rest of an overlong CSI
	dropStr             // the rest of an overlong string
)

// C0 and C1 controls the bounds look at.
const (
	bel = 0x07
	can = 0x18
	sub = 0x1a
	esc = 0x1b
	st  = 0x9c
)

func newInputBound(r io.Reader) *inputBound {
	return &inputBound{r: r, csi: make([]byte, 0, len(pasteEnd))}
}

func (b *inputBound) Read(p []byte) (int, error) {
	for len(b.pending) == 0 {
		if len(b.in) < 4096 {
			b.in = make([]byte, 4096)
		}
		n, err := b.r.Read(b.in)
		b.out = b.out[:0]
		for _, c := range b.in[:n] {
			b.step(c)
		}
		b.pending = b.out
		if len(b.pending) == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, b.pending)
	b.pending = b.pending[n:]
	return n, nil
}

// step feeds one input byte, appending what passes on to b.out.
func (b *inputBound) step(c byte) {
	if b.skip {
		// Dropping an overlong paste: look only for its end marker.
		switch {
		case c == pasteEnd[b.tail]:
			b.tail++
			if b.tail == len(pasteEnd) {
				b.skip, b.tail = false, 0
			}
		case c == pasteEnd[0]:
			b.tail = 1
		default:
			b.tail = 0
		}
		return
	}
	switch b.state {
	case plain:
		b.plain(c)
	case escaped:
		b.seqLen++
		switch c {
		case '[':
			b.state = inCSI
			b.csi = append(b.csi[:0], esc, '[')
		case ']', 'P', '_', '^', 'X':
			b.state = inString
		case esc:
			b.seqLen = 1 // ESC ESC: a new sequence
		default:
			b.state = plain // ESC and a key: alt+key, or SS3's first half
		}
		b.emit(c)
	case inCSI:
		b.seqLen++
		switch {
		case c >= 0x40 && c <= 0x7e: // the final byte
			b.state = plain
			if len(b.csi) < cap(b.csi) {
				b.csi = append(b.csi, c)
			}
			marker := string(b.csi)
			b.emit(c)
			switch marker {
			case pasteStart:
				b.pasting, b.pasted = true, 0
			case pasteEnd:
				b.pasting = false
			}
		case c < 0x20 || c > 0x7e: // cannot be in a CSI: it has ended
			b.state = plain
			b.plain(c)
		case b.seqLen > maxSequence:
			// Close it with a final byte the decoder ignores; drop
			// the rest.
			b.state = dropCSI
			b.emit('~')
		default:
			if len(b.csi) < cap(b.csi) {
				b.csi = append(b.csi, c)
			} else {
				b.csi = b.csi[:cap(b.csi)] // too long for a marker
			}
			b.emit(c)
		}
	case dropCSI:
		switch {
		case c >= 0x40 && c <= 0x7e:
			b.state = plain
		case c < 0x20 || c > 0x7e:
			b.state = plain
			b.plain(c)
		}
	case inString:
		b.seqLen++
		switch {
		case c == esc:
			b.state, b.seqLen = escaped, 1 // ESC \ or a new sequence
			b.emit(c)
		case c == bel || c == st || c == can || c == sub:
			b.state = plain
			b.emit(c)
		case b.seqLen > maxSequence:
			b.state = dropStr
			b.emit(bel) // ends it for the decoder
		default:
			b.emit(c)
		}
	case dropStr:
		switch c {
		case esc:
			b.state, b.seqLen = escaped, 1
			b.emit(c)
		case bel, st, can, sub:
			b.state = plain
		}
	}
}

// plain is step outside any sequence.
func (b *inputBound) plain(c byte) {
	switch {
	case b.cont > 0 && c >= 0x80 && c <= 0xbf:
		b.cont--
	case c == esc:
		b.cont = 0
		b.state, b.seqLen = escaped, 1
	case c >= 0x80 && c <= 0x9f: // a C1 control where the decoder sees one
		b.cont = 0
		switch c {
		case 0x9b: // CSI
			b.state, b.seqLen = inCSI, 1
			b.csi = append(b.csi[:0], esc, '[')
		case 0x90, 0x98, 0x9d, 0x9e, 0x9f: // DCS, SOS, OSC, PM, APC
			b.state, b.seqLen = inString, 1
		}
	case c >= 0xc0 && c <= 0xdf:
		b.cont = 1
	case c >= 0xe0 && c <= 0xef:
		b.cont = 2
	case c >= 0xf0 && c <= 0xf7:
		b.cont = 3
	default:
		b.cont = 0
	}
	b.emit(c)
}

// emit passes c on, counting it against the paste in progress; at the
// paste limit the paste is ended for the decoder and its rest dropped.
func (b *inputBound) emit(c byte) {
	if !b.pasting {
		b.out = append(b.out, c)
		return
	}
	b.pasted++
	if b.pasted <= maxPaste {
		b.out = append(b.out, c)
		return
	}
	// The limit: whatever sequence was open is abandoned; end the paste.
	b.pasting, b.skip, b.tail = false, true, 0
	b.state, b.cont = plain, 0
	b.out = append(b.out, pasteEnd...)
}
