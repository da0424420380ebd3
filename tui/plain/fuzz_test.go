package plain

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"huddle/session"
)

// FuzzParse: no line makes Parse panic, and what it says back holds no
// control character.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"park x @Julia", "decide 3 ship", "card Start: a", "for Julia vote 1", "admit 1 as Jörg", "\x1b[31mnext", "group 1 into 2", "action a @Lukas due 2026-01-01"} {
		f.Add(s)
	}
	states := []*session.State{standupState(), retroState(session.Write), retroState(session.Vote), retroState(session.Discuss)}
	f.Fuzz(func(t *testing.T, line string) {
		for _, s := range states {
			for _, me := range []session.ParticipantID{fac, julia} {
				r, err := Parse(Input{State: s, Me: me, Shared: true}, line)
				if err != nil {
					if Printable(err.Error()) != err.Error() {
						t.Fatalf("%q: the error %q holds control characters", line, err)
					}
					continue
				}
				if r.Command == nil && r.Local == "" {
					t.Fatalf("%q: neither a command nor a request", line)
				}
			}
		}
	})
}

// FuzzLineEditor: whatever bytes a client sends, the echo holds no control
// character but CR, LF and backspace, and no line it passes on does.
func FuzzLineEditor(f *testing.F) {
	for _, s := range []string{"park x\r\n", "ab\x7f\x7fc\x15d\r", "\x1b[A\x1bOBx\r", "\x9b31m\xc3\r", "é\x7f\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		p := &printer{w: &out, raw: true}
		typed := make(chan string)
		done := make(chan struct{})
		var lines []string
		go func() {
			defer close(done)
			for l := range typed {
				lines = append(lines, l)
			}
		}()
		_ = p.read(context.Background(), bytes.NewReader(in), typed)
		close(typed)
		<-done
		echo := strings.NewReplacer("\r", "", "\n", "", "\b", "").Replace(out.String())
		if Printable(echo) != echo {
			t.Fatalf("echo %q holds control characters", out.String())
		}
		for _, l := range lines {
			if Printable(l) != l {
				t.Fatalf("line %q holds control characters", l)
			}
		}
	})
}
