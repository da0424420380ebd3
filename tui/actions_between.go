package tui

import (
	"strings"
	"time"

	"huddle/session"
)

// betweenWords says what members did to an action item between meetings,
// the latest change first that matters: "closed by Ben on Tue", "dropped
// by Ben on Tue", else "reassigned to Ana by Ben on Tue" or "moved to Fri
// 4 Dec by Ben on Tue"; empty when nothing changed.
func betweenWords(a session.Action, zone *time.Location) string {
	c, ok := a.Closing()
	if !ok {
		if len(a.Between) == 0 {
			return ""
		}
		c = a.Between[len(a.Between)-1]
	}
	on := " by " + c.By + " on " + c.At.In(zone).Format("Mon")
	switch c.What {
	case session.ChangeDone:
		return "closed" + on
	case session.ChangeDropped:
		return "dropped" + on
	case session.ChangeReassigned:
		return "reassigned to " + c.To + on
	case session.ChangeDue:
		if d, err := time.ParseInLocation(time.DateOnly, c.Due, zone); err == nil {
			return "moved to " + d.Format("Mon 2 Jan") + on
		}
	}
	return ""
}

// dueTodayLine names the open items due on now's day: "Due today: fix
// the flaky test (Ana) · write the runbook (Ben)"; empty when none is.
func dueTodayLine(acts []session.Action, now time.Time, zone *time.Location) string {
	today := now.In(zone).Format(time.DateOnly)
	var due []string
	for _, a := range acts {
		if a.Carries() && !a.Due.IsZero() && a.Due.In(zone).Format(time.DateOnly) == today {
			due = append(due, a.Text+" ("+a.Owner.Name+")")
		}
	}
	if len(due) == 0 {
		return ""
	}
	return "Due today: " + strings.Join(due, " · ")
}
