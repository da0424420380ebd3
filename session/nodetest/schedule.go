package nodetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"huddle/session"
)

// SchedulersRace checks that the schedulers of two nodes, a and b (two
// connections to one shared store), open a scheduled stand-up once when
// both fire at the same moment. Each node creates its session only once
// the other node has looked for it or is waiting for the team's lock, so
// two schedulers that looked before either opened would both open one.
func SchedulersRace(t *testing.T, a, b session.Store) {
	t.Helper()
	ctx := context.Background()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	start := time.Date(2026, 12, 2, 10, 0, 30, 0, berlin) // a Wednesday, just after 10:00
	clock := session.NewFakeClock(start)
	sched, err := session.ParseSchedule("Mon-Fri 10:00 Europe/Berlin", start)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.PutTeam(ctx, session.Team{Name: "web", Members: []string{"Ana", "Ben"},
		Schedules: map[session.Kind]session.Schedule{session.Standup: sched}}); err != nil {
		t.Fatal(err)
	}
	ra, rb := newRacer(t, a), newRacer(t, b)
	ra.other, rb.other = rb, ra

	var mu sync.Mutex
	var opened []session.Info
	var wg sync.WaitGroup
	for _, r := range []*racer{ra, rb} {
		sc := session.NewScheduler(session.NewTeams(r, clock))
		sc.Opened = func(info session.Info) {
			mu.Lock()
			defer mu.Unlock()
			opened = append(opened, info)
		}
		sc.Failed = func(team string, kind session.Kind, err error) { t.Errorf("%s %s: %v", team, kind, err) }
		wg.Go(func() { sc.Tick(ctx) })
	}
	wg.Wait()
	sessions, err := a.Sessions(ctx, session.Filter{Team: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(opened) != 1 || len(sessions) != 1 || sessions[0].ID != opened[0].ID {
		t.Fatalf("the two schedulers opened %d sessions, the store has %d; want one", len(opened), len(sessions))
	}
}

// racer is one node's store in SchedulersRace: it tells when the node
// looked for the team's stand-ups or asked for the team's lock, and holds
// back its creation of a session until the other node did either.
type racer struct {
	session.Store
	t      *testing.T
	other  *racer
	looked chan struct{} // closed when the node looks for the team's stand-ups
	asked  chan struct{} // closed when the node asks for a team's lock

	lookOnce, askOnce sync.Once
}

func newRacer(t *testing.T, st session.Store) *racer {
	return &racer{Store: st, t: t, looked: make(chan struct{}), asked: make(chan struct{})}
}

func (r *racer) Sessions(ctx context.Context, f session.Filter) ([]session.Info, error) {
	if f.Kind != nil {
		r.lookOnce.Do(func() { close(r.looked) })
	}
	return r.Store.Sessions(ctx, f)
}

func (r *racer) LockTeam(ctx context.Context, name string) (func(), error) {
	r.askOnce.Do(func() { close(r.asked) })
	return r.Store.(session.TeamLocker).LockTeam(ctx, name)
}

func (r *racer) Create(ctx context.Context, info session.Info, first session.Event) error {
	select {
	case <-r.other.looked:
	case <-r.other.asked:
	case <-time.After(20 * time.Second):
		r.t.Error("the other node neither looked for the stand-up nor asked for the team's lock")
	}
	return r.Store.Create(ctx, info, first)
}

func (r *racer) Defaults(ctx context.Context, team string, kind session.Kind) (session.Defaults, error) {
	return r.Store.(session.DefaultsStore).Defaults(ctx, team, kind)
}

func (r *racer) PutDefaults(ctx context.Context, team string, kind session.Kind, d session.Defaults) error {
	return r.Store.(session.DefaultsStore).PutDefaults(ctx, team, kind, d)
}
