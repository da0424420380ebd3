// Package sqlite is huddle's embedded store: a session.Store kept in one
// SQLite file, through the pure-Go driver modernc.org/sqlite.
//
// This package is the only place huddle speaks SQL. It stores what package
// session defines — teams, each session's events, each team's log and
// remembered defaults, and the secret of a retrospective until it ends —
// and for sessions nothing else is truth: the sessions table is an index
// to find a session by (id, join code, team, kind, creation time), and
// what it reports besides (when a session ended, how many events it has)
// is derived from the events on every read. The state of a session is always the fold of its events.
//
// Durability. The file is opened in WAL mode with synchronous=FULL: when
// Append, Create or any other write returns nil, its transaction is in the
// write-ahead log and the log has been synced (fsync) to the disk, so it
// survives the process being killed, an operating system crash and a power
// loss, as far as the disk honours fsync (a drive that acknowledges writes
// it only holds in a volatile cache can still lose them). Each commit
// waits for its fsync, so a write costs about one fsync of the disk;
// synchronous=NORMAL would spare it, but a power loss could then take back
// commits that had been reported. On macOS, where fsync does not ask the
// drive to write its cache, fullfsync makes SQLite use F_FULLFSYNC.
//
// Concurrency. A Store is safe for concurrent use. Writes go through a
// single connection (SQLite has one writer at a time; one connection in
// the process means no writer ever waits on another for a lock), and
// transactions begin IMMEDIATE, so another process sharing the file makes
// a writer wait up to the busy timeout rather than fail halfway. Reads use
// a small separate pool of read-only connections and, thanks to WAL, run
// alongside the writer.
//
// Times are stored as Unix nanoseconds and returned in UTC, without a
// monotonic reading, as a Room stamps them: a fold of the stored events
// equals the live state. A time that does not fit in int64 nanoseconds (years
// before 1678 or after 2262, and the zero time for events) is refused. A
// team's zero Created or Updated time is stored as NULL and returned zero.
//
// The schema is created and migrated on Open; its version is kept in
// PRAGMA user_version. A file written by a newer huddle is refused.
package sqlite
