package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"huddle/session"
	"huddle/session/internal/stored"
)

// endedType is the event type whose time is a session's end (the
// events_ended index spells it out as 'ended').
var endedType = string((&session.Ended{}).Type())

// Create records a new session with its first event, which must be event 1
// with a Created payload whose team and kind are the session's. Info's
// Created time is that event's time: left zero, it is taken from the
// event; set, it must equal it. A duplicate ID or join code is an
// ErrConflict error; the database's constraints decide, so two nodes can
// never hand out the same code.
func (s *Store) Create(ctx context.Context, info session.Info, first session.Event) error {
	if err := stored.CheckCreate(&info, first); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	row, err := stored.Encode(first)
	if err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, err)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		// Look first for a friendlier message than the constraint's;
		// the constraint still guards, below.
		var (
			idTaken bool
			codeOf  *string
		)
		if err := tx.QueryRow(ctx,
			`SELECT EXISTS (SELECT 1 FROM sessions WHERE id = $1), (SELECT id FROM sessions WHERE code = $2)`,
			info.ID, info.Code).Scan(&idTaken, &codeOf); err != nil {
			return err
		}
		if idTaken {
			return fmt.Errorf("%w: session %q already exists", session.ErrConflict, info.ID)
		}
		if codeOf != nil {
			return fmt.Errorf("%w: join code %q is taken by session %q", session.ErrConflict, info.Code, *codeOf)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id, team, kind, code, created, head_seq) VALUES ($1, $2, $3, $4, $5, 1)`,
			info.ID, info.Team, info.Kind.String(), info.Code, row.Time); err != nil {
			return mapErr(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO events (session_id, seq, time, actor, type, data) VALUES ($1, $2, $3, $4, $5, $6)`,
			info.ID, row.Seq, row.Time, row.Actor, row.Type, row.Data); err != nil {
			return mapErr(err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create session %q: %w", info.ID, mapErr(err))
	}
	return nil
}

// appendQuery moves the session's head from $2 to $3 and inserts the
// events, in one statement and so in one transaction: when the head is no
// longer $2 (another node appended first) it changes nothing and returns
// no row. It rings the doorbell, "<id> <head>", which PostgreSQL delivers
// when the transaction commits.
const appendQuery = `
WITH head AS (
	UPDATE sessions SET head_seq = $3 WHERE id = $1 AND head_seq = $2 RETURNING id, head_seq
), ins AS (
	INSERT INTO events (session_id, seq, time, actor, type, data)
	SELECT head.id, e.seq, e.time, e.actor, e.type, e.data
	FROM head, unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bytea[]) AS e (seq, time, actor, type, data)
	RETURNING 1
)
SELECT pg_notify('` + channel + `', head.id || ' ' || head.head_seq), (SELECT count(*) FROM ins) FROM head`

// Append adds events to a session, all or nothing. The first event's Seq
// must follow the last stored one (the session's head) and the rest must
// be contiguous, else ErrConflict; an unknown session is ErrNotFound.
// When it returns nil the events are committed (and, with PostgreSQL's
// default synchronous_commit, flushed to its write-ahead log). Any other
// error than ErrConflict, ErrNotFound and ErrInvalid may leave unknown
// whether they were: a connection that broke after the commit was sent
// says nothing of its outcome. The caller learns it from the log, as
// after a conflict (EventsAfter the head it had).
func (s *Store) Append(ctx context.Context, id string, events ...session.Event) error {
	n := len(events)
	var (
		seqs, times   = make([]int64, n), make([]int64, n)
		actors, types = make([]string, n), make([]string, n)
		datas         = make([][]byte, n)
	)
	for i, e := range events {
		if i > 0 && e.Seq != events[0].Seq+int64(i) {
			return fmt.Errorf("append events: %w: session %q: events not contiguous: expected seq %d, got %d",
				session.ErrConflict, id, events[0].Seq+int64(i), e.Seq)
		}
		r, err := stored.Encode(e)
		if err != nil {
			return fmt.Errorf("append events: session %q: %w", id, err)
		}
		seqs[i], times[i], actors[i], types[i], datas[i] = r.Seq, r.Time, r.Actor, r.Type, r.Data
	}
	if n == 0 {
		if _, err := s.head(ctx, id); err != nil {
			return fmt.Errorf("append events: %w", err)
		}
		return nil
	}
	expected := events[0].Seq - 1
	var (
		notified string
		inserted int64
	)
	err := s.pool.QueryRow(ctx, appendQuery, id, expected, events[n-1].Seq, seqs, times, actors, types, datas).
		Scan(&notified, &inserted)
	if errors.Is(err, pgx.ErrNoRows) {
		head, err := s.head(ctx, id)
		if err != nil {
			return fmt.Errorf("append events: %w", err)
		}
		return fmt.Errorf("append events: %w: session %q: expected seq %d, got %d",
			session.ErrConflict, id, head+1, events[0].Seq)
	}
	if err != nil {
		return fmt.Errorf("append events: session %q: %w", id, mapErr(err))
	}
	if inserted != int64(n) {
		// Cannot happen: the statement inserts every event or fails.
		return fmt.Errorf("append events: session %q: %d of %d events inserted", id, inserted, n)
	}
	return nil
}

// head returns a session's head, or ErrNotFound.
func (s *Store) head(ctx context.Context, id string) (int64, error) {
	var head int64
	err := s.pool.QueryRow(ctx, `SELECT head_seq FROM sessions WHERE id = $1`, id).Scan(&head)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("%w: session %q", session.ErrNotFound, id)
	}
	if err != nil {
		return 0, fmt.Errorf("session %q: %w", id, err)
	}
	return head, nil
}

// Events returns a session's events in order, or ErrNotFound.
func (s *Store) Events(ctx context.Context, id string) ([]session.Event, error) {
	events, err := s.EventsAfter(ctx, id, 0)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return events, nil
}

// EventsAfter returns a session's events with Seq greater than after, in
// order; an unknown session is ErrNotFound.
func (s *Store) EventsAfter(ctx context.Context, id string, after int64) ([]session.Event, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT seq, time, actor, type, data FROM events WHERE session_id = $1 AND seq > $2 ORDER BY seq`, id, after)
	if err != nil {
		return nil, fmt.Errorf("events of %q: %w", id, err)
	}
	defer rows.Close()
	var (
		events []session.Event
		seq, t int64
		actor  string
		typ    string
		data   []byte
	)
	for rows.Next() {
		if err := rows.Scan(&seq, &t, &actor, &typ, &data); err != nil {
			return nil, fmt.Errorf("events of %q: %w", id, err)
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
		return nil, fmt.Errorf("events of %q: %w", id, err)
	}
	if len(events) == 0 {
		// Every session has its Created event: none at all, or none
		// after a head at or past the last, tells nothing; ask.
		if _, err := s.head(ctx, id); err != nil {
			return nil, err
		}
		if after <= 0 {
			return nil, fmt.Errorf("%w: session %q has no events", session.ErrNotFound, id)
		}
		return []session.Event{}, nil
	}
	return events, nil
}

// infoCols selects a session.Info from sessions s; Ended is derived from
// the events, Events is the head that Append moves with them.
var infoCols = `s.id, s.team, s.kind, s.code, s.created,
	(SELECT MIN(e.time) FROM events e WHERE e.session_id = s.id AND e.type = '` + endedType + `'),
	s.head_seq`

var notEnded = `NOT EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id AND e.type = '` + endedType + `')`

func scanInfo(row pgx.Row) (session.Info, error) {
	var (
		info    session.Info
		kind    string
		created int64
		ended   *int64
	)
	if err := row.Scan(&info.ID, &info.Team, &kind, &info.Code, &created, &ended, &info.Events); err != nil {
		return session.Info{}, err
	}
	k, err := session.ParseKind(kind)
	if err != nil {
		return session.Info{}, fmt.Errorf("session %q: %w", info.ID, err)
	}
	info.Kind = k
	info.Created = time.Unix(0, created).UTC()
	info.Ended = fromNullNanos(ended)
	return info, nil
}

// Session returns a session's info, or ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (session.Info, error) {
	info, err := scanInfo(s.pool.QueryRow(ctx, `SELECT `+infoCols+` FROM sessions s WHERE s.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return session.Info{}, fmt.Errorf("%w: session %q", session.ErrNotFound, id)
	}
	if err != nil {
		return session.Info{}, fmt.Errorf("session %q: %w", id, err)
	}
	return info, nil
}

// SessionByCode returns the session with the join code, or ErrNotFound.
func (s *Store) SessionByCode(ctx context.Context, code string) (session.Info, error) {
	info, err := scanInfo(s.pool.QueryRow(ctx, `SELECT `+infoCols+` FROM sessions s WHERE s.code = $1`, code))
	if errors.Is(err, pgx.ErrNoRows) {
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
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Team != "" {
		where = append(where, `s.team = `+arg(f.Team))
	}
	if f.Kind != nil {
		where = append(where, `s.kind = `+arg(f.Kind.String()))
	}
	if f.Unfinished {
		where = append(where, notEnded)
	}
	q := `SELECT ` + infoCols + ` FROM sessions s`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY s.created DESC, s.id COLLATE "C"`
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	rows, err := s.pool.Query(ctx, q, args...)
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
