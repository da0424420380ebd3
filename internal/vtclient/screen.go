// Package vtclient is the terminal of a simulated participant, for the
// load generator (cmd/huddle-load) and the attack runner
// (cmd/huddle-attack): the output of an SSH session's pty rebuilt into a
// screen by a terminal emulator, which answers the program's terminal
// queries (colours, capabilities) as a terminal would.
package vtclient

import (
	"io"
	"sync"

	"github.com/charmbracelet/x/vt"
)

// Screen is a pty's output as a terminal would show it.
type Screen struct {
	inMu sync.Mutex // typed keys and the emulator's replies
	in   io.Writer

	mu    sync.Mutex
	emu   *vt.Emulator
	ended chan struct{}
}

// Start rebuilds what out writes on a screen width×height cells, and
// answers the program's queries on in, until out ends. onChunk, if set,
// is called after each chunk of output with the screen's lock held, with
// the chunk's bytes (valid during the call); its text argument reads the
// screen (an expensive call: only when needed).
func Start(in io.Writer, out io.Reader, width, height int, onChunk func(chunk []byte, text func() string)) *Screen {
	s := &Screen{in: in, emu: vt.NewEmulator(width, height), ended: make(chan struct{})}
	go s.replies()
	go s.read(out, onChunk)
	return s
}

// replies answers the terminal queries the program makes.
func (s *Screen) replies() {
	buf := make([]byte, 1024)
	for {
		n, err := s.emu.Read(buf)
		if n > 0 {
			_ = s.Send(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// read feeds the output to the screen.
func (s *Screen) read(out io.Reader, onChunk func(chunk []byte, text func() string)) {
	defer close(s.ended)
	buf := make([]byte, 32*1024)
	for {
		n, err := out.Read(buf)
		if n > 0 {
			s.mu.Lock()
			_, _ = s.emu.Write(buf[:n])
			if onChunk != nil {
				onChunk(buf[:n], s.emu.String)
			}
			s.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// Send writes keys to the session.
func (s *Screen) Send(b []byte) error {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	_, err := s.in.Write(b)
	return err
}

// Text is the screen as text.
func (s *Screen) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.String()
}

// Ended is closed once the session's output has ended.
func (s *Screen) Ended() <-chan struct{} { return s.ended }

// Close ends the goroutine that answers queries, by closing the
// emulator's reply pipe (Emulator.Close races with a Read in progress).
// Close the connection first, so that the output ends too.
func (s *Screen) Close() {
	if w, ok := s.emu.InputPipe().(*io.PipeWriter); ok {
		_ = w.CloseWithError(io.EOF)
	}
}
