package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"huddle/session"
	"huddle/session/internal/stored"
)

// Create records a new session with its first event, which must be event 1
// with a Created payload whose team and kind are the session's. Info's
// Created time is that event's time: left zero, it is taken from the
// event; set, it must equal it. Info's Ended and Events are derived and
// ignored. A duplicate ID or join code is an ErrConflict error.
func (s *Store) Create(ctx context.Context, info session.Info, first session.Event) error {
	if err := stored.CheckCreate(&info, first); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	row, err := stored.Encode(first)
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
		info.ID, info.Team, info.Kind.String(), info.Code, row.Time); err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, mapErr(err))
	}
	if _, err := tx.StmtContext(ctx, s.insertEvent).ExecContext(ctx,
		info.ID, row.Seq, row.Time, row.Actor, row.Type, row.Data); err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, mapErr(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, mapErr(err))
	}
	return nil
}

// Append adds events to a session, all or nothing. The first event's Seq
// must follow the last stored one and the rest must be contiguous, else
// ErrConflict; an unknown session is ErrNotFound. When it returns nil the
// events are committed to the write-ahead log.
func (s *Store) Append(ctx context.Context, id string, events ...session.Event) error {
	// Check and encode before taking the write lock.
	rows := make([]stored.Row, len(events))
	for i, e := range events {
		if i > 0 && e.Seq != events[0].Seq+int64(i) {
			return fmt.Errorf("append events: %w: session %q: events not contiguous: expected seq %d, got %d",
				session.ErrConflict, id, events[0].Seq+int64(i), e.Seq)
		}
		r, err := stored.Encode(e)
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
	if want := last.Int64 + 1; rows[0].Seq != want {
		return fmt.Errorf("append events: %w: session %q: expected seq %d, got %d",
			session.ErrConflict, id, want, rows[0].Seq)
	}
	ins := tx.StmtContext(ctx, s.insertEvent)
	for _, r := range rows {
		if _, err := ins.ExecContext(ctx, id, r.Seq, r.Time, r.Actor, r.Type, r.Data); err != nil {
			return fmt.Errorf("append events: session %q seq %d: %w", id, r.Seq, mapErr(err))
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
