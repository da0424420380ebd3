package session_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/nodetest"
)

// startHubs returns n hubs (nodes) over the cluster, with the session rate
// unlimited and the clock given.
func startHubs(tb testing.TB, c *nodetest.Cluster, clock session.Clock, n int) ([]*session.Hub, []*nodetest.Node) {
	tb.Helper()
	var hubs []*session.Hub
	var nodes []*nodetest.Node
	for i := range n {
		nd := c.Node()
		h := session.NewHub(nd, session.RoomOptions{Clock: clock, Rate: -1, Node: fmt.Sprintf("n%d", i+1),
			Error: func(err error) {
				if !errors.Is(err, nodetest.ErrKilled) {
					tb.Logf("node %d: %v", i+1, err)
				}
			}})
		tb.Cleanup(func() { h.Close() })
		hubs, nodes = append(hubs, h), append(nodes, nd)
	}
	return hubs, nodes
}

func mustHubRoom(tb testing.TB, h *session.Hub, id string) *session.Room {
	tb.Helper()
	r, err := h.Room(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// eventually advances the fake clock by step until ok holds and returns
// the fake time that took. After each step it waits until every timer
// that fired was made again, that is until the nodes' loops have done what
// the step made due; the wall-clock bound only guards against a hang.
func eventually(tb testing.TB, clock *session.FakeClock, step, limit time.Duration, ok func() bool) time.Duration {
	tb.Helper()
	var passed time.Duration
	for !ok() {
		if passed >= limit {
			tb.Fatalf("nothing after %s of fake time", passed)
		}
		n := clock.Timers()
		clock.Advance(step)
		passed += step
		waitFor(tb, "the nodes' loops to wait again", func() bool { return clock.Timers() >= n })
	}
	return passed
}

// waitFor waits for ok without moving any clock.
func waitFor(tb testing.TB, what string, ok func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			tb.Fatalf("never: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func storedEvents(tb testing.TB, st session.Store, id string) []session.Event {
	tb.Helper()
	events, err := st.Events(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return events
}

// join holds a connection of key on the hub's node and joins with it, as
// the SSH server does.
func join(tb testing.TB, h *session.Hub, r *session.Room, key, name string) {
	tb.Helper()
	h.Hold(r.ID(), key)
	mustSubmit(tb, r, session.SSHID(key), session.Join{Key: key, Name: name})
}

func present(r *session.Room, key string) bool {
	p, ok := r.Snapshot().State.ByKey(key)
	return ok && p.Present
}

func converged(tb testing.TB, st session.Store, id string, rooms ...*session.Room) func() bool {
	return func() bool {
		events := storedEvents(tb, st, id)
		for _, r := range rooms {
			if r.Snapshot().State.Seq != events[len(events)-1].Seq {
				return false
			}
		}
		return true
	}
}

func topics(s *session.State) []string {
	var out []string
	for _, it := range s.Items {
		out = append(out, it.Topic)
	}
	return out
}

// A participant on node A and one on node B see each other's changes, in
// the order of the log, whoever decided them on a head that had moved.
func TestNodesSeeEachOthersChanges(t *testing.T) {
	c := nodetest.New(t)
	clock := session.NewFakeClock(t0)
	hubs, _ := startHubs(t, c, clock, 2)
	info := mustCreate(t, c.Store, session.Config{OpenDoor: true})
	ra, rb := mustHubRoom(t, hubs[0], info.ID), mustHubRoom(t, hubs[1], info.ID)
	subA, subB := ra.Subscribe(), rb.Subscribe()
	join(t, hubs[0], ra, "k-ann", "ann")
	join(t, hubs[1], rb, "k-bob", "bob")
	await(t, subA, func(s *session.State) bool { p, ok := s.ByKey("k-bob"); return ok && p.Present })
	await(t, subB, func(s *session.State) bool { p, ok := s.ByKey("k-ann"); return ok && p.Present })

	// Each parks on a node whose room may not have heard of the other's
	// last topic yet: the append loses, the room catches up and decides
	// the topic again on top.
	var seen [2][]int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for i, sub := range []*session.Subscription{subA, subB} {
		wg.Go(func() {
			for {
				select {
				case snap := <-sub.C():
					seen[i] = append(seen[i], snap.State.Seq)
				case <-done:
					return
				}
			}
		})
	}
	ann := ra.Snapshot().State
	annID, _ := ann.ByKey("k-ann")
	bobID, _ := rb.Snapshot().State.ByKey("k-bob")
	var want []string
	for i := range 10 {
		mustSubmit(t, ra, annID.ID, session.Park{Topic: fmt.Sprintf("ann %d", i)})
		mustSubmit(t, rb, bobID.ID, session.Park{Topic: fmt.Sprintf("bob %d", i)})
		want = append(want, fmt.Sprintf("ann %d", i), fmt.Sprintf("bob %d", i))
	}
	waitFor(t, "both nodes have the whole log", converged(t, c.Store, info.ID, ra, rb))
	close(done)
	wg.Wait()
	folded := session.Fold(info.ID, storedEvents(t, c.Store, info.ID))
	for _, r := range []*session.Room{ra, rb} {
		if got := topics(r.Snapshot().State); fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(got) != fmt.Sprint(topics(folded)) {
			t.Fatalf("topics %v, want %v as in the log", got, want)
		}
	}
	for i, seqs := range seen {
		for j := 1; j < len(seqs); j++ {
			if seqs[j] <= seqs[j-1] {
				t.Fatalf("node %d published seq %d after %d", i+1, seqs[j], seqs[j-1])
			}
		}
	}
}

// 1,000 topics parked at once through two nodes, in five sessions: none
// is lost, none doubled, and both nodes end with the log's state.
func TestNodesConflictingBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 durable appends")
	}
	c := nodetest.New(t)
	clock := session.NewFakeClock(t0)
	hubs, _ := startHubs(t, c, clock, 2)
	const sessions, each = 5, session.MaxTopics / 2
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		ids  []string
	)
	// All created before anything is parked: a session carries the open
	// topics of the team's earlier ones.
	for range sessions {
		ids = append(ids, mustCreate(t, c.Store, session.Config{OpenDoor: true}).ID)
	}
	for _, id := range ids {
		ra, rb := mustHubRoom(t, hubs[0], id), mustHubRoom(t, hubs[1], id)
		join(t, hubs[0], ra, "k-ann", "ann")
		join(t, hubs[1], rb, "k-bob", "bob")
		for _, p := range []struct {
			r   *session.Room
			key string
		}{{ra, "k-ann"}, {rb, "k-bob"}} {
			wg.Go(func() {
				waitFor(t, "the other node's participant", func() bool { return present(p.r, "k-ann") && present(p.r, "k-bob") })
				me, _ := p.r.Snapshot().State.ByKey(p.key)
				for i := range each {
					if err := p.r.Submit(me.ID, session.Park{Topic: fmt.Sprintf("%s %d", p.key, i)}); err != nil {
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
	if c.Conflicts() == 0 {
		t.Fatal("no append lost a race: the test proves nothing")
	}
	t.Logf("%d appends lost a race and were decided again", c.Conflicts())
	for _, id := range ids {
		events := storedEvents(t, c.Store, id)
		count := map[string]int{}
		for _, e := range events {
			if p, ok := e.Payload.(*session.Parked); ok {
				count[p.Topic]++
			}
		}
		for _, key := range []string{"k-ann", "k-bob"} {
			for i := range each {
				if n := count[fmt.Sprintf("%s %d", key, i)]; n != 1 {
					t.Fatalf("session %s: topic %s %d recorded %d times", id, key, i, n)
				}
			}
		}
		if len(count) != 2*each {
			t.Fatalf("session %s: %d topics, want %d", id, len(count), 2*each)
		}
		ra, _ := hubs[0].Live(id)
		rb, _ := hubs[1].Live(id)
		waitFor(t, "both nodes have the whole log", converged(t, c.Store, id, ra, rb))
		folded := session.Fold(id, events)
		for _, r := range []*session.Room{ra, rb} {
			if fmt.Sprint(topics(r.Snapshot().State)) != fmt.Sprint(topics(folded)) {
				t.Fatalf("session %s: a node's topics differ from the log's", id)
			}
		}
	}
}

// startStandup opens a stand-up of two on the hub's node and starts it:
// 4 minutes for two, a turn runs out after 2.
func startStandup(t *testing.T, c *nodetest.Cluster, h *session.Hub) *session.Room {
	t.Helper()
	info := mustCreate(t, c.Store, session.Config{Timebox: 4 * time.Minute}, "Lukas", "Julia")
	r := mustHubRoom(t, h, info.ID)
	mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
	mustSubmit(t, r, fac, session.Arrive{Name: "Julia"})
	mustSubmit(t, r, fac, session.Start{})
	return r
}

func expiredTurns(events []session.Event) int {
	n := 0
	for _, e := range events {
		if p, ok := e.Payload.(*session.Expired); ok && p.Timer == session.TurnTimer {
			n++
		}
	}
	return n
}

// A time-box runs out on every node that serves the session; the log
// records its expiry once. With the node that started it dead, another
// records it, once.
func TestNodesExpireOnce(t *testing.T) {
	for _, dead := range []bool{false, true} {
		t.Run(fmt.Sprintf("dead=%v", dead), func(t *testing.T) {
			c := nodetest.New(t)
			clock := session.NewFakeClock(t0)
			hubs, nodes := startHubs(t, c, clock, 2)
			var rooms []*session.Room
			for range 5 {
				ra := startStandup(t, c, hubs[0])
				rb := mustHubRoom(t, hubs[1], ra.ID())
				waitFor(t, "node 2 sees the start", func() bool { return rb.Snapshot().State.Phase == session.Rounds })
				rooms = append(rooms, ra, rb)
			}
			if dead {
				nodes[0].Kill() // no pause, no goodbye: it just stops
			}
			clock.Advance(2 * time.Minute)
			for i := 0; i < len(rooms); i += 2 {
				rb := rooms[i+1]
				waitFor(t, "node 2 sees the turn run out", func() bool { turn, _ := rb.Snapshot().State.CurrentTurn(); return turn.Timer.Expired })
				if !dead {
					ra := rooms[i]
					waitFor(t, "node 1 sees the turn run out", func() bool { turn, _ := ra.Snapshot().State.CurrentTurn(); return turn.Timer.Expired })
				}
				if n := expiredTurns(storedEvents(t, c.Store, rb.ID())); n != 1 {
					t.Fatalf("session %s: the turn expired %d times", rb.ID(), n)
				}
			}
		})
	}
}

// The participants of a node that died are marked away by another within
// Dead and a beat; those a live node holds stay; whoever comes back
// through a live node is here again.
func TestNodesDeadNodesParticipantsLeave(t *testing.T) {
	c := nodetest.New(t)
	clock := session.NewFakeClock(t0)
	hubs, nodes := startHubs(t, c, clock, 2)
	info := mustCreate(t, c.Store, session.Config{OpenDoor: true})
	ra, rb := mustHubRoom(t, hubs[0], info.ID), mustHubRoom(t, hubs[1], info.ID)
	join(t, hubs[0], ra, "k-ann", "ann")
	join(t, hubs[1], rb, "k-bob", "bob")
	waitFor(t, "node 2's holding on record", func() bool {
		return len(c.Holdings("n2")) == 1
	})
	nodes[1].Kill() // no goodbye: its heartbeats stop
	rb = nil
	waitFor(t, "node 1 sees bob", func() bool { return present(ra, "k-bob") })
	took := eventually(t, clock, time.Second, time.Minute, func() bool { return !present(ra, "k-bob") })
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
	if c.Beating("n2") {
		t.Fatal("the dead node's holdings are still on record: another node would mark bob away again")
	}
}

// A doorbell that loses every other ring costs time, never an event: the
// periodic catch-up brings the other node to the log's head. A ring
// without a session (the doorbell reconnected) makes every room catch up
// at once.
func TestNodesLostRingsConverge(t *testing.T) {
	c := nodetest.New(t)
	clock := session.NewFakeClock(t0)
	var rings int
	c.Drop(func(session.Head) bool { rings++; return rings%2 == 0 })
	hubs, _ := startHubs(t, c, clock, 2)
	info := mustCreate(t, c.Store, session.Config{OpenDoor: true})
	ra, rb := mustHubRoom(t, hubs[0], info.ID), mustHubRoom(t, hubs[1], info.ID)
	join(t, hubs[0], ra, "k-ann", "ann")
	me, _ := ra.Snapshot().State.ByKey("k-ann")
	for i := range 20 {
		mustSubmit(t, ra, me.ID, session.Park{Topic: fmt.Sprintf("topic %d", i)})
	}
	eventually(t, clock, time.Second, 2*session.DefaultCatchUp, converged(t, c.Store, info.ID, ra, rb))
	if got := len(rb.Snapshot().State.Items); got != 20 {
		t.Fatalf("node 2 has %d topics, want 20", got)
	}

	c.Drop(func(session.Head) bool { return true })
	mustSubmit(t, ra, me.ID, session.Park{Topic: "after the doorbell broke"})
	c.Reconnect()
	waitFor(t, "node 2 catches up after the doorbell reconnected", converged(t, c.Store, info.ID, ra, rb))
}

// One node closing gracefully pauses nothing: the other nodes go on
// serving the session, its time-boxes running.
func TestNodesCloseOfOneNodePausesNothing(t *testing.T) {
	c := nodetest.New(t)
	clock := session.NewFakeClock(t0)
	hubs, _ := startHubs(t, c, clock, 2)
	ra := startStandup(t, c, hubs[0])
	rb := mustHubRoom(t, hubs[1], ra.ID())
	waitFor(t, "node 2 sees the start", func() bool { return rb.Snapshot().State.Phase == session.Rounds })
	if err := hubs[0].Close(); err != nil {
		t.Fatal(err)
	}
	for _, e := range storedEvents(t, c.Store, ra.ID()) {
		if _, ok := e.Payload.(*session.Paused); ok {
			t.Fatal("a node's graceful close paused a session that other nodes serve")
		}
	}
	clock.Advance(2 * time.Minute)
	waitFor(t, "node 2 records the turn's end", func() bool { turn, _ := rb.Snapshot().State.CurrentTurn(); return turn.Timer.Expired })
	if rb.Snapshot().State.Paused {
		t.Fatal("the session is paused")
	}
	if hubs[1].Stale(rb.Snapshot().State) != nil {
		t.Fatal("a node that first sees a shared session takes its participants for stale")
	}
}

// A command decided on a head that moved is decided again on the new
// state, and refused as the screen would refuse it had it come a moment
// later: the facilitator's "next" pressed on two nodes ends one turn, and
// a topic parked on a node that did not know the lot was full is not
// recorded.
func TestNodesDecideAgainOnTheNewHead(t *testing.T) {
	c := nodetest.New(t)
	clock := session.NewFakeClock(t0)
	hubs, _ := startHubs(t, c, clock, 2)
	ra := startStandup(t, c, hubs[0])
	rb := mustHubRoom(t, hubs[1], ra.ID())
	waitFor(t, "node 2 sees the start", func() bool { return rb.Snapshot().State.Phase == session.Rounds })
	c.Drop(func(session.Head) bool { return true }) // node 2 hears nothing more

	speaker, _ := ra.Snapshot().State.Speaker()
	mustSubmit(t, ra, fac, session.Next{Speaker: speaker.ID})
	if rb.Snapshot().State.Seq == ra.Snapshot().State.Seq {
		t.Fatal("node 2 learnt of the turn's end without a ring: the test proves nothing")
	}
	err := rb.Submit(fac, session.Next{Speaker: speaker.ID})
	if !errors.Is(err, session.ErrConflict) || errors.Is(err, session.ErrStore) || !strings.Contains(err.Error(), "turn is already over") {
		t.Fatalf("the second press on the other node: %v, want the turn already over", err)
	}
	ended := 0
	for _, e := range storedEvents(t, c.Store, ra.ID()) {
		if _, ok := e.Payload.(*session.TurnEnded); ok {
			ended++
		}
	}
	if ended != 1 {
		t.Fatalf("%d turns ended, want 1", ended)
	}
	if rb.Snapshot().State.Seq != ra.Snapshot().State.Seq {
		t.Fatal("node 2 did not catch up when its append lost")
	}

	for i := range session.MaxTopics {
		mustSubmit(t, ra, fac, session.Park{Topic: fmt.Sprintf("topic %d", i)})
	}
	err = rb.Submit(fac, session.Park{Topic: "one too many"})
	if !errors.Is(err, session.ErrLimit) {
		t.Fatalf("parking on a full lot through a node that did not know: %v, want the lot full", err)
	}
	if got := len(session.Fold(ra.ID(), storedEvents(t, c.Store, ra.ID())).Items); got != session.MaxTopics {
		t.Fatalf("%d topics recorded, want %d", got, session.MaxTopics)
	}
}

// A participant whose connection another node took for gone (their last
// connection to that node closed, or it took this node for dead) is
// brought back by the node that still holds a connection of theirs;
// someone the facilitator marked away stays away, as on one node.
func TestNodesHeldParticipantsComeBack(t *testing.T) {
	c := nodetest.New(t)
	clock := session.NewFakeClock(t0)
	hubs, _ := startHubs(t, c, clock, 2)
	info := mustCreate(t, c.Store, session.Config{OpenDoor: true})
	ra, rb := mustHubRoom(t, hubs[0], info.ID), mustHubRoom(t, hubs[1], info.ID)
	mustSubmit(t, ra, fac, session.Arrive{Name: "maria"})
	join(t, hubs[1], rb, "k-ann", "ann")
	join(t, hubs[1], rb, "k-bob", "bob")
	waitFor(t, "node 1 sees ann and bob", func() bool { return present(ra, "k-ann") && present(ra, "k-bob") })
	ann, _ := ra.Snapshot().State.ByKey("k-ann")
	bob, _ := ra.Snapshot().State.ByKey("k-bob")

	// Ann's other terminal, on node 1, closes: node 1 records her leave.
	mustSubmit(t, ra, ann.ID, session.Leave{Who: ann.ID})
	waitFor(t, "node 2 brings ann back", func() bool { return present(ra, "k-ann") })

	mustSubmit(t, ra, fac, session.Leave{Who: ann.ID})
	mustSubmit(t, ra, bob.ID, session.Leave{Who: bob.ID})
	waitFor(t, "node 2 brings bob back", func() bool { return present(ra, "k-bob") })
	if present(ra, "k-ann") || present(rb, "k-ann") {
		t.Fatal("ann, marked away by the facilitator, was brought back")
	}
}

// meddler is a node whose every append is beaten by another node's.
type meddler struct {
	*nodetest.Node
	n int
}

func (m *meddler) Append(ctx context.Context, id string, events ...session.Event) error {
	have, err := m.Node.Events(ctx, id)
	if err != nil {
		return err
	}
	m.n++
	other := session.Event{Seq: int64(len(have)) + 1, Time: t0, Actor: fac,
		Payload: &session.Parked{Item: 100 + m.n, Topic: fmt.Sprintf("the other node's %d", m.n), RaisedBy: session.Person{ID: fac, Name: "maria"}}}
	if err := m.Node.Append(ctx, id, other); err != nil {
		return err
	}
	return m.Node.Append(ctx, id, events...)
}

// A command that keeps losing the race gives up after a bounded number
// of tries, says so, and changes nothing; the room has what the others
// recorded.
func TestNodesRetriesAreBounded(t *testing.T) {
	c := nodetest.New(t)
	m := &meddler{Node: c.Node()}
	hub := session.NewHub(m, session.RoomOptions{Clock: session.NewFakeClock(t0), Rate: -1})
	t.Cleanup(func() { hub.Close() })
	info := mustCreate(t, c.Store, session.Config{})
	r := mustHubRoom(t, hub, info.ID)
	err := r.Submit(fac, session.Park{Topic: "mine"})
	if !errors.Is(err, session.ErrStore) || !strings.Contains(err.Error(), "other servers changed the session") {
		t.Fatalf("Submit: %v, want an error saying the others kept changing the session", err)
	}
	events := storedEvents(t, c.Store, info.ID)
	for _, e := range events {
		if p, ok := e.Payload.(*session.Parked); ok && p.Topic == "mine" {
			t.Fatal("the command that failed was recorded")
		}
	}
	if m.n < 2 || m.n > 20 {
		t.Fatalf("%d tries", m.n)
	}
	if got := r.Snapshot().State.Seq; got != events[len(events)-1].Seq-1 && got != events[len(events)-1].Seq {
		t.Fatalf("the room is at %d, the log at %d", got, events[len(events)-1].Seq)
	}
}
