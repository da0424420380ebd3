package session

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CodeWindow is how long after a session ended its join code still lets
// in a key that neither took part in it nor is of its team (to read its
// summary); to such a key it then answers as an unknown code would.
// Exports are another rule: for participants and the team only, at any
// time.
const CodeWindow = 24 * time.Hour

// CodeEntry is on what grounds a key comes into a session by its join
// code.
type CodeEntry int

const (
	// CodeExpired: the code no longer leads in for this key.
	CodeExpired CodeEntry = iota
	// ByCode: anyone holding the code, while the session runs and for
	// CodeWindow after it ended.
	ByCode
	// AsParticipant: the key took part in the session already; at any
	// time.
	AsParticipant
	// AsTeam: a key of the session's team (an owner's or a member's); at
	// any time.
	AsTeam
)

// EnterByCode says on what grounds key comes into the session by its join
// code at now. ofTeam reports whether the key is of the session's team as
// the store has it now; it is asked only for a key that did not take
// part.
func (s *State) EnterByCode(key string, ofTeam func() bool, now time.Time) CodeEntry {
	if _, ok := s.ByKey(key); ok {
		return AsParticipant
	}
	if ofTeam != nil && ofTeam() {
		return AsTeam
	}
	if !s.Ended.IsZero() && now.Sub(s.Ended) > CodeWindow {
		return CodeExpired
	}
	return ByCode
}

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
