package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/session/export"
)

func newImportCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Load a session's JSON record into the store",
		Long: `Load a session from its JSON record (huddle export --format json) into the
store, for example to move it from another machine or server. FILE - reads
standard input.

The record is checked whole before anything is stored: a malformed record,
one of a newer version than this huddle reads, one whose events do not
follow each other or whose metadata or state disagree with its events, one
whose events fold into a session that huddle would never have made (say, a
speaker's turn past the end of the speaking order), and one holding a
session (id or join code) that the store already has are refused with a
message saying why, and the store is left as it was.

The session keeps its id, join code and times. Its team is created with the
roster and agreements the session started with, unless the store has a team
of that name already, which is left as it is. See docs/record.md for the
record's format.`,
		Example: `  # on the old machine
  huddle export last --format json -o standup.json
  # on the new one
  huddle import standup.json`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true, // a refused record is no usage error
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.Context(), *g, args[0], cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
}

// runImport reads the record in file (- for in) and stores its session.
func runImport(ctx context.Context, g globalFlags, file string, in io.Reader, out io.Writer) error {
	name := file
	if file == "-" {
		name = "standard input"
	} else {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		in = f
	}
	doc, err := io.ReadAll(io.LimitReader(in, export.MaxRecordSize+1))
	if err != nil {
		return fmt.Errorf("import %s: %w; nothing was imported", name, err)
	}
	if export.IsDecisionLog(doc) {
		return importTeamLog(ctx, g, name, doc, out)
	}
	rec, err := export.ReadRecord(bytes.NewReader(doc))
	if err == nil {
		// Events that each make sense can still fold into a session no
		// room would have made (a speaker past the end of the order, a
		// card in no column), which a room must not be given.
		err = rec.State.Validate()
	}
	if err != nil {
		return fmt.Errorf("import %s: %w; nothing was imported", name, err)
	}
	// Import writes the team as well as the session: not beside a server
	// that may be changing the same team. (After ReadRecord: a refused
	// record creates nothing, not even the directory.)
	st, done, err := openLocked(ctx, g.where(), "huddle import")
	if err != nil {
		return err
	}
	defer done()
	if err := importRecord(ctx, st, rec); err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	fmt.Fprintf(out, "imported %s\n", describe(rec.Info))
	return nil
}

// describe names an imported session for people: "the stand-up of
// musicstore from Wed 25 Nov 2026, 143 events".
func describe(info session.Info) string {
	s := fmt.Sprintf("the %s of %s from %s, %d events", info.Kind.Noun(), info.Team,
		info.Created.Local().Format("Mon 2 Jan 2006"), info.Events)
	if info.Ended.IsZero() {
		s += " (unfinished)"
	}
	return s
}

// importRecord stores a checked record's session: its first event with
// Create, the rest with one Append, then its team if the store has none
// of that name. A session id or join code the store already has is an
// ErrConflict error, and then nothing changes.
func importRecord(ctx context.Context, st session.Store, rec export.Record) error {
	info := rec.Info
	if have, err := st.Session(ctx, info.ID); err == nil {
		return fmt.Errorf("%w: already imported: the store already has session %s, %s; nothing was imported",
			session.ErrConflict, info.ID, describe(have))
	} else if !errors.Is(err, session.ErrNotFound) {
		return err
	}
	if have, err := st.SessionByCode(ctx, info.Code); err == nil {
		return fmt.Errorf("%w: the join code %s is taken by session %s in this store, %s; nothing was imported",
			session.ErrConflict, info.Code, have.ID, describe(have))
	} else if !errors.Is(err, session.ErrNotFound) {
		return err
	}
	if err := st.Create(ctx, info, rec.Events[0]); err != nil {
		if errors.Is(err, session.ErrConflict) {
			return fmt.Errorf("already imported: %w; nothing was imported", err)
		}
		return fmt.Errorf("%w; nothing was imported", err)
	}
	if err := appendRest(ctx, st, rec); err != nil {
		return err
	}
	if err := session.NewTeams(st, nil).Adopt(ctx, rec.Events[0].Payload.(*session.Created)); err != nil {
		return fmt.Errorf("session %s was imported, but its team %s could not be stored: %w", info.ID, info.Team, err)
	}
	return nil
}

// appendRest stores a created session's events after the first.
func appendRest(ctx context.Context, st session.Store, rec export.Record) error {
	if len(rec.Events) > 1 {
		if err := st.Append(ctx, rec.Info.ID, rec.Events[1:]...); err != nil {
			// The store has no way to take the session back: say so.
			return fmt.Errorf("session %s was created, but its events after the first could not be stored: %w", rec.Info.ID, err)
		}
	}
	return nil
}
