package session

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseScheduleNext(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ny, _ := time.LoadLocation("America/New_York")
	// Wednesday 2 December 2026, 12:00 in Berlin.
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, berlin)
	tests := []struct {
		spec, str string
		after     time.Time
		want      []time.Time // the next occurrences, each after the last
	}{
		{"Mon-Fri 10:00 Europe/Berlin", "Mon-Fri 10:00 Europe/Berlin", now, []time.Time{
			time.Date(2026, 12, 3, 10, 0, 0, 0, berlin), time.Date(2026, 12, 4, 10, 0, 0, 0, berlin),
			time.Date(2026, 12, 7, 10, 0, 0, 0, berlin)}},
		{"mon,wed,FRI 09:30 UTC", "Mon,Wed,Fri 09:30 UTC", now, []time.Time{
			time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC), time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC),
			time.Date(2026, 12, 9, 9, 30, 0, 0, time.UTC)}},
		{"Wed 12:00 Europe/Berlin", "Wed 12:00 Europe/Berlin", now, []time.Time{ // exactly now: the next week's
			time.Date(2026, 12, 9, 12, 0, 0, 0, berlin)}},
		{"daily 08:45 America/New_York", "daily 08:45 America/New_York", now, []time.Time{
			time.Date(2026, 12, 2, 8, 45, 0, 0, ny), time.Date(2026, 12, 3, 8, 45, 0, 0, ny)}}, // 06:00 there
		{"Fri/2 14:00 Europe/Berlin", "Fri/2 14:00 Europe/Berlin from 2026-11-30", now, []time.Time{
			time.Date(2026, 12, 4, 14, 0, 0, 0, berlin), time.Date(2026, 12, 18, 14, 0, 0, 0, berlin),
			time.Date(2027, 1, 1, 14, 0, 0, 0, berlin)}},
		{"Fri/2 14:00 Europe/Berlin from 2026-12-09", "Fri/2 14:00 Europe/Berlin from 2026-12-07", now, []time.Time{
			time.Date(2026, 12, 11, 14, 0, 0, 0, berlin), time.Date(2026, 12, 25, 14, 0, 0, 0, berlin)}},
		{"Thu/3 10:00 UTC from 2026-01-01", "Thu/3 10:00 UTC from 2025-12-29", now, []time.Time{
			time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), time.Date(2026, 12, 24, 10, 0, 0, 0, time.UTC)}}, // 48 weeks on
		{"Sat-Mon 07:05 UTC", "Mon,Sat,Sun 07:05 UTC", now, []time.Time{ // a range across the week's end
			time.Date(2026, 12, 5, 7, 5, 0, 0, time.UTC), time.Date(2026, 12, 6, 7, 5, 0, 0, time.UTC),
			time.Date(2026, 12, 7, 7, 5, 0, 0, time.UTC)}},
		// Across the change to summer time the wall-clock time stays.
		{"Mon 10:00 Europe/Berlin", "Mon 10:00 Europe/Berlin", time.Date(2027, 3, 23, 0, 0, 0, 0, berlin), []time.Time{
			time.Date(2027, 3, 29, 10, 0, 0, 0, berlin), time.Date(2027, 4, 5, 10, 0, 0, 0, berlin)}},
	}
	for _, tt := range tests {
		s, err := ParseSchedule(tt.spec, now)
		if err != nil {
			t.Errorf("ParseSchedule(%q): %v", tt.spec, err)
			continue
		}
		if got := s.String(); got != tt.str {
			t.Errorf("ParseSchedule(%q).String() = %q, want %q", tt.spec, got, tt.str)
		}
		again, err := ParseSchedule(s.String(), now.AddDate(0, 1, 0))
		if err != nil || again.String() != s.String() {
			t.Errorf("%q does not read back: %v, %q", s.String(), err, again.String())
		}
		after := tt.after
		for _, w := range tt.want {
			got := s.Next(after)
			if !got.Equal(w) {
				t.Errorf("%q.Next(%v) = %v, want %v", tt.spec, after, got, w)
				break
			}
			after = got
		}
	}
}

func TestParseScheduleErrors(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	tests := []struct{ spec, want string }{
		{"", "want days, a time and a time zone"},
		{"Mon-Fri 10:00", "want days, a time and a time zone"},
		{"Mo-Fr 10:00 UTC", `"Mo" is not a day`},
		{"Mon-Fry 10:00 UTC", `"Fry" is not a day`},
		{"Funday 10:00 UTC", `"Funday" is not a day`},
		{"Mon 25:00 UTC", `"25:00" is not a time of day`},
		{"Mon 10:7 UTC", `"10:7" is not a time of day`},
		{"Mon 10h UTC", `"10h" is not a time of day`},
		{"Mon 10:00 Europe/Berlinn", `"Europe/Berlinn" is not a time zone`},
		{"Mon 10:00 Local", `"Local" is not a time zone`},
		{"Mon/0 10:00 UTC", `"0" after the days is not a number of weeks`},
		{"Mon/x 10:00 UTC", `"x" after the days is not a number of weeks`},
		{"Mon/2 10:00 UTC since 2026-01-01", `unexpected "since"`},
		{"Mon/2 10:00 UTC from 1.1.2026", `"1.1.2026" is not a day YYYY-MM-DD`},
	}
	for _, tt := range tests {
		_, err := ParseSchedule(tt.spec, now)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSchedule(%q) = %v, want an ErrInvalid saying %q", tt.spec, err, tt.want)
		}
	}
}

func TestTeamSchedulesAreSetByOwners(t *testing.T) {
	web := Team{Name: "web", Members: []string{"Anna"}, Keys: map[string]string{"Anna": "k-anna"}, Owners: []string{"k-owner"}}
	ch, err := ParseTeamChange([]string{"--standup", "Mon-Fri 10:00 Europe/Berlin", "--retro=Fri/2 14:00 UTC"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	if _, err := web.Change(KeyCaller("k-anna"), stamped(ch, now)); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member set the schedule: %v", err)
	}
	got, err := web.Change(KeyCaller("k-owner"), stamped(ch, now))
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Schedules[Standup].String(); s != "Mon-Fri 10:00 Europe/Berlin" {
		t.Errorf("standup schedule %q", s)
	}
	if s := got.Schedules[Retro].String(); s != "Fri/2 14:00 UTC from 2026-11-30" {
		t.Errorf("retro schedule %q (weeks count from the week it was set)", s)
	}
	if web.Schedules != nil {
		t.Fatal("the change changed the team it was made from")
	}
	desc := DescribeTeam(got, "")
	if !strings.Contains(desc, "  schedule:\n    standup: Mon-Fri 10:00 Europe/Berlin\n    retro: Fri/2 14:00 UTC from 2026-11-30\n") {
		t.Errorf("DescribeTeam does not show the schedule:\n%s", desc)
	}
	off, err := ParseTeamChange([]string{"--retro", "off"})
	if err != nil {
		t.Fatal(err)
	}
	got, err = got.Change(LocalCaller(), stamped(off, now))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Schedules[Retro]; ok || got.Schedules[Standup].Zero() {
		t.Errorf("after --retro off: %v", got.Schedules)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--standup"}, "--standup needs a schedule"},
		{[]string{"--standup", "Mon-Fri 10:00 Mars/Olympus"}, `"Mars/Olympus" is not a time zone`},
		{[]string{"--standup", "Mon 9:00 UTC", "--standup", "Tue 9:00 UTC"}, "--standup is given twice"},
		{[]string{"--weekly", "Mon 9:00 UTC"}, "usage: team NAME"},
	} {
		if _, err := ParseTeamChange(tc.args); err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseTeamChange(%q) = %v, want %q", tc.args, err, tc.want)
		}
	}
}
