package sqlite

import (
	"context"
	"crypto/rand"
	"fmt"

	"huddle/session"
)

// Secret returns the session's secret, making one the first time.
func (s *Store) Secret(ctx context.Context, id string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	// INSERT OR IGNORE keeps the first secret if two rooms race.
	if _, err := s.w.ExecContext(ctx, `INSERT OR IGNORE INTO secrets (session_id, secret) VALUES (?, ?)`, id, fresh); err != nil {
		if isConstraint(err) {
			return nil, fmt.Errorf("secret: %w: session %q", session.ErrNotFound, id)
		}
		return nil, fmt.Errorf("secret: %w", mapErr(err))
	}
	var secret []byte
	if err := s.w.QueryRowContext(ctx, `SELECT secret FROM secrets WHERE session_id = ?`, id).Scan(&secret); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return secret, nil
}

// ForgetSecret deletes the session's secret for good.
//
// Deleting a row leaves its bytes in the file and in the write-ahead log,
// so the delete runs with secure_delete (freed content is zeroed) and is
// followed by a checkpoint that truncates the log: afterwards the secret
// is in neither file.
func (s *Store) ForgetSecret(ctx context.Context, id string) error {
	return s.forget(ctx, `DELETE FROM secrets WHERE session_id = ?`, id)
}

// forgetEnded deletes the secrets of the sessions that ended, as ForgetSecret
// does: a room that could not delete one (a full disk, a crash between the
// end and the delete) leaves it for the next start, which deletes it
// before anything else can read it.
func (s *Store) forgetEnded(ctx context.Context) error {
	var n int
	if err := s.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM secrets WHERE session_id IN (SELECT session_id FROM events WHERE type = `+quote(string(endedType))+`)`).Scan(&n); err != nil {
		return fmt.Errorf("forget the secrets of ended sessions: %w", err)
	}
	if n == 0 {
		return nil
	}
	return s.forget(ctx, `DELETE FROM secrets WHERE session_id IN (SELECT session_id FROM events WHERE type = `+quote(string(endedType))+`)`)
}

// forget runs a delete of secrets with secure_delete, then checkpoints the
// write-ahead log and truncates it.
func (s *Store) forget(ctx context.Context, query string, args ...any) error {
	if _, err := s.w.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return fmt.Errorf("forget secret: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("forget secret: %w", err)
	}
	var busy, logged, checkpointed int
	if err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &checkpointed); err != nil {
		return fmt.Errorf("forget secret: checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("forget secret: the checkpoint was blocked by a reader; the secret may linger in the log until the next one")
	}
	return nil
}
