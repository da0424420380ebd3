package tui

import (
	"slices"
	"strings"

	"huddle/session"
)

// The lobby's form has three fields whose value is one of a few words:
// the kind, the retrospective's format and the guests. ←/→ choose among
// them there, so that nobody needs huddle formats at hand over SSH; the
// format can still be typed, and columns like "Keep,Drop,Try" make a
// custom board (then ←/→ move in the text again).

// The form's fields by position (formLabels).
const (
	fieldKind   = 0
	fieldFormat = 5
	fieldGuests = 6
)

// formChoices are the values ←/→ step through in a field of the form,
// nil for a field that is typed.
func formChoices(field int) []string {
	switch field {
	case fieldKind:
		return []string{"standup", "retro"}
	case fieldFormat:
		out := make([]string, len(session.Formats))
		for i, f := range session.Formats {
			out[i] = f.Format.String()
		}
		return out
	case fieldGuests:
		return []string{"knock", "open"}
	}
	return nil
}

// stepChoice is the field's value after ←/→ (step -1 or 1): the next of
// its choices, wrapping; from an empty value the first (or the last). It
// reports false when the field is typed, or holds text that is none of
// its choices (a custom board), which the key then edits as text.
func stepChoice(field int, value string, step int) (string, bool) {
	choices := formChoices(field)
	if len(choices) == 0 {
		return "", false
	}
	value = strings.ToLower(strings.TrimSpace(value))
	i := slices.Index(choices, value)
	switch {
	case i >= 0:
		i = (i + step + len(choices)) % len(choices)
	case value == "" && step > 0:
		i = 0
	case value == "":
		i = len(choices) - 1
	default:
		return "", false
	}
	return choices[i], true
}

// formatNote is the line under the form while the format is chosen: the
// chosen board's columns and guidance, or what a typed list makes.
func formatNote(value string) string {
	value = strings.TrimSpace(value)
	if f, err := session.ParseFormat(value); err == nil {
		for _, info := range session.Formats {
			if info.Format == f {
				return info.Title + ": " + strings.Join(info.Columns, " · ") + " — " + info.Guidance
			}
		}
	}
	if cols := strings.Split(value, ","); len(cols) > 1 {
		return "your own board: " + strings.Join(cols, " · ")
	}
	return "empty: the team's last board · ←/→ choose one, or type columns like Keep,Drop,Try"
}
