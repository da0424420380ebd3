package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"

	"huddle/session"
)

var exportT0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// mustHoldStandup records a whole stand-up of team in the store in dir,
// created at the given time, through a Room on a fake clock: two members
// arrive, one is late, a topic is parked and decided, and the session
// ends.
func mustHoldStandup(tb testing.TB, dir, team string, created time.Time) session.Info {
	tb.Helper()
	ctx := context.Background()
	st, err := openStore(dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	fac := session.Person{ID: "local:maria", Name: "Maria"}
	info, err := session.Create(ctx, st, session.Plan{
		Config:      session.Config{Team: team, Kind: session.Standup, ScheduledAt: created, Timebox: 10 * time.Minute, Turn: 2 * time.Minute},
		Facilitator: fac,
		Roster:      []string{"Lukas", "Julia", "Jörg"},
	}, created)
	if err != nil {
		tb.Fatal(err)
	}
	clock := session.NewFakeClock(created)
	room, err := session.OpenRoom(ctx, st, info.ID, session.RoomOptions{Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	defer room.Close()
	step := func(d time.Duration, c session.Command) {
		tb.Helper()
		clock.Advance(d)
		if err := room.Submit(fac.ID, c); err != nil {
			tb.Fatalf("%T: %v", c, err)
		}
	}
	step(0, session.Arrive{Name: "Lukas"})
	step(3*time.Minute, session.Arrive{Name: "Julia"})
	step(0, session.Start{})
	step(30*time.Second, session.Park{Topic: "CI | integration *tests*", RaisedBy: session.RosterID("Julia")})
	step(90*time.Second, session.Next{})
	step(2*time.Minute, session.Next{})
	step(time.Minute, session.Resolve{Item: 1, Status: session.Decided, Note: "Run them in the app's CI"})
	step(0, session.Next{})
	if s := room.Snapshot().State; s.Phase != session.Closed {
		tb.Fatalf("the stand-up is %s, want closed", s.Phase)
	}
	info.Ended = clock.Now().UTC()
	return info
}

// runExport runs huddle export with the arguments against the data
// directory and returns what it wrote to standard output.
func runExport(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newExportCmd(&globalFlags{dataDir: dir})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func mustExport(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := runExport(t, dir, args...)
	if err != nil {
		t.Fatalf("huddle export %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func TestExportFindsTheSession(t *testing.T) {
	dir := t.TempDir()
	first := mustHoldStandup(t, dir, "musicstore", exportT0)
	mustHoldStandup(t, dir, "webshop", exportT0.Add(time.Hour))

	for _, c := range []struct {
		name string
		args []string
		team string
	}{
		{"no argument is the newest session", nil, "webshop"},
		{"last is the newest session", []string{"last"}, "webshop"},
		{"by id", []string{first.ID}, "musicstore"},
		{"by join code", []string{first.Code}, "musicstore"},
		{"by join code as typed", []string{strings.ToUpper(strings.ReplaceAll(first.Code, "-", " "))}, "musicstore"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := mustExport(t, dir, c.args...)
			if !strings.HasPrefix(out, "# Stand-up · "+c.team+" · ") {
				t.Fatalf("want the minutes of %s, got:\n%s", c.team, out)
			}
		})
	}
}

func TestExportWritesMarkdownMinutes(t *testing.T) {
	dir := t.TempDir()
	mustHoldStandup(t, dir, "musicstore", exportT0)
	out := mustExport(t, dir)
	for _, want := range []string{
		"- Facilitator: Maria\n",
		"- Duration: 4:00 (time-box 10:00, within)\n",
		"| Lukas | on time |\n",
		"| Julia | late by 3 min |\n",
		"| Jörg | absent |\n",
		"| Lukas | 2:00 | 2:00 | |\n",
		`| #1 | CI \| integration \*tests\* | Julia | Lukas's turn | nobody | decision: Run them in the app's CI (present: Lukas, Julia; absent: Jörg) |`,
		"- Run them in the app's CI (#1 CI",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestExportWritesTheJSONRecord(t *testing.T) {
	dir := t.TempDir()
	info := mustHoldStandup(t, dir, "musicstore", exportT0)
	out := mustExport(t, dir, "--format", "json", info.Code)
	var rec struct {
		Version int `json:"huddle_record"`
		Session struct {
			ID    string  `json:"id"`
			Team  string  `json:"team"`
			Ended *string `json:"ended"`
		} `json:"session"`
		Events []struct {
			Seq  int64             `json:"seq"`
			Type session.EventType `json:"type"`
			Data json.RawMessage   `json:"data"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	if rec.Version != 1 || rec.Session.ID != info.ID || rec.Session.Team != "musicstore" || rec.Session.Ended == nil {
		t.Fatalf("record header %+v", rec)
	}
	if n := len(rec.Events); n == 0 || rec.Events[0].Type != "created" || rec.Events[n-1].Type != "ended" || rec.Events[n-1].Seq != int64(n) {
		t.Fatalf("events: %+v", rec.Events)
	}
}

func TestExportToAFile(t *testing.T) {
	dir, outDir := t.TempDir(), t.TempDir()
	mustHoldStandup(t, dir, "musicstore", exportT0)
	stdout := mustExport(t, dir)

	t.Run("markdown", func(t *testing.T) {
		file := filepath.Join(outDir, "standup.md")
		if err := os.WriteFile(file, []byte("old minutes"), 0o600); err != nil {
			t.Fatal(err)
		}
		if out := mustExport(t, dir, "last", "-o", file); out != "" {
			t.Fatalf("wrote to standard output too:\n%s", out)
		}
		got, err := os.ReadFile(file)
		if err != nil || string(got) != stdout {
			t.Fatalf("the file holds %q, %v; want what standard output gets", got, err)
		}
	})
	t.Run("a .json file gets the record", func(t *testing.T) {
		file := filepath.Join(outDir, "standup.json")
		mustExport(t, dir, "-o", file)
		got, err := os.ReadFile(file)
		if err != nil || !bytes.HasPrefix(got, []byte("{\n  \"huddle_record\": 1,")) {
			t.Fatalf("the file holds %.40q…, %v; want the JSON record", got, err)
		}
	})
	t.Run("--format wins over the file's name", func(t *testing.T) {
		file := filepath.Join(outDir, "minutes.json")
		mustExport(t, dir, "-o", file, "--format", "md")
		if got, _ := os.ReadFile(file); !bytes.HasPrefix(got, []byte("# Stand-up")) {
			t.Fatalf("the file holds %.40q…, want Markdown", got)
		}
	})
	assertNoTempFiles(t, outDir)
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	outDir := t.TempDir()
	file := filepath.Join(outDir, "standup.md")

	t.Run("no sessions yet", func(t *testing.T) {
		_, err := runExport(t, dir)
		if !errors.Is(err, session.ErrNotFound) || !strings.Contains(err.Error(), "no sessions yet") {
			t.Fatalf("err = %v", err)
		}
	})
	mustHoldStandup(t, dir, "musicstore", exportT0)
	t.Run("unknown session", func(t *testing.T) {
		_, err := runExport(t, dir, "maple-otter-kite-40721", "-o", file)
		if !errors.Is(err, session.ErrNotFound) ||
			!strings.Contains(err.Error(), `no session "maple-otter-kite-40721" (try: huddle export last)`) {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a failed export left %s: %v", file, err)
		}
	})
	t.Run("bad format", func(t *testing.T) {
		_, err := runExport(t, dir, "--format", "pdf")
		if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), `"pdf"`) ||
			!strings.Contains(err.Error(), "md") || !strings.Contains(err.Error(), "json") {
			t.Fatalf("err = %v, want one naming pdf, md and json", err)
		}
	})
	t.Run("too many arguments", func(t *testing.T) {
		if _, err := runExport(t, dir, "last", "first"); err == nil {
			t.Fatal("no error")
		}
	})
	assertNoTempFiles(t, outDir)
}

func TestAFailedWriteLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "standup.md")
	if err := os.WriteFile(file, []byte("old minutes"), 0o600); err != nil {
		t.Fatal(err)
	}
	errBoom := errors.New("boom")
	err := writeFileAtomic(file, func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("half a file ", 1000))
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v", err)
	}
	if got, _ := os.ReadFile(file); string(got) != "old minutes" {
		t.Fatalf("the file holds %.40q…, want the old content", got)
	}
	assertNoTempFiles(t, dir)
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// modeOf is the permission bits of a file or directory.
func modeOf(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// Exports hold what the database holds, so they are as private as it is:
// files 0600, and a directory made for them 0700.
func TestExportedFilesAreForTheirOwnerOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	t.Run("huddle export -o", func(t *testing.T) {
		dir, outDir := t.TempDir(), t.TempDir()
		mustHoldStandup(t, dir, "musicstore", exportT0)
		fresh, old := filepath.Join(outDir, "standup.md"), filepath.Join(outDir, "old.csv")
		if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(old, 0o644); err != nil { // whatever the umask
			t.Fatal(err)
		}
		for _, file := range []string{fresh, old} {
			mustExport(t, dir, "-o", file)
			if m := modeOf(t, file); m != 0o600 {
				t.Errorf("%s is %v, want %v", filepath.Base(file), m, os.FileMode(0o600))
			}
		}
	})
	t.Run("--export-dir", func(t *testing.T) {
		dir, parent := t.TempDir(), t.TempDir()
		out := filepath.Join(parent, "minutes", "musicstore")
		st, err := openStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		hook, err := exportOnEnd(out, st, log.New(io.Discard))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{filepath.Dir(out), out} {
			if m := modeOf(t, d); m != 0o700 {
				t.Errorf("the directory %s is %v, want %v", d, m, os.FileMode(0o700))
			}
		}
		id := endedStandup(t, dir, hook)
		files, _ := filepath.Glob(filepath.Join(out, "*-"+id+".*"))
		if len(files) != 2 {
			t.Fatalf("files written: %v", files)
		}
		for _, f := range files {
			if m := modeOf(t, f); m != 0o600 {
				t.Errorf("%s is %v, want %v", filepath.Base(f), m, os.FileMode(0o600))
			}
		}
	})
	t.Run("an existing --export-dir keeps its mode", func(t *testing.T) {
		out := t.TempDir()
		if err := os.Chmod(out, 0o750); err != nil {
			t.Fatal(err)
		}
		if _, err := exportOnEnd(out, nil, log.New(io.Discard)); err != nil {
			t.Fatal(err)
		}
		if m := modeOf(t, out); m != 0o750 {
			t.Errorf("the directory is %v, want %v as it was", m, os.FileMode(0o750))
		}
	})
}

// TestExportCSVWithBOM: --bom starts the CSV with a UTF-8 byte order mark
// (for Excel on Windows); without it there is none, and it goes with csv
// only.
func TestExportCSVWithBOM(t *testing.T) {
	dir := t.TempDir()
	mustHoldStandup(t, dir, "musicstore", exportT0)
	plain := mustExport(t, dir, "--format", "csv")
	if strings.HasPrefix(plain, "\uFEFF") || !strings.HasPrefix(plain, "id,text,") {
		t.Fatalf("csv without --bom starts %q", plain[:min(len(plain), 12)])
	}
	bom := mustExport(t, dir, "--format", "csv", "--bom")
	if bom != "\uFEFF"+plain {
		t.Fatalf("csv with --bom is %q, want the BOM and then %q", bom, plain)
	}
	file := filepath.Join(t.TempDir(), "actions.csv")
	mustExport(t, dir, "--bom", "-o", file)
	if b, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("%s: %q, %v; want it to start with EF BB BF", file, b[:min(len(b), 12)], err)
	}
	if _, err := runExport(t, dir, "--format", "md", "--bom"); !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), "--bom goes with --format csv") {
		t.Fatalf("md with --bom: err = %v", err)
	}
}
