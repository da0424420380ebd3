package nodetest_test

// The two-node tests of the session package (session/nodes_test.go)
// against PostgreSQL: each node opens the database itself, with its own
// pool, listener and locks.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"huddle/internal/pgtest"
	"huddle/session"
	"huddle/session/nodetest"
	"huddle/session/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

const fac session.ParticipantID = "local:maria"

// pgNodes opens n nodes' stores on one fresh database and starts a hub on
// each, with the clock given and the session rate unlimited.
func pgNodes(t *testing.T, clock session.Clock, n int) ([]*session.Hub, []*nodetest.Mortal) {
	t.Helper()
	url := pgtest.Database(t)
	var (
		hubs  []*session.Hub
		nodes []*nodetest.Mortal
	)
	for i := range n {
		st, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		m := nodetest.NewMortal(st)
		h := session.NewHub(m, session.RoomOptions{Clock: clock, Rate: -1, Node: fmt.Sprintf("n%d", i+1),
			Error: func(err error) {
				if !errors.Is(err, nodetest.ErrKilled) {
					t.Logf("node %d: %v", i+1, err)
				}
			}})
		t.Cleanup(func() {
			h.Close()
			st.Close()
		})
		hubs, nodes = append(hubs, h), append(nodes, m)
	}
	return hubs, nodes
}

func create(t *testing.T, st session.Store, cfg session.Config, roster ...string) string {
	t.Helper()
	cfg.Team = "musicstore"
	if cfg.Timebox == 0 {
		cfg.Timebox = 15 * time.Minute
	}
	info, err := session.Create(context.Background(), st, session.Plan{
		Config: cfg, Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: roster,
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return info.ID
}

func room(t *testing.T, h *session.Hub, id string) *session.Room {
	t.Helper()
	r, err := h.Room(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func submit(t *testing.T, r *session.Room, actor session.ParticipantID, c session.Command) {
	t.Helper()
	if err := r.Submit(actor, c); err != nil {
		t.Fatalf("%T: %v", c, err)
	}
}

func join(t *testing.T, h *session.Hub, r *session.Room, key, name string) session.ParticipantID {
	t.Helper()
	h.Hold(r.ID(), key)
	submit(t, r, session.SSHID(key), session.Join{Key: key, Name: name})
	p, _ := r.Snapshot().State.ByKey(key)
	return p.ID
}

func present(r *session.Room, key string) bool {
	p, ok := r.Snapshot().State.ByKey(key)
	return ok && p.Present
}

func events(t *testing.T, st session.Store, id string) []session.Event {
	t.Helper()
	evs, err := st.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func topics(s *session.State) []string {
	var out []string
	for _, it := range s.Items {
		out = append(out, it.Topic)
	}
	return out
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func converged(t *testing.T, st session.Store, id string, rooms ...*session.Room) func() bool {
	return func() bool {
		evs := events(t, st, id)
		for _, r := range rooms {
			if r.Snapshot().State.Seq != evs[len(evs)-1].Seq {
				return false
			}
		}
		return true
	}
}

func TestPostgresNodesSeeEachOthersChanges(t *testing.T) {
	clock := session.NewFakeClock(t0)
	hubs, nodes := pgNodes(t, clock, 2)
	id := create(t, nodes[0], session.Config{OpenDoor: true})
	ra, rb := room(t, hubs[0], id), room(t, hubs[1], id)
	ann := join(t, hubs[0], ra, "k-ann", "ann")
	bob := join(t, hubs[1], rb, "k-bob", "bob")
	var want []string
	for i := range 10 {
		submit(t, ra, ann, session.Park{Topic: fmt.Sprintf("ann %d", i)})
		submit(t, rb, bob, session.Park{Topic: fmt.Sprintf("bob %d", i)})
		want = append(want, fmt.Sprintf("ann %d", i), fmt.Sprintf("bob %d", i))
	}
	waitFor(t, "both nodes have the whole log", converged(t, nodes[0], id, ra, rb))
	for _, r := range []*session.Room{ra, rb} {
		if got := topics(r.Snapshot().State); !slices.Equal(got, want) {
			t.Fatalf("topics %v, want %v", got, want)
		}
		if !present(r, "k-ann") || !present(r, "k-bob") {
			t.Fatal("a node does not see both participants")
		}
	}
}

func TestPostgresNodesConflictingBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 durable appends")
	}
	clock := session.NewFakeClock(t0)
	hubs, nodes := pgNodes(t, clock, 2)
	const sessions, each = 5, session.MaxTopics / 2
	var ids []string
	for range sessions {
		ids = append(ids, create(t, nodes[0], session.Config{OpenDoor: true}))
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, id := range ids {
		ra, rb := room(t, hubs[0], id), room(t, hubs[1], id)
		ann := join(t, hubs[0], ra, "k-ann", "ann")
		bob := join(t, hubs[1], rb, "k-bob", "bob")
		for _, p := range []struct {
			r  *session.Room
			me session.ParticipantID
		}{{ra, ann}, {rb, bob}} {
			wg.Go(func() {
				waitFor(t, "the other node's participant", func() bool { return present(p.r, "k-ann") && present(p.r, "k-bob") })
				for i := range each {
					if err := p.r.Submit(p.me, session.Park{Topic: fmt.Sprintf("%s %d", p.me, i)}); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			})
		}
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d commands failed, the first: %v", len(errs), 2*each*sessions, errs[0])
	}
	for _, id := range ids {
		count := map[string]int{}
		for _, e := range events(t, nodes[0], id) {
			if p, ok := e.Payload.(*session.Parked); ok {
				count[p.Topic]++
			}
		}
		if len(count) != 2*each {
			t.Fatalf("session %s: %d topics, want %d", id, len(count), 2*each)
		}
		for topic, n := range count {
			if n != 1 {
				t.Fatalf("session %s: %q recorded %d times", id, topic, n)
			}
		}
		ra, _ := hubs[0].Live(id)
		rb, _ := hubs[1].Live(id)
		waitFor(t, "both nodes have the whole log", converged(t, nodes[0], id, ra, rb))
	}
}

func TestPostgresNodesExpireOnce(t *testing.T) {
	for _, dead := range []bool{false, true} {
		t.Run(fmt.Sprintf("dead=%v", dead), func(t *testing.T) {
			clock := session.NewFakeClock(t0)
			hubs, nodes := pgNodes(t, clock, 2)
			var rooms []*session.Room
			for range 5 {
				id := create(t, nodes[0], session.Config{Timebox: 4 * time.Minute}, "Lukas", "Julia")
				ra := room(t, hubs[0], id)
				submit(t, ra, fac, session.Arrive{Name: "Lukas"})
				submit(t, ra, fac, session.Arrive{Name: "Julia"})
				submit(t, ra, fac, session.Start{})
				rb := room(t, hubs[1], id)
				waitFor(t, "node 2 sees the start", func() bool { return rb.Snapshot().State.Phase == session.Rounds })
				rooms = append(rooms, rb)
			}
			if dead {
				nodes[0].Kill()
			}
			clock.Advance(2 * time.Minute)
			for _, rb := range rooms {
				waitFor(t, "node 2 sees the turn run out", func() bool { turn, _ := rb.Snapshot().State.CurrentTurn(); return turn.Timer.Expired })
				n := 0
				for _, e := range events(t, nodes[1], rb.ID()) {
					if p, ok := e.Payload.(*session.Expired); ok && p.Timer == session.TurnTimer {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("session %s: the turn expired %d times", rb.ID(), n)
				}
			}
		})
	}
}

func TestPostgresDeadNodesParticipantsLeave(t *testing.T) {
	clock := session.NewFakeClock(t0)
	hubs, nodes := pgNodes(t, clock, 2)
	id := create(t, nodes[0], session.Config{OpenDoor: true})
	ra, rb := room(t, hubs[0], id), room(t, hubs[1], id)
	join(t, hubs[0], ra, "k-ann", "ann")
	join(t, hubs[1], rb, "k-bob", "bob")
	waitFor(t, "node 1 sees bob", func() bool { return present(ra, "k-bob") })
	// Node 2 beats with bob's connection, then dies.
	waitFor(t, "node 2's beat with bob", func() bool { return len(nodes[1].Beaten()) == 1 })
	nodes[1].Kill()
	var took time.Duration
	for present(ra, "k-bob") {
		if took > 2*session.DefaultDead {
			t.Fatalf("bob is still here %s after his node died", took)
		}
		n := clock.Timers()
		clock.Advance(time.Second)
		took += time.Second
		waitFor(t, "the nodes' loops to wait again", func() bool { return clock.Timers() >= n })
	}
	if limit := session.DefaultDead + session.DefaultDead/3 + time.Second; took > limit {
		t.Fatalf("bob was marked away after %s, want at most %s", took, limit)
	}
	if !present(ra, "k-ann") {
		t.Fatal("ann, held by a live node, was marked away")
	}
	join(t, hubs[0], ra, "k-bob", "bob")
	if !present(ra, "k-bob") {
		t.Fatal("bob did not come back through node 1")
	}
}

// Two nodes' schedulers on one PostgreSQL database open a scheduled
// stand-up once (the team's advisory lock; see SchedulersRace).
func TestPostgresSchedulersOpenOnce(t *testing.T) {
	url := pgtest.Database(t)
	var stores []session.Store
	for range 2 {
		st, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores = append(stores, st)
	}
	nodetest.SchedulersRace(t, stores[0], stores[1])
}
