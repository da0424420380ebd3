package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	msqlite "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"huddle/session"
	"huddle/session/internal/stored"
)

var _ session.Store = (*Store)(nil)

// ErrNewerSchema is returned by Open for a database written by a newer
// version of huddle than this one.
var ErrNewerSchema = errors.New("database schema is newer than this huddle")

// Connection settings. The writer syncs the write-ahead log on every commit
// (synchronous=FULL; NORMAL would sync only at checkpoints, so a power loss
// could take back commits that Append had reported), on macOS with
// F_FULLFSYNC, which also empties the drive's cache. It begins its
// transactions IMMEDIATE so that a read-then-write transaction (Append
// reads the last sequence number) takes the write lock up front and never
// fails to upgrade it; another process holding the lock makes it wait up
// to the busy timeout. The readers are query-only.
const (
	writeParams = "_busy_timeout=5000&_journal_mode=WAL&_synchronous=FULL&_pragma=fullfsync(1)&_foreign_keys=1&_txlock=immediate"
	readParams  = "_busy_timeout=5000&_foreign_keys=1&_query_only=1"
)

// endedType is the event type whose time is a session's end. The
// events_ended index (migration 1) spells it out as 'ended'; the queries
// use the same literal so that the index applies.
var endedType = (&session.Ended{}).Type()

// Store is a session.Store in one SQLite file. Create it with Open.
type Store struct {
	path string
	w    *sql.DB // one connection: every write goes through it
	r    *sql.DB // read-only connections

	lastSeq     *sql.Stmt // on w
	insertEvent *sql.Stmt // on w
}

// Open opens the store in the SQLite file at path, creating the file and
// its parent directory (mode 0700) if they do not exist, and migrates its
// schema to the current version.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("open store: %w: empty path", session.ErrInvalid)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	// The driver cuts a file name at its first '?' to find its parameters.
	if strings.ContainsRune(abs, '?') {
		return nil, fmt.Errorf("open store: %w: path %q contains '?'", session.ErrInvalid, abs)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	// Create the file ourselves so that it is private; SQLite gives its
	// -wal and -shm files the permissions of the database file.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}

	ctx := context.Background()
	s := &Store{path: abs}
	fail := func(err error) (*Store, error) {
		return nil, errors.Join(fmt.Errorf("open store %s: %w", abs, err), s.Close())
	}

	s.w, err = sql.Open("sqlite", abs+"?"+writeParams)
	if err != nil {
		return fail(err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, s.w); err != nil {
		return fail(err)
	}
	if err := s.forgetEnded(ctx); err != nil {
		return fail(err)
	}

	s.r, err = sql.Open("sqlite", abs+"?"+readParams)
	if err != nil {
		return fail(err)
	}
	n := min(max(runtime.GOMAXPROCS(0), 2), 8)
	s.r.SetMaxOpenConns(n)
	s.r.SetMaxIdleConns(n)
	if err := s.r.PingContext(ctx); err != nil {
		return fail(err)
	}

	if s.lastSeq, err = s.w.PrepareContext(ctx,
		`SELECT (SELECT MAX(seq) FROM events WHERE session_id = ?1) FROM sessions WHERE id = ?1`); err != nil {
		return fail(err)
	}
	if s.insertEvent, err = s.w.PrepareContext(ctx,
		`INSERT INTO events (session_id, seq, time, actor, type, data) VALUES (?, ?, ?, ?, ?, ?)`); err != nil {
		return fail(err)
	}
	return s, nil
}

// Close closes the database. The last connection to close checkpoints the
// write-ahead log into the database file.
func (s *Store) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.lastSeq, s.insertEvent} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// migrations bring the schema from version i (PRAGMA user_version) to
// version i+1. They are applied in order, each in its own transaction.
// Never change one that has been released; append a new one.
var migrations = []string{
	// 1: teams, sessions and their events.
	`
CREATE TABLE teams (
	name       TEXT PRIMARY KEY,
	members    TEXT NOT NULL, -- JSON array of display names
	agreements TEXT NOT NULL, -- JSON array of working agreements
	created    INTEGER,       -- Unix nanoseconds; NULL if unknown
	updated    INTEGER
);
CREATE TABLE sessions (
	id      TEXT PRIMARY KEY,
	team    TEXT NOT NULL,
	kind    TEXT NOT NULL,
	code    TEXT NOT NULL UNIQUE,
	created INTEGER NOT NULL -- Unix nanoseconds: the time of the Created event
);
CREATE INDEX sessions_team_created ON sessions (team, created);
CREATE TABLE events (
	session_id TEXT NOT NULL REFERENCES sessions (id),
	seq        INTEGER NOT NULL,
	time       INTEGER NOT NULL, -- Unix nanoseconds
	actor      TEXT NOT NULL,
	type       TEXT NOT NULL,
	data       BLOB NOT NULL,    -- the payload as JSON (session.EncodePayload)
	PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
-- Finds whether and when a session ended without reading its events.
CREATE INDEX events_ended ON events (session_id, time) WHERE type = 'ended';
`,
	// 2: the per-session salt of anonymous records, deleted when the
	// session ends.
	`
CREATE TABLE secrets (
	session_id TEXT PRIMARY KEY REFERENCES sessions (id),
	secret     BLOB NOT NULL
) WITHOUT ROWID;
`,
	// 3: which SSH key speaks for which name in a team.
	`
ALTER TABLE teams ADD COLUMN keys TEXT NOT NULL DEFAULT '{}'; -- JSON object: name -> key fingerprint
`,
	// 4: the SSH keys that own a team.
	`
ALTER TABLE teams ADD COLUMN owners TEXT NOT NULL DEFAULT '[]'; -- JSON array of key fingerprints
`,
	// 5: what a team remembers of its last session of a kind (defaults.go).
	defaultsSchema,
	// 6: each team's own log (see teamlog.go).
	teamLogSchema,
	// 7: notifications sent or pending (see deliveries.go).
	deliveriesSchema,
	// 8: when a team's sessions recur (see teams.go).
	`
ALTER TABLE teams ADD COLUMN schedules TEXT NOT NULL DEFAULT '{}'; -- JSON object: kind -> schedule as session.ParseSchedule reads it
`,
}

// SchemaVersion is the schema version this code migrates databases to.
var SchemaVersion = len(migrations)

// migrate applies the migrations the database has not seen yet.
func migrate(ctx context.Context, db *sql.DB) error {
	known := len(migrations)
	for {
		v, err := userVersion(ctx, db)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if v > known {
			return fmt.Errorf("%w: the database is at schema version %d, this huddle knows up to version %d",
				ErrNewerSchema, v, known)
		}
		if v == known {
			return nil
		}
		if err := migrateOne(ctx, db, v); err != nil {
			return fmt.Errorf("migrate to schema version %d: %w", v+1, err)
		}
	}
}

// migrateOne applies migrations[from] unless another process got there
// first, in which case it does nothing and the caller looks again.
func migrateOne(ctx context.Context, db *sql.DB, from int) error {
	tx, err := db.BeginTx(ctx, nil) // IMMEDIATE: holds the write lock
	if err != nil {
		return err
	}
	defer tx.Rollback()
	v, err := userVersion(ctx, tx)
	if err != nil {
		return err
	}
	if v != from {
		return nil
	}
	if _, err := tx.ExecContext(ctx, migrations[from]); err != nil {
		return err
	}
	// PRAGMA takes no parameters; the value is an int we made.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", from+1)); err != nil {
		return err
	}
	return tx.Commit()
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func userVersion(ctx context.Context, q queryer) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, err
	}
	return v, nil
}

// isConstraint reports a foreign-key violation: the session is unknown.
func isConstraint(err error) bool {
	var se *msqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// mapErr turns a uniqueness violation into an ErrConflict error and a
// full database or disk (SQLITE_FULL, which SQLite also reports when a
// write fails for want of space) into an ErrFull one that keeps the
// driver's error.
func mapErr(err error) error {
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, code == sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("%w: %v", session.ErrConflict, err)
		case code&0xff == sqlite3.SQLITE_FULL:
			return fmt.Errorf("%w: %w", session.ErrFull, err)
		}
	}
	return err
}

// LimitPages caps the database at n pages (SQLite's max_page_count) for
// the writes of this Store, so that a full disk can be tried without
// filling one: a write that needs more pages fails with an ErrFull error
// and changes nothing. A cap below the file's current size is raised to
// it; n <= 0 lifts the cap. It returns the cap in force. Nothing in huddle
// sets a cap; tests do.
func (s *Store) LimitPages(ctx context.Context, n int64) (int64, error) {
	if n <= 0 {
		n = maxPages
	}
	// PRAGMA takes no parameters; n is an int64. The pragma holds for the
	// connection, and the writer has exactly one, kept open.
	var got int64
	if err := s.w.QueryRowContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", n)).Scan(&got); err != nil {
		return 0, fmt.Errorf("limit pages: %w", err)
	}
	return got, nil
}

// maxPages is SQLite's largest page count (SQLITE_MAX_PAGE_COUNT), its
// default cap.
const maxPages = 0xfffffffe

// nullNanos is nanos for a time that may be zero (unknown), stored as NULL.
func nullNanos(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	n, ok := stored.Nanos(t)
	if !ok {
		return nil, fmt.Errorf("%w: time %v cannot be stored", session.ErrInvalid, t)
	}
	return n, nil
}

func fromNullNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// Path is the database file.
func (s *Store) Path() string { return s.path }
