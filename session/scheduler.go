package session

import (
	"context"
	"fmt"
	"time"
)

// A scheduled session is opened at its time (Schedule.Next) unless the
// team already has a session of its kind created from ScheduleLead before
// it; one missed (the server was down) is still opened up to ScheduleGrace
// after its time, and not at all later.
const (
	ScheduleLead  = time.Hour
	ScheduleGrace = 30 * time.Minute
)

// Scheduler opens the scheduled sessions of the teams of a Teams' store
// at their time, by its clock, through Teams.Open as the operator would,
// with what each team remembers of its last session of the kind
// (Defaults), starting at the scheduled time (Opening.At). Because it
// looks at the sessions the store has, a restart never opens an
// occurrence twice; and because it looks and opens under the team's lock,
// neither do the schedulers of several nodes sharing a store.
type Scheduler struct {
	teams *Teams
	// Opened, if set, hears of each session the scheduler opens.
	Opened func(Info)
	// Failed, if set, hears why a scheduled session could not be opened.
	Failed func(team string, kind Kind, err error)
}

// NewScheduler returns a scheduler of the teams (see Scheduler).
func NewScheduler(ts *Teams) *Scheduler { return &Scheduler{teams: ts} }

// schedulePoll is the longest the scheduler sleeps: a schedule set or
// changed meanwhile is seen within it.
const schedulePoll = time.Minute

// Run opens the scheduled sessions as they come due, until ctx ends.
func (sc *Scheduler) Run(ctx context.Context) {
	clock := sc.teams.clock
	for {
		next := sc.Tick(ctx)
		at := clock.Now().Add(schedulePoll)
		if !next.IsZero() && next.Before(at) {
			at = next
		}
		t := clock.NewTimerAt(at)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
	}
}

// Tick opens the sessions due at the clock's now (see Scheduler) and
// returns when the next one is due (zero: none is scheduled).
func (sc *Scheduler) Tick(ctx context.Context) time.Time {
	now := sc.teams.clock.Now()
	teams, err := sc.teams.store.Teams(ctx)
	if err != nil {
		sc.failed("", Standup, err)
		return time.Time{}
	}
	var next time.Time
	for _, t := range teams {
		for _, kind := range []Kind{Standup, Retro} {
			s, ok := t.Schedules[kind]
			if !ok || s.Zero() {
				continue
			}
			if n := s.Next(now); !n.IsZero() && (next.IsZero() || n.Before(next)) {
				next = n
			}
			occ := s.Next(now.Add(-ScheduleGrace))
			if occ.IsZero() || occ.After(now) {
				continue
			}
			if err := sc.open(ctx, t, kind, s, occ); err != nil {
				sc.failed(t.Name, kind, err)
			}
		}
	}
	return next
}

func (sc *Scheduler) failed(team string, kind Kind, err error) {
	if sc.Failed != nil {
		sc.Failed(team, kind, err)
	}
}

// open opens the team's session of the kind for the occurrence at occ,
// unless the team has one created since ScheduleLead before it. It looks
// and opens under the team's lock (see Teams.lock): with several nodes on
// a shared store (a TeamLocker) every node's scheduler fires at the same
// moment, and the first to take the lock opens the session that the
// others then find.
func (sc *Scheduler) open(ctx context.Context, t Team, kind Kind, s Schedule, occ time.Time) error {
	name := CleanName(t.Name)
	unlock, err := sc.teams.lock(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	k := kind
	last, err := sc.teams.store.Sessions(ctx, Filter{Team: name, Kind: &k, Limit: 1})
	if err != nil {
		return err
	}
	if len(last) > 0 && !last[0].Created.Before(occ.Add(-ScheduleLead)) {
		return nil // opened already, by the scheduler or by someone
	}
	at := fmt.Sprintf("%02d:%02d %s", s.Hour, s.Minute, s.Zone)
	op, _, err := sc.teams.Plan(ctx, LocalCaller(), Opening{Kind: kind, Team: t.Name, At: at},
		func(f string) bool { return f == FieldAt })
	if err != nil {
		return err
	}
	if op.Facilitator == "" {
		if len(t.Members) == 0 {
			return fmt.Errorf("%w: %s has nobody on its roster to facilitate its scheduled %s", ErrInvalid, t.Name, kind.Noun())
		}
		// Nobody is remembered: the roster's first facilitates.
		op.Facilitator = t.Members[0]
	}
	locked := func(ctx context.Context, c Caller, team string, members, agreements []string) (Team, error) {
		if team, err := CheckName(team); err != nil || team != name {
			return Team{}, fmt.Errorf("%w: the scheduled %s of %s names the team %q", ErrInvalid, kind.Noun(), name, team)
		}
		return sc.teams.ensure(ctx, c, name, members, agreements)
	}
	info, _, err := sc.teams.open(ctx, LocalCaller(), Person{}, op, locked)
	if err != nil {
		return err
	}
	if sc.Opened != nil {
		sc.Opened(info)
	}
	return nil
}
