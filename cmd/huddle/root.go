package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"huddle/session"
	"huddle/tui"
)

// standupFlags are the flags that shape a new stand-up.
type standupFlags struct {
	team       string
	members    []string
	agreements []string
	at         string
	order      string
	turn       time.Duration
	timebox    time.Duration
	resume     bool
	fresh      bool
	plain      bool                   // the session as lines (--plain, TERM=dumb; see plain.go)
	given      func(flag string) bool // whether a flag was given; nil: none (see differences)
	flags      *pflag.FlagSet         // the parsed flags, to name one in an error; nil: --name
}

// name is how an error names a flag: --turn, or HUDDLE_TURN when the
// environment set it.
func (f *standupFlags) name(flag string) string {
	if f.flags == nil {
		return "--" + flag
	}
	return flagName(f.flags, flag)
}

// flagOf is the flag that gives an opening's field here: the operator at
// the keyboard facilitates, under --name.
func flagOf(field string) string {
	if field == session.FieldFacilitator {
		return "name"
	}
	return field
}

// givenField reports whether the flag of an opening's field was given,
// on the command line or in the environment: those win over what the
// team remembers.
func (f *standupFlags) givenField(field string) bool {
	return f.given != nil && f.given(flagOf(field))
}

// opening is the session the flags ask for; only the fields whose flags
// were given count (givenField).
func (f *standupFlags) opening(g globalFlags, kind session.Kind) (session.Opening, error) {
	o := session.Opening{Kind: kind, Team: f.team, Members: f.members, Agreements: f.agreements,
		Facilitator: g.name, At: f.at, Timebox: f.timebox, Turn: f.turn}
	if kind == session.Standup {
		order, err := session.ParseOrder(f.order)
		if err != nil {
			return o, err
		}
		o.Order = order
	}
	return o, nil
}

// check refuses flag values that cannot make a good session, before
// anything is stored, as session.Opening.Validate does: it checks the
// given flags over the kind's defaults (the team, unknown yet, is checked
// when it is; see resolveTeam).
func (f *standupFlags) check(o session.Opening) error {
	full := session.DefaultOpening(o.Kind, "", session.Defaults{})
	full.Override(o, f.givenField)
	if session.CleanName(full.Team) == "" {
		full.Team = "-"
	}
	return f.explain(full.Validate())
}

// explain names the flags of a session.FieldError as they were given:
// --turn, or HUDDLE_TURN.
func (f *standupFlags) explain(err error) error {
	var fe *session.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("%w: %s", session.ErrInvalid, fe.Say(func(field string) string { return f.name(flagOf(field)) }))
}

// fmtDuration writes d as people type it: 2m, 1h30m, 90s, 1ms.
func fmtDuration(d time.Duration) string { return session.FmtDuration(d) }

func (f *standupFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVarP(&f.team, "team", "t", "", "the team (default: the last team used)")
	fs.StringSliceVarP(&f.members, "members", "m", nil, "the team's roster, comma-separated; replaces the stored one")
	fs.StringArrayVar(&f.agreements, "agreement", nil, "a working agreement shown in the waiting room (repeat the flag; replaces the stored ones)")
	fs.StringVar(&f.at, "at", "", "scheduled start, HH:MM today, or HH:MM ZONE like \"10:00 Europe/Berlin\"; arrivals after it count as late (default: the team's last, else none: lateness counts from the start)")
	fs.StringVar(&f.order, "order", "join", "speaking order: join, random or alpha; the team's last if not given")
	fs.DurationVar(&f.turn, "turn", 0, "the time-box of each turn, e.g. 2m (default: the team's last, else the time-box divided among those present)")
	fs.DurationVar(&f.timebox, "timebox", session.DefaultStandupBox, "the time-box of the whole stand-up; the team's last if not given")
	fs.BoolVar(&f.resume, "resume", false, "resume the team's unfinished stand-up without asking")
	fs.BoolVar(&f.fresh, "new", false, "end the team's unfinished stand-up, if any, and open a new one")
	fs.BoolVar(&f.plain, "plain", false, plainUsage)
	cmd.MarkFlagsMutuallyExclusive("resume", "new")
	hideZeroDefaults(fs)
}

// hideZeroDefaults keeps the help from showing "(0s)" as a duration's
// default where 0 means "not given" (the help says what then happens).
func hideZeroDefaults(fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Value.Type() == "duration" && f.DefValue == "0s" {
			f.DefValue = ""
		}
	})
}

// globalFlags apply to every command.
type globalFlags struct {
	dataDir   string
	name      string
	exportDir string
	notify    []string // --notify: webhook URLs
	onEnd     string   // --on-end: a command line
	// database is a PostgreSQL URL (--database); empty: SQLite in
	// dataDir. databaseFlag names where it came from, for errors.
	database     string
	databaseFlag string

	theme tui.Theme // --theme, for the commands that draw the interface (theme.go)
}

func newRootCmd(in io.Reader, out io.Writer) *cobra.Command {
	var g globalFlags
	var sf standupFlags
	root := &cobra.Command{
		Use:   "huddle",
		Short: "Time-boxed stand-ups with a parking lot, in the terminal",
		Long: `huddle runs your team's daily stand-up in the terminal: a waiting room that
shows who is here and who is missing, one time-boxed turn per person, a
parking lot for topics that go too deep, and a summary at the end. Every
session is recorded in an embedded database in the data directory, or
with --database (HUDDLE_DATABASE=postgres://…) in a PostgreSQL database
that several huddle serve nodes share.

Run plain huddle to open a stand-up for the last team you used (the first
time, it asks for the team and its members). Quitting mid-session is safe:
run huddle again to resume where you were, timers included.

Every flag can also be set with an environment variable: HUDDLE_ and the
flag's name in capitals, e.g. HUDDLE_DATA_DIR or HUDDLE_TIMEBOX.`,
		Example: `  # the first time: create the team and open its stand-up
  huddle standup --team musicstore --members "Lukas,Christian,Julia,Jörg" --at 10:00

  # every day after that
  huddle`,
		Args: cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			err := applyEnv(cmd)
			g.databaseFlag = flagName(cmd.Flags(), "database")
			return err
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			sf.given, sf.flags = cmd.Flags().Changed, cmd.Flags()
			return runStandup(cmd.Context(), g, sf, in, out)
		},
	}
	root.SetIn(in)
	root.SetOut(out)
	root.PersistentFlags().StringVar(&g.dataDir, "data-dir", defaultDataDir(), "where huddle keeps its database")
	root.PersistentFlags().StringVar(&g.database, "database", "", "keep everything in this PostgreSQL database, postgres://user@host:5432/db, shared by several huddle serve nodes; or set HUDDLE_DATABASE, which keeps the password out of the process list (default: SQLite in the data directory)")
	root.PersistentFlags().StringVar(&g.name, "name", "", "your display name as facilitator (default: the name the team's last session had, else your OS user name)")
	root.PersistentFlags().StringVar(&g.exportDir, "export-dir", "", "when a session ends, write its minutes (.md) and record (.json) into this directory")
	root.PersistentFlags().StringArrayVar(&g.notify, "notify", nil, "post to this incoming webhook (Slack, Mattermost, Teams) when a session opens and when it ends (repeat the flag; HUDDLE_NOTIFY takes URLs separated by spaces)")
	root.PersistentFlags().StringVar(&g.onEnd, "on-end", "", "when a session ends, run this command with its JSON record on stdin (words split as a shell would, run without one)")
	sf.add(root)
	addThemeFlag(root, &g.theme, "the look of the screen")
	root.AddCommand(newStandupCmd(&g, in, out), newTeamsCmd(&g), newTeamCmd(&g), newExportCmd(&g), newServeCmd(&g), newRetroCmd(&g, in, out), newFormatsCmd(),
		newHistoryCmd(&g), newShowCmd(&g, in, out), newReplayCmd(&g, in, out), newImportCmd(&g))
	root.AddCommand(newDeleteCmd(&g, in), newPurgeCmd(&g), newForgetCmd(&g, in))
	root.AddCommand(newDecideCmd(&g), newDecisionsCmd(&g), newAckCmd(&g), newReviewCmd(&g), newMissedCmd(&g), newPrepCmd(&g), newAwayCmd(&g))
	root.AddCommand(newTrendsCmd(&g))
	root.AddCommand(newActionsCmd(&g))
	root.AddCommand(newICSCmd(&g))
	root.AddCommand(newMigrateCmd(&g))
	return root
}

func newStandupCmd(g *globalFlags, in io.Reader, out io.Writer) *cobra.Command {
	var sf standupFlags
	cmd := &cobra.Command{
		Use:   "standup",
		Short: "Open (or resume) a team's stand-up, creating or updating the team",
		Long: `Open a stand-up for a team. With --members (and --agreement) the team is
created or updated first. If the team has an unfinished stand-up, huddle
offers to resume it; --resume and --new decide without asking.`,
		Example: `  huddle standup --team musicstore --members "Lukas,Christian,Julia,Jörg" \
      --agreement "Be on time" --agreement "Decide together" --at 10:00 --turn 2m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sf.given, sf.flags = cmd.Flags().Changed, cmd.Flags()
			return runStandup(cmd.Context(), *g, sf, in, out)
		},
	}
	sf.add(cmd)
	addThemeFlag(cmd, &g.theme, "the look of the screen")
	return cmd
}

func newTeamsCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "teams",
		Short: "List the teams with their members and agreements",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openDatabase(cmd.Context(), g.where())
			if err != nil {
				return err
			}
			defer st.Close()
			teams, err := st.Teams(cmd.Context())
			if err != nil {
				return err
			}
			if len(teams) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No teams yet. Create one with: huddle standup --team NAME --members A,B,C")
			}
			for _, t := range teams {
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n  members:    %s\n", t.Name, joinOr(t.Members, "none"))
				fmt.Fprintf(cmd.OutOrStdout(), "  agreements: %s\n", joinOr(t.Agreements, "none"))
			}
			return nil
		},
	}
}
