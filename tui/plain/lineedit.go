package plain

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// printer writes whole lines, and in raw mode echoes what is typed and
// edits the line; a line told while one is being typed comes before it,
// and the typed part is shown again after it.
type printer struct {
	mu  sync.Mutex
	w   io.Writer
	raw bool
	buf []byte // the line being typed (raw mode)
}

func (p *printer) nl() string {
	if p.raw {
		return "\r\n"
	}
	return "\n"
}

func (p *printer) say(line string) { p.print([]string{line}) }

func (p *printer) print(lines []string) {
	if len(lines) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	if p.raw && len(p.buf) > 0 {
		b.WriteString(p.nl())
	}
	for _, l := range lines {
		b.WriteString(Printable(l))
		b.WriteString(p.nl())
	}
	if p.raw {
		b.Write(p.buf)
	}
	_, _ = io.WriteString(p.w, b.String())
}

// read reads lines from in and sends them on typed until in ends or asks
// to leave (ctrl-c, ctrl-d). In raw mode it is a small line editor:
// printable characters are echoed, backspace takes the last character
// back, ctrl-u the whole line; escape sequences (arrow keys) and other
// control characters are ignored. The echo of what one read brought is
// written at once, under the printer's lock, so that a told line never
// cuts into it.
func (p *printer) read(ctx context.Context, in io.Reader, typed chan<- string) error {
	var (
		chunk = make([]byte, 512)
		esc   int // 0 none, 1 after ESC, 2 inside CSI or SS3
		lastR bool
		echo  strings.Builder
	)
	flush := func() { // p.mu is held
		if p.raw && echo.Len() > 0 {
			_, _ = io.WriteString(p.w, echo.String())
		}
		echo.Reset()
	}
	send := func() bool { // p.mu is held, and is again on return
		line := Printable(string(p.buf))
		p.buf = p.buf[:0]
		echo.WriteString(p.nl())
		flush()
		p.mu.Unlock()
		defer p.mu.Lock()
		select {
		case typed <- line:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		n, err := in.Read(chunk)
		p.mu.Lock()
		for _, c := range chunk[:n] {
			wasR := lastR
			lastR = c == '\r'
			switch {
			case esc == 1:
				esc = 0
				if c == '[' || c == 'O' {
					esc = 2
				}
				continue
			case esc == 2:
				if c >= 0x40 && c <= 0x7e {
					esc = 0
				}
				continue
			}
			switch {
			case c == 0x1b:
				esc = 1
			case c == 0x03 || c == 0x04:
				echo.WriteString(p.nl())
				flush()
				p.mu.Unlock()
				return nil
			case c == '\n' && wasR:
				// the LF of a CRLF: the line was sent at the CR
			case c == '\r' || c == '\n':
				if !send() {
					p.mu.Unlock()
					return nil
				}
			case c == 0x7f || c == 0x08:
				if len(p.buf) > 0 {
					start := lastStart(p.buf)
					if utf8.FullRune(p.buf[start:]) && Printable(string(p.buf[start:])) != "" {
						echo.WriteString("\b \b") // a character was shown
					}
					p.buf = p.buf[:start]
				}
			case c == 0x15:
				echo.WriteString(strings.Repeat("\b \b", utf8.RuneCountInString(Printable(string(p.buf)))))
				p.buf = p.buf[:0]
			case c == '\t':
				p.add(' ', &echo)
			case c < 0x20:
			default:
				p.add(c, &echo)
			}
		}
		if err != nil && len(p.buf) > 0 {
			send()
		}
		flush()
		p.mu.Unlock()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// add puts a typed byte on the line and echoes a character once it is
// whole, never half of one. p.mu is held.
func (p *printer) add(c byte, echo *strings.Builder) {
	if len(p.buf) >= maxLine {
		return
	}
	p.buf = append(p.buf, c)
	start := lastStart(p.buf)
	if utf8.FullRune(p.buf[start:]) {
		echo.WriteString(Printable(string(p.buf[start:])))
	}
}

// lastStart is where the last (maybe partial) character of b starts.
func lastStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return len(b) - 1
}
