package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
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
// background made (see Model.update), from the process's cache.
func helpView(h *help.Model, keys help.KeyMap, st *Styles) string {
	var b strings.Builder
	b.WriteString(st.theme.String())
	b.WriteString(strconv.Itoa(h.Width()))
	b.WriteString(strconv.FormatBool(h.ShowAll))
	b.WriteString(strconv.FormatBool(st.dark))
	b.WriteString(h.ShortSeparator + "\x00" + h.FullSeparator + "\x00" + h.Ellipsis)
	add := func(group []key.Binding) {
		b.WriteByte('\x02') // a column
		for _, kb := range group {
			if kb.Enabled() {
				b.WriteString("\x00" + kb.Help().Key + "\x01" + kb.Help().Desc)
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
	helpViews.Add(k, s)
	return s
}
