package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"huddle/session"
	"huddle/session/internal/stored"
)

// PutTeam creates or replaces a team by name.
func (s *Store) PutTeam(ctx context.Context, t session.Team) error {
	if t.Name == "" {
		return fmt.Errorf("put team: %w: empty name", session.ErrInvalid)
	}
	members, err := json.Marshal(t.Members)
	if err != nil {
		return fmt.Errorf("put team %q: %w", t.Name, err)
	}
	agreements, err := json.Marshal(t.Agreements)
	if err != nil {
		return fmt.Errorf("put team %q: %w", t.Name, err)
	}
	created, err := nullNanos(t.Created)
	if err != nil {
		return fmt.Errorf("put team %q: created: %w", t.Name, err)
	}
	updated, err := nullNanos(t.Updated)
	if err != nil {
		return fmt.Errorf("put team %q: updated: %w", t.Name, err)
	}
	keys, err := json.Marshal(t.Keys)
	if err != nil || t.Keys == nil {
		keys = []byte("{}")
	}
	owners, err := json.Marshal(t.Owners)
	if err != nil || t.Owners == nil {
		owners = []byte("[]")
	}
	specs := map[string]string{}
	for k, sc := range t.Schedules {
		specs[k.String()] = sc.String()
	}
	schedules, err := json.Marshal(specs)
	if err != nil {
		return fmt.Errorf("put team %q: schedules: %w", t.Name, err)
	}
	_, err = s.w.ExecContext(ctx, `
INSERT INTO teams (name, members, agreements, created, updated, keys, owners, schedules) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
	members = excluded.members, agreements = excluded.agreements,
	created = excluded.created, updated = excluded.updated, keys = excluded.keys, owners = excluded.owners,
	schedules = excluded.schedules`,
		t.Name, string(members), string(agreements), created, updated, string(keys), string(owners), string(schedules))
	if err != nil {
		return fmt.Errorf("put team %q: %w", t.Name, mapErr(err))
	}
	return nil
}

const teamCols = `name, members, agreements, created, updated, keys, owners, schedules`

// Team returns the named team, or an ErrNotFound error.
func (s *Store) Team(ctx context.Context, name string) (session.Team, error) {
	t, err := scanTeam(s.r.QueryRowContext(ctx, `SELECT `+teamCols+` FROM teams WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return session.Team{}, fmt.Errorf("%w: team %q", session.ErrNotFound, name)
	}
	if err != nil {
		return session.Team{}, fmt.Errorf("team %q: %w", name, err)
	}
	return t, nil
}

// Teams returns all teams ordered by name.
func (s *Store) Teams(ctx context.Context) ([]session.Team, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+teamCols+` FROM teams ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	defer rows.Close()
	var teams []session.Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, fmt.Errorf("teams: %w", err)
		}
		teams = append(teams, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	return teams, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanTeam(row scanner) (session.Team, error) {
	var (
		t                                            session.Team
		members, agreements, keys, owners, schedules []byte
		created, updated                             sql.NullInt64
	)
	if err := row.Scan(&t.Name, &members, &agreements, &created, &updated, &keys, &owners, &schedules); err != nil {
		return session.Team{}, err
	}
	t.Created = fromNullNanos(created)
	t.Updated = fromNullNanos(updated)
	if err := stored.DecodeTeam(&t, stored.TeamColumns{Members: members, Agreements: agreements, Keys: keys, Owners: owners, Schedules: schedules}); err != nil {
		return session.Team{}, err
	}
	return t, nil
}
