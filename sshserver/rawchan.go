package sshserver

import (
	"bytes"
	"io"
	"reflect"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// channelOf is where an interactive session's output goes: the session's
// SSH channel itself, not the session. charm.land/ssh's session, with the
// pty it emulates, copies every write twice to turn \n into \r\n (and
// looks up the emulation in its context each time), on every frame sent
// to every participant; huddle's painter writes no newline at all. The
// channel is the session's embedded gossh.Channel, which the library does
// not export otherwise; if it cannot be found (another library version),
// the session itself is written to, as before.
func channelOf(sess ssh.Session) io.Writer {
	inner := sess
	if r, ok := inner.(*readSession); ok { // the server's own wrapper (readPty)
		inner = r.Session
	}
	v := reflect.ValueOf(inner)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return sess
	}
	f := v.Elem().FieldByName("Channel")
	if !f.IsValid() || !f.CanInterface() {
		return sess
	}
	ch, ok := f.Interface().(gossh.Channel)
	if !ok || ch == nil {
		return sess
	}
	return crlfWriter{w: ch, crlf: sess.EmulatedPty()}
}

// crlfWriter writes to an SSH channel as charm.land/ssh's session does
// (ssh.NewPtyWriter, for an emulated pty: a \n not after a \r is sent as
// \r\n), without a copy when there is no \n to turn.
type crlfWriter struct {
	w    io.Writer
	crlf bool
}

func (c crlfWriter) Write(p []byte) (int, error) {
	if !c.crlf || bytes.IndexByte(p, '\n') < 0 {
		return c.w.Write(p)
	}
	b := make([]byte, 0, len(p)+bytes.Count(p, []byte{'\n'}))
	for i, x := range p {
		if x == '\n' && (i == 0 || p[i-1] != '\r') {
			b = append(b, '\r')
		}
		b = append(b, x)
	}
	n, err := c.w.Write(b)
	return min(n, len(p)), err
}
