package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/spf13/cobra"

	"huddle/session"
)

func newHistoryCmd(g *globalFlags) *cobra.Command {
	var team, kind string
	var limit int
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List past sessions, newest first",
		Long: `List past sessions, newest first: when, the team, the kind, how long it
took against its time-box, who took part, and what it left open (parked
topics and action items that carry over). Export any of them with
huddle export ID.`,
		Example: `  huddle history
  huddle history --team musicstore --kind retro`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := session.Filter{Team: team, Limit: limit}
			if kind != "" {
				k, err := session.ParseKind(kind)
				if err != nil {
					return err
				}
				f.Kind = &k
			}
			if limit <= 0 {
				return fmt.Errorf("%w: --limit must be positive", session.ErrInvalid)
			}
			st, err := openDatabase(cmd.Context(), g.where())
			if err != nil {
				return err
			}
			defer st.Close()
			infos, err := st.Sessions(cmd.Context(), f)
			if err != nil {
				return err
			}
			if len(infos) == 0 && team != "" {
				if _, err := st.Team(cmd.Context(), session.CleanName(team)); errors.Is(err, session.ErrNotFound) {
					return fmt.Errorf("%w: no team is called %q; huddle teams lists the teams", session.ErrNotFound, session.CleanName(team))
				}
			}
			if len(infos) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No sessions yet. Hold one with: huddle standup --team NAME --members A,B,C")
				return nil
			}
			rows := make([][]string, 0, len(infos))
			for _, info := range infos {
				events, err := st.Events(cmd.Context(), info.ID)
				if err != nil {
					return err
				}
				rows = append(rows, historyRow(info, session.Fold(info.ID, events)))
			}
			return writeHistory(cmd.OutOrStdout(), rows)
		},
	}
	cmd.Flags().StringVarP(&team, "team", "t", "", "only this team")
	cmd.Flags().StringVar(&kind, "kind", "", "only standup or retro")
	cmd.Flags().IntVar(&limit, "limit", 30, "at most this many")
	return cmd
}

var historyHead = []string{"ID", "WHEN", "TEAM", "KIND", "DURATION", "PEOPLE", "OPEN"}

func historyRow(info session.Info, s *session.State) []string {
	sum := session.Summarize(s)
	open := sum.CarryOver + sum.OpenActions
	return []string{info.ID, info.Created.Local().Format("Mon 2 Jan 2006 15:04"), info.Team, info.Kind.Noun(),
		sum.DurationWords(), strconv.Itoa(sum.Came()), strconv.Itoa(open)}
}

func writeHistory(w io.Writer, rows [][]string) error {
	pad := lipgloss.NewStyle().Padding(0, 1)
	t := table.New().Headers(historyHead...).Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style { return pad })
	_, err := fmt.Fprintln(w, t.Render())
	return err
}
