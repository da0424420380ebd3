// Package storetest holds the contract tests of session.Store that every
// store must pass, SQLite and PostgreSQL alike. A store's tests call Run
// with a function that opens a fresh, empty store:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) session.Store { return mustOpen(t) })
//	}
//
// The optional interfaces a store implements (team logs, defaults,
// deliveries, a SharedStore's EventsAfter) are tested when it implements
// them. What only one store can show (bytes on its disk, its schema, its
// locks) stays in that store's own tests.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/session"
)

// T0 has nanoseconds and a zone other than UTC, to show that times
// round-trip as instants.
var T0 = time.Date(2025, 3, 4, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))

// Opener opens a fresh, empty store for the test and closes it when the
// test ends.
type Opener func(t *testing.T) session.Store

// Run runs the contract tests as subtests of t.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		f    func(*testing.T, Opener)
	}{
		{"Teams", testTeams},
		{"EventsRoundTrip", testEventsRoundTrip},
		{"AppendConflicts", testAppendConflicts},
		{"Create", testCreate},
		{"SessionInfo", testSessionInfo},
		{"SessionsFilter", testSessionsFilter},
		{"ConcurrentAppends", testConcurrentAppends},
		{"Secret", testSecret},
		{"Deliveries", testDeliveries},
		{"RewriteDropsPendingDeliveries", testRewriteDropsPendingDeliveries},
		{"DeleteSessions", testDeleteSessions},
		{"DeleteSessionsIsAllOrNothing", testDeleteAllOrNothing},
		{"RewriteTeam", testRewriteTeam},
		{"TeamLog", testTeamLog},
		{"Defaults", testDefaults},
		{"EventsAfter", testEventsAfter},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.f(t, open) })
	}
}

// Ev makes an event.
func Ev(seq int64, at time.Time, actor session.ParticipantID, p session.Payload) session.Event {
	return session.Event{Seq: seq, Time: at, Actor: actor, Payload: p}
}

var (
	alice = session.Person{ID: "SHA256:alice", Name: "Alice"}
	bob   = session.Person{ID: session.RosterID("Bob"), Name: "Bob"}
)

// NewInfo describes a session and its Created event.
func NewInfo(id, code, team string, kind session.Kind, at time.Time) (session.Info, session.Event) {
	info := session.Info{ID: id, Team: team, Kind: kind, Code: code, Created: at}
	first := Ev(1, at, alice.ID, &session.Created{
		Config:      session.Config{Team: team, Kind: kind},
		Facilitator: alice,
		Roster:      []string{"Alice", "Bob"},
	})
	return info, first
}

// MustCreate creates a session and returns its info.
func MustCreate(tb testing.TB, st session.Store, id, code, team string, kind session.Kind, at time.Time) session.Info {
	tb.Helper()
	info, first := NewInfo(id, code, team, kind, at)
	if err := st.Create(context.Background(), info, first); err != nil {
		tb.Fatalf("Create(%s): %v", id, err)
	}
	return info
}

// MustEvents returns a session's events.
func MustEvents(tb testing.TB, st session.Store, id string) []session.Event {
	tb.Helper()
	events, err := st.Events(context.Background(), id)
	if err != nil {
		tb.Fatalf("Events(%s): %v", id, err)
	}
	return events
}

// SameEvents reports the first difference between two event lists:
// payloads are compared by type and stored encoding, times as instants.
func SameEvents(tb testing.TB, got, want []session.Event) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || !g.Time.Equal(w.Time) || g.Actor != w.Actor || g.Type() != w.Type() {
			tb.Fatalf("event %d: got {%d %v %q %s}, want {%d %v %q %s}",
				i, g.Seq, g.Time, g.Actor, g.Type(), w.Seq, w.Time, w.Actor, w.Type())
		}
		gb, err := session.EncodePayload(g.Payload)
		if err != nil {
			tb.Fatal(err)
		}
		wb, err := session.EncodePayload(w.Payload)
		if err != nil {
			tb.Fatal(err)
		}
		if !bytes.Equal(gb, wb) {
			tb.Fatalf("event %d payload:\n got %s\nwant %s", i, gb, wb)
		}
	}
}

// WantErr fails unless errors.Is(err, target).
func WantErr(tb testing.TB, err, target error) {
	tb.Helper()
	if !errors.Is(err, target) {
		tb.Fatalf("got error %v, want %v", err, target)
	}
}

// SameTeam compares two teams field by field.
func SameTeam(tb testing.TB, got, want session.Team) {
	tb.Helper()
	if got.Name != want.Name || !reflect.DeepEqual(got.Members, want.Members) ||
		!reflect.DeepEqual(got.Agreements, want.Agreements) ||
		!got.Created.Equal(want.Created) || !got.Updated.Equal(want.Updated) ||
		!reflect.DeepEqual(got.Keys, want.Keys) || !reflect.DeepEqual(got.Owners, want.Owners) {
		tb.Errorf("team\n got %+v\nwant %+v", got, want)
	}
}

// SameInfo compares two session infos field by field.
func SameInfo(tb testing.TB, got, want session.Info) {
	tb.Helper()
	if got.ID != want.ID || got.Team != want.Team || got.Kind != want.Kind || got.Code != want.Code ||
		!got.Created.Equal(want.Created) || !got.Ended.Equal(want.Ended) || got.Events != want.Events {
		tb.Errorf("info\n got %+v\nwant %+v", got, want)
	}
}

// StoryEvents are events 2.. of a stand-up after its Created event.
func StoryEvents(at time.Time) []session.Event {
	return []session.Event{
		Ev(2, at.Add(1*time.Second), alice.ID, &session.Arrived{Who: alice, Role: session.Facilitator}),
		Ev(3, at.Add(10*time.Minute), bob.ID, &session.Arrived{Who: bob, Role: session.Member, LateBy: 10 * time.Minute}),
		Ev(4, at.Add(11*time.Minute), alice.ID, &session.Started{Order: []session.ParticipantID{alice.ID, bob.ID}, TurnBudget: 2 * time.Minute}),
		Ev(5, at.Add(12*time.Minute), bob.ID, &session.Parked{Item: 1, Topic: "run the app's integration tests in our CI", RaisedBy: bob, Speaker: alice, Phase: session.Rounds}),
		Ev(6, at.Add(13*time.Minute), session.System, &session.Expired{Timer: session.TurnTimer}),
		Ev(7, at.Add(14*time.Minute), alice.ID, &session.Resumed{}),
	}
}

// MustNote appends n blockers with the text to a session, one event each.
func MustNote(tb testing.TB, st session.Store, id string, text string, n int) {
	tb.Helper()
	ctx := context.Background()
	info, err := st.Session(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	var events []session.Event
	for i := range n {
		seq := info.Events + int64(i) + 1
		events = append(events, Ev(seq, T0.Add(time.Duration(seq)*time.Second), bob.ID,
			&session.BlockerNoted{Speaker: bob, Text: fmt.Sprintf("%s #%d", text, i)}))
	}
	if err := st.Append(ctx, id, events...); err != nil {
		tb.Fatal(err)
	}
}

func testTeams(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	musicstore := session.Team{
		Name:       "musicstore",
		Members:    []string{"Alice", "Bob"},
		Agreements: []string{"be on time", "decide together"},
		Created:    T0,
		Updated:    T0.Add(time.Minute),
		Keys:       map[string]string{"Alice": "SHA256:alice"},
		Owners:     []string{"SHA256:owner", "SHA256:alice"},
	}

	t.Run("unknown team is not found", func(t *testing.T) {
		_, err := st.Team(ctx, "nobody")
		WantErr(t, err, session.ErrNotFound)
		if !strings.Contains(err.Error(), `"nobody"`) {
			t.Errorf("error %q does not name the team", err)
		}
	})
	t.Run("empty name is invalid", func(t *testing.T) {
		WantErr(t, st.PutTeam(ctx, session.Team{}), session.ErrInvalid)
	})
	t.Run("put team is got back", func(t *testing.T) {
		if err := st.PutTeam(ctx, musicstore); err != nil {
			t.Fatal(err)
		}
		got, err := st.Team(ctx, "musicstore")
		if err != nil {
			t.Fatal(err)
		}
		SameTeam(t, got, musicstore)
	})
	t.Run("put again replaces", func(t *testing.T) {
		changed := musicstore
		changed.Members = []string{"Alice", "Bob", "Carol"}
		changed.Agreements = nil
		changed.Updated = T0.Add(time.Hour)
		if err := st.PutTeam(ctx, changed); err != nil {
			t.Fatal(err)
		}
		got, err := st.Team(ctx, "musicstore")
		if err != nil {
			t.Fatal(err)
		}
		SameTeam(t, got, changed)
	})
	t.Run("schedules are got back", func(t *testing.T) {
		st := open(t) // a store of its own: the list below is of three teams
		sched := musicstore
		sched.Name = "scheduled"
		standup, err := session.ParseSchedule("Mon-Fri 10:00 Europe/Berlin", T0)
		if err != nil {
			t.Fatal(err)
		}
		retro, err := session.ParseSchedule("Fri/2 14:00 UTC", T0)
		if err != nil {
			t.Fatal(err)
		}
		sched.Schedules = map[session.Kind]session.Schedule{session.Standup: standup, session.Retro: retro}
		if err := st.PutTeam(ctx, sched); err != nil {
			t.Fatal(err)
		}
		got, err := st.Team(ctx, "scheduled")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Schedules) != 2 || got.Schedules[session.Standup].String() != standup.String() ||
			got.Schedules[session.Retro].String() != "Fri/2 14:00 UTC from 2025-03-03" {
			t.Errorf("schedules came back as %v", got.Schedules)
		}
	})
	t.Run("zero times stay zero", func(t *testing.T) {
		bare := session.Team{Name: "bare"}
		if err := st.PutTeam(ctx, bare); err != nil {
			t.Fatal(err)
		}
		got, err := st.Team(ctx, "bare")
		if err != nil {
			t.Fatal(err)
		}
		SameTeam(t, got, bare)
	})
	t.Run("list is ordered by name", func(t *testing.T) {
		for _, name := range []string{"appteam", "Zeta"} {
			if err := st.PutTeam(ctx, session.Team{Name: name, Members: []string{}}); err != nil {
				t.Fatal(err)
			}
		}
		teams, err := st.Teams(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tm := range teams {
			names = append(names, tm.Name)
		}
		// Byte order, whatever the database's collation.
		if want := []string{"Zeta", "appteam", "bare", "musicstore"}; !reflect.DeepEqual(names, want) {
			t.Errorf("teams %v, want %v", names, want)
		}
		if teams[1].Members == nil || len(teams[1].Members) != 0 {
			t.Errorf("empty members came back as %#v", teams[1].Members)
		}
	})
}

func testEventsRoundTrip(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	info, first := NewInfo("s1", "ABC123", "musicstore", session.Standup, T0)
	if err := st.Create(ctx, info, first); err != nil {
		t.Fatal(err)
	}
	rest := StoryEvents(T0)

	t.Run("created session has its first event", func(t *testing.T) {
		SameEvents(t, MustEvents(t, st, "s1"), []session.Event{first})
	})
	t.Run("appended events come back equal", func(t *testing.T) {
		if err := st.Append(ctx, "s1", rest[0]); err != nil {
			t.Fatal(err)
		}
		if err := st.Append(ctx, "s1", rest[1:]...); err != nil {
			t.Fatal(err)
		}
		got := MustEvents(t, st, "s1")
		SameEvents(t, got, append([]session.Event{first}, rest...))
		p, ok := got[4].Payload.(*session.Parked)
		if !ok || p.RaisedBy != bob || p.Phase != session.Rounds {
			t.Errorf("parked payload %#v", got[4].Payload)
		}
	})
	t.Run("appending nothing succeeds", func(t *testing.T) {
		if err := st.Append(ctx, "s1"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("appending nothing to an unknown session is not found", func(t *testing.T) {
		WantErr(t, st.Append(ctx, "nope"), session.ErrNotFound)
	})
	t.Run("unknown session has no events", func(t *testing.T) {
		_, err := st.Events(ctx, "nope")
		WantErr(t, err, session.ErrNotFound)
	})
	t.Run("event without storable time is invalid", func(t *testing.T) {
		err := st.Append(ctx, "s1", Ev(8, time.Time{}, alice.ID, &session.Resumed{}))
		WantErr(t, err, session.ErrInvalid)
	})
	t.Run("event without payload is invalid", func(t *testing.T) {
		err := st.Append(ctx, "s1", Ev(8, T0, alice.ID, nil))
		WantErr(t, err, session.ErrInvalid)
	})
}

func testAppendConflicts(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	MustCreate(t, st, "s1", "ABC123", "musicstore", session.Standup, T0)
	before := MustEvents(t, st, "s1")
	paused := func(seq int64) session.Event {
		return Ev(seq, T0.Add(time.Duration(seq)*time.Second), alice.ID, &session.Paused{Reason: "fire drill"})
	}

	for _, tc := range []struct {
		name   string
		events []session.Event
		want   string // in the message
	}{
		{"gap is a conflict", []session.Event{paused(3)}, "expected seq 2, got 3"},
		{"repeated seq is a conflict", []session.Event{paused(1)}, "expected seq 2, got 1"},
		{"gap inside the batch is a conflict", []session.Event{paused(2), paused(4)}, "expected seq 3, got 4"},
		{"repeat inside the batch is a conflict", []session.Event{paused(2), paused(2)}, "expected seq 3, got 2"},
	} {
		t.Run(tc.name+" and writes nothing", func(t *testing.T) {
			err := st.Append(ctx, "s1", tc.events...)
			WantErr(t, err, session.ErrConflict)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			SameEvents(t, MustEvents(t, st, "s1"), before)
		})
	}
	t.Run("unknown session is not found", func(t *testing.T) {
		WantErr(t, st.Append(ctx, "nope", paused(2)), session.ErrNotFound)
	})
	t.Run("racing writer of the same seq loses", func(t *testing.T) {
		if err := st.Append(ctx, "s1", paused(2)); err != nil {
			t.Fatal(err)
		}
		WantErr(t, st.Append(ctx, "s1", paused(2)), session.ErrConflict)
		if n := len(MustEvents(t, st, "s1")); n != 2 {
			t.Errorf("%d events, want 2", n)
		}
		info, err := st.Session(ctx, "s1")
		if err != nil || info.Events != 2 {
			t.Errorf("info says %d events, %v", info.Events, err)
		}
	})
}

func testCreate(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	MustCreate(t, st, "s1", "ABC123", "musicstore", session.Standup, T0)

	t.Run("duplicate id is a conflict", func(t *testing.T) {
		info, first := NewInfo("s1", "OTHER1", "musicstore", session.Standup, T0)
		WantErr(t, st.Create(ctx, info, first), session.ErrConflict)
	})
	t.Run("duplicate join code is a conflict", func(t *testing.T) {
		info, first := NewInfo("s2", "ABC123", "musicstore", session.Standup, T0)
		err := st.Create(ctx, info, first)
		WantErr(t, err, session.ErrConflict)
		if _, err := st.Session(ctx, "s2"); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("the refused session exists: %v", err)
		}
	})
	t.Run("first event other than seq 1 is invalid", func(t *testing.T) {
		info, first := NewInfo("s3", "CODE03", "musicstore", session.Standup, T0)
		first.Seq = 2
		WantErr(t, st.Create(ctx, info, first), session.ErrInvalid)
	})
	t.Run("first event other than created is invalid", func(t *testing.T) {
		info, _ := NewInfo("s3", "CODE03", "musicstore", session.Standup, T0)
		WantErr(t, st.Create(ctx, info, Ev(1, T0, alice.ID, &session.Resumed{})), session.ErrInvalid)
	})
	t.Run("info disagreeing with the created event is invalid", func(t *testing.T) {
		info, first := NewInfo("s3", "CODE03", "musicstore", session.Standup, T0)
		info.Kind = session.Retro
		WantErr(t, st.Create(ctx, info, first), session.ErrInvalid)
		info, first = NewInfo("s3", "CODE03", "musicstore", session.Standup, T0)
		info.Created = T0.Add(time.Second)
		WantErr(t, st.Create(ctx, info, first), session.ErrInvalid)
	})
	t.Run("empty id, code or team is invalid", func(t *testing.T) {
		for _, f := range []func(*session.Info){
			func(i *session.Info) { i.ID = "" },
			func(i *session.Info) { i.Code = "" },
			func(i *session.Info) { i.Team = "" },
		} {
			info, first := NewInfo("s3", "CODE03", "musicstore", session.Standup, T0)
			f(&info)
			WantErr(t, st.Create(ctx, info, first), session.ErrInvalid)
		}
	})
	t.Run("zero created time is taken from the event", func(t *testing.T) {
		info, first := NewInfo("s4", "CODE04", "musicstore", session.Retro, T0)
		info.Created = time.Time{}
		if err := st.Create(ctx, info, first); err != nil {
			t.Fatal(err)
		}
		got, err := st.Session(ctx, "s4")
		if err != nil {
			t.Fatal(err)
		}
		if !got.Created.Equal(T0) {
			t.Errorf("created %v, want %v", got.Created, T0)
		}
	})
}

func testSessionInfo(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	MustCreate(t, st, "s1", "ABC123", "musicstore", session.Standup, T0)
	want := session.Info{ID: "s1", Team: "musicstore", Kind: session.Standup, Code: "ABC123", Created: T0, Events: 1}

	t.Run("new session is unfinished with one event", func(t *testing.T) {
		got, err := st.Session(ctx, "s1")
		if err != nil {
			t.Fatal(err)
		}
		SameInfo(t, got, want)
	})
	t.Run("ended event sets ended and events", func(t *testing.T) {
		end := T0.Add(15 * time.Minute)
		if err := st.Append(ctx, "s1",
			Ev(2, end.Add(-time.Minute), alice.ID, &session.PhaseChanged{To: session.Closed}),
			Ev(3, end, alice.ID, &session.Ended{})); err != nil {
			t.Fatal(err)
		}
		got, err := st.Session(ctx, "s1")
		if err != nil {
			t.Fatal(err)
		}
		want.Ended, want.Events = end, 3
		SameInfo(t, got, want)
	})
	t.Run("join code finds the session", func(t *testing.T) {
		got, err := st.SessionByCode(ctx, "ABC123")
		if err != nil {
			t.Fatal(err)
		}
		SameInfo(t, got, want)
	})
	t.Run("unknown join code is not found", func(t *testing.T) {
		_, err := st.SessionByCode(ctx, "ZZZZZZ")
		WantErr(t, err, session.ErrNotFound)
	})
	t.Run("unknown session is not found", func(t *testing.T) {
		_, err := st.Session(ctx, "nope")
		WantErr(t, err, session.ErrNotFound)
	})
}

func testSessionsFilter(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	day := 24 * time.Hour
	// Created in this order, one day apart; b and b2 at the same time.
	MustCreate(t, st, "a", "CODE0A", "musicstore", session.Standup, T0)
	MustCreate(t, st, "b2", "CODE0C", "musicstore", session.Retro, T0.Add(day))
	MustCreate(t, st, "b", "CODE0B", "appteam", session.Standup, T0.Add(day))
	MustCreate(t, st, "c", "CODE0D", "musicstore", session.Standup, T0.Add(2*day))
	if err := st.Append(ctx, "a", Ev(2, T0.Add(time.Hour), alice.ID, &session.Ended{})); err != nil {
		t.Fatal(err)
	}
	retro := session.Retro
	standup := session.Standup

	for _, tc := range []struct {
		name   string
		filter session.Filter
		want   []string
	}{
		{"no filter lists all newest first, ties by id", session.Filter{}, []string{"c", "b", "b2", "a"}},
		{"team filter keeps the team's", session.Filter{Team: "musicstore"}, []string{"c", "b2", "a"}},
		{"kind filter keeps the kind", session.Filter{Kind: &retro}, []string{"b2"}},
		{"team and kind filters combine", session.Filter{Team: "musicstore", Kind: &standup}, []string{"c", "a"}},
		{"unfinished leaves out ended sessions", session.Filter{Unfinished: true}, []string{"c", "b", "b2"}},
		{"limit keeps the newest", session.Filter{Limit: 2}, []string{"c", "b"}},
		{"unknown team lists nothing", session.Filter{Team: "nobody"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			infos, err := st.Sessions(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, in := range infos {
				ids = append(ids, in.ID)
			}
			if !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("sessions %v, want %v", ids, tc.want)
			}
		})
	}
	t.Run("listed info is derived like session info", func(t *testing.T) {
		infos, err := st.Sessions(ctx, session.Filter{Team: "musicstore", Kind: &standup})
		if err != nil {
			t.Fatal(err)
		}
		want := session.Info{ID: "a", Team: "musicstore", Kind: session.Standup, Code: "CODE0A",
			Created: T0, Ended: T0.Add(time.Hour), Events: 2}
		SameInfo(t, infos[1], want)
	})
	t.Run("negative limit is invalid", func(t *testing.T) {
		_, err := st.Sessions(ctx, session.Filter{Limit: -1})
		WantErr(t, err, session.ErrInvalid)
	})
}

func testConcurrentAppends(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	const sessions, events = 8, 50
	for i := range sessions {
		MustCreate(t, st, fmt.Sprintf("s%d", i), fmt.Sprintf("CODE%02d", i), "musicstore", session.Standup, T0)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*sessions)
	for i := range sessions {
		id := fmt.Sprintf("s%d", i)
		wg.Go(func() {
			for seq := int64(2); seq <= events; seq++ {
				e := Ev(seq, T0.Add(time.Duration(seq)*time.Second), alice.ID, &session.Extended{By: time.Minute})
				if err := st.Append(ctx, id, e); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Go(func() { // a reader alongside each writer
			for range 10 {
				if _, err := st.Events(ctx, id); err != nil {
					errs <- err
					return
				}
				if _, err := st.Sessions(ctx, session.Filter{Unfinished: true}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range sessions {
		id := fmt.Sprintf("s%d", i)
		got := MustEvents(t, st, id)
		if len(got) != events {
			t.Errorf("%s: %d events, want %d", id, len(got), events)
		}
		for j, e := range got {
			if e.Seq != int64(j+1) {
				t.Fatalf("%s: event %d has seq %d", id, j, e.Seq)
			}
		}
	}
}

func testSecret(t *testing.T, open Opener) {
	st := open(t)
	ctx := context.Background()
	MustCreate(t, st, "s1", "c1", "t", session.Retro, T0)
	a, err := st.Secret(ctx, "s1")
	if err != nil || len(a) != 32 {
		t.Fatalf("secret %x, %v", a, err)
	}
	b, err := st.Secret(ctx, "s1")
	if err != nil || string(a) != string(b) {
		t.Fatal("the secret changed between two reads")
	}
	if err := st.ForgetSecret(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	c, err := st.Secret(ctx, "s1")
	if err != nil || string(c) == string(a) {
		t.Fatal("a forgotten secret came back")
	}
	if _, err := st.Secret(ctx, "nope"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("secret of an unknown session: %v", err)
	}
	if err := st.ForgetSecret(ctx, "nope"); err != nil {
		t.Errorf("forgetting the secret of an unknown session: %v", err)
	}
}

func deliveryStore(t *testing.T, st session.Store) session.DeliveryStore {
	t.Helper()
	ds, ok := st.(session.DeliveryStore)
	if !ok {
		t.Skip("the store keeps no deliveries")
	}
	return ds
}

func sameDelivery(a, b session.Delivery) bool {
	return a.Session == b.Session && a.Event == b.Event && a.Target == b.Target && a.Body == b.Body && a.Queued.Equal(b.Queued)
}

func testDeliveries(t *testing.T, open Opener) {
	st := open(t)
	ds := deliveryStore(t, st)
	ctx := context.Background()
	MustCreate(t, st, "s1", "code-1", "musicstore", session.Standup, T0)
	MustCreate(t, st, "s2", "code-2", "musicstore", session.Standup, T0)
	d := session.Delivery{Session: "s1", Event: "ended", Target: "webhook:abc", Body: "**Stand-up** ended", Queued: T0}
	for i, want := range []bool{true, false} {
		fresh, err := ds.QueueDelivery(ctx, d)
		if err != nil || fresh != want {
			t.Fatalf("queue #%d: %v, %v; want %v", i+1, fresh, err, want)
		}
	}
	other := d
	other.Session, other.Queued = "s2", T0.Add(time.Minute)
	if fresh, err := ds.QueueDelivery(ctx, other); !fresh || err != nil {
		t.Fatalf("another session's: %v, %v", fresh, err)
	}
	unknown := d
	unknown.Session = "nope"
	if _, err := ds.QueueDelivery(ctx, unknown); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("an unknown session's: %v", err)
	}

	pending, err := ds.PendingDeliveries(ctx, T0)
	if err != nil || len(pending) != 2 || !sameDelivery(pending[0], d) || !sameDelivery(pending[1], other) {
		t.Fatalf("pending %+v, %v", pending, err)
	}
	if pending, err := ds.PendingDeliveries(ctx, T0.Add(time.Second)); err != nil || len(pending) != 1 {
		t.Errorf("pending since a second later: %+v, %v", pending, err)
	}
	if err := ds.FinishDelivery(ctx, "s1", "ended", "webhook:abc", session.DeliverySent, T0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if pending, err := ds.PendingDeliveries(ctx, T0); err != nil || len(pending) != 1 || pending[0].Session != "s2" {
		t.Errorf("pending after one was sent: %+v, %v", pending, err)
	}
	if fresh, err := ds.QueueDelivery(ctx, d); fresh || err != nil {
		t.Errorf("a sent one queued again: %v, %v", fresh, err)
	}

	// Deleting a session deletes its deliveries.
	if err := st.DeleteSessions(ctx, "s2"); err != nil {
		t.Fatal(err)
	}
	if pending, err := ds.PendingDeliveries(ctx, T0); err != nil || len(pending) != 0 {
		t.Errorf("pending after the session was deleted: %+v, %v", pending, err)
	}
}

func testRewriteDropsPendingDeliveries(t *testing.T, open Opener) {
	st := open(t)
	ds := deliveryStore(t, st)
	ctx := context.Background()
	MustCreate(t, st, "s1", "code-1", "musicstore", session.Standup, T0)
	if _, err := ds.QueueDelivery(ctx, session.Delivery{Session: "s1", Event: "ended", Target: "webhook:abc", Body: "Lukas was late", Queued: T0}); err != nil {
		t.Fatal(err)
	}
	team := session.Team{Name: "musicstore", Members: []string{"Lukas"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	events := MustEvents(t, st, "s1")
	if err := st.RewriteTeam(ctx, team, map[string][]session.Event{"s1": events}); err != nil {
		t.Fatal(err)
	}
	if pending, err := ds.PendingDeliveries(ctx, T0); err != nil || len(pending) != 0 {
		t.Errorf("pending after a rewrite: %+v, %v", pending, err)
	}
	if fresh, err := ds.QueueDelivery(ctx, session.Delivery{Session: "s1", Event: "ended", Target: "webhook:abc", Queued: T0}); fresh || err != nil {
		t.Errorf("queued again after a rewrite: %v, %v", fresh, err)
	}
}

func testDeleteSessions(t *testing.T, open Opener) {
	st := open(t)
	ctx := context.Background()
	MustCreate(t, st, "gone1", "code-gone", "musicstore", session.Standup, T0)
	MustCreate(t, st, "kept1", "code-kept", "musicstore", session.Standup, T0.Add(time.Hour))
	MustNote(t, st, "gone1", "zebracorn pipeline", 30)
	MustNote(t, st, "kept1", "still here", 3)
	if _, err := st.Secret(ctx, "gone1"); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteSessions(ctx, "gone1"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "gone1"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the deleted session: %v", err)
	}
	if _, err := st.Events(ctx, "gone1"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the deleted session's events: %v", err)
	}
	if _, err := st.SessionByCode(ctx, "code-gone"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the deleted session's code: %v", err)
	}
	if _, err := st.Secret(ctx, "gone1"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("the deleted session's secret: %v", err)
	}
	events, err := st.Events(ctx, "kept1")
	if err != nil || len(events) != 4 {
		t.Fatalf("the other session has %d events, %v", len(events), err)
	}
	// The id and the code are free again.
	MustCreate(t, st, "gone1", "code-gone", "musicstore", session.Standup, T0.Add(2*time.Hour))
	if n := len(MustEvents(t, st, "gone1")); n != 1 {
		t.Errorf("the new session of the old id has %d events", n)
	}
}

func testDeleteAllOrNothing(t *testing.T, open Opener) {
	st := open(t)
	ctx := context.Background()
	MustCreate(t, st, "s1", "c1", "musicstore", session.Standup, T0)
	if err := st.DeleteSessions(ctx, "s1", "nope"); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("deleting an unknown session: %v", err)
	}
	if _, err := st.Events(ctx, "s1"); err != nil {
		t.Fatalf("a failed delete deleted s1: %v", err)
	}
	if err := st.DeleteSessions(ctx); err != nil {
		t.Fatalf("deleting nothing: %v", err)
	}
}

func testRewriteTeam(t *testing.T, open Opener) {
	st := open(t)
	ctx := context.Background()
	if err := st.PutTeam(ctx, session.Team{Name: "musicstore", Members: []string{"Alice", "Bob"},
		Keys: map[string]string{"Bob": "SHA256:bobkey"}}); err != nil {
		t.Fatal(err)
	}
	MustCreate(t, st, "s1", "c1", "musicstore", session.Standup, T0)
	MustCreate(t, st, "o1", "c2", "webshop", session.Standup, T0)
	MustNote(t, st, "s1", "Bobbington says hi", 20)
	events := MustEvents(t, st, "s1")
	other := MustEvents(t, st, "o1")
	p := session.Person{ID: session.RosterID("former member 1"), Name: "former member 1"}
	rewrite := func() []session.Event {
		out := make([]session.Event, len(events))
		for i, e := range events {
			out[i] = e
			if _, ok := e.Payload.(*session.BlockerNoted); ok {
				out[i].Actor = p.ID
				out[i].Payload = &session.BlockerNoted{Speaker: p, Text: "someone says hi"}
			}
		}
		return out
	}
	team := session.Team{Name: "musicstore", Members: []string{"Alice", "former member 1"}}

	// What does not match the stored events changes nothing.
	short := rewrite()[:len(events)-1]
	moved := rewrite()
	moved[3].Time = moved[3].Time.Add(time.Second)
	for name, c := range map[string]struct {
		team session.Team
		evs  map[string][]session.Event
		want error
	}{
		"one event short":     {team, map[string][]session.Event{"s1": short}, session.ErrInvalid},
		"another time":        {team, map[string][]session.Event{"s1": moved}, session.ErrInvalid},
		"another team's":      {team, map[string][]session.Event{"o1": other}, session.ErrInvalid},
		"an unknown session":  {team, map[string][]session.Event{"nope": other}, session.ErrNotFound},
		"an unknown team":     {session.Team{Name: "nope"}, nil, session.ErrNotFound},
		"the team is missing": {session.Team{}, nil, session.ErrInvalid},
	} {
		if err := st.RewriteTeam(ctx, c.team, c.evs); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
	if got, _ := st.Events(ctx, "s1"); len(got) != len(events) || got[3].Payload.(*session.BlockerNoted).Speaker != bob {
		t.Fatal("a refused rewrite changed the events")
	}
	if tm, _ := st.Team(ctx, "musicstore"); tm.Keys["Bob"] != "SHA256:bobkey" {
		t.Fatal("a refused rewrite changed the team")
	}

	if err := st.RewriteTeam(ctx, team, map[string][]session.Event{"s1": rewrite()}); err != nil {
		t.Fatal(err)
	}
	got := MustEvents(t, st, "s1")
	if len(got) != len(events) {
		t.Fatalf("%d events", len(got))
	}
	if b := got[5].Payload.(*session.BlockerNoted); got[5].Actor != p.ID || b.Speaker != p || b.Text != "someone says hi" {
		t.Errorf("event 6 is %+v by %q", b, got[5].Actor)
	}
	tm, err := st.Team(ctx, "musicstore")
	if err != nil || tm.Keys != nil || len(tm.Members) != 2 || tm.Members[1] != "former member 1" {
		t.Errorf("team %+v, %v", tm, err)
	}
}

func testTeamLog(t *testing.T, open Opener) {
	st := open(t)
	tl, ok := st.(session.TeamLogStore)
	if !ok {
		t.Skip("the store keeps no team logs")
	}
	ctx := context.Background()
	dec := func(seq int64, text string) session.TeamEvent {
		return session.TeamEvent{Seq: seq, Time: T0.Add(time.Duration(seq) * time.Minute), Actor: bob.ID,
			Payload: &session.DecidedOutside{ID: int(seq), Text: text, By: "Bob", Present: []string{"Bob"}}}
	}
	if got, err := tl.TeamLog(ctx, "musicstore"); err != nil || len(got) != 0 {
		t.Fatalf("a team without a log: %v, %v", got, err)
	}
	if err := tl.AppendTeamLog(ctx, "musicstore", dec(1, "ship on fridays"), dec(2, "no meetings on monday")); err != nil {
		t.Fatal(err)
	}
	WantErr(t, tl.AppendTeamLog(ctx, "musicstore", dec(2, "again")), session.ErrConflict)
	WantErr(t, tl.AppendTeamLog(ctx, "musicstore", dec(4, "a gap")), session.ErrConflict)
	WantErr(t, tl.AppendTeamLog(ctx, "musicstore", dec(3, "a"), dec(5, "gap inside")), session.ErrConflict)
	if err := tl.AppendTeamLog(ctx, "webshop", dec(1, "another team's")); err != nil {
		t.Fatal(err)
	}
	got, err := tl.TeamLog(ctx, "musicstore")
	if err != nil || len(got) != 2 || got[1].Payload.(*session.DecidedOutside).Text != "no meetings on monday" ||
		!got[1].Time.Equal(T0.Add(2*time.Minute)) || got[1].Actor != bob.ID {
		t.Fatalf("log %+v, %v", got, err)
	}
	rw, ok := st.(session.TeamLogRewriter)
	if !ok {
		return
	}
	if err := rw.RewriteTeamLog(ctx, "musicstore", []session.TeamEvent{dec(1, "ship on thursdays")}); err != nil {
		t.Fatal(err)
	}
	got, err = tl.TeamLog(ctx, "musicstore")
	if err != nil || len(got) != 1 || got[0].Payload.(*session.DecidedOutside).Text != "ship on thursdays" {
		t.Fatalf("rewritten log %+v, %v", got, err)
	}
	if other, err := tl.TeamLog(ctx, "webshop"); err != nil || len(other) != 1 {
		t.Errorf("the other team's log after a rewrite: %+v, %v", other, err)
	}
}

func testDefaults(t *testing.T, open Opener) {
	st := open(t)
	ds, ok := st.(session.DefaultsStore)
	if !ok {
		t.Skip("the store keeps no defaults")
	}
	ctx := context.Background()
	if d, err := ds.Defaults(ctx, "musicstore", session.Retro); err != nil || !reflect.DeepEqual(d, session.Defaults{}) {
		t.Fatalf("defaults of nothing: %+v, %v", d, err)
	}
	var d session.Defaults
	d.Facilitator, d.Votes, d.Columns, d.Timebox = "Alice", 3, []string{"glad", "sad"}, 45*time.Minute
	if err := ds.PutDefaults(ctx, "musicstore", session.Retro, d); err != nil {
		t.Fatal(err)
	}
	if got, err := ds.Defaults(ctx, "musicstore", session.Retro); err != nil || !reflect.DeepEqual(got, d) {
		t.Errorf("defaults %+v, %v; want %+v", got, err, d)
	}
	if got, err := ds.Defaults(ctx, "musicstore", session.Standup); err != nil || !reflect.DeepEqual(got, session.Defaults{}) {
		t.Errorf("another kind's defaults %+v, %v", got, err)
	}
	WantErr(t, ds.PutDefaults(ctx, "", session.Retro, d), session.ErrInvalid)
}

func testEventsAfter(t *testing.T, open Opener) {
	st := open(t)
	ss, ok := st.(session.SharedStore)
	if !ok {
		t.Skip("not a shared store")
	}
	ctx := context.Background()
	MustCreate(t, st, "s1", "c1", "musicstore", session.Standup, T0)
	if err := st.Append(ctx, "s1", StoryEvents(T0)...); err != nil {
		t.Fatal(err)
	}
	all := MustEvents(t, st, "s1")
	for _, after := range []int64{0, 1, 4, 7, 9} {
		got, err := ss.EventsAfter(ctx, "s1", after)
		if err != nil {
			t.Fatalf("after %d: %v", after, err)
		}
		SameEvents(t, got, all[min(after, int64(len(all))):])
	}
	if _, err := ss.EventsAfter(ctx, "nope", 0); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("events after of an unknown session: %v", err)
	}
	if _, err := ss.EventsAfter(ctx, "nope", 3); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("events after 3 of an unknown session: %v", err)
	}
}
