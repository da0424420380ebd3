package export

import (
	"fmt"
	"io"
	"strings"

	"huddle/session"
)

// Formats are the export formats by name, in the order help lists them.
var Formats = []string{"md", "json", "html", "csv"}

// Write encodes a recorded session in the named format: md (Markdown
// minutes), json (the record), html (self-contained minutes with charts)
// or csv (the action items). An unknown format is an ErrInvalid error and
// writes nothing.
func Write(w io.Writer, format string, info session.Info, events []session.Event) error {
	switch format {
	case "json":
		return JSON(w, info, events)
	case "md", "html", "csv":
	default:
		return fmt.Errorf("%w: unknown format %q (want %s)", session.ErrInvalid, format, strings.Join(Formats, ", "))
	}
	s := session.Fold(info.ID, events)
	switch format {
	case "html":
		return HTML(w, s)
	case "csv":
		return CSV(w, s)
	}
	return Markdown(w, s)
}
