package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/session/export"
)

// teamFlags are what every command on a team's log takes: the team, and
// the member the operator acts for.
type teamFlags struct {
	team, as string
}

func (f *teamFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.team, "team", "t", "", "the team")
	cmd.Flags().StringVar(&f.as, "as", "", "the member you act for (default: --name, else your OS user name)")
}

// member is whom the operator acts for: --as, else --name, else the OS
// user name.
func (f teamFlags) member(g *globalFlags) string {
	switch {
	case f.as != "":
		return f.as
	case g.name != "":
		return g.name
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}

// openTeam opens the store and reads the team.
func openTeam(ctx context.Context, g *globalFlags, name string) (database, session.Team, error) {
	name = session.CleanName(name)
	if name == "" {
		return nil, session.Team{}, fmt.Errorf("%w: --team is required", session.ErrInvalid)
	}
	st, err := openDatabase(ctx, g.where())
	if err != nil {
		return nil, session.Team{}, err
	}
	team, err := st.Team(ctx, name)
	if errors.Is(err, session.ErrNotFound) {
		st.Close()
		return nil, session.Team{}, fmt.Errorf("%w: no team is called %q; huddle teams lists the teams", session.ErrNotFound, name)
	}
	if err != nil {
		st.Close()
		return nil, session.Team{}, err
	}
	return st, team, nil
}

func newDecideCmd(g *globalFlags) *cobra.Command {
	var tf teamFlags
	var with string
	cmd := &cobra.Command{
		Use:   "decide --team T \"WHAT WAS DECIDED\"",
		Short: "Record a decision taken outside a meeting in the team's decision log",
		Long: `Record a decision taken outside a meeting: who took it (you, and --with
the others who were there) and, from the roster, who was absent. The absent
members see it when they next join one of the team's sessions, and can
acknowledge it or ask for it to be reviewed.`,
		Example: `  huddle decide --team musicstore --as Julia --with Lukas "Use Postgres 17 for the catalogue"`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, team, err := openTeam(cmd.Context(), g, tf.team)
			if err != nil {
				return err
			}
			defer st.Close()
			e, err := session.DecideOutside(cmd.Context(), st, team, session.LocalCaller(), tf.member(g), strings.Join(args, " "), splitList(with), time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Decision %s recorded. Present: %s. Absent: %s.\n", e.ShortRef(), joinOr(e.Present, "nobody"), joinOr(e.Absent, "nobody"))
			return nil
		},
	}
	tf.add(cmd)
	cmd.Flags().StringVar(&with, "with", "", "the other members who took part, comma-separated")
	return cmd
}

func newDecisionsCmd(g *globalFlags) *cobra.Command {
	var tf teamFlags
	var since, format string
	cmd := &cobra.Command{
		Use:   "decisions --team T",
		Short: "The team's decision log: every decision, who was there, who has seen it",
		Long: `The team's decision log: the decisions of its parking lots and
retrospectives, its action items and the decisions taken outside a meeting,
oldest first, each with who was present, who was absent, who has seen it
since and who asked for it to be reviewed. The JSON form also carries the
team's log itself, which huddle import reads back.`,
		Example: `  huddle decisions --team musicstore --since 14d
  huddle decisions --team musicstore --format csv > decisions.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			from, err := session.ParseSince(since, time.Now(), time.Local)
			if err != nil {
				return err
			}
			st, team, err := openTeam(cmd.Context(), g, tf.team)
			if err != nil {
				return err
			}
			defer st.Close()
			h, err := session.LoadTeamHistory(cmd.Context(), st, team)
			if err != nil {
				return err
			}
			return export.WriteDecisions(cmd.OutOrStdout(), format, team.Name, team.Members, session.DecidedSince(h.Decisions(), from), h.Log)
		},
	}
	cmd.Flags().StringVarP(&tf.team, "team", "t", "", "the team")
	cmd.Flags().StringVar(&since, "since", "", "only decisions since a day (YYYY-MM-DD) or for an age (14d, 2w)")
	cmd.Flags().StringVar(&format, "format", "md", "md, json or csv")
	return cmd
}

func newAckCmd(g *globalFlags) *cobra.Command {
	var tf teamFlags
	var all bool
	cmd := &cobra.Command{
		Use:     "ack --team T [REF... | --all]",
		Short:   "Acknowledge decisions you missed: the team sees you have seen them",
		Example: "  huddle ack --team musicstore --as Ben --all\n  huddle ack --team musicstore --as Ben k7xq2m/p1",
		RunE: func(cmd *cobra.Command, args []string) error {
			st, team, err := openTeam(cmd.Context(), g, tf.team)
			if err != nil {
				return err
			}
			defer st.Close()
			seen, err := session.Acknowledge(cmd.Context(), st, team, session.LocalCaller(), tf.member(g), args, all, time.Now())
			if err != nil {
				return err
			}
			writeAcked(cmd.OutOrStdout(), seen)
			return nil
		},
	}
	tf.add(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "every decision you missed")
	return cmd
}

func writeAcked(w io.Writer, seen []session.LogEntry) {
	if len(seen) == 0 {
		fmt.Fprintln(w, "Nothing left to acknowledge.")
		return
	}
	for _, e := range seen {
		fmt.Fprintf(w, "Seen: %s %s\n", e.ShortRef(), e.Text)
	}
}

func newReviewCmd(g *globalFlags) *cobra.Command {
	var tf teamFlags
	var reason string
	cmd := &cobra.Command{
		Use:     "review --team T REF",
		Short:   "Ask the team to review a decision taken while you were absent",
		Example: `  huddle review --team musicstore --as Ben team/3 --reason "we have no Postgres skills"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, team, err := openTeam(cmd.Context(), g, tf.team)
			if err != nil {
				return err
			}
			defer st.Close()
			e, err := session.AskReview(cmd.Context(), st, team, session.LocalCaller(), tf.member(g), args[0], reason, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Review asked for %s %s: the next retrospective lists it.\n", e.ShortRef(), e.Text)
			return nil
		},
	}
	tf.add(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	return cmd
}

func newMissedCmd(g *globalFlags) *cobra.Command {
	var tf teamFlags
	cmd := &cobra.Command{
		Use:   "missed --team T",
		Short: "What happened in the team while you were away",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, team, err := openTeam(cmd.Context(), g, tf.team)
			if err != nil {
				return err
			}
			defer st.Close()
			who, err := session.TeamMember(team, session.LocalCaller(), tf.member(g))
			if err != nil {
				return err
			}
			h, err := session.LoadTeamHistory(cmd.Context(), st, team)
			if err != nil {
				return err
			}
			io.WriteString(cmd.OutOrStdout(), session.MissedText(h.Missed(who, "")))
			return nil
		},
	}
	tf.add(cmd)
	return cmd
}

// splitList splits a comma-separated list.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
