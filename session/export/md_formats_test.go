package export

import (
	"bytes"
	"testing"

	"huddle/session"
)

// TestMarkdownGoldenEveryFormat keeps the Markdown minutes of a
// retrospective of every built-in format, and a custom one, as golden
// files, beside those of the HTML and CSV exports.
func TestMarkdownGoldenEveryFormat(t *testing.T) {
	for _, r := range goldenRetros() {
		t.Run(r.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, session.Fold("r-"+r.name, r.events)); err != nil {
				t.Fatal(err)
			}
			golden(t, "md-retro-"+r.name+".md", b.Bytes())
		})
	}
}
