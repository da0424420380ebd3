package sshserver

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// What clients send: keys as terminals encode them, text, pastes and
// the replies to the server's questions.
var inputCases = []struct{ name, in string }{
	{"up", "\x1b[A"}, {"down", "\x1b[B"}, {"right", "\x1b[C"}, {"left", "\x1b[D"},
	{"up, application mode", "\x1bOA"}, {"left, application mode", "\x1bOD"},
	{"enter", "\r"}, {"ctrl+c", "\x03"}, {"esc", "\x1b"}, {"tab", "\t"}, {"shift+tab", "\x1b[Z"},
	{"backspace", "\x7f"}, {"ctrl+h", "\x08"}, {"delete", "\x1b[3~"}, {"space", " "},
	{"home", "\x1b[H"}, {"end", "\x1b[F"}, {"home, vt", "\x1b[1~"}, {"end, vt", "\x1b[4~"},
	{"page up", "\x1b[5~"}, {"page down", "\x1b[6~"}, {"insert", "\x1b[2~"},
	{"f1", "\x1bOP"}, {"f2", "\x1bOQ"}, {"f3", "\x1bOR"}, {"f4", "\x1bOS"},
	{"f5", "\x1b[15~"}, {"f6", "\x1b[17~"}, {"f10", "\x1b[21~"}, {"f12", "\x1b[24~"},
	{"ctrl+up", "\x1b[1;5A"}, {"shift+right", "\x1b[1;2C"}, {"alt+a", "\x1ba"}, {"ctrl+a", "\x01"},
	{"text", "hello"}, {"text, wide and emoji", "ěšč 日本 🎉"},
	{"paste", pasteStart + "pasted text\nline two\ttab" + pasteEnd},
	{"paste with keys in it", pasteStart + "a\x1b[Ab\rc" + pasteEnd},
	{"paste with bad UTF-8", pasteStart + "a\xffb\xc3" + pasteEnd},
	{"empty paste", pasteStart + pasteEnd},
	{"background colour reply", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
	{"mode report", "\x1b[?2026;2$y"},
	{"cancelled string", "\x1b]11;ab\x18x"},
}

// TestKeysDecodeAsBefore: the server's key decoder, which needs no key
// table, makes of each input the events ultraviolet's terminal reader
// made of it (Bubble Tea turns each into its message one to one), alone,
// one after another, and in random runs of them.
func TestKeysDecodeAsBefore(t *testing.T) {
	same := func(t *testing.T, in string) {
		t.Helper()
		got := decodeAll(t, strings.NewReader(in))
		want := decodeAllBefore(t, strings.NewReader(in))
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
			t.Errorf("%q:\n got %#v\nwant %#v", in, got, want)
		}
	}
	var all strings.Builder
	for _, c := range inputCases {
		t.Run(c.name, func(t *testing.T) { same(t, c.in) })
		all.WriteString(c.in)
	}
	t.Run("all", func(t *testing.T) { same(t, all.String()) })
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(inputCases[r.IntN(len(inputCases))].in)
		}
		t.Run(fmt.Sprintf("run %d", i), func(t *testing.T) { same(t, b.String()) })
	}
}

// msgRecorder is a program that records the input messages it gets.
type msgRecorder struct {
	mu   *sync.Mutex
	msgs *[]string
	got  chan<- struct{}
}

func (m msgRecorder) Init() tea.Cmd { return nil }

func (m msgRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var s string
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		s = "key " + msg.String()
	case tea.PasteMsg:
		s = "paste " + msg.Content
	case tea.PasteStartMsg:
		s = "paste start"
	case tea.PasteEndMsg:
		s = "paste end"
	default:
		return m, nil
	}
	m.mu.Lock()
	*m.msgs = append(*m.msgs, s)
	m.mu.Unlock()
	m.got <- struct{}{}
	return m, nil
}

func (m msgRecorder) View() tea.View { return tea.NewView("") }

// TestKeysReachTheProgramAsMessages: keys the client types, split into
// reads of any size, and a paste reach a program as the same Bubble Tea
// messages as before: arrows, enter, ctrl+c and esc (esc alone, once no
// more input follows) and the pasted text.
func TestKeysReachTheProgramAsMessages(t *testing.T) {
	in := "\x1b[A\x1b[B\x1b[C\x1b[D\r\x03" + pasteStart + "two\nlines ěš" + pasteEnd + "x\x1b"
	want := []string{"key up", "key down", "key right", "key left", "key enter", "key ctrl+c",
		"paste start", "paste two\nlines ěš", "paste end", "key x", "key esc"}
	for _, chunk := range []int{1, 2, 5, 4096} {
		t.Run(fmt.Sprint(chunk), func(t *testing.T) {
			var mu sync.Mutex
			var msgs []string
			got := make(chan struct{}, 100)
			p := tea.NewProgram(msgRecorder{&mu, &msgs, got}, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
			go func() { _, _ = p.Run() }()
			defer p.Kill()
			pr, pw := io.Pipe()
			dec := newKeyDecoder(p.Send)
			defer dec.release()
			go readKeys(pr, dec)
			defer pw.Close()
			// Written as a client's packets arrive; the reader gets no
			// end of input: the last esc comes by the timeout.
			for b := []byte(in); len(b) > 0; {
				k := min(chunk, len(b))
				if _, err := pw.Write(b[:k]); err != nil {
					t.Fatal(err)
				}
				b = b[k:]
			}
			deadline := time.After(testClientHangGuard)
			for range want {
				select {
				case <-got:
				case <-deadline:
					mu.Lock()
					defer mu.Unlock()
					t.Fatalf("got %q, want %q", msgs, want)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(msgs, want) {
				t.Errorf("got %q, want %q", msgs, want)
			}
		})
	}
}

// TestKeyDecoderHoldsLittle: an incomplete sequence followed by a stream
// of text without a pause is decoded once the decoder holds maxHeld
// bytes, not kept; and after release nothing is passed on.
func TestKeyDecoderHoldsLittle(t *testing.T) {
	var n int
	dec := newKeyDecoder(func(uv.Event) { n++ })
	dec.feed([]byte("\x1b[1;")) // an incomplete CSI: wait for the rest
	for range 10 {
		dec.feed([]byte(strings.Repeat("\x1b[1;", 500)))
		dec.mu.Lock()
		held := len(dec.held)
		dec.mu.Unlock()
		if held > maxHeld {
			t.Fatalf("the decoder holds %d bytes, want at most %d", held, maxHeld)
		}
	}
	if n == 0 {
		t.Fatal("nothing was passed on")
	}
	dec.release()
	before := n
	dec.feed([]byte("abc"))
	dec.end()
	if n != before {
		t.Fatalf("%d events passed on after release", n-before)
	}
}
