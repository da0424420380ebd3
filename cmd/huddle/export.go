package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/session/export"
)

func newExportCmd(g *globalFlags) *cobra.Command {
	var format, output string
	var bom bool
	cmd := &cobra.Command{
		Use:   "export [SESSION]",
		Short: "Write the minutes, the record, an HTML page or the action items of a session",
		Long: `Write a recorded session as Markdown minutes, a JSON record, one HTML
file with the minutes and charts, or the action items as CSV.

SESSION is a session id (the summary screen shows it), a join code, or
last for the newest session of any team, which is the default.

The Markdown minutes (--format md) show the attendance (on time, late by
N min, absent), each turn against its time-box, the blockers, the parking
lot with what became of each topic, and the decisions with who was present
and who was absent. They render on GitHub and in most Markdown viewers;
what people typed is escaped, so it shows as typed. Times are in the local
time zone.

The JSON record (--format json) holds every event of the session and its
final state, so that another program (or a later huddle) can rebuild the
session from it; docs/record.md documents it, and huddle import loads it.
Its "huddle_record" field is the version of the format.

The HTML page (--format html) needs nothing else to show: it works offline
and prints well. The CSV (--format csv) lists the action items, one a row,
for a tracker. It is UTF-8; add --bom for Excel on Windows, which reads
UTF-8 only after a byte order mark (without it, "Åsa" shows as "Ã…sa").

Without -o the export goes to standard output. With -o FILE it is written
to a temporary file next to FILE and renamed over it only once complete,
so a failed export never leaves half a file; like the database, the file
is readable by you only (0600). With -o and no --format, the FILE's ending
(.json, .html, .csv) picks the format.`,
		Example: `  # the minutes of the last stand-up, on screen
  huddle export

  # into a file, to paste into the team's wiki
  huddle export last -o standup.md

  # the record of a session by its join code, for archiving
  huddle export maple-otter-kite-40721 --format json -o standup.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := "last"
			if len(args) > 0 {
				ref = args[0]
			}
			if ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(output), ".")); !cmd.Flags().Changed("format") && slices.Contains(export.Formats, ext) {
				format = ext
			}
			if !slices.Contains(export.Formats, format) {
				return fmt.Errorf("%w: unknown format %q (want %s)", session.ErrInvalid, format, strings.Join(export.Formats, ", "))
			}
			if bom && format != "csv" {
				return fmt.Errorf("%w: --bom goes with --format csv", session.ErrInvalid)
			}
			info, events, err := loadSession(cmd.Context(), g.where(), ref)
			if err != nil {
				return err
			}
			encode := func(w io.Writer) error { return export.Write(w, format, info, events) }
			if bom {
				encode = func(w io.Writer) error { return export.CSVWithBOM(w, session.Fold(info.ID, events)) }
			}
			if output == "" || output == "-" {
				return encode(cmd.OutOrStdout())
			}
			return writeFileAtomic(output, encode)
		},
	}
	cmd.Flags().StringVar(&format, "format", "md", "md (Markdown minutes), json (the full record), html (minutes with charts, one file) or csv (action items)")
	cmd.Flags().BoolVar(&bom, "bom", false, "csv: start with a UTF-8 byte order mark, for Excel on Windows")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output (- is standard output)")
	return cmd
}

// loadSession finds a session in the store (see
// findSession) and loads its events; the store is closed again.
func loadSession(ctx context.Context, w storeAt, ref string) (session.Info, []session.Event, error) {
	st, err := openDatabase(ctx, w)
	if err != nil {
		return session.Info{}, nil, err
	}
	defer st.Close()
	info, err := findSession(ctx, st, ref)
	if err != nil {
		return session.Info{}, nil, err
	}
	events, err := st.Events(ctx, info.ID)
	if err != nil {
		return session.Info{}, nil, fmt.Errorf("load session %s: %w", info.ID, err)
	}
	return info, events, nil
}

// findSession finds a session by id, by join code, or the newest one for
// "last".
func findSession(ctx context.Context, st session.Store, ref string) (session.Info, error) {
	if strings.EqualFold(ref, "last") {
		last, err := st.Sessions(ctx, session.Filter{Limit: 1})
		if err != nil {
			return session.Info{}, err
		}
		if len(last) == 0 {
			return session.Info{}, fmt.Errorf("%w: no sessions yet (hold one with: huddle standup --team NAME --members A,B,C)", session.ErrNotFound)
		}
		return last[0], nil
	}
	info, err := st.Session(ctx, ref)
	if err == nil || !errors.Is(err, session.ErrNotFound) {
		return info, err
	}
	if code, ok := session.ParseJoinCode(ref); ok {
		info, err = st.SessionByCode(ctx, code)
		if err == nil || !errors.Is(err, session.ErrNotFound) {
			return info, err
		}
	}
	return session.Info{}, fmt.Errorf("%w: no session %q (try: huddle export last)", session.ErrNotFound, ref)
}

// writeFileAtomic writes a file through encode: into a temporary file in
// the same directory, renamed over path only when encode, the flush and
// the sync succeeded, so that path holds either its old content or all of
// the new. The file is readable by its owner only (0600), as the database
// is: an export holds the same names and text.
func writeFileAtomic(path string, encode func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err := encode(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
