package session

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
)

var joinCodeShape = regexp.MustCompile(`^[a-z]{3,6}-[a-z]{3,6}-[a-z]{3,6}-[1-9][0-9]{4}$`)

// seededReader returns a deterministic stream of random bytes.
func seededReader(seed byte) io.Reader {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

func TestJoinWordsAreShortUniqueAndPrefixFree(t *testing.T) {
	if len(joinWords) != 256 {
		t.Fatalf("len(joinWords) = %d, want 256", len(joinWords))
	}
	if len(joinWordSet) != len(joinWords) {
		t.Errorf("joinWords has %d distinct words, want %d", len(joinWordSet), len(joinWords))
	}
	for _, w := range joinWords {
		if len(w) < 3 || len(w) > 6 || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("word %q: want 3 to 6 lowercase ASCII letters", w)
		}
		for _, v := range joinWords {
			if v != w && strings.HasPrefix(v, w) {
				t.Errorf("word %q is a prefix of %q", w, v)
			}
		}
	}
}

func TestNewJoinCodeHasTheDocumentedShape(t *testing.T) {
	r := seededReader(1)
	for range 1000 {
		code, err := NewJoinCode(r)
		if err != nil {
			t.Fatalf("NewJoinCode: %v", err)
		}
		if !joinCodeShape.MatchString(code) {
			t.Fatalf("NewJoinCode = %q, want word-word-word-NNNNN", code)
		}
		if got, ok := ParseJoinCode(code); !ok || got != code {
			t.Fatalf("ParseJoinCode(%q) = %q, %v; want it unchanged, true", code, got, ok)
		}
	}
}

func TestNewJoinCodeDoesNotRepeatIn10000Codes(t *testing.T) {
	r := seededReader(2)
	seen := make(map[string]bool, 10000)
	for range 10000 {
		code, err := NewJoinCode(r)
		if err != nil {
			t.Fatalf("NewJoinCode: %v", err)
		}
		if seen[code] {
			t.Fatalf("NewJoinCode repeated %q within 10000 codes", code)
		}
		seen[code] = true
	}
}

func TestNewJoinCodeMapsBytesToCode(t *testing.T) {
	be24 := func(v int) []byte { return []byte{byte(v >> 16), byte(v >> 8), byte(v)} }
	limit, below := be24(joinNumLimit), be24(joinNumLimit-1)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"smallest draw gives 10000", []byte{0, 1, 255, 0, 0, 0}, "acorn-alarm-zipper-10000"},
		{"draw wraps modulo 90000", []byte{0, 0, 0, 0x01, 0x5f, 0x91}, "acorn-acorn-acorn-10001"}, // 0x015f91 = 90001
		{"largest accepted draw gives 99999", append([]byte{2, 2, 2}, below...), "album-album-album-99999"},
		{"draw at the limit is rejected and redrawn", append(append([]byte{0, 0, 0}, limit...), 0, 0, 5), "acorn-acorn-acorn-10005"},
		{"largest draw is rejected and redrawn", []byte{0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 7}, "acorn-acorn-acorn-10007"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewJoinCode(bytes.NewReader(tc.in))
			if err != nil || got != tc.want {
				t.Errorf("NewJoinCode(% x) = %q, %v; want %q, nil", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestNewJoinCodeFailsWhenTheReaderFails(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		r    io.Reader
		want error
	}{
		{"reader error", iotest.ErrReader(boom), boom},
		{"reader error after the words", io.MultiReader(bytes.NewReader([]byte{1, 2, 3}), iotest.ErrReader(boom)), boom},
		{"reader error during redraw", io.MultiReader(bytes.NewReader([]byte{1, 2, 3, 255, 255, 255}), iotest.ErrReader(boom)), boom},
		{"empty reader", bytes.NewReader(nil), io.EOF},
		{"short reader", bytes.NewReader([]byte{1, 2, 3, 4}), io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, err := NewJoinCode(tc.r)
			if !errors.Is(err, tc.want) || code != "" {
				t.Errorf("NewJoinCode = %q, %v; want \"\", %v", code, err, tc.want)
			}
		})
	}
}

func TestParseJoinCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string // "" means not a join code
	}{
		{"accepts the canonical form", "maple-otter-kite-40721", "maple-otter-kite-40721"},
		{"trims surrounding white space", " \tmaple-otter-kite-40721\r\n", "maple-otter-kite-40721"},
		{"lowercases", "Maple-OTTER-Kite-40721", "maple-otter-kite-40721"},
		{"accepts spaces as separators", "maple otter kite 40721", "maple-otter-kite-40721"},
		{"accepts runs of mixed separators", "maple -- otter\t kite - 40721", "maple-otter-kite-40721"},
		{"rejects empty input", "", ""},
		{"rejects white space only", "  \t ", ""},
		{"rejects too few words", "maple-otter-40721", ""},
		{"rejects too many words", "maple-otter-kite-owl-40721", ""},
		{"rejects a missing number", "maple-otter-kite", ""},
		{"rejects a word not in the list", "maple-otter-kitten-40721", ""},
		{"rejects a number in place of a word", "maple-12345-kite-40721", ""},
		{"rejects a four-digit number", "maple-otter-kite-4072", ""},
		{"rejects a six-digit number", "maple-otter-kite-407210", ""},
		{"rejects a leading zero", "maple-otter-kite-04072", ""},
		{"rejects a signed number", "maple-otter-kite-+4072", ""},
		{"rejects non-digits in the number", "maple-otter-kite-4O721", ""},
		{"rejects the number first", "40721-maple-otter-kite", ""},
		{"rejects other separators", "maple.otter.kite.40721", ""},
		{"rejects Kelvin sign case-folding to k", "maple-otter-\u212Aite-40721", ""},
		{"rejects non-ASCII digits", "maple-otter-kite-٤٠٧٢١", ""},
		{"rejects overlong input", "maple" + strings.Repeat(" ", 60) + "otter-kite-40721", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseJoinCode(tc.in)
			if tc.want == "" {
				if ok || got != "" {
					t.Errorf("ParseJoinCode(%q) = %q, %v; want \"\", false", tc.in, got, ok)
				}
				return
			}
			if !ok || got != tc.want {
				t.Errorf("ParseJoinCode(%q) = %q, %v; want %q, true", tc.in, got, ok, tc.want)
			}
		})
	}
}
