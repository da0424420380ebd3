package sshserver

import (
	"io"
	"reflect"
	"sync"
	"time"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

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

// readSize is how much of a client's input is read at a time: a few
// keys, or a paste in pieces. Every connection holds two buffers of it.
const readSize = 1024

func newInputBound(r io.Reader) *inputBound {
	return &inputBound{r: r, csi: make([]byte, 0, len(pasteEnd))}
}

func (b *inputBound) Read(p []byte) (int, error) {
	for len(b.pending) == 0 {
		if len(b.in) < readSize {
			b.in = make([]byte, readSize)
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
			switch string(b.csi) {
			case pasteStart:
				b.emit(c)
				b.pasting, b.pasted = true, 0
			case pasteEnd:
				b.pasting = false // the end passes, even just past the limit
				b.emit(c)
			default:
				b.emit(c)
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

// emit passes c on, counting it against the paste in progress; past the
// paste limit, at the end of the sequence under way if any (it may be the
// paste's own end, which then passes: maxSequence bounds the overshoot),
// the paste is ended for the decoder and its rest dropped.
func (b *inputBound) emit(c byte) {
	if !b.pasting {
		b.out = append(b.out, c)
		return
	}
	b.pasted++
	if b.pasted <= maxPaste || b.state != plain {
		b.out = append(b.out, c)
		return
	}
	// The limit: end the paste.
	b.pasting, b.skip, b.tail = false, true, 0
	b.state, b.cont = plain, 0
	b.out = append(b.out, pasteEnd...)
}

// escTimeout is how long an input that could be the start of a longer
// sequence (a lone ESC, ESC and one byte) waits for the rest before it is
// taken as it is: the Escape key, alt and a key. The same as
// ultraviolet's terminal reader.
const escTimeout = uv.DefaultEscTimeout

// maxHeld is the most input a keyDecoder keeps undecoded, waiting for
// the rest of a sequence: beyond it, what it holds is decoded as it is.
// (ultraviolet's terminal reader kept an unknown sequence and everything
// after it until the input paused for escTimeout.)
const maxHeld = 2*maxSequence + 4096

// keyDecoder turns a connection's input into the events Bubble Tea's
// own terminal reader would make of it, in the connection's reader: it
// decodes with ultraviolet's EventDecoder, which needs no lookup table
// (the reader built one of about 140 KiB per connection), assembles
// bracketed pastes itself, and takes an incomplete sequence as it is
// once the input has paused for escTimeout, as the reader did. It holds
// at most maxHeld bytes undecoded and a paste of maxPaste (inputBound
// cuts longer ones).
//
// Events are passed to send in input order, one at a time; send may
// block (the key rate). After release, input is dropped and nothing of
// the program is held.
type keyDecoder struct {
	mu    sync.Mutex
	dec   uv.EventDecoder
	held  []byte    // input not decoded yet: the start of a sequence
	paste []byte    // inside a bracketed paste, its bytes so far; nil outside
	last  time.Time // when input last arrived
	timer *time.Timer
	send  func(uv.Event) // nil once released
	out   []uv.Event     // scratch for one decode
}

func newKeyDecoder(send func(uv.Event)) *keyDecoder {
	return &keyDecoder{send: send}
}

// feed decodes input as it arrives.
func (k *keyDecoder) feed(p []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.send == nil {
		return
	}
	k.held = append(k.held, p...)
	k.last = time.Now()
	k.decode(len(k.held) > maxHeld)
	if len(k.held) > 0 {
		// The rest of a sequence may follow; if not, flush takes it
		// as it is.
		if k.timer == nil {
			k.timer = time.AfterFunc(escTimeout, k.flush)
		} else {
			k.timer.Reset(escTimeout)
		}
	}
}

// flush decodes what is held as it is, once the input has paused for
// escTimeout; called by the timer, and at the end of the input.
func (k *keyDecoder) flush() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.send == nil || len(k.held) == 0 {
		return
	}
	if wait := escTimeout - time.Since(k.last); wait > 0 {
		k.timer.Reset(wait) // input came since the timer was set
		return
	}
	k.decode(true)
}

// end decodes what is held at the end of the input.
func (k *keyDecoder) end() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.send != nil && len(k.held) > 0 {
		k.decode(true)
	}
}

// release drops the program: send is not called again.
func (k *keyDecoder) release() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.send, k.held, k.paste, k.out = nil, nil, nil, nil
	if k.timer != nil {
		k.timer.Stop()
	}
}

// decode passes on the events of what is held; unless expired, it keeps
// an incomplete sequence at the end for more input. This is
// ultraviolet's event scanner without its lookup table and the Windows
// console's input. k.mu is held.
func (k *keyDecoder) decode(expired bool) {
	buf := k.held
	events := k.out[:0]
	for len(buf) > 0 {
		esc := buf[0] == ansi.ESC
		n, ev := k.dec.Decode(buf)
		wait := false
		if _, end := ev.(uv.PasteEndEvent); k.paste != nil && !end {
			switch ev := ev.(type) {
			case uv.KeyPressEvent:
				switch {
				case ev.Text != "":
					k.paste = append(k.paste, ev.Text...)
				case esc && n <= 2 && !expired:
					wait = true
				default:
					k.paste = append(k.paste, buf[:n]...)
				}
			case uv.UnknownEvent:
				wait = !expired
			}
			if wait {
				break
			}
			buf = buf[n:]
			continue
		}
		switch e := ev.(type) {
		case uv.UnknownEvent:
			if !expired {
				wait = true
			} else {
				events = append(events, e)
			}
			ev = nil
		case uv.PasteStartEvent:
			k.paste = []byte{}
		case uv.PasteEndEvent:
			events = append(events, uv.PasteEvent{Content: validRunes(k.paste)})
			k.paste = nil
		default:
			if ignored(ev) {
				ev = nil
			}
		}
		if wait {
			break
		}
		if ev != nil {
			if esc && n <= 2 && !expired {
				break // ESC, or ESC and one byte: the rest may follow
			}
			if m, ok := ev.(uv.MultiEvent); ok {
				events = append(events, m...)
			} else {
				events = append(events, ev)
			}
		}
		buf = buf[n:]
	}
	k.held = append(k.held[:0], buf...)
	if len(k.held) == 0 && cap(k.held) > 4096 {
		k.held = nil // a long input passed: do not keep its buffer
	}
	for _, ev := range events {
		k.send(ev)
	}
	clear(events)
	k.out = events[:0]
}

// validRunes is a paste's text without the bytes that are not UTF-8, as
// ultraviolet's reader has it.
func validRunes(b []byte) string {
	out := make([]rune, 0, len(b))
	for len(b) > 0 {
		r, w := utf8.DecodeRune(b)
		if r != utf8.RuneError {
			out = append(out, r)
		}
		b = b[w:]
	}
	return string(out)
}

// ignored reports an event ultraviolet's reader drops: a cancelled
// control string.
func ignored(ev uv.Event) bool {
	t := reflect.TypeOf(ev)
	return t != nil && t.Name() == "ignoredEvent" && t.PkgPath() == reflect.TypeOf(uv.UnknownEvent("")).PkgPath()
}
