package session

import (
	"strings"
	"testing"
)

// FormatList, what huddle formats and formats over SSH print, names every
// board with its columns and guidance, and the custom board last.
func TestFormatListNamesEveryBoard(t *testing.T) {
	list := FormatList()
	for _, f := range Formats {
		if !strings.Contains(list, f.Format.String()) || !strings.Contains(list, strings.Join(f.Columns, ", ")) || !strings.Contains(list, f.Guidance) {
			t.Errorf("the list lacks %s:\n%s", f.Format, list)
		}
	}
	if !strings.Contains(list, "custom") || !strings.Contains(list, "Up to 6 columns") {
		t.Errorf("the list lacks the custom board:\n%s", list)
	}
}
