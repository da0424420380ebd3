package session

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Length limits for user text, in runes (Unicode code points).
const (
	// DefaultMaxText bounds card text and any other free text; it is also the
	// limit [CleanText] uses when it is given a max of zero or less.
	DefaultMaxText = 280
	// MaxName bounds participant names, team names and the like, in runes.
	// It is a backstop: what a name may take on screen is MaxNameWidth.
	MaxName = 128
	// MaxNameWidth is how many terminal columns a name may take (as
	// [ansi.StringWidth], which lipgloss uses, measures it). A wide
	// character (CJK, most emoji) takes two.
	MaxNameWidth = 64
)

// maxCombining bounds how many combining marks may follow one another in the
// output. Real text needs a handful at most (Vietnamese stacks two, Devanagari
// and Tibetan a few more); "Zalgo" text stacks hundreds to smear over its
// neighbours' cells.
const maxCombining = 8

// CleanText is the one cleaning function that all user text (card text, names,
// SSH user names, terminal types, ...) passes before it becomes part of an
// event, so that no participant's terminal ever receives bytes that someone
// else typed raw.
//
// The input may be arbitrary bytes. The output:
//
//   - is valid UTF-8; invalid bytes are dropped;
//   - contains no terminal escape sequence. CSI sequences, OSC strings
//     (terminated by BEL or ST), DCS, SOS, PM and APC strings (terminated by
//     ST, or BEL) and two-character ESC sequences are removed entirely,
//     parameters, intermediates and payload included, as are the C1 controls
//     U+0080–U+009F, whether encoded as UTF-8 or sent as raw 8-bit bytes; an
//     8-bit CSI, OSC, DCS, SOS, PM or APC opens a sequence that is removed just
//     like its ESC form. A sequence that is never terminated runs to the end of
//     the input. CAN and SUB cancel a sequence, as they do in a terminal;
//   - contains no other C0 control character and no DEL. Tab, line feed,
//     vertical tab, form feed, carriage return and NEL (U+0085) count as
//     white space (cards and names are single-line);
//   - contains no invisible or format code point: nothing of category Cf
//     (bidi embeddings, overrides and isolates, LRM/RLM/ALM, zero-width
//     space/joiner/non-joiner, word joiner, BOM, soft hyphen, tag characters,
//     ...), no other default-ignorable code point (combining grapheme joiner,
//     Hangul fillers, ...), no variation selector (U+FE00–U+FE0F,
//     U+E0100–U+E01EF, the Mongolian ones), no emoji skin-tone modifier
//     (U+1F3FB–U+1F3FF), no graphic character that shows as a blank cell
//     (U+2800 BRAILLE PATTERN BLANK, U+1D159 MUSICAL SYMBOL NULL NOTEHEAD),
//     and no private-use, surrogate, noncharacter or unassigned code point
//     (as of the Unicode version of Go's unicode package);
//   - has every run of white space (any [unicode.IsSpace] rune, including the
//     line and paragraph separators U+2028 and U+2029) collapsed to one ASCII
//     space, and no space at either end;
//   - has at most max runes, cut on a rune boundary (and trimmed again after
//     the cut); if max <= 0, DefaultMaxText is used;
//   - has no more than a few combining marks in a row (the rest are dropped).
//
// Letters, digits, punctuation, symbols, combining marks ("Jörg" typed as o
// followed by U+0308 survives, as does a precomposed ö) and ordinary emoji
// are kept. Emoji built with joiners, variation selectors or skin tones fall
// apart into their visible pieces: a ZWJ family becomes its members side by
// side.
//
// CleanText is idempotent: CleanText(CleanText(s, n), n) == CleanText(s, n).
// It reads no further into s than it needs to fill max runes.
func CleanText(s string, max int) string {
	if max <= 0 {
		max = DefaultMaxText
	}
	c := textCleaner{max: max}
	c.b.Grow(min(len(s), max))
	for i := 0; i < len(s) && !c.full; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			if b := s[i-1]; b >= 0x80 && b <= 0x9f {
				r = rune(b) // a raw 8-bit C1 control
			} else {
				r = invalidByte
			}
		}
		c.step(r)
	}
	return c.b.String()
}

// CleanName cleans a name: it is CleanText(s, MaxName), in Unicode
// normalisation form NFC, so that a name typed with a combining mark
// ("Jo\u0308rg") and the same name typed precomposed ("Jörg") are one
// string, cut to MaxNameWidth columns on a grapheme boundary. Like
// CleanText it is idempotent.
//
// CleanName cuts silently: it is for text nobody typed as a name on
// purpose (an SSH client's user name, a terminal type) and for names read
// back from a record. Names a person types go through [CheckName], which
// refuses a long one with a message instead.
func CleanName(s string) string {
	// Read far enough for MaxName runes even if every one of them arrives
	// decomposed into a base and maxCombining marks, compose, then cut.
	name := cutName(norm.NFC.String(CleanText(s, MaxName*(maxCombining+1))))
	// Cutting and capping keep text in NFC in practice; should they ever
	// not, a second round settles it (the fuzzer checks idempotence).
	for range 3 {
		if norm.NFC.IsNormalString(name) {
			break
		}
		name = cutName(norm.NFC.String(name))
	}
	return name
}

// cutName cuts clean text to MaxName runes and MaxNameWidth columns, and
// trims the space the cut may leave at the end.
func cutName(s string) string {
	s = CleanText(s, MaxName)
	if ansi.StringWidth(s) > MaxNameWidth {
		s = CleanText(ansi.Truncate(s, MaxNameWidth, ""), MaxName)
	}
	return s
}

// CheckName cleans a name someone typed (a team's, a member's, a
// guest's) as CleanName does, but refuses one longer than MaxNameWidth
// columns (or MaxName runes) with an ErrInvalid that says so, rather
// than cutting it. An empty result is not an error here: callers know
// whether a name may be empty.
func CheckName(s string) (string, error) {
	full := norm.NFC.String(CleanText(s, len(s)+1))
	if w := ansi.StringWidth(full); w > MaxNameWidth || utf8.RuneCountInString(full) > MaxName {
		return "", fmt.Errorf("%w: the name %q is too long (%d columns, at most %d): use a shorter one",
			ErrInvalid, CleanText(ansi.Truncate(full, 20, "…"), 0), w, MaxNameWidth)
	}
	return CleanName(s), nil
}

// lookAlike reports whether two cleaned names could pass for one another
// in a list of participants: whether they are equal ignoring case, or
// share a confusable skeleton (see nameKeys).
func lookAlike(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	ka, kb := nameKeys(a), nameKeys(b)
	for _, x := range ka {
		for _, y := range kb {
			if x == y {
				return true
			}
		}
	}
	return false
}

// nameKeys returns the keys under which a name is compared with others:
// its case-folded confusable skeleton, and that of its upper-case form.
//
// The skeleton is the one of Unicode Technical Standard #39, section 4:
// NFD, each character mapped through the confusables table, NFD again; so
// Cyrillic "Lukаs" (U+0430), Greek "Ι", digit one and capital I against
// "l", digit zero against "O" all come out as one. It is taken of the
// name's NFKC form, so that fullwidth ("Ｌｕｋａｓ") and mathematical
// ("𝐋𝐮𝐤𝐚𝐬") letters, which the table covers only in part, come out as the
// letters they imitate. Marks stay: "Jörg" and "Jorg" are told apart, as
// they are on screen, while "Jӧrg" with a Cyrillic ӧ is "Jörg". The
// skeleton keeps case, so it is case-folded after, and NFKC, skeleton and
// fold are repeated until nothing changes (a folded letter may have a
// mapping of its own: M folds to m, which the table maps to rn).
//
// A look-alike in one case is not always one in the other: Cyrillic к
// maps to kra (ĸ), while its capital К maps to K. The second key, of the
// name in upper case, catches those, so "Luкas" collides with "Lukas".
// It errs on the side of a collision: in capitals i and l are one letter
// (I), so "Eli" and "Ell" collide too; the cost of that is a number after
// the second name.
func nameKeys(name string) [2]string {
	return [2]string{skeletonKey(name), skeletonKey(strings.ToUpper(name))}
}

// skeletonKey is the fixed point of case-folding a confusable skeleton.
func skeletonKey(s string) string {
	fold := cases.Fold()
	for range 8 {
		next := fold.String(confusables.Skeleton(norm.NFKC.String(s)))
		if next == s {
			break
		}
		s = next
	}
	return s
}

// invalidByte stands for a byte that is not part of valid UTF-8 (and is not a
// raw C1 control).
const invalidByte rune = -1

// Control characters the escape parser acts on.
const (
	ctlBEL = 0x07
	ctlCAN = 0x18
	ctlSUB = 0x1a
	ctlESC = 0x1b
	ctlDEL = 0x7f
	ctlNEL = 0x85
	ctlDCS = 0x90
	ctlSOS = 0x98
	ctlCSI = 0x9b
	ctlST  = 0x9c
	ctlOSC = 0x9d
	ctlPM  = 0x9e
	ctlAPC = 0x9f
)

// escState is where a textCleaner is in a terminal escape sequence, after the
// VT500-series parser state diagram, simplified: the cleaner only needs to
// know where a sequence ends, never what it means.
type escState uint8

const (
	stGround   escState = iota // ordinary text
	stEscape                   // after ESC
	stEscInter                 // after ESC and intermediate bytes
	stCSI                      // in a CSI sequence, before its final byte
	stString                   // in an OSC, DCS, SOS, PM or APC string
)

// textCleaner holds the state of one CleanText call.
type textCleaner struct {
	b         strings.Builder
	max       int      // rune limit
	n         int      // runes written
	state     escState // escape-sequence state
	space     bool     // white space seen since the last rune written
	combining int      // combining marks written in a row
	full      bool     // no further rune can be written
}

// step feeds one decoded rune, a raw C1 byte as its code point, or invalidByte.
func (c *textCleaner) step(r rune) {
	// Controls that act whatever the state ("anywhere" transitions).
	switch {
	case r == ctlESC:
		c.state = stEscape
		return
	case r == ctlCAN || r == ctlSUB:
		c.state = stGround
		return
	case r >= 0x80 && r <= 0x9f:
		c.state = stGround
		switch r {
		case ctlCSI:
			c.state = stCSI
		case ctlOSC, ctlDCS, ctlSOS, ctlPM, ctlAPC:
			c.state = stString
		case ctlST:
			// ends a string (or nothing); writes nothing
		case ctlNEL:
			c.white()
		}
		return
	}
	switch c.state {
	case stGround:
		c.text(r)
	case stEscape:
		switch {
		case r == '[':
			c.state = stCSI
		case r == ']' || r == 'P' || r == 'X' || r == '^' || r == '_':
			c.state = stString
		case r >= 0x20 && r <= 0x2f:
			c.state = stEscInter
		case r >= 0x30 && r <= 0x7e:
			c.state = stGround // a complete two-character sequence
		case r < 0x20 || r == ctlDEL || r == invalidByte:
			// executed or ignored by a terminal; stays in the sequence
		default:
			c.state = stGround // not a sequence after all: keep the rune
			c.text(r)
		}
	case stEscInter:
		switch {
		case r >= 0x20 && r <= 0x2f:
		case r >= 0x30 && r <= 0x7e:
			c.state = stGround
		case r < 0x20 || r == ctlDEL || r == invalidByte:
		default:
			c.state = stGround
			c.text(r)
		}
	case stCSI:
		switch {
		case r >= 0x20 && r <= 0x3f: // parameter and intermediate bytes
		case r >= 0x40 && r <= 0x7e:
			c.state = stGround // final byte
		case r < 0x20 || r == ctlDEL || r == invalidByte:
		default:
			c.state = stGround
			c.text(r)
		}
	case stString:
		// Everything up to the terminator is payload. ST arrives as ESC \
		// (handled by the escape state) or as 8-bit ST (above).
		if r == ctlBEL {
			c.state = stGround
		}
	}
}

// text handles a rune outside any escape sequence.
func (c *textCleaner) text(r rune) {
	switch {
	case r == invalidByte:
	case unicode.IsSpace(r):
		c.white()
	case !unicode.IsGraphic(r):
		// Cc, Cf, Co, Cs, Cn, and Zl/Zp (those are spaces, above).
	case unicode.Is(unicode.Variation_Selector, r),
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r),
		r >= 0x1f3fb && r <= 0x1f3ff, // emoji skin-tone modifiers
		r == 0x2800, r == 0x1d159:    // blank-looking symbols
	default:
		c.put(r)
	}
}

// white records white space; it is written, as one ASCII space, only when a
// rune follows it.
func (c *textCleaner) white() {
	if c.n > 0 {
		c.space = true
	}
}

// put writes r, preceded by a pending space, if both fit. Combining marks
// beyond maxCombining in a row are dropped.
func (c *textCleaner) put(r rune) {
	if c.space {
		if c.n+2 > c.max {
			c.full = true // the space would end the text: drop both
			return
		}
		c.b.WriteByte(' ')
		c.n++
		c.space = false
		c.combining = 0
	}
	if unicode.Is(unicode.M, r) {
		if c.combining >= maxCombining {
			return
		}
		c.combining++
	} else {
		c.combining = 0
	}
	c.b.WriteRune(r)
	c.n++
	if c.n >= c.max {
		c.full = true
	}
}

// Printable returns s with everything a terminal could act on or hide
// written out as a Go escape sequence, for messages that quote what someone
// sent: every rune that strconv.IsPrint refuses (C0 and C1 controls, ESC,
// DEL, bidi and other format characters, white space other than the ASCII
// space, private-use and unassigned code points) as \x1b, \u202e, \n and
// the like, and every byte that is not part of valid UTF-8 as \xNN. Unlike
// CleanText it drops nothing, and text that is printable already comes
// back as it is.
func Printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strconv.IsPrint(r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}
