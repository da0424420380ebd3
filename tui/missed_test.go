package tui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
	"huddle/session/sqlite"
)

// newTeamDriver is newDriver for a team that exists in the store, whose
// log before prepares (decisions, prepared updates, absences) before the
// session is created.
func newTeamDriver(t *testing.T, cfg session.Config, roster []string, before func(ctx context.Context, st *sqlite.Store, team session.Team)) (*driver, *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	team := session.Team{Name: "musicstore", Members: roster}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(ctx, st, team)
	}
	cfg.Team = "musicstore"
	if cfg.Timebox == 0 {
		cfg.Timebox = 8 * time.Minute
	}
	if cfg.ScheduledAt.IsZero() {
		cfg.ScheduledAt = t0
	}
	clock := session.NewFakeClock(t0.Add(-5 * time.Minute))
	info, err := session.Create(ctx, st, session.Plan{
		Config: cfg, Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: roster,
	}, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	room, err := session.OpenRoom(ctx, st, info.ID, session.RoomOptions{Clock: clock, Teams: session.NewTeams(st, clock)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { room.Close() })
	d := &driver{t: t, room: room, clock: clock}
	d.m = d.model(fac, Options{SharedKeyboard: true})
	d.exec(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return d, st
}

func decidedWithoutBen(ctx context.Context, st *sqlite.Store, team session.Team) {
	if _, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "Ana", "Use Postgres 17", []string{"Lukas"}, t0.Add(-48*time.Hour)); err != nil {
		panic(err)
	}
}

// At the shared keyboard, marking Ben present greets him with the
// decision taken without him; a acknowledges it: in the session's record
// and in the team's log, and the facilitator's count goes.
func TestMarkingPresentGreetsWithWhatTheyMissed(t *testing.T) {
	d, st := newTeamDriver(t, session.Config{}, []string{"Ana", "Ben", "Lukas"}, decidedWithoutBen)
	ctx := context.Background()
	d.see("Decisions not seen yet: Ben 1 · L lists them")
	d.press("L")
	d.see("Decisions not seen yet, by member", "Ben (1)", "Use Postgres 17")
	d.press("esc")
	d.notSee("by member")

	d.press("enter") // Ana: she was there, nothing to greet her with
	d.notSee("what happened without")
	d.press("enter") // Ben
	d.see("Ben — what happened without Ben", "Decisions taken without Ben (1)", "Use Postgres 17", "present: Ana, Lukas",
		"a acknowledge all", "esc later")
	d.press("n") // keys do not act under the greeting
	if d.state().Phase != session.Waiting {
		t.Fatal("n started the stand-up under the greeting")
	}
	d.press("a")
	d.notSee("Decisions taken without Ben")
	d.see("Ben has seen what happened without them")

	evs, err := st.Events(ctx, d.state().ID)
	if err != nil {
		t.Fatal(err)
	}
	ack, ok := evs[len(evs)-1].Payload.(*session.MissedAcknowledged)
	if !ok || ack.Who.Name != "Ben" || len(ack.Decisions) != 1 || ack.Decisions[0] != "team/1" {
		t.Fatalf("the last event is %T %+v", evs[len(evs)-1].Payload, evs[len(evs)-1].Payload)
	}
	if m, _ := session.MissedBy(ctx, st, "musicstore", "Ben", d.state().ID); len(m.Decisions) != 0 {
		t.Errorf("Ben still missed %+v", m.Decisions)
	}
	d.notSee("Decisions not seen yet")
}

// esc closes the greeting without acknowledging; the next member's
// greeting waits behind the one shown.
func TestGreetingsQueueAndEscDoesNotAcknowledge(t *testing.T) {
	d, st := newTeamDriver(t, session.Config{}, []string{"Ana", "Ben", "Lukas"}, func(ctx context.Context, st *sqlite.Store, team session.Team) {
		if _, err := session.DecideOutside(ctx, st, team, session.LocalCaller(), "Ana", "Use Postgres 17", nil, t0.Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
	})
	for _, who := range []string{"Ben", "Lukas"} {
		if err := d.room.Submit(fac, session.Arrive{Who: session.RosterID(who)}); err != nil {
			t.Fatal(err)
		}
	}
	d.deliver()
	d.see("Ben — what happened without Ben", "then 1 more greeting")
	d.press("esc")
	d.see("Lukas — what happened without Lukas")
	d.notSee("more greeting")
	d.press("a")
	d.notSee("Decisions taken without")
	ctx := context.Background()
	if m, _ := session.MissedBy(ctx, st, "musicstore", "Ben", d.state().ID); len(m.Decisions) != 1 {
		t.Errorf("esc acknowledged for Ben: %+v", m.Decisions)
	}
	if m, _ := session.MissedBy(ctx, st, "musicstore", "Lukas", d.state().ID); len(m.Decisions) != 0 {
		t.Errorf("a did not acknowledge for Lukas: %+v", m.Decisions)
	}
	d.see("Decisions not seen yet: Ben 1") // read again after the acknowledgement
}

// Over SSH a member sees their own greeting, and only theirs.
func TestAMemberOverSSHIsGreetedOnTheirOwnScreen(t *testing.T) {
	d, _ := newTeamDriver(t, session.Config{}, []string{"Ana", "Ben", "Lukas"}, decidedWithoutBen)
	if err := d.room.Submit(session.SSHID("SHA256:ben"), session.Join{Key: "SHA256:ben", Name: "Ben"}); err != nil {
		t.Fatal(err)
	}
	p, _ := d.state().ByKey("SHA256:ben")
	ben := &driver{t: t, room: d.room, clock: d.clock}
	ben.m = ben.model(p.ID, Options{Key: "SHA256:ben"})
	ben.exec(ben.m.Init())
	ben.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	ben.see("Welcome, Ben — what happened without you", "Decisions taken without you (1)", "Use Postgres 17")
	ben.press("a")
	ben.see("acknowledged: the team knows you have seen it")
	d.deliver()
	d.notSee("what happened without") // not on the facilitator's screen
	// The facilitator's count follows the acknowledgement made on Ben's
	// screen: read again on the clock's tick, at most every 10 s.
	d.see("Decisions not seen yet: Ben 1")
	d.send(tickMsg(d.clock.Now()))
	d.see("Decisions not seen yet: Ben 1") // not before 10 s
	d.clock.Advance(unseenEvery)
	d.send(tickMsg(d.clock.Now()))
	d.notSee("Decisions not seen yet")
}

// The facilitator's L lists unseen decisions; U stays the stand-up's
// "move up", even while decisions are unseen (both were U once).
func TestListingUnseenDecisionsLeavesMoveUpAlone(t *testing.T) {
	d, _ := newTeamDriver(t, session.Config{}, []string{"Ana", "Ben", "Lukas"}, decidedWithoutBen)
	d.see("Decisions not seen yet: Ben 1 · L lists them")
	d.press("enter") // Ana
	d.press("enter") // Ben, greeted
	d.see("Decisions taken without Ben")
	d.press("esc", "enter", "n") // later; Lukas; start
	d.see("Up next")
	d.press("U")
	d.see("Move up in the order")
	d.notSee("by member")
	d.press("esc", "L")
	d.see("Decisions not seen yet, by member", "Ben (1)")
}

// The facilitator's L is in the full help (?) of the stand-up's and the
// retrospective's screens while it works: not for a member, and not once
// the session is closed.
func TestTheFullHelpHasLWhereItWorks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  session.Kind
		who   session.ParticipantID
		close bool
		want  bool
	}{
		{"stand-up, facilitator", session.Standup, fac, false, true},
		{"retrospective, facilitator", session.Retro, fac, false, true},
		{"stand-up, member", session.Standup, session.RosterID("Ana"), false, false},
		{"retrospective, member", session.Retro, session.RosterID("Ana"), false, false},
		{"stand-up, closed", session.Standup, fac, true, false},
		{"retrospective, closed", session.Retro, fac, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := newTeamDriver(t, session.Config{Kind: tc.kind}, []string{"Ana", "Ben", "Lukas"}, decidedWithoutBen)
			if tc.close {
				if err := d.room.Submit(fac, session.End{}); err != nil {
					t.Fatal(err)
				}
				d.deliver()
			}
			if tc.who != fac {
				d.press("enter") // Ana is here
				d = d.as(tc.who)
			}
			if d.m.help.ShowAll {
				t.Fatal("the full help is open already")
			}
			d.press("?")
			if !d.m.help.ShowAll {
				t.Fatal("? did not open the full help")
			}
			if tc.want {
				d.see("L not seen yet")
			} else {
				d.notSee("L not seen yet")
			}
			d.press("?")
			d.notSee("L not seen yet") // the short help leaves it to the count's line
		})
	}
}
