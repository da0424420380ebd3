package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/tui"
)

func newReplayCmd(g *globalFlags, in io.Reader, out io.Writer) *cobra.Command {
	var speed float64
	cmd := &cobra.Command{
		Use:   "replay [SESSION]",
		Short: "Play a recorded session back in the terminal, read-only",
		Long: `Play a recorded stand-up or retrospective back in the same screens it was
held in, as an observer saw them, read-only, at a chosen speed.

SESSION is a session id (the summary screen shows it), a join code, or
last for the newest session of any team, which is the default.

--speed is how many recorded seconds pass in a real second: 10 plays a
15-minute stand-up in a minute and a half. The replay starts playing at
once. Keys:

  space   pause, play (at the end: play again from the start)
  → / l   step one event (and pause)
  ← / h   back one event (and pause)
  [ / ]   the start of the previous / next phase
  + / -   double / halve the speed
  ↑ / ↓   scroll the summary
  q       quit`,
		Example: `  # the last session, ten times as fast
  huddle replay

  # a session by its join code, in real time
  huddle replay maple-otter-kite-40721 --speed 1`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := "last"
			if len(args) > 0 {
				ref = args[0]
			}
			if math.IsNaN(speed) || speed <= 0 || speed > tui.MaxReplaySpeed {
				return fmt.Errorf("%w: --speed %v: want more than 0 and at most %d", session.ErrInvalid, speed, tui.MaxReplaySpeed)
			}
			return runReplay(cmd.Context(), g.where(), ref, speed, g.theme, in, out)
		},
	}
	cmd.Flags().Float64Var(&speed, "speed", 10, "recorded seconds per real second, more than 0 and at most 1000")
	addThemeFlag(cmd, &g.theme, "the look of the screen")
	return cmd
}

// runReplay loads a session's events from the store and plays them back
// until the user quits.
func runReplay(ctx context.Context, w storeAt, ref string, speed float64, theme tui.Theme, in io.Reader, out io.Writer) error {
	info, events, err := loadSession(ctx, w, ref)
	if errors.Is(err, session.ErrNotFound) && !strings.EqualFold(ref, "last") {
		return fmt.Errorf("%w: no session %q (huddle history lists them)", session.ErrNotFound, ref)
	}
	if err != nil {
		return err
	}
	if len(events) == 0 {
		return fmt.Errorf("%w: session %s has no events to replay", session.ErrNotFound, info.ID)
	}
	player := session.NewPlayer(info.ID, events)
	defer player.Close()
	model := tui.NewReplay(player, speed, theme)
	defer model.Close()
	p := tea.NewProgram(model, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("run the interface: %w", err)
	}
	return nil
}
