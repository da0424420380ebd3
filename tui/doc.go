// Package tui is huddle's terminal interface: Bubble Tea models and lipgloss
// styles for a live session.
//
// The boundary: tui talks to a session only through the Room interface
// (submit a command, subscribe to snapshots, read the clock). It knows
// nothing about SSH, SQL or flags, so local mode and every SSH participant
// build the same Model and only the wiring around it differs. It never
// writes to stdout itself; everything goes through the program's view.
package tui
