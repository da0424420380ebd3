package sqlite

import (
	"context"
	"fmt"
	"time"

	"huddle/session"
)

var _ session.DeliveryStore = (*Store)(nil)

// deliveriesSchema is migration 7: the notifications of sessions' events
// (huddle serve --notify, --on-end), so that none is sent twice, also
// across a restart, and one that was pending at a stop is sent at the
// next start. A session's deliveries go with it.
const deliveriesSchema = `
CREATE TABLE deliveries (
	session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	event      TEXT NOT NULL,    -- opened, ended
	target     TEXT NOT NULL,    -- a hash of the webhook URL or the command
	body       TEXT NOT NULL,    -- what is sent; '' once finished
	queued     INTEGER NOT NULL, -- Unix nanoseconds
	finished   INTEGER,          -- NULL while pending
	outcome    TEXT NOT NULL DEFAULT '', -- sent, refused, failed, stale, forgotten
	PRIMARY KEY (session_id, event, target)
) WITHOUT ROWID;
CREATE INDEX deliveries_pending ON deliveries (queued) WHERE finished IS NULL;
`

// deliveryForgotten is the outcome of a pending delivery whose session was
// rewritten (huddle forget): its message held the old names, and is not
// sent.
const deliveryForgotten = "forgotten"

// QueueDelivery records d as pending, unless a delivery of the same
// session, event and target was recorded before.
func (s *Store) QueueDelivery(ctx context.Context, d session.Delivery) (bool, error) {
	res, err := s.w.ExecContext(ctx,
		`INSERT INTO deliveries (session_id, event, target, body, queued) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		d.Session, d.Event, d.Target, d.Body, d.Queued.UnixNano())
	if err != nil {
		if isConstraint(err) {
			return false, fmt.Errorf("queue delivery: %w: session %q", session.ErrNotFound, d.Session)
		}
		return false, fmt.Errorf("queue delivery: %w", mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("queue delivery: %w", err)
	}
	return n == 1, nil
}

// FinishDelivery records a delivery's outcome and forgets its body.
func (s *Store) FinishDelivery(ctx context.Context, id, event, target, outcome string, at time.Time) error {
	_, err := s.w.ExecContext(ctx,
		`UPDATE deliveries SET finished = ?, outcome = ?, body = '' WHERE session_id = ? AND event = ? AND target = ?`,
		at.UnixNano(), outcome, id, event, target)
	if err != nil {
		return fmt.Errorf("finish delivery: %w", mapErr(err))
	}
	return nil
}

// PendingDeliveries lists the pending deliveries queued since, oldest
// first.
func (s *Store) PendingDeliveries(ctx context.Context, since time.Time) ([]session.Delivery, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT session_id, event, target, body, queued FROM deliveries WHERE finished IS NULL AND queued >= ? ORDER BY queued, session_id, event, target`,
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
