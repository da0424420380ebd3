package tui

import (
	"sync"
	"time"

	"huddle/session"
)

// Everyone in a stand-up sees the same body at the same size: over SSH,
// the programs of one process share it through a BodyCache, so a change is drawn once per
// size, role and second rather than once per participant. The key holds
// everything the cached views read from a Model.
type bodyKey struct {
	state  *session.State // a snapshot's, shared by every program of its room
	w, h   int
	second int64 // the clock, as the views show it
	role   session.Role
	theme  Theme
	dark   bool
	cursor int
	join   string         // the facilitator's join command: each client's address
	zone   *time.Location // the participant's time zone
}

type bodyEntry struct {
	once sync.Once
	s    string
	ok   bool // drawn; false if the drawing panicked
}

// Entries of seconds before the last are dropped once a second, when a
// new one comes in; past maxBodies in one second (many sizes), all are.
const maxBodies = 2048

// BodyCache is the bodies the programs of one process share (see
// Options.Bodies): the SSH server makes one for all its participants.
// It is safe for concurrent use.
type BodyCache struct {
	mu     sync.Mutex
	m      map[bodyKey]*bodyEntry
	pruned int64 // the second of the last pruning
}

// NewBodyCache returns an empty cache of bodies.
func NewBodyCache() *BodyCache { return &BodyCache{m: map[bodyKey]*bodyEntry{}} }

// get returns the body for k, drawing it with draw only if no program
// has yet. Programs asking for the same key at once wait for the one
// drawing it instead of all drawing it. A nil cache draws every time.
func (c *BodyCache) get(k bodyKey, draw func() string) string {
	if c == nil {
		return draw()
	}
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		if k.second > c.pruned {
			for old := range c.m {
				if old.second < k.second-1 {
					delete(c.m, old)
				}
			}
			c.pruned = k.second
		}
		if len(c.m) >= maxBodies {
			clear(c.m)
		}
		e = &bodyEntry{}
		c.m[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.s = draw()
		e.ok = true
	})
	if !e.ok { // the drawing panicked in another program: try again here
		return draw()
	}
	return e.s
}

// cachedBody reports the key of the body, if the phase's view depends on
// nothing but the key: the waiting room and the rounds of a stand-up.
func (m *Model) cachedBody(w, h int) (bodyKey, bool) {
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
		role: m.role(), theme: m.styles.theme, dark: m.styles.dark, cursor: m.cursor, join: m.opts.JoinCommand, zone: m.zone(),
	}, true
}
