package sshserver

import (
	"context"
	"flag"
	"strings"
	"time"

	"charm.land/ssh"

	"huddle/session"
	"huddle/session/export"
)

const icsUsage = "usage: ics --team T"

// parseICS reads the ics command.
func parseICS(args []string) (command, error) {
	fs := flag.NewFlagSet("ics", flag.ContinueOnError)
	team := fs.String("team", "", "the team")
	if err := parseFlags(fs, args); err != nil {
		return command{}, err
	}
	if fs.NArg() > 0 {
		return command{}, refuse(2, "unexpected %q; %s", session.CleanName(fs.Arg(0)), icsUsage)
	}
	name := session.CleanName(*team)
	if name == "" {
		return command{}, refuse(2, "--team is required; %s", icsUsage)
	}
	return command{verb: verbICS, team: name}, nil
}

// cmdICS writes a team's schedule as an iCalendar file (export.WriteICS)
// for its owners and members, with the ssh command that reaches the lobby
// (a scheduled session's join code is only known when it opens). To
// anyone else the team is unknown, as a team that does not exist.
func (s *Server) cmdICS(sess ssh.Session, cmd command) int {
	ctx, cancel := context.WithTimeout(sess.Context(), 30*time.Second)
	defer cancel()
	team, status, ok := s.readableTeam(ctx, sess, cmd.team)
	if !ok {
		return status
	}
	if err := session.CheckScheduled(team); err != nil {
		return fail(sess, 1, "%s", userError(err))
	}
	lengths, err := s.teams.Lengths(ctx, team.Name)
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	lobby := strings.TrimSuffix(s.joinCommand(sess.LocalAddr()), " join")
	if lobby == "" {
		lobby = "ssh -t -p PORT HOST"
	}
	if err := export.WriteICS(sess, export.Calendar{Team: team, Now: s.now(), Join: lobby, Length: lengths}); err != nil {
		return fail(sess, 1, "%v", err)
	}
	return 0
}
