package session

// This file is long (about 630 lines) on purpose: it is the Room's
// concurrency, Submit, commit, the timer loop, expiry and the pause and
// resume around a restart, which take the same lock in an order that is
// best checked in one place.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Snapshot is the state of a live session as published to subscribers. The
// State is shared by every subscriber and must not be changed.
type Snapshot struct {
	State *State
	At    time.Time // the room's clock when it was published
}

// RoomOptions tunes a Room. The zero value uses the real clock.
type RoomOptions struct {
	Clock Clock
	Rand  *rand.Rand // for shuffled orders; nil seeds one at random
	// Error reports what went wrong out of any participant's sight:
	// store failures of the room's own events, and faults (panics, as
	// ErrInternal errors with the stack) while deciding or applying.
	Error func(err error)
	// Ended, if set, is called once the session has ended (its Ended
	// event is durable), off the room's lock; Close waits for it.
	Ended func(id string)
	// Rate and Burst bound the commands the whole session takes, on the
	// room's clock: Rate a second on average and Burst at once, whoever
	// sends them; past that, Submit refuses with ErrBusy. Zero means
	// DefaultRate and DefaultBurst; a negative Rate, no limit. Presence
	// (Join, Arrive, Leave) and the room's own time-box events are never
	// refused. With a SharedStore the bound is per node: each node's room
	// counts the commands it takes.
	Rate  float64
	Burst int
	// Teams, if set, gives joins and admissions the team as it is now
	// (its roster and key bindings, not those of the session's
	// creation), and binds a key to a roster name when the key becomes
	// that member: on first use of an unbound name, or when the
	// facilitator admits it as that member.
	Teams *Teams

	// With a SharedStore (several nodes serve the same sessions; see
	// nodes.go): Node names this process in the store's heartbeats (""
	// picks a random id), Dead is how long a node may miss its beats
	// before the others mark its participants away (0: DefaultDead),
	// and CatchUp is how often every live room reads the log for what a
	// lost doorbell ring did not tell it (0: DefaultCatchUp). A plain
	// Store ignores them.
	Node    string
	Dead    time.Duration
	CatchUp time.Duration
}

// storeTimeout bounds one store write on behalf of the room.
const storeTimeout = 10 * time.Second

// Room owns one live session. Commands from every participant go through
// Submit, one at a time; each accepted command's events are durable in the
// store before the state changes and before any subscriber sees them.
// Events are stamped in UTC, so the live state and a fold of the stored
// events are equal.
type Room struct {
	id    string // the session's; read without mu, unlike state
	store Store
	clock Clock
	rand  *rand.Rand
	onErr func(error)
	limit *rate.Limiter // the session's command rate; nil: none
	salt  []byte        // a retrospective's secret, while it runs
	// unforgotten: the session ended and deleting its secret failed;
	// guarded by mu.
	unforgotten bool
	teams       *Teams // nil: the session's own roster and bindings

	mu     sync.Mutex // serialises commands; guards state and closed
	state  *State
	closed bool
	broken atomic.Bool // closed by a fault while applying; read without mu
	fan    fanout      // the subscribers, with a lock of their own

	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	ended  func(string)
	hooks  sync.WaitGroup // running Ended calls

	// shared is the store when other nodes append to the session too
	// (nil otherwise): an append may then lose a race (see settle), and
	// rings tell the room to read what the others wrote (see catchUp).
	shared SharedStore
	head   atomic.Int64 // state.Seq, readable without mu
	lastAt time.Time    // the newest event's time; guarded by mu
	ring   chan struct{}
	locked bool // the session's shared lock is held (settle); guarded by mu
	// contended: until then commands are decided under the session's
	// lock (see settle); guarded by mu.
	contended time.Time
	// held reports whether this node holds a connection of a key to the
	// session (nil: not told); rejoin lists held keys that another node
	// marked away (see catchUp). Both guarded by mu.
	held   func(key string) bool
	rejoin []string
}

// OpenRoom loads a session's events from the store and starts its room. The
// room runs until Close.
func OpenRoom(ctx context.Context, st Store, id string, opt RoomOptions) (*Room, error) {
	events, err := st.Events(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load session %s: %w", id, err)
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("load session %s: %w: no events", id, ErrNotFound)
	}
	r := &Room{
		id:    id,
		store: st,
		clock: opt.Clock,
		rand:  opt.Rand,
		onErr: opt.Error,
		kick:  make(chan struct{}, 1),
		ring:  make(chan struct{}, 1),
		done:  make(chan struct{}),
		ended: opt.Ended,
		teams: opt.Teams,
	}
	if r.clock == nil {
		r.clock = RealClock{}
	}
	if r.rand == nil {
		r.rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if r.onErr == nil {
		r.onErr = func(error) {}
	}
	if r.state, err = r.fold(id, events); err != nil {
		return nil, fmt.Errorf("load session %s: %w", id, err)
	}
	r.shared, _ = st.(SharedStore)
	r.head.Store(r.state.Seq)
	r.lastAt = events[len(events)-1].Time
	if err := r.state.Validate(); err != nil {
		// Opened all the same: what the store holds can be read, and a
		// fault it causes fails only the command that meets it.
		r.onErr(fmt.Errorf("session %s: %w", id, err))
	}
	if opt.Rate >= 0 {
		perSecond, burst := opt.Rate, opt.Burst
		if perSecond == 0 {
			perSecond = DefaultRate
		}
		if burst <= 0 {
			burst = DefaultBurst
		}
		r.limit = rate.NewLimiter(rate.Limit(perSecond), burst)
	}
	if r.state.Config.Kind == Retro && r.state.Phase != Closed {
		if r.salt, err = st.Secret(ctx, id); err != nil {
			return nil, fmt.Errorf("load session %s: %w", id, err)
		}
	}
	r.fan.publish(Snapshot{State: r.state.Clone(), At: r.clock.Now()})
	runCtx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.run(runCtx)
	return r, nil
}

// Viewer returns a participant's key to their anonymous contributions, so
// that their view (State.For) can find their own cards, dots and answers.
// It is made from the session's secret, never stored, and "" once the
// secret is gone.
func (r *Room) Viewer(id ParticipantID) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.salt == nil {
		return ""
	}
	return Env{Salt: r.salt}.hash(id)
}

// faulted reports whether the room closed itself after a fault.
func (r *Room) faulted() bool { return r.broken.Load() }

// Clock returns the room's clock, so that views count down in its time.
func (r *Room) Clock() Clock { return r.clock }

// ID returns the session id.
func (r *Room) ID() string { return r.id }

// Snapshot returns the newest published state.
func (r *Room) Snapshot() Snapshot { return r.fan.snapshot() }

// Submit decides a command for the actor and records its events. It
// returns the Decide error for a rejected command, an ErrClosed error after
// Close, an ErrBusy error past the session's command rate
// (RoomOptions.Rate), or an ErrStore error wrapping the store's (ErrFull
// when it has no space left); in every error case the command changed
// nothing. Time-box expiries that were due are recorded first, whatever
// becomes of the command, so that the log keeps the order things happened.
//
// A fault (a panic) while deciding fails the command with an ErrInternal
// error, reported with its stack through RoomOptions.Error; the command
// changed nothing and the room goes on serving everyone. A fault while
// applying events that the store has already recorded leaves the live
// state in doubt: then the room closes as Close does (its subscriptions
// end, later commands get ErrClosed), and the session can be opened
// again from the store, whose log is the truth. A fault never ends the
// process.
func (r *Room) Submit(actor ParticipantID, c Command) (err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return fmt.Errorf("%w: the session is no longer open here", ErrClosed)
	}
	defer r.recovered(&err, "deciding", c)
	now := r.clock.Now().UTC()
	if err := r.expire(now); err != nil {
		return err
	}
	if tc, ok := c.(teamCommand); ok && r.teams != nil {
		t, err := r.teamNow()
		if err != nil {
			return err
		}
		c = tc.withTeam(&t)
	}
	decide := func() ([]Payload, error) {
		return Decide(r.state, actor, c, Env{Now: now, Rand: r.rand, Salt: r.salt})
	}
	payloads, err := decide()
	if err != nil || len(payloads) == 0 {
		return err
	}
	// Only what changes the session redraws every screen: a refused or
	// empty command costs the session's rate nothing, so that members
	// hammering at a full parking lot do not keep the others waiting.
	if r.limit != nil && !r.unlimited(actor, c) && !r.limit.AllowN(now, 1) {
		return fmt.Errorf("%w: too many actions in this session at once; try again in a moment", ErrBusy)
	}
	// Another node may have changed the session since: the command is
	// decided again on what it did, expiries due by now first.
	redecide := func() ([]Payload, error) {
		if err := r.expire(now); err != nil {
			return nil, err
		}
		return decide()
	}
	if payloads, err = r.settle(actor, now, payloads, redecide); err != nil || len(payloads) == 0 {
		return err
	}
	r.bindKeys(payloads)
	r.acknowledged(payloads, now)
	return nil
}

// teamNow is the session's team as the store has it now; a team that is
// gone binds nothing and has nobody on its roster. r.mu is held.
func (r *Room) teamNow() (Team, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	t, err := r.teams.Team(ctx, r.state.Config.Team)
	if errors.Is(err, ErrNotFound) {
		return Team{Name: r.state.Config.Team}, nil
	}
	if err != nil {
		return Team{}, fmt.Errorf("%w: read the team: %w", ErrStore, err)
	}
	return t, nil
}

// bindKeys binds to the team the keys that just became roster members,
// and puts guests who became members on its roster. r.mu is held.
func (r *Room) bindKeys(payloads []Payload) {
	if r.teams == nil {
		return
	}
	for _, p := range payloads {
		if g, ok := p.(*GuestPromoted); ok {
			r.promote(g.Who)
			continue
		}
		a, ok := p.(*Arrived)
		if !ok || a.Key == "" || a.Role == Observer {
			continue
		}
		if pt, ok := r.state.Participant(a.Who.ID); !ok || !pt.Expected {
			continue // a guest: never the team's key
		}
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		if _, err := r.teams.bind(ctx, r.state.Config.Team, a.Who.Name, a.Key); err != nil {
			r.onErr(fmt.Errorf("bind a key to %s of %s: %w", a.Who.Name, r.state.Config.Team, err))
		}
		cancel()
	}
}

// promote puts a guest who became a member of the team (PromoteGuest,
// which checked that the facilitator may change the team) on the team's
// roster, with the key they joined with. r.mu is held.
func (r *Room) promote(who Person) {
	key := ""
	if p, ok := r.state.Participant(who.ID); ok {
		key = p.Key
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := r.teams.addToRoster(ctx, r.state.Config.Team, who.Name, key); err != nil {
		r.onErr(fmt.Errorf("add %s to the roster of %s: %w", who.Name, r.state.Config.Team, err))
	}
}

// unlimited reports whether the session's command rate lets a command
// through whatever the others did: someone coming or going, and the
// facilitator, who must be able to run the meeting while members flood
// it. (The facilitator's own commands are limited per participant by
// whoever submits them, as everyone's are.) r.mu is held.
func (r *Room) unlimited(actor ParticipantID, c Command) bool {
	switch c.(type) {
	case Join, Withdraw, Arrive, Leave:
		return true
	}
	p, ok := r.state.Participant(actor)
	return ok && p.Role == Facilitator
}

// recovered turns a panic of the caller into an ErrInternal error in *err
// and reports it with its stack. It must be deferred directly. c, if not
// nil, is the command the caller was deciding.
func (r *Room) recovered(err *error, what string, c Command) {
	p := recover()
	if p == nil {
		return
	}
	if c != nil {
		what = fmt.Sprintf("%s %T", what, c)
	}
	r.onErr(fmt.Errorf("%w: session %s: %s: panic: %v\n%s", ErrInternal, r.state.ID, what, p, debug.Stack()))
	*err = fmt.Errorf("%w: something went wrong in huddle; nothing was changed", ErrInternal)
}

// fold builds the state of the session from its stored events; a fault
// while folding is an ErrInternal error.
func (r *Room) fold(id string, events []Event) (s *State, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.onErr(fmt.Errorf("%w: session %s: folding its events: panic: %v\n%s", ErrInternal, id, p, debug.Stack()))
			s, err = nil, fmt.Errorf("%w: the session's record cannot be read", ErrInternal)
		}
	}()
	return Fold(id, events), nil
}

// apply folds recorded events into the live state. A fault half way leaves
// the state in doubt: the room closes, and the error is ErrInternal.
// r.mu is held.
func (r *Room) apply(events []Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.onErr(fmt.Errorf("%w: session %s: applying events %d to %d: panic: %v\n%s",
				ErrInternal, r.state.ID, events[0].Seq, events[len(events)-1].Seq, p, debug.Stack()))
			r.closed = true
			r.broken.Store(true)
			r.cancel()
			r.fan.close()
			err = fmt.Errorf("%w: the session stopped after a fault here; join it again", ErrInternal)
		}
	}()
	for _, e := range events {
		r.state.Apply(e)
	}
	r.head.Store(r.state.Seq)
	r.lastAt = events[len(events)-1].Time
	return nil
}

// commit makes the events durable, applies them and publishes. r.mu is held.
func (r *Room) commit(actor ParticipantID, now time.Time, payloads []Payload) error {
	if len(payloads) == 0 {
		return nil
	}
	if r.shared != nil && now.Before(r.lastAt) {
		// Another node's clock is ahead: the log never goes back in
		// time, or a timer stopped here would have run a negative time.
		now = r.lastAt
	}
	events := make([]Event, len(payloads))
	actors := recordedActors(r.state, actor, payloads)
	for i, p := range payloads {
		events[i] = Event{Seq: r.state.Seq + int64(i) + 1, Time: now, Actor: actors[i], Payload: p}
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := r.store.Append(ctx, r.state.ID, events...); err != nil {
		return fmt.Errorf("%w; nothing was changed: %w", ErrStore, err)
	}
	wasOpen := r.state.Phase != Closed
	if err := r.apply(events); err != nil {
		return err
	}
	if wasOpen && r.state.Phase == Closed && r.ended != nil {
		id := r.state.ID
		r.hooks.Go(func() { r.ended(id) })
	}
	if r.salt != nil && r.state.Phase == Closed {
		// The salt dies with the session: anonymous records stay so.
		r.salt = nil
		r.forget(ctx)
	}
	r.fan.publish(Snapshot{State: r.state.Clone(), At: now})
	select {
	case r.kick <- struct{}{}:
	default:
	}
	return nil
}

// forget deletes the ended session's secret; until that is done, the
// room's loop tries again every few seconds (and Close once more). A store
// that opens deletes the secrets of ended sessions too, so a secret
// outlives a failure only until the next try or the next start.
func (r *Room) forget(ctx context.Context) {
	err := r.store.ForgetSecret(ctx, r.state.ID)
	r.unforgotten = err != nil
	if err != nil {
		r.onErr(fmt.Errorf("forget the secret (will try again): %w", err))
	}
}

// forgetRetry is how long the room waits before it tries again to delete
// an ended session's secret.
const forgetRetry = 5 * time.Second

// expire records the time-boxes that ran out by now. r.mu is held.
func (r *Room) expire(now time.Time) error {
	decide := func() ([]Payload, error) { return expiries(r.state, Env{Now: now, Salt: r.salt}), nil }
	payloads, _ := decide()
	_, err := r.settle(System, now, payloads, decide)
	return err
}

// expireGuarded is expire for the room's own goroutine: a fault is an
// ErrInternal error. r.mu is held.
func (r *Room) expireGuarded(now time.Time) (err error) {
	defer r.recovered(&err, "recording expiry", nil)
	return r.expire(now)
}

// deadline is the next deadline for the room's own goroutine; a fault
// means none, so the goroutine waits for the next command.
func (r *Room) deadline() (t time.Time, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error // a fault leaves t and ok zero
	defer r.recovered(&err, "finding the next deadline", nil)
	if r.unforgotten {
		return r.clock.Now().Add(forgetRetry), true
	}
	return nextDeadline(r.state)
}

// faultPause is how long the room's goroutine waits after a fault while
// recording an expiry before it tries again (a store failure: a second).
const faultPause = time.Minute

// run records time-box expiry when a deadline passes.
func (r *Room) run(ctx context.Context) {
	defer close(r.done)
	for {
		deadline, ok := r.deadline()
		var fire <-chan time.Time
		var t ClockTimer
		if ok {
			t = r.clock.NewTimerAt(deadline)
			fire = t.C()
		}
		select {
		case <-ctx.Done():
			if t != nil {
				t.Stop()
			}
			return
		case <-r.kick:
			if t != nil {
				t.Stop()
			}
		case <-r.ring:
			if t != nil {
				t.Stop()
			}
			r.mu.Lock()
			var err error
			if !r.closed {
				err = r.catchUpGuarded()
			}
			if err == nil && !r.closed {
				err = r.rejoinHeld()
			}
			r.mu.Unlock()
			if err != nil && !errors.Is(err, ErrInternal) {
				// The next ring or the hub's periodic catch-up tries again.
				r.onErr(fmt.Errorf("catch up with other nodes: %w", err))
			}
		case <-fire:
			r.mu.Lock()
			var err error
			if !r.closed {
				err = r.expireGuarded(r.clock.Now().UTC())
			}
			if r.unforgotten {
				sctx, cancel := context.WithTimeout(ctx, storeTimeout)
				r.forget(sctx)
				cancel()
			}
			r.mu.Unlock()
			switch {
			case errors.Is(err, ErrInternal):
				// Reported already, with the stack.
				if !sleep(ctx, r.clock, faultPause) {
					return
				}
			case err != nil:
				r.onErr(fmt.Errorf("record expiry: %w", err))
				if !sleep(ctx, r.clock, time.Second) {
					return
				}
			}
		}
	}
}

// pauseForRestart stops the running time-boxes as the system (see
// RestartReason), so that the time a server is down is taken from nobody.
// Expiries due by now are recorded first. It does nothing when no timer
// runs: in the waiting room, after the end, or while paused already.
func (r *Room) pauseForRestart() (err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	defer r.recovered(&err, "pausing for a restart", nil)
	now := r.clock.Now().UTC()
	if err := r.expire(now); err != nil {
		return err
	}
	decide := func() ([]Payload, error) {
		if !r.state.TimersRunning() {
			return nil, nil
		}
		return []Payload{&Paused{Reason: RestartReason}}, nil
	}
	payloads, _ := decide()
	_, err = r.settle(System, now, payloads, decide)
	return err
}

// resumeAfterRestart restarts the time-boxes that pauseForRestart stopped,
// as the system. A pause of anyone else's stays.
func (r *Room) resumeAfterRestart() (err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	defer r.recovered(&err, "resuming after a restart", nil)
	decide := func() ([]Payload, error) {
		s := r.state
		if !s.Paused || s.PauseReason != RestartReason || s.Phase == Closed {
			return nil, nil
		}
		return []Payload{&Resumed{}}, nil
	}
	payloads, _ := decide()
	_, err = r.settle(System, r.clock.Now().UTC(), payloads, decide)
	return err
}

// Subscribers counts the open subscriptions.
func (r *Room) Subscribers() int { return r.fan.count() }

// Subscribe returns a subscription that receives the newest snapshot,
// starting with the current one.
func (r *Room) Subscribe() *Subscription { return r.fan.subscribe() }

// Close stops the room: its timer goroutine ends, subscriptions' channels
// are closed and further commands fail with ErrClosed. The session stays in
// the store and can be opened again.
func (r *Room) Close() error {
	r.cancel()
	<-r.done
	r.hooks.Wait()
	r.mu.Lock()
	r.closed = true
	if r.unforgotten {
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		r.forget(ctx)
		cancel()
	}
	r.mu.Unlock()
	r.fan.close()
	return nil
}

// fanout hands the newest snapshot to every subscriber. It has its own
// lock, so reading the newest state or (un)subscribing never waits for a
// command's store write; a Room and a Player publish through one.
type fanout struct {
	mu     sync.Mutex
	snap   Snapshot
	subs   map[*Subscription]struct{}
	closed bool
}

// publish makes snap the newest state and puts it in every mailbox.
func (f *fanout) publish(snap Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = snap
	for s := range f.subs {
		s.put(snap)
	}
}

func (f *fanout) snapshot() Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap
}

func (f *fanout) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

func (f *fanout) subscribe() *Subscription {
	s := &Subscription{fan: f, c: make(chan Snapshot, 1)}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		close(s.c)
		s.done = true
		return s
	}
	s.put(f.snap)
	if f.subs == nil {
		f.subs = make(map[*Subscription]struct{})
	}
	f.subs[s] = struct{}{}
	return s
}

// close ends every subscription, now and to come.
func (f *fanout) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for s := range f.subs {
		s.close()
	}
	clear(f.subs)
}

// Subscription is a one-slot mailbox of snapshots: publishing overwrites
// an unread snapshot, so a slow reader skips to the newest state and never
// blocks the room.
type Subscription struct {
	fan  *fanout
	c    chan Snapshot
	done bool // guarded by fan.mu
}

// C delivers snapshots; it is closed when the subscription or the room is
// closed.
func (s *Subscription) C() <-chan Snapshot { return s.c }

// Close ends the subscription.
func (s *Subscription) Close() {
	s.fan.mu.Lock()
	defer s.fan.mu.Unlock()
	delete(s.fan.subs, s)
	s.close()
}

// put replaces the unread snapshot, if any. fan.mu is held, so put is the
// only sender and the drain-then-send never blocks.
func (s *Subscription) put(snap Snapshot) {
	select {
	case <-s.c:
	default:
	}
	s.c <- snap
}

func (s *Subscription) close() {
	if !s.done {
		s.done = true
		close(s.c)
	}
}
