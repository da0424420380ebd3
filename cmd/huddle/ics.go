package main

import (
	"time"

	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/session/export"
)

func newICSCmd(g *globalFlags) *cobra.Command {
	var team string
	cmd := &cobra.Command{
		Use:   "ics --team T",
		Short: "The team's schedule as an iCalendar file, for a calendar to subscribe to or import",
		Long: `The team's recurring stand-up and retrospective (set with huddle team T
--standup … --retro …) as an iCalendar file (RFC 5545): one recurring
event per kind, which keeps its identity when the file is imported again,
so that a calendar updates it rather than adding another.`,
		Example: `  huddle ics --team web > web.ics`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, t, err := openTeam(cmd.Context(), g, team)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := session.CheckScheduled(t); err != nil {
				return err
			}
			lengths, err := session.NewTeams(st, nil).Lengths(cmd.Context(), t.Name)
			if err != nil {
				return err
			}
			return export.WriteICS(cmd.OutOrStdout(), export.Calendar{Team: t, Now: time.Now(), Join: "huddle", Length: lengths})
		},
	}
	cmd.Flags().StringVarP(&team, "team", "t", "", "the team")
	return cmd
}
