package main

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// The help of standup and retro shows no "(0s)" default where 0 means
// "not given", and no usage starts with a hyphenated word, which the help
// renderer title-cases into "Time-Box".
func TestTheHelpOfTheSessionFlagsReadsRight(t *testing.T) {
	root := newRootCmd(strings.NewReader(""), new(strings.Builder))
	for _, name := range []string{"standup", "retro"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		durations := 0
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			first, _, _ := strings.Cut(f.Usage, " ")
			if strings.Contains(first, "-") {
				t.Errorf("%s --%s: the usage starts with %q, which the help shows title-cased", name, f.Name, first)
			}
			if f.Value.Type() == "duration" {
				durations++
				if f.DefValue == "0s" {
					t.Errorf("%s --%s: the help shows (0s) as its default", name, f.Name)
				}
			}
		})
		if durations < 2 {
			t.Fatalf("%s has %d duration flags: the test looks at the wrong command", name, durations)
		}
	}
}
