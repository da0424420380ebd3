package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"

	"huddle/session"
)

// endedStandup records a short stand-up of musicstore in dir's store, a
// day after the last one, with the Ended hook, and returns its id.
func endedStandup(t *testing.T, dir string, ended func(string)) string {
	t.Helper()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	// Each stand-up recorded here is a day after the one before.
	earlier, err := st.Sessions(ctx, session.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC).AddDate(0, 0, len(earlier))
	info, err := session.Create(ctx, st, session.Plan{
		Config:      session.Config{Team: "musicstore", Timebox: 15 * time.Minute},
		Facilitator: session.Person{ID: "local:maria", Name: "maria"}, Roster: []string{"Lukas", "Julia"},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	clock := session.NewFakeClock(t0)
	room, err := session.OpenRoom(ctx, st, info.ID, session.RoomOptions{Clock: clock, Ended: ended})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []session.Command{session.Arrive{Name: "Lukas"}, session.Start{}, session.Park{Topic: "release train"}} {
		if err := room.Submit("local:maria", c); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(4 * time.Minute)
	if err := room.Submit("local:maria", session.End{}); err != nil {
		t.Fatal(err)
	}
	room.Close()
	return info.ID
}

func TestHistoryListsSessionsNewestFirst(t *testing.T) {
	dir := t.TempDir()
	older := endedStandup(t, dir, nil)
	id := endedStandup(t, dir, nil)
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out)
	cmd.SetArgs([]string{"history", "--data-dir", dir, "--kind", "standup"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{id, older, "musicstore", "stand-up", "4:00 of 15:00", " 1 "} {
		if !strings.Contains(got, want) {
			t.Fatalf("history lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, id) > strings.Index(got, older) {
		t.Fatalf("the newer session is not listed first:\n%s", got)
	}
	cmd = newRootCmd(strings.NewReader(""), &out)
	cmd.SetArgs([]string{"history", "--data-dir", dir, "--kind", "meeting"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.ExecuteContext(context.Background()); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

func TestShowRendersTheMinutes(t *testing.T) {
	dir := t.TempDir()
	endedStandup(t, dir, nil)
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out)
	cmd.SetArgs([]string{"show", "--data-dir", dir})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "Stand-up · musicstore") || !strings.Contains(got, "release train") || strings.Contains(got, "| ---") {
		t.Fatalf("show printed:\n%s", got)
	}
}

func TestExportDirWritesMinutesAndRecordWhenASessionEnds(t *testing.T) {
	dir, out := t.TempDir(), filepath.Join(t.TempDir(), "minutes")
	// The hook reads the store that the session is written to.
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hook, err := exportOnEnd(out, st, log.New(&bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	id := endedStandup(t, dir, hook)
	files, _ := filepath.Glob(filepath.Join(out, "*-musicstore-standup-"+id+".*"))
	if len(files) != 2 {
		t.Fatalf("files written: %v", files)
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if !strings.Contains(string(b), "release train") {
			t.Fatalf("%s lacks the parked topic", f)
		}
	}
}

// TestShowRendersEscapedMarkdownWithoutBackslashes: the minutes escape
// what Markdown would read as markup; show renders them, so what was
// typed comes out as typed.
func TestShowRendersEscapedMarkdownWithoutBackslashes(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	info, err := session.Create(ctx, st, session.Plan{
		Config:      session.Config{Team: "music_store", Timebox: 15 * time.Minute},
		Facilitator: session.Person{ID: "local:maria", Name: "maria"}, Roster: []string{"Lukas"},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	room, err := session.OpenRoom(ctx, st, info.ID, session.RoomOptions{Clock: session.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	const topic = "fix ci_flakes *now* in [core] a|b <x> ~y~ & $z `q`"
	for _, c := range []session.Command{session.Arrive{Name: "Lukas"}, session.Start{}, session.Park{Topic: topic}, session.End{}} {
		if err := room.Submit("local:maria", c); err != nil {
			t.Fatal(err)
		}
	}
	room.Close()
	st.Close()
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out)
	cmd.SetArgs([]string{"show", "--data-dir", dir})
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, `\`) || !strings.Contains(got, "music_store") || !strings.Contains(got, "fix ci_flakes") {
		t.Fatalf("show printed backslashes or lost text:\n%s", got)
	}
}
