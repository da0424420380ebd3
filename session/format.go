package session

import (
	"fmt"
	"strings"
)

// Format is a retrospective's board: its columns and how to use them.
type Format int

// The built-in formats, and Custom with columns of the team's choosing.
const (
	StartStopContinue Format = iota
	MadSadGlad
	FourLs
	Sailboat
	WentWell
	LeanCoffee
	Custom
)

var formatNames = names[Format]{"start-stop-continue", "mad-sad-glad", "4ls", "sailboat", "went-well", "lean-coffee", "custom"}

func (f Format) String() string { return formatNames.str(f) }

// ParseFormat parses a format name such as "4ls".
func ParseFormat(s string) (Format, error) { return formatNames.parse("format", s) }

// MarshalText implements encoding.TextMarshaler.
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *Format) UnmarshalText(b []byte) (err error) { *f, err = ParseFormat(string(b)); return err }

// FormatInfo describes a built-in format.
type FormatInfo struct {
	Format   Format
	Title    string
	Columns  []string
	Guidance string
}

// Formats lists the built-in formats with one line of guidance each.
var Formats = []FormatInfo{
	{StartStopContinue, "Start / Stop / Continue", []string{"Start", "Stop", "Continue"},
		"What should we begin doing, quit doing, and keep doing?"},
	{MadSadGlad, "Mad / Sad / Glad", []string{"Mad", "Sad", "Glad"},
		"How did the sprint feel? Good for a team that needs to air feelings first."},
	{FourLs, "4Ls", []string{"Liked", "Learned", "Lacked", "Longed for"},
		"What we liked, learned, lacked and longed for: a balanced look back."},
	{Sailboat, "Sailboat", []string{"Wind", "Anchors", "Rocks", "Island"},
		"What pushes us, holds us back, lies ahead as risk, and where we want to go."},
	{WentWell, "Went well / To improve / Ideas", []string{"Went well", "To improve", "Ideas"},
		"The classic: keep the good, fix the bad, try something new."},
	{LeanCoffee, "Lean Coffee", []string{"Topics"},
		"Everyone proposes topics, the team votes, then talks topic by topic in short rounds."},
}

// FormatList is the list of the formats as huddle formats (and formats
// over SSH) print it: each with its columns and guidance, then the custom
// board.
func FormatList() string {
	var b strings.Builder
	for _, f := range Formats {
		fmt.Fprintf(&b, "%-20s %s\n%-20s %s\n", f.Format, f.Title+": "+strings.Join(f.Columns, ", "), "", f.Guidance)
	}
	fmt.Fprintf(&b, "%-20s %s\n%-20s %s\n", Custom, "your own columns: --columns \"Keep,Drop,Try\"", "",
		fmt.Sprintf("Up to %d columns, for a team that knows what it wants to look at.", MaxColumns))
	return b.String()
}

// MaxColumns bounds a custom format.
const MaxColumns = 6

// Columns returns the columns of a format; custom formats bring their own.
func Columns(f Format, custom []string) ([]string, error) {
	if f == Custom {
		cols := cleanList(custom, MaxName)
		if len(cols) == 0 || len(cols) > MaxColumns {
			return nil, fmt.Errorf("%w: a custom format needs 1 to %d columns, like \"Keep,Drop,Try\"", ErrInvalid, MaxColumns)
		}
		return cols, nil
	}
	for _, info := range Formats {
		if info.Format == f {
			return append([]string(nil), info.Columns...), nil
		}
	}
	return nil, fmt.Errorf("%w: unknown format %d", ErrInvalid, int(f))
}
