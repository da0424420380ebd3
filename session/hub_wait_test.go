package session

import (
	"context"
	"errors"

	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// slowStore is a memStore whose Append, while gated, waits for release
// (after saying so on held): a disk that takes long to sync.
type slowStore struct {
	*memStore
	gated   atomic.Bool
	fail    atomic.Bool // checked once released
	appends atomic.Int32
	held    chan struct{}
	release chan struct{}
	once    sync.Once
}

// open lets every held and later Append through.
func (s *slowStore) open() { s.once.Do(func() { close(s.release) }) }

func newSlowStore() *slowStore {
	return &slowStore{memStore: newMemStore(), held: make(chan struct{}, 64), release: make(chan struct{})}
}

func (s *slowStore) Append(ctx context.Context, id string, events ...Event) error {
	s.appends.Add(1)
	if s.gated.Load() {
		s.held <- struct{}{}
		<-s.release
	}
	if s.fail.Load() {
		return errors.New("disk on fire")
	}
	return s.memStore.Append(ctx, id, events...)
}

// TestHubDoesNotWaitForARoomsWrite: finding a live room never waits for
// its store write: a flooded room, one fsync per command, kept every join
// on the server waiting behind its lock.
func TestHubDoesNotWaitForARoomsWrite(t *testing.T) {
	st := newSlowStore()
	st.put("s", healthyStandup()...)
	hub := NewHub(st, RoomOptions{Clock: NewFakeClock(t0.Add(time.Minute))})
	defer hub.Close()
	defer st.open() // before the hub closes, on failure too
	ctx := context.Background()
	room, err := hub.Room(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	st.gated.Store(true)
	first := make(chan error, 1)
	go func() { first <- room.Submit(fac, Park{Topic: "first"}) }()
	<-st.held
	found := make(chan *Room, 1)
	go func() {
		r, _ := hub.Room(ctx, "s")
		found <- r
	}()
	select {
	case r := <-found:
		if r != room {
			t.Fatal("the hub opened another room")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the hub waited for the room's store write")
	}
	st.open()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
}
