package tui

import (
	"runtime"
	"sync"
	"weak"

	"huddle/session"
)

// retroUI is what the retrospective's screens remember between keys: the
// cursor on the board or list, the card being moved onto another, and the
// retrospective's own prompt. It is reset when the phase changes.
type retroUI struct {
	phase  session.Phase
	col    int // the selected column of the board
	row    int // the selected entry in the column, or in a list
	sel    int // the id under the cursor (a card, a topic), so it stays put when others add cards
	moving int // grouping: the card that is being moved onto another; 0 when none

	prompt     *retroPrompt
	lastAuthor session.ParticipantID // shared keyboard: whom the last card was for
}

// The board's state belongs in Model as a field (`retro retroUI`); until
// model.go has one it is kept here, beside each model, keyed by the
// model's subscription: that is unique to the model and lives as long as
// it. A Bubble Tea program uses one model value at a time, so sharing the
// entry between copies of the value changes nothing it does.
//
// With the field in place, board and setBoard become
//
//	func (m Model) board() retroUI       { return m.retro }
//	func (m *Model) setBoard(b retroUI)  { m.retro = b }
//
// and the rest of this file goes.
var boards = struct {
	sync.Mutex
	of map[weak.Pointer[session.Subscription]]retroUI
}{of: map[weak.Pointer[session.Subscription]]retroUI{}}

func (m Model) board() retroUI {
	if m.sub == nil {
		return retroUI{}
	}
	boards.Lock()
	defer boards.Unlock()
	return boards.of[weak.Make(m.sub)]
}

func (m *Model) setBoard(b retroUI) {
	if m.sub == nil {
		return
	}
	k := weak.Make(m.sub)
	boards.Lock()
	defer boards.Unlock()
	if _, ok := boards.of[k]; !ok {
		runtime.AddCleanup(m.sub, func(k weak.Pointer[session.Subscription]) {
			boards.Lock()
			defer boards.Unlock()
			delete(boards.of, k)
		}, k)
	}
	boards.of[k] = b
}
