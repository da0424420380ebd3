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

// cmdHistory lists a team's sessions, newest first, to the team's members
// (keys bound in its roster). To anyone else the team is unknown, with the
// same answer as a team that does not exist.
func (s *Server) cmdHistory(sess ssh.Session, cmd command) int {
	ctx, cancel := context.WithTimeout(sess.Context(), 30*time.Second)
	defer cancel()
	team, err := s.store.Team(ctx, cmd.team)
	if err != nil && !errors.Is(err, session.ErrNotFound) {
		return fail(sess, 1, "%v", err)
	}
	if err != nil || !team.HasKey(keyOf(sess)) {
		return fail(sess, 1, "no team is called %q; the lobby (ssh without a command) lists your teams", cmd.team)
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
		st := session.Fold(info.ID, events)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", info.Created.Local().Format("Mon 2 Jan 2006 15:04"),
			info.Kind, historyDuration(st), attendance(st), info.Code)
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}

// historyDuration is how long a session took against its time-box, or
// why it has no duration.
func historyDuration(s *session.State) string {
	switch {
	case !s.Started.IsZero() && s.Phase == session.Closed:
		return minSec(s.Overall.Elapsed(s.Ended)) + " of " + minSec(s.Overall.Budget)
	case !s.Started.IsZero():
		return "unfinished"
	case s.Phase == session.Closed:
		return "ended early"
	}
	return "not started"
}

// attendance counts who came (observers aside), who of them came late,
// and who was expected and never came.
func attendance(s *session.State) string {
	came, late := 0, 0
	for _, p := range s.Participants {
		if p.Arrived.IsZero() || p.Role == session.Observer {
			continue
		}
		came++
		if p.LateBy > 0 {
			late++
		}
	}
	out := strconv.Itoa(came) + " came"
	if late > 0 {
		out += " (" + strconv.Itoa(late) + " late)"
	}
	if absent := len(s.Absent()); absent > 0 {
		out += ", " + strconv.Itoa(absent) + " absent"
	}
	return out
}

// minSec writes a duration as m:ss, or h:mm:ss from an hour on.
func minSec(d time.Duration) string {
	sec := int(d / time.Second)
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}
