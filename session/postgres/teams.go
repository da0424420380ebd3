package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"huddle/session"
	"huddle/session/internal/stored"
)

// teamRow is a team as stored.
type teamRow struct {
	members, agreements, keys, owners, schedules string
	created, updated                             *int64
}

func encodeTeam(t session.Team) (teamRow, error) {
	var r teamRow
	members, err := json.Marshal(t.Members)
	if err != nil {
		return r, err
	}
	agreements, err := json.Marshal(t.Agreements)
	if err != nil {
		return r, err
	}
	if r.created, err = nullNanos(t.Created); err != nil {
		return r, fmt.Errorf("created: %w", err)
	}
	if r.updated, err = nullNanos(t.Updated); err != nil {
		return r, fmt.Errorf("updated: %w", err)
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
		return r, fmt.Errorf("schedules: %w", err)
	}
	r.members, r.agreements, r.keys, r.owners, r.schedules = string(members), string(agreements), string(keys), string(owners), string(schedules)
	return r, nil
}

// PutTeam creates or replaces a team by name. The team's key bindings go
// into team_keys too, whose unique indexes hold the team rules for every
// node: a name bound twice (in any case) or a key bound to two names is
// an ErrConflict error and changes nothing.
func (s *Store) PutTeam(ctx context.Context, t session.Team) error {
	if t.Name == "" {
		return fmt.Errorf("put team: %w: empty name", session.ErrInvalid)
	}
	r, err := encodeTeam(t)
	if err != nil {
		return fmt.Errorf("put team %q: %w", t.Name, err)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
INSERT INTO teams (name, members, agreements, created, updated, keys, owners, schedules) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (name) DO UPDATE SET
	members = excluded.members, agreements = excluded.agreements,
	created = excluded.created, updated = excluded.updated, keys = excluded.keys, owners = excluded.owners,
	schedules = excluded.schedules`,
			t.Name, r.members, r.agreements, r.created, r.updated, r.keys, r.owners, r.schedules); err != nil {
			return err
		}
		return putKeys(ctx, tx, t.Name, t.Keys)
	})
	if err != nil {
		return fmt.Errorf("put team %q: %w", t.Name, mapErr(err))
	}
	return nil
}

// putKeys replaces the team's rows of team_keys. The name under which
// earlier versions recorded the key that created a team (the empty name)
// is an owner's, not a member's binding, and is left out.
func putKeys(ctx context.Context, tx pgx.Tx, team string, keys map[string]string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM team_keys WHERE team = $1`, team); err != nil {
		return err
	}
	var names, fps []string
	for name, key := range keys {
		if name == "" {
			continue
		}
		names, fps = append(names, name), append(fps, key)
	}
	if len(names) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO team_keys (team, name, key) SELECT $1, n, k FROM unnest($2::text[], $3::text[]) AS b (n, k)`,
		team, names, fps)
	if pgCode(err) == codeUniqueViolation {
		return fmt.Errorf("%w: a name of team %q would be bound to two keys, or a key to two names", session.ErrConflict, team)
	}
	return err
}

const teamCols = `name, members, agreements, created, updated, keys, owners, schedules`

// Team returns the named team, or an ErrNotFound error.
func (s *Store) Team(ctx context.Context, name string) (session.Team, error) {
	t, err := scanTeam(s.pool.QueryRow(ctx, `SELECT `+teamCols+` FROM teams WHERE name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return session.Team{}, fmt.Errorf("%w: team %q", session.ErrNotFound, name)
	}
	if err != nil {
		return session.Team{}, fmt.Errorf("team %q: %w", name, err)
	}
	return t, nil
}

// Teams returns all teams ordered by name.
func (s *Store) Teams(ctx context.Context) ([]session.Team, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+teamCols+` FROM teams`)
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
	// Ordered as SQLite orders text (by bytes), whatever the database's
	// collation.
	sort.Slice(teams, func(i, j int) bool { return teams[i].Name < teams[j].Name })
	return teams, nil
}

func scanTeam(row pgx.Row) (session.Team, error) {
	var (
		t                                            session.Team
		members, agreements, keys, owners, schedules string
		created, updated                             *int64
	)
	if err := row.Scan(&t.Name, &members, &agreements, &created, &updated, &keys, &owners, &schedules); err != nil {
		return session.Team{}, err
	}
	t.Created = fromNullNanos(created)
	t.Updated = fromNullNanos(updated)
	if err := stored.DecodeTeam(&t, stored.TeamColumns{Members: []byte(members), Agreements: []byte(agreements), Keys: []byte(keys), Owners: []byte(owners), Schedules: []byte(schedules)}); err != nil {
		return session.Team{}, err
	}
	return t, nil
}

// Defaults returns what the team remembers for the kind; the zero
// Defaults when it remembers nothing.
func (s *Store) Defaults(ctx context.Context, team string, kind session.Kind) (session.Defaults, error) {
	var data string
	err := s.pool.QueryRow(ctx, `SELECT data FROM team_defaults WHERE team = $1 AND kind = $2`, team, kind.String()).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
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
	_, err = s.pool.Exec(ctx, `
INSERT INTO team_defaults (team, kind, data) VALUES ($1, $2, $3)
ON CONFLICT (team, kind) DO UPDATE SET data = excluded.data`, team, kind.String(), string(data))
	if err != nil {
		return fmt.Errorf("put defaults of %q: %w", team, mapErr(err))
	}
	return nil
}
