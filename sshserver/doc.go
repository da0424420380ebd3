// Package sshserver serves huddle to a whole team over SSH with wish: one
// Bubble Tea program per SSH session, all of a session's programs sharing
// one session.Room.
//
// The boundary: this package knows SSH — host keys, authentication,
// identity from public keys, pty sizes, client-controlled bytes, command
// routing, connection limits — and nothing of the stand-up itself. It turns
// a connection into a participant (session.Join), hands the tui package a
// Room, and leaves every rule to session: who may open, change or export
// what (session.Teams, session.Exportable), what a new session may be
// (session.Opening, which the new command and the lobby's form fill and
// session.Opening.Validate checks, over what the team remembers). What it
// keeps is what only a connection knows: a key's connections per room
// (presence: a participant joins with their first and leaves with their
// last), the budgets of join codes and new sessions (whether a code still
// leads in for a key is session.State.EnterByCode), and when a client
// that stopped reading is evicted (evict.go). The tui package knows
// nothing of SSH; the Lobby interface and the Room are the only glue.
package sshserver
