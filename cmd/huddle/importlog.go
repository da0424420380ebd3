package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"huddle/session"
	"huddle/session/export"
)

// importTeamLog loads the team log of a decision log (huddle decisions
// --format json) into the store: whole into a team without a log, or the
// events after those the store has when its log is the beginning of the
// imported one. A log that differs from the store's is refused, and
// nothing changes.
func importTeamLog(ctx context.Context, g globalFlags, name string, doc []byte, out io.Writer) error {
	team, events, err := export.ReadTeamLog(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("import %s: %w; nothing was imported", name, err)
	}
	st, done, err := openLocked(ctx, g.where(), "huddle import")
	if err != nil {
		return err
	}
	defer done()
	n, err := appendNewTeamLog(ctx, st, team, events)
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	fmt.Fprintf(out, "imported the team log of %s: %d new of %d events\n", team, n, len(events))
	return nil
}

// appendNewTeamLog appends the events the store's log of the team lacks.
func appendNewTeamLog(ctx context.Context, st database, team string, events []session.TeamEvent) (int, error) {
	have, err := st.TeamLog(ctx, team)
	if err != nil {
		return 0, err
	}
	if len(have) > len(events) {
		return 0, fmt.Errorf("%w: the store's log of %s has %d events, the imported one %d; nothing was imported", session.ErrConflict, team, len(have), len(events))
	}
	for i, e := range have {
		if !sameTeamEvent(e, events[i]) {
			return 0, fmt.Errorf("%w: the store's log of %s differs from the imported one at event %d; nothing was imported", session.ErrConflict, team, i+1)
		}
	}
	rest := events[len(have):]
	if len(rest) == 0 {
		return 0, nil
	}
	return len(rest), st.AppendTeamLog(ctx, team, rest...)
}

func sameTeamEvent(a, b session.TeamEvent) bool {
	da, errA := json.Marshal(a.Payload)
	db, errB := json.Marshal(b.Payload)
	return errA == nil && errB == nil && a.Seq == b.Seq && a.Time.Equal(b.Time) && a.Actor == b.Actor && a.Type() == b.Type() && bytes.Equal(da, db)
}
