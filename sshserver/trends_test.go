package sshserver

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/export"
)

// recordStandup records an ended stand-up of musicstore in the store at
// t0: Ana facilitates, Lukas comes, a topic is parked; it takes 4
// minutes.
func recordStandup(t *testing.T, st session.Store, t0 time.Time) {
	t.Helper()
	ctx := context.Background()
	ana := session.Person{ID: session.RosterID("Ana"), Name: "Ana"}
	info, err := session.Create(ctx, st, session.Plan{
		Config:      session.Config{Team: "musicstore", Timebox: 15 * time.Minute},
		Facilitator: ana, Roster: []string{"Ana", "Ben", "Lukas"},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	clock := session.NewFakeClock(t0)
	room, err := session.OpenRoom(ctx, st, info.ID, session.RoomOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer room.Close()
	for _, c := range []session.Command{session.Arrive{Who: ana.ID}, session.Arrive{Name: "Lukas"}, session.Start{}, session.Park{Topic: "release train"}} {
		if err := room.Submit(ana.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(4 * time.Minute)
	if err := room.Submit(ana.ID, session.End{}); err != nil {
		t.Fatal(err)
	}
}

// Trends over SSH: for the team's owners and members; a stranger learns
// what an unknown team tells; nobody is named without --people.
func TestTrendsOverSSH(t *testing.T) {
	clock := session.NewFakeClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local))
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock })
	ana, ben, stranger := newTestKey(t), newTestKey(t), newTestKey(t)
	err := ts.store.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Ana", "Ben", "Lukas"},
		Keys:   map[string]string{"Ana": fingerprint(ana), "Ben": fingerprint(ben)},
		Owners: []string{fingerprint(ana)}})
	if err != nil {
		t.Fatal(err)
	}
	recordStandup(t, ts.store, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	recordStandup(t, ts.store, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))

	// The default period, the last 90 days by the server's clock.
	status, out, errOut := ts.run("x", ben, "trends --team musicstore")
	if status != 0 || !strings.Contains(out, "# Trends · musicstore\n") ||
		!strings.Contains(out, "2026-W48 (since ") || !strings.Contains(out, "2 sessions: 2 stand-ups, 0 retrospectives") ||
		!strings.Contains(out, "| Stand-up length (of its time-box) | `█` | 4:00 of 15:00 (2026-W48) | 4:00 of 15:00 |") ||
		!strings.Contains(out, "| Attendance | `▆` | 67% (4 of 6) (2026-W48) | 67% (4 of 6) |") {
		t.Errorf("trends: %d %q\n%s", status, errOut, out)
	}
	for _, format := range []string{"md", "html", "csv"} {
		status, out, errOut := ts.run("x", ben, "trends --team musicstore --format "+format)
		if status != 0 || errOut != "" {
			t.Errorf("%s: %d %q", format, status, errOut)
		}
		for _, name := range []string{"Ana", "Ben", "Lukas", "release train"} {
			if strings.Contains(out, name) {
				t.Errorf("%s without --people names %q:\n%s", format, name, out)
			}
		}
	}
	if status, out, _ := ts.run("x", ana, "trends --team musicstore --people"); status != 0 ||
		!strings.Contains(out, "| Lukas | 100% (2 of 2) |") || !strings.Contains(out, "| Ben | 0% (0 of 2) |") {
		t.Errorf("--people: %d\n%s", status, out)
	}
	status, out, _ = ts.run("x", ana, "trends --team musicstore --since all --format csv --bom")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, export.BOM))).ReadAll()
	if status != 0 || !strings.HasPrefix(out, export.BOM+"week,week_start,sessions,") || err != nil || len(rows) != 2 || rows[1][0] != "2026-W48" {
		t.Errorf("csv: %d %v %q", status, err, out)
	}
	if status, out, _ := ts.run("x", ben, "trends --team musicstore --since 2027-01-01"); status != 0 ||
		!strings.Contains(out, "musicstore held no sessions since Fri 1 Jan 2027 (sessions that never started do not count): nothing to show for this period.") {
		t.Errorf("an empty period: %d\n%s", status, out)
	}

	// A stranger is told what an unknown team tells.
	status, out, errOut = ts.run("x", stranger, "trends --team musicstore")
	uStatus, uOut, uErrOut := ts.run("x", stranger, "trends --team nosuchteam")
	if status != 1 || out != "" || status != uStatus || out != uOut ||
		strings.ReplaceAll(errOut, "musicstore", "T") != strings.ReplaceAll(uErrOut, "nosuchteam", "T") ||
		!strings.Contains(errOut, `no team is called "musicstore"`) {
		t.Errorf("a stranger got %d %q %q; an unknown team %d %q %q", status, out, errOut, uStatus, uOut, uErrOut)
	}
	for _, c := range []struct{ cmd, want string }{
		{"trends --team musicstore --since 'last quarter'", `--since "last quarter"`},
		{"trends --team musicstore --format pdf", `unknown format "pdf" for trends`},
		{"trends --team musicstore --bom", "--bom goes with --format csv"},
		{"trends", "--team is required"},
		{"trends --team musicstore extra", `unexpected "extra"`},
	} {
		if status, out, errOut := ts.run("x", ben, c.cmd); status != 2 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: %d %q %q", c.cmd, status, out, errOut)
		}
	}
	if _, out, _ := ts.run("x", ben, "help"); !strings.Contains(out, "ssh -p PORT HOST trends --team T") {
		t.Errorf("help:\n%s", out)
	}
}
