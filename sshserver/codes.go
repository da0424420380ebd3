package sshserver

import (
	"context"
	"net"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"huddle/session"
)

// Join codes are the only secret between a stranger and a session, so
// every use of one over SSH (join, watch, export, and a code entered in
// the lobby) is paid for from three budgets before the code is looked up:
// one per address (IPv6 by /64), one per key, and one for the whole server,
// so that many addresses guessing together are no faster than a few.
//
//   - An attempt costs codeHitCost from each budget up front; one that
//     misses costs codeMissCost in all. Interleaving hits buys a guesser
//     nothing: they are paid for too.
//   - A join whose code leads in gives the address and the server their
//     payment back (the key keeps its): a whole office behind one
//     address joins a stand-up without spending its address's budget,
//     and a thousand people joining a hundred stand-ups at nine do not
//     spend the server's. A hit gives a guesser nothing it did not
//     already have: it knew the code.
//   - When one budget is spent, every attempt is refused with the same
//     answer, hit or miss, before anything is revealed.
//   - A key that is already a participant of the session (it knows the
//     code) is let in regardless, and gets its payment back: a team
//     reconnecting all morning from one office address costs nothing.
//     A key of the session's team (an owner's or a member's) pays as
//     anyone does, but only its own and its address's budgets must allow
//     it: guessers who spend the server's budget never lock a team out
//     of its own sessions.
//   - A session that ended more than session.CodeWindow ago answers as
//     an unknown code would, except to its participants' and its team's
//     keys (the rule is session's: State.EnterByCode). Exports are for
//     participants and the team's members only, at any time (see
//     cmdExport).
//
// Budgets refill with the server's Clock.
const (
	codeHitCost  = 1
	codeMissCost = 5

	// Per address and per key: 30 at once, then one every 3 s; that is
	// 6 misses at once, then one every 15 s.
	codeBurst = 30
	codeEvery = 3 * time.Second

	// The whole server: 300 at once, then 5 a second. A code is one of
	// 256³·90000 ≈ 1.5·10¹²; at one miss a second, however many addresses
	// and keys they use, guessers need about 30 years for an even chance
	// at one of a thousand live codes.
	codeGlobalBurst = 300
	codeGlobalEvery = 200 * time.Millisecond
)

// bucket is a token bucket driven by a clock the caller reads.
type bucket struct {
	tokens float64
	last   time.Time
}

// fill brings the bucket up to now.
func (b *bucket) fill(now time.Time, every time.Duration, burst int) {
	if b.last.IsZero() {
		b.tokens, b.last = float64(burst), now
		return
	}
	if now.After(b.last) {
		b.tokens = min(float64(burst), b.tokens+float64(now.Sub(b.last))/float64(every))
		b.last = now
	}
}

// codeGuard keeps the budgets of join code attempts.
type codeGuard struct {
	clock session.Clock

	mu     sync.Mutex
	addrs  *lru.Cache[string, *bucket]
	keys   *lru.Cache[string, *bucket]
	global bucket

	// The limits, constants but for tests.
	burst, globalBurst int
	every, globalEvery time.Duration
}

func newCodeGuard(clock session.Clock) *codeGuard {
	if clock == nil {
		clock = session.RealClock{}
	}
	addrs, _ := lru.New[string, *bucket](10000)
	keys, _ := lru.New[string, *bucket](10000)
	return &codeGuard{clock: clock, addrs: addrs, keys: keys,
		burst: codeBurst, every: codeEvery, globalBurst: codeGlobalBurst, globalEvery: codeGlobalEvery}
}

// buckets returns the three budgets of an attempt, filled up to now. g.mu
// is held.
func (g *codeGuard) buckets(addr, key string) [3]*bucket {
	now := g.clock.Now()
	get := func(c *lru.Cache[string, *bucket], k string) *bucket {
		b, ok := c.Get(k)
		if !ok {
			b = new(bucket)
			c.Add(k, b)
		}
		b.fill(now, g.every, g.burst)
		return b
	}
	g.global.fill(now, g.globalEvery, g.globalBurst)
	return [3]*bucket{get(g.addrs, addrKey(addr)), get(g.keys, key), &g.global}
}

// try pays for an attempt if every budget has enough left, and reports
// whether it did; a refused attempt costs nothing more.
func (g *codeGuard) try(addr, key string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	bs := g.buckets(addr, key)
	for _, b := range bs {
		if b.tokens < codeHitCost {
			return false
		}
	}
	for _, b := range bs {
		b.tokens -= codeHitCost
	}
	return true
}

// own reports whether the address's and the key's own budgets would pay
// for an attempt, whatever the server's budget says; it pays nothing.
// The team's own keys need no more than that (see conn.enter).
func (g *codeGuard) own(addr, key string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	bs := g.buckets(addr, key)
	return bs[0].tokens >= codeHitCost && bs[1].tokens >= codeHitCost
}

// miss charges what a miss costs beyond the attempt try paid for. The
// budgets may go below zero: the guesser then waits longer.
func (g *codeGuard) miss(addr, key string) { g.charge(addr, key, codeMissCost-codeHitCost) }

// refund gives back what try took: the key was a participant already.
func (g *codeGuard) refund(addr, key string) { g.charge(addr, key, -codeHitCost) }

// hit gives the address and the server back what try took from them for
// a code that led a join in: people joining from one office address, or
// a whole company at nine, are not guessers. Their keys still pay; a
// miss still costs in full.
func (g *codeGuard) hit(addr string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	if b, ok := g.addrs.Get(addrKey(addr)); ok {
		b.fill(now, g.every, g.burst)
		b.tokens = min(b.tokens+codeHitCost, float64(g.burst))
	}
	g.global.fill(now, g.globalEvery, g.globalBurst)
	g.global.tokens = min(g.global.tokens+codeHitCost, float64(g.globalBurst))
}

func (g *codeGuard) charge(addr, key string, cost float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, b := range g.buckets(addr, key) {
		b.tokens -= cost
		if b == &g.global {
			b.tokens = min(b.tokens, float64(g.globalBurst))
		} else {
			b.tokens = min(b.tokens, float64(g.burst))
		}
	}
}

// addrKey is the budget an address pays from: the address itself, or for
// IPv6 its /64, which one subscriber usually has whole.
func addrKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// codeGuardOf returns the server's code guard.
func codeGuardOf(s *Server) *codeGuard { return s.codes }

// teamKey reports whether the key is an owner's or a member's of the
// team, as the store has it now.
func (s *Server) teamKey(ctx context.Context, team, key string) bool {
	t, err := s.teams.Team(ctx, team)
	return err == nil && t.HasKey(key)
}

// tookPart reports whether the key is a participant of the session.
func tookPart(st *session.State, key string) bool {
	_, ok := st.ByKey(key)
	return ok
}

// tooManyCodes refuses an attempt whose budget is spent, whatever the
// code.
const tooManyCodes = "too many wrong join codes (or codes tried) from your address or key; try again in a few minutes"
