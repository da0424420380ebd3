package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// trendReport is three weeks of a team: W48 with a stand-up and a
// retrospective, W49 without sessions, W50 with both again; per person
// if people.
func trendReport(people bool) session.TrendReport {
	w48 := session.TrendWeek{Year: 2026, Week: 48, Monday: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Standups: 1, Retros: 1, Closed: 1, Length: 8 * time.Minute, Box: 15 * time.Minute,
		Turns: 3, TurnsOver: 1, Expected: 7, Came: 6, Late: 1, ParkedResolved: 1,
		Roti: session.RotiTally{Count: [6]int{3: 1, 4: 1, 5: 1}, Scores: 3, Sum: 12}}
	w49 := session.TrendWeek{Year: 2026, Week: 49, Monday: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	w50 := session.TrendWeek{Year: 2026, Week: 50, Monday: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		Standups: 1, Retros: 1, Closed: 1, Length: 20 * time.Minute, Box: 15 * time.Minute, Turns: 2, Expected: 6, Came: 6, ParkedCarried: 1,
		ActionsDone: 1, ActionAge: 14 * 24 * time.Hour, Aged: 1,
		Roti: session.RotiTally{Count: [6]int{2: 1, 4: 1}, Scores: 2, Sum: 6}, ESVP: [5]int{session.Explorer: 1, session.Prisoner: 1}}
	r := session.TrendReport{Team: "music|store", From: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Sessions: 4,
		Weeks: []session.TrendWeek{w48, w49, w50}}
	if people {
		r.PerPerson = true
		lukas := session.TrendPerson{Name: "Lukas", Expected: 1, Came: 1, Turns: 1, TurnsOver: 1}
		ann := session.TrendPerson{Name: "=Ann <b>", Expected: 2, Came: 1, Late: 1, ActionsDone: 1}
		r.Weeks[0].People = []session.TrendPerson{ann, lukas}
		r.People = []session.TrendPerson{ann, lukas}
	}
	return r
}

func writeTrends(t *testing.T, format string, r session.TrendReport, bom bool) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteTrends(&b, format, r, bom); err != nil {
		t.Fatalf("WriteTrends(%s): %v", format, err)
	}
	return b.String()
}

func TestTrendsMarkdown(t *testing.T) {
	out := writeTrends(t, "md", trendReport(false), false)
	for _, want := range []string{
		"# Trends · music\\|store\n",
		"2026-W48 to 2026-W50 (since Fri 20 Nov 2026) · 4 sessions: 2 stand-ups, 2 retrospectives\n",
		"| Measure | Trend | Latest | Whole period |\n",
		// 8:00 and 20:00 of a top of 20:00
		"| Stand-up length (of its time-box) | `▄·█` | 20:00 of 15:00 (2026-W50) | 14:00 of 15:00 |\n",
		"| Turns over their time-box | `▃·▁` | 0 of 2 (2026-W50) | 1 of 5 |\n",
		"| Attendance | `▇·█` | 100% (6 of 6) (2026-W50) | 92% (12 of 13) |\n",
		"| Age of the items done | `··█` | 14 days (2026-W50) | 14 days |\n",
		"| ROTI average | `▇·▅` | 3.0 (2 scores) (2026-W50) | 3.6 (5 scores) |\n",
		"| ESVP Explorers | `··▅` | 50% (1 of 2) (2026-W50) | 50% (1 of 2) |\n",
		"## Per week\n",
		"| 2026-W49 | 0 | – | – | – | – | – | – | – | – | – | – |\n",
		"| 2026-W50 | 2 | 20:00 of 15:00 | 0 of 2 | 100% (6 of 6) | 0 of 6 | 0 | 1 | 1 | 14 days | 3.0 (2 scores) | 1/0/0/1 |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "Per person") {
		t.Errorf("per-person rows without --people:\n%s", out)
	}

	out = writeTrends(t, "md", trendReport(true), false)
	for _, want := range []string{
		"## Per person\n",
		"| Person | Attendance | Late | Turns | Over their time-box | Action items done |\n",
		"| \\=Ann \\<b\\> | 50% (1 of 2) | 1 | 0 | 0 | 1 |\n",
		"| Lukas | 100% (1 of 1) | 0 | 1 | 1 | 0 |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestTrendsHTML(t *testing.T) {
	out := writeTrends(t, "html", trendReport(false), false)
	for _, want := range []string{
		"<title>Trends · music|store</title>",
		`aria-labelledby="length-chart"`,
		`aria-labelledby="attendance-chart"`,
		`aria-labelledby="overtime-chart"`,
		`aria-labelledby="roti-chart"`,
		"<title>2026-W50: 20:00 of 15:00</title>",
		`<rect class="over"`, // W50 ran over its time-box
		"<td>2026-W49</td>",
		"</html>\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "2026-W49:") {
		t.Error("a week without sessions has a bar")
	}
	if strings.Contains(out, "Per person") || strings.Contains(out, "Lukas") {
		t.Error("per-person rows without --people")
	}
	out = writeTrends(t, "html", trendReport(true), false)
	if !strings.Contains(out, "<td>=Ann &lt;b&gt;</td>") || strings.Contains(out, "<b>") {
		t.Errorf("a person's name is not escaped:\n%s", out)
	}
}

func TestTrendsCSV(t *testing.T) {
	out := writeTrends(t, "csv", trendReport(false), false)
	rows := readTrendsCSV(t, out)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want the header and 3 weeks:\n%s", len(rows), out)
	}
	if got := strings.Join(rows[0], ","); got != trendsHeader(false) || strings.Contains(got, "person") {
		t.Errorf("header = %q", got)
	}
	want := []string{"2026-W50", "2026-12-07", "2", "1", "1", "1", "1200", "900", "2", "0", "6", "6", "0", "0", "0", "1",
		"1", "14.0", "3.0", "2", "1", "0", "0", "1"}
	if got := strings.Join(rows[3], ","); got != strings.Join(want, ",") {
		t.Errorf("W50 =\n %s\nwant\n %s", got, strings.Join(want, ","))
	}
	if got := strings.Join(rows[2], ","); got != "2026-W49,2026-11-30,0,0,0,0,,,0,0,0,0,0,0,0,0,0,,,0,0,0,0,0" {
		t.Errorf("W49 = %s", got)
	}

	out = writeTrends(t, "csv", trendReport(true), true)
	if !strings.HasPrefix(out, BOM+"week,") {
		t.Errorf("no byte order mark: %q", out[:20])
	}
	rows = readTrendsCSV(t, strings.TrimPrefix(out, BOM))
	if len(rows) != 6 || rows[0][2] != "person" {
		t.Fatalf("rows with --people:\n%s", out)
	}
	if rows[2][2] != "'=Ann <b>" || rows[3][2] != "Lukas" || rows[1][2] != "" {
		t.Errorf("person cells: %q %q %q", rows[1][2], rows[2][2], rows[3][2])
	}
	if !strings.Contains(out, `,"'=Ann <b>",`) {
		t.Errorf("a name is not quoted:\n%s", out)
	}
}

func TestTrendsWithoutPeopleNameNobody(t *testing.T) {
	// A report computed without --people has no rows to name anyone by,
	// whatever the format: the names are not in it.
	r := trendReport(false)
	for _, f := range TrendFormats {
		out := writeTrends(t, f, r, false)
		for _, name := range []string{"Lukas", "Ann"} {
			if strings.Contains(out, name) {
				t.Errorf("%s names %s", f, name)
			}
		}
	}
}

func TestTrendsOfAnEmptyPeriod(t *testing.T) {
	r := session.TrendReport{Team: "musicstore", From: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	if out := writeTrends(t, "md", r, false); !strings.Contains(out, "musicstore held no sessions since Fri 20 Nov 2026 (sessions that never started do not count): nothing to show for this period.\n") {
		t.Errorf("md:\n%s", out)
	}
	if out := writeTrends(t, "html", r, false); !strings.Contains(out, "<p>musicstore held no sessions since Fri 20 Nov 2026") {
		t.Errorf("html:\n%s", out)
	}
	if out := writeTrends(t, "csv", r, false); out != trendsHeader(false)+"\n" {
		t.Errorf("csv: %q", out)
	}
	r.From = time.Time{}
	if out := writeTrends(t, "md", r, false); !strings.Contains(out, "musicstore has no sessions yet.\n") {
		t.Errorf("md without --since:\n%s", out)
	}
}

func TestTrendsRefusesAnUnknownFormat(t *testing.T) {
	for _, c := range []struct {
		format string
		bom    bool
		want   string
	}{
		{"pdf", false, `unknown format "pdf" for trends; use md, html, csv`},
		{"json", false, "unknown format"},
		{"md", true, "--bom goes with --format csv"},
	} {
		var b bytes.Buffer
		err := WriteTrends(&b, c.format, trendReport(false), c.bom)
		if !errors.Is(err, session.ErrInvalid) || !strings.Contains(err.Error(), c.want) || b.Len() > 0 {
			t.Errorf("%s: %v, wrote %d bytes", c.format, err, b.Len())
		}
	}
}

func TestSparkline(t *testing.T) {
	m := trendMeasure{value: func(w session.TrendWeek) (float64, bool) { return float64(w.Late), w.Came > 0 }}
	weeks := []session.TrendWeek{{Came: 1, Late: 0}, {}, {Came: 1, Late: 7}, {Came: 1, Late: 3}, {Came: 1, Late: 1}}
	if got := sparkline(m, weeks); got != "▁·█▄▂" {
		t.Errorf("sparkline = %q", got)
	}
	if got := sparkline(m, weeks[:2]); got != "▁·" {
		t.Errorf("all zero: %q", got)
	}
	m.ceiling = 14
	if got := sparkline(m, weeks[2:3]); got != "▅" {
		t.Errorf("against a ceiling: %q", got)
	}
}

// TestTrendsOfRecordedSessions runs the recorded stand-up through
// session.Trends into every format.
func TestTrendsOfRecordedSessions(t *testing.T) {
	info, events := standup()
	r := session.Trends("musicstore", []*session.State{session.Fold(info.ID, events)}, time.Time{}, time.UTC, false)
	out := writeTrends(t, "md", r, false)
	if !strings.Contains(out, "2026-W48 · 1 session: 1 stand-up, 0 retrospectives\n") {
		t.Errorf("md:\n%s", out)
	}
	for _, name := range []string{"Lukas", "Julia", "Maria"} {
		if strings.Contains(out, name) {
			t.Errorf("names %s:\n%s", name, out)
		}
	}
	if rows := readTrendsCSV(t, writeTrends(t, "csv", r, false)); len(rows) != 2 {
		t.Errorf("csv rows: %v", rows)
	}
}

// readTrendsCSV reads the trends' CSV as RFC 4180, every row as long as
// the header.
func readTrendsCSV(t *testing.T, out string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	return rows
}
