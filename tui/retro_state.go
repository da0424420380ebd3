package tui

import "huddle/session"

// retroUI is what the retrospective's screens remember between keys: the
// cursor on the board or list, the card being moved onto another, and the
// retrospective's own prompt. It is reset when the phase changes.
type retroUI struct {
	phase  session.Phase
	col    int // the selected column of the board
	row    int // the selected entry in the column, or in a list
	sel    int // the id under the cursor (a card, a topic), so it stays put when others add cards
	moving int // grouping: the card that is being moved onto another; 0 when none

	prompt    *retroPrompt
	actingFor session.ParticipantID // shared keyboard: whom check-ins, dots, scores and "done" are for
}

// retroScreen is the retrospective's screen: its phases' keys, views and
// key help, and its own prompt (retro_prompt.go). The board of the write,
// group and vote phases (retroBoard) and the other phases (retroPhases)
// are views of it; the waiting room is the stand-up's.
type retroScreen struct {
	*common
	waitingRoom
	cur retroUI // the cursor, selection and prompt

	// drawColumn draws a column of the board: columnView, which tests
	// swap for a reference that styles every entry before cutting to the
	// view.
	drawColumn func(b retroBoard, c boardCol, focused bool, sel, moving, w, h int) string
}

func newRetroScreen(c *common) *retroScreen {
	return &retroScreen{common: c, waitingRoom: waitingRoom{c}, drawColumn: retroBoard.columnView}
}

// retroBoard is the retrospective's board: the write, group and vote
// phases (retro_board.go, retro_draw.go).
type retroBoard struct{ *retroScreen }

// retroAsker answers the retrospective's prompt (retro_prompt.go): the
// command it asked for, the next question, or why it was refused.
type retroAsker struct{ *retroScreen }

// retroPhases is the rest of the retrospective: the waiting room's
// format, check-in, review, discussion, action items, ROTI and summary.
type retroPhases struct{ *retroScreen }

// board returns the model's retroUI.
func (m *retroScreen) board() retroUI { return m.cur }

// setBoard keeps b as the model's retroUI.
func (m *retroScreen) setBoard(b retroUI) { m.cur = b }
