package main

import (
	"time"

	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/session/export"
)

func newTrendsCmd(g *globalFlags) *cobra.Command {
	var team, since, format string
	var people, bom bool
	cmd := &cobra.Command{
		Use:   "trends --team T",
		Short: "The team's numbers week by week: stand-up length, attendance, parked topics, action items, ROTI",
		Long: `The team's numbers per ISO week, from the sessions it held: how long its
stand-ups took against their time-box, the turns that ran over, attendance
and lateness, the parked topics settled and carried over, the action items
done and their age, the retrospectives' ROTI average and ESVP mix.

md (the default) is a table with a sparkline per measure and one with a
row per week; html is a page with charts; csv has one row per week.
Nobody is named unless --people asks for rows per person: the team's
numbers should not become a ranking of its members.`,
		Example: `  huddle trends --team musicstore
  huddle trends --team musicstore --since 2026-01-01 --format html > trends.html
  huddle trends --team musicstore --since all --format csv --bom > trends.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			from, err := session.TrendsSince(since, time.Now(), time.Local)
			if err != nil {
				return err
			}
			if err := export.CheckTrendsFormat(format, bom); err != nil {
				return err
			}
			st, t, err := openTeam(cmd.Context(), g, team)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := session.TeamTrends(cmd.Context(), st, t, from, time.Local, people)
			if err != nil {
				return err
			}
			return export.WriteTrends(cmd.OutOrStdout(), format, r, bom)
		},
	}
	cmd.Flags().StringVarP(&team, "team", "t", "", "the team")
	cmd.Flags().StringVar(&since, "since", session.DefaultTrendsSince, "the sessions since a day (YYYY-MM-DD) or for an age (90d, 12w); all for every one")
	cmd.Flags().StringVar(&format, "format", "md", "md, html or csv")
	cmd.Flags().BoolVar(&people, "people", false, "add rows per person (without it, nobody is named)")
	cmd.Flags().BoolVar(&bom, "bom", false, "csv: start with a UTF-8 byte order mark, for Excel on Windows")
	return cmd
}
