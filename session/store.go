package session

import (
	"context"
	"time"
)

// Info is what a store knows about a session besides its events: an index
// to find it by, never a second truth. Ended is derived from the session's
// Ended event.
type Info struct {
	ID      string
	Team    string
	Kind    Kind
	Code    string    // the join code
	Created time.Time // the time of the Created event
	Ended   time.Time // the time of the Ended event; zero while unfinished
	Events  int64     // the sequence number of the last event
}

// Filter narrows Store.Sessions. Zero fields match everything.
type Filter struct {
	Team       string
	Kind       *Kind
	Unfinished bool // only sessions without an Ended event
	Limit      int  // at most this many; 0 means no limit
}

// Store makes teams and session events durable. Implementations must be
// safe for concurrent use.
//
// Append is the one write on the hot path: when it returns nil, the events
// are durable (they survive the process being killed) and only then may
// anyone see them.
type Store interface {
	// PutTeam creates or replaces a team by name.
	PutTeam(ctx context.Context, t Team) error
	// Team returns the named team, or an ErrNotFound error.
	Team(ctx context.Context, name string) (Team, error)
	// Teams returns all teams ordered by name.
	Teams(ctx context.Context) ([]Team, error)

	// Create records a new session with its first event (Seq 1, a Created
	// payload). A duplicate ID or join code is an ErrConflict error.
	Create(ctx context.Context, info Info, first Event) error
	// Append adds events to a session, all or nothing. The first event's
	// Seq must follow the last stored one and the rest must be
	// contiguous, else ErrConflict; an unknown session is ErrNotFound.
	Append(ctx context.Context, id string, events ...Event) error
	// Events returns a session's events in order, or ErrNotFound.
	Events(ctx context.Context, id string) ([]Event, error)
	// Session returns a session's info, or ErrNotFound.
	Session(ctx context.Context, id string) (Info, error)
	// SessionByCode returns the session with the join code, or ErrNotFound.
	SessionByCode(ctx context.Context, code string) (Info, error)
	// Sessions lists sessions, newest first.
	Sessions(ctx context.Context, f Filter) ([]Info, error)

	// Secret returns the session's secret (the key of its anonymous
	// tokens), making one the first time. It is never an event, and it
	// is never asked for once the session has ended.
	Secret(ctx context.Context, id string) ([]byte, error)
	// ForgetSecret deletes the session's secret for good: no copy stays
	// in the store's files (freed space overwritten, logs truncated);
	// after it, anonymous records can no longer be tied to anyone. It
	// returns an error if it could not make sure of that; the Room then
	// tries again until it succeeds. A store must also delete, when it
	// opens and before it serves anything, the secrets of sessions that
	// have ended, so that a secret outlives its session at most until
	// the next start.
	ForgetSecret(ctx context.Context, id string) error

	// DeleteSessions deletes sessions for good, all or nothing: their
	// events, their secrets and their index entries. Nothing of them may
	// stay behind in the store's files. An unknown id is ErrNotFound.
	DeleteSessions(ctx context.Context, ids ...string) error
	// RewriteTeam replaces the team (by name) and the stored events of the
	// given sessions of that team, all or nothing. Each session keeps its
	// events' sequence numbers, times and types; only actors and payloads
	// change. What was replaced may not stay behind in the store's files.
	// An unknown team or session is ErrNotFound; a session of another
	// team or events that do not match the stored ones are ErrInvalid.
	RewriteTeam(ctx context.Context, t Team, events map[string][]Event) error

	// Close releases the store.
	Close() error
}
