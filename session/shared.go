package session

import (
	"context"
	"time"
)

// Several server processes (nodes) may serve the same sessions from one
// shared database. The event log stays the only truth: a node appends
// only on top of the head it decided on (Store.Append's sequence check),
// and learns of other nodes' appends through a doorbell that carries
// nothing but "this session reached this head".

// Head says that a session's log reached Seq. An empty ID means that the
// doorbell may have missed rings (it reconnected): every live session
// should catch up.
type Head struct {
	ID  string
	Seq int64
}

// Holding is one key connected to one session through a node.
type Holding struct {
	Session string
	Key     string
}

// SharedStore is a Store that several nodes use at once.
type SharedStore interface {
	Store
	// EventsAfter returns a session's events with Seq greater than
	// after, in order; an unknown session is ErrNotFound.
	EventsAfter(ctx context.Context, id string, after int64) ([]Event, error)
	// Watch returns the doorbell: a Head after any node appended to a
	// session. Rings may be coalesced or lost (a Head is a hint, never
	// the truth); after the store's listener reconnected it sends a Head
	// with an empty ID. The channel is closed when ctx ends.
	Watch(ctx context.Context) (<-chan Head, error)
	// LockSession holds the session's lock, shared by every node, until
	// unlock is called: a node that lost an append race decides its
	// next attempt under it, so that nobody starves.
	LockSession(ctx context.Context, id string) (unlock func(), err error)
	// Beat records at now that node is alive and holds exactly these
	// connections. It returns the holdings of other nodes whose last
	// beat is older than now-dead, less the keys that a live node holds
	// in the same session, and forgets those dead nodes, so that each
	// orphan is returned to one caller once.
	Beat(ctx context.Context, node string, now time.Time, holds []Holding, dead time.Duration) (orphans []Holding, err error)
}

// HostKeyStore keeps the server's SSH host key in the database, so that
// every node sharing it shows clients the same key.
type HostKeyStore interface {
	// HostKey returns the stored key (PEM); the first time it stores
	// what generate returns. When two nodes race, the first one's key
	// wins and both return it.
	HostKey(ctx context.Context, generate func() ([]byte, error)) ([]byte, error)
}
