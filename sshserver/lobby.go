package sshserver

import (
	"context"
	"errors"
	"time"

	"huddle/session"
	"huddle/tui"
)

// lobby is what one connection's lobby sees of the server.
type lobby struct{ c *conn }

var _ tui.Lobby = lobby{}

// Sessions lists the unfinished sessions of this person's teams: the
// teams whose sessions their key has joined (or opened). Names are not
// proof of anything here: the SSH user name is the client's choice.
func (l lobby) Sessions() ([]tui.LobbyEntry, error) {
	ctx, cancel := context.WithTimeout(l.c.ctx, 5*time.Second)
	defer cancel()
	st := l.c.s.store
	teams, err := st.Teams(ctx)
	if err != nil {
		return nil, err
	}
	var out []tui.LobbyEntry
	for _, team := range teams {
		if !team.HasKey(l.c.key) {
			continue
		}
		open, err := st.Sessions(ctx, session.Filter{Team: team.Name, Unfinished: true, Limit: 10})
		if err != nil {
			return nil, err
		}
		for _, info := range open {
			e := tui.LobbyEntry{Team: info.Team, Kind: info.Kind, Code: info.Code, Phase: session.Waiting}
			// Only rooms that are live have anyone here; the lobby
			// opens none.
			if room, ok := l.c.s.hub.Live(info.ID); ok {
				l.c.s.presence.touch(room)
				s := room.Snapshot().State
				e.Phase = s.Phase
				for _, p := range s.Participants {
					if p.Present && p.Role != session.Observer { // watchers do not attend
						e.Here++
					}
				}
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// NewSession opens a stand-up or retrospective with this person as its
// facilitator.
func (l lobby) NewSession(f tui.SessionForm) (string, error) {
	ctx, cancel := context.WithTimeout(l.c.ctx, 5*time.Second)
	defer cancel()
	info, err := l.c.s.newStandup(ctx, standupSpec{
		team: f.Team, members: f.Members, timebox: f.Timebox, turn: f.Turn,
		kind: f.Kind, format: f.Format, columns: f.Columns,
		facilitator: session.Person{ID: session.SSHID(l.c.key), Name: l.c.user},
		opener:      l.c.key,
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

// standupSpec is a new session as the lobby or `new` asks for it.
type standupSpec struct {
	kind        session.Kind
	format      session.Format
	columns     []string
	votes       int
	voteCap     int
	topic       time.Duration
	anonymous   bool
	autoAdvance bool
	esvp        bool
	phases      map[session.Phase]time.Duration
	team        string
	members     []string // replace the roster when given
	at          time.Time
	timebox     time.Duration
	turn        time.Duration
	order       session.Order
	facilitator session.Person // zero: the first member to join facilitates
	opener      string         // the key asking
}

// openerName is the pseudo-name under which a team records the key that
// created it, so that key counts as the team's until its members join.
const openerName = ""

// errNotYourTeam refuses roster changes from keys the team does not know.
var errNotYourTeam = errors.New("only the team's own keys can change its roster; open the session without --members")

func (s *Server) newStandup(ctx context.Context, sp standupSpec) (session.Info, error) {
	if !s.opened.allow(sp.opener) {
		return session.Info{}, errors.New("too many new sessions from your key; try again in a minute")
	}
	name := session.CleanName(sp.team)
	if name == "" {
		return session.Info{}, errors.New("a session needs a team name")
	}
	st := s.store
	s.teamMu.Lock()
	team, err := st.Team(ctx, name)
	switch {
	case errors.Is(err, session.ErrNotFound):
		team = session.Team{Name: name, Members: sp.members, Created: time.Now(), Updated: time.Now(),
			Keys: map[string]string{openerName: sp.opener}}
		err = st.PutTeam(ctx, team)
	case err == nil && len(sp.members) > 0:
		if !team.HasKey(sp.opener) {
			err = errNotYourTeam
			break
		}
		team.Members, team.Updated = sp.members, time.Now()
		err = st.PutTeam(ctx, team)
	}
	s.teamMu.Unlock()
	if err != nil {
		return session.Info{}, err
	}
	if sp.timebox <= 0 && sp.kind == session.Standup {
		sp.timebox = 15 * time.Minute
	}
	fac := sp.facilitator
	if fac.Name != "" {
		fac = session.FacilitatorFor(fac.Name, team.Members, fac.ID)
	}
	return session.Create(ctx, st, session.Plan{
		Config: session.Config{
			Team: team.Name, Kind: sp.kind, ScheduledAt: sp.at,
			Timebox: sp.timebox, Turn: sp.turn, Order: sp.order, Agreements: team.Agreements,
			Format: sp.format, Columns: sp.columns, VoteBudget: sp.votes, VoteCap: sp.voteCap,
			TopicBox: sp.topic, Anonymous: sp.anonymous, AutoAdvance: sp.autoAdvance, ESVP: sp.esvp, PhaseBoxes: sp.phases,
		},
		Facilitator: fac,
		Roster:      team.Members,
		Bound:       team.Keys,
	}, s.now())
}

func (s *Server) now() time.Time {
	if s.cfg.Clock != nil {
		return s.cfg.Clock.Now()
	}
	return time.Now()
}
