package tui

import (
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

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
	// The body as a frame's rows (margined), cut once for every program
	// that paints it by rows.
	cut  sync.Once
	rows []string
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
	frames *lru.Cache[frameKey, string]
}

// NewBodyCache returns an empty cache of bodies.
func NewBodyCache() *BodyCache {
	frames, _ := lru.New[frameKey, string](maxFrames)
	return &BodyCache{m: map[bodyKey]*bodyEntry{}, frames: frames}
}

// get returns the body for k, drawing it with draw only if no program
// has yet. Programs asking for the same key at once wait for the one
// drawing it instead of all drawing it. A nil cache draws every time.
func (c *BodyCache) get(k bodyKey, draw func() string) string {
	if c == nil {
		return draw()
	}
	if e := c.entry(k); e.drawn(draw) {
		return e.s
	}
	return draw() // the drawing panicked in another program: try again here
}

// rows is get's body as the frame's rows, k.h of them (margined), cut
// once for all the programs that show it.
func (c *BodyCache) rows(k bodyKey, draw func() string) []string {
	if c == nil {
		return margined(draw(), k.h)
	}
	e := c.entry(k)
	if !e.drawn(draw) {
		return margined(draw(), k.h)
	}
	e.cut.Do(func() { e.rows = margined(e.s, k.h) })
	return e.rows
}

// drawn draws the entry's body with draw unless a program has; false if
// the drawing panicked.
func (e *bodyEntry) drawn(draw func() string) bool {
	e.once.Do(func() {
		e.s = draw()
		e.ok = true
	})
	return e.ok
}

// entry is k's entry, made if there is none.
func (c *BodyCache) entry(k bodyKey) *bodyEntry {
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
	return e
}

// sharedBody reports whether the phase's view depends on nothing but a
// bodyKey (cachedBody).
func (m *Model) sharedBody() bool {
	if m.state.Config.Kind != session.Standup || len(m.arriving) > 0 {
		return false
	}
	return m.state.Phase == session.Waiting || m.state.Phase == session.Rounds
}

// cachedBody reports the key of the body, if the phase's view depends on
// nothing but the key: the waiting room and the rounds of a stand-up.
func (m *Model) cachedBody(w, h int) (bodyKey, bool) {
	if !m.sharedBody() {
		return bodyKey{}, false
	}
	return bodyKey{
		state: m.state, w: w, h: h, second: m.now.Unix(),
		role: m.role(), theme: m.styles.theme, dark: m.styles.dark, cursor: m.cursor, join: m.opts.JoinCommand, zone: m.zone(),
	}, true
}

// The rounds of a stand-up change every second only in their two
// countdowns; the rest (the speaker, who is next, the blockers, the
// parking lot in its box) is most of the drawing. So the body of the
// rounds is drawn in two steps: once per state, size and viewer, with a
// slot in place of each countdown (a frame), and once per second, each
// slot filled with its countdown. Programs of the same room share both.
//
// A slot is its own line: NUL, the timer's kind, the label, NUL. The
// rounds view measures its lines' count only, never a countdown's width,
// so a slot lays out as its line will. No other NUL can be in a frame:
// the session keeps no control character in what people type
// (session.CleanText), and the views write none.
const (
	slotMark    = '\x00'
	slotTurn    = 't' // the current turn's timer
	slotOverall = 'o' // the session's time-box
)

// clockSlot is the slot of timer t of state s, labelled label.
func clockSlot(label string, t session.Timer, s *session.State) string {
	kind := byte(slotOverall)
	if t != s.Overall { // the rounds show no other timer
		kind = slotTurn
	}
	return string(slotMark) + string(kind) + label + string(slotMark)
}

// fillClockSlots fills the frame's slots with their countdowns at m.now.
func (m *Model) fillClockSlots(frame string, w int) string {
	if strings.IndexByte(frame, slotMark) < 0 {
		return frame
	}
	var b strings.Builder
	b.Grow(len(frame) + 512)
	for {
		i := strings.IndexByte(frame, slotMark)
		if i < 0 || i+1 >= len(frame) {
			b.WriteString(frame)
			return b.String()
		}
		j := strings.IndexByte(frame[i+2:], slotMark)
		if j < 0 {
			b.WriteString(frame)
			return b.String()
		}
		kind, label := frame[i+1], frame[i+2:i+2+j]
		t := m.state.Overall
		if kind == slotTurn {
			turn, _ := m.state.CurrentTurn()
			t = turn.Timer
		}
		b.WriteString(frame[:i])
		b.WriteString(m.timerLine(label, t, w))
		frame = frame[i+2+j+1:]
	}
}

// frameKey is what the rounds' frame depends on: the body's key less the
// second, with the session and its sequence number for its state (a
// state is not kept alive by the cache; every event has its number, and
// the state after it is the same wherever it is folded).
type frameKey struct {
	session string
	seq     int64
	k       bodyKey
}

// frames holds the frames of the rounds, at most maxFrames.
const maxFrames = 1024

// roundsBody is the body of the rounds at m.now: the frame, drawn once
// per frameKey, filled with the countdowns.
func (m *Model) roundsBody(k bodyKey, w, h int) string {
	fk := frameKey{session: m.state.ID, seq: m.state.Seq, k: k}
	fk.k.state, fk.k.second = nil, 0
	c := m.opts.Bodies
	if c == nil || m.state.ID == "" { // a state made by hand has no identity
		return m.drawBody(w, h)
	}
	frame := cached(c.frames, fk, func() string {
		m.clockSlots = true
		defer func() { m.clockSlots = false }()
		return m.drawBody(w, h)
	})
	return m.fillClockSlots(frame, w)
}
