package sshserver

import (
	"context"
	"flag"
	"time"

	"charm.land/ssh"

	"huddle/session"
	"huddle/session/export"
)

// trendsCmd is the trends command's flags.
type trendsCmd struct {
	since, format string
	people, bom   bool
}

const trendsUsage = "usage: trends --team T [--since 90d|YYYY-MM-DD|all] [--format md|html|csv] [--people] [--bom]"

// parseTrends reads the trends command. The format is checked here; the
// period, which needs the server's clock, when it runs.
func parseTrends(args []string) (command, error) {
	fs := flag.NewFlagSet("trends", flag.ContinueOnError)
	team := fs.String("team", "", "the team")
	var c trendsCmd
	fs.StringVar(&c.since, "since", session.DefaultTrendsSince, "the sessions since a day (YYYY-MM-DD) or for an age (90d, 12w); all for every one")
	fs.StringVar(&c.format, "format", "md", "md, html or csv")
	fs.BoolVar(&c.people, "people", false, "add rows per person (without it, nobody is named)")
	fs.BoolVar(&c.bom, "bom", false, "csv: start with a UTF-8 byte order mark, for Excel on Windows")
	if err := parseFlags(fs, args); err != nil {
		return command{}, err
	}
	if fs.NArg() > 0 {
		return command{}, refuse(2, "unexpected %q; %s", session.CleanName(fs.Arg(0)), trendsUsage)
	}
	name := session.CleanName(*team)
	if name == "" {
		return command{}, refuse(2, "--team is required; %s", trendsUsage)
	}
	if err := export.CheckTrendsFormat(c.format, c.bom); err != nil {
		return command{}, refuse(2, "%s", userError(err))
	}
	return command{verb: verbTrends, team: name, trends: c}, nil
}

// cmdTrends writes a team's trends (session.Trends) for its owners and
// members, weeks in the server's time zone. To anyone else the team is
// unknown, with the same answer as a team that does not exist.
func (s *Server) cmdTrends(sess ssh.Session, cmd command) int {
	ctx, cancel := context.WithTimeout(sess.Context(), 30*time.Second)
	defer cancel()
	team, status, ok := s.readableTeam(ctx, sess, cmd.team)
	if !ok {
		return status
	}
	c := cmd.trends
	from, err := session.TrendsSince(c.since, s.now(), time.Local)
	if err != nil {
		return fail(sess, 2, "%s", userError(err))
	}
	r, err := session.TeamTrends(ctx, s.store, team, from, time.Local, c.people)
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	if err := export.WriteTrends(sess, c.format, r, c.bom); err != nil {
		return fail(sess, 1, "%s", userError(err))
	}
	return 0
}
