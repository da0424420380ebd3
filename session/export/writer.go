package export

import (
	"fmt"
	"io"
)

// writer writes to w until the first error and then writes nothing more,
// so that encoders can write line after line and check once, at the end,
// as bufio.Writer lets its callers do.
type writer struct {
	w   io.Writer
	err error // the first error; sticky
}

// Write implements io.Writer, so that a writer can stand under an encoder
// of its own (json.Encoder); after the first error it writes nothing and
// returns that error.
func (w *writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	w.err = err
	return n, err
}

// print writes the strings one after another.
func (w *writer) print(parts ...string) {
	for _, s := range parts {
		if w.err != nil {
			return
		}
		_, _ = io.WriteString(w, s)
	}
}

// line writes the strings and a line feed.
func (w *writer) line(parts ...string) {
	w.print(parts...)
	w.print("\n")
}

// printf formats like fmt.Fprintf.
func (w *writer) printf(format string, args ...any) {
	if w.err == nil {
		_, _ = fmt.Fprintf(w, format, args...)
	}
}
