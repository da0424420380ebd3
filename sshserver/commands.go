package sshserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"charm.land/ssh"

	"huddle/session"
	"huddle/session/export"
)

// target is where an interactive session goes: a join code, as a member
// or as an observer.
type target struct {
	code     string
	observer bool
	plain    bool // --plain: the session as lines (plain.go)
}

// targetOf reads where an interactive session goes from its own command.
// (Not from the connection's context: over a multiplexed connection the
// next session would inherit it.)
func targetOf(sess ssh.Session) (target, bool) {
	cmd, err := commandOf(sess)
	if err != nil || cmd.verb != verbJoin {
		return target{}, false
	}
	return cmd.target, true
}

const usage = `huddle over SSH

  ssh -p PORT HOST                         the lobby: your teams' live sessions, or open a new one
  ssh -t -p PORT HOST join CODE            join a session
  ssh -t -p PORT HOST watch CODE           watch a session without taking part
      [--theme default|high-contrast]      high-contrast: colours for low vision; also the
                                           lobby's: ssh -t -p PORT HOST -- --theme NAME;
                                           or send HUDDLE_THEME (ssh -o SetEnv=HUDDLE_THEME=NAME)
  ssh -t -p PORT HOST join CODE --plain    the session as lines, for screen readers, logs and
                                           scripts (watch CODE --plain too; also chosen by
                                           TERM=dumb or ssh -o SetEnv=HUDDLE_PLAIN=1)
  ssh -p PORT HOST new standup --team T    open a stand-up; prints its join code on the first line
      [--members A,B,C] [--at HH:MM] [--timebox 15m] [--turn 2m] [--order join|random|alpha]
      [--facilitator NAME] [--guests knock|open] [--agreement "Be on time" ...]
                                           (default: you facilitate; keys that are not the team's knock;
                                           --at, time-boxes, order, board: what the team used last;
                                           --at "10:00 Europe/Berlin" names a zone, else server time)
  ssh -p PORT HOST new retro --team T      open a retrospective, likewise
      [--format 4ls] [--columns Keep,Drop,Try] [--votes 3] [--vote-cap 2] [--topic 5m]
      [--phases write=10m,vote=5m] [--anonymous] [--auto-advance] [--esvp] [--collect] [--at HH:MM] [--facilitator NAME]
                                           (the boards: see formats)
  ssh -p PORT HOST export CODE [--format md|json|html|csv] [--keys]
                                           the minutes (or the record) of a session you took
                                           part in or of your team's; --keys: with key
                                           fingerprints (the team's owner only)
  ssh -p PORT HOST history --team T [--limit N]
                                           your team's sessions, newest first
  ssh -p PORT HOST trends --team T [--since 90d|YYYY-MM-DD|all] [--format md|html|csv] [--people] [--bom]
                                           your team's numbers week by week (nobody named without --people)
  ssh -p PORT HOST team T                  show a team: roster, owners, whose keys are bound, schedule
  ssh -p PORT HOST team T add|remove NAME  change the roster (owners only); also: rename OLD NEW,
                                           owner add KEY, owner remove KEY (KEY: a SHA256:… fingerprint)
  ssh -p PORT HOST team T --standup "Mon-Fri 10:00 Europe/Berlin" [--retro "Fri/2 14:00 Europe/Berlin"]
                                           when its sessions recur (owners only; off removes one):
                                           the server opens them then
  ssh -p PORT HOST ics --team T            your team's schedule as an iCalendar file
  ssh -p PORT HOST formats                 the retrospective's boards, with their columns
  ssh -p PORT HOST help                    this text
`

// route answers the non-interactive commands and sends join and watch on
// to the interactive program. Anything else is an error with exit status 2.
func (s *Server) route(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		cmd, err := commandOf(sess)
		var status int
		var refused *commandError
		switch {
		case errors.As(err, &refused):
			io.WriteString(sess.Stderr(), refused.text)
			status = refused.status
		case err != nil:
			status = fail(sess, 2, "%v", err)
		case cmd.verb == verbJoin && wantsPlain(sess, cmd.target):
			s.plainSession(sess, cmd.target)
			return
		case cmd.verb == verbLobby && wantsPlain(sess, target{}):
			status = s.plainLobby(sess)
		case cmd.verb == verbLobby, cmd.verb == verbJoin:
			next(sess) // the program reads its target with targetOf
			return
		case cmd.verb == verbNew:
			status = s.cmdNew(sess, cmd)
		case cmd.verb == verbExport:
			status = s.cmdExport(sess, cmd)
		case cmd.verb == verbHistory:
			status = s.cmdHistory(sess, cmd)
		case cmd.verb == verbTeam:
			status = s.cmdTeam(sess, cmd)
		case cmd.verb == verbTeamLog:
			status = s.cmdTeamLog(sess, cmd)
		case cmd.verb == verbTrends:
			status = s.cmdTrends(sess, cmd)
		case cmd.verb == verbICS:
			status = s.cmdICS(sess, cmd)
		case cmd.verb == verbFormats:
			io.WriteString(sess, session.FormatList())
		case cmd.verb == verbHelp:
			io.WriteString(sess, usage+"\nYour team's decisions, and when you cannot come:\n"+teamLogUsage)
		}
		_ = sess.Exit(status)
	}
}

// commandOf reads the session's command: its length is checked before
// anything else is done with it, and it is split into words as
// ssh.Session.Command would, in linear time.
func commandOf(sess ssh.Session) (command, error) {
	args, err := commandWords(sess.Context(), sess.RawCommand())
	if err != nil {
		return command{}, err
	}
	return parseCommand(args)
}

// fail writes an error to the client's stderr and returns the status.
func fail(sess ssh.Session, status int, format string, args ...any) int {
	fmt.Fprintf(sess.Stderr(), "huddle: "+format+"\n", args...)
	return status
}

// cmdNew opens the session a parsed new command asks for: the flags
// given over what the team remembers (see openSession).
func (s *Server) cmdNew(sess ssh.Session, cmd command) int {
	ctx, cancel := context.WithTimeout(sess.Context(), 10*time.Second)
	defer cancel()
	user := session.CleanName(sess.User())
	if user == "" {
		user = "guest"
	}
	o := cmd.opening
	info, err := s.openSession(ctx, keyOf(sess), user, sess.LocalAddr(), o, func(f string) bool { return cmd.given[f] })
	if err != nil {
		var fe *session.FieldError
		if errors.As(err, &fe) {
			return fail(sess, 2, "%s", fe.Error())
		}
		return fail(sess, 1, "%s", userError(err))
	}
	join := s.joinCommand(sess.LocalAddr())
	if join == "" {
		join = "ssh -t -p PORT HOST join"
	}
	fmt.Fprintf(sess, "%s\nA %s of %s is open. Join with:\n  %s %s\n", info.Code, o.Kind.Noun(), info.Team, join, info.Code)
	return 0
}

// cmdExport writes the minutes (or the record) a parsed export command
// asks for. The attempt is paid for as a join is (see codeGuard). A
// session's minutes are for those who took part in it (their key is a
// participant's) and for its team's members (keys bound in the team's
// roster); to anyone else its code is unknown, answered and charged as a
// wrong code is, so that nobody learns it exists. The record leaves out
// key fingerprints and bindings unless the team's owner asks (--keys).
func (s *Server) cmdExport(sess ssh.Session, cmd command) int {
	ctx, cancel := context.WithTimeout(sess.Context(), 30*time.Second)
	defer cancel()
	addr, key := hostOf(sess.RemoteAddr()), keyOf(sess)
	guard := codeGuardOf(s)
	paid := guard.try(addr, key)
	unknown := func() int {
		if !paid {
			return fail(sess, 1, "%s", tooManyCodes)
		}
		guard.miss(addr, key)
		return fail(sess, 1, "no session has the join code %q", session.CleanName(cmd.code))
	}
	info, err := s.store.SessionByCode(ctx, cmd.norm)
	if errors.Is(err, session.ErrNotFound) {
		return unknown()
	}
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	events, err := s.store.Events(ctx, info.ID)
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	st := session.Fold(info.ID, events)
	team, err := s.store.Team(ctx, info.Team)
	if err != nil && !errors.Is(err, session.ErrNotFound) {
		return fail(sess, 1, "%v", err)
	}
	switch {
	case tookPart(st, key):
		if paid {
			guard.refund(addr, key)
		}
	case !team.HasKey(key):
		return unknown()
	case !paid && !guard.own(addr, key):
		// A member who spent their own budget; one refused only for
		// the server's (guessers spent it) exports all the same.
		return fail(sess, 1, "%s", tooManyCodes)
	}
	if err := session.Exportable(info); err != nil {
		return fail(sess, 1, "%s", userError(err))
	}
	if !slices.Contains(export.Formats, cmd.format) {
		return fail(sess, 2, "unknown format %q (want %s)", session.CleanName(cmd.format), strings.Join(export.Formats, ", "))
	}
	opts := export.RecordOptions{}
	if cmd.keys {
		if !mayExportKeys(team, key) {
			return fail(sess, 1, "only the team's owner can export key fingerprints; leave out --keys")
		}
		opts.Keys = true
	}
	err = export.WriteWith(sess, cmd.format, info, events, opts)
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	return 0
}

// mayExportKeys reports whether the key may have a session's record with
// its key fingerprints and bindings: an owner's of the team.
func mayExportKeys(team session.Team, key string) bool {
	return team.Owns(session.KeyCaller(key))
}

// cmdTeam shows a team to its owners and members, or changes it for its
// owners (the rules are session.Team's).
func (s *Server) cmdTeam(sess ssh.Session, cmd command) int {
	ctx, cancel := context.WithTimeout(sess.Context(), 10*time.Second)
	defer cancel()
	key := keyOf(sess)
	var team session.Team
	var err error
	if cmd.change != nil {
		team, err = s.teams.Change(ctx, session.KeyCaller(key), cmd.team, cmd.change)
	} else if team, err = s.teams.Team(ctx, cmd.team); err == nil && !team.HasKey(key) {
		err = fmt.Errorf("%w: only the owners and members of %s can see it", session.ErrForbidden, cmd.team)
	}
	if errors.Is(err, session.ErrNotFound) && cmd.change == nil {
		err = fmt.Errorf("no team is called %s", cmd.team)
	}
	if err != nil {
		return fail(sess, 1, "%s", userError(err))
	}
	io.WriteString(sess, session.DescribeTeam(team, key))
	return 0
}
