package tui

import (
	"slices"
	"testing"
	"time"

	"huddle/session"
)

// The keys of corrections (correct_standup.go, correct_retro.go): each
// sends its command, is offered only when it would work, asks before it
// destroys something, and is no member's or watcher's where the session
// says it is the facilitator's.

var zed = session.RosterID("Zed")

// addGuest marks Zed present as a guest, by keys.
func (d *driver) addGuest() {
	d.t.Helper()
	d.press("a")
	d.typeText("Zed")
	d.press("enter", "y")
	if p, ok := d.state().Participant(zed); !ok || !p.Present {
		d.t.Fatalf("Zed is not here as a guest: %+v", p)
	}
}

func TestUnmarkTakesBackAWrongArrival(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	if d.m.keys.Unmark.Enabled() {
		t.Fatal("u is offered with nobody marked present")
	}
	d.press("enter") // Lukas, by mistake
	d.press("?")
	d.see("not here") // in the full help
	d.press("?")
	d.press("u")
	d.see("Not here after all:")
	d.typeText("luk")
	d.press("enter")
	d.see("Lukas is no longer marked present", "Missing (2)")
	if p, _ := d.state().Participant(lukas); p.Present || !p.Arrived.IsZero() {
		t.Fatalf("Lukas %+v, want not marked present", p)
	}
	if d.m.keys.Unmark.Enabled() {
		t.Fatal("u is still offered with nobody to unmark")
	}
	d.press("u") // nothing happens: no prompt opens
	d.notSee("Not here after all")
}

func TestRemovingAGuestAsksFirst(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.addGuest()
	d.press("u")
	d.typeText("Zed")
	d.press("enter")
	d.see("Remove the guest Zed from the session? (y/n)")
	d.press("n")
	if _, ok := d.state().Participant(zed); !ok {
		t.Fatal("n removed the guest")
	}
	d.press("u")
	d.typeText("Zed")
	d.press("enter", "y")
	d.see("the guest Zed is removed")
	if _, ok := d.state().Participant(zed); ok {
		t.Fatal("the guest is still in the session")
	}
}

func TestPromotingAGuestPutsThemOnTheRoster(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	if d.m.keys.ToRoster.Enabled() {
		t.Fatal("m is offered without a guest")
	}
	d.addGuest()
	if !d.m.keys.ToRoster.Enabled() {
		t.Fatal("m is not offered with a guest here")
	}
	d.press("m")
	d.see("Add to the team's roster:")
	d.typeText("Nobody")
	d.press("enter")
	d.see("✗ nobody called Nobody is in this session")
	d.press("esc", "m")
	d.typeText("Zed")
	d.press("enter")
	d.see("Zed is on the team's roster now")
	if p, _ := d.state().Participant(zed); !p.Expected {
		t.Fatalf("Zed %+v, want expected", p)
	}
	if d.m.keys.ToRoster.Enabled() {
		t.Fatal("m is still offered with no guest left")
	}
}

// Over SSH R removes someone (door.go): m is the facilitator's key to the
// roster there too.
func TestPromotingOverSSHIsNotRemoving(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.addGuest()
	f := d.as(fac)
	f.press("m")
	f.see("Add to the team's roster:")
	f.press("esc", "R")
	f.see("Remove from the session:")
}

func TestMembersAndWatchersHaveNoArrivalCorrections(t *testing.T) {
	d := newDriver(t, session.Config{OpenDoor: true}, "Lukas", "Julia")
	d.press("enter", "enter")
	d.addGuest()
	if err := d.room.Submit(session.SSHID("k-olga"), session.Join{Key: "k-olga", Name: "Olga", Observer: true}); err != nil {
		t.Fatal(err)
	}
	d.press("n") // the rounds: N, U and E/X come into play too
	d.press("b")
	d.typeText("build is red")
	d.press("enter")
	for _, id := range []session.ParticipantID{julia, session.SSHID("k-olga")} {
		d.asMember(id)
		k := d.m.keys
		for name, b := range map[string]bool{"u": k.Unmark.Enabled(), "m": k.ToRoster.Enabled(), "N": k.ChooseNext.Enabled(),
			"U": k.MoveUp.Enabled(), "E": k.EditIt.Enabled(), "X": k.DeleteIt.Enabled()} {
			if b {
				t.Errorf("%s is offered to %s", name, id)
			}
		}
		before := slices.Clone(d.state().Order)
		d.press("u", "m", "N", "U", "E", "X")
		d.notSee("Not here after all", "roster:", "Who speaks next", "Move up", "Edit", "Delete")
		if s := d.state(); !slices.Equal(s.Order, before) || len(s.Blockers) != 1 {
			t.Fatalf("%s changed the session: order %v, blockers %v", id, s.Order, s.Blockers)
		}
	}
}

func TestChoosingTheNextSpeakerAndMovingUp(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia", "Jörg", "Ana")
	d.press("enter", "enter", "enter", "enter", "n")
	d.see("Up next  Julia, Jörg, Ana")
	if !d.m.keys.ChooseNext.Enabled() || !d.m.keys.MoveUp.Enabled() {
		t.Fatal("N and U are not offered with three waiting")
	}
	d.press("N")
	d.see("Who speaks next?:")
	d.typeText("An")
	d.press("enter")
	d.see("Ana speaks next", "Up next  Ana, Julia, Jörg")
	d.press("U")
	d.typeText("Jörg")
	d.press("enter")
	d.see("Jörg moves up", "Up next  Ana, Jörg, Julia")
	d.press("U")
	d.typeText("Ana") // up next already: the session says so
	d.press("enter")
	d.see("✗ Ana is up next already")
	d.press("esc", "n", "n", "n") // Ana, Jörg, then Julia: nobody left to choose
	if d.m.keys.ChooseNext.Enabled() || d.m.keys.MoveUp.Enabled() {
		t.Fatal("N or U offered with nobody to choose")
	}
}

func TestEditAndDeleteAParkedTopic(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("enter", "n", "p")
	d.typeText("relase date")
	d.press("enter", "p")
	d.typeText("lunch")
	d.press("enter", "n")
	d.see("parking lot", "▸ #1 relase date")
	d.press("?")
	d.see("edit topic", "delete topic")
	d.press("?", "E")
	d.see("Edit #1: relase date") // filled with the text as it is
	for range len("lase date") {
		d.press("backspace")
	}
	d.typeText("lease date")
	d.press("enter")
	d.see("#1 changed", "#1 release date")
	d.press("j", "X")
	d.see("Delete #2 “lunch” as if never parked? (y/n)")
	d.press("n")
	if len(d.state().Items) != 2 {
		t.Fatal("n deleted the topic")
	}
	d.press("X", "y")
	d.see("#2 deleted")
	d.notSee("lunch")
	if its := d.state().Items; len(its) != 1 || its[0].Topic != "release date" {
		t.Fatalf("items %+v", its)
	}
}

func TestAMemberEditsOnlyTheirOwnParkedTopic(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("enter", "enter", "n")
	d.do(julia, session.Park{Topic: "julia's topic"})
	d.press("p")
	d.typeText("maria's topic")
	d.press("enter", "n", "n")
	if d.state().Phase != session.Parking {
		t.Fatalf("phase %s", d.state().Phase)
	}
	d.asMember(julia)
	if !d.m.keys.EditIt.Enabled() {
		t.Fatal("Julia may not edit her own topic")
	}
	d.press("j")
	if d.m.keys.EditIt.Enabled() || d.m.keys.DeleteIt.Enabled() {
		t.Fatal("Julia is offered to change maria's topic")
	}
	d.press("X")
	d.notSee("Delete")
	d.press("k", "X", "y")
	if its := d.state().OpenItems(); len(its) != 1 || its[0].Topic != "maria's topic" {
		t.Fatalf("open items %+v", its)
	}
}

func TestEditAndDeleteABlocker(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	if d.m.keys.EditIt.Enabled() {
		t.Fatal("E is offered in the waiting room")
	}
	d.press("enter", "enter", "n", "b")
	d.typeText("build is rde")
	d.press("enter")
	d.see("! #1 Lukas: build is rde")
	d.press("E")
	d.see("Edit blocker #1 of Lukas: build is rde") // one blocker: no question which
	d.press("backspace", "backspace")
	d.typeText("ed")
	d.press("enter")
	d.see("blocker #1 changed", "! #1 Lukas: build is red")
	d.press("b")
	d.typeText("@Julia needs prod access")
	d.press("enter")
	d.press("X")
	d.see("Delete blocker number (1, 2): 2") // the newest offered
	d.press("backspace")
	d.typeText("7")
	d.press("enter")
	d.see("✗ no blocker 7 that you may change")
	d.press("esc", "X", "enter")
	d.see("Delete blocker #2 of Julia, “needs prod access”? (y/n)")
	d.press("y")
	d.see("blocker #2 deleted")
	if bs := d.state().Blockers; len(bs) != 1 || bs[0].Text != "build is red" {
		t.Fatalf("blockers %+v", bs)
	}
	// Julia's own blocker: hers to change, Lukas's is not.
	d.asMember(julia)
	if d.m.keys.EditIt.Enabled() {
		t.Fatal("Julia is offered to change Lukas's blocker")
	}
	d.press("b")
	d.typeText("no laptop")
	d.press("enter", "E")
	d.see("Edit blocker #2 of Julia: no laptop")
}

// Retrospective.

func TestRetroBackFromVotingAsksAndSaysTheDotsGo(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.here("Lukas")
	if d.m.retro.retroKeys().Back.Enabled() {
		t.Fatal("B offered in the waiting room")
	}
	d.toPhase(session.CheckIn)
	if d.m.retro.retroKeys().Back.Enabled() {
		t.Fatal("B offered in the check-in")
	}
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "deploys are slow"})
	d.toPhase(session.Vote)
	d.press("v")
	if len(d.state().Votes) != 1 {
		t.Fatal("no dot cast")
	}
	d.press("?")
	d.seeKeys("B     back") // the full help
	d.press("?", "B")
	d.see("Back to grouping? Every dot is discarded: everyone votes again. (y/n)")
	d.seeKeys("y yes", "n no")
	d.press("n")
	if s := d.state(); s.Phase != session.Vote || len(s.Votes) != 1 {
		t.Fatalf("n went back: %s, %d dots", s.Phase, len(s.Votes))
	}
	d.press("B", "y")
	if s := d.state(); s.Phase != session.Group || len(s.Votes) != 0 {
		t.Fatalf("after B y: %s with %d dots, want grouping without dots", s.Phase, len(s.Votes))
	}
	d.see("● group", "back to the group phase")

	l := d.as(lukas)
	if l.m.retro.retroKeys().Back.Enabled() {
		t.Fatal("B offered to a member")
	}
	l.press("B")
	l.notSee("Back to")
	if d.state().Phase != session.Group {
		t.Fatal("a member went back")
	}
}

func TestRetroBackStepsThroughTopics(t *testing.T) {
	d := newRetroDriver(t, session.Config{VoteBudget: 2}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "first"})
	d.do(fac, session.AddCard{Column: 1, Text: "second"})
	d.toPhase(session.Vote)
	d.do(fac, session.CastVote{Group: 1})
	d.do(fac, session.CastVote{Group: 2})
	d.toPhase(session.Discuss)
	d.press("n") // the second topic
	d.press("B")
	d.see("Back to the previous topic? (y/n)")
	d.press("y")
	if s := d.state(); s.Phase != session.Discuss || s.TopicPos != 0 {
		t.Fatalf("%s topic %d, want the first topic", s.Phase, s.TopicPos)
	}
	d.press("o")
	d.typeText("a note")
	d.press("enter")
	if d.m.retro.retroKeys().Back.Enabled() {
		t.Fatal("B offered back to voting with a note on a topic")
	}
}

func TestRetroSkipToActionsPastTopicsWithoutDots(t *testing.T) {
	d := newRetroDriver(t, session.Config{VoteBudget: 1}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "voted"})
	d.do(fac, session.AddCard{Column: 1, Text: "not voted"})
	d.toPhase(session.Vote)
	d.do(fac, session.CastVote{Group: 1})
	d.toPhase(session.Discuss)
	d.see("voted")
	d.press("?")
	d.seeKeys("skip to actions")
	d.press("?")
	l := d.as(lukas)
	if l.m.retro.retroKeys().SkipToActs.Enabled() {
		t.Fatal("S offered to a member")
	}
	l.press("S")
	if d.state().Phase != session.Discuss {
		t.Fatal("a member skipped to the action items")
	}
	d.press("S")
	d.see("● actions", "on to the action items")
}

func TestRetroSkipIsNotOfferedWhileLaterTopicsHaveDots(t *testing.T) {
	d := newRetroDriver(t, session.Config{VoteBudget: 2}, "Lukas")
	d.here("Lukas")
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "one"})
	d.do(fac, session.AddCard{Column: 1, Text: "two"})
	d.toPhase(session.Vote)
	d.do(fac, session.CastVote{Group: 1})
	d.do(fac, session.CastVote{Group: 2})
	d.toPhase(session.Discuss)
	if d.m.retro.retroKeys().SkipToActs.Enabled() {
		t.Fatal("S offered with a voted topic still to come")
	}
	d.press("S")
	if d.state().Phase != session.Discuss {
		t.Fatal("S skipped a voted topic")
	}
}

func TestRetroCorrectsACardTypedForAMember(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.Write)
	d.press("a")
	d.typeText("deplyos are slow")
	d.press("enter")
	d.typeText("Lukas")
	d.press("enter")
	d.see("card added to Start for Lukas", "▒▒▒ Lukas ×1")
	// Acting for Lukas, the keyboard sees what it typed for him.
	d.press("@")
	d.typeText("Lukas")
	d.press("enter")
	d.see("▸ deplyos are slow")
	d.press("?")
	d.seeKeys("e edit", "d delete", "M column")
	d.press("?")
	d.press("e")
	d.see("Edit card of Lukas: deplyos are slow")
	for range len("plyos are slow") {
		d.press("backspace")
	}
	d.typeText("ploys are slow")
	d.press("enter")
	d.see("card changed", "deploys are slow")
	d.press("M")
	d.see("to column:")
	d.typeText("Sto")
	d.press("enter")
	d.see("card moved to Stop")
	if c, _ := d.state().Card(1); c.Text != "deploys are slow" || c.Column != 1 || c.Author.ID != lukas {
		t.Fatalf("card %+v", c)
	}
	d.press("tab", "d")
	d.see("Delete Lukas's card “deploys are slow”? (y/n)")
	d.press("n")
	if len(d.state().Cards) != 1 {
		t.Fatal("n deleted the card")
	}
	d.press("d", "y")
	d.see("card deleted")
	if len(d.state().Cards) != 0 {
		t.Fatal("the card is still there")
	}
}

func TestRetroCardsOfOthersAreNoCorrectionOverSSH(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.Write)
	d.do(lukas, session.AddCard{Column: 0, Text: "lukas's card"})
	d.press("r")
	j := d.as(julia)
	f := d.as(fac) // maria over SSH
	for _, o := range []*driver{j, f} {
		k := o.m.retro.retroKeys()
		if k.Edit.Enabled() || k.Delete.Enabled() || k.MoveCard.Enabled() {
			t.Fatal("e, d or M offered on someone else's card away from the shared keyboard")
		}
		o.press("d", "M", "e")
		o.notSee("Delete", "to column", "Edit card")
	}
	if c, _ := d.state().Card(1); c.Text != "lukas's card" {
		t.Fatalf("card %+v", c)
	}
}

func TestRetroEditAndDeleteActionItems(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas", "Julia")
	d.here("Lukas", "Julia")
	d.toPhase(session.Actions)
	d.do(fac, session.AddAction{Text: "book a room", Owner: lukas})
	d.do(fac, session.AddAction{Text: "write notse", Owner: julia, Due: time.Date(2026, 12, 4, 0, 0, 0, 0, time.Local)})
	d.see("▸ #1 book a room")
	d.press("j")
	d.see("▸ #2 write notse")
	d.seeKeys("e edit", "d delete")
	d.press("e")
	d.see("Edit action item #2: write notse")
	d.press("backspace", "backspace")
	d.typeText("es")
	d.press("enter")
	d.see("Who owns it?: Julia")
	d.press("enter")
	d.see("Due date (YYYY-MM-DD, enter for none): 2026-12-04")
	d.press("backspace")
	d.typeText("5")
	d.press("enter")
	d.see("action item #2 changed", "write notes — Julia · due Sat 5 Dec")
	d.press("k", "d")
	d.see("Delete action item #1 “book a room”? (y/n)")
	d.press("y")
	if as := d.state().Actions; len(as) != 1 || as[0].Text != "write notes" {
		t.Fatalf("actions %+v", as)
	}
	// Julia's own item is hers to change; not Lukas's.
	d.do(fac, session.AddAction{Text: "lukas's", Owner: lukas})
	j := d.as(julia)
	if k := j.m.retro.retroKeys(); !k.Edit.Enabled() {
		t.Fatal("Julia may not edit her own action item")
	}
	j.press("j")
	if k := j.m.retro.retroKeys(); k.Edit.Enabled() || k.Delete.Enabled() {
		t.Fatal("Julia is offered to change Lukas's action item")
	}
}

func TestRetroWaitingRoomCorrections(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas")
	d.press("enter") // Lukas
	d.seeKeys("u not here")
	d.press("u")
	d.typeText("Lukas")
	d.press("enter")
	d.see("Lukas is no longer marked present")
	d.press("a")
	d.typeText("Zed")
	d.press("enter", "y")
	d.seeKeys("m to roster")
	d.press("m")
	d.typeText("Zed")
	d.press("enter")
	d.see("Zed is on the team's roster now")
	if p, _ := d.state().Participant(zed); !p.Expected {
		t.Fatalf("Zed %+v", p)
	}
}

func TestRetroWatcherHasNoCorrections(t *testing.T) {
	d := newRetroDriver(t, session.Config{OpenDoor: true}, "Lukas")
	d.here("Lukas")
	olga := session.SSHID("k-olga")
	if err := d.room.Submit(olga, session.Join{Key: "k-olga", Name: "Olga", Observer: true}); err != nil {
		t.Fatal(err)
	}
	d.toPhase(session.Write)
	d.do(fac, session.AddCard{Column: 0, Text: "a card"})
	d.press("r")
	d.toPhase(session.Actions)
	d.do(fac, session.AddAction{Text: "book a room", Owner: lukas})
	d.do(fac, session.AddAction{Text: "write notes", Owner: lukas})
	w := d.as(olga)
	k := w.m.retro.retroKeys()
	for name, b := range map[string]bool{"e": k.Edit.Enabled(), "d": k.Delete.Enabled(), "B": k.Back.Enabled(),
		"S": k.SkipToActs.Enabled(), "↓": k.Down.Enabled()} {
		if b {
			t.Errorf("%s is offered to a watcher", name)
		}
	}
	w.press("d", "e", "B")
	w.notSee("Delete", "Edit", "Back to")
	if s := d.state(); len(s.Actions) != 2 || s.Phase != session.Actions {
		t.Fatalf("a watcher changed the retrospective: %d actions, %s", len(s.Actions), s.Phase)
	}
}
