package sshserver

import (
	"context"
	"errors"
	"net"
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
// facilitator: what the form gives over what the team remembers.
func (l lobby) NewSession(f tui.SessionForm) (string, error) {
	ctx, cancel := context.WithTimeout(l.c.ctx, 5*time.Second)
	defer cancel()
	o := session.Opening{Kind: f.Kind, Team: f.Team, Members: f.Members, Timebox: f.Timebox, Turn: f.Turn,
		Format: f.Format, Columns: f.Columns, OpenDoor: f.OpenDoor}
	given := map[string]bool{session.FieldTeam: true, session.FieldGuests: true,
		session.FieldMembers: len(f.Members) > 0, session.FieldTimebox: f.Timebox > 0, session.FieldTurn: f.Turn > 0,
		session.FieldFormat: f.Kind == session.Retro && f.FormatGiven, session.FieldColumns: f.Kind == session.Retro && f.FormatGiven}
	info, err := l.c.s.openSession(ctx, l.c.key, l.c.user, l.c.localAddr(), o, func(field string) bool { return given[field] })
	var fe *session.FieldError
	if errors.As(err, &fe) {
		return "", errors.New(fe.Say(formLabel))
	}
	if err != nil {
		return "", errors.New(userError(err))
	}
	return info.Code, nil
}

// localAddr is the address the client connected to; nil without an SSH
// session (as in tests that drive the lobby directly).
func (c *conn) localAddr() net.Addr {
	if c.sess == nil {
		return nil
	}
	return c.sess.LocalAddr()
}

// formLabel names an opening's field as the lobby's form does.
func formLabel(field string) string {
	if field == session.FieldTimebox {
		return "time-box"
	}
	return field
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
	if f, found := st.Participant(st.Facilitator); !ok && found && l.c.s.teams.SpeaksFor(ctx, st, f.Name, l.c.key) {
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

// openSession opens a session for the key under the team rules of
// session.Teams (a new team is the opener's; an existing one takes
// sessions from its owners and members, roster changes from its owners):
// the opening's given fields over what the team remembers, over the
// kind's defaults, checked by session.Opening.Validate. Config.Opened
// hears of the session, with the join command as a client that connected
// to local is given it.
func (s *Server) openSession(ctx context.Context, key, user string, local net.Addr, o session.Opening, given func(field string) bool) (session.Info, error) {
	if !s.opened.allow(key) {
		return session.Info{}, errors.New("too many new sessions from your key; try again in a minute")
	}
	caller := session.KeyCaller(key)
	op, _, err := s.teams.Plan(ctx, caller, o, given)
	if err != nil {
		return session.Info{}, err
	}
	info, _, err := s.teams.Open(ctx, caller, session.Person{ID: session.SSHID(key), Name: user}, op)
	if err == nil && s.cfg.Opened != nil {
		join := s.joinCommand(local)
		if join == "" {
			join = "ssh -t -p PORT HOST join" // as cmdNew says it
		}
		s.cfg.Opened(info, join)
	}
	return info, err
}

// userError is a session error as its sentence, without its kind.
func userError(err error) string {
	for _, kind := range []error{session.ErrForbidden, session.ErrInvalid, session.ErrNotFound, session.ErrConflict, session.ErrPhase, session.ErrLimit} {
		if errors.Is(err, kind) {
			if msg, ok := strings.CutPrefix(err.Error(), kind.Error()+": "); ok {
				return msg
			}
		}
	}
	return err.Error()
}

// now is the server's clock's time (New makes the real clock the default).
func (s *Server) now() time.Time { return s.cfg.Clock.Now() }
