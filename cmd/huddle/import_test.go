package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/export"
)

// mustHoldRetro records a whole retrospective of team in the store in
// dir through a Room on a fake clock.
func mustHoldRetro(tb testing.TB, dir, team string, created time.Time) session.Info {
	tb.Helper()
	ctx := context.Background()
	st, err := openStore(dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	fac := session.Person{ID: "local:maria", Name: "Maria"}
	lukas, julia := session.RosterID("Lukas"), session.RosterID("Julia")
	info, err := session.Create(ctx, st, session.Plan{
		Config:      session.Config{Team: team, Kind: session.Retro, Format: session.StartStopContinue, Anonymous: true},
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
	step := func(d time.Duration, actor session.ParticipantID, c session.Command) {
		tb.Helper()
		clock.Advance(d)
		if err := room.Submit(actor, c); err != nil {
			tb.Fatalf("%T: %v", c, err)
		}
	}
	step(0, fac.ID, session.Arrive{Name: "Lukas"})
	step(time.Minute, fac.ID, session.Arrive{Name: "Julia"})
	step(time.Minute, fac.ID, session.Next{}) // check-in
	step(time.Minute, lukas, session.CheckInWord{Word: "calm"})
	step(time.Minute, fac.ID, session.Next{}) // review
	step(time.Minute, fac.ID, session.Next{}) // write
	step(time.Minute, lukas, session.AddCard{Column: 0, Text: "Pair on reviews"})
	step(time.Minute, julia, session.AddCard{Column: 1, Text: "Friday deploys"})
	step(time.Minute, fac.ID, session.Next{}) // group
	step(time.Minute, fac.ID, session.Next{}) // vote
	step(time.Minute, julia, session.CastVote{Group: 2})
	step(time.Minute, fac.ID, session.Next{}) // discuss
	step(time.Minute, fac.ID, session.RecordDecision{Text: "No deploys after Thursday noon"})
	step(time.Minute, fac.ID, session.AddAction{Text: "Write the deploy rule down", Owner: julia})
	for room.Snapshot().State.Phase != session.Roti {
		step(time.Minute, fac.ID, session.Next{})
	}
	step(time.Minute, lukas, session.GiveRoti{Score: 4})
	step(time.Minute, fac.ID, session.Next{})
	if s := room.Snapshot().State; s.Phase != session.Closed {
		tb.Fatalf("the retrospective is %s, want closed", s.Phase)
	}
	info.Ended = clock.Now().UTC()
	return info
}

// runImport runs huddle import with the arguments against the data
// directory, with stdin as standard input, and returns its output.
func runImportCmd(t *testing.T, dir string, stdin io.Reader, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newImportCmd(&globalFlags{dataDir: dir})
	cmd.SetArgs(args)
	cmd.SetIn(stdin)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// writeRecord writes the record of the session into a file and returns
// its path.
func writeRecord(t *testing.T, dir, ref string) (string, []byte) {
	t.Helper()
	rec := mustExport(t, dir, "--format", "json", ref)
	file := filepath.Join(t.TempDir(), "record.json")
	if err := os.WriteFile(file, []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, []byte(rec)
}

// storeContent is everything a store holds that import could change.
type storeContent struct {
	Teams    []session.Team
	Sessions []session.Info
	Events   map[string][]session.Event
}

func contentOf(t *testing.T, dir string) storeContent {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var c storeContent
	if c.Teams, err = st.Teams(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Sessions, err = st.Sessions(ctx, session.Filter{}); err != nil {
		t.Fatal(err)
	}
	c.Events = map[string][]session.Event{}
	for _, info := range c.Sessions {
		if c.Events[info.ID], err = st.Events(ctx, info.ID); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestImportRoundTripsByteForByte(t *testing.T) {
	from := t.TempDir()
	standup := mustHoldStandup(t, from, "musicstore", exportT0)
	retro := mustHoldRetro(t, from, "musicstore", exportT0.Add(4*time.Hour))
	to := t.TempDir()
	for _, c := range []struct {
		info session.Info
		kind string
	}{{standup, "stand-up"}, {retro, "retrospective"}} {
		t.Run(c.kind, func(t *testing.T) {
			file, want := writeRecord(t, from, c.info.ID)
			out, err := runImportCmd(t, to, nil, file)
			if err != nil {
				t.Fatal(err)
			}
			events := contentOf(t, from).Events[c.info.ID]
			wantOut := fmt.Sprintf("imported the %s of musicstore from Wed 25 Nov 2026, %d events\n", c.kind, len(events))
			if out != wantOut {
				t.Fatalf("output %q, want %q", out, wantOut)
			}
			if got := mustExport(t, to, "--format", "json", c.info.ID); got != string(want) {
				t.Fatalf("export → import → export differs:\n%s\nwant\n%s", got, want)
			}
			if got, wantMD := mustExport(t, to, c.info.Code), mustExport(t, from, c.info.Code); got != wantMD {
				t.Fatalf("the minutes differ:\n%s\nwant\n%s", got, wantMD)
			}
		})
	}
	// The team came along, with the roster and without the store's own
	// key bindings.
	teams := contentOf(t, to).Teams
	if len(teams) != 1 || teams[0].Name != "musicstore" || !reflect.DeepEqual(teams[0].Members, []string{"Lukas", "Julia", "Jörg"}) || teams[0].Keys != nil {
		t.Fatalf("teams %+v", teams)
	}
}

func TestImportFromStandardInput(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()
	info := mustHoldStandup(t, from, "musicstore", exportT0)
	_, rec := writeRecord(t, from, info.ID)
	out, err := runImportCmd(t, to, bytes.NewReader(rec), "-")
	if err != nil || !strings.HasPrefix(out, "imported the stand-up of musicstore") {
		t.Fatalf("out %q, err %v", out, err)
	}
	if got := mustExport(t, to, "--format", "json", "last"); got != string(rec) {
		t.Fatal("the imported session differs")
	}
}

func TestImportKeepsAnExistingTeam(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()
	info := mustHoldStandup(t, from, "musicstore", exportT0)
	file, _ := writeRecord(t, from, info.ID)
	st, err := openStore(to)
	if err != nil {
		t.Fatal(err)
	}
	mine := session.Team{Name: "musicstore", Members: []string{"Anna"}, Keys: map[string]string{"anna": "SHA256:anna"},
		Created: exportT0.Add(-time.Hour), Updated: exportT0.Add(-time.Hour)}
	if err := st.PutTeam(context.Background(), mine); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := runImportCmd(t, to, nil, file); err != nil {
		t.Fatal(err)
	}
	if teams := contentOf(t, to).Teams; len(teams) != 1 || !reflect.DeepEqual(teams[0], mine) {
		t.Fatalf("teams %+v, want %+v", teams, mine)
	}
}

func TestImportRefusesWhatTheStoreHasAlready(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()
	info := mustHoldStandup(t, from, "musicstore", exportT0)
	file, rec := writeRecord(t, from, info.ID)
	if _, err := runImportCmd(t, to, nil, file); err != nil {
		t.Fatal(err)
	}
	before := contentOf(t, to)

	t.Run("the same session", func(t *testing.T) {
		out, err := runImportCmd(t, to, nil, file)
		if !errors.Is(err, session.ErrConflict) || !strings.Contains(err.Error(), "already imported") ||
			!strings.Contains(err.Error(), info.ID) || !strings.Contains(err.Error(), "nothing was imported") || out != "" {
			t.Fatalf("out %q, err %v", out, err)
		}
	})
	t.Run("its join code under another id", func(t *testing.T) {
		// The state names the session's id (in its parked items): drop it.
		var r map[string]any
		if err := json.Unmarshal(rec, &r); err != nil {
			t.Fatal(err)
		}
		r["session"].(map[string]any)["id"] = "another-session"
		delete(r, "state")
		other, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		_, err = runImportCmd(t, to, bytes.NewReader(other), "-")
		if !errors.Is(err, session.ErrConflict) || !strings.Contains(err.Error(), "join code "+info.Code+" is taken by session "+info.ID) {
			t.Fatalf("err %v", err)
		}
	})
	// Through the store's own check, as when another import races this one.
	t.Run("a race", func(t *testing.T) {
		r, err := export.ReadRecord(bytes.NewReader(rec))
		if err != nil {
			t.Fatal(err)
		}
		st, err := openStore(to)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		err = importRecord(context.Background(), racing{st}, r)
		if !errors.Is(err, session.ErrConflict) || !strings.Contains(err.Error(), "already imported") {
			t.Fatalf("err %v", err)
		}
	})
	if after := contentOf(t, to); !reflect.DeepEqual(after, before) {
		t.Fatal("a refused import changed the store")
	}
}

// racing is a store that does not see the sessions it has until Create.
type racing struct{ session.Store }

func (r racing) Session(ctx context.Context, id string) (session.Info, error) {
	return session.Info{}, session.ErrNotFound
}

func (r racing) SessionByCode(ctx context.Context, code string) (session.Info, error) {
	return session.Info{}, session.ErrNotFound
}

func TestImportRefusesABrokenRecordAndChangesNothing(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()
	info := mustHoldStandup(t, from, "musicstore", exportT0)
	mustHoldStandup(t, to, "webshop", exportT0)
	_, rec := writeRecord(t, from, info.ID)
	before := contentOf(t, to)
	change := func(f func(r map[string]any)) []byte {
		var r map[string]any
		if err := json.Unmarshal(rec, &r); err != nil {
			t.Fatal(err)
		}
		f(r)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"malformed", rec[:100], "the input ends early"},
		{"newer", change(func(r map[string]any) { r["huddle_record"] = export.RecordVersion + 1 }),
			fmt.Sprintf("the record is version %d, newer than this huddle reads (version %d at most)", export.RecordVersion+1, export.RecordVersion)},
		{"events out of order", change(func(r map[string]any) {
			ev := r["events"].([]any)
			ev[2].(map[string]any)["seq"], ev[3].(map[string]any)["seq"] = 4, 3
		}), "event 3 has seq 4"},
		{"a lying state", change(func(r map[string]any) {
			r["state"].(map[string]any)["phase"] = "rounds"
		}), `the state differs from the fold of the events in "phase"`},
		// Every event is fine on its own, but cut before the rounds end
		// the last turn is over while the rounds go on: the speaker's
		// position is the length of the order, and the next blocker
		// noted would index past its end.
		{"a state no room makes", change(func(r map[string]any) {
			ev := r["events"].([]any)
			i := slices.IndexFunc(ev, func(e any) bool { return e.(map[string]any)["type"] == "phase-changed" })
			if i < 0 || ev[i-1].(map[string]any)["type"] != "turn-ended" {
				t.Fatalf("the stand-up's record has no turn-ended then phase-changed: %v", ev)
			}
			r["events"] = ev[:i]
			r["session"].(map[string]any)["ended"] = nil
			delete(r, "state")
		}), "the session's state is inconsistent: the rounds are on, but the speaker's position 2 is past the end of the speaking order of 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := runImportCmd(t, to, bytes.NewReader(c.in), "-")
			if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), c.want) ||
				!strings.HasPrefix(err.Error(), "import standard input: ") || !strings.HasSuffix(err.Error(), "; nothing was imported") || out != "" {
				t.Fatalf("out %q, err %v\nwant one with %q", out, err, c.want)
			}
			if after := contentOf(t, to); !reflect.DeepEqual(after, before) {
				t.Fatal("a refused import changed the store")
			}
		})
	}
}

func TestImportOfARefusedRecordCreatesNoStore(t *testing.T) {
	to := filepath.Join(t.TempDir(), "data")
	if _, err := runImportCmd(t, to, strings.NewReader(`{"huddle_record": 1}`), "-"); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("err %v", err)
	}
	if _, err := os.Stat(to); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the data directory was made: %v", err)
	}
}

func TestImportNeedsAReadableFile(t *testing.T) {
	_, err := runImportCmd(t, t.TempDir(), nil, filepath.Join(t.TempDir(), "missing.json"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.json") {
		t.Fatalf("err %v", err)
	}
	if _, err := runImportCmd(t, t.TempDir(), nil); err == nil {
		t.Fatal("no error without a file")
	}
}
