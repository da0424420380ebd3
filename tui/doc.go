// Package tui is huddle's terminal interface: Bubble Tea models and lipgloss
// styles for a live session, its replay, the lobby and the minutes' pager.
//
// The boundary: tui talks to a session only through the Room interface
// (submit a command, subscribe to snapshots, read the clock, and the
// participant's stand-in in anonymous records), and to the server's list
// of sessions through the Lobby interface. It knows
// nothing about SSH, SQL or flags, so local mode and every SSH participant
// build the same Model and only the wiring around it differs. It never
// writes to stdout itself; everything goes through the program's view.
//
// The shape: Model is the root of one participant's program. It owns the
// subscription to the room, the clock, the size, the styles, the help and
// the status line (common, shared by pointer with its screens), handles
// the keys every screen has once, and hands the rest to the screen of the
// session's kind: standupScreen or retroScreen, each with its own keys,
// view and key help. Larger parts of a model are views of it, small
// struct types that embed its pointer: retroBoard, retroPhases, retroAsker
// and retroCorrector of the retrospective's screen, greeter (what a member
// missed) of Model, hints of common. App is the lobby of an SSH participant who came
// without a join code, ReplayModel plays a recorded session back in the
// same screens, and Page runs the pager of huddle show. App and
// ReplayModel are used by pointer, as Model is. docs/architecture.md
// follows a key press through it.
package tui
