package session

import "errors"

// Errors returned by Decide, Room.Submit and Store implementations. They are
// wrapped with a sentence for the person who caused them, so errors.Is tells
// the kind and Error() is fit to show on screen.
var (
	// ErrForbidden: the actor's role does not allow the command.
	ErrForbidden = errors.New("not allowed")
	// ErrPhase: the command does not fit the session's current phase.
	ErrPhase = errors.New("not now")
	// ErrInvalid: the command's input is malformed or empty.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound: a participant, item, team or session does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the command would repeat what already happened, or a
	// store write raced another writer of the same session.
	ErrConflict = errors.New("conflict")
	// ErrClosed: the room has been closed and takes no more commands.
	ErrClosed = errors.New("room closed")
	// ErrStore: the store could not save a command's events, so the
	// command changed nothing (Room.Submit wraps the store's error in
	// it); trying again later may work.
	ErrStore = errors.New("could not save")
	// ErrFull: the store has no space left (a full disk, or a database at
	// its size limit). Stores wrap it in the error of the write.
	ErrFull = errors.New("no space left")
	// ErrLimit: the session holds as many of something (parking-lot
	// topics, cards, notes, action items …) as one session may; see
	// MaxTopics and the other caps.
	ErrLimit = errors.New("limit reached")
	// ErrBusy: the session as a whole takes commands faster than
	// RoomOptions allows; trying again in a moment works. Presence and
	// the room's own time-box events are never refused with it.
	ErrBusy = errors.New("busy")
	// ErrInternal: a fault in huddle (a panic) while a room decided or
	// applied a command. The room reports it through RoomOptions.Error
	// and the command fails with it; the process goes on.
	ErrInternal = errors.New("internal error")
)
