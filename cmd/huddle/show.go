package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/session/export"
	"huddle/tui"
)

func newShowCmd(g *globalFlags, in io.Reader, out io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "show [SESSION]",
		Short: "Show the minutes of a session, rendered in the terminal",
		Long: `Show the Markdown minutes of a session rendered in the terminal, in a
pager when they are longer than the screen (↑/↓, pgup/pgdn, q to quit).
SESSION is a session id, a join code, or last (the default).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := "last"
			if len(args) > 0 {
				ref = args[0]
			}
			info, events, err := loadSession(cmd.Context(), g.where(), ref)
			if err != nil {
				return err
			}
			var md bytes.Buffer
			if err := export.Markdown(&md, session.Fold(info.ID, events)); err != nil {
				return err
			}
			width, height := 80, 0
			f, isFile := out.(*os.File)
			if isFile && term.IsTerminal(f.Fd()) {
				if w, h, err := term.GetSize(f.Fd()); err == nil {
					width, height = w, h
				}
			}
			r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(glamourStyle(height > 0)), glamour.WithWordWrap(min(width, 100)-2))
			if err != nil {
				return fmt.Errorf("render: %w", err)
			}
			text, err := r.Render(forGlamour(md.String()))
			if err != nil {
				return fmt.Errorf("render: %w", err)
			}
			if height == 0 || strings.Count(text, "\n") < height {
				_, err = io.WriteString(out, text)
				return err
			}
			return tui.Page(text, width, height, in, out)
		},
	}
}

// forGlamour rewrites the backslash escapes of the minutes that glamour
// shows as they are (\~, \& and \$: it unescapes the others) as character
// references, which it shows as the character, so that the rendered
// minutes read as typed. A character reference, unlike the bare
// character, cannot start markup (~y~ would be struck through).
func forGlamour(md string) string {
	var b strings.Builder
	b.Grow(len(md))
	for i := 0; i < len(md); i++ {
		if md[i] != '\\' || i+1 == len(md) {
			b.WriteByte(md[i])
			continue
		}
		switch md[i+1] {
		case '~':
			b.WriteString("&#126;")
		case '&':
			b.WriteString("&#38;")
		case '$':
			b.WriteString("&#36;")
		default:
			b.WriteString(md[i : i+2]) // another escape, or \\: kept whole
		}
		i++
	}
	return b.String()
}

// glamourStyle is "dark" on a terminal (respecting NO_COLOR) and plain
// ASCII when the output is a file or a pipe.
func glamourStyle(terminal bool) string {
	if !terminal || os.Getenv("NO_COLOR") != "" {
		return "notty"
	}
	return "dark"
}
