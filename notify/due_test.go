package notify_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"huddle/notify"
	"huddle/session"
)

// waitFor waits until cond holds, failing the test after 10 seconds.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // polls the condition
	}
}

// setClock moves the fake clock to t once the morning loop waits on it,
// and returns once the loop waits again: what it queued is queued.
func setClock(tb testing.TB, clock *session.FakeClock, t time.Time) {
	tb.Helper()
	waitFor(tb, "the morning loop to wait", func() bool { return clock.Timers() == 1 })
	clock.Set(t)
	waitFor(tb, "the morning loop to wait again", func() bool { return clock.Timers() == 1 })
}

func TestItemsDueArePostedEachMorningOncePerTeamAndDay(t *testing.T) {
	st := mustStore(t)
	ctx := context.Background()
	for _, team := range []session.Team{
		{Name: "musicstore", Members: []string{"Julia", "Zed", jorg}},
		{Name: "calm", Members: []string{"Ann"}},
		{Name: "idle", Members: []string{"Bo"}},
	} {
		if err := st.PutTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
	}
	mustSave(t, st, "r1", retro(true))
	calm := retro(false)
	calm[0].Payload.(*session.Created).Config.Team = "calm"
	calm[0].Payload.(*session.Created).Actions = nil
	calm[len(calm)-2].Payload.(*session.ActionAdded).Action.Due = time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)
	mustSave(t, st, "c1", calm)

	h := newHook(t)
	clock := session.NewFakeClock(time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC))
	cfg := notify.Config{Webhooks: []string{h.URL}, Store: st, DueAt: "08:00", Location: time.UTC, Clock: clock}
	n := mustNotifier(t, cfg)

	// Wed 2 Dec, 08:00: one message, of musicstore, with Julia's item
	// due today; none of calm, nothing due; none of idle.
	setClock(t, clock, time.Date(2026, 12, 2, 8, 0, 30, 0, time.UTC))
	waitFor(t, "the morning's message", func() bool { return len(h.posted()) >= 1 })
	want := "**Action items of musicstore** · Wed 2 Dec 2026 · 1 item due today\n\n**Due today**\n" +
		"- Change the branch rule — Julia, due Wed 2 Dec `r1/a2`"
	if got := h.posted(); len(got) != 1 || got[0] != want {
		t.Fatalf("posted %q, want %q", got, want)
	}
	// An hour later, the same day: nothing more.
	setClock(t, clock, time.Date(2026, 12, 2, 9, 0, 30, 0, time.UTC))
	n.Close(context.Background())
	if got := h.posted(); len(got) != 1 {
		t.Fatalf("posted again the same day: %q", got)
	}

	// A stand-up of musicstore opens at 08:30, carrying the item; then a
	// restart later that day: the store still remembers the message.
	mustSave(t, st, "s2", []session.Event{{Seq: 1, Time: time.Date(2026, 12, 2, 8, 30, 0, 0, time.UTC), Actor: maria.ID, Payload: &session.Created{
		Config:      session.Config{Team: "musicstore", Code: "STAND2", Timebox: 5 * time.Minute},
		Facilitator: maria, Roster: []string{"Julia"},
		Actions: []session.Action{{ID: 2, Text: "Change the branch rule", Owner: julia, Due: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Session: "r1"}},
	}}})
	again := mustNotifier(t, cfg)
	waitFor(t, "the catch-up at the start", func() bool { return again.Stats().Skipped == 1 })
	setClock(t, clock, time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC))
	if got := h.posted(); len(got) != 1 {
		t.Fatalf("posted again after a restart: %q", got)
	}

	// Thu 3 Dec, 08:00: the item is overdue.
	setClock(t, clock, time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC))
	again.Close(context.Background())
	want = "**Action items of musicstore** · Thu 3 Dec 2026 · 1 item overdue\n\n**Overdue**\n" +
		"- Change the branch rule — Julia, due Wed 2 Dec `r1/a2`"
	got := h.posted()
	if len(got) != 2 || got[1] != want {
		t.Fatalf("posted %q, want the second %q", got, want)
	}
	// An anonymous retrospective's item: its owner, never a card's author.
	for _, text := range got {
		for _, who := range []string{"Zed", jorg, "secret complaint"} {
			if strings.Contains(text, who) {
				t.Errorf("the message names %q:\n%s", who, text)
			}
		}
	}
	if s := again.Stats(); s.Sent != 1 || s.Skipped != 1 || s.Dropped != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestAServerStartedAfterTheHourPostsThatDaysItemsAtOnce(t *testing.T) {
	st := mustStore(t)
	if err := st.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Julia", "Zed", jorg}}); err != nil {
		t.Fatal(err)
	}
	mustSave(t, st, "r1", retro(false))
	h := newHook(t)
	clock := session.NewFakeClock(time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC))
	// A message of yesterday's items still pending: no news today.
	sum := sha256.Sum256([]byte(h.URL))
	if _, err := st.QueueDelivery(context.Background(), session.Delivery{Session: "r1", Event: notify.DueEvent("2026-12-01"),
		Target: "webhook:" + hex.EncodeToString(sum[:6]), Body: "yesterday", Queued: clock.Now().Add(-27 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	n := mustNotifier(t, notify.Config{Webhooks: []string{h.URL}, Store: st, DueAt: "8:00", Location: time.UTC, Clock: clock})
	waitFor(t, "the morning loop to wait", func() bool { return clock.Timers() == 1 })
	n.Close(context.Background())
	if got := h.posted(); len(got) != 1 || !strings.Contains(got[0], "Wed 2 Dec 2026 · 1 item due today") {
		t.Errorf("posted %q", got)
	}
	pending, err := st.PendingDeliveries(context.Background(), time.Time{})
	if err != nil || len(pending) != 0 {
		t.Errorf("pending %v, %v", pending, err)
	}
}

func TestWithoutDueAtNoMorningMessages(t *testing.T) {
	st := mustStore(t)
	if err := st.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Julia", "Zed", jorg}}); err != nil {
		t.Fatal(err)
	}
	mustSave(t, st, "r1", retro(false))
	h := newHook(t)
	clock := session.NewFakeClock(time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC))
	n := mustNotifier(t, notify.Config{Webhooks: []string{h.URL}, Store: st, Location: time.UTC, Clock: clock})
	n.Close(context.Background())
	if got := h.posted(); len(got) != 0 || clock.Timers() != 0 {
		t.Errorf("posted %q, %d timers", got, clock.Timers())
	}
}

func TestDueAtTakesHHMM(t *testing.T) {
	for in, want := range map[string]time.Duration{"08:00": 8 * time.Hour, "8:30": 8*time.Hour + 30*time.Minute, " 23:59 ": 23*time.Hour + 59*time.Minute, "00:00": 0} {
		if got, err := notify.ParseDueAt(in); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	st := mustStore(t)
	for _, in := range []string{"8", "24:00", "08:60", "8am", "08:00:00", "soon"} {
		if _, err := notify.ParseDueAt(in); err == nil {
			t.Errorf("%q: accepted", in)
		}
		_, err := notify.New(notify.Config{Webhooks: []string{"https://example.org/hook"}, Store: st, DueAt: in})
		if err == nil || !strings.Contains(err.Error(), "--notify-at") || !strings.Contains(err.Error(), "HH:MM") {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestDueTextIsEmptyWithNothingDue(t *testing.T) {
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	items := []session.ActionItem{
		{Ref: "s1/a1", Text: "No day", Owner: "Ann"},
		{Ref: "s1/a2", Text: "Later", Owner: "Ann", Due: now.AddDate(0, 0, 1)},
	}
	if got := notify.DueText("web", items, now, time.UTC); got != "" {
		t.Errorf("got %q", got)
	}
	items = append(items,
		session.ActionItem{Ref: "s1/a3", Text: "*Late*", Owner: "Bo", Due: now.AddDate(0, 0, -1)},
		session.ActionItem{Ref: "s1/a4", Text: "Later still", Owner: "Cy", Due: now.AddDate(0, 0, -3)},
		session.ActionItem{Ref: "s1/a5", Text: "Today", Owner: "Di", Due: now},
	)
	want := "**Action items of web** · Wed 2 Dec 2026 · 1 item due today, 2 items overdue\n\n" +
		"**Due today**\n- Today — Di, due Wed 2 Dec `s1/a5`\n\n" +
		"**Overdue**\n- Later still — Cy, due Sun 29 Nov `s1/a4`\n- \\*Late\\* — Bo, due Tue 1 Dec `s1/a3`"
	if got := notify.DueText("web", items, now, time.UTC); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTheMorningHourIsByTheWallClockOnADaylightSavingDay(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	st := mustStore(t)
	if err := st.PutTeam(context.Background(), session.Team{Name: "musicstore", Members: []string{"Julia", "Zed", jorg}}); err != nil {
		t.Fatal(err)
	}
	mustSave(t, st, "r1", retro(false)) // Julia's item is due on 2 Dec 2026: overdue
	h := newHook(t)
	// Sun 28 Mar 2027: the clocks go from 02:00 to 03:00.
	clock := session.NewFakeClock(time.Date(2027, 3, 28, 1, 0, 0, 0, berlin))
	mustNotifier(t, notify.Config{Webhooks: []string{h.URL}, Store: st, DueAt: "08:00", Location: berlin, Clock: clock})
	setClock(t, clock, time.Date(2027, 3, 28, 7, 59, 0, 0, berlin))
	if got := h.posted(); len(got) != 0 {
		t.Fatalf("posted before 08:00: %q", got)
	}
	setClock(t, clock, time.Date(2027, 3, 28, 8, 0, 0, 0, berlin))
	waitFor(t, "the morning's message", func() bool { return len(h.posted()) == 1 })
}
