package session

import (
	"context"
	"fmt"
	"strings"
)

// Exportable checks that a session's minutes or record may be handed to
// someone who took part in it or is of its team: while a retrospective
// runs, its record holds cards not yet revealed and dots not yet counted.
// (The operator of the data directory, who holds the store itself, is
// not bound by it.)
func Exportable(info Info) error {
	if info.Kind == Retro && info.Ended.IsZero() {
		return fmt.Errorf("%w: the retrospective is still running; its minutes can be exported once it has ended", ErrPhase)
	}
	return nil
}

// SpeaksFor reports whether the key speaks for the roster name in the
// session: bound to it there (when the session was opened) or, if the
// session binds it to no key, in its team now.
func (ts *Teams) SpeaksFor(ctx context.Context, st *State, name, key string) bool {
	if key == "" {
		return false
	}
	if k := st.Bound[strings.ToLower(name)]; k != "" {
		return k == key
	}
	team, err := ts.Team(ctx, st.Config.Team)
	if err != nil {
		return false
	}
	return team.BoundTo(name) == key
}
