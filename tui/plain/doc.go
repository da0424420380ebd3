// Package plain is huddle's line view: the same per-participant state the
// TUI draws (session.State.For, as the TUI reads it), told as one line
// per change, in order, each prefixed with the local time ("10:03 Julia's
// turn, 2:00"), and typed line commands that go through the same
// Room.Submit as the TUI's keys. It writes no escape sequence, ever: for
// screen readers, braille displays, logs and scripts. The line format is
// documented in docs/plain.md and kept stable.
package plain
