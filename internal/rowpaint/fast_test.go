package rowpaint

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

var (
	allProfiles = []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI, colorprofile.Ascii, colorprofile.NoTTY}
	allMethods  = []ansi.Method{ansi.WcWidth, ansi.GraphemeWidth}
)

// TestFastRunes: every character the fast path takes is one column wide
// and a grapheme of its own, alone, after ASCII and before ASCII, under
// both width methods, as the screen buffer's decoder measures it.
func TestFastRunes(t *testing.T) {
	n := 0
	for r := rune(0); r < fastRuneMax+0x100; r++ {
		if !fastRune(r) {
			continue
		}
		n++
		s := string(r)
		for _, m := range allMethods {
			if w := m.StringWidth(s); w != 1 {
				t.Errorf("%U %q: width %d under %v", r, s, w, m)
			}
			for _, in := range []string{s + s, s + "a", s + " ", s + "\x1b[m"} {
				if g, w := ansi.FirstGraphemeCluster(in, m); g != s || w != 1 {
					t.Errorf("%U: first grapheme of %q is %q (width %d) under %v", r, in, g, w, m)
				}
			}
			if g, _ := ansi.FirstGraphemeCluster("a"+s, m); g != "a" {
				t.Errorf("%U: first grapheme of %q is %q under %v", r, "a"+s, g, m)
			}
		}
	}
	if n < 900 {
		t.Errorf("only %d characters above ASCII are taken", n)
	}
	for _, r := range []rune{0x7f, 0x80, 0x9f, 0xad, 0x0300, 0x200b, 0x200d, 0x200e, 0x2028, 0x202e, 0x2060, 0x203c, 0x2049, 0x2194, 0x21a9, 0x25b6, 0x25fd, 0x2b50, 0xfe0f, 0x4e00, 0x1f642, -1} {
		if fastRune(r) {
			t.Errorf("%U is taken", r)
		}
	}
}

// The alphabet of the property test: what huddle's UI draws, and
// random characters the fast path takes.
var (
	uiRunes  = []rune("·✓✗●○▸▾▲▼◆─│┬╭╮╰╯█░▒←↑→↓↺⇢⇥−–—“”•…›×ÅÜäåéïöüβ⚑")
	sgrParts = []string{
		"", "0", "1", "2", "3", "4", "4:0", "4:1", "4:2", "4:3", "4:4", "4:5", "4:", "5", "7", "9",
		"22", "23", "24", "25", "27", "29", "39", "49", "59",
		"30", "31", "32", "33", "34", "35", "36", "37", "90", "91", "92", "93", "94", "95", "96", "97",
		"40", "41", "42", "43", "44", "45", "46", "47", "100", "101", "107",
	}
)

func randColor(rng *rand.Rand, base int) string {
	switch rng.IntN(3) {
	case 0:
		return fmt.Sprintf("%d;5;%d", base, rng.IntN(256))
	case 1:
		return fmt.Sprintf("%d;2;%d;%d;%d", base, rng.IntN(256), rng.IntN(256), rng.IntN(256))
	default:
		return fmt.Sprintf("%d:5:%d", base, rng.IntN(256))
	}
}

func randSGR(rng *rand.Rand) string {
	n := rng.IntN(4)
	if n == 0 {
		return "\x1b[m"
	}
	parts := make([]string, n)
	for i := range parts {
		switch rng.IntN(6) {
		case 0:
			parts[i] = randColor(rng, []int{38, 48, 58}[rng.IntN(3)])
		default:
			parts[i] = sgrParts[rng.IntN(len(sgrParts))]
		}
	}
	return "\x1b[" + strings.Join(parts, ";") + "m"
}

func randFastRune(rng *rand.Rand) rune {
	for {
		if r := rune(0xa0 + rng.IntN(fastRuneMax-0xa0)); fastRune(r) {
			return r
		}
	}
}

// randRow is a row of cells and SGR sequences from the fast path's
// alphabet, from none to about 250 cells.
func randRow(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.IntN(250)
	if rng.IntN(8) == 0 {
		n = rng.IntN(8)
	}
	for range n {
		switch x := rng.IntN(100); {
		case x < 8:
			b.WriteString(randSGR(rng))
		case x < 30:
			b.WriteByte(' ')
		case x < 75:
			b.WriteByte(byte(0x21 + rng.IntN(0x7e-0x21)))
		case x < 92:
			b.WriteRune(uiRunes[rng.IntN(len(uiRunes))])
		default:
			b.WriteRune(randFastRune(rng))
		}
	}
	if rng.IntN(3) == 0 { // trailing spaces, styled or not
		if rng.IntN(2) == 0 {
			b.WriteString(randSGR(rng))
		}
		b.WriteString(strings.Repeat(" ", rng.IntN(20)))
	}
	return b.String()
}

// sameRow fails unless the fast path takes the key and makes exactly
// the row the screen buffer makes.
func sameRow(t *testing.T, k rowKey, mustTake bool) {
	t.Helper()
	fast := encodeFast(k)
	if fast == nil {
		if mustTake {
			t.Fatalf("the fast path declines %+v", k)
		}
		return
	}
	slow := encodeSlow(k)
	if !bytes.Equal(fast.enc, slow.enc) || fast.end != slow.end || fast.blank != slow.blank || fast.key != slow.key {
		t.Fatalf("%+v:\nfast %q end %q blank %v\nslow %q end %q blank %v",
			k, fast.enc, fast.end, fast.blank, slow.enc, slow.end, slow.blank)
	}
}

// TestFastMatchesSlow: random rows of the fast path's alphabet, each
// starting in the state an earlier row left, at widths from 1 to 200,
// in every profile and both width methods, are encoded byte for byte as
// through the screen buffer, with the same end state and blankness.
func TestFastMatchesSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, uint64(len(t.Name()))))
	rows := 2000
	if raceOn || testing.Short() {
		rows = 300
	}
	var ends []string
	for i := range rows {
		k := rowKey{text: randRow(rng), width: 1 + rng.IntN(200)}
		switch {
		case i%5 == 0:
			k.width = 1 + rng.IntN(4)
		case i%5 == 1:
			k.width = ansi.StringWidth(k.text) + rng.IntN(3) - 1
			k.width = max(k.width, 1)
		}
		if len(ends) > 0 && rng.IntN(3) > 0 {
			k.start = ends[rng.IntN(len(ends))]
		}
		for _, p := range allProfiles {
			for _, m := range allMethods {
				k.profile, k.method = p, m
				sameRow(t, k, true)
			}
		}
		if r := encodeSlow(k); r.end != "" {
			ends = append(ends, r.end)
		}
	}
}

// TestFastDeclines: rows the fast path is not sure to draw as the
// screen buffer does go to the slow path, and encode gives the screen
// buffer's row for them.
func TestFastDeclines(t *testing.T) {
	for _, text := range []string{
		"a\tb", "a\rb", "a\nb", "a\x7fb", "a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
		"a\x1b[2Kb", "a\x1b[?25lb", "a\x1b(Bb", "a\x1b[31", "\x1b[", "e\u0301", "a\x1b[m\u0301",
		"✓\ufe0f", "☺", "⏸", "⭐", "日本", "ｶ", "👍", "a\u200db", "a\u00adb", "\xff", "a\x80",
		"\u2028", "\x9b31m", "\u0378",
	} {
		k := rowKey{text: "x " + text + " y", width: 20, profile: colorprofile.TrueColor, method: ansi.GraphemeWidth}
		if encodeFast(k) != nil {
			t.Errorf("the fast path takes %q", text)
		}
		if a, b := encode(k), encodeSlow(k); !bytes.Equal(a.enc, b.enc) || a.end != b.end || a.blank != b.blank {
			t.Errorf("%q: encode %q, slow %q", text, a.enc, b.enc)
		}
	}
	k := rowKey{start: "\x1b]8;;http://x\x1b\\", text: "link", width: 20}
	if encodeFast(k) != nil {
		t.Errorf("the fast path takes a row starting in a hyperlink")
	}
	if encodeFast(rowKey{text: "a", width: 0}) != nil {
		t.Errorf("the fast path takes a row of width 0")
	}
}

// FuzzEncode: whenever the fast path takes a row, it makes the bytes,
// end state and blankness the screen buffer makes.
func FuzzEncode(f *testing.F) {
	f.Add("", "\x1b[1;38;5;212mhuddle\x1b[m · stand-up", 80, uint8(1), false)
	f.Add("\x1b[38;2;1;2;3m", "│ \x1b[4:3mAlice\x1b[24m ✓ done   \x1b[m   ", 30, uint8(0), true)
	f.Add("", "╭──────╮  \x1b[7m \x1b[m  ", 12, uint8(2), false)
	f.Add("\x1b[1m", "\x1b[48;5;236m   \x1b[49m   ", 3, uint8(3), true)
	f.Add("", "e\u0301 \x1b]8;;u\x1b\\l\x1b]8;;\x1b\\", 10, uint8(4), false)
	f.Fuzz(func(t *testing.T, start, text string, width int, profile uint8, grapheme bool) {
		if width < 0 {
			width = -width
		}
		k := rowKey{start: start, text: text, width: width % 300, profile: allProfiles[int(profile)%len(allProfiles)], method: ansi.WcWidth}
		if grapheme {
			k.method = ansi.GraphemeWidth
		}
		if k.text == "" && k.start == "" {
			return // encode's own case, before either path
		}
		sameRow(t, k, false)
	})
}

// benchRows are rows as huddle draws them: a header and a body row in a
// border, with colours.
func benchRows(width int) map[string]string {
	pad := func(s string, w int) string { return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) }
	header := pad("\x1b[1;38;5;212mhuddle\x1b[m \x1b[38;5;245m· stand-up · team platform · 3 of 7 · 02:14 left\x1b[m", width-12) +
		"\x1b[38;5;42m● live\x1b[m  "
	inner := pad(" \x1b[1mAlice Example\x1b[m  \x1b[38;2;130;200;120m✓ done\x1b[m  \x1b[38;5;245myesterday: reviewed the export, today: the row cache…\x1b[m", width-2)
	body := "\x1b[38;5;240m│\x1b[m" + inner + "\x1b[38;5;240m│\x1b[m"
	return map[string]string{"header": header, "body": body}
}

// BenchmarkEncode: the fast and slow paths on typical rows.
func BenchmarkEncode(b *testing.B) {
	for _, name := range []string{"header", "body"} {
		for _, width := range []int{80, 120} {
			for _, p := range []colorprofile.Profile{colorprofile.ANSI256, colorprofile.TrueColor} {
				k := rowKey{text: benchRows(width)[name], width: width, profile: p, method: ansi.GraphemeWidth}
				if encodeFast(k) == nil {
					b.Fatalf("the fast path declines %q", k.text)
				}
				for _, path := range []struct {
					name string
					fn   func(rowKey) *row
				}{{"fast", encodeFast}, {"slow", encodeSlow}} {
					b.Run(fmt.Sprintf("%s/%d/%v/%s", name, width, p, path.name), func(b *testing.B) {
						b.ReportAllocs()
						for b.Loop() {
							path.fn(k)
						}
					})
				}
			}
		}
	}
}
