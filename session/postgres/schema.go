package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations bring the schema from version i (the one row of
// schema_version) to version i+1. They are applied in order, each in its
// own transaction under an advisory lock, so that nodes starting at once
// apply each exactly once. Never change one that has been released;
// append a new one.
//
// Times are Unix nanoseconds (bigint), payloads the bytes of
// session.EncodePayload (bytea, kept byte for byte).
var migrations = []string{
	// 1: everything the SQLite store keeps at its schema version 8, plus
	// what several nodes share: the head of each session's log, the
	// nodes' heartbeats and connections, and the SSH host key.
	`
CREATE TABLE teams (
	name       text PRIMARY KEY,
	members    text NOT NULL, -- JSON array of display names
	agreements text NOT NULL, -- JSON array of working agreements
	created    bigint,        -- NULL if unknown
	updated    bigint,
	keys       text NOT NULL DEFAULT '{}', -- JSON object: name -> key fingerprint
	owners     text NOT NULL DEFAULT '[]', -- JSON array of key fingerprints
	schedules  text NOT NULL DEFAULT '{}'  -- JSON object: kind -> schedule
);
-- The team rules the database holds for every node at once (PutTeam
-- keeps it in step with teams.keys): a roster name is bound to one key,
-- whatever its case, and a key speaks for one name of a team.
CREATE TABLE team_keys (
	team text NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
	name text NOT NULL,
	key  text NOT NULL
);
CREATE UNIQUE INDEX team_keys_name ON team_keys (team, lower(name));
CREATE UNIQUE INDEX team_keys_key ON team_keys (team, key);
CREATE TABLE sessions (
	id       text PRIMARY KEY,
	team     text NOT NULL,
	kind     text NOT NULL,
	code     text NOT NULL UNIQUE, -- the join code: unique across every node
	created  bigint NOT NULL,      -- the time of the Created event
	head_seq bigint NOT NULL CHECK (head_seq >= 1) -- the seq of the last event, moved by Append
);
CREATE INDEX sessions_team_created ON sessions (team, created);
CREATE INDEX sessions_created ON sessions (created DESC, id);
CREATE TABLE events (
	session_id text NOT NULL REFERENCES sessions (id),
	seq        bigint NOT NULL,
	time       bigint NOT NULL,
	actor      text NOT NULL,
	type       text NOT NULL,
	data       bytea NOT NULL,
	PRIMARY KEY (session_id, seq)
);
CREATE INDEX events_ended ON events (session_id, time) WHERE type = 'ended';
CREATE TABLE secrets (
	session_id text PRIMARY KEY REFERENCES sessions (id),
	secret     bytea NOT NULL
);
CREATE TABLE team_defaults (
	team text NOT NULL,
	kind text NOT NULL,
	data text NOT NULL, -- session.Defaults as JSON
	PRIMARY KEY (team, kind)
);
CREATE TABLE team_log (
	team  text NOT NULL,
	seq   bigint NOT NULL,
	time  bigint NOT NULL,
	actor text NOT NULL,
	type  text NOT NULL,
	data  bytea NOT NULL,
	PRIMARY KEY (team, seq)
);
CREATE TABLE deliveries (
	session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	event      text NOT NULL,
	target     text NOT NULL,
	body       text NOT NULL,
	queued     bigint NOT NULL,
	finished   bigint,
	outcome    text NOT NULL DEFAULT '',
	PRIMARY KEY (session_id, event, target)
);
CREATE INDEX deliveries_pending ON deliveries (queued) WHERE finished IS NULL;
CREATE TABLE nodes (
	node text PRIMARY KEY,
	beat bigint NOT NULL -- the node's clock at its last Beat
);
CREATE TABLE holdings (
	node       text NOT NULL,
	session_id text NOT NULL,
	key        text NOT NULL,
	PRIMARY KEY (node, session_id, key)
);
CREATE INDEX holdings_session_key ON holdings (session_id, key);
CREATE TABLE host_key (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	pem bytea NOT NULL
);
`,
}

// SchemaVersion is the schema version this code migrates databases to.
var SchemaVersion = len(migrations)

// migrate applies the migrations the database has not seen yet.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	for {
		done, err := migrateOne(ctx, pool)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if done {
			return nil
		}
	}
}

// migrateOne applies the next migration, if any, in one transaction that
// holds the migration lock, and reports whether the schema is current.
func migrateOne(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	done := false
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockClass, lockMigration); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
			return err
		}
		var v int
		err := tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
		if err == pgx.ErrNoRows {
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		known := len(migrations)
		switch {
		case v > known:
			return fmt.Errorf("%w: the database is at schema version %d, this huddle knows up to version %d",
				ErrNewerSchema, v, known)
		case v == known:
			done = true
			return nil
		}
		if _, err := tx.Exec(ctx, migrations[v]); err != nil {
			return fmt.Errorf("to schema version %d: %w", v+1, err)
		}
		_, err = tx.Exec(ctx, `UPDATE schema_version SET version = $1`, v+1)
		return err
	})
	return done, err
}
