package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// subcommand is the root's command called name; "" is the root.
func subcommand(t *testing.T, root *cobra.Command, name string) *cobra.Command {
	t.Helper()
	if name == "" {
		return root
	}
	for _, c := range root.Commands() {
		if c.Name() == name {
			return c
		}
	}
	t.Fatalf("no command %s", name)
	return nil
}

// TestThemeFlagOnEveryCommandThatDraws: the commands that draw the
// interface take --theme and HUDDLE_THEME, the flag winning; a wrong
// name is refused with the themes listed, named as it was given.
func TestThemeFlagOnEveryCommandThatDraws(t *testing.T) {
	for _, name := range []string{"", "standup", "retro", "serve", "replay"} {
		t.Run("command "+name, func(t *testing.T) {
			cmd := subcommand(t, newRootCmd(strings.NewReader(""), &bytes.Buffer{}), name)
			if err := cmd.ParseFlags([]string{"--theme", "high-contrast"}); err != nil {
				t.Fatal(err)
			}
			if got := cmd.Flags().Lookup("theme").Value.String(); got != "high-contrast" {
				t.Fatalf("--theme high-contrast gave %s", got)
			}

			t.Setenv("HUDDLE_THEME", "high-contrast")
			cmd = subcommand(t, newRootCmd(strings.NewReader(""), &bytes.Buffer{}), name)
			if err := applyEnv(cmd); err != nil {
				t.Fatal(err)
			}
			if got := cmd.Flags().Lookup("theme").Value.String(); got != "high-contrast" {
				t.Fatalf("HUDDLE_THEME=high-contrast gave %s", got)
			}
			cmd = subcommand(t, newRootCmd(strings.NewReader(""), &bytes.Buffer{}), name)
			if err := cmd.ParseFlags([]string{"--theme", "default"}); err != nil {
				t.Fatal(err)
			}
			if err := applyEnv(cmd); err != nil {
				t.Fatal(err)
			}
			if got := cmd.Flags().Lookup("theme").Value.String(); got != "default" {
				t.Fatalf("--theme default under HUDDLE_THEME=high-contrast gave %s", got)
			}

			cmd = subcommand(t, newRootCmd(strings.NewReader(""), &bytes.Buffer{}), name)
			err := cmd.ParseFlags([]string{"--theme", "neon"})
			if err == nil || !strings.Contains(err.Error(), `unknown theme "neon": the themes are default, high-contrast`) {
				t.Fatalf("--theme neon: %v", err)
			}
			t.Setenv("HUDDLE_THEME", "neon")
			cmd = subcommand(t, newRootCmd(strings.NewReader(""), &bytes.Buffer{}), name)
			err = applyEnv(cmd)
			if err == nil || !strings.Contains(err.Error(), `HUDDLE_THEME="neon"`) || !strings.Contains(err.Error(), "default, high-contrast") {
				t.Fatalf("HUDDLE_THEME=neon: %v", err)
			}
		})
	}
}

// TestThemeEnvironmentLeavesOtherCommandsAlone: HUDDLE_THEME, even a
// wrong one, concerns only the commands that draw the interface.
func TestThemeEnvironmentLeavesOtherCommandsAlone(t *testing.T) {
	t.Setenv("HUDDLE_THEME", "neon")
	cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
	cmd.SetArgs([]string{"teams", "--data-dir", t.TempDir()})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("huddle teams with HUDDLE_THEME=neon: %v", err)
	}
}
