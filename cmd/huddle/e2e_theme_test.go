package main

import (
	"strings"
	"testing"
)

// screenEscapes is the screen with its colours and attributes, as tmux
// keeps them.
func (tm *tmux) screenEscapes() string {
	out, _ := tm.tmuxCmd("capture-pane", "-p", "-e", "-t", tm.target()).Output()
	return string(out)
}

// The high-contrast theme's accent (the title, the focused row) on a
// dark and on a light terminal; the default theme uses neither.
var highContrastAccents = []string{"38;5;228", "38;5;54"}

func hasAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestEndToEndThemeIsChosenByFlagOrEnvironment runs local stand-ups in
// tmux: --theme high-contrast and HUDDLE_THEME=high-contrast draw the
// waiting room in the high-contrast colours, with its focus marker; no
// theme draws it in the default ones.
func TestEndToEndThemeIsChosenByFlagOrEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildHuddle(t)
	for _, tc := range []struct {
		name, env, flag string
		contrast        bool
	}{
		{"flag", "", " --theme high-contrast", true},
		{"environment", "HUDDLE_THEME=high-contrast ", "", true},
		{"flag over environment", "HUDDLE_THEME=high-contrast ", " --theme default", false},
		{"none", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := "env HUDDLE_DATA_DIR=" + t.TempDir() + " HUDDLE_NAME=Maria " + tc.env + bin +
				" standup --team musicstore --members Lukas,Julia" + tc.flag + "; echo huddle-exited-$?; sleep 600"
			tm := startTmux(t, cmd)
			tm.waitFor("waiting room", "▸ Lukas")
			if got := hasAny(tm.screenEscapes(), highContrastAccents); got != tc.contrast {
				t.Fatalf("high-contrast colours: %v, want %v:\n%q", got, tc.contrast, tm.screenEscapes())
			}
			tm.keys("q")
			tm.waitFor("huddle-exited-0")
		})
	}
}

// TestEndToEndUnknownThemeIsRefused: a wrong theme, by flag or by
// HUDDLE_THEME, stops huddle before it draws anything, naming the themes.
func TestEndToEndUnknownThemeIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildHuddle(t)
	for _, run := range []string{bin + " standup --team t --members A --theme neon", "env HUDDLE_THEME=neon " + bin + " retro --team t --members A"} {
		tm := startTmux(t, "env HUDDLE_DATA_DIR="+t.TempDir()+" "+run+"; echo huddle-exited-$?; sleep 600")
		tm.waitFor(`unknown theme "neon"`, "default, high-contrast", "huddle-exited-1")
	}
}
