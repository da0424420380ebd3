package main

import (
	"strings"
	"testing"
)

// The corrections of issue 13, by keys in a real terminal: a stand-up and
// a retrospective at the shared keyboard each make ordinary mistakes and
// correct them, and the summary shows only the corrected result.

func TestEndToEndStandupCorrections(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildHuddle(t)
	env := "env HUDDLE_DATA_DIR=" + t.TempDir() + " "
	// After the stand-up, the team's roster: the guest promoted is on it.
	tm := startTmux(t, env+bin+" standup --team musicstore --members Lukas,Julia,Jörg --name Maria; echo huddle-exited-$?; "+
		env+bin+" teams; sleep 600")
	tm.waitFor("waiting room", "Missing (3)", "▸ Lukas")
	tm.keys("Enter")
	tm.waitFor("✓ Lukas", "▸ Julia")
	tm.keys("Enter") // Julia is not here: a mistake
	tm.waitFor("✓ Julia", "Here (2)")
	tm.keys("u")
	tm.waitFor("Not here after all:")
	tm.text("Julia")
	tm.keys("Enter")
	tm.waitFor("Julia is no longer marked present", "Here (1)", "Missing (2)")

	// A mistyped arrival made a guest: removed; the real one a guest who
	// joins the team.
	tm.keys("a")
	tm.waitFor("Who arrived?")
	tm.text("Eil")
	tm.keys("Enter")
	tm.waitFor("Add Eil as a guest? (y/n)")
	tm.keys("y")
	tm.waitFor("✓ Eil")
	tm.keys("u")
	tm.waitFor("Not here after all:")
	tm.text("Eil")
	tm.keys("Enter")
	tm.waitFor("Remove the guest Eil from the session? (y/n)")
	tm.keys("y")
	tm.waitFor("the guest Eil is removed")
	tm.keys("a")
	tm.waitFor("Who arrived?")
	tm.text("Eli")
	tm.keys("Enter")
	tm.waitFor("Add Eli as a guest? (y/n)")
	tm.keys("y")
	tm.waitFor("✓ Eli")
	tm.keys("m")
	tm.waitFor("Add to the team's roster:")
	tm.text("Eli")
	tm.keys("Enter")
	tm.waitFor("Eli is on the team's roster now")
	tm.keys("a")
	tm.waitFor("Who arrived?")
	tm.text("Jörg")
	tm.keys("Enter")
	tm.waitFor("✓ Jörg", "Here (3)")
	if s := tm.screen(); strings.Contains(s, "Eil") {
		t.Fatalf("the removed guest is still shown:\n%s", s)
	}

	// The rounds: Jörg has to leave early, so he speaks next; a blocker
	// and a parked topic with typos, and a topic parked by mistake.
	tm.keys("n")
	tm.waitFor("Turn 1 of 3", "Up next  Eli, Jörg")
	tm.keys("N")
	tm.waitFor("Who speaks next?:")
	tm.text("Jörg")
	tm.keys("Enter")
	tm.waitFor("Jörg speaks next", "Up next  Jörg, Eli")
	tm.keys("b")
	tm.waitFor("Blocker for Lukas")
	tm.text("buld is red")
	tm.keys("Enter")
	tm.waitFor("! #1 Lukas: buld is red")
	tm.keys("E")
	tm.waitFor("Edit blocker #1 of Lukas: buld is red")
	tm.keys("C-u")
	tm.text("build is red")
	tm.keys("Enter")
	tm.waitFor("blocker #1 changed", "! #1 Lukas: build is red")
	tm.keys("p")
	tm.waitFor("Park a topic:")
	tm.text("relase date")
	tm.keys("Enter")
	tm.waitFor("#1 relase date")
	tm.keys("p")
	tm.waitFor("Park a topic:")
	tm.text("lunch")
	tm.keys("Enter")
	tm.waitFor("#2 lunch")
	tm.keys("n")
	tm.waitFor("Turn 2 of 3", "Up next  Eli")
	tm.keys("n")
	tm.waitFor("Turn 3 of 3", "nobody: this is the last turn")
	tm.keys("n")
	tm.waitFor("parking lot", "▸ #1 relase date")
	tm.keys("E")
	tm.waitFor("Edit #1: relase date")
	tm.keys("C-u")
	tm.text("release date")
	tm.keys("Enter")
	tm.waitFor("#1 changed", "▸ #1 release date")
	tm.keys("j")
	tm.waitFor("▸ #2 lunch")
	tm.keys("X")
	tm.waitFor("Delete #2 “lunch” as if never parked? (y/n)")
	tm.keys("y")
	tm.waitFor("#2 deleted", "▸ #1 release date")
	tm.keys("r")
	tm.waitFor("→ sent to the next retrospective")
	tm.keys("n")
	tm.waitFor("End the stand-up? (y/n)")
	tm.keys("y")
	tm.waitFor("summary", "✓ Lukas on time", "✓ Jörg", "✓ Eli", "· Julia absent", "Lukas: build is red", "#1 release date")
	s := tm.screen()
	for _, gone := range []string{"buld", "relase", "lunch", "Eil"} {
		if strings.Contains(s, gone) {
			t.Fatalf("the summary shows %q, which was corrected:\n%s", gone, s)
		}
	}
	// Turns in the order chosen: Jörg before Eli.
	if j, e := strings.Index(s, "Jörg "), strings.Index(s, "Eli "); j < 0 || e < 0 || j > e {
		t.Fatalf("turns not in the order chosen (Jörg, then Eli):\n%s", s)
	}
	tm.keys("q")
	tm.waitFor("huddle-exited-0", "members:    Lukas, Julia, Jörg, Eli")
}

func TestEndToEndRetroCorrections(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildHuddle(t)
	tm := startTmux(t, "env HUDDLE_DATA_DIR="+t.TempDir()+" "+bin+" retro --team musicstore --members Lukas,Julia --name Maria; echo huddle-exited-$?; sleep 600")
	tm.waitFor("waiting room", "▸ Lukas")
	tm.keys("Enter")
	tm.waitFor("✓ Lukas", "▸ Julia")
	tm.keys("Enter")
	tm.waitFor("✓ Julia")
	tm.keys("n")
	tm.waitFor("● check-in")
	tm.keys("n")
	tm.waitFor("● review")
	tm.keys("n")
	tm.waitFor("● write", "Write in silence")

	// A card typed for Lukas with a typo, in the wrong column: the text
	// comes first, then whose it is.
	tm.keys("a")
	tm.waitFor("Card in Start:")
	tm.text("deplyos are slow")
	tm.keys("Enter")
	tm.waitFor("“deplyos are slow” by (enter: you):")
	tm.text("Lukas")
	tm.keys("Enter")
	tm.waitFor("card added to Start for Lukas")
	tm.keys("a")
	tm.waitFor("Card in Start:")
	tm.text("more pairing")
	tm.keys("Enter")
	tm.waitFor("“more pairing” by (enter: you):") // the keyboard's, not Lukas's again
	tm.keys("Enter")
	tm.waitFor("more pairing · you")
	tm.keys("r")
	tm.waitFor("every card is visible now", "▸ deplyos are slow")
	tm.keys("e")
	tm.waitFor("Edit card of Lukas: deplyos are slow")
	tm.keys("C-u")
	tm.text("deploys are slow")
	tm.keys("Enter")
	tm.waitFor("card changed", "deploys are slow")
	tm.keys("M")
	tm.waitFor("Move “deploys are slow” to column:")
	tm.text("Stop")
	tm.keys("Enter")
	tm.waitFor("card moved to Stop", "Stop (1)")

	// A dot cast before grouping was done: back to grouping, which says
	// that the dots go.
	tm.keys("n")
	tm.waitFor("● group")
	tm.keys("n")
	tm.waitFor("● vote", "3 of 3 left")
	tm.keys("v")
	tm.waitFor("dot cast", "2 of 3 left")
	tm.keys("B")
	tm.waitFor("Back to grouping? Every dot is discarded: everyone votes again. (y/n)")
	tm.keys("y")
	tm.waitFor("● group", "back to the group phase")
	tm.keys("n")
	tm.waitFor("● vote", "3 of 3 left") // everyone votes anew
	tm.keys("v")
	tm.waitFor("dot cast", "2 of 3 left")
	tm.keys("n")
	tm.waitFor("● discuss", "Topic 1 of 2", "more pairing", "Up next  deploys are slow (0)")

	// Nobody voted for the last topic: on to the action items.
	tm.keys("S")
	tm.waitFor("● actions", "on to the action items")
	tm.keys("A")
	tm.waitFor("Action item:")
	tm.text("book a room")
	tm.keys("Enter")
	tm.waitFor("Who owns it?:")
	tm.text("Lukas")
	tm.keys("Enter")
	tm.waitFor("Due date")
	tm.keys("Enter")
	tm.waitFor("From topic")
	tm.keys("Enter")
	tm.waitFor("▸ #1 book a room — Lukas")
	tm.keys("e")
	tm.waitFor("Edit action item #1: book a room")
	tm.keys("C-u")
	tm.text("book a pairing room")
	tm.keys("Enter")
	tm.waitFor("Who owns it?: Lukas")
	tm.keys("C-u")
	tm.text("Julia")
	tm.keys("Enter")
	tm.waitFor("Due date")
	tm.keys("Enter")
	tm.waitFor("action item #1 changed", "#1 book a pairing room — Julia")
	tm.keys("E")
	tm.waitFor("End the retrospective now? (y/n)")
	tm.keys("y")
	tm.waitFor("summary", "#1 book a pairing room — Julia", "deploys are slow · 0 dots")
	if s := tm.screen(); strings.Contains(s, "deplyos") || strings.Contains(s, "— Lukas") {
		t.Fatalf("the summary shows what was corrected:\n%s", s)
	}
	tm.keys("q")
	tm.waitFor("huddle-exited-0")
}
