// Package sshserver serves huddle to a whole team over SSH with wish: one
// Bubble Tea program per SSH session, all of a session's programs sharing
// one session.Room.
//
// The boundary: this package knows SSH — host keys, authentication,
// identity from public keys, pty sizes, client-controlled bytes, command
// routing, connection limits — and nothing of the stand-up itself. It turns
// a connection into a participant (session.Join), hands the tui package a
// Room, and leaves every rule to session. The tui package knows nothing of
// SSH; the Lobby interface and the Room are the only glue.
package sshserver
