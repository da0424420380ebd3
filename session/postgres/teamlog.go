package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"huddle/session"
	"huddle/session/internal/stored"
)

// AppendTeamLog adds events to a team's log, all or nothing. The first
// event's Seq must follow the last stored one and the rest must be
// contiguous, else ErrConflict. Two nodes appending the same seq race on
// the primary key: one of them gets ErrConflict.
func (s *Store) AppendTeamLog(ctx context.Context, team string, events ...session.TeamEvent) error {
	rows, err := stored.EncodeTeamLog(events)
	if err != nil {
		return fmt.Errorf("append to team log: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var last *int64
		if err := tx.QueryRow(ctx, `SELECT MAX(seq) FROM team_log WHERE team = $1`, team).Scan(&last); err != nil {
			return err
		}
		want := int64(1)
		if last != nil {
			want = *last + 1
		}
		if rows[0].Seq != want {
			return fmt.Errorf("%w: team %q: expected seq %d, got %d", session.ErrConflict, team, want, rows[0].Seq)
		}
		for _, r := range rows {
			if _, err := tx.Exec(ctx, `INSERT INTO team_log (team, seq, time, actor, type, data) VALUES ($1, $2, $3, $4, $5, $6)`,
				team, r.Seq, r.Time, r.Actor, r.Type, r.Data); err != nil {
				return fmt.Errorf("team %q seq %d: %w", team, r.Seq, mapErr(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append to team log: %w", mapErr(err))
	}
	return nil
}

// TeamLog returns a team's log in order; empty for a team without one.
func (s *Store) TeamLog(ctx context.Context, team string) ([]session.TeamEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, time, actor, type, data FROM team_log WHERE team = $1 ORDER BY seq`, team)
	if err != nil {
		return nil, fmt.Errorf("team log: %w", err)
	}
	defer rows.Close()
	var out []session.TeamEvent
	for rows.Next() {
		var (
			seq, t     int64
			actor, typ string
			data       []byte
		)
		if err := rows.Scan(&seq, &t, &actor, &typ, &data); err != nil {
			return nil, fmt.Errorf("team log: %w", err)
		}
		p, err := session.DecodeTeamPayload(session.EventType(typ), data)
		if err != nil {
			return nil, fmt.Errorf("team log %q seq %d: %w", team, seq, err)
		}
		out = append(out, session.TeamEvent{Seq: seq, Time: time.Unix(0, t).UTC(), Actor: session.ParticipantID(actor), Payload: p})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("team log: %w", err)
	}
	return out, nil
}

// RewriteTeamLog replaces a team's log whole, then vacuums the table (see
// the package documentation for what that can and cannot promise).
func (s *Store) RewriteTeamLog(ctx context.Context, team string, events []session.TeamEvent) error {
	if err := session.ValidateTeamLog(events); err != nil {
		return fmt.Errorf("rewrite team log: %w", err)
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM team_log WHERE team = $1`, team); err != nil {
			return err
		}
		for _, e := range events {
			t, _ := stored.Nanos(e.Time)
			data, err := json.Marshal(e.Payload)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO team_log (team, seq, time, actor, type, data) VALUES ($1, $2, $3, $4, $5, $6)`,
				team, e.Seq, t, string(e.Actor), string(e.Type()), data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rewrite team log: %w", mapErr(err))
	}
	if err := s.vacuum(ctx, "team_log"); err != nil {
		return fmt.Errorf("rewrite team log: %w", err)
	}
	return nil
}

// QueueDelivery records d as pending, unless a delivery of the same
// session, event and target was recorded before (by any node).
func (s *Store) QueueDelivery(ctx context.Context, d session.Delivery) (bool, error) {
	tag, err := s.pool.Exec(ctx,
		`INSERT INTO deliveries (session_id, event, target, body, queued) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		d.Session, d.Event, d.Target, d.Body, d.Queued.UnixNano())
	if err != nil {
		if isForeignKey(err) {
			return false, fmt.Errorf("queue delivery: %w: session %q", session.ErrNotFound, d.Session)
		}
		return false, fmt.Errorf("queue delivery: %w", mapErr(err))
	}
	return tag.RowsAffected() == 1, nil
}

// FinishDelivery records a delivery's outcome and forgets its body.
func (s *Store) FinishDelivery(ctx context.Context, id, event, target, outcome string, at time.Time) error {
	_, err := s.pool.Exec(ctx,
		`UPDATE deliveries SET finished = $1, outcome = $2, body = '' WHERE session_id = $3 AND event = $4 AND target = $5`,
		at.UnixNano(), outcome, id, event, target)
	if err != nil {
		return fmt.Errorf("finish delivery: %w", mapErr(err))
	}
	return nil
}

// PendingDeliveries lists the pending deliveries queued since, oldest
// first.
func (s *Store) PendingDeliveries(ctx context.Context, since time.Time) ([]session.Delivery, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT session_id, event, target, body, queued FROM deliveries WHERE finished IS NULL AND queued >= $1
		ORDER BY queued, session_id COLLATE "C", event COLLATE "C", target COLLATE "C"`,
		since.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("pending deliveries: %w", err)
	}
	defer rows.Close()
	var out []session.Delivery
	for rows.Next() {
		var d session.Delivery
		var queued int64
		if err := rows.Scan(&d.Session, &d.Event, &d.Target, &d.Body, &queued); err != nil {
			return nil, fmt.Errorf("pending deliveries: %w", err)
		}
		d.Queued = time.Unix(0, queued).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending deliveries: %w", err)
	}
	return out, nil
}
