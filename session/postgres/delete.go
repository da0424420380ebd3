package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"huddle/session"
	"huddle/session/internal/stored"
)

// deliveryForgotten is the outcome of a pending delivery whose session was
// rewritten (huddle forget): its message held the old names, and is not
// sent.
const deliveryForgotten = "forgotten"

// Secret returns the session's secret, making one the first time. When
// two nodes race, the first one's secret is kept and both return it.
func (s *Store) Secret(ctx context.Context, id string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO secrets (session_id, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, fresh); err != nil {
		if isForeignKey(err) {
			return nil, fmt.Errorf("secret: %w: session %q", session.ErrNotFound, id)
		}
		return nil, fmt.Errorf("secret: %w", mapErr(err))
	}
	var secret []byte
	if err := s.pool.QueryRow(ctx, `SELECT secret FROM secrets WHERE session_id = $1`, id).Scan(&secret); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return secret, nil
}

// ForgetSecret deletes the session's secret and vacuums the secrets
// table, which makes the space of the deleted row reusable; see the
// package documentation for what PostgreSQL keeps until that space is
// reused and its write-ahead log recycled.
func (s *Store) ForgetSecret(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM secrets WHERE session_id = $1`, id); err != nil {
		return fmt.Errorf("forget secret: %w", err)
	}
	if err := s.vacuum(ctx, "secrets"); err != nil {
		return fmt.Errorf("forget secret: %w", err)
	}
	return nil
}

// forgetEnded deletes the secrets of the sessions that ended, as
// ForgetSecret does: a node that could not (it died between the end and
// the delete) leaves it to the next one to start.
func (s *Store) forgetEnded(ctx context.Context) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM secrets WHERE session_id IN (SELECT session_id FROM events WHERE type = '`+endedType+`')`)
	if err != nil {
		return fmt.Errorf("forget the secrets of ended sessions: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	if err := s.vacuum(ctx, "secrets"); err != nil {
		return fmt.Errorf("forget the secrets of ended sessions: %w", err)
	}
	return nil
}

// vacuum vacuums the tables (outside any transaction, as VACUUM must
// run), so that the space of deleted and replaced rows is freed for reuse.
func (s *Store) vacuum(ctx context.Context, tables ...string) error {
	for _, t := range tables {
		// The names are the package's own constants.
		if _, err := s.pool.Exec(ctx, `VACUUM `+t); err != nil {
			return fmt.Errorf("done, but the vacuum of %s failed; the old rows linger until the next one: %w", t, err)
		}
	}
	return nil
}

// DeleteSessions deletes sessions, all or nothing: their events, their
// secrets, their deliveries and their index entries, then vacuums those
// tables. An unknown id is ErrNotFound.
func (s *Store) DeleteSessions(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		for _, id := range ids {
			// Lock the session first: an Append of another node waits
			// for this transaction, then finds no session.
			tag, err := tx.Exec(ctx, `SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE`, id)
			if err != nil {
				return fmt.Errorf("session %q: %w", id, err)
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("%w: session %q", session.ErrNotFound, id)
			}
			for _, q := range []string{
				`DELETE FROM secrets WHERE session_id = $1`,
				`DELETE FROM deliveries WHERE session_id = $1`,
				`DELETE FROM events WHERE session_id = $1`,
				`DELETE FROM holdings WHERE session_id = $1`,
				`DELETE FROM sessions WHERE id = $1`,
			} {
				if _, err := tx.Exec(ctx, q, id); err != nil {
					return fmt.Errorf("session %q: %w", id, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete sessions: %w", mapErr(err))
	}
	if err := s.vacuum(ctx, "secrets", "deliveries", "events", "sessions"); err != nil {
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
	r, err := encodeTeam(t)
	if err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, err)
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
	ids := make([]string, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	slices.Sort(ids) // a stable order for stable errors, and for locks
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE teams SET members = $1, agreements = $2, keys = $3, updated = COALESCE($4, updated) WHERE name = $5`,
			r.members, r.agreements, r.keys, r.updated, t.Name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: team %q", session.ErrNotFound, t.Name)
		}
		if err := putKeys(ctx, tx, t.Name, t.Keys); err != nil {
			return err
		}
		for _, id := range ids {
			if err := rewriteSession(ctx, tx, t.Name, id, rows[id]); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE deliveries SET body = '', finished = $1, outcome = $2 WHERE session_id = $3 AND finished IS NULL`,
				time.Now().UnixNano(), deliveryForgotten, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, mapErr(err))
	}
	if err := s.vacuum(ctx, "teams", "team_keys", "events", "deliveries"); err != nil {
		return fmt.Errorf("rewrite team %q: %w", t.Name, err)
	}
	return nil
}

// rewriteSession replaces one session's events inside tx, after checking
// that they match the stored ones but for actors and payloads. It locks
// the session's row, so that no node appends meanwhile.
func rewriteSession(ctx context.Context, tx pgx.Tx, team, id string, rows []stored.Row) error {
	var got string
	err := tx.QueryRow(ctx, `SELECT team FROM sessions WHERE id = $1 FOR UPDATE`, id).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: session %q", session.ErrNotFound, id)
	}
	if err != nil {
		return fmt.Errorf("session %q: %w", id, err)
	}
	if got != team {
		return fmt.Errorf("%w: session %q is of team %q", session.ErrInvalid, id, got)
	}
	stored, err := tx.Query(ctx, `SELECT seq, time, type FROM events WHERE session_id = $1 ORDER BY seq`, id)
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
	stored.Close()
	if err := stored.Err(); err != nil {
		return fmt.Errorf("session %q: %w", id, err)
	}
	if i != len(rows) {
		return fmt.Errorf("%w: session %q has %d events, not %d", session.ErrInvalid, id, i, len(rows))
	}
	seqs, actors, datas := make([]int64, len(rows)), make([]string, len(rows)), make([][]byte, len(rows))
	for i, r := range rows {
		seqs[i], actors[i], datas[i] = r.Seq, r.Actor, r.Data
	}
	if _, err := tx.Exec(ctx, `UPDATE events e SET actor = r.actor, data = r.data
		FROM unnest($2::bigint[], $3::text[], $4::bytea[]) AS r (seq, actor, data)
		WHERE e.session_id = $1 AND e.seq = r.seq`, id, seqs, actors, datas); err != nil {
		return fmt.Errorf("session %q: %w", id, mapErr(err))
	}
	return nil
}
