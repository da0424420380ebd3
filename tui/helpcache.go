package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
	lru "github.com/hashicorp/golang-lru/v2"
)

// The key help at the foot of the screen is drawn by lipgloss, on every
// update of every program: with the screens themselves painted cheaply
// (sshserver paints by rows), it was a quarter of a room's CPU per
// change. It depends only on the bindings shown, the width, the full or
// short form, the theme and the background, which most programs of a
// process share: it is drawn once per those, for the whole process.
var helpViews, _ = lru.New[string, string](1024)

// helpView is h.View(keys), drawn with h's styles, which st's theme and
// background made (see Model.update), each line cut to cut cells (none
// if cut is negative), from the process's cache. The key is written
// piece by piece: it is built on every update of every program.
func helpView(h *help.Model, keys help.KeyMap, st *Styles, cut int) string {
	var b strings.Builder
	b.Grow(512)
	b.WriteString(st.theme.String())
	var num [20]byte
	b.Write(strconv.AppendInt(num[:0], int64(h.Width()), 10))
	b.WriteByte(',')
	b.Write(strconv.AppendInt(num[:0], int64(cut), 10))
	b.Write(strconv.AppendBool(num[:0], h.ShowAll))
	b.Write(strconv.AppendBool(num[:0], st.dark))
	b.WriteString(h.ShortSeparator)
	b.WriteByte(0)
	b.WriteString(h.FullSeparator)
	b.WriteByte(0)
	b.WriteString(h.Ellipsis)
	add := func(group []key.Binding) {
		b.WriteByte('\x02') // a column
		for i := range group {
			if kb := &group[i]; kb.Enabled() {
				b.WriteByte(0)
				b.WriteString(kb.Help().Key)
				b.WriteByte(1)
				b.WriteString(kb.Help().Desc)
			}
		}
	}
	if h.ShowAll {
		for _, g := range keys.FullHelp() {
			add(g)
		}
	} else {
		add(keys.ShortHelp())
	}
	k := b.String()
	if s, ok := helpViews.Get(k); ok {
		return s
	}
	s := h.View(keys)
	if cut >= 0 {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, cut, "…")
		}
		s = strings.Join(lines, "\n")
	}
	helpViews.Add(k, s)
	return s
}
