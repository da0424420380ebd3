package export

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"huddle/session"
)

// Calendar is what WriteICS writes: a team's schedules as of a time.
type Calendar struct {
	Team session.Team
	// Now stamps the calendar (DTSTAMP); each event starts with its
	// schedule's first occurrence after it.
	Now time.Time
	// Join says how to join a scheduled session, e.g. "ssh -t -p 2222
	// host" or "huddle"; its join code is only known once it opens.
	Join string
	// Length is how long a session of a kind lasts (its time-box);
	// 15 minutes for a stand-up and an hour for a retrospective if unset.
	Length map[session.Kind]time.Duration
}

// WriteICS writes the team's schedules as an iCalendar file (RFC 5545):
// a VEVENT per scheduled kind of session, recurring by its RRULE, with a
// UID that stays the same for the team and kind (a calendar that imports
// the file again updates the event), the time zone's rules as a VTIMEZONE
// and the way to join in its DESCRIPTION. Lines end in CRLF and are folded
// at 75 octets. A team without a schedule gives a calendar without events.
func WriteICS(w io.Writer, c Calendar) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//huddle//huddle//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", icsText("huddle: "+c.Team.Name))
	stamp := c.Now.UTC().Format("20060102T150405Z")
	type event struct {
		kind  session.Kind
		sched session.Schedule
		start time.Time
	}
	var events []event
	zones := map[string]*time.Location{}
	for _, k := range []session.Kind{session.Standup, session.Retro} {
		s, ok := c.Team.Schedules[k]
		if !ok || s.Zero() {
			continue
		}
		// The next occurrence: an interval of weeks counts from its week
		// in the RRULE as in the schedule.
		start := s.Next(c.Now)
		if start.IsZero() {
			continue
		}
		events = append(events, event{k, s, start})
		if s.Zone != time.UTC {
			zones[s.Zone.String()] = s.Zone
		}
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		year := c.Now.In(zones[n]).Year() - 1
		for _, e := range events {
			if e.sched.Zone.String() == n {
				year = min(year, e.start.Year())
			}
		}
		writeTimezone(bw, zones[n], year)
	}
	sum := sha256.Sum256([]byte(c.Team.Name))
	for _, e := range events {
		length := c.Length[e.kind]
		if length <= 0 {
			length = 15 * time.Minute
			if e.kind == session.Retro {
				length = time.Hour
			}
		}
		line("BEGIN", "VEVENT")
		line("UID", fmt.Sprintf("%s-%s@huddle", e.kind, hex.EncodeToString(sum[:8])))
		line("DTSTAMP", stamp)
		if e.sched.Zone == time.UTC {
			line("DTSTART", e.start.UTC().Format("20060102T150405Z"))
		} else {
			line("DTSTART;TZID="+e.sched.Zone.String(), e.start.Format("20060102T150405"))
		}
		line("DURATION", icsDuration(length))
		line("RRULE", rrule(e.sched))
		line("SUMMARY", icsText(fmt.Sprintf("%s: %s", c.Team.Name, e.kind.Noun())))
		line("DESCRIPTION", icsText(describeJoin(c, e.kind)))
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// describeJoin says how to join a scheduled session.
func describeJoin(c Calendar, k session.Kind) string {
	noun := k.Noun()
	if strings.HasPrefix(c.Join, "ssh ") {
		return fmt.Sprintf("huddle opens the %s of %s at its time.\nJoin from the lobby: %s\n(the %s's join code is new each time: the lobby lists it, and the team's chat hears it when it opens)",
			noun, c.Team.Name, c.Join, noun)
	}
	return fmt.Sprintf("The %s of %s.\nOpen it with: %s %s --team %s", noun, c.Team.Name, c.Join, k, c.Team.Name)
}

var icsDays = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// rrule is the schedule's recurrence rule.
func rrule(s session.Schedule) string {
	var days []string
	for i := 1; i <= 7; i++ { // from Monday, as the week starts
		if s.Days[i%7] {
			days = append(days, icsDays[i%7])
		}
	}
	r := "FREQ=WEEKLY"
	if s.Every > 1 {
		r += fmt.Sprintf(";INTERVAL=%d", s.Every)
	}
	return r + ";BYDAY=" + strings.Join(days, ",") + ";WKST=MO"
}

func icsDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	out := "PT"
	if h := int(d.Hours()); h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m := int(d.Minutes()) % 60; m > 0 || out == "PT" {
		out += fmt.Sprintf("%dM", m)
	}
	return out
}

// icsText escapes a TEXT value (RFC 5545, 3.3.11).
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// writeFolded writes a content line, folded so that no line is longer
// than 75 octets (a continuation starts with a space), never inside a
// UTF-8 sequence, and ended with CRLF.
func writeFolded(w *bufio.Writer, l string) {
	limit := 75
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		w.WriteString(l[:cut])
		w.WriteString("\r\n ")
		l = l[cut:]
		limit = 74 // the space counts
	}
	w.WriteString(l)
	w.WriteString("\r\n")
}

// writeTimezone writes the zone's offsets and their changes from the
// start of the year for three years as a VTIMEZONE, each change as its
// own STANDARD or DAYLIGHT onset; a zone without changes as one STANDARD.
func writeTimezone(w *bufio.Writer, loc *time.Location, year int) {
	line := func(name, value string) { writeFolded(w, name+":"+value) }
	line("BEGIN", "VTIMEZONE")
	line("TZID", loc.String())
	from := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	to := from.AddDate(3, 0, 0)
	n := 0
	for t := from; t.Before(to); {
		next := t.Add(24 * time.Hour)
		_, off0 := t.Zone()
		if _, off1 := next.Zone(); off1 != off0 {
			lo, hi := t, next // the change is in (lo, hi]
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.Zone(); o == off0 {
					lo = mid
				} else {
					hi = mid
				}
			}
			name, off1 := hi.Zone()
			writeOnset(w, hi.IsDST(), hi.Add(time.Duration(off0)*time.Second).UTC(), off0, off1, name)
			n++
		}
		t = next
	}
	if n == 0 {
		name, off := from.Zone()
		writeOnset(w, false, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), off, off, name)
	}
	line("END", "VTIMEZONE")
}

// writeOnset writes one STANDARD or DAYLIGHT onset; local is its time in
// the offset before it, written as it reads there.
func writeOnset(w *bufio.Writer, dst bool, local time.Time, from, to int, name string) {
	comp := "STANDARD"
	if dst {
		comp = "DAYLIGHT"
	}
	writeFolded(w, "BEGIN:"+comp)
	writeFolded(w, "DTSTART:"+local.Format("20060102T150405"))
	writeFolded(w, "TZOFFSETFROM:"+icsOffset(from))
	writeFolded(w, "TZOFFSETTO:"+icsOffset(to))
	writeFolded(w, "TZNAME:"+icsText(name))
	writeFolded(w, "END:"+comp)
}

func icsOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
}
