package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"huddle/session"
)

// errKept ends a local run that started nothing: asked how to go on with
// an unfinished session whose settings differ from the flags, the user
// chose neither to resume nor to start over.
var errKept = errors.New("nothing started")

// errNoTerminal is what huddle standup and huddle retro say without a
// terminal to run in, before they create anything.
var errNoTerminal = errors.New("huddle needs a terminal: run it in one, or use huddle serve")

// unfinished reads the state of an unfinished session from the store.
func unfinished(ctx context.Context, st session.Store, id string) (*session.State, error) {
	events, err := st.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	return session.Fold(id, events), nil
}

// differences says, one line each, what the flags given now ask for that
// the unfinished session was not made with: resuming keeps its settings,
// so these flags would be ignored. given reports whether a flag was given
// (nil: none was); roster is the team's roster as the flags left it.
func differences(old *session.State, want session.Config, roster []string, given func(string) bool) []string {
	if given == nil {
		return nil
	}
	c := old.Config
	var out []string
	add := func(flag string, differs bool, line string) {
		if given(flag) && differs {
			out = append(out, line)
		}
	}
	if c.Kind == session.Retro {
		named := "it is named: cards, dots and thumbs keep their authors"
		if c.Anonymous {
			named = "it is anonymous, and stays so"
		}
		add("anonymous", c.Anonymous != want.Anonymous, "--anonymous="+fmt.Sprint(want.Anonymous)+": "+named)
	}
	at := "none"
	if !want.ScheduledAt.IsZero() {
		at = want.ScheduledAt.Local().Format("Mon 15:04")
	}
	add("at", !c.ScheduledAt.Equal(want.ScheduledAt), "--at "+at+": it starts "+startText(c.ScheduledAt))
	add("timebox", c.Timebox != want.Timebox, "--timebox "+durText(want.Timebox)+": it has "+durText(c.Timebox))
	if given("members") {
		var missing []string
		for _, name := range roster {
			if !slices.ContainsFunc(old.Participants, func(p session.Participant) bool { return strings.EqualFold(p.Name, name) }) {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			out = append(out, "--members: "+strings.Join(missing, ", ")+" not in it")
		}
	}
	add("agreement", !slices.Equal(c.Agreements, want.Agreements), "--agreement: it shows the agreements it began with")
	if c.Kind == session.Standup {
		add("turn", c.Turn != want.Turn, "--turn "+durText(want.Turn)+": it has "+turnText(c.Turn))
		add("order", c.Order != want.Order, "--order "+want.Order.String()+": it has "+c.Order.String())
		return out
	}
	format := c.Format != want.Format || (want.Format == session.Custom && len(want.Columns) > 0 && !slices.Equal(c.Columns, want.Columns))
	board := c.Format.String()
	if len(c.Columns) > 0 {
		board += " (" + strings.Join(c.Columns, ", ") + ")"
	}
	add("format", format, "--format "+want.Format.String()+": it has "+board)
	add("columns", format && !given("format"), "--columns "+strings.Join(want.Columns, ",")+": it has "+board)
	add("votes", c.VoteBudget != want.VoteBudget, fmt.Sprintf("--votes %d: it has %d", want.VoteBudget, c.VoteBudget))
	add("vote-cap", c.VoteCap != want.VoteCap, fmt.Sprintf("--vote-cap %d: it has %d", want.VoteCap, c.VoteCap))
	add("topic", c.TopicBox != want.TopicBox, "--topic "+durText(want.TopicBox)+": it has "+durText(c.TopicBox))
	add("phases", !maps.Equal(c.PhaseBoxes, want.PhaseBoxes), "--phases: it keeps the time-boxes it began with")
	add("auto-advance", c.AutoAdvance != want.AutoAdvance, "--auto-advance="+fmt.Sprint(want.AutoAdvance)+": it has "+fmt.Sprint(c.AutoAdvance))
	add("esvp", c.ESVP != want.ESVP, "--esvp="+fmt.Sprint(want.ESVP)+": it has "+fmt.Sprint(c.ESVP))
	return out
}

func startText(t time.Time) string {
	if t.IsZero() {
		return "when ready"
	}
	return "at " + t.Local().Format("Mon 15:04")
}

func turnText(d time.Duration) string {
	if d == 0 {
		return "the time-box shared among those present"
	}
	return durText(d)
}

// durText is a duration as a person writes it: 2m, 1m30s, 1h.
func durText(d time.Duration) string { return fmtDuration(d) }
