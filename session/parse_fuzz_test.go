package session

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseJoinCode: ParseJoinCode never panics; ASCII case never changes
// its answer; what it accepts comes out in the canonical form, which it
// keeps as it is and reads again however it is spaced or cased, and which
// is made of the input's own letters and digits, with nothing left out or
// added but separators.
func FuzzParseJoinCode(f *testing.F) {
	for _, s := range []string{
		"maple-otter-kite-40721",
		"Maple Otter  kite-40721",
		" \tACORN\t-\tzipper -- bike 10000 \n",
		"acorn-zipper-bike-99999",
		"acorn-zipper-bike-09999",
		"acorn-zipper-bike-100000",
		"acorn-zipper-bike",
		"acorn-zipper-bike-1234x",
		"acorn-zipper-bike-kite-12345",
		"\u212Aite-maple-otter-40721", // Kelvin sign K
		"maple-otter-kite-４０７２１",      // fullwidth digits
		"maple\u00a0otter-kite-40721",
		"maple\u202eotter-kite-40721",
		"maple-otter-kite-40721\x1b]52;c;AA==\x07",
		"\x9b2Jmaple-otter-kite-40721",
		"maple-otter-kite-\x0040721",
		"maple-otter-kite-\xff40721",
		strings.Repeat("-", 60) + "maple-otter-kite-40721",
		strings.Repeat("maple-", 1000) + "40721",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, ok := ParseJoinCode(s)
		if up, upOK := ParseJoinCode(asciiUpper(s)); up != norm || upOK != ok {
			t.Fatalf("ParseJoinCode(%+q) = %q, %v, but in upper case %q, %v", s, norm, ok, up, upOK)
		}
		if !ok {
			if norm != "" {
				t.Fatalf("ParseJoinCode(%+q) refused, but returned %q", s, norm)
			}
			return
		}
		if len(strings.TrimSpace(s)) > maxJoinCodeInput {
			t.Fatalf("ParseJoinCode accepted %d bytes, more than %d", len(strings.TrimSpace(s)), maxJoinCodeInput)
		}
		if !joinCodeShape.MatchString(norm) {
			t.Fatalf("ParseJoinCode(%+q) = %q: not word-word-word-NNNNN", s, norm)
		}
		for _, w := range strings.Split(norm, "-")[:joinCodeWords] {
			if !joinWordSet[w] {
				t.Fatalf("ParseJoinCode(%+q) = %q: %q is not a join code word", s, norm, w)
			}
		}
		bare := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '-' {
				return -1
			}
			return r
		}, asciiLower(strings.TrimSpace(s)))
		if bare != strings.ReplaceAll(norm, "-", "") {
			t.Fatalf("ParseJoinCode(%+q) = %q: not the input's own letters and digits", s, norm)
		}
		for _, variant := range []string{norm, strings.ToUpper(norm), strings.ReplaceAll(norm, "-", " \t "), " " + norm + "\n"} {
			if again, ok := ParseJoinCode(variant); !ok || again != norm {
				t.Fatalf("ParseJoinCode(%+q) = %q, %v; want %q", variant, again, ok, norm)
			}
		}
	})
}

// asciiUpper upper-cases ASCII letters only.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// FuzzParsePhaseBoxes: ParsePhaseBoxes never panics; it refuses with an
// ErrInvalid error whose text is safe to print on a terminal; what it
// accepts has a time-box in (0, 4h] for phases of a retrospective that
// have one, at most one per part of the spec, and written out again it
// reads back the same.
func FuzzParsePhaseBoxes(f *testing.F) {
	for _, s := range []string{
		"write=10m,vote=5m",
		" write = 10m , , vote=5m,",
		"check-in=2m,review=5m,write=10m,group=5m,vote=3m,discuss=30m,actions=10m,roti=2m",
		"write=10m,write=4h",
		"write=4h0m1s",
		"write=0s",
		"write=-1m",
		"write=1h30m15.5s",
		"waiting=1m",
		"closed=1m",
		"rounds=1m",
		"write",
		"=10m",
		"write=",
		"write=10",
		"write=9223372036854775807ns",
		"write=99999999999h",
		"write=10m\x1b]52;c;cm0gLXJmIH4=\x07",
		"\u202ewrite=10m",
		"write=\x9b31m10m",
		"write=10m\x00",
		"write=\xff10m",
		strings.Repeat("write=1m,", 200),
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		boxes, err := ParsePhaseBoxes(spec)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParsePhaseBoxes(%+q): %v is not ErrInvalid", spec, err)
			}
			if boxes != nil {
				t.Fatalf("ParsePhaseBoxes(%+q) refused, but returned %v", spec, boxes)
			}
			checkPrintableError(t, err)
			return
		}
		parts := 0
		for p := range strings.SplitSeq(spec, ",") {
			if strings.TrimSpace(p) != "" {
				parts++
			}
		}
		if len(boxes) > parts {
			t.Fatalf("ParsePhaseBoxes(%+q) = %v: more time-boxes than parts", spec, boxes)
		}
		var out []string
		for _, p := range slices.Sorted(maps.Keys(boxes)) {
			d := boxes[p]
			if p == Waiting || p == Closed || !slices.Contains(retroPhases, p) {
				t.Fatalf("ParsePhaseBoxes(%+q) = %v: a time-box for %s", spec, boxes, p)
			}
			if d <= 0 || d > 4*time.Hour {
				t.Fatalf("ParsePhaseBoxes(%+q) = %v: %s for %s", spec, boxes, d, p)
			}
			out = append(out, p.String()+"="+d.String())
		}
		again, err := ParsePhaseBoxes(strings.Join(out, ","))
		if err != nil || !maps.Equal(again, boxes) {
			t.Fatalf("ParsePhaseBoxes(%+q) = %v, written as %q reads back as %v, %v", spec, boxes, strings.Join(out, ","), again, err)
		}
	})
}

// checkPrintableError fails t unless err's text is UTF-8 and printable:
// no control, escape sequence, bidi or other format character.
func checkPrintableError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if !utf8.ValidString(msg) {
		t.Fatalf("error %+q is not UTF-8", msg)
	}
	for _, r := range msg {
		if !strconv.IsPrint(r) {
			t.Fatalf("error %+q holds %U", msg, r)
		}
	}
}
