package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	lru "github.com/hashicorp/golang-lru/v2"

	"huddle/session"
)

// The header is drawn on every update of every program: styled by
// lipgloss, it was a quarter of a room's CPU per change once the screens
// were painted by rows. Most of it is the same on every screen of a
// process: the team and kind, the phase's badge, the clock of the minute
// and the facilitator's rule. Those pieces are drawn once for the whole
// process, each with its width, and every header is put together from
// them; the only piece of a participant's own, their name and role, is
// drawn once per participant, not per update. A piece's key is
// everything its text and its styles depend on: the theme and the
// background that made the styles, which style, the text and the width.
type headPart uint8

const (
	partLeft  headPart = iota // "huddle · team kind": a is the team, b the kind
	partBadge                 // the phase: a
	partClock                 // the time shown: a
	partWho                   // " · name · role": a the name, b the role; partWhoNameless without a name
	partWhoNameless
	partRule // the facilitator's rule: a the name, b how it is shown ("" without a facilitator), w its width
)

type headKey struct {
	theme Theme
	dark  bool
	part  headPart
	a, b  string
	w     int
}

type headPiece struct {
	s string
	w int // its width in cells
}

// 4096 pieces: the rules and clocks of a few widths and seconds, and the
// name pieces of a few thousand participants.
var headPieces, _ = lru.New[headKey, headPiece](4096)

// piece returns the piece of k, drawing it with draw if the process has
// not yet.
func piece(st *Styles, k headKey, draw func() string) headPiece {
	k.theme, k.dark = st.theme, st.dark
	return cached(headPieces, k, func() headPiece {
		s := draw()
		return headPiece{s: s, w: lipgloss.Width(s)}
	})
}

// cached returns the value of k in c, drawing it with draw and keeping it
// if c does not hold it.
func cached[K comparable, V any](c *lru.Cache[K, V], k K, draw func() V) V {
	if v, ok := c.Get(k); ok {
		return v
	}
	v := draw()
	c.Add(k, v)
	return v
}

// header is the screen's first two lines: huddle, the team and the kind
// on the left; the phase, the time and who the participant is on the
// right; below, the rule that says who facilitates.
func (m *Model) header(w int) string {
	// Drawn again only when what it shows changed: on most frames (a
	// tick, a topic parked) nothing in it did.
	k := m.headOf(w)
	return m.head.get(k, func() string { return m.drawHeader(k) })
}

// memo is what a program drew last (a header, a status line, a title,
// rows cut from one), and what it showed: drawn again only when that
// changed.
type memo[K comparable, V any] struct {
	k  K
	v  V
	ok bool
}

// get returns the drawing for k: the last one if it was drawn for k, else
// the one draw makes now.
func (m *memo[K, V]) get(k K, draw func() V) V {
	if !m.ok || m.k != k {
		m.k, m.v, m.ok = k, draw(), true
	}
	return m.v
}

// headShows is everything the header shows: the styles and the width,
// the minute of the clock (in the participant's own zone, which does not
// change), the team, the kind, the phase, who the participant is and who
// facilitates.
type headShows struct {
	st     *Styles
	w      int
	minute int64
	team   string
	kind   session.Kind
	phase  session.Phase
	role   string // or "at the door" while knocking
	name   string
	named  bool   // in the session: the name is shown
	fac    string // the facilitator's name
	facIs  string // how the rule shows them: "" (no facilitator), "name", "you" or "away"
}

func (m *Model) headOf(w int) headShows {
	k := headShows{st: m.styles, w: w, minute: m.now.Unix() / 60, team: m.state.Config.Team, kind: m.state.Config.Kind,
		phase: m.state.Phase, role: m.role().String()}
	if m.knocking() {
		k.role = "at the door"
	}
	if p, ok := m.self(); ok {
		k.name, k.named = p.Name, true
	}
	if f, ok := m.facAt.find(m.state, m.state.Facilitator); ok {
		k.fac, k.facIs = f.Name, "name"
		switch {
		case f.ID == m.me:
			k.fac, k.facIs = "", "you"
		case !f.Present:
			k.facIs = "away"
		}
	}
	return k
}

func (m *Model) drawHeader(k headShows) string {
	st, w := m.styles, k.w
	team, kind := k.team, k.kind.Noun()
	left := piece(st, headKey{part: partLeft, a: team, b: kind}, func() string {
		return st.Title.Render("huddle") + st.Subtle.Render(" · ") + st.Team.Render(team+" "+kind)
	})
	phase := phaseTitle(k.phase)
	badge := piece(st, headKey{part: partBadge, a: phase}, func() string { return st.Badge.Render(phase) })
	at := m.now.In(m.zone())
	// Minutes, not seconds: a clock of the second would make every
	// participant's own header row (their name is on it) new every second,
	// to be encoded and sent a thousand times a second in a busy process;
	// the countdowns below show the seconds that matter.
	clock := at.Format("15:04")
	tm := piece(st, headKey{part: partClock, a: clock}, func() string { return st.Clock.Render(clock) })
	who := whoPiece(st, k)
	gap := w - left.w - badge.w - 1 - tm.w - who.w
	if gap >= 1 {
		return left.s + spaces(gap) + badge.s + " " + tm.s + who.s + "\n" + facilitatorRule(st, k)
	}
	// Too narrow for the name: the phase and the time, the team cut.
	right := badge.s + " " + tm.s
	l := truncate(left.s, w-lipgloss.Width(right)-1)
	gap = max(1, w-lipgloss.Width(l)-lipgloss.Width(right))
	return l + repeat(" ", gap) + right + "\n" + facilitatorRule(st, k)
}

// whoPiece is the header's " · name · role" of the participant, or the
// role alone for someone not in the session ("at the door" while
// knocking).
func whoPiece(st *Styles, k headShows) headPiece {
	name, role := k.name, k.role
	if k.named {
		return piece(st, headKey{part: partWho, a: name, b: role}, func() string { return st.Clock.Render(" · " + name + " · " + role) })
	}
	return piece(st, headKey{part: partWhoNameless, b: role}, func() string { return st.Clock.Render(" · " + role) })
}

// facilitatorRule is the header's rule, which says who facilitates: on
// every screen, so that everyone knows whom to ask.
func facilitatorRule(st *Styles, k headShows) string {
	w := k.w
	if k.facIs == "" {
		return piece(st, headKey{part: partRule, w: w}, func() string { return st.Rule.Render(repeat("─", w)) }).s
	}
	// Keyed by the name and how it is shown, not by the label, which
	// would be a string to make on every update.
	pk := headKey{part: partRule, a: k.fac, b: k.facIs, w: w}
	return piece(st, pk, func() string {
		who := k.fac
		switch k.facIs {
		case "you":
			who = "you"
		case "away":
			who += " (away)"
		}
		label := truncate("facilitator: "+who, max(0, w-6))
		return st.Rule.Render("── ") + st.Subtle.Render(label) + st.Rule.Render(" "+repeat("─", max(0, w-4-lipgloss.Width(label))))
	}).s
}

var blanks = strings.Repeat(" ", 256)

// spaces is n spaces, without allocating up to 256.
func spaces(n int) string {
	if n <= len(blanks) {
		return blanks[:max(0, n)]
	}
	return repeat(" ", n)
}
