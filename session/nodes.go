package session

// Several nodes, one shared store (see SharedStore): what a Room and a Hub
// do when other processes serve the same sessions.
//
//   - A command is decided on the room's head and appended only on top of
//     it. When another node appended first, the room catches up with the
//     log, decides the command again on what it finds (it may be refused
//     now, as it would have been had it come a moment later) and tries
//     again: optimistically first, then under the session's shared lock,
//     so that a node that keeps losing a burst still gets its turn.
//   - The store's doorbell (Watch) tells the hub that a session reached a
//     head; a live room behind it reads the events after its own head and
//     publishes them as it does its own. A ring carries no events, so a
//     lost one costs time, never an event: every room also catches up
//     every RoomOptions.CatchUp, and all of them when the doorbell says it
//     may have missed rings.
//   - A time-box expiry is an ordinary command decided on the head: any
//     node may record it, the append guard keeps the first, and a node
//     that loses the race catches up and finds nothing left to expire.
//   - Presence: the hub tells the store which (session, key) connections
//     this node holds, every Dead/3 (Beat). The holdings of a node that
//     stopped beating for Dead are handed to one live node, which records
//     their departure (Departure's rules) unless someone holds the key
//     again; whoever reconnects, on any node, joins as usual.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults of RoomOptions for a shared store.
const (
	// DefaultDead is how long a node may miss its heartbeats before the
	// others mark its participants away.
	DefaultDead = 15 * time.Second
	// DefaultCatchUp is how often every live room reads the log for what
	// a lost doorbell ring did not tell it.
	DefaultCatchUp = 30 * time.Second
)

// settleTries bounds the attempts of one command under the session's lock,
// after its optimistic first one lost.
const settleTries = 8

// contendedFor is how long a room decides every command under the
// session's lock after it lost an append race or learnt of another
// node's events. The lock does not hold back other nodes' optimistic
// appends (only the append guard does): a node that kept appending
// optimistically while another wrote too could beat the lock holder again
// and again (with PostgreSQL, 4 of 1,000 commands of a burst failed after
// nine tries when only losers took the lock), while nodes that all write
// under the lock take turns.
const contendedFor = 5 * time.Second

// raced reports whether a commit failed because another node appended to
// the session first.
func (r *Room) raced(err error) bool {
	return r.shared != nil && errors.Is(err, ErrStore) && errors.Is(err, ErrConflict)
}

// settle records payloads, decided on the room's state, as actor's, and
// returns what it recorded. On a shared store another node may have
// appended since: then settle catches up with the log, decides again with
// decide on the new state (which may refuse now: that error is the
// command's) and tries again, under the session's shared lock from the
// first conflict on, at most settleTries times. For contendedFor after a
// conflict or after learning of other nodes' events, the first attempt
// too is made under the lock. r.mu is held.
func (r *Room) settle(actor ParticipantID, now time.Time, payloads []Payload, decide func() ([]Payload, error)) ([]Payload, error) {
	if len(payloads) == 0 {
		return nil, nil
	}
	if r.shared != nil && !r.locked && r.clock.Now().Before(r.contended) {
		unlock, err := r.lockSession()
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	for tries := 0; ; tries++ {
		err := r.commit(actor, now, payloads)
		if !r.raced(err) {
			if err != nil {
				return nil, err
			}
			return payloads, nil
		}
		r.contended = r.clock.Now().Add(contendedFor)
		if tries == settleTries {
			return nil, fmt.Errorf("%w; nothing was changed: other servers changed the session %d times while this one tried; try again", ErrStore, tries+1)
		}
		if !r.locked {
			unlock, err := r.lockSession()
			if err != nil {
				return nil, err
			}
			defer unlock()
		}
		if err := r.catchUp(); err != nil {
			return nil, err
		}
		if payloads, err = decide(); err != nil || len(payloads) == 0 {
			return nil, err
		}
	}
}

// lockSession takes the session's shared lock for settle. r.mu is held.
func (r *Room) lockSession() (unlock func(), err error) {
	// The lock may live as long as its context: it ends with unlock.
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	release, err := r.shared.LockSession(ctx, r.id)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%w; nothing was changed: another server changed the session at the same moment, and the session's lock could not be taken: %w", ErrStore, err)
	}
	r.locked = true
	return func() {
		r.locked = false
		release()
		cancel()
	}, nil
}

// catchUp applies what other nodes appended to the session after the
// room's head, and publishes it as the room's own commands. The node that
// recorded an event did what follows it (the Ended hook, deleting the
// secret, binding keys); this one only drops the secret it held. r.mu is
// held.
func (r *Room) catchUp() error {
	if r.shared == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	events, err := r.shared.EventsAfter(ctx, r.id, r.state.Seq)
	if err != nil {
		return fmt.Errorf("%w: read what other servers recorded: %w", ErrStore, err)
	}
	if len(events) == 0 {
		return nil
	}
	for i, e := range events {
		if want := r.state.Seq + int64(i) + 1; e.Seq != want {
			return fmt.Errorf("%w: session %s: the log has event %d where %d should be", ErrStore, r.id, e.Seq, want)
		}
	}
	if err := r.apply(events); err != nil {
		return err
	}
	r.contended = r.clock.Now().Add(contendedFor) // see settle
	if r.state.Phase == Closed {
		r.salt = nil
	}
	r.fan.publish(Snapshot{State: r.state.Clone(), At: r.clock.Now()})
	select {
	case r.kick <- struct{}{}:
	default:
	}
	r.heldLeft(events)
	return nil
}

// heldLeft notes the keys that this node holds and another node recorded
// as leaving on their own behalf (their last connection to that node
// went, or that node took this one for dead): they are here through this
// node, and rejoinHeld brings them back. Someone the facilitator marked
// away stays away, as on one node. r.mu is held.
func (r *Room) heldLeft(events []Event) {
	if r.held == nil {
		return
	}
	for _, e := range events {
		l, ok := e.Payload.(*Left)
		if !ok || e.Actor != l.Who {
			continue
		}
		if pt, ok := r.state.Participant(l.Who); ok && pt.Key != "" && r.held(pt.Key) && !slices.Contains(r.rejoin, pt.Key) {
			r.rejoin = append(r.rejoin, pt.Key)
		}
	}
	if len(r.rejoin) > 0 {
		select {
		case r.ring <- struct{}{}: // the room's goroutine rejoins them
		default:
		}
	}
}

// rejoinHeld joins again, as themselves, the keys heldLeft noted if this
// node still holds them and they are still away. r.mu is held.
func (r *Room) rejoinHeld() (err error) {
	defer r.recovered(&err, "bringing back a participant held here", nil)
	keys := r.rejoin
	r.rejoin = nil
	now := r.clock.Now().UTC()
	for _, key := range keys {
		decide := func() ([]Payload, error) {
			pt, ok := r.state.ByKey(key)
			if !ok || pt.Present || pt.Removed || !r.held(key) {
				return nil, nil
			}
			c := Join{Key: key, Name: pt.Name, Observer: pt.Role == Observer}
			payloads, err := Decide(r.state, SSHID(key), c, Env{Now: now, Rand: r.rand, Salt: r.salt})
			if err != nil {
				return nil, nil // barred, or the session ended: nothing to do
			}
			return payloads, nil
		}
		payloads, _ := decide()
		if _, err := r.settle(SSHID(key), now, payloads, decide); err != nil {
			return err
		}
	}
	return nil
}

// catchUpGuarded is catchUp for the room's own goroutine: a fault is an
// ErrInternal error. r.mu is held.
func (r *Room) catchUpGuarded() (err error) {
	defer r.recovered(&err, "catching up with other nodes", nil)
	return r.catchUp()
}

// rang tells the room that its session reached seq (0: perhaps further
// than it knows); the room's goroutine catches up unless it has seq.
func (r *Room) rang(seq int64) {
	if r.shared == nil || (seq != 0 && seq <= r.head.Load()) {
		return
	}
	select {
	case r.ring <- struct{}{}:
	default:
	}
}

// leaveOrphan records the departure of a key that a dead node held in
// the session, as Departure says, unless held reports that this node
// holds the key again.
func (r *Room) leaveOrphan(key string, held func() bool) (err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	defer r.recovered(&err, "marking away a dead node's participant", nil)
	if err := r.catchUp(); err != nil {
		return err
	}
	now := r.clock.Now().UTC()
	actor, _, ok := Departure(r.state, key, SSHID(key))
	if !ok {
		return nil
	}
	decide := func() ([]Payload, error) {
		a, c, ok := Departure(r.state, key, SSHID(key))
		if !ok || a != actor || held() {
			return nil, nil
		}
		payloads, err := Decide(r.state, actor, c, Env{Now: now, Rand: r.rand, Salt: r.salt})
		if errors.Is(err, ErrConflict) {
			return nil, nil // away already
		}
		return payloads, err
	}
	payloads, err := decide()
	if err != nil {
		return err
	}
	_, err = r.settle(actor, now, payloads, decide)
	return err
}

// nodes is what a Hub keeps when its store is shared.
type nodes struct {
	shared  SharedStore
	node    string
	dead    time.Duration
	catchUp time.Duration

	mu    sync.Mutex
	holds map[Holding]int // connections by (session, key)
	beat  chan struct{}   // beat now: a key came

	cancel context.CancelFunc
	loops  sync.WaitGroup
}

// startNodes starts the hub's doorbell, catch-up and heartbeat loops if
// its store is shared.
func (h *Hub) startNodes() {
	shared, ok := h.store.(SharedStore)
	if !ok {
		return
	}
	n := &nodes{
		shared: shared, node: h.opts.Node, dead: h.opts.Dead, catchUp: h.opts.CatchUp,
		holds: map[Holding]int{}, beat: make(chan struct{}, 1),
	}
	if n.node == "" {
		n.node = fmt.Sprintf("node-%016x", rand.Uint64())
	}
	if n.dead <= 0 {
		n.dead = DefaultDead
	}
	if n.catchUp <= 0 {
		n.catchUp = DefaultCatchUp
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	h.nodes = n
	n.loops.Go(func() { h.watch(ctx) })
	n.loops.Go(func() { h.every(ctx, n.catchUp, nil, h.ringAll) })
	n.loops.Go(func() { h.every(ctx, n.dead/3, n.beat, func() { h.beat(ctx) }) })
}

// stopNodes ends the loops of startNodes.
func (h *Hub) stopNodes() {
	if h.nodes != nil {
		h.nodes.cancel()
		h.nodes.loops.Wait()
	}
}

// Node returns the id this hub beats as ("" unless its store is shared).
func (h *Hub) Node() string {
	if h.nodes == nil {
		return ""
	}
	return h.nodes.node
}

// Shared reports whether other nodes serve the hub's sessions too.
func (h *Hub) Shared() bool { return h.nodes != nil }

// Hold records that this node holds one more connection of key to the
// session; Release ends one. With a shared store the holdings go into the
// node's heartbeats (a new key's at once), so that the other nodes mark
// the key away if this node dies, and never while it lives. Call Hold
// before the key's Join and Release after its last connection's
// departure was decided.
func (h *Hub) Hold(id, key string) {
	n := h.nodes
	if n == nil {
		return
	}
	n.mu.Lock()
	k := Holding{Session: id, Key: key}
	n.holds[k]++
	first := n.holds[k] == 1
	n.mu.Unlock()
	if first {
		select {
		case n.beat <- struct{}{}:
		default:
		}
	}
}

// Release ends one connection that Hold recorded.
func (h *Hub) Release(id, key string) {
	n := h.nodes
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	k := Holding{Session: id, Key: key}
	if n.holds[k]--; n.holds[k] <= 0 {
		delete(n.holds, k)
	}
}

// holding reports whether this node holds a connection of the key.
func (n *nodes) holding(k Holding) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.holds[k] > 0
}

func (n *nodes) holdings() []Holding {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Holding, 0, len(n.holds))
	for k := range n.holds {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Holding) int {
		return cmp.Or(strings.Compare(a.Session, b.Session), strings.Compare(a.Key, b.Key))
	})
	return out
}

func (h *Hub) clock() Clock {
	if h.opts.Clock == nil {
		return RealClock{}
	}
	return h.opts.Clock
}

func (h *Hub) report(err error) {
	if h.opts.Error != nil {
		h.opts.Error(err)
	}
}

// every runs f every d on the hub's clock, and at once when now rings.
func (h *Hub) every(ctx context.Context, d time.Duration, now <-chan struct{}, f func()) {
	for {
		t := h.clock().NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-now:
			t.Stop()
		case <-t.C():
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					h.report(fmt.Errorf("%w: hub: panic: %v\n%s", ErrInternal, p, debug.Stack()))
				}
			}()
			f()
		}()
	}
}

// watch follows the store's doorbell: a ring makes its live room catch
// up; a ring without a session, or a doorbell that had to be opened
// again, makes every live room catch up.
func (h *Hub) watch(ctx context.Context) {
	for ctx.Err() == nil {
		heads, err := h.nodes.shared.Watch(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			h.report(fmt.Errorf("listen for other nodes' changes (trying again in a second): %w", err))
			if !sleep(ctx, h.clock(), time.Second) {
				return
			}
			continue
		}
		h.ringAll()
		for head := range heads {
			if head.ID == "" {
				h.ringAll()
			} else if r, ok := h.Live(head.ID); ok {
				r.rang(head.Seq)
			}
		}
		if ctx.Err() == nil && !sleep(ctx, h.clock(), time.Second) {
			return
		}
	}
}

// ringAll makes every live room catch up.
func (h *Hub) ringAll() {
	h.mu.Lock()
	rooms := make([]*Room, 0, len(h.rooms))
	for _, r := range h.rooms {
		rooms = append(rooms, r)
	}
	h.mu.Unlock()
	for _, r := range rooms {
		r.rang(0)
	}
}

// beat records this node's holdings in the store, and marks away the
// participants of dead nodes that it hands this one.
func (h *Hub) beat(ctx context.Context) {
	n := h.nodes
	bctx, cancel := context.WithTimeout(ctx, storeTimeout)
	orphans, err := n.shared.Beat(bctx, n.node, h.clock().Now().UTC(), n.holdings(), n.dead)
	cancel()
	if err != nil {
		if ctx.Err() == nil { // not the hub closing
			h.report(fmt.Errorf("heartbeat of node %s: %w", n.node, err))
		}
		return
	}
	for _, o := range orphans {
		if n.holding(o) {
			continue
		}
		r, err := h.Room(ctx, o.Session)
		if err != nil {
			if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrClosed) {
				h.report(fmt.Errorf("session %s: mark away a dead node's participant: %w", o.Session, err))
			}
			continue
		}
		if err := r.leaveOrphan(o.Key, func() bool { return n.holding(o) }); err != nil {
			h.report(fmt.Errorf("session %s: mark away a dead node's participant: %w", o.Session, err))
		}
		h.Evict(o.Session)
	}
}
