package sshserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"charm.land/ssh"

	"huddle/session"
)

// readableTeam is the team a reading command names, for its owners' and
// members' keys. To anyone else it writes the answer for a team that does
// not exist, and ok is false with the exit status.
func (s *Server) readableTeam(ctx context.Context, sess ssh.Session, name string) (team session.Team, status int, ok bool) {
	team, err := s.store.Team(ctx, name)
	if err != nil && !errors.Is(err, session.ErrNotFound) {
		return session.Team{}, fail(sess, 1, "%v", err), false
	}
	if err != nil || !team.HasKey(keyOf(sess)) {
		return session.Team{}, fail(sess, 1, "no team is called %q; the lobby (ssh without a command) lists your teams", name), false
	}
	return team, 0, true
}

// cmdHistory lists a team's sessions, newest first, to the team's members
// (keys bound in its roster). To anyone else the team is unknown, with the
// same answer as a team that does not exist.
func (s *Server) cmdHistory(sess ssh.Session, cmd command) int {
	ctx, cancel := context.WithTimeout(sess.Context(), 30*time.Second)
	defer cancel()
	team, status, ok := s.readableTeam(ctx, sess, cmd.team)
	if !ok {
		return status
	}
	infos, err := s.store.Sessions(ctx, session.Filter{Team: team.Name, Limit: cmd.limit})
	if err != nil {
		return fail(sess, 1, "%v", err)
	}
	if len(infos) == 0 {
		fmt.Fprintf(sess, "%s has no sessions yet.\n", team.Name)
		return 0
	}
	tw := tabwriter.NewWriter(sess, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tKIND\tDURATION\tATTENDANCE\tCODE")
	for _, info := range infos {
		events, err := s.store.Events(ctx, info.ID)
		if err != nil {
			return fail(sess, 1, "%v", err)
		}
		sum := session.Summarize(session.Fold(info.ID, events))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", info.Created.Local().Format("Mon 2 Jan 2006 15:04"),
			info.Kind, sum.DurationWords(), attendance(sum), info.Code)
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}

// attendance counts who came (observers aside), who of them came late,
// who was expected and is not here, and who of those is excused.
func attendance(sum session.Summary) string {
	late, excused := 0, 0
	for _, a := range sum.Attendance {
		if a.Came() && a.LateBy > 0 {
			late++
		}
		if !a.Came() && a.Excused {
			excused++ // said beforehand they would be away: not absent
		}
	}
	out := strconv.Itoa(sum.Came()) + " came"
	if late > 0 {
		out += " (" + strconv.Itoa(late) + " late)"
	}
	if n := sum.Missing - excused; n > 0 {
		out += ", " + strconv.Itoa(n) + " absent"
	}
	if excused > 0 {
		out += ", " + strconv.Itoa(excused) + " excused"
	}
	return out
}
