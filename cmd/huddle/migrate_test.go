package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/export"
)

// migrateSource is a data directory with a stand-up and an anonymous
// retrospective of musicstore, and a team web with a roster, a schedule,
// remembered defaults and a decision in its log.
func migrateSource(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustHoldStandup(t, dir, "musicstore", exportT0)
	mustHoldRetro(t, dir, "musicstore", exportT0.Add(24*time.Hour))
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for team, members := range map[string][]string{"web": {"Anna", "Ben", "Cem"}, "musicstore": {"Lukas", "Julia", "Jörg"}} {
		if _, err := resolveTeam(ctx, st, standupFlags{team: team, members: members}, asker{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutDefaults(ctx, "web", session.Standup, session.Defaults{At: "10:00", Turn: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, args := range [][]string{
		{"decide", "--team", "web", "--as", "anna", "--with", "Cem", "Use", "Postgres 17"},
		{"team", "web", "--standup", "Mon-Fri 10:00 Europe/Berlin"},
	} {
		if out, err := runCmd(t, dir, "", args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// storeContents is everything migrate copies, as it reads: each
// session's JSON record, each team, its log and its defaults.
type storeContents struct {
	records  map[string]string
	teams    map[string]session.Team
	logs     map[string][]session.TeamEvent
	defaults map[string]session.Defaults
}

func contentsOf(t *testing.T, st database) storeContents {
	t.Helper()
	ctx := context.Background()
	c := storeContents{records: map[string]string{}, teams: map[string]session.Team{},
		logs: map[string][]session.TeamEvent{}, defaults: map[string]session.Defaults{}}
	infos, err := st.Sessions(ctx, session.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range infos {
		events, err := st.Events(ctx, info.ID)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := export.JSON(&b, info, events); err != nil {
			t.Fatal(err)
		}
		c.records[info.ID] = b.String()
	}
	teams, err := st.Teams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, team := range teams {
		c.teams[team.Name] = team
		if c.logs[team.Name], err = st.TeamLog(ctx, team.Name); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []session.Kind{session.Standup, session.Retro} {
			if c.defaults[team.Name+"/"+kind.String()], err = st.Defaults(ctx, team.Name, kind); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c
}

// sameContents fails the test unless b holds what a holds: the records
// byte for byte.
func sameContents(t *testing.T, a, b storeContents) {
	t.Helper()
	if len(a.records) != 2 || len(a.teams) != 2 {
		t.Fatalf("the source has %d sessions and %d teams, want 2 and 2", len(a.records), len(a.teams))
	}
	if len(a.records) != len(b.records) {
		t.Fatalf("%d sessions copied, want %d", len(b.records), len(a.records))
	}
	for id, rec := range a.records {
		if b.records[id] != rec {
			t.Errorf("session %s: the copy's record differs:\n%s\nwant\n%s", id, b.records[id], rec)
		}
	}
	for name, team := range a.teams {
		if !sameTeam(team, b.teams[name]) {
			t.Errorf("team %s: copied as %+v, want %+v", name, b.teams[name], team)
		}
		if len(a.logs[name]) != len(b.logs[name]) {
			t.Errorf("team %s: %d log events copied, want %d", name, len(b.logs[name]), len(a.logs[name]))
		}
		for i := range a.logs[name] {
			if i < len(b.logs[name]) && !sameTeamEvent(a.logs[name][i], b.logs[name][i]) {
				t.Errorf("team %s: log event %d differs", name, i+1)
			}
		}
	}
	if !reflect.DeepEqual(a.defaults, b.defaults) {
		t.Errorf("defaults copied as %+v, want %+v", b.defaults, a.defaults)
	}
}

// migrate copies every team, log, defaults and session, each session
// through its record; a second run copies nothing and says so; a target
// that has a session differently is refused before anything is written.
func TestMigrateCopiesEverythingOnce(t *testing.T) {
	ctx := context.Background()
	from := migrateSource(t)
	src, err := openStore(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()

	var out bytes.Buffer
	m, err := migrate(ctx, src, dst, &out)
	if err != nil {
		t.Fatal(err)
	}
	if m.teams != 2 || m.sessions != 2 || m.logEvents != 1 || m.events == 0 {
		t.Fatalf("migrated %v", m)
	}
	sameContents(t, contentsOf(t, src), contentsOf(t, dst))

	m, err = migrate(ctx, src, dst, &out)
	if err != nil {
		t.Fatalf("a second run: %v", err)
	}
	if m.teams != 0 || m.sessions != 0 || m.logEvents != 0 || m.teamsHad != 2 || m.sessionsHad != 2 {
		t.Fatalf("a second run migrated %v, want nothing new", m)
	}
	if want := "migrated 0 teams (2 already there), 0 decision-log events, 0 sessions with 0 events (2 already there)"; !strings.HasPrefix(m.String(), want) {
		t.Fatalf("summary %q, want it to start %q", m, want)
	}

	// The target's copy of a session changes: migrate refuses, naming it.
	infos, _ := dst.Sessions(ctx, session.Filter{Limit: 1})
	events, _ := dst.Events(ctx, infos[0].ID)
	if err := dst.DeleteSessions(ctx, infos[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := dst.Create(ctx, infos[0], events[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := migrate(ctx, src, dst, &out); !errors.Is(err, session.ErrConflict) || !strings.Contains(err.Error(), infos[0].ID) {
		t.Fatalf("err = %v, want a conflict naming session %s", err, infos[0].ID)
	}
}

// migrate needs --to (or --database), and refuses anything else than
// PostgreSQL there, naming the flag.
func TestMigrateNeedsAPostgresTarget(t *testing.T) {
	dir := migrateSource(t)
	if _, err := runCmd(t, dir, "", "migrate", "--from", dir); err == nil || !strings.Contains(err.Error(), "--to") {
		t.Fatalf("err = %v, want one asking for --to", err)
	}
	if _, err := runCmd(t, dir, "", "migrate", "--from", dir, "--to", "sqlite://x:secret@h/db"); err == nil ||
		!strings.Contains(err.Error(), "--to sqlite://x:xxxxx@h/db") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("err = %v, want one naming --to without the password", err)
	}
	typo := filepath.Join(t.TempDir(), "hudle")
	if _, err := runCmd(t, dir, "", "migrate", "--from", typo, "--to", "postgres://h/db"); err == nil || !strings.Contains(err.Error(), "no huddle data directory there") {
		t.Fatalf("err = %v, want one saying --from has no data directory", err)
	}
	if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("migrate made the mistyped directory: %v", err)
	}
}

// An unfinished anonymous retrospective is copied with a note that its
// contributions so far lose their authors (its secret stays behind).
func TestMigrateNotesAnUnfinishedAnonymousRetro(t *testing.T) {
	ctx := context.Background()
	src, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	info, err := session.Create(ctx, src, session.Plan{
		Config:      session.Config{Team: "web", Kind: session.Retro, Format: session.StartStopContinue, Anonymous: true},
		Facilitator: session.Person{ID: "local:maria", Name: "Maria"},
	}, exportT0)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var out bytes.Buffer
	if _, err := migrate(ctx, src, dst, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "unfinished anonymous retrospective") || !strings.Contains(out.String(), info.Team) {
		t.Fatalf("migrate said %q, want a note on the unfinished anonymous retrospective", out.String())
	}
}
