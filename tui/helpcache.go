package tui

import (
	"strconv"
	"strings"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// The key help at the foot of the screen is drawn by lipgloss, on every
// update of every program: with the screens themselves painted cheaply
// (sshserver paints by rows), it was a quarter of a room's CPU per
// change. It depends only on the bindings shown, the width, the full or
// short form, the theme and the background, which most programs of a
// process share: it is drawn once per those, for the whole process.
var helpViews = struct {
	mu sync.Mutex
	m  map[string]string
}{m: map[string]string{}}

// maxHelpViews bounds helpViews: past it, all are dropped. A process
// shows a few dozen sets of keys at a few sizes.
const maxHelpViews = 1024

// helpView is h.View(keys), drawn with h's styles, which st's theme and
// background made (see Model.update), each line cut to cut cells (none
// if cut is negative), from the process's cache. The key is built on
// every update of every program: in a buffer on the stack, without
// allocating. With last (the program's), the help drawn last is kept and
// given again while its key is the same.
func helpView(h *help.Model, keys help.KeyMap, st *Styles, cut int, last *helpMemo) string {
	// On the stack, and looked up without a string of its own.
	b := make([]byte, 0, 512)
	b = append(b, byte(st.theme))
	b = strconv.AppendInt(b, int64(h.Width()), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(cut), 10)
	b = strconv.AppendBool(b, h.ShowAll)
	b = strconv.AppendBool(b, st.dark)
	b = append(b, h.ShortSeparator...)
	b = append(b, 0)
	b = append(b, h.FullSeparator...)
	b = append(b, 0)
	b = append(b, h.Ellipsis...)
	add := func(group []key.Binding) {
		b = append(b, 2) // a column
		for i := range group {
			if kb := &group[i]; kb.Enabled() {
				b = append(b, 0)
				b = append(b, kb.Help().Key...)
				b = append(b, 1)
				b = append(b, kb.Help().Desc...)
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
	if last != nil && last.ok && string(last.key) == string(b) {
		return last.s // the program's last, without the process's lock
	}
	s := sharedHelp(b, h, keys, cut)
	if last != nil {
		last.key, last.s, last.ok = append(last.key[:0], b...), s, true
	}
	return s
}

// sharedHelp is the help of key b from the process's cache, drawn now if
// no program has yet.
func sharedHelp(b []byte, h *help.Model, keys help.KeyMap, cut int) string {
	helpViews.mu.Lock()
	s, ok := helpViews.m[string(b)]
	helpViews.mu.Unlock()
	if ok {
		return s
	}
	s = h.View(keys)
	if cut >= 0 {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, cut, "…")
		}
		s = strings.Join(lines, "\n")
	}
	helpViews.mu.Lock()
	if len(helpViews.m) >= maxHelpViews {
		clear(helpViews.m)
	}
	helpViews.m[string(b)] = s
	helpViews.mu.Unlock()
	return s
}

// helpMemo is the key help a program drew last, and its key.
type helpMemo struct {
	key []byte
	s   string
	ok  bool
}
