package main

import "testing"

func TestPlainIsWantedByFlagOrDumbTerminal(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	if plainWanted(standupFlags{}) {
		t.Fatal("plain without asking")
	}
	if !plainWanted(standupFlags{plain: true}) {
		t.Fatal("--plain ignored")
	}
	t.Setenv("TERM", "dumb")
	if !plainWanted(standupFlags{}) {
		t.Fatal("TERM=dumb ignored")
	}
}

func TestHuddlePlainSetsThePlainFlag(t *testing.T) {
	t.Setenv("HUDDLE_PLAIN", "1")
	root := newRootCmd(nil, nil)
	for _, name := range []string{"standup", "retro"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		if err := applyEnv(cmd); err != nil {
			t.Fatal(err)
		}
		if f := cmd.Flags().Lookup("plain"); f == nil || f.Value.String() != "true" {
			t.Fatalf("%s: HUDDLE_PLAIN=1 does not set --plain", name)
		}
	}
}
