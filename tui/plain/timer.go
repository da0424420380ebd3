package plain

import (
	"strconv"
	"time"

	"huddle/session"
)

// markOf is the running timer of a view and the threshold it is at.
func (a *Announcer) markOf(s *session.State, now time.Time) timerMark {
	key, _, t, ok := currentTimer(s)
	if !ok {
		return timerMark{}
	}
	return timerMark{key: key, level: level(t, now)}
}

// currentTimer is the time-box the view counts down: the turn in a
// stand-up's rounds, the phase (or topic) in a retrospective.
func currentTimer(s *session.State) (key, who string, t session.Timer, ok bool) {
	if s.Phase == session.Closed || s.Phase == session.Waiting {
		return "", "", session.Timer{}, false
	}
	if s.Config.Kind == session.Standup {
		turn, ok := s.CurrentTurn()
		if !ok {
			return "", "", session.Timer{}, false
		}
		return "turn " + strconv.Itoa(len(s.Turns)), "for " + name(s.Name(turn.Speaker)), turn.Timer, true
	}
	what := "in " + phaseName(s.Phase)
	if g, ok := s.CurrentTopic(); ok {
		what = "on topic #" + strconv.Itoa(g)
	}
	return s.Step(), what, s.PhaseTimer, true
}

// level is the threshold a timer is at: 0 more than a minute left (or a
// budget of a minute or less, which never gets a "minute left"), 1 a
// minute or less left, 2 time up, 2+k k minutes over.
func level(t session.Timer, now time.Time) int {
	r := t.Remaining(now)
	switch {
	case r > time.Minute:
		return 0
	case r > 0:
		return 1
	}
	return 2 + int(-r/time.Minute)
}

// timer tells the thresholds the running timer crossed since the last
// one told: the highest only, if several were crossed at once.
func (a *Announcer) timer(l *lines, s *session.State, now time.Time) {
	key, who, t, ok := currentTimer(s)
	if !ok {
		a.mark = timerMark{}
		return
	}
	lv := level(t, now)
	if key != a.mark.key {
		a.mark = timerMark{key: key, level: lv}
		return
	}
	if lv <= a.mark.level {
		a.mark.level = lv // time was added: the thresholds count again
		return
	}
	a.mark.level = lv
	switch {
	case lv == 1:
		l.add("1 minute left %s", who)
	case lv == 2:
		l.add("time up %s", who)
	default:
		l.add("%s over %s", minutes(lv-2), who)
	}
}

// Next is when the running timer crosses its next threshold, if it runs.
func (a *Announcer) Next(now time.Time) (time.Time, bool) {
	if a.prev == nil {
		return time.Time{}, false
	}
	_, _, t, ok := currentTimer(a.prev)
	if !ok || !t.Running() {
		return time.Time{}, false
	}
	r := t.Remaining(now)
	switch {
	case r > time.Minute:
		return now.Add(r - time.Minute), true
	case r > 0:
		return now.Add(r), true
	}
	over := -r
	return now.Add(time.Minute - over%time.Minute), true
}

func minutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}
