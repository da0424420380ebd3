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

// Sessions lists the unfinished sessions of this person's teams: those
// their key owns or is a roster member of (see session.Teams.Visible).
// Names are not proof of anything here: the SSH user name is the
// client's choice.
func (l lobby) Sessions() ([]tui.LobbyEntry, error) {
	ctx, cancel := context.WithTimeout(l.c.ctx, 5*time.Second)
	defer cancel()
	st := l.c.s.store
	teams, err := l.c.s.teams.Visible(ctx, l.c.key)
	if err != nil {
		return nil, err
	}
	var out []tui.LobbyEntry
	for _, team := range teams {
		open, err := st.Sessions(ctx, session.Filter{Team: team.Name, Unfinished: true, Limit: 10})
		if err != nil {
			return nil, err
		}
		for _, info := range open {
			if gone, err := l.c.s.hub.ExpireUnstarted(ctx, info); err != nil {
				l.c.s.log.Debug("expire", "session", info.ID, "err", err)
			} else if gone {
				continue // nobody started it within session.UnstartedFor
			}
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
		kind: f.Kind, format: f.Format, columns: f.Columns, openDoor: f.OpenDoor,
		opener: l.c.key, user: l.c.user,
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

// Close ends the session with the code for its facilitator, who may
// close it without entering it (session.End checks who asks).
func (l lobby) Close(code string) error {
	ctx, cancel := context.WithTimeout(l.c.ctx, 5*time.Second)
	defer cancel()
	room, err := l.c.s.hub.ByCode(ctx, code)
	if err != nil {
		return errors.New("that session is gone; press r to refresh")
	}
	defer l.c.s.hub.Evict(room.ID())
	st := room.Snapshot().State
	p, ok := st.ByKey(l.c.key)
	if !ok { // opened it and has not been in it yet
		p, ok = st.Participant(session.SSHID(l.c.key))
	}
	if f, found := st.Participant(st.Facilitator); !ok && found && l.c.s.boundTo(ctx, st, f.Name, l.c.key) {
		p, ok = f, true // the named facilitator, whose name this key speaks for
	}
	if !ok || p.Role != session.Facilitator {
		return errors.New("only the session's facilitator can close it")
	}
	if st.Phase == session.Closed {
		return nil
	}
	if err := room.Submit(p.ID, session.End{}); err != nil {
		return errors.New(userError(err))
	}
	return nil
}

// boundTo reports whether the key speaks for the roster name in the
// session: bound to it there or in its team.
func (s *Server) boundTo(ctx context.Context, st *session.State, name, key string) bool {
	if k := st.Bound[strings.ToLower(name)]; k != "" {
		return k == key
	}
	team, err := s.store.Team(ctx, st.Config.Team)
	if err != nil {
		return false
	}
	for n, k := range team.Keys {
		if strings.EqualFold(n, name) {
			return k == key
		}
	}
	return false
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
	collect     bool // retro: cards may be written in the waiting room
	phases      map[session.Phase]time.Duration
	team        string
	members     []string // replace the roster when given
	at          time.Time
	timebox     time.Duration
	turn        time.Duration
	order       session.Order
	facilitator string // who facilitates; empty: the opener
	openDoor    bool   // --guests open: any key with the code comes in as a guest
	opener      string // the key asking
	user        string // its SSH user name, cleaned
}

// newStandup opens a session for the opener's key under the team rules
// of session.Teams: a new team is the opener's; an existing one takes
// sessions from its owners and members, roster changes from its owners.
func (s *Server) newStandup(ctx context.Context, sp standupSpec) (session.Info, error) {
	if !s.opened.allow(sp.opener) {
		return session.Info{}, errors.New("too many new sessions from your key; try again in a minute")
	}
	if sp.timebox <= 0 && sp.kind == session.Standup {
		sp.timebox = 15 * time.Minute
	}
	var members []string
	if len(sp.members) > 0 {
		members = sp.members
	}
	info, _, err := s.teams.Open(ctx, session.KeyCaller(sp.opener), session.Opening{
		Config: session.Config{
			Team: sp.team, Kind: sp.kind, ScheduledAt: sp.at, OpenDoor: sp.openDoor,
			Timebox: sp.timebox, Turn: sp.turn, Order: sp.order,
			Format: sp.format, Columns: sp.columns, VoteBudget: sp.votes, VoteCap: sp.voteCap,
			TopicBox: sp.topic, Anonymous: sp.anonymous, AutoAdvance: sp.autoAdvance, ESVP: sp.esvp, Collect: sp.collect, PhaseBoxes: sp.phases,
		},
		Members:     members,
		Opener:      session.Person{ID: session.SSHID(sp.opener), Name: sp.user},
		Facilitator: sp.facilitator,
	})
	if err != nil {
		return session.Info{}, errors.New(userError(err))
	}
	return info, nil
}

// userError is a session error as its sentence, without its kind.
func userError(err error) string {
	for _, kind := range []error{session.ErrForbidden, session.ErrInvalid, session.ErrNotFound, session.ErrConflict} {
		if errors.Is(err, kind) {
			if msg, ok := strings.CutPrefix(err.Error(), kind.Error()+": "); ok {
				return msg
			}
		}
	}
	return err.Error()
}

func (s *Server) now() time.Time {
	if s.cfg.Clock != nil {
		return s.cfg.Clock.Now()
	}
	return time.Now()
}
