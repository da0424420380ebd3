package main

import (
	"strings"

	"github.com/spf13/cobra"

	"huddle/tui"
)

// themeValue is --theme (and HUDDLE_THEME, see applyEnv): the look of
// the full-screen interface.
type themeValue struct{ t *tui.Theme }

func (v themeValue) String() string { return v.t.String() }
func (v themeValue) Type() string   { return "theme" }
func (v themeValue) Set(s string) error {
	t, err := tui.ParseTheme(s)
	if err != nil {
		return err
	}
	*v.t = t
	return nil
}

// addThemeFlag gives a command that draws the interface its --theme,
// for what says.
func addThemeFlag(cmd *cobra.Command, t *tui.Theme, what string) {
	cmd.Flags().Var(themeValue{t}, "theme", what+": "+strings.Join(tui.ThemeNames(), " or ")+
		"; high-contrast is for low vision (every colour at least 7:1 on dark and light terminals, nothing faint)")
}
