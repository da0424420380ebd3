package sshserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// Issue 14 end to end over SSH, with the x/crypto client against the real
// server: a decision taken while Ben was absent is on Ben's screen when
// he joins the team's next session, and his acknowledgement is in the
// record; Lukas's prepared update appears in his turn; Cem, who is away,
// is "excused" in the minutes.
func TestWhatYouMissedOverSSH(t *testing.T) {
	clock := session.NewFakeClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.Local))
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock })
	ana, ben, lukas, cem := newTestKey(t), newTestKey(t), newTestKey(t), newTestKey(t)
	err := ts.store.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Ana", "Ben", "Lukas", "Cem"},
		Keys:   map[string]string{"Ana": fingerprint(ana), "Ben": fingerprint(ben), "Lukas": fingerprint(lukas), "Cem": fingerprint(cem)},
		Owners: []string{fingerprint(ana)}})
	if err != nil {
		t.Fatal(err)
	}
	if status, out, errOut := ts.run("x", ana, `decide --team musicstore --with Lukas,Cem "Use Postgres 17"`); status != 0 || !strings.Contains(out, "Absent: Ben") {
		t.Fatalf("decide: %d %q %q", status, out, errOut)
	}
	if status, out, errOut := ts.runStdin(lukas, "prep standup --team musicstore", "yesterday: fixed the build\ntoday: release 2.1\n"); status != 0 {
		t.Fatalf("prep: %d %q %q", status, out, errOut)
	}
	if status, out, errOut := ts.run("x", cem, "away --team musicstore --until 2026-11-27"); status != 0 {
		t.Fatalf("away: %d %q %q", status, out, errOut)
	}
	clock.Advance(time.Hour)
	code := ts.open("x", ana, "--team musicstore")

	a := dialTest(t, ts.addr, "ana", ana, withCommand("join "+code))
	a.WaitFor("waiting room", "Cem (excused)", "Decisions not seen yet: Ben 1")
	b := dialTest(t, ts.addr, "ben", ben, withCommand("join "+code))
	b.WaitFor("Welcome, Ben — what happened without you", "Decisions taken without you (1)", "Use Postgres 17", "present: Ana")
	a.WaitForNot("Welcome, Ben") // only on Ben's screen
	b.Type("a")
	b.WaitFor("acknowledged: the team knows you have seen it")
	b.WaitForNot("Decisions taken without you")
	if _, out, _ := ts.run("x", ben, "missed --team musicstore"); !strings.Contains(out, "Ben missed nothing") {
		t.Errorf("after acknowledging on the screen: %q", out)
	}

	a.Type("n") // start: Ana, Ben, then Lukas's written update
	a.WaitFor("speaking now")
	a.Type("n")
	a.WaitFor("Up next  Lukas")
	a.Type("n")
	a.WaitFor("Lukas · written", "yesterday  fixed the build", "today      release 2.1", "read it out, or move on")
	b.WaitFor("Lukas · written", "today      release 2.1")

	status, out, errOut := ts.run("x", ana, "export "+code+" --format json")
	if status != 0 || !strings.Contains(out, `"type": "missed-acknowledged"`) || !strings.Contains(out, `"huddle_record": 2`) {
		t.Fatalf("the record lacks Ben's acknowledgement: %d %q\n%s", status, errOut, out)
	}
	if i := strings.Index(out, `"type": "missed-acknowledged"`); !strings.Contains(out[i:min(len(out), i+400)], `"team/1"`) {
		t.Errorf("the acknowledgement does not name team/1:\n%s", out[i:min(len(out), i+400)])
	}
	if status, out, errOut := ts.run("x", ana, "export "+code); status != 0 || !strings.Contains(out, "| Cem | excused |") {
		t.Errorf("minutes: %d %q\n%s", status, errOut, out)
	}
	if status, out, _ := ts.run("x", ana, "decisions --team musicstore --format json"); status != 0 || !strings.Contains(out, `"type": "acknowledged"`) {
		t.Errorf("the team log lacks the acknowledgement:\n%s", out)
	}
}
