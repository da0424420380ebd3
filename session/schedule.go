package session

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is when a team's sessions of a kind recur: on some weekdays,
// every week or every N weeks, at a wall-clock time in a time zone. It is
// written as DAYS[/N] HH:MM ZONE [from YYYY-MM-DD], e.g.
//
//	Mon-Fri 10:00 Europe/Berlin       every weekday
//	Mon,Wed,Fri 09:30 UTC             three days a week
//	daily 08:45 America/New_York      every day
//	Fri/2 14:00 Europe/Berlin         every second Friday
//
// An interval of weeks counts from the week (Monday to Sunday) of its
// from day: the day it was set unless given. String writes it back whole,
// so that a stored schedule keeps its weeks.
type Schedule struct {
	Days         [7]bool // by time.Weekday: Sunday is 0
	Every        int     // weeks between occurrences; 1: every week
	Hour, Minute int
	Zone         *time.Location
	// From is the Monday of the week an interval counts from (a date in
	// Zone, at midnight); zero when Every is 1.
	From time.Time
}

// ScheduleUsage explains the form ParseSchedule reads.
const ScheduleUsage = `a schedule is DAYS[/WEEKS] HH:MM ZONE, e.g. "Mon-Fri 10:00 Europe/Berlin", "Mon,Thu 09:30 UTC" or "Fri/2 14:00 Europe/Berlin" (every second Friday, counting from this week; add "from YYYY-MM-DD" to count from another); "off" removes it`

var dayNames = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

func parseDay(s string) (time.Weekday, bool) {
	for i, n := range dayNames {
		if len(s) >= 3 && strings.HasPrefix(strings.ToLower(time.Weekday(i).String()), strings.ToLower(s)) && strings.EqualFold(s[:3], n) {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// ParseSchedule reads a schedule (see Schedule). now is when it is set:
// an interval of weeks without a from day counts from now's week.
func ParseSchedule(spec string, now time.Time) (Schedule, error) {
	bad := func(format string, args ...any) (Schedule, error) {
		return Schedule{}, fmt.Errorf("%w: schedule %q: %s; %s", ErrInvalid, Printable(spec), fmt.Sprintf(format, args...), ScheduleUsage)
	}
	f := strings.Fields(spec)
	if len(f) != 3 && len(f) != 5 {
		return bad("want days, a time and a time zone")
	}
	var s Schedule
	days, every, hasEvery := strings.Cut(f[0], "/")
	s.Every = 1
	if hasEvery {
		n, err := strconv.Atoi(every)
		if err != nil || n < 1 || n > 52 {
			return bad("%q after the days is not a number of weeks between 1 and 52", Printable(every))
		}
		s.Every = n
	}
	if strings.EqualFold(days, "daily") {
		for i := range s.Days {
			s.Days[i] = true
		}
	} else {
		for _, part := range strings.Split(days, ",") {
			a, b, isRange := strings.Cut(part, "-")
			from, ok := parseDay(a)
			if !ok {
				return bad("%q is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)", Printable(a))
			}
			to := from
			if isRange {
				if to, ok = parseDay(b); !ok {
					return bad("%q is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)", Printable(b))
				}
			}
			for d := from; ; d = (d + 1) % 7 {
				s.Days[d] = true
				if d == to {
					break
				}
			}
		}
	}
	hh, mm, ok := strings.Cut(f[1], ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return bad("%q is not a time of day HH:MM (00:00 to 23:59)", Printable(f[1]))
	}
	s.Hour, s.Minute = h, m
	zone, err := scheduleZone(f[2])
	if err != nil {
		return bad("%q is not a time zone (an IANA name such as Europe/Berlin, or UTC)", Printable(f[2]))
	}
	s.Zone = zone
	if len(f) == 5 {
		if f[3] != "from" {
			return bad("unexpected %q", Printable(f[3]))
		}
		d, err := time.ParseInLocation(time.DateOnly, f[4], zone)
		if err != nil {
			return bad("%q is not a day YYYY-MM-DD", Printable(f[4]))
		}
		now = d
	}
	if s.Every > 1 {
		s.From = weekStart(now.In(zone))
	}
	return s, nil
}

func scheduleZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("no zone")
	}
	if strings.EqualFold(name, "UTC") {
		return time.UTC, nil
	}
	return time.LoadLocation(name)
}

// weekStart is the start of t's week (Monday at midnight, in t's zone).
func weekStart(t time.Time) time.Time {
	back := (int(t.Weekday()) + 6) % 7
	y, m, d := t.Date()
	return time.Date(y, m, d-back, 0, 0, 0, 0, t.Location())
}

// civilDay numbers a calendar date, so that weeks count the same across
// changes of daylight saving time.
func civilDay(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// onWeek reports whether the week of the date is one the schedule counts.
func (s Schedule) onWeek(y int, m time.Month, d int) bool {
	if s.Every <= 1 {
		return true
	}
	fy, fm, fd := s.From.Date()
	wd := int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday())
	weeks := (civilDay(y, m, d) - int64((wd+6)%7) - civilDay(fy, fm, fd)) / 7
	n := int64(s.Every)
	return ((weeks%n)+n)%n == 0
}

// Zero reports whether the schedule is unset.
func (s Schedule) Zero() bool { return s.Zone == nil }

// Next returns the schedule's first occurrence after the time (the zero
// time for an unset schedule or one without days).
func (s Schedule) Next(after time.Time) time.Time {
	if s.Zero() {
		return time.Time{}
	}
	local := after.In(s.Zone)
	y, m, d := local.Date()
	for i := 0; i <= 7*max(s.Every, 1)+1; i++ {
		t := time.Date(y, m, d+i, s.Hour, s.Minute, 0, 0, s.Zone)
		dy, dm, dd := time.Date(y, m, d+i, 12, 0, 0, 0, time.UTC).Date()
		if s.Days[t.Weekday()] && s.onWeek(dy, dm, dd) && t.After(after) {
			return t
		}
	}
	return time.Time{}
}

// DayList is the schedule's days as written: Mon-Fri, Mon,Wed or daily.
func (s Schedule) DayList() string {
	all := true
	for _, on := range s.Days {
		all = all && on
	}
	if all {
		return "daily"
	}
	var parts []string
	for i := 1; i <= 7; i++ { // from Monday
		if !s.Days[i%7] {
			continue
		}
		j := i
		for j+1 <= 7 && s.Days[(j+1)%7] {
			j++
		}
		if j-i >= 2 { // three days or more in a row
			parts = append(parts, dayNames[i%7]+"-"+dayNames[j%7])
			i = j
			continue
		}
		parts = append(parts, dayNames[i%7])
	}
	return strings.Join(parts, ",")
}

// String writes the schedule as ParseSchedule reads it; "" when unset.
func (s Schedule) String() string {
	if s.Zero() {
		return ""
	}
	days := s.DayList()
	if s.Every > 1 {
		days += "/" + strconv.Itoa(s.Every)
	}
	out := fmt.Sprintf("%s %02d:%02d %s", days, s.Hour, s.Minute, s.Zone.String())
	if s.Every > 1 {
		out += " from " + s.From.Format(time.DateOnly)
	}
	return out
}

// Lengths returns how long the team's sessions of each kind last, as it
// remembers from its last ones (Defaults.Timebox); kinds it remembers
// nothing of are left out.
func (ts *Teams) Lengths(ctx context.Context, team string) (map[Kind]time.Duration, error) {
	out := map[Kind]time.Duration{}
	for _, k := range []Kind{Standup, Retro} {
		d, err := ts.Defaults(ctx, LocalCaller(), team, k)
		if err != nil {
			return nil, err
		}
		if d.Timebox > 0 {
			out[k] = d.Timebox
		}
	}
	return out, nil
}

// CheckScheduled refuses a team without a schedule, saying how to set one.
func CheckScheduled(t Team) error {
	if len(t.Schedules) == 0 {
		return fmt.Errorf("%w: %s has no schedule; its owners set one with: team %s --standup \"Mon-Fri 10:00 Europe/Berlin\"", ErrNotFound, t.Name, t.Name)
	}
	return nil
}
