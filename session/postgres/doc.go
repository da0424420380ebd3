// Package postgres is huddle's shared store: a session.Store (and a
// session.SharedStore and session.HostKeyStore) in a PostgreSQL database,
// through github.com/jackc/pgx/v5, so that several huddle nodes serve the
// same sessions. It keeps what the SQLite store keeps, in the same
// shapes, and the methods have the same meaning and errors.
//
// The log is the only truth. Each session row has a head (the seq of its
// last event); Append moves it from the seq the events follow to their
// last in the statement that inserts them, so that an append decided on
// a stale head changes nothing and is an ErrConflict error. The same
// statement rings the doorbell, pg_notify('huddle', '<id> <head>'), which
// PostgreSQL delivers to every listening node when it commits. A ring
// carries no event: a node reads the events after the head it has.
//
// Several nodes. Join codes are unique by a constraint; a team's key
// bindings are also kept in team_keys, whose unique indexes refuse a name
// bound to two keys or a key bound to two names, whichever node writes.
// Node heartbeats and the connections each node holds are in the nodes and
// holdings tables (see Beat); the SSH host key is in host_key.
//
// Durability. With PostgreSQL's default synchronous_commit (on), a write
// that returned nil is in the server's write-ahead log, flushed to its
// disk; it survives the server crashing or restarting. What replication
// and backups keep is the database operator's to set.
//
// Deletion. ForgetSecret, DeleteSessions, RewriteTeam and RewriteTeamLog
// delete or replace rows and then VACUUM the tables concerned, which
// frees the dead rows' space for reuse. That is all PostgreSQL lets a
// client do, and less than the SQLite store promises: the old bytes stay
// in the table's files until that space is overwritten by new rows, in
// the write-ahead log until its segments are recycled, in WAL archives,
// replicas' files and backups for as long as those are kept, and VACUUM
// cannot reclaim a row that an open transaction (of any client) may
// still see. An operator who needs a secret gone for good must also
// manage those (VACUUM FULL rewrites a table; archives and backups expire
// by the operator's rules).
//
// Times are stored as Unix nanoseconds (bigint) and returned in UTC;
// payloads as the bytes session.EncodePayload made (bytea). The schema is
// created and migrated on Open, under an advisory lock so that nodes
// starting together apply each migration once; its version is kept in the
// schema_version table, and a database written by a newer huddle is
// refused.
package postgres
