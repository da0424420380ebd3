package session

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/unicode/norm"
)

// cleanCases are the examples CleanText is tested on; the fuzzer starts from
// their inputs too.
var cleanCases = []struct {
	name string
	in   string
	max  int
	want string
}{
	// What is kept.
	{"keeps plain text", "Fix the flaky build", 0, "Fix the flaky build"},
	{"keeps punctuation and symbols", `a<b> & "c" = 100% #1 ~$5`, 0, `a<b> & "c" = 100% #1 ~$5`},
	{"keeps precomposed umlaut", "Jörg", 0, "Jörg"},
	{"keeps combining diaeresis", "Jo\u0308rg", 0, "Jo\u0308rg"},
	{"keeps stacked Vietnamese marks", "Vie\u0323\u0302t", 0, "Vie\u0323\u0302t"},
	{"keeps ordinary emoji", "ship it 🚀🎉", 0, "ship it 🚀🎉"},
	{"keeps regional indicator flag", "🇩🇪", 0, "🇩🇪"},
	{"keeps CJK", "日本語のテキスト", 0, "日本語のテキスト"},
	{"keeps right-to-left script", "שלום עולם", 0, "שלום עולם"},
	{"keeps replacement character typed as such", "a\uFFFDb", 0, "a\uFFFDb"},

	// Escape sequences.
	{"removes CSI colour", "\x1b[31mred\x1b[0m", 0, "red"},
	{"removes CSI cursor moves and clears", "a\x1b[2J\x1b[H\x1b[10;20Hb\x1b[3A", 0, "ab"},
	{"removes CSI private modes", "\x1b[?25lhidden\x1b[?1049h", 0, "hidden"},
	{"removes CSI with intermediate byte", "a\x1b[1 qb", 0, "ab"},
	{"removes OSC 52 clipboard write ended by BEL", "copy\x1b]52;c;cm0gLXJmIH4=\x07me", 0, "copyme"},
	{"removes OSC 52 clipboard write ended by ST", "\x1b]52;c;cm0gLXJmIH4=\x1b\\ok", 0, "ok"},
	{"removes OSC 8 hyperlink and keeps its label", "\x1b]8;;http://x\x07link\x1b]8;;\x07", 0, "link"},
	{"removes OSC window title", "\x1b]0;pwned\x07title", 0, "title"},
	{"removes DCS string", "\x1bP$qm\x1b\\ok", 0, "ok"},
	{"removes APC, PM and SOS strings", "a\x1b_apc\x1b\\b\x1b^pm\x1b\\c\x1bXsos\x1b\\d", 0, "abcd"},
	{"removes two-character ESC sequences", "a\x1bMb\x1b7c\x1b8d\x1bce", 0, "abcde"},
	{"removes ESC sequence with intermediate", "a\x1b(0b\x1b#8c", 0, "abc"},
	{"removes raw 8-bit CSI and its parameters", "\x9b31mred", 0, "red"},
	{"removes UTF-8 encoded C1 CSI and its parameters", "\u009b31mred\u009b0m", 0, "red"},
	{"removes 8-bit OSC up to 8-bit ST", "\x9d52;c;eA==\x9cok", 0, "ok"},
	{"removes UTF-8 encoded C1 OSC", "\u009d0;x\u009cok", 0, "ok"},
	{"removes 8-bit DCS", "\x90qpayload\x9cok", 0, "ok"},
	{"removes other C1 controls", "a\u0080b\u008dc\x8ed\x9ce", 0, "abcde"},
	{"removes unterminated OSC to the end", "ok\x1b]52;c;AAAA", 0, "ok"},
	{"removes unterminated CSI", "ok\x1b[12;", 0, "ok"},
	{"removes lone trailing ESC", "ok\x1b", 0, "ok"},
	{"removes ESC ESC sequence", "a\x1b\x1b[31mb", 0, "ab"},
	{"CAN cancels a sequence", "\x1b[12\x18ab", 0, "ab"},
	{"SUB cancels a string", "\x1b]0;x\x1aab", 0, "ab"},
	{"ESC before a non-ASCII letter keeps the letter", "\x1bé", 0, "é"},
	{"C0 controls inside CSI are dropped with it", "a\x1b[1\x002mb", 0, "ab"},

	// Control characters and white space.
	{"removes C0 controls", "a\x00b\x07c\x08d\x0ee\x1ff", 0, "abcdef"},
	{"removes DEL", "ab\x7fc", 0, "abc"},
	{"turns tab and newlines into a space", "a\tb\nc\r\nd\ve\ff", 0, "a b c d e f"},
	{"turns NEL into a space", "a\u0085b", 0, "a b"},
	{"turns line and paragraph separators into a space", "a\u2028b\u2029c", 0, "a b c"},
	{"collapses runs of white space", "a \t\u00a0\u3000\u2003 b", 0, "a b"},
	{"trims white space", " \t\n a b \r\n\u00a0", 0, "a b"},
	{"white space only yields empty", " \t\n\u3000", 0, ""},
	{"controls only yield empty", "\x1b[0m\x00\u200b\ufeff", 0, ""},
	{"empty yields empty", "", 0, ""},
	{"does not join words across a removed sequence", "a \x1b[31m b", 0, "a b"},

	// Invisible and format characters.
	{"removes bidi override", "\u202Eevil", 0, "evil"},
	{"removes bidi embeddings and overrides", "a\u202Ab\u202Bc\u202Cd\u202De", 0, "abcde"},
	{"removes bidi isolates and marks", "a\u2066b\u2067c\u2068d\u2069e\u200Ef\u200Fg\u061Ch", 0, "abcdefgh"},
	{"removes zero-width characters", "a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf", 0, "abcdef"},
	{"removes soft hyphen", "co\u00ADop", 0, "coop"},
	{"removes Mongolian vowel separator", "a\u180Eb", 0, "ab"},
	{"splits ZWJ family emoji into its members", "👨\u200D👩\u200D👧\u200D👦", 0, "👨👩👧👦"},
	{"removes skin-tone modifiers", "👍🏽 👋🏻🏼🏾🏿", 0, "👍 👋"},
	{"removes variation selectors", "❤\uFE0F ok\uFE0E \u6F22\U000E0100 \u1820\u180B", 0, "❤ ok \u6F22 \u1820"},
	{"removes keycap selector but keeps keycap mark", "1\uFE0F\u20E3", 0, "1\u20E3"},
	{"removes tag characters from a flag", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", 0, "🏴"},
	{"removes tag characters spelling hidden text", "hi\U000E0001\U000E0069\U000E0067\U000E006E", 0, "hi"},
	{"removes private-use code points", "a\uE000b\U000F0000c\U00100000d", 0, "abcd"},
	{"removes noncharacters", "a\uFDD0b\uFFFEc\uFFFFd\U0001FFFFe", 0, "abcde"},
	{"removes unassigned code points", "a\u0378b\U0001FFFAc", 0, "abc"},
	{"removes Hangul fillers", "\u3164\u115F\u1160\uFFA0", 0, ""},
	{"removes braille pattern blank", "Lukas\u2800", 0, "Lukas"},
	{"removes braille blank but keeps other braille", "\u2800\u2801\u28FF\u2800", 0, "\u2801\u28FF"},
	{"removes musical null notehead", "a\U0001D159b", 0, "ab"},
	{"removes combining grapheme joiner", "a\u034Fb", 0, "ab"},
	{"caps runs of combining marks", "a" + strings.Repeat("\u0301", 40) + "b", 0, "a" + strings.Repeat("\u0301", maxCombining) + "b"},

	// Invalid UTF-8.
	{"drops invalid bytes", "a\xffb\xfe\xc0c", 0, "abc"},
	{"drops a truncated sequence but keeps what follows", "a\xc3(b\xe2\x82", 0, "a(b"},
	{"drops UTF-8 encoded surrogates", "a\xed\xa0\x80b", 0, "ab"},
	{"drops overlong encodings", "a\xc0\xafb", 0, "ab"},

	// Length.
	{"truncates by runes", "héllo wörld", 5, "héllo"},
	{"truncates multibyte text on a rune boundary", "日本語のテキスト", 3, "日本語"},
	{"truncates emoji on a rune boundary", "🚀🚀🚀🚀", 2, "🚀🚀"},
	{"truncation leaves no trailing space", "ab cd", 3, "ab"},
	{"truncation counts the cleaned text", "\x1b[31m\u202Eab\x1b[0m", 2, "ab"},
	{"keeps text exactly at the limit", "abc", 3, "abc"},
	{"uses DefaultMaxText when max is zero", strings.Repeat("x", 300), 0, strings.Repeat("x", DefaultMaxText)},
	{"uses DefaultMaxText when max is negative", strings.Repeat("é", 300), -1, strings.Repeat("é", DefaultMaxText)},
	{"max of one keeps one rune", "  ö  ", 1, "ö"},
}

func TestCleanText(t *testing.T) {
	for _, tc := range cleanCases {
		t.Run(tc.name, func(t *testing.T) {
			got := CleanText(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("CleanText(%+q, %d) = %+q, want %+q", tc.in, tc.max, got, tc.want)
			}
			if again := CleanText(got, tc.max); again != got {
				t.Errorf("not idempotent: CleanText(%+q, %d) = %+q", got, tc.max, again)
			}
			checkClean(t, tc.in, tc.max, got)
		})
	}
}

func TestCleanName(t *testing.T) {
	for _, tc := range cleanNameCases {
		t.Run(tc.name, func(t *testing.T) {
			got := CleanName(tc.in)
			if got != tc.want {
				t.Errorf("CleanName(%+q) = %+q, want %+q", tc.in, got, tc.want)
			}
			checkName(t, tc.in, got)
		})
	}
}

// cleanNameCases are the examples CleanName is tested on; the fuzzer
// starts from their inputs too.
var cleanNameCases = []struct {
	name, in, want string
}{
	{"keeps a short name", "Jörg", "Jörg"},
	{"strips escapes around a name", "  \x1b[1mAnn\x1b[0m\n", "Ann"},
	{"keeps a name of 50 columns", strings.Repeat("ä", 50), strings.Repeat("ä", 50)},
	{"keeps a name of 64 columns", strings.Repeat("Åsa Ström ", 6) + "Åsa", strings.Repeat("Åsa Ström ", 6) + "Åsa"},
	{"cuts a long name to MaxNameWidth columns", strings.Repeat("ä", 150), strings.Repeat("ä", MaxNameWidth)},
	{"cuts wide characters by columns", strings.Repeat("漢", 40), strings.Repeat("漢", MaxNameWidth/2)},
	{"trims the space a cut leaves", strings.Repeat("a", 63) + " bc", strings.Repeat("a", 63)},

	// Invisible-looking characters.
	{"removes a trailing braille pattern blank", "Lukas\u2800", "Lukas"},
	{"removes braille pattern blanks inside", "Lu\u2800kas\u2800\u2800", "Lukas"},
	{"a name of braille blanks is empty", "\u2800\u2800\u2800", ""},
	{"removes Hangul choseong filler", "\u115FLukas", "Lukas"},
	{"removes Hangul jungseong filler", "Lukas\u1160", "Lukas"},
	{"removes Hangul filler", "Lukas\u3164", "Lukas"},
	{"removes halfwidth Hangul filler", "\uFFA0Lukas", "Lukas"},
	{"removes Mongolian vowel separator", "Lu\u180Ekas", "Lukas"},
	{"removes combining grapheme joiner", "Luk\u034Fas", "Lukas"},
	{"removes variation selectors", "Lukas\uFE0F\uFE0E\U000E0100\u180B", "Lukas"},
	{"removes tag characters", "Lukas\U000E0001\U000E006B\U000E007F", "Lukas"},
	{"removes musical null notehead", "Lukas\U0001D159", "Lukas"},
	{"removes zero-width characters", "L\u200Bu\u200Ck\u200Da\u2060s\uFEFF", "Lukas"},
	{"removes bidi controls", "\u202ELukas\u202C\u2066\u200F", "Lukas"},
	{"removes soft hyphen", "Lu\u00ADkas", "Lukas"},
	{"turns Unicode spaces into one space", "Ann\u00A0\u2002\u3000\u205F\u1680\u202F\u2009Lee", "Ann Lee"},
	{"trims Unicode spaces", "\u3000\u2003Ann\u00A0\u2028", "Ann"},

	// NFC.
	{"composes a combining diaeresis", "Jo\u0308rg", "Jörg"},
	{"composes Hangul jamo", "\u1112\u1161\u11AB", "\uD55C"},
	{"composes what a removed character separated", "Jo\u200B\u0308rg", "Jörg"},
	{"cuts a decomposed name after composing it", strings.Repeat("a\u0308", 150), strings.Repeat("ä", MaxNameWidth)},
	{"keeps marks with no precomposed form", "n\u0306", "n\u0306"},
}

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"keeps an ordinary name", "  Åsa   Ström ", "Åsa Ström", ""},
		{"keeps a name of 64 columns", strings.Repeat("x", 64), strings.Repeat("x", 64), ""},
		{"keeps 32 wide characters", strings.Repeat("漢", 32), strings.Repeat("漢", 32), ""},
		{"empty is not an error", "\u200b", "", ""},
		{"refuses 65 columns", strings.Repeat("x", 65), "", "too long (65 columns, at most 64)"},
		{"refuses 33 wide characters", strings.Repeat("漢", 33), "", "too long (66 columns, at most 64)"},
		{"counts columns after cleaning", strings.Repeat("x", 64) + "\x1b[31m\u200b ", strings.Repeat("x", 64), ""},
		{"counts composed marks once", strings.Repeat("a\u0308", 64), strings.Repeat("ä", 64), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckName(tc.in)
			if tc.err != "" {
				if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("CheckName(%+q) = %+q, %v; want an ErrInvalid saying %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("CheckName(%+q) = %+q, %v; want %+q", tc.in, got, err, tc.want)
			}
		})
	}
}

// lookAlikeCases: which names collide in a session's list of participants.
var lookAlikeCases = []struct {
	a, b string
	want bool
}{
	{"Lukas", "Lukas", true},
	{"Lukas", "lukas", true},
	{"Lukas", "LUKAS", true},
	{"Lukas", "Luk\u0430s", true},                                         // Cyrillic а
	{"Lukas", "Lu\u043Aas", true},                                         // Cyrillic к: kra in lower case, K in upper
	{"Lukas", "\u041Bukas", false},                                        // Cyrillic Л is not an L
	{"Lukas", "Lukas\u2800", true},                                        // through CleanName
	{"Lukas", "\uFF2C\uFF55\uFF4B\uFF41\uFF53", true},                     // fullwidth
	{"Lukas", "\U0001D40B\U0001D42E\U0001D424\U0001D41A\U0001D42C", true}, // mathematical bold
	{"Lukas", "\u13DEukas", true},                                         // Cherokee Ꮮ
	{"Lukas", "Luka\u0455", true},                                         // Cyrillic ѕ
	{"Lukas", "Lukas 2", false},
	{"Lukas", "Luke", false},
	{"Lukas", "Lu kas", false},
	{"Anna", "\u0410nn\u0430", true}, // Cyrillic А and а
	{"Olga", "\u039Fl\u0261a", true}, // Greek Ο, script g
	{"Bob", "B0b", true},             // digit zero
	{"Ian", "lan", true},             // capital I and small l
	{"Ali", "A1i", true},             // digit one
	{"Eli", "Ell", true},             // one in capitals: ELI, ELL
	{"Jörg", "Jo\u0308rg", true},     // NFC and NFD
	{"Jörg", "J\u04E7rg", true},      // Cyrillic ӧ
	{"Jörg", "Jorg", false},          // the mark shows: TR39 keeps it
	{"Jörg", "Jòrg", false},
	{"Straße", "STRASSE", true}, // full case folding
	{"rn", "m", true},           // TR39 maps m to rn
	{"Kim", "\u212Aim", true},   // Kelvin sign
	{"Chen", "Chén", false},
	{"Ola", "Ula", false},
	{"Lukas", "Lucas", false},
	{"Mia", "rnia", true}, // M folds to m, which TR39 maps to rn
}

func TestLookAlike(t *testing.T) {
	for _, tc := range lookAlikeCases {
		a, b := CleanName(tc.a), CleanName(tc.b)
		if got := lookAlike(a, b); got != tc.want {
			t.Errorf("lookAlike(%+q, %+q) = %v, want %v (keys %q, %q)", a, b, got, tc.want, nameKeys(a), nameKeys(b))
		}
		if got := lookAlike(b, a); got != tc.want {
			t.Errorf("lookAlike(%+q, %+q) = %v, want %v: not symmetric", b, a, got, tc.want)
		}
	}
}

// TestLookAlikeNamesJoin: people who join under a name that looks like one
// in the session get a number after it, as one who takes the same name
// does, so that no two participants read alike.
func TestLookAlikeNamesJoin(t *testing.T) {
	f := newFixture(t, Config{OpenDoor: true}, "Lukas")
	f.must(SSHID("k-lukas"), Join{Key: "k-lukas", Name: "Lukas"})
	if p, _ := f.s.ByKey("k-lukas"); p.ID != RosterID("Lukas") || p.Name != "Lukas" {
		t.Fatalf("Lukas did not claim the roster name: %+v", p)
	}
	for i, tc := range []struct{ in, want string }{
		{"Luk\u0430s", "Luk\u0430s 2"},     // Cyrillic а
		{"LUKAS", "LUKAS 3"},               // case
		{"Lu\u043Aas", "Lu\u043Aas 4"},     // Cyrillic к
		{"Lukas\u2800", "Lukas 5"},         // braille blank, removed
		{"\u3164Lukas\uFE0F", "Lukas 6"},   // Hangul filler, variation selector
		{"\uFF2Cukas", "\uFF2Cukas 7"},     // fullwidth L
		{"Luk\u0430s 2", "Luk\u0430s 2 2"}, // a look-alike of a numbered name
		{"m\u0430ria", "m\u0430ria 2"},     // does not claim the facilitator maria
		{"Jörg", "Jörg"},                   // no look-alike here
		{"Jorg", "Jorg"},                   // Jörg and Jorg differ
		{"J\u04E7rg", "J\u04E7rg 2"},       // Cyrillic ӧ reads Jörg
	} {
		key := "k" + strconv.Itoa(i)
		f.must(SSHID(key), Join{Key: key, Name: tc.in})
		p, ok := f.s.ByKey(key)
		if !ok || p.Name != tc.want || p.ID != SSHID(key) {
			t.Fatalf("%+q joined as %+v, want the name %+q", tc.in, p, tc.want)
		}
	}
	for i, p := range f.s.Participants {
		for _, q := range f.s.Participants[i+1:] {
			if lookAlike(p.Name, q.Name) {
				t.Errorf("participants %+q and %+q look alike", p.Name, q.Name)
			}
		}
	}
}

func FuzzCleanName(f *testing.F) {
	for _, tc := range cleanNameCases {
		f.Add(tc.in)
	}
	for _, tc := range lookAlikeCases {
		f.Add(tc.a)
		f.Add(tc.b)
	}
	f.Add("\u0344\u0344\u0344\u0344\u0344a")
	f.Add(strings.Repeat("\u1100\u1161", 40))
	f.Fuzz(func(t *testing.T, s string) {
		name := CleanName(s)
		checkName(t, s, name)
		if again := CleanName(name); again != name {
			t.Fatalf("not idempotent: CleanName(%+q) = %+q, then %+q", s, name, again)
		}
		// The keys are fixed points: a key is its own key.
		for _, k := range nameKeys(name) {
			if again := skeletonKey(k); again != k {
				t.Fatalf("skeletonKey(%+q) = %+q, then %+q", name, k, again)
			}
		}
		if !lookAlike(name, name) || !lookAlike(name, strings.ToUpper(name)) || !lookAlike(name, strings.ToLower(name)) {
			t.Fatalf("%+q does not look like itself in some case", name)
		}
		// Invisible characters anywhere change nothing.
		for i := range name {
			padded := name[:i] + "\u2800\u3164" + name[i:] + "\u200B\U000E0041"
			if got := CleanName(padded); got != name {
				t.Fatalf("CleanName(%+q) = %+q, want %+q", padded, got, name)
			}
		}
		// Cyrillic look-alikes of Latin letters collide.
		cyr := CleanName(cyrillic.Replace(name))
		if !lookAlike(name, cyr) || !lookAlike(cyr, name) {
			t.Fatalf("%+q and %+q do not look alike (keys %q, %q)", name, cyr, nameKeys(name), nameKeys(cyr))
		}
	})
}

// cyrillic swaps Latin letters for their Cyrillic twins.
var cyrillic = strings.NewReplacer("a", "\u0430", "e", "\u0435", "o", "\u043E", "p", "\u0440", "c", "\u0441",
	"x", "\u0445", "y", "\u0443", "A", "\u0410", "B", "\u0412", "E", "\u0415", "K", "\u041A", "M", "\u041C",
	"H", "\u041D", "O", "\u041E", "P", "\u0420", "C", "\u0421", "T", "\u0422", "X", "\u0425")

// checkName fails t unless out, the result of CleanName(in), has what
// CleanText promises for MaxName and is in NFC.
func checkName(t *testing.T, in, out string) {
	t.Helper()
	checkClean(t, in, MaxName, out)
	if w := ansi.StringWidth(out); w > MaxNameWidth {
		t.Errorf("CleanName(%+q) = %+q: %d columns, limit %d", in, out, w, MaxNameWidth)
	}
	if !norm.NFC.IsNormalString(out) {
		t.Errorf("CleanName(%+q) = %+q: not in NFC", in, out)
	}
}

func TestCleanTextHugeMax(t *testing.T) {
	const maxInt = int(^uint(0) >> 1)
	if got := CleanText(" a\x1b[0m b ", maxInt); got != "a b" {
		t.Errorf("CleanText with huge max = %+q, want %q", got, "a b")
	}
}

func FuzzCleanText(f *testing.F) {
	for _, tc := range cleanCases {
		f.Add(tc.in, tc.max)
	}
	f.Add("\x1b]8;;http://x\x1b\\\x1b[1;31mA\u0308\u200d\U0001F468\U0001F3FB\ufe0f\x9b2J\r\n", 7)
	f.Add(strings.Repeat("a \u0301", 100), 10)
	f.Fuzz(func(t *testing.T, s string, max int) {
		got := CleanText(s, max)
		checkClean(t, s, max, got)
		if again := CleanText(got, max); again != got {
			t.Errorf("not idempotent: CleanText(%+q, %d) = %+q, then %+q", s, max, got, again)
		}
		// The other way to make text from outside safe on a terminal:
		// Printable shows all of it, escaped, and keeps what is clean.
		p := Printable(s)
		checkPrintable(t, s, p)
		if again := Printable(p); again != p {
			t.Errorf("not idempotent: Printable(%+q) = %+q, then %+q", s, p, again)
		}
		if Printable(got) != got {
			t.Errorf("Printable(%+q) = %+q: it changes clean text", got, Printable(got))
		}
	})
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Jörg 🚀 日本語 a<b>&\"c\" \\", "Jörg 🚀 日本語 a<b>&\"c\" \\"},
		{"copy\x1b]52;c;cm0gLXJmIH4=\x07me", `copy\x1b]52;c;cm0gLXJmIH4=\ame`},
		{"\u202eevil", `\u202eevil`},
		{"\x9b31m \u009b31m", `\x9b31m \u009b31m`},
		{"a\x00b\x7fc\td\ne", `a\x00b\x7fc\td\ne`},
		{"a\xffb\xc3(", `a\xffb\xc3(`},
		{"a\u00a0b\u2028c", `a\u00a0b\u2028c`},
		{"\U000E0001\uE000", `\U000e0001\ue000`},
	} {
		got := Printable(tc.in)
		if got != tc.want {
			t.Errorf("Printable(%+q) = %q, want %q", tc.in, got, tc.want)
		}
		checkPrintable(t, tc.in, got)
	}
}

// checkPrintable fails t unless out, the result of Printable(in), is UTF-8
// made only of what strconv.IsPrint accepts.
func checkPrintable(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Printable(%+q) = %+q: invalid UTF-8", in, out)
	}
	for _, r := range out {
		if !strconv.IsPrint(r) {
			t.Fatalf("Printable(%+q) = %+q: contains %U", in, out, r)
		}
	}
}

// checkClean fails t unless out, the result of CleanText(in, max), has the
// properties CleanText promises.
func checkClean(t *testing.T, in string, max int, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("CleanText(%+q, %d) = %+q: invalid UTF-8", in, max, out)
	}
	limit := max
	if limit <= 0 {
		limit = DefaultMaxText
	}
	if n := utf8.RuneCountInString(out); n > limit {
		t.Errorf("CleanText(%+q, %d) = %+q: %d runes, limit %d", in, max, out, n, limit)
	}
	if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
		t.Errorf("CleanText(%+q, %d) = %+q: leading, trailing or double space", in, max, out)
	}
	if strings.IndexByte(out, 0x1b) >= 0 {
		t.Errorf("CleanText(%+q, %d) = %+q: contains ESC", in, max, out)
	}
	run := 0
	for _, r := range out {
		var bad string
		switch {
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			bad = "control"
		case unicode.IsSpace(r) && r != ' ':
			bad = "non-ASCII white space"
		case unicode.Is(unicode.Cf, r):
			bad = "format character"
		case unicode.Is(unicode.Variation_Selector, r):
			bad = "variation selector"
		case r >= 0x1F3FB && r <= 0x1F3FF:
			bad = "skin-tone modifier"
		case r >= 0xE0000 && r <= 0xE007F:
			bad = "tag character"
		case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
			bad = "default-ignorable code point"
		case r == 0x2800 || r == 0x1D159:
			bad = "blank-looking symbol"
		case unicode.Is(unicode.Co, r):
			bad = "private-use code point"
		case unicode.Is(unicode.Noncharacter_Code_Point, r):
			bad = "noncharacter"
		case !unicode.IsGraphic(r):
			bad = "unassigned or invisible code point"
		}
		if bad != "" {
			t.Errorf("CleanText(%+q, %d) = %+q: contains %s %U", in, max, out, bad, r)
		}
		if unicode.Is(unicode.M, r) {
			run++
			if run > maxCombining {
				t.Errorf("CleanText(%+q, %d) = %+q: more than %d combining marks in a row", in, max, out, maxCombining)
			}
		} else {
			run = 0
		}
	}
}
