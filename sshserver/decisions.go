package sshserver

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"charm.land/ssh"

	"huddle/session"
	"huddle/session/export"
)

// teamLogCmd is one of the commands on a team's log: decide, decisions,
// ack, review, missed, prep standup, away.
type teamLogCmd struct {
	name   string // the command's name
	text   string // decide: the decision; review: the ref
	with   []string
	since  string
	format string
	refs   []string
	all    bool
	reason string
	prep   session.PreparedText
	stdin  bool // prep: read the update from standard input
	from   string
	until  string
	back   bool
	// actions is the actions command (see actions.go).
	actions actionsCmd
}

const teamLogUsage = `  ssh -p PORT HOST decisions --team T [--since 14d|YYYY-MM-DD] [--format md|json|csv]
                                           the team's decision log (its owners and members)
  ssh -p PORT HOST decide --team T [--with A,B] "WHAT"
                                           record a decision taken outside a meeting
  ssh -p PORT HOST missed --team T         what happened without you
  ssh -p PORT HOST ack --team T REF… | --all
                                           you have seen decisions you missed
  ssh -p PORT HOST review --team T REF [--reason WHY]
                                           ask to review a decision taken while you were absent
  ssh -p PORT HOST prep standup --team T [--yesterday …] [--today …] [--blocker …] [--stdin]
                                           your update for the next stand-up, which you will miss;
                                           without flags (or with --stdin) read from standard input
  ssh -p PORT HOST away --team T --until YYYY-MM-DD [--from YYYY-MM-DD] | --back
                                           you will miss the team's sessions: excused, never late
` + actionsUsage

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return fmt.Sprint(*l) }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// parseTeamLog reads a command on a team's log.
func parseTeamLog(args []string) (command, error) {
	name := args[0]
	c := teamLogCmd{name: name}
	args = args[1:]
	if name == "prep" {
		if len(args) == 0 || args[0] != "standup" {
			return command{}, refuse(2, "usage: prep standup --team T [--yesterday …] [--today …] [--blocker …]; see help")
		}
		args = args[1:]
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	team := fs.String("team", "", "the team")
	var with, blockers stringList
	switch name {
	case "decide":
		fs.Var(&with, "with", "the other members who took part, comma-separated")
	case "decisions":
		fs.StringVar(&c.since, "since", "", "only decisions since a day (YYYY-MM-DD) or for an age (14d)")
		fs.StringVar(&c.format, "format", "md", "md, json or csv")
	case "ack":
		fs.BoolVar(&c.all, "all", false, "every decision you missed")
	case "review":
		fs.StringVar(&c.reason, "reason", "", "why")
	case "prep":
		fs.StringVar(&c.prep.Yesterday, "yesterday", "", "what you did")
		fs.StringVar(&c.prep.Today, "today", "", "what you will do")
		fs.Var(&blockers, "blocker", "something in your way (repeat for several)")
		fs.BoolVar(&c.stdin, "stdin", false, "also read the update from standard input")
	case "away":
		fs.StringVar(&c.from, "from", "", "the first day away (default: today)")
		fs.StringVar(&c.until, "until", "", "the last day away, YYYY-MM-DD")
		fs.BoolVar(&c.back, "back", false, "take back an absence that has not ended")
	}
	// Words may come before, between and after the flags.
	var words []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return command{}, err
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if session.CleanName(*team) == "" {
		return command{}, refuse(2, "--team is required; see help")
	}
	for _, w := range with {
		c.with = append(c.with, splitNames(w)...)
	}
	c.prep.Blockers = blockers
	switch {
	case name == "decide" && len(words) == 0:
		return command{}, refuse(2, "usage: decide --team T \"WHAT WAS DECIDED\"")
	case name == "decide":
		for i, w := range words {
			if i > 0 {
				c.text += " "
			}
			c.text += w
		}
	case name == "ack":
		if c.all == (len(words) > 0) {
			return command{}, refuse(2, "usage: ack --team T REF… or ack --team T --all")
		}
		c.refs = words
	case name == "review":
		if len(words) != 1 {
			return command{}, refuse(2, "usage: review --team T REF [--reason WHY]")
		}
		c.text = words[0]
	case len(words) > 0:
		return command{}, refuse(2, "unexpected %q; see help", session.CleanName(words[0]))
	case name == "away" && c.back == (c.until != ""):
		return command{}, refuse(2, "usage: away --team T --until YYYY-MM-DD, or away --team T --back")
	case name == "prep" && c.prep.Yesterday == "" && c.prep.Today == "" && len(c.prep.Blockers) == 0:
		c.stdin = true
	}
	return command{verb: verbTeamLog, team: session.CleanName(*team), log: c}, nil
}

// cmdTeamLog answers a command on a team's log. Reading the decision log
// is for the team's owners and members; writing to it, for its members
// (keys bound to a roster name), who act as themselves. Anyone else is
// told no team has that name, as for a team that does not exist.
func (s *Server) cmdTeamLog(sess ssh.Session, cmd command) int {
	if cmd.log.name == "actions" {
		return s.cmdActions(sess, cmd) // actions.go
	}
	ctx, cancel := context.WithTimeout(sess.Context(), 30*time.Second)
	defer cancel()
	key := keyOf(sess)
	unknown := func() int {
		return fail(sess, 1, "no team is called %q; the lobby (ssh without a command) lists your teams", cmd.team)
	}
	team, err := s.store.Team(ctx, cmd.team)
	if errors.Is(err, session.ErrNotFound) {
		return unknown()
	}
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	if !team.HasKey(key) {
		return unknown()
	}
	c, caller, now := cmd.log, session.KeyCaller(key), s.now()
	if c.name == "decisions" {
		from, err := session.ParseSince(c.since, now, time.Local)
		if err != nil {
			return fail(sess, 2, "%s", userError(err))
		}
		h, err := session.LoadTeamHistory(ctx, s.store, team)
		if err != nil {
			return fail(sess, 1, "%v", err)
		}
		if err := export.WriteDecisions(sess, c.format, team.Name, team.Members, session.DecidedSince(h.Decisions(), from), h.Log); err != nil {
			return fail(sess, 1, "%s", userError(err))
		}
		return 0
	}
	if _, err := session.TeamMember(team, caller, ""); err != nil {
		return fail(sess, 1, "only the members of %s (keys bound to a name on its roster) can do that; join one of its sessions under your name on the roster first", team.Name)
	}
	out := sess
	switch c.name {
	case "decide":
		e, err := session.DecideOutside(ctx, s.store, team, caller, "", c.text, c.with, now)
		if err != nil {
			return fail(sess, 1, "%s", userError(err))
		}
		fmt.Fprintf(out, "Decision %s recorded. Present: %s. Absent: %s.\n", e.ShortRef(), orNobody(e.Present), orNobody(e.Absent))
	case "missed":
		who, _ := session.TeamMember(team, caller, "")
		h, err := session.LoadTeamHistory(ctx, s.store, team)
		if err != nil {
			return fail(sess, 1, "%v", err)
		}
		io.WriteString(out, session.MissedText(h.Missed(who, "")))
	case "ack":
		seen, err := session.Acknowledge(ctx, s.store, team, caller, "", c.refs, c.all, now)
		if err != nil {
			return fail(sess, 1, "%s", userError(err))
		}
		if len(seen) == 0 {
			io.WriteString(out, "Nothing left to acknowledge.\n")
		}
		for _, e := range seen {
			fmt.Fprintf(out, "Seen: %s %s\n", e.ShortRef(), e.Text)
		}
	case "review":
		e, err := session.AskReview(ctx, s.store, team, caller, "", c.text, c.reason, now)
		if err != nil {
			return fail(sess, 1, "%s", userError(err))
		}
		fmt.Fprintf(out, "Review asked for %s %s: the next retrospective lists it.\n", e.ShortRef(), e.Text)
	case "prep":
		pt := c.prep
		if _, _, pty := sess.Pty(); pty && c.stdin {
			// A terminal sends no end of input: the short form that asks
			// for each part is still to come.
			return fail(sess, 2, "give --yesterday, --today or --blocker, or pipe the update in (without -t)")
		}
		if c.stdin {
			if pt, err = readPrepared(ctx, sess, pt); err != nil {
				return fail(sess, 1, "%s", userError(err))
			}
		}
		u, err := session.PrepareUpdate(ctx, s.store, team, caller, "", pt.Yesterday, pt.Today, pt.Blockers, now)
		if err != nil {
			return fail(sess, 1, "%s", userError(err))
		}
		openNow, err := session.OpenStandup(ctx, s.store, team.Name)
		if err != nil {
			return fail(sess, 1, "%v", err)
		}
		io.WriteString(out, session.PreparedReceipt(u, team.Name, openNow))
	case "away":
		w, err := session.GoAway(ctx, s.store, team, caller, "", c.from, c.until, now, time.Local)
		if err != nil {
			return fail(sess, 1, "%s", userError(err))
		}
		io.WriteString(out, session.AwayReceipt(w, team.Name))
	}
	return 0
}

// readPrepared reads an update from the session's standard input until
// the client closes it, or refuses when ctx ends first.
func readPrepared(ctx context.Context, sess ssh.Session, into session.PreparedText) (session.PreparedText, error) {
	type result struct {
		pt  session.PreparedText
		err error
	}
	done := make(chan result, 1)
	go func() {
		pt, err := session.ReadPrepared(sess, into)
		done <- result{pt, err}
	}()
	select {
	case r := <-done:
		return r.pt, r.err
	case <-ctx.Done():
		return into, fmt.Errorf("%w: no update came on standard input; pipe it in, or give --yesterday, --today or --blocker", session.ErrInvalid)
	}
}

func orNobody(names []string) string {
	if len(names) == 0 {
		return "nobody"
	}
	out := names[0]
	for _, n := range names[1:] {
		out += ", " + n
	}
	return out
}
