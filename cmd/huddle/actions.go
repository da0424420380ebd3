package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/session/export"
)

// newActionsCmd lists a team's open action items and changes them
// between meetings.
func newActionsCmd(g *globalFlags) *cobra.Command {
	var tf teamFlags
	var owner, format string
	var overdue bool
	cmd := &cobra.Command{
		Use:   "actions [--team T] [--owner NAME] [--overdue] [--format md|json|csv]",
		Short: "Open action items between meetings: list them, close, reassign, move or drop one",
		Long: `The open action items of a team (without --team: of every team), each with
its owner, due day, age and where it came from (the session, its kind and
day). Its ref (SESSION/aN; the session's id may be cut to its first
characters) names it to the subcommands, which change it between meetings
for the member given with --as. The team's log records who changed what
and when; the team's next session carries the change, and the next
retrospective's review shows an item closed between meetings as handled.`,
		Example: `  huddle actions --team musicstore --overdue
  huddle actions done --team musicstore --as Ben 8f3k2q/a1 --note "merged"
  huddle actions reassign --team musicstore --as Ben 8f3k2q/a2 Ana
  huddle actions due --team musicstore --as Ben 8f3k2q/a2 2026-12-11
  huddle actions drop --team musicstore --as Ben 8f3k2q/a3 --note "not needed"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var st database
			var teams []session.Team
			if tf.team != "" {
				s, team, err := openTeam(ctx, g, tf.team)
				if err != nil {
					return err
				}
				st, teams = s, []session.Team{team}
				defer st.Close()
			} else {
				s, err := openDatabase(ctx, g.where())
				if err != nil {
					return err
				}
				st = s
				defer st.Close()
				if teams, err = st.Teams(ctx); err != nil {
					return err
				}
			}
			now := time.Now()
			lists, err := teamItems(ctx, st, teams, owner, overdue, now)
			if err != nil {
				return err
			}
			return export.WriteActions(cmd.OutOrStdout(), format, lists, now, time.Local)
		},
	}
	cmd.PersistentFlags().StringVarP(&tf.team, "team", "t", "", "the team")
	cmd.PersistentFlags().StringVar(&tf.as, "as", "", "the member you act for (default: --name, else your OS user name)")
	cmd.Flags().StringVar(&owner, "owner", "", "only this member's items")
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only items past their due day")
	cmd.Flags().StringVar(&format, "format", "md", "md, json or csv")
	cmd.AddCommand(
		actionChangeCmd(g, &tf, session.ChangeDone, "done REF", "Close an open action item: done", 1),
		actionChangeCmd(g, &tf, session.ChangeReassigned, "reassign REF NAME", "Give an open action item to another member", 2),
		actionChangeCmd(g, &tf, session.ChangeDue, "due REF YYYY-MM-DD", "Move an open action item's due day", 2),
		actionChangeCmd(g, &tf, session.ChangeDropped, "drop REF", "Drop an open action item", 1),
	)
	return cmd
}

// teamItems reads each team's open items, filtered.
func teamItems(ctx context.Context, st session.Store, teams []session.Team, owner string, overdue bool, now time.Time) ([]export.TeamItems, error) {
	var out []export.TeamItems
	for _, t := range teams {
		items, err := session.TeamActions(ctx, st, t, time.Local)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		out = append(out, export.TeamItems{Team: t.Name, Items: session.FilterActions(items, owner, overdue, now, time.Local)})
	}
	return out, nil
}

func actionChangeCmd(g *globalFlags, tf *teamFlags, what, use, short string, nargs int) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   use + " --team T",
		Short: short,
		Args:  cobra.ExactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, team, err := openTeam(cmd.Context(), g, tf.team)
			if err != nil {
				return err
			}
			defer st.Close()
			ed := session.ActionEdit{What: what, Ref: args[0], Note: note}
			switch what {
			case session.ChangeReassigned:
				ed.To = args[1]
			case session.ChangeDue:
				ed.Due = args[1]
			}
			a, err := session.ChangeAction(cmd.Context(), st, team, session.LocalCaller(), tf.member(g), ed, time.Now(), time.Local)
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), export.ActionsText(ed, a, time.Local))
			return nil
		},
	}
	if what == session.ChangeDone || what == session.ChangeDropped {
		cmd.Flags().StringVar(&note, "note", "", "how or why, for the team")
	}
	return cmd
}
