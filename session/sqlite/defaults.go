package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"huddle/session"
)

// defaultsSchema is migration 5: what each team remembers of how it
// opened its last session of a kind (session.Defaults), so that the next
// one needs no flags.
const defaultsSchema = `
CREATE TABLE team_defaults (
	team TEXT NOT NULL,
	kind TEXT NOT NULL,
	data TEXT NOT NULL, -- session.Defaults as JSON
	PRIMARY KEY (team, kind)
) WITHOUT ROWID;
`

var _ session.DefaultsStore = (*Store)(nil)

// Defaults returns what the team remembers for the kind; the zero
// Defaults when it remembers nothing.
func (s *Store) Defaults(ctx context.Context, team string, kind session.Kind) (session.Defaults, error) {
	var data string
	err := s.r.QueryRowContext(ctx, `SELECT data FROM team_defaults WHERE team = ? AND kind = ?`, team, kind.String()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return session.Defaults{}, nil
	}
	if err != nil {
		return session.Defaults{}, fmt.Errorf("defaults of %q: %w", team, err)
	}
	var d session.Defaults
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		// Written by a later huddle, or damaged: remember nothing
		// rather than refuse to open a session.
		return session.Defaults{}, nil
	}
	return d, nil
}

// PutDefaults stores the team's defaults for the kind.
func (s *Store) PutDefaults(ctx context.Context, team string, kind session.Kind, d session.Defaults) error {
	if team == "" {
		return fmt.Errorf("put defaults: %w: empty team", session.ErrInvalid)
	}
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("put defaults of %q: %w", team, err)
	}
	_, err = s.w.ExecContext(ctx, `
INSERT INTO team_defaults (team, kind, data) VALUES (?, ?, ?)
ON CONFLICT (team, kind) DO UPDATE SET data = excluded.data`, team, kind.String(), string(data))
	if err != nil {
		return fmt.Errorf("put defaults of %q: %w", team, mapErr(err))
	}
	return nil
}
