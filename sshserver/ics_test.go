package sshserver

import (
	"context"
	"strings"
	"sync"
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
	if status, out, errOut := ts.run("x", ben, "ics --team musicstore"); status != 1 || out != "" ||
		!strings.Contains(errOut, `musicstore has no schedule; its owners set one with: team musicstore --standup "Mon-Fri 10:00 Europe/Berlin"`) {
		t.Errorf("ics without a schedule: %d %q %q", status, out, errOut)
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

// The server opens a team's scheduled stand-up at its time, by its clock,
// and Config.Opened (--notify) hears of it once, with the join command;
// started again (a restart), it does not open it twice.
func TestScheduledSessionOpensAndIsHeardOfOnce(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	clock := session.NewFakeClock(time.Date(2026, 12, 2, 9, 59, 0, 0, berlin))
	var mu sync.Mutex
	var got []session.Info
	var joins []string
	ts := startServer(t, t.TempDir(), func(c *Config) {
		c.Clock, c.PublicHost = clock, "huddle.example:2222"
		c.Opened = func(info session.Info, join string) {
			mu.Lock()
			defer mu.Unlock()
			got, joins = append(got, info), append(joins, join)
		}
	})
	sched, err := session.ParseSchedule("Mon-Fri 10:00 Europe/Berlin", clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	err = ts.store.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Ana", "Ben"},
		Schedules: map[session.Kind]session.Schedule{session.Standup: sched}})
	if err != nil {
		t.Fatal(err)
	}
	heard := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waiting := func() bool { return clock.Timers() >= 1 }
	stop := ts.srv.StartSchedule(t.Context())
	wait("the scheduler to wait", waiting)
	before := clock.Timers()
	clock.Advance(2 * time.Minute)
	wait("Opened", func() bool { return heard() == 1 })
	wait("the scheduler to wait again", func() bool { return clock.Timers() >= before })
	stop()
	others := clock.Timers()                 // the timers of anything but the scheduler
	stop = ts.srv.StartSchedule(t.Context()) // a restart
	wait("the restarted scheduler to wait", func() bool { return clock.Timers() == others+1 })
	stop()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Team != "musicstore" || got[0].Kind != session.Standup || joins[0] != "ssh -t -p 2222 huddle.example join" {
		t.Fatalf("Opened heard %+v with %q", got, joins)
	}
	sessions, err := ts.store.Sessions(context.Background(), session.Filter{Team: "musicstore"})
	if err != nil || len(sessions) != 1 || sessions[0].Code != got[0].Code {
		t.Fatalf("sessions %+v, %v", sessions, err)
	}
}
