package session_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"huddle/session"
	"huddle/session/export"
	"huddle/session/sqlite"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

const fac session.ParticipantID = "local:maria"

func mustStore(tb testing.TB, dir string) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(filepath.Join(dir, "huddle.db"))
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

func mustCreate(tb testing.TB, st session.Store, cfg session.Config, roster ...string) session.Info {
	tb.Helper()
	cfg.Team = "musicstore"
	if cfg.Timebox == 0 {
		cfg.Timebox = 15 * time.Minute
	}
	info, err := session.Create(context.Background(), st, session.Plan{
		Config:      cfg,
		Facilitator: session.Person{ID: fac, Name: "maria"},
		Roster:      roster,
	}, t0)
	if err != nil {
		tb.Fatal(err)
	}
	return info
}

func mustRoom(tb testing.TB, st session.Store, id string, clock session.Clock) *session.Room {
	tb.Helper()
	r, err := session.OpenRoom(context.Background(), st, id, session.RoomOptions{Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

func mustSubmit(tb testing.TB, r *session.Room, actor session.ParticipantID, c session.Command) {
	tb.Helper()
	if err := r.Submit(actor, c); err != nil {
		tb.Fatalf("%T: %v", c, err)
	}
}

// await reads snapshots until one satisfies ok. The wall-clock limit only
// guards against a hung test; no time-box depends on it.
func await(tb testing.TB, sub *session.Subscription, ok func(*session.State) bool) *session.State {
	tb.Helper()
	limit := time.After(5 * time.Second)
	for {
		select {
		case snap, open := <-sub.C():
			if !open {
				tb.Fatal("subscription closed")
			}
			if ok(snap.State) {
				return snap.State
			}
		case <-limit:
			tb.Fatal("no snapshot satisfied the condition")
			return nil
		}
	}
}

// hookStore runs a hook inside Append before the events are written.
type hookStore struct {
	session.Store
	before func(events []session.Event) error
}

func (h hookStore) Append(ctx context.Context, id string, events ...session.Event) error {
	if err := h.before(events); err != nil {
		return err
	}
	return h.Store.Append(ctx, id, events...)
}

func TestRoomEventsAreDurableBeforeTheyArePublished(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	info := mustCreate(t, st, session.Config{}, "Lukas")
	var sub *session.Subscription
	var leaked []int64
	hooked := hookStore{Store: st, before: func(events []session.Event) error {
		select {
		case snap := <-sub.C():
			if snap.State.Seq >= events[0].Seq {
				leaked = append(leaked, events[0].Seq)
			}
		default:
		}
		stored, err := st.Events(context.Background(), info.ID)
		if err == nil && len(stored) >= int(events[0].Seq) {
			leaked = append(leaked, -events[0].Seq)
		}
		return nil
	}}
	r := mustRoom(t, hooked, info.ID, session.NewFakeClock(t0))
	sub = r.Subscribe()
	<-sub.C() // the initial snapshot
	mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
	mustSubmit(t, r, fac, session.Park{Topic: "ci"})
	if len(leaked) > 0 {
		t.Fatalf("subscribers saw events before the store had them: %v", leaked)
	}
	got := await(t, sub, func(s *session.State) bool { return s.Seq == 3 })
	stored, err := st.Events(context.Background(), info.ID)
	if err != nil || len(stored) != 3 {
		t.Fatalf("store has %d events (%v), want 3", len(stored), err)
	}
	if !reflect.DeepEqual(session.Fold(info.ID, stored), got) {
		t.Fatal("the published state differs from the fold of the stored events")
	}
}

func TestRoomStoreFailureChangesNothing(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	info := mustCreate(t, st, session.Config{}, "Lukas")
	fail := errors.New("disk full")
	failing := hookStore{Store: st, before: func([]session.Event) error { return fail }}
	r := mustRoom(t, failing, info.ID, session.NewFakeClock(t0))
	sub := r.Subscribe()
	<-sub.C()
	err := r.Submit(fac, session.Park{Topic: "ci"})
	if !errors.Is(err, fail) {
		t.Fatalf("err = %v, want the store's error", err)
	}
	select {
	case snap := <-sub.C():
		t.Fatalf("a failed write was published: seq %d", snap.State.Seq)
	default:
	}
	if s := r.Snapshot().State; s.Seq != 1 || len(s.Items) != 0 {
		t.Fatalf("state changed after a failed write: seq %d, %d items", s.Seq, len(s.Items))
	}
}

func TestRoomRecordsExpiryFromTheClock(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	info := mustCreate(t, st, session.Config{Timebox: 4 * time.Minute}, "Lukas", "Julia")
	clock := session.NewFakeClock(t0)
	r := mustRoom(t, st, info.ID, clock)
	sub := r.Subscribe()
	mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
	mustSubmit(t, r, fac, session.Arrive{Name: "Julia"})
	mustSubmit(t, r, fac, session.Start{})
	await(t, sub, func(s *session.State) bool { return s.Phase == session.Rounds })

	clock.Advance(time.Minute + 59*time.Second)
	clock.Advance(time.Second) // the 2m turn runs out
	s := await(t, sub, func(s *session.State) bool { t, _ := s.CurrentTurn(); return t.Timer.Expired })
	if s.Overall.Expired {
		t.Fatal("the overall time-box expired with the first turn")
	}
	clock.Advance(2 * time.Minute)
	await(t, sub, func(s *session.State) bool { return s.Overall.Expired })

	events, err := st.Events(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	var expired []session.Event
	for _, e := range events {
		if e.Type() == "expired" {
			expired = append(expired, e)
		}
	}
	if len(expired) != 2 || expired[0].Actor != session.System || !expired[0].Time.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("expired events %+v", expired)
	}
}

func TestRoomPublishingNeverBlocks(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	info := mustCreate(t, st, session.Config{})
	r := mustRoom(t, st, info.ID, session.NewFakeClock(t0))
	stalled := r.Subscribe() // never read until the end
	for i := range 50 {
		mustSubmit(t, r, fac, session.Park{Topic: "topic " + string(rune('a'+i%26))})
	}
	snap := <-stalled.C()
	if snap.State.Seq != 51 {
		t.Fatalf("a stalled subscriber got seq %d, want the newest (51)", snap.State.Seq)
	}
	select {
	case s := <-stalled.C():
		t.Fatalf("an old snapshot was queued: seq %d", s.State.Seq)
	default:
	}
}

func TestRoomConcurrentSubmits(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	info := mustCreate(t, st, session.Config{})
	// 80 commands at one instant: no session-wide rate here.
	r, err := session.OpenRoom(context.Background(), st, info.ID, session.RoomOptions{Clock: session.NewFakeClock(t0), Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				if err := r.Submit(fac, session.Park{Topic: "x"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	events, err := st.Events(context.Background(), info.ID)
	if err != nil || len(events) != 81 {
		t.Fatalf("%d events (%v), want 81", len(events), err)
	}
	if n := len(r.Snapshot().State.Items); n != 80 {
		t.Fatalf("%d items, want 80", n)
	}
}

func TestReopenedStoreReproducesTheState(t *testing.T) {
	dir := t.TempDir()
	st := mustStore(t, dir)
	info := mustCreate(t, st, session.Config{}, "Lukas", "Julia")
	clock := session.NewFakeClock(t0)
	r := mustRoom(t, st, info.ID, clock)
	mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
	clock.Advance(3 * time.Minute)
	mustSubmit(t, r, fac, session.Arrive{Name: "Julia"})
	mustSubmit(t, r, fac, session.Start{})
	clock.Advance(40 * time.Second)
	mustSubmit(t, r, fac, session.Park{Topic: "build is red"})
	mustSubmit(t, r, fac, session.Pause{Reason: "quit"})
	want := r.Snapshot().State
	r.Close()
	st.Close()

	st2 := mustStore(t, dir)
	defer st2.Close()
	r2 := mustRoom(t, st2, info.ID, clock)
	if got := r2.Snapshot().State; !reflect.DeepEqual(got, want) {
		t.Fatalf("reopened state differs:\n got %+v\nwant %+v", got, want)
	}
	turn, _ := r2.Snapshot().State.CurrentTurn()
	if turn.Timer.Remaining(clock.Now().Add(time.Hour)) != turn.Timer.Budget-40*time.Second {
		t.Fatal("a paused timer must keep its remaining time across a restart")
	}
}

func TestCreateCarriesOverOpenItems(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	first := mustCreate(t, st, session.Config{}, "Lukas")
	r := mustRoom(t, st, first.ID, session.NewFakeClock(t0))
	mustSubmit(t, r, fac, session.Park{Topic: "integration tests"})
	mustSubmit(t, r, fac, session.Park{Topic: "dropped"})
	mustSubmit(t, r, fac, session.Resolve{Item: 2, Status: session.Dropped})
	mustSubmit(t, r, fac, session.End{})
	r.Close()

	second := mustCreate(t, st, session.Config{}, "Lukas")
	r2 := mustRoom(t, st, second.ID, session.NewFakeClock(t0))
	open := r2.Snapshot().State.OpenItems()
	if len(open) != 1 || open[0].Topic != "integration tests" || open[0].Session != first.ID {
		t.Fatalf("open items of the next session: %+v", open)
	}
	if second.Code == first.Code || second.ID == first.ID {
		t.Fatal("sessions must get fresh ids and join codes")
	}
}

func TestRoomCloseStopsEverything(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	st := mustStore(t, t.TempDir())
	defer st.Close()
	info := mustCreate(t, st, session.Config{})
	r, err := session.OpenRoom(context.Background(), st, info.ID, session.RoomOptions{Clock: session.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	sub := r.Subscribe()
	r.Close()
	for range sub.C() {
	}
	if err := r.Submit(fac, session.Park{Topic: "x"}); !errors.Is(err, session.ErrClosed) {
		t.Fatalf("submit after close: %v", err)
	}
	if _, open := <-r.Subscribe().C(); open {
		t.Fatal("subscribing to a closed room must give a closed channel")
	}
}

func TestRoomCallsEndedOnceTheEndIsDurable(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	info := mustCreate(t, st, session.Config{})
	ended := make(chan string, 2)
	r, err := session.OpenRoom(context.Background(), st, info.ID, session.RoomOptions{
		Clock: session.NewFakeClock(t0),
		Ended: func(id string) {
			if s, _ := st.Session(context.Background(), id); s.Ended.IsZero() {
				t.Error("Ended was called before the end was stored")
			}
			ended <- id
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, r, fac, session.Park{Topic: "x"})
	mustSubmit(t, r, fac, session.End{})
	r.Close()
	if len(ended) != 1 || <-ended != info.ID {
		t.Fatal("Ended was not called exactly once with the session")
	}
}

// TestAnonymousRetroRecordTiesNothingToAnyone holds an anonymous
// retrospective through a real room and store, and searches its JSON
// record: no card, dot or score event names its author.
func TestAnonymousRetroRecordTiesNothingToAnyone(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	ctx := context.Background()
	info, err := session.Create(ctx, st, session.Plan{
		Config:      session.Config{Team: "musicstore", Kind: session.Retro, Anonymous: true, ESVP: true},
		Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: []string{"Lukas", "Julia"},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	r := mustRoom(t, st, info.ID, session.NewFakeClock(t0))
	lukas, julia := session.RosterID("Lukas"), session.RosterID("Julia")
	mustSubmit(t, r, fac, session.Arrive{Name: "Lukas"})
	mustSubmit(t, r, fac, session.Arrive{Name: "Julia"})
	mustSubmit(t, r, fac, session.Start{})
	mustSubmit(t, r, lukas, session.CheckInPoll{Answer: session.Prisoner})
	for r.Snapshot().State.Phase != session.Write {
		mustSubmit(t, r, fac, session.Next{})
	}
	mustSubmit(t, r, lukas, session.AddCard{Column: 0, Text: "written by the first"})
	mustSubmit(t, r, julia, session.AddCard{Column: 1, Text: "written by the second"})
	for r.Snapshot().State.Phase != session.Vote {
		mustSubmit(t, r, fac, session.Next{})
	}
	mustSubmit(t, r, julia, session.CastVote{Group: 1})
	for r.Snapshot().State.Phase != session.Roti {
		mustSubmit(t, r, fac, session.Next{})
	}
	mustSubmit(t, r, lukas, session.GiveRoti{Score: 5})
	mustSubmit(t, r, fac, session.Next{})
	events, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	var record bytes.Buffer
	if err := export.JSON(&record, info, events); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Events []struct {
			Actor string          `json:"actor"`
			Type  string          `json:"type"`
			Data  json.RawMessage `json:"data"`
		} `json:"events"`
	}
	if err := json.Unmarshal(record.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range rec.Events {
		switch e.Type {
		case "card-added", "voted", "roti-given", "checked-in":
			checked++
			for _, who := range []string{"Lukas", "Julia", string(lukas), string(julia)} {
				if e.Actor == who || strings.Contains(string(e.Data), who) {
					t.Fatalf("%s ties to %s: actor %q, data %s", e.Type, who, e.Actor, e.Data)
				}
			}
		}
	}
	if checked != 5 {
		t.Fatalf("checked %d anonymous events, want 5", checked)
	}
}
