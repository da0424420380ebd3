package session_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/nodetest"
)

// waitUntil waits for cond, failing the test after a long time (the
// machine may be busy); it never sleeps for a fixed time to let
// something happen.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// The scheduler opens a team's scheduled stand-up once when the clock
// passes its time, with the team's remembered defaults; after a restart
// it does not open it again.
func TestSchedulerOpensOncePerOccurrence(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	defer st.Close()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 12, 2, 9, 59, 30, 0, berlin) // a Wednesday
	clock := session.NewFakeClock(start)
	teams := session.NewTeams(st, clock)
	sched, err := session.ParseSchedule("Mon-Fri 10:00 Europe/Berlin", start)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutTeam(ctx, session.Team{Name: "web", Members: []string{"Ana", "Ben"},
		Schedules: map[session.Kind]session.Schedule{session.Standup: sched}}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutDefaults(ctx, "web", session.Standup, session.Defaults{Timebox: 10 * time.Minute, Facilitator: "Ben"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var opened []session.Info
	run := func() (stop func()) {
		sc := session.NewScheduler(teams)
		sc.Opened = func(info session.Info) {
			mu.Lock()
			defer mu.Unlock()
			opened = append(opened, info)
		}
		sc.Failed = func(team string, kind session.Kind, err error) { t.Errorf("%s %s: %v", team, kind, err) }
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); sc.Run(rctx) }()
		return func() { cancel(); <-done }
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(opened) }
	waiting := func() bool { return clock.Timers() == 1 }

	stop := run()
	waitUntil(t, "the scheduler to wait", waiting)
	if count() != 0 {
		t.Fatal("opened before its time")
	}
	clock.Advance(time.Minute) // 10:00:30: the timer was for 10:00
	waitUntil(t, "the stand-up to open", func() bool { return count() == 1 })
	waitUntil(t, "the scheduler to wait again", waiting)
	clock.Advance(time.Minute)
	waitUntil(t, "the scheduler to wait again", waiting)
	stop()

	// A restart within the grace does not open it again.
	clock.Advance(5 * time.Minute)
	stop = run()
	waitUntil(t, "the restarted scheduler to wait", waiting)
	stop()
	if count() != 1 {
		t.Fatalf("opened %d sessions, want 1", count())
	}
	info := opened[0]
	sessions, err := st.Sessions(ctx, session.Filter{Team: "web"})
	if err != nil || len(sessions) != 1 || sessions[0].ID != info.ID || info.Kind != session.Standup {
		t.Fatalf("sessions %+v, %v; opened %+v", sessions, err, info)
	}
	events, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	created := events[0].Payload.(*session.Created)
	if created.Config.Timebox != 10*time.Minute || !created.Config.ScheduledAt.Equal(time.Date(2026, 12, 2, 10, 0, 0, 0, berlin)) {
		t.Errorf("the session's config %+v: want the remembered time-box and the scheduled start", created.Config)
	}
	if st := session.Fold(info.ID, events); st.Facilitator != session.RosterID("Ben") {
		t.Errorf("facilitated by %q, want the remembered Ben", st.Facilitator)
	}

	// Much later than its grace a missed occurrence is not opened; the
	// next day's is.
	clock.Set(time.Date(2026, 12, 3, 9, 59, 0, 0, berlin))
	stop = run()
	waitUntil(t, "the scheduler to wait", waiting)
	clock.Advance(2 * time.Minute)
	waitUntil(t, "the next day's stand-up", func() bool { return count() == 2 })
	stop()
}

// Two nodes' schedulers over one shared store, firing at the same moment,
// open the scheduled stand-up once: the team's lock, shared by the nodes,
// holds the second until the first has opened it.
func TestSchedulersOfTwoNodesOpenOnce(t *testing.T) {
	c := nodetest.New(t)
	nodetest.SchedulersRace(t, c.Node(), c.Node())
}
