package tui

import (
	"sync"

	"huddle/session"
)

// Everyone in a stand-up sees the same body at the same size: over SSH,
// the programs of one process share it, so a change is drawn once per
// size, role and second rather than once per participant. The key holds
// everything the cached views read from a Model.
type bodyKey struct {
	state  *session.State // a snapshot's, shared by every program of its room
	w, h   int
	second int64 // the clock, as the views show it
	role   session.Role
	dark   bool
	cursor int
}

type bodyEntry struct {
	once sync.Once
	s    string
}

// Past maxBodies entries, those of earlier seconds are dropped; past
// maxBodies*8 (many sizes in one second), all are.
const maxBodies = 256

var bodies = struct {
	mu sync.Mutex
	m  map[bodyKey]*bodyEntry
}{m: map[bodyKey]*bodyEntry{}}

// sharedBody returns the body for k, drawing it with draw only if no
// program has yet. Programs asking for the same key at once wait for the
// one drawing it instead of all drawing it.
func sharedBody(k bodyKey, draw func() string) string {
	bodies.mu.Lock()
	e, ok := bodies.m[k]
	if !ok {
		if len(bodies.m) >= maxBodies {
			for old := range bodies.m {
				if old.second < k.second {
					delete(bodies.m, old)
				}
			}
		}
		if len(bodies.m) >= 8*maxBodies {
			clear(bodies.m)
		}
		e = &bodyEntry{}
		bodies.m[k] = e
	}
	bodies.mu.Unlock()
	e.once.Do(func() { e.s = draw() })
	return e.s
}

// cachedBody reports the key of the body, if the phase's view depends on
// nothing but the key: the waiting room and the rounds of a stand-up.
func (m Model) cachedBody(w, h int) (bodyKey, bool) {
	if m.state.Config.Kind != session.Standup || len(m.arriving) > 0 {
		return bodyKey{}, false
	}
	switch m.state.Phase {
	case session.Waiting, session.Rounds:
	default:
		return bodyKey{}, false
	}
	return bodyKey{
		state: m.state, w: w, h: h, second: m.now.Unix(),
		role: m.role(), dark: m.styles.dark, cursor: m.cursor,
	}, true
}
