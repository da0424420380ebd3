package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Hub keeps the live rooms of a server: one Room per session, opened from
// the store on first use and kept until the hub closes. A server restart
// therefore brings every session back as soon as someone joins it.
//
// A graceful restart takes no time from anyone: Close pauses the running
// time-boxes of every live session (the actor is System, the reason
// RestartReason) before it closes the rooms, and Room resumes them when it
// opens such a session again. The resume happens at the room's opening,
// not at a particular participant's return: a server opens a room only
// when someone comes to it with its join code, so that is the first
// rejoin after the restart, and whoever it is finds the clock running
// where it stopped. A pause that someone made before the restart (any
// other reason) stays until they resume it. A crash pauses nothing: the
// timers count the time the server was down, as they should when nobody
// could tell the room to stop.
//
// Several nodes over a SharedStore (see nodes.go) are restarted one at a
// time: Close of one node pauses nothing, as the other nodes keep serving
// its sessions and its participants reconnect to them through the load
// balancer; a session's time-boxes stop only when the facilitator pauses
// them. Its heartbeats stop with it, so those of its participants who do
// not come back through another node within RoomOptions.Dead are marked
// away by the others, as those of a node that crashed. The hub follows
// the other nodes' changes through the store's doorbell, tells the store
// which connections it holds (Hold, Release), and marks away the
// participants of a node that died.
type Hub struct {
	store Store
	opts  RoomOptions
	nodes *nodes // nil unless the store is shared

	mu     sync.Mutex
	rooms  map[string]*Room
	closed bool
}

// RestartReason is the pause reason of the time-boxes that Hub.Close
// stopped; Hub.Room resumes only those.
const RestartReason = "the server restarted"

// NewHub returns a hub over the store; every room it opens uses opts.
func NewHub(st Store, opts RoomOptions) *Hub {
	h := &Hub{store: st, opts: opts, rooms: make(map[string]*Room)}
	h.startNodes()
	return h
}

// Store returns the hub's store.
func (h *Hub) Store() Store { return h.store }

// Room returns the live room of a session, opening it if needed. A room
// that closed itself after a fault (see Room.Submit) is opened again from
// the store.
func (h *Hub) Room(ctx context.Context, id string) (*Room, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, fmt.Errorf("%w: the server is shutting down", ErrClosed)
	}
	if r, ok := h.rooms[id]; ok {
		if !r.faulted() {
			return r, nil
		}
		// Its goroutine has ended or is ending; nothing is left to close.
		delete(h.rooms, id)
	}
	r, err := OpenRoom(ctx, h.store, id, h.opts)
	if err != nil {
		return nil, err
	}
	if err := r.resumeAfterRestart(); err != nil {
		// The session is open all the same; the facilitator can resume.
		if h.opts.Error != nil {
			h.opts.Error(fmt.Errorf("session %s: resume after the restart: %w", id, err))
		}
	}
	if h.nodes != nil {
		r.mu.Lock()
		r.held = func(key string) bool { return h.nodes.holding(Holding{Session: id, Key: key}) }
		r.mu.Unlock()
	}
	h.rooms[id] = r
	// A ring between the room's reading of the log and now found no
	// room: it catches up once.
	r.rang(0)
	return r, nil
}

// Live returns the room of a session if it is open, without opening it.
func (h *Hub) Live(id string) (*Room, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.rooms[id]
	return r, ok
}

// Evict closes a finished session's room once nobody watches it; it is
// opened again from the store if someone comes back to read it.
func (h *Hub) Evict(id string) {
	h.mu.Lock()
	r, ok := h.rooms[id]
	if !ok || r.Snapshot().State.Phase != Closed || r.Subscribers() > 0 {
		h.mu.Unlock()
		return
	}
	delete(h.rooms, id)
	h.mu.Unlock()
	r.Close()
}

// ByCode returns the live room of the session with the join code.
func (h *Hub) ByCode(ctx context.Context, code string) (*Room, error) {
	info, err := h.store.SessionByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return h.Room(ctx, info.ID)
}

// Close pauses the running time-boxes of every live session (see Hub) and
// closes every room: their subscribers see their channels close. A
// session whose pause could not be recorded is closed all the same, and
// the error is returned. With a shared store it pauses nothing: the other
// nodes go on serving the sessions.
func (h *Hub) Close() error {
	h.mu.Lock()
	h.closed = true
	rooms := h.rooms
	h.rooms = map[string]*Room{}
	h.mu.Unlock()
	h.stopNodes()
	var errs []error
	for id, r := range rooms {
		if h.nodes != nil {
			errs = append(errs, r.Close())
			continue
		}
		if err := r.pauseForRestart(); err != nil {
			errs = append(errs, fmt.Errorf("session %s: pause for the restart: %w", id, err))
		}
		errs = append(errs, r.Close())
	}
	return errors.Join(errs...)
}

// UnstartedFor is how long a session that nobody started stays open after
// its creation: then it expires (see Hub.ExpireUnstarted), so that the
// stand-ups someone opened and forgot do not pile up in the lobby.
const UnstartedFor = 24 * time.Hour

// ExpireUnstarted ends the session, as the system, if nobody started it
// within UnstartedFor of its creation, and reports whether it has ended
// (now or before). A young session costs a comparison, not a room.
func (h *Hub) ExpireUnstarted(ctx context.Context, info Info) (bool, error) {
	if !info.Ended.IsZero() {
		return true, nil
	}
	clock := h.opts.Clock
	if clock == nil {
		clock = RealClock{}
	}
	now := clock.Now()
	if now.Sub(info.Created) < UnstartedFor {
		return false, nil
	}
	if _, live := h.Live(info.ID); !live {
		// Read, not opened: opening a room resumes what a restart
		// paused, and a started session stays as it is.
		events, err := h.store.Events(ctx, info.ID)
		if err != nil {
			return false, err
		}
		if s := Fold(info.ID, events); s.Phase != Waiting {
			return s.Phase == Closed, nil
		}
	}
	r, err := h.Room(ctx, info.ID)
	if err != nil {
		return false, err
	}
	defer h.Evict(info.ID)
	return r.expireUnstarted(now)
}

// expireUnstarted records the end of a session still in its waiting room.
func (r *Room) expireUnstarted(now time.Time) (ended bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return false, nil
	case r.state.Phase == Closed:
		return true, nil
	case r.state.Phase != Waiting:
		return false, nil
	}
	defer r.recovered(&err, "expiring a session nobody started", nil)
	decide := func() ([]Payload, error) {
		if r.state.Phase != Waiting {
			return nil, nil // another node started or ended it meanwhile
		}
		return []Payload{&Ended{}}, nil
	}
	if _, err := r.settle(System, now.UTC(), []Payload{&Ended{}}, decide); err != nil {
		return false, err
	}
	return r.state.Phase == Closed, nil
}
