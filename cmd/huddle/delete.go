package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"huddle/session"
)

// confirm asks a yes/no question on a terminal. Without one it refuses,
// naming the flag that answers yes.
func confirm(in io.Reader, out io.Writer, question string) error {
	if !isTerminal(in) {
		return errors.New("not asking for confirmation without a terminal: add --yes")
	}
	fmt.Fprint(out, promptStyle.Render(question+" [y/N]")+" ")
	line, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return errors.New("nothing deleted")
	}
	return nil
}

// sessionLabel names a session for a person: kind, team and date.
func sessionLabel(info session.Info) string {
	return fmt.Sprintf("the %s of %s on %s (%s)", info.Kind.Noun(), info.Team,
		info.Created.Local().Format("Mon 2 Jan 2006 15:04"), info.ID)
}

func newDeleteCmd(g *globalFlags, in io.Reader) *cobra.Command {
	var force, yes bool
	cmd := &cobra.Command{
		Use:   "delete SESSION",
		Short: "Delete a session and everything recorded in it, for good",
		Long: `Delete one session for good: its events (everything said and decided in
it), its join code and its secret. SESSION is a session id or a join code.
The database is rewritten so that nothing of it stays in the file or its
log. Files exported earlier are not touched.

A session that has not ended may still be live: it is refused unless
--force. On a terminal huddle asks first; --yes answers for you.`,
		Example: `  huddle delete maple-otter-kite-40721
  huddle delete 7yq3d2mkxa5ha4vh --force --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, done, err := openLocked(cmd.Context(), g.where(), "huddle delete")
			if err != nil {
				return err
			}
			defer done()
			ctx := cmd.Context()
			info, err := findSession(ctx, st, args[0])
			if err != nil {
				return err
			}
			if info.Ended.IsZero() && !force {
				return fmt.Errorf("%s has not ended and may be live: end it first, or add --force", sessionLabel(info))
			}
			if !yes {
				if err := confirm(in, cmd.OutOrStdout(), "Delete "+sessionLabel(info)+" for good?"); err != nil {
					return err
				}
			}
			if err := st.DeleteSessions(ctx, info.ID); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted %s.\n", sessionLabel(info))
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "also delete a session that has not ended")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func newPurgeCmd(g *globalFlags) *cobra.Command {
	var team, olderThan string
	var allTeams, dryRun bool
	cmd := &cobra.Command{
		Use:   "purge --team T --older-than AGE",
		Short: "Delete a team's ended sessions older than an age, for good",
		Long: `Delete for good every ended session of a team created longer ago than
AGE: days (180d), weeks (26w) or a Go duration (72h). Unfinished sessions
are kept (huddle delete --force removes one). --dry-run lists what would
go and deletes nothing. Without --team, --all-teams purges every team.

What a purged session left open and carried over to a later session (a
parked topic, an action item) stays in that later session's record.
Files exported earlier are not touched. huddle serve --retention AGE
purges every team daily.`,
		Example: `  huddle purge --team musicstore --older-than 180d --dry-run
  huddle purge --all-teams --older-than 26w`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if team == "" && !allTeams {
				return errors.New("which team? add --team T, or --all-teams to purge every team")
			}
			if team != "" && allTeams {
				return errors.New("--team and --all-teams exclude each other: choose one")
			}
			if olderThan == "" {
				return errors.New("how old? add --older-than AGE, like 180d")
			}
			age, err := parseAge(olderThan)
			if err != nil {
				return fmt.Errorf("--older-than: %w", err)
			}
			st, done, err := openLocked(cmd.Context(), g.where(), "huddle purge")
			if err != nil {
				return err
			}
			defer done()
			p, err := purge(cmd.Context(), st, team, time.Now().Add(-age), dryRun)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			verb := "Deleted"
			if dryRun {
				verb = "Would delete"
			}
			for _, info := range p.gone {
				fmt.Fprintf(out, "%s %s\n", verb, sessionLabel(info))
			}
			fmt.Fprintf(out, "%s %d %s older than %s.\n", verb, len(p.gone), plural(len(p.gone), "session"), olderThan)
			if p.kept > 0 {
				fmt.Fprintf(out, "Kept %d unfinished %s as old (huddle delete --force removes one).\n", p.kept, plural(p.kept, "session"))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&team, "team", "t", "", "the team whose sessions to purge")
	cmd.Flags().BoolVar(&allTeams, "all-teams", false, "purge the sessions of every team")
	cmd.Flags().StringVar(&olderThan, "older-than", "", "delete sessions created longer ago than this: 180d, 26w or 72h")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be deleted, delete nothing")
	return cmd
}

func newForgetCmd(g *globalFlags, in io.Reader) *cobra.Command {
	var team string
	var yes bool
	cmd := &cobra.Command{
		Use:   "forget NAME --team T",
		Short: "Replace a person's name with a pseudonym in all of a team's records",
		Long: `Forget a person: in every record of the team their name becomes a
pseudonym ("former member 3") — as participant, facilitator, author of
cards and parked topics, speaker of blockers, owner of action items, in
who was present at or absent from decisions, in check-ins, on the team's
roster, and where what people typed mentions the name as a word. Their
SSH key binding is removed and their key fingerprint dropped. The stored
events themselves are rewritten (and the old bytes erased), so minutes and
records exported afterwards show the pseudonym. Files exported earlier are
not touched.

On a terminal huddle asks first; --yes answers for you.`,
		Example: `  huddle forget Lukas --team musicstore`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if team == "" {
				return errors.New("which team? add --team T")
			}
			st, done, err := openLocked(cmd.Context(), g.where(), "huddle forget")
			if err != nil {
				return err
			}
			defer done()
			ctx := cmd.Context()
			if _, err := st.Team(ctx, team); err != nil {
				return fmt.Errorf("%w (huddle teams lists them)", err)
			}
			if !yes {
				if err := confirm(in, cmd.OutOrStdout(), fmt.Sprintf("Replace %s with a pseudonym in every record of %s, for good?", args[0], team)); err != nil {
					return err
				}
			}
			f, err := session.ForgetPerson(ctx, st, team, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is now %q in %d %s of %s (%d %s changed, %d key %s removed).\n",
				session.CleanName(args[0]), f.Pseudonym, f.Sessions, plural(f.Sessions, "session"), team,
				f.Events, plural(f.Events, "event"), f.Keys, plural(f.Keys, "binding"))
			fmt.Fprintf(cmd.OutOrStdout(), "Exports written before now still hold the name: delete them too.\n")
			return nil
		},
	}
	cmd.Flags().StringVarP(&team, "team", "t", "", "the team whose records to change")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// parseAge reads an age: days (180d), weeks (26w) or a Go duration
// (72h, 90m). It must be positive.
func parseAge(s string) (time.Duration, error) {
	const hint = "want an age like 180d, 26w or 72h"
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: empty age: %s", session.ErrInvalid, hint)
	}
	var d time.Duration
	if n, unit := s[:len(s)-1], s[len(s)-1]; unit == 'd' || unit == 'w' {
		v, err := strconv.Atoi(n)
		if err != nil || v <= 0 || v > 100*366 {
			return 0, fmt.Errorf("%w: %q: %s", session.ErrInvalid, s, hint)
		}
		d = time.Duration(v) * 24 * time.Hour
		if unit == 'w' {
			d *= 7
		}
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%w: %q: %s", session.ErrInvalid, s, hint)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%w: %q: the age must be positive: %s", session.ErrInvalid, s, hint)
	}
	return d, nil
}

// purged is what a purge deleted (or would delete), and how many
// unfinished sessions as old it kept.
type purged struct {
	gone []session.Info
	kept int
}

// purge deletes the ended sessions of a team (every team if team is
// empty) created before cutoff, all in one go; with dryRun it only lists
// them.
func purge(ctx context.Context, st session.Store, team string, cutoff time.Time, dryRun bool) (purged, error) {
	infos, err := st.Sessions(ctx, session.Filter{Team: team})
	if err != nil {
		return purged{}, err
	}
	var p purged
	var ids []string
	for _, info := range infos {
		if !info.Created.Before(cutoff) {
			continue
		}
		if info.Ended.IsZero() {
			p.kept++
			continue
		}
		p.gone = append(p.gone, info)
		ids = append(ids, info.ID)
	}
	if dryRun || len(ids) == 0 {
		return p, nil
	}
	if err := st.DeleteSessions(ctx, ids...); err != nil {
		return purged{}, err
	}
	return p, nil
}

// retentionEvery is how often huddle serve --retention purges.
const retentionEvery = 24 * time.Hour

// keepFor purges every team's ended sessions older than age: once at
// once, then every retentionEvery on the clock, until ctx ends. after,
// if not nil, is called after every purge. It returns when ctx ends.
func keepFor(ctx context.Context, st session.Store, clock session.Clock, age time.Duration, after func(purged, error)) {
	for {
		p, err := purge(ctx, st, "", clock.Now().Add(-age), false)
		if ctx.Err() != nil {
			return
		}
		t := clock.NewTimer(retentionEvery) // before after: a test sees the next purge scheduled
		if after != nil {
			after(p, err)
		}
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
	}
}

// startRetention runs keepFor in a goroutine that logs what it purged; the
// returned func stops it and waits for it. An age of 0 starts nothing.
func startRetention(ctx context.Context, st session.Store, age time.Duration, logger *log.Logger) (stop func()) {
	if age <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	logger.Info("ended sessions are deleted once they are older than the retention", "retention", age)
	go func() {
		defer close(done)
		keepFor(ctx, st, session.RealClock{}, age, func(p purged, err error) {
			if err != nil {
				logger.Error("retention: purge failed", "err", err)
			} else if len(p.gone) > 0 {
				logger.Info("retention: deleted old sessions", "sessions", len(p.gone))
			}
		})
	}()
	return func() { cancel(); <-done }
}
