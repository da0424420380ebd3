package main

import (
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"huddle/session"
	"huddle/session/export"
)

// huddle trends over the real store: two stand-ups of musicstore in
// 2026-W48, every format, --people, and what a typo gets.
func TestTrendsCommand(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = resolveTeam(context.Background(), st, standupFlags{team: "musicstore", members: []string{"Lukas", "Julia"}}, asker{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	endedStandup(t, dir, nil)
	endedStandup(t, dir, nil)
	must := func(args ...string) string {
		t.Helper()
		out, err := runCmd(t, dir, "", append([]string{"trends", "--team", "musicstore"}, args...)...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return out
	}

	out := must("--since", "2026-11-01")
	for _, want := range []string{
		"# Trends · musicstore\n",
		"2026-W48 (since Sun 1 Nov 2026) · 2 sessions: 2 stand-ups, 0 retrospectives\n",
		"| Stand-up length (of its time-box) | `█` | 4:00 of 15:00 (2026-W48) | 4:00 of 15:00 |\n",
		"| Attendance | `▅` | 50% (2 of 4) (2026-W48) | 50% (2 of 4) |\n", // Julia never came; maria facilitated,
		"| Parked topics carried over | `█` | 2 (2026-W48) | 2 |\n",       // the first one's, and the second one's,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	// Without --people nobody is named, in any format.
	for _, format := range []string{"md", "html", "csv"} {
		out := must("--since", "all", "--format", format)
		for _, name := range []string{"Lukas", "Julia", "maria", "release train"} {
			if strings.Contains(out, name) {
				t.Errorf("%s without --people names %q:\n%s", format, name, out)
			}
		}
	}
	if out := must("--since", "all", "--people"); !strings.Contains(out, "## Per person") || !strings.Contains(out, "| Lukas | 100% (2 of 2) |") ||
		!strings.Contains(out, "| Julia | 0% (0 of 2) |") {
		t.Errorf("--people:\n%s", out)
	}
	if out := must("--since", "all", "--format", "html"); !strings.Contains(out, `<svg class="chart"`) || !strings.Contains(out, "<title>2026-W48: 4:00 of 15:00</title>") {
		t.Errorf("html:\n%s", out)
	}
	out = must("--since", "all", "--format", "csv", "--bom", "--people")
	if !strings.HasPrefix(out, export.BOM+"week,week_start,person,") {
		t.Errorf("csv: %q", out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, export.BOM))).ReadAll()
	if err != nil || len(rows) != 4 || rows[1][0] != "2026-W48" || rows[1][3] != "2" {
		t.Errorf("csv rows: %v %v", rows, err)
	}
	if out := must("--since", "2030-01-01"); !strings.Contains(out, "musicstore held no sessions since Tue 1 Jan 2030 (sessions that never started do not count): nothing to show for this period.") {
		t.Errorf("an empty period:\n%s", out)
	}
	must() // the default period: the last 90 days, whatever today is

	for _, c := range []struct {
		args []string
		is   error
		want string
	}{
		{[]string{"trends", "--team", "nope"}, session.ErrNotFound, `no team is called "nope"; huddle teams lists the teams`},
		{[]string{"trends"}, session.ErrInvalid, "--team is required"},
		{[]string{"trends", "--team", "musicstore", "--since", "last quarter"}, session.ErrInvalid, `--since "last quarter"`},
		{[]string{"trends", "--team", "musicstore", "--format", "pdf"}, session.ErrInvalid, `unknown format "pdf" for trends`},
		{[]string{"trends", "--team", "musicstore", "--bom"}, session.ErrInvalid, "--bom goes with --format csv"},
	} {
		out, err := runCmd(t, dir, "", c.args...)
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v", c.args, err)
		}
		if strings.Contains(out, "# Trends") {
			t.Errorf("%v wrote trends:\n%s", c.args, out)
		}
	}
}
