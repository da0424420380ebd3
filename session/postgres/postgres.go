package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"huddle/session"
	"huddle/session/internal/stored"
)

var (
	_ session.Store           = (*Store)(nil)
	_ session.SharedStore     = (*Store)(nil)
	_ session.HostKeyStore    = (*Store)(nil)
	_ session.TeamLogStore    = (*Store)(nil)
	_ session.TeamLogRewriter = (*Store)(nil)
	_ session.DefaultsStore   = (*Store)(nil)
	_ session.DeliveryStore   = (*Store)(nil)
)

// ErrNewerSchema is returned by Open for a database written by a newer
// version of huddle than this one.
var ErrNewerSchema = errors.New("database schema is newer than this huddle")

// channel is the LISTEN/NOTIFY channel of the doorbell.
const channel = "huddle"

// Advisory lock keys (the two-int form: a class and an object). The class
// keeps huddle's locks apart from anyone else's in the same database.
const (
	lockClass     = 0x68756464 // "hudd"
	lockMigration = 0          // object of the schema migration lock
	lockSessions  = 0x73657373 // class of the session locks ("sess"); the object is a hash of the id
	lockTeams     = 0x7465616d // class of the team locks ("team"); the object is a hash of the name
)

// maxLockers is how many connections may hold or wait for session locks
// at once; more LockSession calls wait for one of them.
const maxLockers = 16

// lockerName is the application_name of the session locks' connections.
const lockerName = "huddle session locks"

// Store is a session.Store in a PostgreSQL database, shared by any number
// of nodes. Create it with Open.
type Store struct {
	url  string // as given to Open
	cfg  *pgxpool.Config
	pool *pgxpool.Pool
	// locks holds the connections of LockSession, apart from pool: a
	// node waiting for a session's lock holds a connection meanwhile,
	// and must not take the one the lock's holder needs to append.
	locks *pgxpool.Pool

	// Heartbeat of the doorbell's listening connection: how often it is
	// pinged when quiet, and how long a ping may take before the
	// connection is replaced. Tests shorten them.
	heartbeat, pingTimeout time.Duration
}

// Open connects to the PostgreSQL database at url (a postgres:// URL or a
// "key=value" connection string, as libpq reads them), creates its schema
// or migrates it to the current version, and deletes the secrets of
// sessions that have ended.
func Open(ctx context.Context, url string) (*Store, error) {
	if url == "" {
		return nil, fmt.Errorf("open store: %w: empty database URL", session.ErrInvalid)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open store: %w: %v", session.ErrInvalid, err)
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "huddle"
	}
	// A connection that broke while idle is found out before use.
	cfg.HealthCheckPeriod = 5 * time.Second
	s := &Store{url: url, cfg: cfg, heartbeat: 2 * time.Second, pingTimeout: 3 * time.Second}
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", redact(url), err)
	}
	fail := func(err error) (*Store, error) {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", redact(url), err)
	}
	lcfg := cfg.Copy()
	lcfg.ConnConfig.RuntimeParams["application_name"] = lockerName
	lcfg.MinConns, lcfg.MaxConns = 0, maxLockers
	if s.locks, err = pgxpool.NewWithConfig(ctx, lcfg); err != nil {
		return fail(err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		return fail(err)
	}
	if err := migrate(ctx, s.pool); err != nil {
		return fail(err)
	}
	if err := s.forgetEnded(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// Close closes the connections. Locks taken with LockSession and not yet
// unlocked are released with their connections.
func (s *Store) Close() error {
	if s.locks != nil {
		s.locks.Close()
	}
	if s.pool != nil {
		s.pool.Close()
	}
	return nil
}

// Path is the database URL without its password, for messages.
func (s *Store) Path() string { return redact(s.url) }

// LimitPages exists for the SQLite store's tests of a full disk; a
// PostgreSQL database has no page cap that huddle could set, so it is an
// ErrInvalid error.
func (s *Store) LimitPages(ctx context.Context, n int64) (int64, error) {
	return 0, fmt.Errorf("limit pages: %w: a PostgreSQL store has no page cap", session.ErrInvalid)
}

// redact removes the password from a database URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		if strings.Contains(raw, "password") {
			return "(a connection string with a password)"
		}
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Postgres error codes huddle tells apart.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeCheckViolation      = "23514"
	codeDiskFull            = "53100"
	codeBadCharacter        = "22021" // e.g. a NUL byte, which text cannot hold
	codeUntranslatable      = "22P05"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// mapErr turns a uniqueness or check violation into an ErrConflict error,
// a full disk into an ErrFull one and text the database cannot hold (a
// NUL byte, which SQLite would have stored) into an ErrInvalid one,
// keeping the driver's error.
func mapErr(err error) error {
	if errors.Is(err, session.ErrConflict) || errors.Is(err, session.ErrFull) || errors.Is(err, session.ErrInvalid) {
		return err // mapped already
	}
	switch pgCode(err) {
	case codeBadCharacter, codeUntranslatable:
		return fmt.Errorf("%w: %v", session.ErrInvalid, err)
	case codeUniqueViolation, codeCheckViolation:
		return fmt.Errorf("%w: %v", session.ErrConflict, err)
	case codeDiskFull:
		return fmt.Errorf("%w: %w", session.ErrFull, err)
	}
	return err
}

func isForeignKey(err error) bool { return pgCode(err) == codeForeignKeyViolation }

// nullNanos is nanos for a time that may be zero (unknown), stored as NULL.
func nullNanos(t time.Time) (*int64, error) {
	if t.IsZero() {
		return nil, nil
	}
	n, ok := stored.Nanos(t)
	if !ok {
		return nil, fmt.Errorf("%w: time %v cannot be stored", session.ErrInvalid, t)
	}
	return &n, nil
}

func fromNullNanos(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}

// inTx runs f in a transaction and commits it.
func (s *Store) inTx(ctx context.Context, f func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, f)
}
