package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"huddle/session"
	"huddle/session/internal/stored"
)

var _ session.TeamLogStore = (*Store)(nil)

// teamLogSchema is migration 6: each team's own log, its events keyed by
// the team's name (a team log may exist before or after the team does).
const teamLogSchema = `
CREATE TABLE team_log (
	team  TEXT NOT NULL,
	seq   INTEGER NOT NULL,
	time  INTEGER NOT NULL, -- Unix nanoseconds
	actor TEXT NOT NULL,
	type  TEXT NOT NULL,
	data  BLOB NOT NULL,    -- the payload as JSON
	PRIMARY KEY (team, seq)
) WITHOUT ROWID;
`

// AppendTeamLog adds events to a team's log, all or nothing. The first
// event's Seq must follow the last stored one and the rest must be
// contiguous, else ErrConflict.
func (s *Store) AppendTeamLog(ctx context.Context, team string, events ...session.TeamEvent) error {
	rows, err := stored.EncodeTeamLog(events)
	if err != nil {
		return fmt.Errorf("append to team log: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append to team log: %w", err)
	}
	defer tx.Rollback()
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(seq) FROM team_log WHERE team = ?`, team).Scan(&last); err != nil {
		return fmt.Errorf("append to team log: %w", err)
	}
	if want := last.Int64 + 1; rows[0].Seq != want {
		return fmt.Errorf("append to team log: %w: team %q: expected seq %d, got %d", session.ErrConflict, team, want, rows[0].Seq)
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO team_log (team, seq, time, actor, type, data) VALUES (?, ?, ?, ?, ?, ?)`,
			team, r.Seq, r.Time, r.Actor, r.Type, r.Data); err != nil {
			return fmt.Errorf("append to team log: team %q seq %d: %w", team, r.Seq, mapErr(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append to team log: %w", mapErr(err))
	}
	return nil
}

// TeamLog returns a team's log in order; empty for a team without one.
func (s *Store) TeamLog(ctx context.Context, team string) ([]session.TeamEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, time, actor, type, data FROM team_log WHERE team = ? ORDER BY seq`, team)
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

var _ session.TeamLogRewriter = (*Store)(nil)

// RewriteTeamLog replaces a team's log whole, erasing the old bytes (as
// RewriteTeam does).
func (s *Store) RewriteTeamLog(ctx context.Context, team string, events []session.TeamEvent) error {
	if err := session.ValidateTeamLog(events); err != nil {
		return fmt.Errorf("rewrite team log: %w", err)
	}
	if err := s.secureDelete(ctx); err != nil {
		return fmt.Errorf("rewrite team log: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rewrite team log: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM team_log WHERE team = ?`, team); err != nil {
		return fmt.Errorf("rewrite team log: %w", mapErr(err))
	}
	for _, e := range events {
		t, _ := stored.Nanos(e.Time)
		data, err := json.Marshal(e.Payload)
		if err != nil {
			return fmt.Errorf("rewrite team log: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO team_log (team, seq, time, actor, type, data) VALUES (?, ?, ?, ?, ?, ?)`,
			team, e.Seq, t, string(e.Actor), string(e.Type()), data); err != nil {
			return fmt.Errorf("rewrite team log: %w", mapErr(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rewrite team log: %w", mapErr(err))
	}
	if err := s.scrub(ctx); err != nil {
		return fmt.Errorf("rewrite team log: %w", err)
	}
	return nil
}
