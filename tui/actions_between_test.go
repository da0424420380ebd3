package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// An action item closed between meetings is reviewed as handled: the next
// retrospective says who closed it and when; one reassigned is there with
// its new owner.
func TestRetroReviewShowsActionItemsHandledBetweenMeetings(t *testing.T) {
	st := mustStore(t)
	ctx := context.Background()
	team := session.Team{Name: "musicstore", Members: []string{"Lukas", "Ben"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	clock := session.NewFakeClock(t0.Add(-48 * time.Hour)) // Mon 23 Nov
	r1 := mustRoom(t, st, clock, session.Config{Kind: session.Retro}, "Lukas", "Ben")
	submit := func(c session.Command) {
		t.Helper()
		if err := r1.Submit(fac, c); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	for r1.Snapshot().State.Phase != session.Actions {
		submit(session.Next{})
	}
	submit(session.AddAction{Text: "fix the flaky test", Owner: lukas})
	submit(session.AddAction{Text: "write the runbook", Owner: lukas})
	submit(session.End{})
	ref := func(n string) string { return r1.Snapshot().State.ID[:6] + "/a" + n }

	clock.Advance(24 * time.Hour) // Tue
	change := func(ed session.ActionEdit) {
		t.Helper()
		if _, err := session.ChangeAction(ctx, st, team, session.LocalCaller(), "Ben", ed, clock.Now(), time.Local); err != nil {
			t.Fatal(err)
		}
	}
	change(session.ActionEdit{What: session.ChangeDone, Ref: ref("1")})
	change(session.ActionEdit{What: session.ChangeReassigned, Ref: ref("2"), To: "ben"})

	clock.Advance(24 * time.Hour)
	d := retroDriverIn(t, st, clock, session.Config{}, "Lukas", "Ben")
	d.see("To review: 1 open action item · 1 action item closed between meetings")
	d.toPhase(session.Review)
	tue := t0.Add(-24 * time.Hour).In(time.Local).Format("Mon")
	d.see("Action items from earlier sessions (2)", "#1 fix the flaky test — Lukas ✓ done · closed by Ben on "+tue,
		"#2 write the runbook — Ben · open · reassigned to Ben by Ben on "+tue)
	d.fits()
}

// A stand-up's waiting room names the open action items due today.
func TestStandupWaitingRoomShowsItemsDueToday(t *testing.T) {
	st := mustStore(t)
	ctx := context.Background()
	clock := session.NewFakeClock(t0)
	retro, err := session.Create(ctx, st, session.Plan{Config: session.Config{Team: "musicstore", Kind: session.Retro},
		Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: []string{"Julia"}}, t0.Add(-72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	day := func(d time.Time) time.Time {
		d = d.In(time.Local)
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.Local)
	}
	julia := session.Person{ID: session.RosterID("Julia"), Name: "Julia"}
	var evs []session.Event
	for i, due := range []time.Time{day(t0), day(t0.AddDate(0, 0, 1)), {}} {
		a := session.Action{ID: i + 1, Text: "item " + itoa(i+1), Owner: julia, Due: due, Session: retro.ID}
		evs = append(evs, session.Event{Seq: int64(i + 2), Time: t0.Add(-72 * time.Hour), Payload: &session.ActionAdded{Action: a}})
	}
	if err := st.Append(ctx, retro.ID, evs...); err != nil {
		t.Fatal(err)
	}
	d := &driver{t: t, room: mustRoom(t, st, clock, session.Config{}, "Julia"), clock: clock}
	d.m = d.model(fac, Options{SharedKeyboard: true})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.see("Open action items (3)", "Due today: item 1 (Julia)")
	if strings.Contains(d.screen(), "item 2 (Julia)") {
		t.Fatalf("an item due tomorrow is due today:\n%s", d.screen())
	}
}
