package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// runHuddle runs huddle with the arguments against the data directory,
// with in as standard input, and returns what it printed.
func runHuddleIn(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out)
	cmd.SetArgs(append(args, "--data-dir", dir))
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// dbBytes is the data directory's database file and write-ahead log.
func dbBytes(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	for _, f := range []string{"huddle.db", "huddle.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestParseAge(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"180d", 180 * 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"26w", 26 * 7 * 24 * time.Hour},
		{"72h", 72 * time.Hour},
		{"90m", 90 * time.Minute},
		{" 7d ", 7 * 24 * time.Hour},
		{"", 0},
		{"d", 0},
		{"0d", 0},
		{"-3d", 0},
		{"1.5d", 0},
		{"3x", 0},
		{"-1h", 0},
		{"0s", 0},
		{"999999w", 0},
	} {
		got, err := parseAge(c.in)
		if c.want == 0 {
			if err == nil || !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "180d") {
				t.Errorf("parseAge(%q) = %v, %v; want an error with an example", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseAge(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// unfinishedStandup creates a stand-up of the team at the time that never
// ends, and returns it.
func unfinishedStandup(t *testing.T, dir, team string, at time.Time) session.Info {
	t.Helper()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	info, err := session.Create(context.Background(), st, session.Plan{
		Config: session.Config{Team: team, Timebox: 15 * time.Minute}, Facilitator: session.Person{ID: "local:maria", Name: "Maria"},
	}, at)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestDeleteCommandErrors(t *testing.T) {
	dir := t.TempDir()
	ended := mustHoldStandup(t, dir, "musicstore", exportT0)
	live := unfinishedStandup(t, dir, "musicstore", exportT0.Add(time.Hour))
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown session", []string{"delete", "nope", "--yes"}, "no session"},
		{"no session", []string{"delete"}, "accepts 1 arg"},
		{"live session without --force", []string{"delete", live.ID, "--yes"}, "has not ended and may be live"},
		{"live session by code without --force", []string{"delete", live.Code, "--yes"}, "--force"},
		{"no terminal, no --yes", []string{"delete", ended.ID}, "add --yes"},
		{"purge without --team", []string{"purge", "--older-than", "180d"}, "--all-teams"},
		{"purge with both", []string{"purge", "--team", "musicstore", "--all-teams", "--older-than", "1d"}, "choose one"},
		{"purge without an age", []string{"purge", "--team", "musicstore"}, "--older-than AGE"},
		{"purge with a bad age", []string{"purge", "--team", "musicstore", "--older-than", "half a year"}, "like 180d"},
		{"forget without --team", []string{"forget", "Julia", "--yes"}, "add --team"},
		{"forget in an unknown team", []string{"forget", "Julia", "--team", "webshop", "--yes"}, "huddle teams"},
		{"serve with a bad retention", []string{"serve", "--retention", "forever", "--listen", "127.0.0.1:0"}, "--retention"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := runHuddleIn(t, dir, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error saying %q", err, c.want)
			}
		})
	}
	// Nothing was deleted.
	out, err := runHuddleIn(t, dir, "history")
	if err != nil || !strings.Contains(out, ended.ID) || !strings.Contains(out, live.ID) {
		t.Fatalf("history after the refusals: %v\n%s", err, out)
	}
}

func TestDeleteRemovesTheSessionForGood(t *testing.T) {
	dir := t.TempDir()
	gone := mustHoldStandup(t, dir, "zebrashop", exportT0)
	kept := mustHoldStandup(t, dir, "musicstore", exportT0.Add(time.Hour))
	live := unfinishedStandup(t, dir, "musicstore", exportT0.Add(2*time.Hour))
	if !bytes.Contains(dbBytes(t, dir), []byte("zebrashop")) {
		t.Fatal("the team is not in the database before the delete: the check below would prove nothing")
	}

	out, err := runHuddleIn(t, dir, "delete", gone.Code, "--yes")
	if err != nil || !strings.Contains(out, "Deleted the stand-up of zebrashop") {
		t.Fatalf("delete: %v\n%s", err, out)
	}
	if _, err := runHuddleIn(t, dir, "export", gone.ID); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("export of the deleted session: %v", err)
	}
	if b := dbBytes(t, dir); bytes.Contains(b, []byte("zebrashop")) || bytes.Contains(b, []byte(gone.ID)) {
		t.Fatal("the deleted session is still in the database files")
	}
	if out, err := runHuddleIn(t, dir, "export", kept.ID); err != nil || !strings.Contains(out, "Run them in the app's CI") {
		t.Fatalf("the other session: %v\n%s", err, out)
	}

	// --force deletes an unfinished one.
	if _, err := runHuddleIn(t, dir, "delete", live.ID, "--yes", "--force"); err != nil {
		t.Fatal(err)
	}
	if _, err := runHuddleIn(t, dir, "export", live.ID); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("export of the deleted live session: %v", err)
	}
}

func TestPurgeDeletesEndedSessionsOlderThanTheAge(t *testing.T) {
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)
	day := 24 * time.Hour
	old := mustHoldStandup(t, dir, "musicstore", now.Add(-200*day))
	oldOther := mustHoldStandup(t, dir, "webshop", now.Add(-199*day))
	young := mustHoldStandup(t, dir, "musicstore", now.Add(-100*day))
	stale := unfinishedStandup(t, dir, "musicstore", now.Add(-300*day))
	ids := func() string {
		out, err := runHuddleIn(t, dir, "history")
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	out, err := runHuddleIn(t, dir, "purge", "--team", "musicstore", "--older-than", "26w", "--dry-run")
	if err != nil || !strings.Contains(out, "Would delete the stand-up of musicstore") || !strings.Contains(out, old.ID) ||
		strings.Contains(out, young.ID) || !strings.Contains(out, "Would delete 1 session older than 26w") || !strings.Contains(out, "Kept 1 unfinished") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if h := ids(); !strings.Contains(h, old.ID) {
		t.Fatal("the dry run deleted a session")
	}

	if out, err := runHuddleIn(t, dir, "purge", "--team", "musicstore", "--older-than", "180d"); err != nil || !strings.Contains(out, "Deleted 1 session") {
		t.Fatalf("purge: %v\n%s", err, out)
	}
	h := ids()
	for id, want := range map[string]bool{old.ID: false, oldOther.ID: true, young.ID: true, stale.ID: true} {
		if strings.Contains(h, id) != want {
			t.Errorf("after the purge of musicstore, %s listed: %v, want %v\n%s", id, !want, want, h)
		}
	}

	if out, err := runHuddleIn(t, dir, "purge", "--all-teams", "--older-than", "90d"); err != nil || !strings.Contains(out, "Deleted 2 sessions") {
		t.Fatalf("purge of all teams: %v\n%s", err, out)
	}
	h = ids()
	for id, want := range map[string]bool{oldOther.ID: false, young.ID: false, stale.ID: true} {
		if strings.Contains(h, id) != want {
			t.Errorf("after the purge of all teams, %s listed: %v, want %v\n%s", id, !want, want, h)
		}
	}
}

func TestForgetShowsThePseudonymInExports(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = st.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Lukas", "Julia", "Jörg"},
		Keys: map[string]string{"Julia": "SHA256:juliasverylongkeyfingerprint"}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	first := mustHoldStandup(t, dir, "musicstore", exportT0)
	mustHoldStandup(t, dir, "musicstore", exportT0.Add(24*time.Hour))
	if md := mustExport(t, dir, first.ID); !strings.Contains(md, "Julia") {
		t.Fatalf("the minutes do not name Julia before: the checks below would prove nothing\n%s", md)
	}

	out, err := runHuddleIn(t, dir, "forget", "Julia", "--team", "musicstore", "--yes")
	if err != nil || !strings.Contains(out, `Julia is now "former member 1" in 2 sessions of musicstore`) || !strings.Contains(out, "1 key binding removed") {
		t.Fatalf("forget: %v\n%s", err, out)
	}
	for _, format := range []string{"md", "json", "html", "csv"} {
		got := mustExport(t, dir, first.ID, "--format", format)
		if strings.Contains(got, "Julia") {
			t.Errorf("the %s export still names Julia:\n%s", format, got)
		}
		if format != "csv" && !strings.Contains(got, "former member 1") {
			t.Errorf("the %s export lacks the pseudonym:\n%s", format, got)
		}
	}
	if b := dbBytes(t, dir); bytes.Contains(b, []byte("Julia")) || bytes.Contains(b, []byte("juliasverylongkey")) {
		t.Fatal("the forgotten name or key is still in the database files")
	}
	if out, err := runHuddleIn(t, dir, "teams"); err != nil || !strings.Contains(out, "Lukas, former member 1, Jörg") {
		t.Fatalf("teams: %v\n%s", err, out)
	}
	if _, err := runHuddleIn(t, dir, "forget", "Julia", "--team", "musicstore", "--yes"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("forgetting her again: %v", err)
	}
}

func TestRetentionPurgesAtStartAndDaily(t *testing.T) {
	dir := t.TempDir()
	day := 24 * time.Hour
	now := exportT0.Add(400 * day)
	a := mustHoldStandup(t, dir, "musicstore", now.Add(-181*day))
	b := mustHoldStandup(t, dir, "webshop", now.Add(-180*day).Add(time.Hour))
	c := mustHoldStandup(t, dir, "musicstore", now.Add(-10*day))
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := session.NewFakeClock(now)
	ctx, cancel := context.WithCancel(context.Background())
	passes := make(chan purged)
	done := make(chan struct{})
	go func() {
		defer close(done)
		keepFor(ctx, st, clock, 180*day, func(p purged, err error) {
			if err != nil {
				t.Error(err)
			}
			passes <- p
		})
	}()
	pass := func() purged {
		t.Helper()
		select {
		case p := <-passes:
			return p
		case <-time.After(10 * time.Second): // only a guard against a hung test
			t.Fatal("no purge")
			return purged{}
		}
	}
	gone := func(p purged) []string {
		var ids []string
		for _, info := range p.gone {
			ids = append(ids, info.ID)
		}
		return ids
	}
	if got := gone(pass()); len(got) != 1 || got[0] != a.ID {
		t.Fatalf("the purge at start deleted %v, want %s", got, a.ID)
	}
	// A day later, b has passed the age; c has not.
	if clock.Timers() != 1 {
		t.Fatalf("%d timers after the first purge, want the next purge's", clock.Timers())
	}
	clock.Advance(day - time.Minute)
	select {
	case p := <-passes:
		t.Fatalf("a purge before the day was over: %v", gone(p))
	default:
	}
	clock.Advance(time.Minute)
	if got := gone(pass()); len(got) != 1 || got[0] != b.ID {
		t.Fatalf("the daily purge deleted %v, want %s", got, b.ID)
	}
	if _, err := st.Session(ctx, c.ID); err != nil {
		t.Fatalf("the young session: %v", err)
	}
	cancel()
	<-done
	if clock.Timers() != 0 {
		t.Fatal("the stopped retention left its timer")
	}
}

// TestDeletingCommandsWaitForTheDirectory: delete, purge and forget are
// refused while another huddle holds the data directory, and change
// nothing.
func TestDeletingCommandsWaitForTheDirectory(t *testing.T) {
	dir := t.TempDir()
	release, err := lockDataDir(dir, "huddle serve")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for _, args := range [][]string{
		{"delete", "some-code-words-12345", "--yes"},
		{"purge", "--all-teams", "--older-than", "1d"},
		{"forget", "Julia", "--team", "web", "--yes"},
	} {
		if _, err := runHuddleIn(t, dir, args...); err == nil || !strings.Contains(err.Error(), `in use by "huddle serve"`) {
			t.Errorf("%s while the directory is held: %v", args[0], err)
		}
	}
}
