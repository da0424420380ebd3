// Package nodetest is a session.SharedStore for tests of several nodes in
// one process: the real SQLite store on one file, shared by every node,
// with an in-process doorbell that can lose rings, a lock per session and
// per team, and an in-memory heartbeat table.
package nodetest

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/sqlite"
)

// Cluster is what several nodes share: the real SQLite store on one
// file, and in memory what a shared database adds to it (a doorbell, a
// lock per session and per team, and the nodes' heartbeats).
type Cluster struct {
	*sqlite.Store
	db *sql.DB // read-only, for EventsAfter

	mu    sync.Mutex
	bells map[chan session.Head]*Node
	locks map[string]chan struct{}
	beats map[string]beat
	drop  func(session.Head) bool // guarded by mu

	conflicts atomic.Int64 // appends refused because the head had moved
}

type beat struct {
	at    time.Time
	holds []session.Holding
}

// New returns a cluster over a new SQLite file in a temporary directory
// of the test; it is closed when the test ends.
func New(tb testing.TB) *Cluster {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "huddle.db")
	st, err := sqlite.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?_busy_timeout=5000&_query_only=1")
	if err != nil {
		tb.Fatal(err)
	}
	c := &Cluster{Store: st, db: db, bells: map[chan session.Head]*Node{},
		locks: map[string]chan struct{}{}, beats: map[string]beat{}}
	tb.Cleanup(func() { db.Close(); st.Close() })
	return c
}

// Node is one node's connection to the cluster, a session.SharedStore.
type Node struct {
	*Cluster
	mu   sync.Mutex
	dead bool
}

var (
	_ session.SharedStore = (*Node)(nil)
	_ session.TeamLocker  = (*Node)(nil)
)

// ErrKilled is what every method of a killed node returns.
var ErrKilled = errors.New("the node is dead")

// Node returns a new node's connection.
func (c *Cluster) Node() *Node { return &Node{Cluster: c} }

// Kill makes the node fail everything from then on, and closes its
// doorbells, as a node that died.
func (n *Node) Kill() {
	n.mu.Lock()
	n.dead = true
	n.mu.Unlock()
	n.Cluster.mu.Lock()
	defer n.Cluster.mu.Unlock()
	for ch, owner := range n.bells {
		if owner == n {
			delete(n.bells, ch)
			close(ch)
		}
	}
}

func (n *Node) alive() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.dead {
		return ErrKilled
	}
	return nil
}

func (n *Node) Append(ctx context.Context, id string, events ...session.Event) error {
	if err := n.alive(); err != nil {
		return err
	}
	if err := n.Store.Append(ctx, id, events...); err != nil {
		if errors.Is(err, session.ErrConflict) {
			n.conflicts.Add(1)
		}
		return err
	}
	if len(events) > 0 {
		n.ring(session.Head{ID: id, Seq: events[len(events)-1].Seq})
	}
	return nil
}

// ring sends a head to every node's doorbell; a full one loses it.
func (c *Cluster) ring(h session.Head) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drop != nil && c.drop(h) {
		return
	}
	for ch := range c.bells {
		select {
		case ch <- h:
		default:
		}
	}
}

func (n *Node) EventsAfter(ctx context.Context, id string, after int64) ([]session.Event, error) {
	if err := n.alive(); err != nil {
		return nil, err
	}
	if _, err := n.Session(ctx, id); err != nil {
		return nil, err
	}
	rows, err := n.db.QueryContext(ctx,
		`SELECT seq, time, actor, type, data FROM events WHERE session_id = ? AND seq > ? ORDER BY seq`, id, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []session.Event
	for rows.Next() {
		var (
			seq, t     int64
			actor, typ string
			data       []byte
		)
		if err := rows.Scan(&seq, &t, &actor, &typ, &data); err != nil {
			return nil, err
		}
		p, err := session.DecodePayload(session.EventType(typ), data)
		if err != nil {
			return nil, err
		}
		out = append(out, session.Event{Seq: seq, Time: time.Unix(0, t).UTC(), Actor: session.ParticipantID(actor), Payload: p})
	}
	return out, rows.Err()
}

func (n *Node) Watch(ctx context.Context) (<-chan session.Head, error) {
	if err := n.alive(); err != nil {
		return nil, err
	}
	ch := make(chan session.Head, 1024)
	n.Cluster.mu.Lock()
	n.bells[ch] = n
	n.Cluster.mu.Unlock()
	go func() {
		<-ctx.Done()
		n.Cluster.mu.Lock()
		defer n.Cluster.mu.Unlock()
		if _, ok := n.bells[ch]; ok {
			delete(n.bells, ch)
			close(ch)
		}
	}()
	return ch, nil
}

// Reconnect rings every node with an empty head, as a doorbell whose
// listener reconnected.
func (c *Cluster) Reconnect() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.bells {
		ch <- session.Head{}
	}
}

func (n *Node) LockSession(ctx context.Context, id string) (func(), error) {
	if err := n.alive(); err != nil {
		return nil, err
	}
	return n.lock(ctx, "session\x00"+id)
}

// lock takes the cluster's lock of the key.
func (n *Node) lock(ctx context.Context, key string) (func(), error) {
	n.Cluster.mu.Lock()
	l, ok := n.locks[key]
	if !ok {
		l = make(chan struct{}, 1)
		n.locks[key] = l
	}
	n.Cluster.mu.Unlock()
	select {
	case l <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-l }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// LockTeam holds the team's lock, shared by every node of the cluster
// (see session.TeamLocker), until unlock is called.
func (n *Node) LockTeam(ctx context.Context, name string) (func(), error) {
	if err := n.alive(); err != nil {
		return nil, err
	}
	return n.lock(ctx, "team\x00"+name)
}

func (n *Node) Beat(ctx context.Context, name string, now time.Time, holds []session.Holding, dead time.Duration) ([]session.Holding, error) {
	if err := n.alive(); err != nil {
		return nil, err
	}
	n.Cluster.mu.Lock()
	defer n.Cluster.mu.Unlock()
	n.beats[name] = beat{at: now, holds: holds}
	live := map[session.Holding]bool{}
	for _, b := range n.beats {
		if !b.at.Before(now.Add(-dead)) {
			for _, h := range b.holds {
				live[h] = true
			}
		}
	}
	var orphans []session.Holding
	for other, b := range n.beats {
		if !b.at.Before(now.Add(-dead)) {
			continue
		}
		for _, h := range b.holds {
			if !live[h] {
				orphans = append(orphans, h)
			}
		}
		delete(n.beats, other)
	}
	return orphans, nil
}

// Beating reports whether a node's heartbeat is on record.
func (c *Cluster) Beating(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.beats[name]
	return ok
}

// Drop makes the doorbell lose the rings for which drop reports true (nil:
// none).
func (c *Cluster) Drop(drop func(session.Head) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drop = drop
}

// Conflicts counts the appends refused because the session's head had
// moved.
func (c *Cluster) Conflicts() int64 { return c.conflicts.Load() }

// Holdings returns the holdings of a node's last heartbeat.
func (c *Cluster) Holdings(name string) []session.Holding {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.beats[name].holds
}

// Mortal is a shared store that can die: after Kill, what a node does
// with the sessions (appends, reading the log, the doorbell, locks and
// heartbeats) fails with ErrKilled, as for a node that was killed.
type Mortal struct {
	session.SharedStore
	dead atomic.Bool

	mu     sync.Mutex
	beaten []session.Holding // the holdings of the last beat that succeeded
}

// Beaten returns the holdings of the node's last beat that succeeded.
func (m *Mortal) Beaten() []session.Holding {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.beaten
}

// NewMortal wraps st.
func NewMortal(st session.SharedStore) *Mortal { return &Mortal{SharedStore: st} }

// Kill makes the node fail from now on.
func (m *Mortal) Kill() { m.dead.Store(true) }

func (m *Mortal) alive() error {
	if m.dead.Load() {
		return ErrKilled
	}
	return nil
}

// Append fails once the node is dead.
func (m *Mortal) Append(ctx context.Context, id string, events ...session.Event) error {
	if err := m.alive(); err != nil {
		return err
	}
	return m.SharedStore.Append(ctx, id, events...)
}

// EventsAfter fails once the node is dead.
func (m *Mortal) EventsAfter(ctx context.Context, id string, after int64) ([]session.Event, error) {
	if err := m.alive(); err != nil {
		return nil, err
	}
	return m.SharedStore.EventsAfter(ctx, id, after)
}

// Watch fails once the node is dead.
func (m *Mortal) Watch(ctx context.Context) (<-chan session.Head, error) {
	if err := m.alive(); err != nil {
		return nil, err
	}
	return m.SharedStore.Watch(ctx)
}

// LockSession fails once the node is dead.
func (m *Mortal) LockSession(ctx context.Context, id string) (func(), error) {
	if err := m.alive(); err != nil {
		return nil, err
	}
	return m.SharedStore.LockSession(ctx, id)
}

// LockTeam fails once the node is dead; it takes the team lock of the
// store it wraps, which must be a session.TeamLocker.
func (m *Mortal) LockTeam(ctx context.Context, name string) (func(), error) {
	if err := m.alive(); err != nil {
		return nil, err
	}
	tl, ok := m.SharedStore.(session.TeamLocker)
	if !ok {
		return nil, errors.New("nodetest: the store has no team lock")
	}
	return tl.LockTeam(ctx, name)
}

// Beat fails once the node is dead.
func (m *Mortal) Beat(ctx context.Context, node string, now time.Time, holds []session.Holding, dead time.Duration) ([]session.Holding, error) {
	if err := m.alive(); err != nil {
		return nil, err
	}
	orphans, err := m.SharedStore.Beat(ctx, node, now, holds, dead)
	if err == nil {
		m.mu.Lock()
		m.beaten = holds
		m.mu.Unlock()
	}
	return orphans, err
}
