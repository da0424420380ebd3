package export

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"huddle/session"
)

// unfoldICS checks the file's lines (CRLF, at most 75 octets) and returns
// its content lines unfolded.
func unfoldICS(t *testing.T, data string) []string {
	t.Helper()
	if !strings.HasSuffix(data, "\r\n") {
		t.Fatal("the file does not end in CRLF")
	}
	var out []string
	for i, l := range strings.Split(strings.TrimSuffix(data, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets long: %q", i+1, len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// unescapeICS reads a TEXT value back.
func unescapeICS(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n").Replace(s)
}

func icsValue(t *testing.T, lines []string, name string) []string {
	t.Helper()
	var vals []string
	for _, l := range lines {
		if n, v, ok := strings.Cut(l, ":"); ok && n == name {
			vals = append(vals, v)
		}
	}
	return vals
}

func TestWriteICS(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	standup, err := session.ParseSchedule("Mon-Fri 10:00 Europe/Berlin", now)
	if err != nil {
		t.Fatal(err)
	}
	retro, err := session.ParseSchedule("Fri/2 14:00 Europe/Berlin from 2026-11-16", now)
	if err != nil {
		t.Fatal(err)
	}
	name := "Web, Ops; Plattform-Überläufer mit einem sehr langen Namen\\ü" // commas, a semicolon, a backslash, long and not ASCII
	team := session.Team{Name: name, Schedules: map[session.Kind]session.Schedule{session.Standup: standup, session.Retro: retro}}
	var b bytes.Buffer
	if err := WriteICS(&b, Calendar{Team: team, Now: now, Join: "ssh -t -p 2222 huddle.example", Length: map[session.Kind]time.Duration{session.Retro: 90 * time.Minute}}); err != nil {
		t.Fatal(err)
	}
	lines := unfoldICS(t, b.String())
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" || lines[1] != "VERSION:2.0" {
		t.Fatalf("not a calendar:\n%s", b.String())
	}
	starts := icsValue(t, lines, "DTSTART;TZID=Europe/Berlin")
	if len(starts) != 2 || starts[0] != "20261203T100000" || starts[1] != "20261204T140000" {
		t.Errorf("DTSTART %v, want the next stand-up and the next retro of the retro's weeks", starts)
	}
	if r := icsValue(t, lines, "RRULE"); len(r) != 2 || r[0] != "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;WKST=MO" || r[1] != "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;WKST=MO" {
		t.Errorf("RRULE %v", r)
	}
	if d := icsValue(t, lines, "DURATION"); len(d) != 2 || d[0] != "PT15M" || d[1] != "PT1H30M" {
		t.Errorf("DURATION %v", d)
	}
	uids := icsValue(t, lines, "UID")
	if len(uids) != 2 || uids[0] == uids[1] {
		t.Fatalf("UID %v", uids)
	}
	sums := icsValue(t, lines, "SUMMARY")
	if len(sums) != 2 || unescapeICS(sums[0]) != name+": stand-up" {
		t.Errorf("SUMMARY %v does not read back as %q", sums, name+": stand-up")
	}
	if !strings.Contains(sums[0], `Web\, Ops\; Plattform`) || !strings.Contains(sums[0], `\\ü`) {
		t.Errorf("SUMMARY is not escaped: %q", sums[0])
	}
	desc := icsValue(t, lines, "DESCRIPTION")
	if len(desc) != 2 || strings.Contains(desc[0], "\n") || !strings.Contains(desc[0], `\n`) {
		t.Fatalf("DESCRIPTION %v: newlines should be escaped", desc)
	}
	if d := unescapeICS(desc[0]); !strings.Contains(d, "\nJoin from the lobby: ssh -t -p 2222 huddle.example\n") {
		t.Errorf("DESCRIPTION reads back as %q", d)
	}
	// The VTIMEZONE says when Berlin changes its clocks.
	for _, want := range []string{"BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "BEGIN:DAYLIGHT", "DTSTART:20270328T020000",
		"TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "BEGIN:STANDARD", "DTSTART:20261025T030000"} {
		if !strings.Contains("\n"+strings.Join(lines, "\n")+"\n", "\n"+want+"\n") {
			t.Errorf("no line %q", want)
		}
	}
	// The same team and kind keep their UID as the calendar is written
	// again later; other teams have others.
	var again, other bytes.Buffer
	later := now.Add(30 * 24 * time.Hour)
	_ = WriteICS(&again, Calendar{Team: team, Now: later, Join: "huddle"})
	team.Name = "ops"
	_ = WriteICS(&other, Calendar{Team: team, Now: now, Join: "huddle"})
	if u := icsValue(t, unfoldICS(t, again.String()), "UID"); u[0] != uids[0] || u[1] != uids[1] {
		t.Errorf("UIDs changed: %v, then %v", uids, u)
	}
	if u := icsValue(t, unfoldICS(t, other.String()), "UID"); u[0] == uids[0] {
		t.Error("two teams share a UID")
	}
	if d := unescapeICS(icsValue(t, unfoldICS(t, other.String()), "DESCRIPTION")[1]); !strings.Contains(d, "huddle retro --team ops") {
		t.Errorf("the local description %q", d)
	}
}

func TestWriteICSWithoutSchedules(t *testing.T) {
	var b bytes.Buffer
	if err := WriteICS(&b, Calendar{Team: session.Team{Name: "web"}, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "VEVENT") || strings.Contains(b.String(), "VTIMEZONE") {
		t.Errorf("a team without schedules:\n%s", b.String())
	}
}

func TestFoldKeepsUTF8Whole(t *testing.T) {
	var b bytes.Buffer
	w := newBufWriter(&b)
	long := "DESCRIPTION:" + strings.Repeat("ü", 100)
	writeFolded(w, long)
	_ = w.Flush()
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8ValidLine(l) {
			t.Errorf("line %q (%d octets)", l, len(l))
		}
	}
	if got := strings.ReplaceAll(b.String(), "\r\n ", ""); got != long+"\r\n" {
		t.Errorf("unfolded %q", got)
	}
}

func newBufWriter(b *bytes.Buffer) *bufio.Writer { return bufio.NewWriter(b) }

func utf8ValidLine(s string) bool { return utf8.ValidString(s) }
