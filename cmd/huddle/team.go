package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"huddle/session"
)

func newTeamCmd(g *globalFlags) *cobra.Command {
	var standup, retro string
	cmd := &cobra.Command{
		Use:   "team NAME [add NAME | remove NAME | rename OLD NEW | owner add KEY | owner remove KEY | --standup SCHEDULE | --retro SCHEDULE]",
		Short: "Show a team, change its roster or schedule, or name the SSH keys that own it",
		Long: `Show a team: its roster (and which SSH key speaks for each member), its
owners and its agreements. Or change it: add, remove or rename a member, or
add or remove an owner key.

A team created here belongs to whoever runs huddle on this data directory.
Over SSH only its owner keys change it: name them with owner add, giving
the key's fingerprint (ssh-keygen -lf KEY.pub shows it, as SHA256:…).

--standup and --retro set when the team's sessions recur: DAYS[/WEEKS]
HH:MM ZONE, such as "Mon-Fri 10:00 Europe/Berlin" or "Fri/2 14:00
Europe/Berlin" (every second Friday, counting from this week; add "from
YYYY-MM-DD" to count from another). "off" removes one. huddle serve opens
a scheduled session at its time; huddle ics writes the schedule as a
calendar.`,
		Example: `  huddle team web
  huddle team web add Julia
  huddle team web rename Jörg Joerg
  huddle team web owner add SHA256:q0lM…
  huddle team web --standup "Mon-Fri 10:00 Europe/Berlin" --retro "Fri/2 14:00 Europe/Berlin"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			words := args[1:]
			// The schedule flags are read as over SSH, where they are words.
			var flags []string
			if cmd.Flags().Changed("standup") {
				flags = append(flags, "--standup", standup)
			}
			if cmd.Flags().Changed("retro") {
				flags = append(flags, "--retro", retro)
			}
			if len(flags) > 0 && len(words) > 0 {
				return errors.New("change the roster and the schedule one at a time")
			}
			change, err := session.ParseTeamChange(append(words, flags...))
			if err != nil {
				return err
			}
			st, err := openDatabase(cmd.Context(), g.where())
			if err != nil {
				return err
			}
			defer st.Close()
			teams := session.NewTeams(st, nil)
			var team session.Team
			if change == nil {
				team, err = teams.Team(cmd.Context(), args[0])
				if errors.Is(err, session.ErrNotFound) {
					return fmt.Errorf("no team is called %s; create one with: huddle standup --team %s --members A,B,C",
						session.CleanName(args[0]), session.CleanName(args[0]))
				}
			} else {
				team, err = teams.Change(cmd.Context(), session.LocalCaller(), args[0], change)
			}
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), strings.ReplaceAll(session.DescribeTeam(team, ""), " (no key yet: the first key that joins as", " (no key yet: the first SSH key that joins as"))
			return nil
		},
	}
	cmd.Flags().StringVar(&standup, "standup", "", `when the team's stand-ups recur, e.g. "Mon-Fri 10:00 Europe/Berlin"; off removes it`)
	cmd.Flags().StringVar(&retro, "retro", "", `when the team's retrospectives recur, e.g. "Fri/2 14:00 Europe/Berlin"; off removes it`)
	return cmd
}
