package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"huddle/session"
	"huddle/session/internal/stored"
)

// Deleting and rewriting for good. A deleted or replaced row leaves its
// bytes in free space of the database file and in the write-ahead log, so
// these writes run with secure_delete (freed content is zeroed) and are
// followed by a checkpoint that truncates the log, as ForgetSecret does.
// That is not enough on its own: when SQLite rebuilds a page while
// rebalancing its tree, the old cells stay in the page's unused middle,
// where secure_delete does not reach (a test found a deleted session's
// text there). So a VACUUM, which rebuilds the file from the live rows
// only, comes before the checkpoint: afterwards the old bytes are in
// neither file.

// DeleteSessions deletes sessions for good, all or nothing: their events,
// their secrets and their index entries. An unknown id is ErrNotFound.
func (s *Store) DeleteSessions(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.secureDelete(ctx); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	defer tx.Rollback()
	for _, id := range ids {
		res, err := tx.ExecContext(ctx, `DELETE FROM secrets WHERE session_id = ?`, id)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM events WHERE session_id = ?`, id)
		}
		if err == nil {
			res, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
		}
		if err != nil {
			return fmt.Errorf("delete session %q: %w", id, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("delete sessions: %w: session %q", session.ErrNotFound, id)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete sessions: %w", mapErr(err))
	}
	if err := s.scrub(ctx); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// RewriteTeam replaces the team and the stored events of the given
// sessions of that team, all or nothing. Each session must get exactly
// its stored events back — the same number, sequence numbers, times and
// types — with only actors and payloads changed.
func (s *Store) RewriteTeam(ctx context.Context, t session.Team, events map[string][]session.Event) error {
	if t.Name == "" {
		return fmt.Errorf("rewrite team: %w: empty name", session.ErrInvalid)
	}
	members, err := json.Marshal(t.Members)
	if err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, err)
	}
	agreements, err := json.Marshal(t.Agreements)
	if err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, err)
	}
	keys, err := json.Marshal(t.Keys)
	if err != nil || t.Keys == nil {
		keys = []byte("{}")
	}
	updated, err := nullNanos(t.Updated)
	if err != nil {
		return fmt.Errorf("rewrite team %q: updated: %w", t.Name, err)
	}
	rows := make(map[string][]stored.Row, len(events))
	for id, evs := range events {
		rs := make([]stored.Row, len(evs))
		for i, e := range evs {
			if rs[i], err = stored.Encode(e); err != nil {
				return fmt.Errorf("rewrite team %q: session %q: %w", t.Name, id, err)
			}
		}
		rows[id] = rs
	}

	if err := s.secureDelete(ctx); err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE teams SET members = ?, agreements = ?, keys = ?, updated = COALESCE(?, updated) WHERE name = ?`,
		string(members), string(agreements), string(keys), updated, t.Name)
	if err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("rewrite team: %w: team %q", session.ErrNotFound, t.Name)
	}
	ids := make([]string, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	slices.Sort(ids) // a stable order for stable errors
	for _, id := range ids {
		if err := rewriteSession(ctx, tx, t.Name, id, rows[id]); err != nil {
			return fmt.Errorf("rewrite team %q: %w", t.Name, err)
		}
		// A notification still pending holds the old names: it is
		// not sent (see deliveries.go).
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET body = '', finished = ?, outcome = ? WHERE session_id = ? AND finished IS NULL`,
			time.Now().UnixNano(), deliveryForgotten, id); err != nil {
			return fmt.Errorf("rewrite team %q: %w", t.Name, mapErr(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, mapErr(err))
	}
	if err := s.scrub(ctx); err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, err)
	}
	return nil
}

// rewriteSession replaces one session's events inside tx, after checking
// that they match the stored ones but for actors and payloads.
func rewriteSession(ctx context.Context, tx *sql.Tx, team, id string, rows []stored.Row) error {
	var got string
	err := tx.QueryRowContext(ctx, `SELECT team FROM sessions WHERE id = ?`, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: session %q", session.ErrNotFound, id)
	}
	if err != nil {
		return fmt.Errorf("session %q: %w", id, err)
	}
	if got != team {
		return fmt.Errorf("%w: session %q is of team %q", session.ErrInvalid, id, got)
	}
	stored, err := tx.QueryContext(ctx, `SELECT seq, time, type FROM events WHERE session_id = ? ORDER BY seq`, id)
	if err != nil {
		return fmt.Errorf("session %q: %w", id, err)
	}
	i := 0
	for stored.Next() {
		var seq, t int64
		var typ string
		if err := stored.Scan(&seq, &t, &typ); err != nil {
			stored.Close()
			return fmt.Errorf("session %q: %w", id, err)
		}
		if i >= len(rows) || rows[i].Seq != seq || rows[i].Time != t || rows[i].Type != typ {
			stored.Close()
			return fmt.Errorf("%w: session %q: event %d does not match the stored one", session.ErrInvalid, id, seq)
		}
		i++
	}
	if err := stored.Close(); err != nil {
		return fmt.Errorf("session %q: %w", id, err)
	}
	if err := stored.Err(); err != nil {
		return fmt.Errorf("session %q: %w", id, err)
	}
	if i != len(rows) {
		return fmt.Errorf("%w: session %q has %d events, not %d", session.ErrInvalid, id, i, len(rows))
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `UPDATE events SET actor = ?, data = ? WHERE session_id = ? AND seq = ?`,
			r.Actor, r.Data, id, r.Seq); err != nil {
			return fmt.Errorf("session %q seq %d: %w", id, r.Seq, mapErr(err))
		}
	}
	return nil
}

// secureDelete makes the writer's connection zero what it frees. The
// pragma holds for the connection, and the writer has exactly one.
func (s *Store) secureDelete(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return fmt.Errorf("secure delete: %w", err)
	}
	return nil
}

// scrub rebuilds the database file from its live rows, then checkpoints
// the write-ahead log into it and truncates the log, so that neither file
// keeps a copy of what was deleted or replaced.
func (s *Store) scrub(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("done, but the vacuum failed; the old data may linger in free space: %w", err)
	}
	var busy, logged, checkpointed int
	if err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &checkpointed); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return errors.New("done, but a reader blocked the checkpoint: the old data may linger in the log until the next one")
	}
	return nil
}
