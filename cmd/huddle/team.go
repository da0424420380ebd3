package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"huddle/session"
)

func newTeamCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "team NAME [add NAME | remove NAME | rename OLD NEW | owner add KEY | owner remove KEY]",
		Short: "Show a team, change its roster, or name the SSH keys that own it",
		Long: `Show a team: its roster (and which SSH key speaks for each member), its
owners and its agreements. Or change it: add, remove or rename a member, or
add or remove an owner key.

A team created here belongs to whoever runs huddle on this data directory.
Over SSH only its owner keys change it: name them with owner add, giving
the key's fingerprint (ssh-keygen -lf KEY.pub shows it, as SHA256:…).`,
		Example: `  huddle team web
  huddle team web add Julia
  huddle team web rename Jörg Joerg
  huddle team web owner add SHA256:q0lM…`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			change, err := session.ParseTeamChange(args[1:])
			if err != nil {
				return err
			}
			st, err := openStore(g.dataDir)
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
}
