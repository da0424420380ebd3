package sshserver

import (
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// A client's TZ is a zone's name or nothing: never a path, never the
// server's own zone by another name.
func TestClientTZIsAZoneNameOnly(t *testing.T) {
	for _, tz := range []string{"Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC", "Asia/Tokyo"} {
		if loc, ok := zoneOf(tz); !ok || loc.String() != tz {
			t.Errorf("TZ %q refused (%v)", tz, loc)
		}
	}
	for _, tz := range []string{"", "Local", "../../../etc/passwd", "/etc/localtime", "Europe/../../../etc/shadow",
		"Europe/Berlin/", "zone.tab", "Europe\\Berlin", "Europe/Nowhere", "Europe/Berlin\x00", ":Europe/Berlin",
		"Europe/Berlin\x1b[2J", strings.Repeat("A", 40), "A/b/c/d"} {
		if loc, ok := zoneOf(tz); ok {
			t.Errorf("TZ %q taken as %v", tz, loc)
		}
	}
	env := clientEnviron(fakeSession{term: "xterm", env: []string{"TZ=Asia/Tokyo", "TZ=../../etc/passwd"}})
	if strings.Join(env, "|") != "TERM=xterm" {
		t.Errorf("environment %q: a bad last TZ should leave none", env)
	}
	env = clientEnviron(fakeSession{term: "xterm", env: []string{"TZ=/etc/passwd", "TZ=Asia/Tokyo"}})
	if strings.Join(env, "|") != "TERM=xterm|TZ=Asia/Tokyo" {
		t.Errorf("environment %q", env)
	}
}

// Times show in each participant's zone when their client sends TZ.
func TestTimesShowInTheClientsZone(t *testing.T) {
	clock := session.NewFakeClock(time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC))
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock })
	at := clock.Now().Add(30 * time.Minute).In(time.Local).Format("15:04") // --at is the server's time
	code := ts.newStandupCode("--team t --members A,B --at " + at)
	tokyo := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code), withEnv("TZ", "Asia/Tokyo"))
	york := dialTest(t, ts.addr, "b", newTestKey(t), withCommand("join "+code), withEnv("TZ", "America/New_York"))
	tokyo.WaitFor(" 10:00 ", "Starts at 10:30")
	york.WaitFor(" 20:00 ", "Starts at 20:30")
}
