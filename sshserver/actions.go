package sshserver

import (
	"context"
	"flag"
	"io"
	"time"

	"charm.land/ssh"

	"huddle/session"
	"huddle/session/export"
	"huddle/tui"
)

// actionsCmd is the actions command: list the open action items of the
// caller's teams, or change one between meetings (done, reassign, due,
// drop).
type actionsCmd struct {
	edit    string // empty: list; else session.ChangeDone, …
	owner   string
	overdue bool
	format  string
	ed      session.ActionEdit
}

const actionsUsage = `  ssh -p PORT HOST actions [--team T] [--owner NAME] [--overdue] [--format md|json|csv]
                                           open action items of your teams: owner, due day, age, origin
  ssh -p PORT HOST actions done|drop --team T REF [--note …]
  ssh -p PORT HOST actions reassign --team T REF NAME
  ssh -p PORT HOST actions due --team T REF YYYY-MM-DD
                                           close, drop, reassign or move an item between meetings
`

// parseActions reads the actions command (its words after "actions").
func parseActions(args []string) (command, error) {
	c := actionsCmd{}
	sub := map[string]string{"done": session.ChangeDone, "drop": session.ChangeDropped, "reassign": session.ChangeReassigned, "due": session.ChangeDue}
	name := "actions"
	if len(args) > 0 {
		if what, ok := sub[args[0]]; ok {
			c.edit, name, args = what, "actions "+args[0], args[1:]
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	team := fs.String("team", "", "the team")
	if c.edit == "" {
		fs.StringVar(&c.owner, "owner", "", "only this member's items")
		fs.BoolVar(&c.overdue, "overdue", false, "only items past their due day")
		fs.StringVar(&c.format, "format", "md", "md, json or csv")
	}
	if c.edit == session.ChangeDone || c.edit == session.ChangeDropped {
		fs.StringVar(&c.ed.Note, "note", "", "how or why, for the team")
	}
	var words []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return command{}, err
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	want := map[string]int{"": 0, session.ChangeDone: 1, session.ChangeDropped: 1, session.ChangeReassigned: 2, session.ChangeDue: 2}[c.edit]
	usage := map[string]string{"": "actions [--team T] [--owner NAME] [--overdue] [--format md|json|csv]",
		session.ChangeDone: "actions done --team T REF [--note …]", session.ChangeDropped: "actions drop --team T REF [--note …]",
		session.ChangeReassigned: "actions reassign --team T REF NAME", session.ChangeDue: "actions due --team T REF YYYY-MM-DD"}[c.edit]
	switch {
	case len(words) != want && c.edit == "":
		return command{}, refuse(2, "unexpected %q; usage: %s", session.CleanName(words[0]), usage)
	case len(words) != want:
		return command{}, refuse(2, "usage: %s", usage)
	case c.edit != "" && session.CleanName(*team) == "":
		return command{}, refuse(2, "--team is required; usage: %s", usage)
	}
	c.ed.What = c.edit
	if want > 0 {
		c.ed.Ref = words[0]
	}
	switch c.edit {
	case session.ChangeReassigned:
		c.ed.To = words[1]
	case session.ChangeDue:
		c.ed.Due = words[1]
	}
	return command{verb: verbTeamLog, team: session.CleanName(*team), log: teamLogCmd{name: "actions", actions: c}}, nil
}

// cmdActions answers the actions command. Listing is for the team's
// owners and members (without --team: every team the key is on);
// changing an item, for its members, who act as themselves. Anyone else
// is told no team has that name, as for a team that does not exist.
func (s *Server) cmdActions(sess ssh.Session, cmd command) int {
	ctx, cancel := context.WithTimeout(sess.Context(), 30*time.Second)
	defer cancel()
	key := keyOf(sess)
	c, caller, now := cmd.log.actions, session.KeyCaller(key), s.now()
	var teams []session.Team
	if cmd.team != "" {
		team, status, ok := s.readableTeam(ctx, sess, cmd.team)
		if !ok {
			return status
		}
		teams = []session.Team{team}
	} else {
		all, err := s.store.Teams(ctx)
		if err != nil {
			return fail(sess, 1, "%v", err)
		}
		for _, t := range all {
			if t.HasKey(key) {
				teams = append(teams, t)
			}
		}
	}
	if c.edit == "" {
		var lists []export.TeamItems
		for _, t := range teams {
			items, err := session.TeamActions(ctx, s.store, t, time.Local)
			if err != nil {
				return fail(sess, 1, "%v", err)
			}
			lists = append(lists, export.TeamItems{Team: t.Name, Items: session.FilterActions(items, c.owner, c.overdue, now, time.Local)})
		}
		if err := export.WriteActions(sess, c.format, lists, now, time.Local); err != nil {
			return fail(sess, 1, "%s", userError(err))
		}
		return 0
	}
	team := teams[0]
	if _, err := session.TeamMember(team, caller, ""); err != nil {
		return fail(sess, 1, "only the members of %s (keys bound to a name on its roster) can do that; join one of its sessions under your name on the roster first", team.Name)
	}
	a, err := session.ChangeAction(ctx, s.store, team, caller, "", c.ed, now, time.Local)
	if err != nil {
		return fail(sess, 1, "%s", userError(err))
	}
	io.WriteString(sess, export.ActionsText(c.ed, a, time.Local))
	return 0
}

var _ tui.ActionLobby = lobby{}

// ActionCounts counts the open and overdue action items of each of this
// person's teams (see session.Teams.Visible), for the lobby.
func (l lobby) ActionCounts() ([]tui.TeamActionCount, error) {
	ctx, cancel := context.WithTimeout(l.c.ctx, 5*time.Second)
	defer cancel()
	teams, err := l.c.s.teams.Visible(ctx, l.c.key)
	if err != nil {
		return nil, err
	}
	now := l.c.s.now()
	var out []tui.TeamActionCount
	for _, t := range teams {
		c, err := session.CountTeamActions(ctx, l.c.s.store, t.Name, now, time.Local)
		if err != nil {
			return nil, err
		}
		out = append(out, tui.TeamActionCount{Team: t.Name, Open: c.Open, Overdue: c.Overdue})
	}
	return out, nil
}
