package sshserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// A team's owner sets its schedule over SSH; its members get it as a
// calendar that says how to reach the lobby; a stranger learns what an
// unknown team tells, and a member cannot change the schedule.
func TestScheduleAndICSOverSSH(t *testing.T) {
	clock := session.NewFakeClock(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)) // 10:00 in Berlin: the next stand-up is tomorrow's
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock; c.PublicHost = "huddle.example:2222" })
	ana, ben, stranger := newTestKey(t), newTestKey(t), newTestKey(t)
	err := ts.store.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"},
		Keys: map[string]string{"Ana": fingerprint(ana), "Ben": fingerprint(ben)}, Owners: []string{fingerprint(ana)}})
	if err != nil {
		t.Fatal(err)
	}
	if status, _, errOut := ts.run("x", ben, `team musicstore --standup "Mon-Fri 10:00 Europe/Berlin"`); status != 1 || !strings.Contains(errOut, "only the owners of musicstore") {
		t.Errorf("a member set the schedule: %d %q", status, errOut)
	}
	if status, _, errOut := ts.run("x", ana, `team musicstore --standup "Mon-Fri 10:00 Europe/Berlim"`); status != 2 || !strings.Contains(errOut, `"Europe/Berlim" is not a time zone`) {
		t.Errorf("a bad zone: %d %q", status, errOut)
	}
	status, out, errOut := ts.run("x", ana, `team musicstore --standup "Mon-Fri 10:00 Europe/Berlin" --retro "Fri/2 14:00 Europe/Berlin"`)
	if status != 0 || !strings.Contains(out, "    standup: Mon-Fri 10:00 Europe/Berlin\n    retro: Fri/2 14:00 Europe/Berlin from 2026-11-30\n") {
		t.Fatalf("setting the schedule: %d %q\n%s", status, errOut, out)
	}
	status, out, errOut = ts.run("x", ben, "ics --team musicstore")
	text := strings.ReplaceAll(out, "\r\n ", "")
	if status != 0 || !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\n") ||
		!strings.Contains(text, "DTSTART;TZID=Europe/Berlin:20261203T100000\r\n") ||
		!strings.Contains(text, "DTSTART;TZID=Europe/Berlin:20261204T140000\r\n") ||
		!strings.Contains(text, `Join from the lobby: ssh -t -p 2222 huddle.example\n`) {
		t.Errorf("ics: %d %q\n%s", status, errOut, out)
	}
	status, out, errOut = ts.run("x", stranger, "ics --team musicstore")
	uStatus, _, uErrOut := ts.run("x", stranger, "ics --team nosuchteam")
	if status != 1 || out != "" || status != uStatus ||
		strings.ReplaceAll(errOut, "musicstore", "T") != strings.ReplaceAll(uErrOut, "nosuchteam", "T") {
		t.Errorf("a stranger got %d %q %q; an unknown team %d %q", status, out, errOut, uStatus, uErrOut)
	}
}
