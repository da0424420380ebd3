package session

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Plan is what it takes to open a session.
type Plan struct {
	Config      Config
	Facilitator Person            // who runs it; zero: the first member to join
	Roster      []string          // expected members by display name
	Bound       map[string]string // the team's names bound to SSH keys
}

// NewID returns a random session id.
func NewID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// Create records a new session for the plan, at now, with a fresh id and
// join code, carrying over what the team's previous session left open. It
// returns the new session's info.
func Create(ctx context.Context, st Store, p Plan, now time.Time) (Info, error) {
	cfg := p.Config
	team, err := CheckName(cfg.Team)
	if err != nil {
		return Info{}, err
	}
	if cfg.Team = team; cfg.Team == "" {
		return Info{}, fmt.Errorf("%w: a session needs a team name", ErrInvalid)
	}
	if cfg.Kind == Retro {
		cols, err := Columns(cfg.Format, cfg.Columns)
		if err != nil {
			return Info{}, err
		}
		cfg.Columns = cols
		if cfg.VoteBudget < 0 || cfg.VoteCap < 0 {
			return Info{}, fmt.Errorf("%w: votes must not be negative", ErrInvalid)
		}
		if cfg.VoteBudget == 0 {
			cfg.VoteBudget = DefaultVoteBudget
		}
		if cfg.Timebox <= 0 {
			for _, p := range retroPhases {
				b := DefaultPhaseBoxes[p]
				if d, ok := cfg.PhaseBoxes[p]; ok && d > 0 {
					b = d
				}
				cfg.Timebox += b
			}
		}
	}
	if cfg.Timebox <= 0 {
		return Info{}, fmt.Errorf("%w: the time-box must be positive", ErrInvalid)
	}
	if cfg.Turn < 0 {
		return Info{}, fmt.Errorf("%w: the turn time-box must be positive", ErrInvalid)
	}
	now = now.UTC()
	if !cfg.ScheduledAt.IsZero() {
		cfg.ScheduledAt = cfg.ScheduledAt.UTC()
	}
	cfg.Agreements = cleanList(cfg.Agreements, DefaultMaxText)
	fac := Person{ID: p.Facilitator.ID, Name: CleanName(p.Facilitator.Name)}
	if (fac.ID == "") != (fac.Name == "") {
		return Info{}, fmt.Errorf("%w: a facilitator needs an id and a name", ErrInvalid)
	}
	roster, err := cleanRoster(p.Roster)
	if err != nil {
		return Info{}, err
	}
	created := &Created{Config: cfg, Facilitator: fac, Roster: roster}
	for name, key := range p.Bound {
		if name != "" && key != "" {
			if created.Bound == nil {
				created.Bound = map[string]string{}
			}
			created.Bound[name] = key
		}
	}

	prev, err := st.Sessions(ctx, Filter{Team: cfg.Team, Limit: 1})
	if err != nil {
		return Info{}, fmt.Errorf("find previous session: %w", err)
	}
	var last *State
	var lastAt time.Time
	if len(prev) > 0 {
		events, err := st.Events(ctx, prev[0].ID)
		if err != nil {
			return Info{}, fmt.Errorf("load previous session: %w", err)
		}
		last, lastAt = Fold(prev[0].ID, events), prev[0].Created
		created.Carried = last.CarryOver()
	}
	if err := actionsFor(ctx, st, created, last, lastAt, time.Local); err != nil {
		return Info{}, err
	}
	if err := fromTeamLog(ctx, st, created, now, time.Local); err != nil {
		return Info{}, err
	}

	for range 5 {
		code, err := NewJoinCode(rand.Reader)
		if err != nil {
			return Info{}, fmt.Errorf("make join code: %w", err)
		}
		created.Config.Code = code
		info := Info{ID: NewID(), Team: cfg.Team, Kind: cfg.Kind, Code: code, Created: now, Events: 1}
		err = st.Create(ctx, info, Event{Seq: 1, Time: now, Actor: fac.ID, Payload: created})
		if errors.Is(err, ErrConflict) {
			continue // a join code collision: draw again
		}
		if err != nil {
			return Info{}, fmt.Errorf("create session: %w", err)
		}
		return info, nil
	}
	return Info{}, fmt.Errorf("create session: %w: no free join code", ErrConflict)
}

// cleanList cleans each entry and drops empty and repeated ones.
func cleanList(in []string, max int) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = CleanText(s, max)
		if s == "" || seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		out = append(out, s)
	}
	return out
}

// cleanRoster cleans each name of a roster as a typed name (see
// CheckName), refusing one that is too long rather than cutting it, and
// drops empty and repeated ones (ignoring case).
func cleanRoster(in []string) ([]string, error) {
	var out []string
	for _, s := range in {
		s, err := CheckName(s)
		if err != nil {
			return nil, err
		}
		if s != "" && !slices.ContainsFunc(out, func(m string) bool { return strings.EqualFold(m, s) }) {
			out = append(out, s)
		}
	}
	return out, nil
}

// FacilitatorFor is the facilitator of a new session: the roster member
// of that name if there is one, so they are one participant, else the
// given id under the name.
func FacilitatorFor(name string, roster []string, id ParticipantID) Person {
	name = CleanName(name)
	for _, m := range roster {
		if strings.EqualFold(m, name) {
			return Person{ID: RosterID(m), Name: m}
		}
	}
	return Person{ID: id, Name: name}
}
