package sshserver

import (
	"testing"
	"time"

	"huddle/session"
)

// A history row counts an excused member apart: excused, not absent.
func TestHistoryRowSaysExcused(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	sum := session.Summary{Missing: 2, Attendance: []session.Attendee{
		{Name: "Ana", Arrived: at},
		{Name: "Ben", Excused: true},
		{Name: "Lukas"},
	}}
	if got, want := attendance(sum), "1 came, 1 absent, 1 excused"; got != want {
		t.Errorf("attendance = %q, want %q", got, want)
	}
	sum = session.Summary{Missing: 1, Attendance: []session.Attendee{{Name: "Ana", Arrived: at}, {Name: "Ben", Excused: true}}}
	if got, want := attendance(sum), "1 came, 1 excused"; got != want {
		t.Errorf("attendance = %q, want %q", got, want)
	}
}
