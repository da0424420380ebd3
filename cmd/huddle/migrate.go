package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"huddle/session"
	"huddle/session/export"
)

func newMigrateCmd(g *globalFlags) *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Copy every team and session from a data directory into PostgreSQL",
		Long: `Copy everything a data directory's SQLite store holds into a PostgreSQL
database, to move from one huddle serve to several nodes sharing it (see
the README, Running on several nodes): every team (roster, agreements, key
bindings, owners, schedules), its decision log and its remembered
defaults, the notifications still pending, and every session, each
through its JSON record (as export and import do, so that nothing is lost
or altered: each record is checked whole before it is stored).

Stop the huddle serve of the data directory first: migrate takes the data
directory's lock. It may be run again: what the database already has
identically is skipped. A team, decision log or session that the database
has differently is refused before anything is copied, naming it.

Not copied: the record of notifications already sent (so the morning's
message of due action items may be sent again on the day of the move),
and the secret of an unfinished anonymous retrospective: it continues,
but its earlier anonymous contributions are no longer tied to their
authors (they cannot edit those cards, and dots already cast no longer
count against anyone's budget).`,
		Example:      `  huddle migrate --from ~/.local/share/huddle --to postgres://huddle@db.example.org/huddle`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dst := g.where()
			dst.dataDir = ""
			if to != "" {
				dst.database, dst.flag = to, flagName(cmd.Flags(), "to")
			}
			if !dst.shared() {
				return fmt.Errorf("%w: --to is required: the PostgreSQL database to copy into, like postgres://user@host:5432/huddle", session.ErrInvalid)
			}
			if from == "" {
				from = g.dataDir
			}
			return runMigrate(cmd.Context(), from, dst, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the data directory to copy from (default: --data-dir)")
	cmd.Flags().StringVar(&to, "to", "", "the PostgreSQL URL to copy into (default: --database)")
	return cmd
}

// runMigrate copies the SQLite store of the data directory from into the
// database dst.
func runMigrate(ctx context.Context, from string, dst storeAt, out io.Writer) error {
	// A mistyped directory must not be made, and an empty store copied.
	if path, err := filepath.Abs(filepath.Join(from, "huddle.db")); err != nil {
		return fmt.Errorf("--from %s: %w", from, err)
	} else if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("--from %s: no huddle data directory there (%s: %w)", from, path, errors.Unwrap(err))
	}
	release, err := lockDataDir(from, "huddle migrate")
	if err != nil {
		return err
	}
	defer release()
	src, err := openStore(from)
	if err != nil {
		return err
	}
	defer src.Close()
	to, err := openDatabase(ctx, dst)
	if err != nil {
		return err
	}
	defer to.Close()
	sum, err := migrate(ctx, src, to, out)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, sum)
	return nil
}

// migrated counts what migrate copied and skipped.
type migrated struct {
	teams, teamsHad       int
	logEvents             int
	sessions, sessionsHad int
	events                int
	pending               int
}

func (m migrated) String() string {
	return fmt.Sprintf("migrated %d teams (%d already there), %d decision-log events, %d sessions with %d events (%d already there), %d pending notifications",
		m.teams, m.teamsHad, m.logEvents, m.sessions, m.events, m.sessionsHad, m.pending)
}

// sessionCopy is one session to copy: its record as written and as read
// back, checked.
type sessionCopy struct {
	rec export.Record
	doc []byte
	had bool // the target has it, identically
}

// migrate copies every team, team log, defaults, pending delivery and
// session of src into dst. It checks everything first: a team, team log
// or session that dst has differently is refused before anything is
// written. What dst has identically is skipped, so that a migrate that
// was interrupted can be run again.
func migrate(ctx context.Context, src, dst database, out io.Writer) (migrated, error) {
	var m migrated
	teams, err := src.Teams(ctx)
	if err != nil {
		return m, fmt.Errorf("read the teams: %w", err)
	}
	newTeams := make([]session.Team, 0, len(teams))
	logs := map[string][]session.TeamEvent{}
	for _, t := range teams {
		have, err := dst.Team(ctx, t.Name)
		switch {
		case errors.Is(err, session.ErrNotFound):
			newTeams = append(newTeams, t)
		case err != nil:
			return m, fmt.Errorf("team %s: %w", t.Name, err)
		case !sameTeam(have, t):
			return m, fmt.Errorf("%w: the database has a team %s that differs from the data directory's; nothing was copied", session.ErrConflict, t.Name)
		default:
			m.teamsHad++
		}
		log, err := src.TeamLog(ctx, t.Name)
		if err != nil {
			return m, fmt.Errorf("the decision log of %s: %w", t.Name, err)
		}
		if err := sameLogPrefix(ctx, dst, t.Name, log); err != nil {
			return m, err
		}
		logs[t.Name] = log
	}
	infos, err := src.Sessions(ctx, session.Filter{})
	if err != nil {
		return m, fmt.Errorf("read the sessions: %w", err)
	}
	slices.Reverse(infos) // oldest first, as they were made
	copies := make([]sessionCopy, 0, len(infos))
	for _, info := range infos {
		c, err := recordOf(ctx, src, info)
		if err != nil {
			return m, err
		}
		if c.had, err = alreadyThere(ctx, dst, c); err != nil {
			return m, err
		}
		copies = append(copies, c)
	}

	// Checked: now copy.
	for _, t := range newTeams {
		if err := dst.PutTeam(ctx, t); err != nil {
			return m, fmt.Errorf("team %s: %w", t.Name, err)
		}
		m.teams++
	}
	for _, t := range teams {
		for _, kind := range []session.Kind{session.Standup, session.Retro} {
			d, err := src.Defaults(ctx, t.Name, kind)
			if err != nil {
				return m, fmt.Errorf("the %s defaults of %s: %w", kind, t.Name, err)
			}
			if reflect.ValueOf(d).IsZero() {
				continue
			}
			if err := dst.PutDefaults(ctx, t.Name, kind, d); err != nil {
				return m, fmt.Errorf("the %s defaults of %s: %w", kind, t.Name, err)
			}
		}
		n, err := appendNewTeamLog(ctx, dst, t.Name, logs[t.Name])
		if err != nil {
			return m, fmt.Errorf("the decision log of %s: %w", t.Name, err)
		}
		m.logEvents += n
	}
	for _, c := range copies {
		if c.had {
			m.sessionsHad++
			continue
		}
		// Checked by alreadyThere; a session made meanwhile under the
		// same id or code is a conflict of Create. The team is the
		// source's (copied above, or absent there too).
		err := dst.Create(ctx, c.rec.Info, c.rec.Events[0])
		if err == nil {
			err = appendRest(ctx, dst, c.rec)
		}
		if err != nil {
			return m, fmt.Errorf("%s: %w (%d sessions were copied before it; run migrate again once it is fixed)", describe(c.rec.Info), err, m.sessions)
		}
		m.sessions++
		m.events += len(c.rec.Events)
		if c.rec.Info.Ended.IsZero() && c.rec.Info.Kind == session.Retro && c.rec.State.Config.Anonymous {
			fmt.Fprintf(out, "note: %s is an unfinished anonymous retrospective: its anonymous contributions so far are no longer tied to their authors\n", describe(c.rec.Info))
		}
	}
	pending, err := src.PendingDeliveries(ctx, time.Time{})
	if err != nil {
		return m, fmt.Errorf("read the pending notifications: %w", err)
	}
	for _, d := range pending {
		queued, err := dst.QueueDelivery(ctx, d)
		if err != nil {
			return m, fmt.Errorf("a pending notification: %w", err)
		}
		if queued {
			m.pending++
		}
	}
	return m, nil
}

// recordOf writes the session's JSON record, with its keys, and reads it
// back as import does, so that what is copied is what an export and an
// import would carry.
func recordOf(ctx context.Context, src database, info session.Info) (sessionCopy, error) {
	events, err := src.Events(ctx, info.ID)
	if err != nil {
		return sessionCopy{}, fmt.Errorf("session %s: %w", info.ID, err)
	}
	var doc bytes.Buffer
	if err := export.JSON(&doc, info, events); err != nil {
		return sessionCopy{}, fmt.Errorf("%s: %w; nothing was copied", describe(info), err)
	}
	rec, err := export.ReadRecord(bytes.NewReader(doc.Bytes()))
	if err == nil {
		err = rec.State.Validate()
	}
	if err != nil {
		return sessionCopy{}, fmt.Errorf("%s: its record does not read back: %w; nothing was copied", describe(info), err)
	}
	return sessionCopy{rec: rec, doc: doc.Bytes()}, nil
}

// alreadyThere reports whether dst has c's session with the same record;
// a different session under its id or join code is an ErrConflict error.
func alreadyThere(ctx context.Context, dst database, c sessionCopy) (bool, error) {
	info := c.rec.Info
	have, err := dst.Session(ctx, info.ID)
	if errors.Is(err, session.ErrNotFound) {
		if other, err := dst.SessionByCode(ctx, info.Code); err == nil {
			return false, fmt.Errorf("%w: the join code %s of %s is taken in the database by session %s; nothing was copied", session.ErrConflict, info.Code, describe(info), other.ID)
		} else if !errors.Is(err, session.ErrNotFound) {
			return false, err
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("session %s: %w", info.ID, err)
	}
	events, err := dst.Events(ctx, info.ID)
	if err != nil {
		return false, fmt.Errorf("session %s: %w", info.ID, err)
	}
	var doc bytes.Buffer
	if err := export.JSON(&doc, have, events); err != nil || !bytes.Equal(doc.Bytes(), c.doc) {
		return false, fmt.Errorf("%w: the database has session %s (%s), and it differs from the data directory's; nothing was copied", session.ErrConflict, info.ID, describe(have))
	}
	return true, nil
}

// sameLogPrefix checks that dst's decision log of team is the start of
// log (appendNewTeamLog then appends the rest).
func sameLogPrefix(ctx context.Context, dst database, team string, log []session.TeamEvent) error {
	have, err := dst.TeamLog(ctx, team)
	if err != nil {
		return fmt.Errorf("the decision log of %s: %w", team, err)
	}
	if len(have) > len(log) {
		return fmt.Errorf("%w: the database's decision log of %s is longer than the data directory's; nothing was copied", session.ErrConflict, team)
	}
	for i, e := range have {
		if !sameTeamEvent(e, log[i]) {
			return fmt.Errorf("%w: the database's decision log of %s differs from the data directory's at event %d; nothing was copied", session.ErrConflict, team, i+1)
		}
	}
	return nil
}

// sameTeam compares teams as stored (times to the microsecond, as
// PostgreSQL keeps them; empty and nil lists and maps alike).
func sameTeam(a, b session.Team) bool {
	norm := func(t session.Team) session.Team {
		t.Created, t.Updated = t.Created.UTC().Truncate(time.Microsecond), t.Updated.UTC().Truncate(time.Microsecond)
		if len(t.Members) == 0 {
			t.Members = nil
		}
		if len(t.Agreements) == 0 {
			t.Agreements = nil
		}
		if len(t.Owners) == 0 {
			t.Owners = nil
		}
		if len(t.Keys) == 0 {
			t.Keys = nil
		}
		t.Schedules = nil // compared as written, below
		return t
	}
	specs := func(t session.Team) map[session.Kind]string {
		m := map[session.Kind]string{}
		for k, sc := range t.Schedules {
			m[k] = sc.String()
		}
		return m
	}
	return reflect.DeepEqual(norm(a), norm(b)) && maps.Equal(specs(a), specs(b))
}
