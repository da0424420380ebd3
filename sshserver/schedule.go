package sshserver

import (
	"context"

	"huddle/session"
)

// StartSchedule opens the teams' scheduled sessions at their time, by the
// server's clock (see session.Scheduler), until ctx ends or the returned
// stop is called. Config.Opened hears of each, with the join command of
// PublicHost (or "ssh -t -p PORT HOST join" without one), as it hears of
// the sessions people open.
func (s *Server) StartSchedule(ctx context.Context) (stop func()) {
	sc := session.NewScheduler(s.teams)
	sc.Opened = func(info session.Info) {
		s.log.Info("opened a scheduled session", "team", info.Team, "kind", info.Kind.String(), "code", info.Code)
		if s.cfg.Opened != nil {
			join := s.joinCommand(nil)
			if join == "" {
				join = "ssh -t -p PORT HOST join"
			}
			s.cfg.Opened(info, join)
		}
	}
	sc.Failed = func(team string, kind session.Kind, err error) {
		s.log.Warn("could not open a scheduled session", "team", team, "kind", kind.String(), "err", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
