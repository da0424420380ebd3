package rowpaint

import (
	"bytes"
	"strconv"

	"github.com/charmbracelet/x/ansi"
)

// The control sequences a paint writes for every row it moves to, written
// into the paint's buffer as ansi's functions make them, byte for byte,
// without a string of their own each.

// cup writes ansi.CursorPosition(col, row).
func cup(b *bytes.Buffer, col, row int) {
	if row <= 1 && col <= 1 {
		b.WriteString(ansi.CursorHomePosition)
		return
	}
	params(b, row, col, 'H')
}

// stbm writes ansi.SetTopBottomMargins(top, bot).
func stbm(b *bytes.Buffer, top, bot int) { params(b, top, bot, 'r') }

// params writes CSI p1 ; p2 final, leaving out a parameter below 1.
func params(b *bytes.Buffer, p1, p2 int, final byte) {
	var num [20]byte
	b.WriteString("\x1b[")
	if p1 > 0 {
		b.Write(strconv.AppendInt(num[:0], int64(p1), 10))
	}
	b.WriteByte(';')
	if p2 > 0 {
		b.Write(strconv.AppendInt(num[:0], int64(p2), 10))
	}
	b.WriteByte(final)
}
