package main

import (
	"io"
	"time"

	"github.com/spf13/cobra"

	"huddle/session"
)

type retroFlags struct {
	common      standupFlags
	format      string
	columns     []string
	votes       int
	voteCap     int
	topic       time.Duration
	phases      string
	anonymous   bool
	autoAdvance bool
	esvp        bool
}

func newRetroCmd(g *globalFlags, in io.Reader, out io.Writer) *cobra.Command {
	var rf retroFlags
	cmd := &cobra.Command{
		Use:   "retro",
		Short: "Open (or resume) a team's retrospective",
		Long: `Open a retrospective for a team, in the five phases of Agile Retrospectives:
check in, review earlier action items, write cards in silence, group them,
dot-vote, discuss topic by topic, agree action items, and close with a ROTI.
Each phase is time-boxed; the facilitator moves on with n. huddle formats
lists the boards.

At the shared keyboard the facilitator types cards on behalf of the others.
With --anonymous the store keeps no author for cards and votes (see the
README).`,
		Example: `  huddle retro --team musicstore --format 4ls
  huddle retro --team musicstore --format custom --columns "Keep,Drop,Try" --votes 5 --anonymous`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rf.common.given, rf.common.flags = cmd.Flags().Changed, cmd.Flags()
			return runRetro(cmd, *g, rf, in, out)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&rf.common.team, "team", "t", "", "the team (default: the last team used)")
	fs.StringSliceVarP(&rf.common.members, "members", "m", nil, "the team's roster, comma-separated; replaces the stored one")
	fs.StringArrayVar(&rf.common.agreements, "agreement", nil, "a working agreement (repeat the flag; replaces the stored ones)")
	fs.StringVar(&rf.common.at, "at", "", "scheduled start, HH:MM today, or HH:MM ZONE like \"10:00 Europe/Berlin\" (default: the team's last, else none)")
	fs.DurationVar(&rf.common.timebox, "timebox", 0, "the time-box of the whole retrospective (default: the team's last, else the sum of its phases)")
	fs.BoolVar(&rf.common.resume, "resume", false, "resume the team's unfinished retrospective without asking")
	fs.BoolVar(&rf.common.fresh, "new", false, "end the team's unfinished retrospective, if any, and open a new one")
	fs.BoolVar(&rf.common.plain, "plain", false, plainUsage)
	fs.StringVarP(&rf.format, "format", "f", "start-stop-continue", "the board: see huddle formats; the team's last if not given")
	fs.StringSliceVar(&rf.columns, "columns", nil, "the columns of a custom format, e.g. \"Keep,Drop,Try\"")
	fs.IntVar(&rf.votes, "votes", session.DefaultVoteBudget, "dots per person; the team's last if not given")
	fs.IntVar(&rf.voteCap, "vote-cap", 0, "most dots one person may put on one topic (0: no cap)")
	fs.DurationVar(&rf.topic, "topic", session.DefaultTopicBox, "the time-box of each discussed topic; the team's last if not given")
	fs.StringVar(&rf.phases, "phases", "", "the time-boxes of phases, e.g. \"write=10m,vote=5m\" (defaults: the team's last, else check-in 5m, review 5m, write 7m, group 5m, vote 3m, actions 7m, roti 3m)")
	fs.BoolVar(&rf.anonymous, "anonymous", false, "store no author for cards and votes")
	fs.BoolVar(&rf.autoAdvance, "auto-advance", false, "end a phase when everyone present is done, or its time-box runs out")
	fs.BoolVar(&rf.esvp, "esvp", false, "check in with the anonymous ESVP poll instead of one word")
	addThemeFlag(cmd, &g.theme, "the look of the screen")
	cmd.MarkFlagsMutuallyExclusive("resume", "new")
	hideZeroDefaults(fs)
	return cmd
}

func runRetro(cmd *cobra.Command, g globalFlags, rf retroFlags, in io.Reader, out io.Writer) error {
	o, err := rf.common.opening(g, session.Retro)
	if err != nil {
		return err
	}
	if o.Format, err = session.ParseFormat(rf.format); err != nil {
		return err
	}
	if o.Phases, err = session.ParsePhaseBoxes(rf.phases); err != nil {
		return err
	}
	o.Columns, o.Votes, o.VoteCap, o.Topic = rf.columns, rf.votes, rf.voteCap, rf.topic
	o.Anonymous, o.AutoAdvance, o.ESVP = rf.anonymous, rf.autoAdvance, rf.esvp
	return runLocal(cmd.Context(), g, rf.common, o, in, out)
}

func newFormatsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "formats",
		Short: "List the retrospective formats, with one line of guidance each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(cmd.OutOrStdout(), session.FormatList())
			return err
		},
	}
}
