package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// screen is what the root model asks of the screen of a session's kind.
type screen interface {
	// promptKey hands a key to the screen's own prompt, if it has one
	// open, and reports whether it did.
	promptKey(msg tea.KeyPressMsg) (tea.Cmd, bool)
	// shared is the bindings of the keys every screen has, switched on
	// and off for this moment.
	shared() sharedKeys
	// ask opens the screen's prompt for a key every screen has: park,
	// end or hand over.
	ask(a retroAsk) tea.Cmd
	// key handles a key of the screen's own.
	key(msg tea.KeyPressMsg) tea.Cmd
	// update hands any other message, such as a paste, to its prompt.
	update(msg tea.Msg) tea.Cmd
	// view draws the body, w by h cells.
	view(w, h int) string
	// helpKeys is the footer's key map.
	helpKeys() help.KeyMap
}

// sharedKeys are the keys every screen has, which the root handles.
type sharedKeys struct {
	Help, Park, End, HandOver, TakeOver key.Binding
}

// screen is the screen of the session's kind.
func (m *Model) screen() screen {
	if m.state.Config.Kind == session.Retro {
		return m.retro
	}
	return m.standup
}
