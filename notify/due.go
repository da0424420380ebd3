package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"huddle/session"
)

// EventDue starts the event of a morning's message of a team's action
// items due: "due:" and the day, YYYY-MM-DD (see DueEvent).
const EventDue = "due:"

// maxDueWait is the longest the morning loop waits before it looks at the
// clock again: a timer does not count the time a machine was suspended.
const maxDueWait = time.Hour

// DueEvent is the event of the message of the items due on day.
func DueEvent(day string) string { return EventDue + day }

// ParseDueAt reads a time of day written HH:MM (24 hours) and returns it
// as the time after midnight.
func ParseDueAt(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day; write it as HH:MM, like 08:00", session.Printable(s))
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// DueText is the message of a team's open action items due on now's day
// in loc and of those overdue then, each with its owner, due day and ref;
// "" when none is. It names nobody but the items' owners.
func DueText(team string, items []session.ActionItem, now time.Time, loc *time.Location) string {
	var today, late []session.ActionItem
	for _, a := range items {
		switch {
		case a.DueOn(now, loc):
			today = append(today, a)
		case a.Overdue(now, loc):
			late = append(late, a)
		}
	}
	if len(today) == 0 && len(late) == 0 {
		return ""
	}
	slices.SortStableFunc(late, func(x, y session.ActionItem) int { return x.Due.Compare(y.Due) })
	var b strings.Builder
	b.WriteString("**Action items of " + esc(team) + "** · " + now.In(loc).Format("Mon 2 Jan 2006") + " · ")
	var counts []string
	if len(today) > 0 {
		counts = append(counts, session.Plural(len(today), "item")+" due today")
	}
	if len(late) > 0 {
		counts = append(counts, session.Plural(len(late), "item")+" overdue")
	}
	b.WriteString(strings.Join(counts, ", "))
	list := func(head string, items []session.ActionItem) {
		if len(items) == 0 {
			return
		}
		b.WriteString("\n\n**" + head + "**")
		for _, a := range items {
			b.WriteString("\n- " + esc(a.Text) + " — " + esc(a.Owner) + ", due " + a.Due.In(loc).Format("Mon 2 Jan") + " `" + a.ShortRef() + "`")
		}
	}
	list("Due today", today)
	list("Overdue", late)
	return b.String()
}

// dueTime is the time of the morning message on the day days after
// now's, in the notifier's zone.
func (n *Notifier) dueTime(now time.Time, days int) time.Time {
	y, m, d := now.In(n.loc).Date()
	// By the clock on the wall, also on a day that changes it.
	return time.Date(y, m, d+days, int(n.dueAt/time.Hour), int(n.dueAt%time.Hour/time.Minute), 0, 0, n.loc)
}

// mornings posts each team's items due every day at the time of day
// DueAt, until ctx ends. Started after that time, it posts that day's at
// once unless they were posted before (the store remembers).
func (n *Notifier) mornings(ctx context.Context) {
	n.log.Info("each team's action items due are posted every day", "at", n.cfg.DueAt, "zone", n.loc.String())
	done := "" // the day whose round went through
	for {
		now := n.clock.Now()
		at := n.dueTime(now, 0)
		if day := now.In(n.loc).Format(time.DateOnly); !now.Before(at) && day != done && n.dueRound(ctx, now, at) {
			done = day
		}
		next := at
		if !now.Before(at) {
			next = n.dueTime(now, 1)
		}
		if limit := now.Add(maxDueWait); next.After(limit) {
			next = limit
		}
		t := n.clock.NewTimerAt(next) // for the moment: an Advance meanwhile cannot push it later
		select {
		case <-t.C():
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// dueRound queues the message of each team with items due on now's day
// or overdue; at is that day's time of the messages. It reports whether
// it read every team (else it tries again at the next wake).
func (n *Notifier) dueRound(ctx context.Context, now, at time.Time) bool {
	teams, err := n.cfg.Store.Teams(ctx)
	if err != nil {
		if ctx.Err() == nil {
			n.log.Error("cannot read the teams for the items due", "err", err)
		}
		return false
	}
	ok := true
	event := DueEvent(now.In(n.loc).Format(time.DateOnly))
	for _, t := range teams {
		if ctx.Err() != nil {
			return false
		}
		items, err := session.TeamActions(ctx, n.cfg.Store, t, n.loc)
		if err != nil {
			ok = false
			n.log.Error("cannot read a team's action items", "team", t.Name, "err", err)
			continue
		}
		body := DueText(t.Name, items, now, n.loc)
		if body == "" {
			continue
		}
		anchor, err := n.dueAnchor(ctx, t.Name, at)
		if err != nil {
			ok = false
			n.log.Error("cannot read a team's sessions", "team", t.Name, "err", err)
			continue
		}
		if anchor == "" {
			// The team's sessions all began after the day's time: it had
			// nothing due then.
			continue
		}
		enqueue(n, n.posts, job{id: anchor, event: event, body: body}, anchor, event)
	}
	return ok
}

// dueAnchor is the session a day's message of a team's items due is
// remembered by in the store (whose deliveries belong to sessions): the
// team's latest session opened before the day's time at, the same on
// every try that day, also after a restart; "" if there is none.
func (n *Notifier) dueAnchor(ctx context.Context, team string, at time.Time) (string, error) {
	infos, err := n.cfg.Store.Sessions(ctx, session.Filter{Team: team})
	if err != nil {
		return "", err
	}
	for _, info := range infos { // newest first
		if info.Created.Before(at) {
			return info.ID, nil
		}
	}
	return "", nil
}

// staleDue reports whether a pending delivery is a morning's message of
// another day than now's: no longer news.
func (n *Notifier) staleDue(event string, now time.Time) bool {
	day, ok := strings.CutPrefix(event, EventDue)
	return ok && day != now.In(n.loc).Format(time.DateOnly)
}
