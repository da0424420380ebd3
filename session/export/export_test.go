package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestMain pins the local time zone to UTC: Markdown shows dates and times
// in time.Local, and the golden files must not depend on where the tests
// run. The events are stamped in UTC, as a Room stamps them.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

const (
	sessionID = "k7xq2m4v9p3r8t6w"
	prevID    = "a2b3c4d5e6f7g8h9"
	code      = "maple-otter-kite-40721"
)

var (
	maria = session.Person{ID: "local:maria", Name: "Maria"}
	lukas = session.Person{ID: session.RosterID("Lukas"), Name: "Lukas"}
	julia = session.Person{ID: session.RosterID("Julia"), Name: "Julia"}
	chris = session.Person{ID: session.RosterID("Christian"), Name: "Christian"}
	jorg  = session.Person{ID: session.RosterID("Jörg"), Name: "Jörg"}
	petra = session.Person{ID: "ssh:SHA256:petra", Name: "Petra"}
)

// at is a time on the day of the stand-up, in UTC.
func at(hour, min, sec int) time.Time { return time.Date(2026, 11, 25, hour, min, sec, 0, time.UTC) }

// standup is a whole stand-up as its events: one member late, one absent,
// an observer, a skipped turn, turns over and within their time-box, the
// whole time-box run over, a blocker, and parking-lot items with every
// outcome, one of them carried over from the team's previous stand-up and
// left open again.
func standup() (session.Info, []session.Event) {
	var events []session.Event
	add := func(t time.Time, actor session.ParticipantID, p session.Payload) {
		events = append(events, session.Event{Seq: int64(len(events) + 1), Time: t, Actor: actor, Payload: p})
	}
	add(at(9, 55, 0), maria.ID, &session.Created{
		Config: session.Config{
			Team: "musicstore", Kind: session.Standup, Code: code,
			ScheduledAt: at(10, 0, 0), Timebox: 7 * time.Minute, Turn: 2 * time.Minute,
			Order: session.OrderJoin, Agreements: []string{"Be on time", "Decide together"},
		},
		Facilitator: maria,
		Roster:      []string{"Lukas", "Julia", "Christian", "Jörg"},
		Carried: []session.Item{{
			ID: 1, Topic: "Flaky login test", RaisedBy: jorg, Speaker: jorg, Phase: session.Rounds,
			At: at(10, 3, 0).AddDate(0, 0, -1), Session: prevID, Status: session.Open,
			Stay: []session.Person{jorg},
		}},
	})
	add(at(9, 58, 0), maria.ID, &session.Arrived{Who: lukas, Role: session.Member})
	add(at(9, 59, 30), julia.ID, &session.Arrived{Who: julia, Role: session.Member})
	add(at(10, 0, 40).Add(123456789), petra.ID, &session.Arrived{Who: petra, Role: session.Observer})
	add(at(10, 1, 0), maria.ID, &session.Started{Order: []session.ParticipantID{lukas.ID, julia.ID}, TurnBudget: 2 * time.Minute})
	add(at(10, 1, 0), maria.ID, &session.TurnStarted{Speaker: lukas.ID, Budget: 2 * time.Minute})
	add(at(10, 2, 40), chris.ID, &session.Arrived{Who: chris, Role: session.Member, LateBy: 2 * time.Minute})
	add(at(10, 3, 0), session.System, &session.Expired{Timer: session.TurnTimer})
	add(at(10, 3, 10), lukas.ID, &session.BlockerNoted{Speaker: lukas, Text: "App build is red | backend changed *incompatibly*"})
	add(at(10, 3, 30), julia.ID, &session.Parked{Item: 2, Topic: "How to run `integration` tests in <their> CI?", RaisedBy: julia, Speaker: lukas, Phase: session.Rounds})
	add(at(10, 3, 35), julia.ID, &session.StayChanged{Item: 2, Who: julia, Stay: true})
	add(at(10, 3, 40), maria.ID, &session.StayChanged{Item: 2, Who: lukas, Stay: true})
	add(at(10, 3, 45), chris.ID, &session.StayChanged{Item: 2, Who: chris, Stay: true})
	add(at(10, 3, 50), chris.ID, &session.StayChanged{Item: 2, Who: chris, Stay: false})
	add(at(10, 4, 0), maria.ID, &session.TurnEnded{})
	add(at(10, 4, 0), maria.ID, &session.TurnStarted{Speaker: julia.ID, Budget: 2 * time.Minute})
	add(at(10, 4, 20), maria.ID, &session.TurnEnded{Skipped: true})
	add(at(10, 4, 20), maria.ID, &session.TurnStarted{Speaker: chris.ID, Budget: 2 * time.Minute})
	add(at(10, 5, 0), chris.ID, &session.Parked{Item: 3, Topic: "# Pick a test framework _now_", RaisedBy: chris, Speaker: chris, Phase: session.Rounds})
	add(at(10, 5, 30), maria.ID, &session.Parked{Item: 4, Topic: "How do we decide things?", RaisedBy: maria, Speaker: chris, Phase: session.Rounds})
	add(at(10, 5, 45), lukas.ID, &session.Parked{Item: 5, Topic: "Coffee machine", RaisedBy: lukas, Speaker: chris, Phase: session.Rounds})
	add(at(10, 6, 0), maria.ID, &session.TurnEnded{})
	add(at(10, 6, 0), maria.ID, &session.TurnStarted{Speaker: julia.ID, Budget: 2 * time.Minute})
	add(at(10, 8, 0), session.System, &session.Expired{Timer: session.TimeboxTimer})
	add(at(10, 8, 0), session.System, &session.Expired{Timer: session.TurnTimer})
	add(at(10, 9, 0), maria.ID, &session.TurnEnded{})
	add(at(10, 9, 0), maria.ID, &session.PhaseChanged{To: session.Parking})
	add(at(10, 11, 0), maria.ID, &session.Resolved{Item: 2, Status: session.Discussed, Note: "Julia pairs with Lukas on Thursday"})
	add(at(10, 13, 0), maria.ID, &session.Resolved{
		Item: 3, Status: session.Decided, Note: "Use Vitest | not Jest",
		Present: []string{"Lukas", "Julia", "Christian"}, Absent: []string{"Jörg"},
	})
	add(at(10, 13, 30), maria.ID, &session.Resolved{Item: 4, Status: session.SentToRetro})
	add(at(10, 13, 40), maria.ID, &session.Resolved{Item: 5, Status: session.Dropped, Note: "not ours to fix"})
	add(at(10, 14, 0), maria.ID, &session.Ended{})
	info := session.Info{
		ID: sessionID, Team: "musicstore", Kind: session.Standup, Code: code,
		Created: events[0].Time, Ended: events[len(events)-1].Time, Events: int64(len(events)),
	}
	return info, events
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test -update to accept it); got:\n%s", path, got)
	}
}

func mustMarkdown(tb testing.TB, s *session.State) string {
	tb.Helper()
	var b bytes.Buffer
	if err := Markdown(&b, s); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

func TestMarkdownMinutesOfAStandupMatchTheGoldenFile(t *testing.T) {
	_, events := standup()
	golden(t, "standup.md", []byte(mustMarkdown(t, session.Fold(sessionID, events))))
}

func TestJSONRecordMatchesTheGoldenFileAndIsDeterministic(t *testing.T) {
	info, events := standup()
	var a, b bytes.Buffer
	if err := JSON(&a, info, events); err != nil {
		t.Fatal(err)
	}
	if err := JSON(&b, info, events); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two encodings of the same session differ")
	}
	if !strings.HasSuffix(a.String(), "}\n") {
		t.Fatal("the record does not end with a line feed")
	}
	golden(t, "standup.json", a.Bytes())
}

func TestJSONRecordFoldsBackToTheSameState(t *testing.T) {
	info, events := standup()
	var b bytes.Buffer
	if err := JSON(&b, info, events); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Version int `json:"huddle_record"`
		Session struct {
			ID, Team, Kind, Code string
			Created              time.Time
			Ended                *time.Time
		} `json:"session"`
		Events []struct {
			Seq   int64             `json:"seq"`
			Time  time.Time         `json:"time"`
			Actor string            `json:"actor"`
			Type  session.EventType `json:"type"`
			Data  json.RawMessage   `json:"data"`
		} `json:"events"`
		State json.RawMessage `json:"state"`
	}
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		t.Fatal(err)
	}
	if rec.Version != 1 || rec.Session.ID != info.ID || rec.Session.Kind != "standup" ||
		rec.Session.Code != code || !rec.Session.Created.Equal(info.Created) ||
		rec.Session.Ended == nil || !rec.Session.Ended.Equal(info.Ended) {
		t.Fatalf("session header: %+v", rec.Session)
	}
	decoded := make([]session.Event, len(rec.Events))
	for i, re := range rec.Events {
		p, err := session.DecodePayload(re.Type, re.Data)
		if err != nil {
			t.Fatalf("event %d: %v", re.Seq, err)
		}
		decoded[i] = session.Event{Seq: re.Seq, Time: re.Time, Actor: session.ParticipantID(re.Actor), Payload: p}
	}
	want, got := session.Fold(info.ID, events), session.Fold(rec.Session.ID, decoded)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the fold of the record differs:\ngot  %+v\nwant %+v", got, want)
	}
}

func TestJSONRecordOfAnUnfinishedSessionHasNullEnded(t *testing.T) {
	info, events := standup()
	info.Ended = time.Time{}
	var b bytes.Buffer
	if err := JSON(&b, info, events[:5]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"ended": null`) {
		t.Fatalf("no null ended in\n%s", b.String())
	}
}

func TestJSONRejectsAnEventWithoutPayload(t *testing.T) {
	info, events := standup()
	events[3].Payload = nil
	var b bytes.Buffer
	if err := JSON(&b, info, events); !errors.Is(err, session.ErrInvalid) || b.Len() > 0 {
		t.Fatalf("err = %v, wrote %d bytes; want ErrInvalid and nothing written", err, b.Len())
	}
}

func TestMarkdownEscapesUserText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain words", "plain words"},
		{"a | b", `a \| b`},
		{"*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"},
		{"<b>x</b> & [l](u) ~~s~~ $5", `\<b\>x\</b\> \& \[l\](u) \~\~s\~\~ \$5`},
		{`back\slash`, `back\\slash`},
		{"# heading", `\# heading`},
		{"C# and 1. mid-text - fine", "C# and 1. mid-text - fine"},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"=== rule", `\=== rule`},
		{"> quote", `\> quote`},
		{"12. list", `12\. list`},
		{"3) list", `3\) list`},
		{"2026 was fine", "2026 was fine"},
		{"  two\nlines\r\tend  ", "two lines  end"},
		{"Jörg 🎉", "Jörg 🎉"},
		// What GitHub would make live goes into inline code, a word at a
		// time: mentions, issue references, URLs, e-mail addresses.
		{"ask @julia about #12", "ask `@julia` about `#12`"},
		{"@julia: done", "`@julia:` done"},
		{"cc @org/team and @_x @-y", "cc `@org/team` and `@_x` `@-y`"},
		{"see owner/repo#123 and GH-45, gh-7", "see `owner/repo#123` and `GH-45,` `gh-7`"},
		{"issue#5 (#6)", "`issue#5` `(#6)`"},
		{"mail ops@example.com", "mail `ops@example.com`"},
		{"https://evil.example/x_y?a=1&b=2 now", "`https://evil.example/x_y?a=1&b=2` now"},
		{"(www.evil.example) HTTP://EVIL.EXAMPLE", "`(www.evil.example)` `HTTP://EVIL.EXAMPLE`"},
		{"ftp://x mailto:x XMPP:x", "`ftp://x` `mailto:x` `XMPP:x`"},
		{"[x](https://e.x) <https://e.x>", "`[x](https://e.x)` `<https://e.x>`"},
		{`\@julia`, "`\\@julia`"},
		// A backtick or a pipe in such a word stays outside the code.
		{"@a`b|c", "`@a`\\``b`\\|`c`"},
		{"`@x` |#1|", "\\``@x`\\` \\|`#1`\\|"},
		// The leading escapes still hold; a word in code starts with a
		// backtick.
		{"1. @x", "1\\. `@x`"},
		{"# @x", "\\# `@x`"},
		{"#1 first", "`#1` first"},
		{"- www.x.org", "\\- `www.x.org`"},
		// Nothing live: left as it was.
		{"C# #hashtag 50% @ 3pm a@ @ gh-pages GH-x www", "C# #hashtag 50% @ 3pm a@ @ gh-pages GH-x www"},
	} {
		if got := md(c.in); got != c.want {
			t.Errorf("md(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMarkdownKeepsUserTextInsideItsTableCell(t *testing.T) {
	_, events := standup()
	s := session.Fold(sessionID, events)
	s.Items[1].Topic = "a|b|c `x|y` <script>"
	s.Participants[1].Name = "# Lu|kas"
	out := mustMarkdown(t, s)
	for _, want := range []string{
		`| \# Lu\|kas | on time |`,
		`| #2 | a\|b\|c \` + "`x\\|y\\`" + ` \<script\> |`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// Every table row has as many unescaped pipes as its header.
	var cols int
	for l := range strings.Lines(out) {
		if !strings.HasPrefix(l, "|") {
			cols = 0
			continue
		}
		n := strings.Count(l, "|") - strings.Count(l, `\|`)
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row with %d cell borders, want %d: %s", n, cols, l)
		}
	}
}

func TestMarkdownOfAnUnfinishedSession(t *testing.T) {
	_, events := standup()
	// Stop in Christian's turn, 40s into it, after his topic was parked.
	s := session.Fold(sessionID, events[:19])
	out := mustMarkdown(t, s)
	for _, want := range []string{
		"# Stand-up · musicstore · Wed 25 Nov 2026 (unfinished)\n",
		"- Duration: 4:00 (time-box 7:00, within)\n",
		"| Christian | 0:40 | 2:00 | unfinished |\n",
		"| #3 | \\# Pick a test framework \\_now\\_ | Christian | Christian's turn | nobody | open, carries over |\n",
		"| #1 | Flaky login test | Jörg | Jörg's turn, an earlier session | Jörg | open, carries over |\n",
		"3 items carry over to the team's next session.\n",
		"## Decisions\n\nNone recorded.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestMarkdownOfAStandupThatNeverStarted(t *testing.T) {
	_, events := standup()
	s := session.Fold(sessionID, events[:3])
	s.Apply(session.Event{Seq: 4, Time: at(10, 30, 0), Actor: maria.ID, Payload: &session.Ended{}})
	out := mustMarkdown(t, s)
	for _, want := range []string{
		"# Stand-up · musicstore · Wed 25 Nov 2026\n",
		"- Duration: the rounds did not start (time-box 7:00)\n",
		"| Christian | absent |\n",
		"## Turns\n\nThe rounds did not start.\n",
		"## Blockers\n\nNone.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "| Maria") {
		t.Errorf("the facilitator, neither expected nor arrived, is in the attendance:\n%s", out)
	}
}

// failingWriter accepts limit bytes, then fails every write and counts the
// writes it was asked for after the first failure.
type failingWriter struct {
	limit       int
	written     int
	failed      bool
	writesAfter int
}

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.failed {
		w.writesAfter++
		return 0, errDiskFull
	}
	if w.written+len(p) > w.limit {
		n := w.limit - w.written
		w.written, w.failed = w.limit, true
		return n, errDiskFull
	}
	w.written += len(p)
	return len(p), nil
}

func TestAFailingWriterStopsTheExportWithItsFirstError(t *testing.T) {
	info, events := standup()
	s := session.Fold(sessionID, events)
	for name, export := range map[string]func(w *failingWriter) error{
		"markdown": func(w *failingWriter) error { return Markdown(w, s) },
		"json":     func(w *failingWriter) error { return JSON(w, info, events) },
	} {
		for _, limit := range []int{0, 1, 100, 1000} {
			w := &failingWriter{limit: limit}
			err := export(w)
			if !errors.Is(err, errDiskFull) {
				t.Errorf("%s, failing after %d bytes: err = %v, want the writer's", name, limit, err)
			}
			if w.writesAfter > 0 {
				t.Errorf("%s, failing after %d bytes: %d writes after the first error", name, limit, w.writesAfter)
			}
		}
	}
}

func TestAShortWriteIsAnError(t *testing.T) {
	w := &writer{w: shortWriter{}}
	w.line("hello")
	w.printf("%d", 42)
	if !errors.Is(w.err, io.ErrShortWrite) {
		t.Fatalf("err = %v", w.err)
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

func TestClock(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                               "0:00",
		59*time.Second + 999e6:          "0:59",
		2*time.Minute + 5*time.Second:   "2:05",
		-90 * time.Second:               "1:30",
		time.Hour + 2*time.Minute + 3e9: "1:02:03",
	} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}
