package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"huddle/session"
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
	given      func(flag string) bool // whether a flag was given; nil: none (see differences)
	flags      *pflag.FlagSet         // the parsed flags, to name one in an error; nil: --name
}

// The durations a session may take: shorter or longer ones are typing
// mistakes (--turn 2 for 2m, --turn 99h, 1ms).
const (
	minTurn, maxTurn       = 10 * time.Second, time.Hour
	minTimebox, maxTimebox = time.Minute, 8 * time.Hour
	minTopic, maxTopic     = 30 * time.Second, 2 * time.Hour
)

// name is how an error names a flag: --turn, or HUDDLE_TURN when the
// environment set it.
func (f *standupFlags) name(flag string) string {
	if f.flags == nil {
		return "--" + flag
	}
	return flagName(f.flags, flag)
}

// check refuses flag values that cannot make a good session, naming the
// flag (or its environment variable) and saying what to give instead:
// names longer than session.MaxNameWidth columns, and durations out of
// bounds. A retrospective has no turns, and a time-box of 0 means the sum
// of its phases.
func (f *standupFlags) check(g globalFlags, kind session.Kind) error {
	if err := checkName(f.name("team"), f.team); err != nil {
		return err
	}
	for _, m := range f.members {
		if err := checkName(f.name("members"), m); err != nil {
			return err
		}
	}
	if err := checkName(f.name("name"), g.name); err != nil {
		return err
	}
	if kind == session.Retro {
		if f.timebox == 0 {
			return nil
		}
		return checkDuration(f.name("timebox"), f.timebox, minTimebox, maxTimebox, "the retrospective")
	}
	if err := checkDuration(f.name("timebox"), f.timebox, minTimebox, maxTimebox, "the stand-up"); err != nil {
		return err
	}
	if f.turn == 0 {
		return nil
	}
	if err := checkDuration(f.name("turn"), f.turn, minTurn, maxTurn, "a turn"); err != nil {
		return err
	}
	if f.turn > f.timebox {
		return fmt.Errorf("%w: %s %s is longer than the whole stand-up (%s %s); give a shorter turn or a longer time-box",
			session.ErrInvalid, f.name("turn"), fmtDuration(f.turn), f.name("timebox"), fmtDuration(f.timebox))
	}
	return nil
}

// checkName refuses a name that session.CheckName refuses, naming the flag.
func checkName(flag, name string) error {
	if _, err := session.CheckName(name); err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	return nil
}

// checkDuration refuses d outside [lo, hi], naming the flag and what the
// duration is of.
func checkDuration(flag string, d, lo, hi time.Duration, of string) error {
	if d < lo || d > hi {
		return fmt.Errorf("%w: %s %s: %s takes from %s to %s", session.ErrInvalid, flag, fmtDuration(d), of, fmtDuration(lo), fmtDuration(hi))
	}
	return nil
}

// fmtDuration writes d as people type it: 2m, 1h30m, 90s, 1ms.
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (f *standupFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVarP(&f.team, "team", "t", "", "the team (default: the last team used)")
	fs.StringSliceVarP(&f.members, "members", "m", nil, "the team's roster, comma-separated; replaces the stored one")
	fs.StringArrayVar(&f.agreements, "agreement", nil, "a working agreement shown in the waiting room (repeat the flag; replaces the stored ones)")
	fs.StringVar(&f.at, "at", "", "scheduled start, HH:MM today; arrivals after it count as late (default: none, lateness counts from the start)")
	fs.StringVar(&f.order, "order", "join", "speaking order: join, random or alpha")
	fs.DurationVar(&f.turn, "turn", 0, "time-box per turn, e.g. 2m (default: the time-box divided among those present)")
	fs.DurationVar(&f.timebox, "timebox", 15*time.Minute, "time-box of the whole stand-up")
	fs.BoolVar(&f.resume, "resume", false, "resume the team's unfinished stand-up without asking")
	fs.BoolVar(&f.fresh, "new", false, "end the team's unfinished stand-up, if any, and open a new one")
	cmd.MarkFlagsMutuallyExclusive("resume", "new")
}

// globalFlags apply to every command.
type globalFlags struct {
	dataDir   string
	name      string
	exportDir string
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
session is recorded in an embedded database in the data directory.

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
			return applyEnv(cmd)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			sf.given, sf.flags = cmd.Flags().Changed, cmd.Flags()
			return runStandup(cmd.Context(), g, sf, in, out)
		},
	}
	root.SetIn(in)
	root.SetOut(out)
	root.PersistentFlags().StringVar(&g.dataDir, "data-dir", defaultDataDir(), "where huddle keeps its database")
	root.PersistentFlags().StringVar(&g.name, "name", "", "your display name as facilitator (default: your OS user name)")
	root.PersistentFlags().StringVar(&g.exportDir, "export-dir", "", "when a session ends, write its minutes (.md) and record (.json) into this directory")
	sf.add(root)
	root.AddCommand(newStandupCmd(&g, in, out), newTeamsCmd(&g), newTeamCmd(&g), newExportCmd(&g), newServeCmd(&g), newRetroCmd(&g, in, out), newFormatsCmd(),
		newHistoryCmd(&g), newShowCmd(&g, in, out), newReplayCmd(&g, in, out), newImportCmd(&g))
	root.AddCommand(newDeleteCmd(&g, in), newPurgeCmd(&g), newForgetCmd(&g, in))
	root.AddCommand(newDecideCmd(&g), newDecisionsCmd(&g), newAckCmd(&g), newReviewCmd(&g), newMissedCmd(&g), newPrepCmd(&g), newAwayCmd(&g))
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
	return cmd
}

func newTeamsCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "teams",
		Short: "List the teams with their members and agreements",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStore(g.dataDir)
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

// parseAt reads a start time as HH:MM today, or RFC 3339. Empty means no
// scheduled start: lateness then counts from the actual start.
func parseAt(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("15:04", s, now.Location()); err == nil {
		return time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, now.Location()), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: --at %q: want HH:MM, like 10:00", session.ErrInvalid, s)
}
