package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"huddle/session"
)

func newPrepCmd(g *globalFlags) *cobra.Command {
	var tf teamFlags
	var pt session.PreparedText
	cmd := &cobra.Command{
		Use:   "prep standup --team T [--yesterday …] [--today …] [--blocker …]",
		Short: "Write your update for the team's next stand-up, which you will miss",
		Long: `Write your update for the team's next stand-up beforehand: in the rounds
your turn shows it (with when you wrote it) for the facilitator to read out
or skip, and your blockers are on the list from the start. If you come
after all and speak in your turn, what you say replaces it. A later update
replaces an earlier one.

Without flags, or besides them, the update is read from standard input
when it is not a terminal: lines starting with yesterday:, today: or
blocker: fill that part; any other line adds to today.`,
		Example: `  huddle prep standup --team musicstore --as Lukas --yesterday "fixed the build" --today "release" --blocker "no test device"
  printf 'today: release\nblocker: no test device\n' | huddle prep standup --team musicstore --as Lukas`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "standup" {
				return fmt.Errorf("%w: only a stand-up takes a prepared update: huddle prep standup --team T", session.ErrInvalid)
			}
			in := cmd.InOrStdin()
			if !isTerminal(in) {
				var err error
				if pt, err = session.ReadPrepared(in, pt); err != nil {
					return err
				}
			}
			st, team, err := openTeam(cmd.Context(), g, tf.team)
			if err != nil {
				return err
			}
			defer st.Close()
			u, err := session.PrepareUpdate(cmd.Context(), st, team, session.LocalCaller(), tf.member(g), pt.Yesterday, pt.Today, pt.Blockers, time.Now())
			if err != nil {
				return err
			}
			openNow, err := session.OpenStandup(cmd.Context(), st, team.Name)
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), session.PreparedReceipt(u, team.Name, openNow))
			return nil
		},
	}
	tf.add(cmd)
	cmd.Flags().StringVar(&pt.Yesterday, "yesterday", "", "what you did")
	cmd.Flags().StringVar(&pt.Today, "today", "", "what you will do")
	cmd.Flags().StringArrayVar(&pt.Blockers, "blocker", nil, "something in your way (repeat for several)")
	return cmd
}

func newAwayCmd(g *globalFlags) *cobra.Command {
	var tf teamFlags
	var from, until string
	var back bool
	cmd := &cobra.Command{
		Use:   "away --team T --until YYYY-MM-DD",
		Short: "Say beforehand that you will miss the team's sessions until a day",
		Long: `Say beforehand that you will miss the team's sessions from --from (default
today) until --until, both days included: the sessions opened for those
days show you as excused, not absent, and never count you late. --back
takes back an absence that has not ended.`,
		Example: `  huddle away --team musicstore --as Ben --until 2026-12-18
  huddle away --team musicstore --as Ben --back`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if back == (until != "") {
				return fmt.Errorf("%w: give --until YYYY-MM-DD, or --back", session.ErrInvalid)
			}
			if back && from != "" {
				return fmt.Errorf("%w: --back takes no --from", session.ErrInvalid)
			}
			st, team, err := openTeam(cmd.Context(), g, tf.team)
			if err != nil {
				return err
			}
			defer st.Close()
			w, err := session.GoAway(cmd.Context(), st, team, session.LocalCaller(), tf.member(g), from, until, time.Now(), time.Local)
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), session.AwayReceipt(w, team.Name))
			return nil
		},
	}
	tf.add(cmd)
	cmd.Flags().StringVar(&from, "from", "", "the first day away, YYYY-MM-DD (default: today)")
	cmd.Flags().StringVar(&until, "until", "", "the last day away, YYYY-MM-DD")
	cmd.Flags().BoolVar(&back, "back", false, "take back an absence that has not ended")
	return cmd
}
