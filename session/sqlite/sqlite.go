package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
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
	// 5: each team's own log (see teamlog.go).
	teamLogSchema,
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

// PutTeam creates or replaces a team by name.
func (s *Store) PutTeam(ctx context.Context, t session.Team) error {
	if t.Name == "" {
		return fmt.Errorf("put team: %w: empty name", session.ErrInvalid)
	}
	members, err := json.Marshal(t.Members)
	if err != nil {
		return fmt.Errorf("put team %q: %w", t.Name, err)
	}
	agreements, err := json.Marshal(t.Agreements)
	if err != nil {
		return fmt.Errorf("put team %q: %w", t.Name, err)
	}
	created, err := nullNanos(t.Created)
	if err != nil {
		return fmt.Errorf("put team %q: created: %w", t.Name, err)
	}
	updated, err := nullNanos(t.Updated)
	if err != nil {
		return fmt.Errorf("put team %q: updated: %w", t.Name, err)
	}
	keys, err := json.Marshal(t.Keys)
	if err != nil || t.Keys == nil {
		keys = []byte("{}")
	}
	owners, err := json.Marshal(t.Owners)
	if err != nil || t.Owners == nil {
		owners = []byte("[]")
	}
	_, err = s.w.ExecContext(ctx, `
INSERT INTO teams (name, members, agreements, created, updated, keys, owners) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
	members = excluded.members, agreements = excluded.agreements,
	created = excluded.created, updated = excluded.updated, keys = excluded.keys, owners = excluded.owners`,
		t.Name, string(members), string(agreements), created, updated, string(keys), string(owners))
	if err != nil {
		return fmt.Errorf("put team %q: %w", t.Name, mapErr(err))
	}
	return nil
}

const teamCols = `name, members, agreements, created, updated, keys, owners`

// Team returns the named team, or an ErrNotFound error.
func (s *Store) Team(ctx context.Context, name string) (session.Team, error) {
	t, err := scanTeam(s.r.QueryRowContext(ctx, `SELECT `+teamCols+` FROM teams WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return session.Team{}, fmt.Errorf("%w: team %q", session.ErrNotFound, name)
	}
	if err != nil {
		return session.Team{}, fmt.Errorf("team %q: %w", name, err)
	}
	return t, nil
}

// Teams returns all teams ordered by name.
func (s *Store) Teams(ctx context.Context) ([]session.Team, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+teamCols+` FROM teams ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	defer rows.Close()
	var teams []session.Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, fmt.Errorf("teams: %w", err)
		}
		teams = append(teams, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	return teams, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanTeam(row scanner) (session.Team, error) {
	var (
		t                                 session.Team
		members, agreements, keys, owners []byte
		created, updated                  sql.NullInt64
	)
	if err := row.Scan(&t.Name, &members, &agreements, &created, &updated, &keys, &owners); err != nil {
		return session.Team{}, err
	}
	if err := json.Unmarshal(keys, &t.Keys); err != nil {
		return session.Team{}, fmt.Errorf("team %q: keys: %w", t.Name, err)
	}
	if len(t.Keys) == 0 {
		t.Keys = nil
	}
	if err := json.Unmarshal(owners, &t.Owners); err != nil {
		return session.Team{}, fmt.Errorf("team %q: owners: %w", t.Name, err)
	}
	if len(t.Owners) == 0 {
		t.Owners = nil
	}
	if err := json.Unmarshal(members, &t.Members); err != nil {
		return session.Team{}, fmt.Errorf("team %q: members: %w", t.Name, err)
	}
	if err := json.Unmarshal(agreements, &t.Agreements); err != nil {
		return session.Team{}, fmt.Errorf("team %q: agreements: %w", t.Name, err)
	}
	t.Created = fromNullNanos(created)
	t.Updated = fromNullNanos(updated)
	return t, nil
}

// Create records a new session with its first event, which must be event 1
// with a Created payload whose team and kind are the session's. Info's
// Created time is that event's time: left zero, it is taken from the
// event; set, it must equal it. Info's Ended and Events are derived and
// ignored. A duplicate ID or join code is an ErrConflict error.
func (s *Store) Create(ctx context.Context, info session.Info, first session.Event) error {
	if err := checkCreate(&info, first); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	row, err := encode(first)
	if err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, err)
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, err)
	}
	defer tx.Rollback()
	// Look first for a friendlier message than the constraint's; the
	// constraint still guards, below.
	var (
		idTaken bool
		codeOf  sql.NullString // the session that has the code
	)
	if err := tx.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?), (SELECT id FROM sessions WHERE code = ?)`,
		info.ID, info.Code).Scan(&idTaken, &codeOf); err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, err)
	}
	if idTaken {
		return fmt.Errorf("create session: %w: session %q already exists", session.ErrConflict, info.ID)
	}
	if codeOf.Valid {
		return fmt.Errorf("create session %q: %w: join code %q is taken by session %q",
			info.ID, session.ErrConflict, info.Code, codeOf.String)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, team, kind, code, created) VALUES (?, ?, ?, ?, ?)`,
		info.ID, info.Team, info.Kind.String(), info.Code, row.time); err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, mapErr(err))
	}
	if _, err := tx.StmtContext(ctx, s.insertEvent).ExecContext(ctx,
		info.ID, row.seq, row.time, row.actor, row.typ, row.data); err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, mapErr(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, mapErr(err))
	}
	return nil
}

func checkCreate(info *session.Info, first session.Event) error {
	switch {
	case info.ID == "":
		return fmt.Errorf("%w: empty session id", session.ErrInvalid)
	case info.Code == "":
		return fmt.Errorf("%w: session %q: empty join code", session.ErrInvalid, info.ID)
	case info.Team == "":
		return fmt.Errorf("%w: session %q: empty team", session.ErrInvalid, info.ID)
	}
	if _, err := session.ParseKind(info.Kind.String()); err != nil {
		return fmt.Errorf("session %q: %w", info.ID, err)
	}
	if first.Seq != 1 {
		return fmt.Errorf("%w: session %q: the first event has seq %d, want 1", session.ErrInvalid, info.ID, first.Seq)
	}
	created, ok := first.Payload.(*session.Created)
	if !ok || created == nil {
		return fmt.Errorf("%w: session %q: the first event is %s, want %s",
			session.ErrInvalid, info.ID, typeName(first.Payload), (&session.Created{}).Type())
	}
	if created.Config.Team != info.Team || created.Config.Kind != info.Kind {
		return fmt.Errorf("%w: session %q: info says %s of team %q, the created event %s of team %q",
			session.ErrInvalid, info.ID, info.Kind, info.Team, created.Config.Kind, created.Config.Team)
	}
	if info.Created.IsZero() {
		info.Created = first.Time
	} else if !info.Created.Equal(first.Time) {
		return fmt.Errorf("%w: session %q: info says created at %v, the created event at %v",
			session.ErrInvalid, info.ID, info.Created, first.Time)
	}
	return nil
}

func typeName(p session.Payload) string {
	if p == nil {
		return "no payload"
	}
	return string(p.Type())
}

// eventRow is an event as stored.
type eventRow struct {
	seq, time int64
	actor     string
	typ       string
	data      []byte
}

func encode(e session.Event) (eventRow, error) {
	if e.Payload == nil {
		return eventRow{}, fmt.Errorf("%w: event %d has no payload", session.ErrInvalid, e.Seq)
	}
	t, ok := nanos(e.Time)
	if !ok {
		return eventRow{}, fmt.Errorf("%w: event %d: time %v cannot be stored", session.ErrInvalid, e.Seq, e.Time)
	}
	data, err := session.EncodePayload(e.Payload)
	if err != nil {
		return eventRow{}, fmt.Errorf("%w: event %d: %v", session.ErrInvalid, e.Seq, err)
	}
	return eventRow{seq: e.Seq, time: t, actor: string(e.Actor), typ: string(e.Type()), data: data}, nil
}

// Append adds events to a session, all or nothing. The first event's Seq
// must follow the last stored one and the rest must be contiguous, else
// ErrConflict; an unknown session is ErrNotFound. When it returns nil the
// events are committed to the write-ahead log.
func (s *Store) Append(ctx context.Context, id string, events ...session.Event) error {
	// Check and encode before taking the write lock.
	rows := make([]eventRow, len(events))
	for i, e := range events {
		if i > 0 && e.Seq != events[0].Seq+int64(i) {
			return fmt.Errorf("append events: %w: session %q: events not contiguous: expected seq %d, got %d",
				session.ErrConflict, id, events[0].Seq+int64(i), e.Seq)
		}
		r, err := encode(e)
		if err != nil {
			return fmt.Errorf("append events: session %q: %w", id, err)
		}
		rows[i] = r
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append events: %w", err)
	}
	defer tx.Rollback()
	var last sql.NullInt64
	if err := tx.StmtContext(ctx, s.lastSeq).QueryRowContext(ctx, id).Scan(&last); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("append events: %w: session %q", session.ErrNotFound, id)
		}
		return fmt.Errorf("append events: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	if want := last.Int64 + 1; rows[0].seq != want {
		return fmt.Errorf("append events: %w: session %q: expected seq %d, got %d",
			session.ErrConflict, id, want, rows[0].seq)
	}
	ins := tx.StmtContext(ctx, s.insertEvent)
	for _, r := range rows {
		if _, err := ins.ExecContext(ctx, id, r.seq, r.time, r.actor, r.typ, r.data); err != nil {
			return fmt.Errorf("append events: session %q seq %d: %w", id, r.seq, mapErr(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append events: session %q: %w", id, mapErr(err))
	}
	return nil
}

// Events returns a session's events in order, or ErrNotFound.
func (s *Store) Events(ctx context.Context, id string) ([]session.Event, error) {
	// The last seq sizes the slice; it is NULL for an unknown session, as
	// every session has its Created event.
	var last sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT MAX(seq) FROM events WHERE session_id = ?`, id).Scan(&last); err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	if !last.Valid {
		return nil, fmt.Errorf("events: %w: session %q", session.ErrNotFound, id)
	}
	events, err := s.events(ctx, id, last.Int64)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return events, nil
}

// events reads a session's events; n is how many are expected.
func (s *Store) events(ctx context.Context, id string, n int64) ([]session.Event, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT seq, time, actor, type, data FROM events WHERE session_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		events = make([]session.Event, 0, max(0, min(n, 1<<16))) // n is only a hint
		seq, t int64
		actor  string
		typ    string
		data   sql.RawBytes // valid until the next Next; DecodePayload copies
	)
	for rows.Next() {
		if err := rows.Scan(&seq, &t, &actor, &typ, &data); err != nil {
			return nil, err
		}
		p, err := session.DecodePayload(session.EventType(typ), data)
		if err != nil {
			return nil, fmt.Errorf("session %q seq %d: %w", id, seq, err)
		}
		events = append(events, session.Event{
			Seq: seq, Time: time.Unix(0, t).UTC(), Actor: session.ParticipantID(actor), Payload: p,
		})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return events, nil
}

// infoCols selects a session.Info from sessions s; Ended and Events are
// derived from the events.
var infoCols = `s.id, s.team, s.kind, s.code, s.created,
	(SELECT MIN(e.time) FROM events e WHERE e.session_id = s.id AND e.type = ` + quote(string(endedType)) + `),
	(SELECT MAX(e.seq) FROM events e WHERE e.session_id = s.id)`

var notEnded = `NOT EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id AND e.type = ` + quote(string(endedType)) + `)`

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func scanInfo(row scanner) (session.Info, error) {
	var (
		info          session.Info
		kind          string
		created       int64
		ended, events sql.NullInt64
	)
	if err := row.Scan(&info.ID, &info.Team, &kind, &info.Code, &created, &ended, &events); err != nil {
		return session.Info{}, err
	}
	k, err := session.ParseKind(kind)
	if err != nil {
		return session.Info{}, fmt.Errorf("session %q: %w", info.ID, err)
	}
	info.Kind = k
	info.Created = time.Unix(0, created).UTC()
	info.Ended = fromNullNanos(ended)
	info.Events = events.Int64
	return info, nil
}

// Session returns a session's info, or ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (session.Info, error) {
	info, err := scanInfo(s.r.QueryRowContext(ctx, `SELECT `+infoCols+` FROM sessions s WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return session.Info{}, fmt.Errorf("%w: session %q", session.ErrNotFound, id)
	}
	if err != nil {
		return session.Info{}, fmt.Errorf("session %q: %w", id, err)
	}
	return info, nil
}

// SessionByCode returns the session with the join code, or ErrNotFound.
func (s *Store) SessionByCode(ctx context.Context, code string) (session.Info, error) {
	info, err := scanInfo(s.r.QueryRowContext(ctx, `SELECT `+infoCols+` FROM sessions s WHERE s.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return session.Info{}, fmt.Errorf("%w: no session with join code %q", session.ErrNotFound, code)
	}
	if err != nil {
		return session.Info{}, fmt.Errorf("session with code %q: %w", code, err)
	}
	return info, nil
}

// Sessions lists sessions, newest first (by creation time, then by id).
func (s *Store) Sessions(ctx context.Context, f session.Filter) ([]session.Info, error) {
	if f.Limit < 0 {
		return nil, fmt.Errorf("sessions: %w: negative limit %d", session.ErrInvalid, f.Limit)
	}
	var (
		where []string
		args  []any
	)
	if f.Team != "" {
		where, args = append(where, `s.team = ?`), append(args, f.Team)
	}
	if f.Kind != nil {
		where, args = append(where, `s.kind = ?`), append(args, f.Kind.String())
	}
	if f.Unfinished {
		where = append(where, notEnded)
	}
	q := `SELECT ` + infoCols + ` FROM sessions s`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY s.created DESC, s.id`
	if f.Limit > 0 {
		q, args = q+` LIMIT ?`, append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	defer rows.Close()
	var infos []session.Info
	for rows.Next() {
		info, err := scanInfo(rows)
		if err != nil {
			return nil, fmt.Errorf("sessions: %w", err)
		}
		infos = append(infos, info)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	return infos, nil
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

// nanos returns t as Unix nanoseconds, and whether that is exactly t.
func nanos(t time.Time) (int64, bool) {
	n := t.UnixNano()
	return n, time.Unix(0, n).Equal(t)
}

// nullNanos is nanos for a time that may be zero (unknown), stored as NULL.
func nullNanos(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	n, ok := nanos(t)
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

// Secret returns the session's secret, making one the first time.
func (s *Store) Secret(ctx context.Context, id string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	// INSERT OR IGNORE keeps the first secret if two rooms race.
	if _, err := s.w.ExecContext(ctx, `INSERT OR IGNORE INTO secrets (session_id, secret) VALUES (?, ?)`, id, fresh); err != nil {
		if isConstraint(err) {
			return nil, fmt.Errorf("secret: %w: session %q", session.ErrNotFound, id)
		}
		return nil, fmt.Errorf("secret: %w", mapErr(err))
	}
	var secret []byte
	if err := s.w.QueryRowContext(ctx, `SELECT secret FROM secrets WHERE session_id = ?`, id).Scan(&secret); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return secret, nil
}

// ForgetSecret deletes the session's secret for good.
//
// Deleting a row leaves its bytes in the file and in the write-ahead log,
// so the delete runs with secure_delete (freed content is zeroed) and is
// followed by a checkpoint that truncates the log: afterwards the secret
// is in neither file.
func (s *Store) ForgetSecret(ctx context.Context, id string) error {
	return s.forget(ctx, `DELETE FROM secrets WHERE session_id = ?`, id)
}

// forgetEnded deletes the secrets of the sessions that ended, as ForgetSecret
// does: a room that could not delete one (a full disk, a crash between the
// end and the delete) leaves it for the next start, which deletes it
// before anything else can read it.
func (s *Store) forgetEnded(ctx context.Context) error {
	var n int
	if err := s.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM secrets WHERE session_id IN (SELECT session_id FROM events WHERE type = `+quote(string(endedType))+`)`).Scan(&n); err != nil {
		return fmt.Errorf("forget the secrets of ended sessions: %w", err)
	}
	if n == 0 {
		return nil
	}
	return s.forget(ctx, `DELETE FROM secrets WHERE session_id IN (SELECT session_id FROM events WHERE type = `+quote(string(endedType))+`)`)
}

// forget runs a delete of secrets with secure_delete, then checkpoints the
// write-ahead log and truncates it.
func (s *Store) forget(ctx context.Context, query string, args ...any) error {
	if _, err := s.w.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return fmt.Errorf("forget secret: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("forget secret: %w", err)
	}
	var busy, logged, checkpointed int
	if err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &checkpointed); err != nil {
		return fmt.Errorf("forget secret: checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("forget secret: the checkpoint was blocked by a reader; the secret may linger in the log until the next one")
	}
	return nil
}
