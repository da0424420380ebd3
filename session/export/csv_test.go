package export

import (
	"bytes"
	"encoding/csv"
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
