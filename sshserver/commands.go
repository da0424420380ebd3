package sshserver

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
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
}

// targetOf reads where an interactive session goes from its own command.
// (Not from the connection's context: over a multiplexed connection the
// next session would inherit it.)
func targetOf(sess ssh.Session) (target, bool) {
	args := sess.Command()
	if len(args) == 2 && (args[0] == "join" || args[0] == "watch") {
		return target{code: args[1], observer: args[0] == "watch"}, true
	}
	return target{}, false
}

const usage = `huddle over SSH

  ssh -p PORT HOST                         the lobby: your teams' live sessions, or open a new one
  ssh -t -p PORT HOST join CODE            join a session
  ssh -t -p PORT HOST watch CODE           watch a session without taking part
  ssh -p PORT HOST new standup --team T    open a stand-up; prints its join code on the first line
      [--members A,B,C] [--at HH:MM] [--timebox 15m] [--turn 2m] [--order join|random|alpha]
      [--facilitator NAME]                 (default: the first member to join facilitates)
  ssh -p PORT HOST new retro --team T      open a retrospective, likewise
      [--format 4ls] [--columns Keep,Drop,Try] [--votes 3] [--vote-cap 2] [--topic 5m]
      [--phases write=10m,vote=5m] [--anonymous] [--auto-advance] [--esvp] [--at HH:MM] [--facilitator NAME]
  ssh -p PORT HOST export CODE [--format md|json|html|csv]
                                           the minutes (or the record) of a session
  ssh -p PORT HOST help                    this text
`

// route answers the non-interactive commands and sends join and watch on
// to the interactive program. Anything else is an error with exit status 2.
func (s *Server) route(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		args := sess.Command()
		if len(args) == 0 {
			next(sess)
			return
		}
		var status int
		switch args[0] {
		case "join", "watch":
			if len(args) != 2 {
				status = fail(sess, 2, "usage: %s CODE", args[0])
				break
			}
			next(sess) // the program reads its target with targetOf
			return
		case "new":
			status = s.cmdNew(sess, args[1:])
		case "export":
			status = s.cmdExport(sess, args[1:])
		case "help", "--help", "-h":
			io.WriteString(sess, usage)
		default:
			status = fail(sess, 2, "unknown command %q\n\n%s", session.CleanName(args[0]), usage)
		}
		_ = sess.Exit(status)
	}
}

// fail writes an error to the client's stderr and returns the status.
func fail(sess ssh.Session, status int, format string, args ...any) int {
	fmt.Fprintf(sess.Stderr(), "huddle: "+format+"\n", args...)
	return status
}

func (s *Server) cmdNew(sess ssh.Session, args []string) int {
	if len(args) == 0 || (args[0] != "standup" && args[0] != "retro") {
		return fail(sess, 2, "usage: new standup|retro --team NAME [flags]; see help")
	}
	kind := session.Standup
	if args[0] == "retro" {
		kind = session.Retro
	}
	fs := flag.NewFlagSet("new "+args[0], flag.ContinueOnError)
	fs.SetOutput(sess.Stderr())
	team := fs.String("team", "", "the team")
	members := fs.String("members", "", "the roster, comma-separated (replaces the stored one)")
	at := fs.String("at", "", "scheduled start, HH:MM (server time)")
	timebox := fs.Duration("timebox", 0, "time-box of the whole session (stand-up default 15m; retro: the sum of its phases)")
	facilitator := fs.String("facilitator", "", "who facilitates (default: the first member to join)")
	turn := fs.Duration("turn", 0, "stand-up: time-box per turn (default: divided)")
	order := fs.String("order", "join", "stand-up: speaking order: join, random or alpha")
	format := fs.String("format", "start-stop-continue", "retro: the board, see huddle formats")
	columns := fs.String("columns", "", "retro: the columns of a custom format, comma-separated")
	votes := fs.Int("votes", session.DefaultVoteBudget, "retro: dots per person")
	voteCap := fs.Int("vote-cap", 0, "retro: most dots per person on one topic (0: no cap)")
	topic := fs.Duration("topic", 5*time.Minute, "retro: time-box per discussed topic")
	anonymous := fs.Bool("anonymous", false, "retro: store no author for cards and votes")
	autoAdvance := fs.Bool("auto-advance", false, "retro: a phase ends when everyone is done")
	esvp := fs.Bool("esvp", false, "retro: check in with the ESVP poll")
	phases := fs.String("phases", "", "retro: time-boxes of phases, e.g. write=10m,vote=5m")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return fail(sess, 2, "unexpected %q", session.CleanName(fs.Arg(0)))
	}
	if session.CleanName(*team) == "" {
		return fail(sess, 2, "--team is required")
	}
	ord, err := session.ParseOrder(*order)
	if err != nil {
		return fail(sess, 2, "%v", err)
	}
	if *timebox < 0 || *turn < 0 || *votes < 1 || *voteCap < 0 || *topic <= 0 {
		return fail(sess, 2, "time-boxes must not be negative and --votes must be at least 1")
	}
	sp := standupSpec{team: *team, kind: kind, timebox: *timebox, turn: *turn, order: ord,
		votes: *votes, voteCap: *voteCap, topic: *topic, anonymous: *anonymous, autoAdvance: *autoAdvance, esvp: *esvp}
	if kind == session.Retro {
		if sp.phases, err = session.ParsePhaseBoxes(*phases); err != nil {
			return fail(sess, 2, "%v", err)
		}
		if sp.format, err = session.ParseFormat(*format); err != nil {
			return fail(sess, 2, "%v", err)
		}
		sp.columns = splitNames(*columns)
		if len(sp.columns) > 0 {
			sp.format = session.Custom
		}
		if _, err := session.Columns(sp.format, sp.columns); err != nil {
			return fail(sess, 2, "%v", err)
		}
	}
	if *at != "" {
		now := s.now()
		t, err := time.ParseInLocation("15:04", *at, now.Location())
		if err != nil {
			return fail(sess, 2, "--at %q: want HH:MM", session.CleanName(*at))
		}
		sp.at = time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, now.Location())
	}
	sp.members = splitNames(*members)
	if name := session.CleanName(*facilitator); name != "" {
		sp.facilitator = session.Person{ID: session.RosterID(name), Name: name}
	}
	ctx, cancel := context.WithTimeout(sess.Context(), 10*time.Second)
	defer cancel()
	sp.opener = keyOf(sess)
	info, err := s.newStandup(ctx, sp)
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	host, port := "HOST", "2222"
	if h, p, err := net.SplitHostPort(sess.LocalAddr().String()); err == nil {
		host, port = h, p
	}
	what := "stand-up"
	if kind == session.Retro {
		what = "retrospective"
	}
	fmt.Fprintf(sess, "%s\nA %s of %s is open. Join with:\n  ssh -t -p %s %s join %s\n", info.Code, what, info.Team, port, host, info.Code)
	return 0
}

func splitNames(list string) []string {
	var out []string
	for _, m := range strings.Split(list, ",") {
		if m = session.CleanName(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) cmdExport(sess ssh.Session, args []string) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(sess.Stderr())
	format := fs.String("format", "md", "md, json, html or csv")
	// The code may come before or after the flags.
	var code string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		code, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if code == "" && fs.NArg() == 1 {
		code = fs.Arg(0)
	} else if fs.NArg() > 0 || code == "" {
		return fail(sess, 2, "usage: export CODE [--format md|json|html|csv]")
	}
	norm, ok := session.ParseJoinCode(code)
	if !ok {
		return fail(sess, 1, "no session has the join code %q", session.CleanName(code))
	}
	ctx, cancel := context.WithTimeout(sess.Context(), 30*time.Second)
	defer cancel()
	info, err := s.store.SessionByCode(ctx, norm)
	if errors.Is(err, session.ErrNotFound) {
		if !s.codes.allow(hostOf(sess.RemoteAddr())) {
			return fail(sess, 1, "too many wrong join codes; try again later")
		}
		return fail(sess, 1, "no session has the join code %q", session.CleanName(code))
	}
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	if info.Kind == session.Retro && info.Ended.IsZero() {
		// While a retrospective runs, its record holds cards not yet
		// revealed and dots not yet counted.
		return fail(sess, 1, "the retrospective is still running; its minutes can be exported once it has ended")
	}
	events, err := s.store.Events(ctx, info.ID)
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	if !slices.Contains(export.Formats, *format) {
		return fail(sess, 2, "unknown format %q (want %s)", session.CleanName(*format), strings.Join(export.Formats, ", "))
	}
	err = export.Write(sess, *format, info, events)
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	return 0
}
