package main

import (
	"strings"
	"testing"
	"time"
)

// A local stand-up with --notify, in a real terminal: its opening and its
// end are posted, and nothing the notifier does shows on the screen.
func TestEndToEndLocalStandupNotifies(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	w := newTexts(t)
	bin := buildHuddle(t)
	tm := startTmux(t, "env HUDDLE_DATA_DIR="+t.TempDir()+" "+bin+" standup --team musicstore --members Lukas,Julia --name Maria --notify "+
		w.URL+"; echo huddle-exited-$?; sleep 600")
	tm.waitFor("waiting room", "▸ Lukas")
	tm.keys("Enter")
	tm.waitFor("✓ Lukas")
	tm.keys("n")
	tm.waitFor("Turn 1 of 1")
	tm.keys("e")
	tm.waitFor("(y/n)")
	tm.keys("y")
	tm.waitFor("summary")
	tm.keys("q")
	tm.waitFor("huddle-exited-0")
	for deadline := time.Now().Add(10 * time.Second); len(w.posted()) < 2 && time.Now().Before(deadline); {
		<-w.new
	}
	got := w.posted()
	if len(got) != 2 || got[0] != "**Stand-up of musicstore is open** at the facilitator's keyboard." ||
		!strings.HasPrefix(got[1], "**Stand-up of musicstore ended**") || !strings.Contains(got[1], "**Attendance:** 1 of 2 came: Lukas · absent: Julia") {
		t.Fatalf("posted %q", got)
	}
	if s := tm.screen(); strings.Contains(s, "notif") {
		t.Errorf("the notifier wrote on the screen:\n%s", s)
	}
}
