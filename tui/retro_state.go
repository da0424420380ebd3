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

	prompt     *retroPrompt
	lastAuthor session.ParticipantID // shared keyboard: whom the last card was for
	actingFor  session.ParticipantID // shared keyboard: whom check-ins, dots, scores and "done" are for
}

// board returns the model's retroUI.
func (m *Model) board() retroUI { return m.retro }

// setBoard keeps b as the model's retroUI.
func (m *Model) setBoard(b retroUI) { m.retro = b }
