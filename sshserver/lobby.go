package sshserver

import (
	"context"
	"errors"
	"strings"
	"time"

	"huddle/session"
	"huddle/tui"
)

// lobby is what one connection's lobby sees of the server.
type lobby struct{ c *conn }

var _ tui.Lobby = lobby{}

// Sessions lists the unfinished sessions of this person's teams: teams
// whose roster has their name, or whose sessions their key has joined.
func (l lobby) Sessions() ([]tui.LobbyEntry, error) {
	ctx, cancel := context.WithTimeout(l.c.ctx, 5*time.Second)
	defer cancel()
	st := l.c.s.store
	open, err := st.Sessions(ctx, session.Filter{Unfinished: true, Limit: 50})
	if err != nil {
		return nil, err
	}
	mine := map[string]bool{}
	var out []tui.LobbyEntry
	for _, info := range open {
		ok, known := mine[info.Team]
		if !known {
			ok = l.isMyTeam(ctx, info.Team)
			mine[info.Team] = ok
		}
		if !ok {
			continue
		}
		room, err := l.c.s.hub.Room(ctx, info.ID)
		if err != nil {
			continue
		}
		l.c.s.presence.touch(room)
		s := room.Snapshot().State
		here := 0
		for _, p := range s.Participants {
			if p.Present {
				here++
			}
		}
		out = append(out, tui.LobbyEntry{Team: info.Team, Kind: info.Kind, Code: info.Code, Phase: s.Phase, Here: here})
	}
	return out, nil
}

func (l lobby) isMyTeam(ctx context.Context, team string) bool {
	st := l.c.s.store
	if t, err := st.Team(ctx, team); err == nil {
		for _, m := range t.Members {
			if strings.EqualFold(m, l.c.user) {
				return true
			}
		}
	}
	past, err := st.Sessions(ctx, session.Filter{Team: team, Limit: 20})
	if err != nil {
		return false
	}
	for _, info := range past {
		events, err := st.Events(ctx, info.ID)
		if err != nil {
			continue
		}
		for _, e := range events {
			if a, ok := e.Payload.(*session.Arrived); ok && a.Key == l.c.key {
				return true
			}
		}
	}
	return false
}

// NewStandup opens a stand-up with this person as its facilitator.
func (l lobby) NewStandup(f tui.StandupForm) (string, error) {
	ctx, cancel := context.WithTimeout(l.c.ctx, 5*time.Second)
	defer cancel()
	info, err := l.c.s.newStandup(ctx, standupSpec{
		team: f.Team, members: f.Members, timebox: f.Timebox, turn: f.Turn,
		facilitator: session.Person{ID: session.SSHID(l.c.key), Name: l.c.user},
	})
	if err != nil {
		return "", err
	}
	return info.Code, nil
}

// Enter joins the session with the code.
func (l lobby) Enter(code string, observer bool) (tui.Room, session.ParticipantID, error) {
	room, me, err := l.c.enter(code, observer)
	if err != nil {
		return nil, "", err
	}
	return room, me, nil
}

// standupSpec is a new stand-up as the lobby or `new standup` asks for it.
type standupSpec struct {
	team        string
	members     []string // replace the roster when given
	at          time.Time
	timebox     time.Duration
	turn        time.Duration
	order       session.Order
	facilitator session.Person // zero: the first member to join facilitates
}

func (s *Server) newStandup(ctx context.Context, sp standupSpec) (session.Info, error) {
	st := s.store
	team, err := st.Team(ctx, session.CleanName(sp.team))
	switch {
	case errors.Is(err, session.ErrNotFound):
		team = session.Team{Name: session.CleanName(sp.team), Created: time.Now()}
	case err != nil:
		return session.Info{}, err
	}
	if team.Name == "" {
		return session.Info{}, errors.New("a stand-up needs a team name")
	}
	if len(sp.members) > 0 || team.Created.IsZero() {
		team.Members = sp.members
		team.Updated = time.Now()
		if err := st.PutTeam(ctx, team); err != nil {
			return session.Info{}, err
		}
	}
	if sp.timebox <= 0 {
		sp.timebox = 15 * time.Minute
	}
	fac := sp.facilitator
	if fac.Name != "" {
		fac = session.FacilitatorFor(fac.Name, team.Members, fac.ID)
	}
	return session.Create(ctx, st, session.Plan{
		Config: session.Config{
			Team: team.Name, Kind: session.Standup, ScheduledAt: sp.at,
			Timebox: sp.timebox, Turn: sp.turn, Order: sp.order, Agreements: team.Agreements,
		},
		Facilitator: fac,
		Roster:      team.Members,
	}, s.now())
}

func (s *Server) now() time.Time {
	if s.cfg.Clock != nil {
		return s.cfg.Clock.Now()
	}
	return time.Now()
}
