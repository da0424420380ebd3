package session_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/sqlite"
)

func openTeams(t *testing.T) (*session.Teams, session.Store, *session.FakeClock) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := session.NewFakeClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	return session.NewTeams(st, clock), st, clock
}

func openRoom(t *testing.T, ts *session.Teams, st session.Store, clock session.Clock, id string) *session.Room {
	t.Helper()
	r, err := session.OpenRoom(context.Background(), st, id, session.RoomOptions{Clock: clock, Teams: ts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// A session opened in advance checks the team's bindings as they are
// when someone joins, not as they were when it was opened.
func TestASessionChecksTheBindingsOfNow(t *testing.T) {
	ctx := context.Background()
	ts, st, clock := openTeams(t)
	owner := session.KeyCaller("k-owner")
	cfg := session.DefaultOpening(session.Standup, "web", session.Defaults{})
	olga := session.Person{ID: session.SSHID("k-owner"), Name: "olga"}
	first := cfg
	first.Members, first.Facilitator = []string{"Anna", "Ben"}, "Anna"
	early, _, err := ts.Open(ctx, owner, olga, first)
	if err != nil {
		t.Fatal(err)
	}
	later, _, err := ts.Open(ctx, owner, olga, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Anna's key binds her name in the later session (first use) …
	if err := openRoom(t, ts, st, clock, later.ID).Submit(session.SSHID("k-anna"), session.Join{Key: "k-anna", Name: "anna"}); err != nil {
		t.Fatal(err)
	}
	team, _ := ts.Team(ctx, "web")
	if team.BoundTo("Anna") != "k-anna" {
		t.Fatalf("first use did not bind: %+v", team.Keys)
	}
	// … so in the session opened before, another key named anna knocks
	// instead of taking Anna's place and the facilitator role.
	r := openRoom(t, ts, st, clock, early.ID)
	if err := r.Submit(session.SSHID("k-eve"), session.Join{Key: "k-eve", Name: "anna"}); err != nil {
		t.Fatal(err)
	}
	s := r.Snapshot().State
	if p, ok := s.ByKey("k-eve"); ok {
		t.Fatalf("another key claimed a name bound since: %+v", p)
	}
	if _, knocking := s.Knocker("k-eve"); !knocking {
		t.Fatal("the other key does not knock")
	}
	if err := r.Submit(session.SSHID("k-anna"), session.Join{Key: "k-anna", Name: "whatever"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := r.Snapshot().State.ByKey("k-anna"); p.Role != session.Facilitator {
		t.Fatalf("Anna's key: %+v", p)
	}
}

// A key becomes the team's only through an owner, by admission as a
// member, or by the first use of an unbound roster name: never as a guest.
func TestOnlyMembersBecomeTheTeamsKeys(t *testing.T) {
	ctx := context.Background()
	ts, st, clock := openTeams(t)
	cfg := session.DefaultOpening(session.Standup, "web", session.Defaults{})
	opener := session.Person{ID: session.SSHID("k-owner"), Name: "olga"}
	withRoster := cfg
	withRoster.Members = []string{"Anna", "Ben"}
	open, _, err := ts.Open(ctx, session.KeyCaller("k-owner"), opener, withRoster)
	if err != nil {
		t.Fatal(err)
	}
	allHands := cfg
	allHands.OpenDoor = true
	hands, _, err := ts.Open(ctx, session.KeyCaller("k-owner"), opener, allHands)
	if err != nil {
		t.Fatal(err)
	}
	r := openRoom(t, ts, st, clock, hands.ID)
	if err := r.Submit(session.SSHID("k-guest"), session.Join{Key: "k-guest", Name: "mallory"}); err != nil {
		t.Fatal(err)
	}
	if p, ok := r.Snapshot().State.ByKey("k-guest"); !ok || p.Expected {
		t.Fatalf("the open door: %+v", p)
	}
	r = openRoom(t, ts, st, clock, open.ID)
	must := func(actor session.ParticipantID, c session.Command) {
		t.Helper()
		if err := r.Submit(actor, c); err != nil {
			t.Fatal(err)
		}
	}
	must(session.SSHID("k-owner"), session.Join{Key: "k-owner", Name: "olga"})
	must(session.SSHID("k-ben"), session.Join{Key: "k-ben", Name: "someone"})
	must(session.SSHID("k-owner"), session.Admit{Key: "k-ben", As: "Ben"})
	team, _ := ts.Team(ctx, "web")
	switch {
	case team.HasKey("k-guest"):
		t.Fatal("a guest of an open session became the team's key")
	case team.BoundTo("Ben") != "k-ben":
		t.Fatalf("admitted as Ben, not bound: %+v", team.Keys)
	}
	if _, err := ts.Change(ctx, session.KeyCaller("k-ben"), "web", session.AddMember{Name: "Eve"}); !errors.Is(err, session.ErrForbidden) {
		t.Fatalf("a member changed the roster: %v", err)
	}
	// A key opening its own session for a team that is not its own.
	if _, _, err := ts.Open(ctx, session.KeyCaller("k-guest"), session.Person{ID: session.SSHID("k-guest"), Name: "mallory"}, cfg); !errors.Is(err, session.ErrForbidden) {
		t.Fatalf("a stranger opened a session for the team: %v", err)
	}
	// An anonymous login creates a team it does not own.
	anon := session.KeyCaller(session.AnonymousKey + "1")
	if _, t2, err := ts.Open(ctx, anon, session.Person{ID: session.SSHID(anon.Key), Name: "a"}, session.DefaultOpening(session.Standup, "anon", session.Defaults{})); err != nil || len(t2.Owners) != 0 {
		t.Fatalf("anonymous: %v, owners %v", err, t2.Owners)
	}
}

// A guest the facilitator makes a member is on the team's roster, with
// the key they came with, for the team's next sessions; only a
// facilitator who owns the team may.
func TestAPromotedGuestJoinsTheTeam(t *testing.T) {
	ctx := context.Background()
	ts, st, clock := openTeams(t)
	o := session.DefaultOpening(session.Standup, "web", session.Defaults{})
	o.OpenDoor, o.Members = true, []string{"Anna"}
	opener := session.Person{ID: session.SSHID("k-owner"), Name: "olga"}
	open, _, err := ts.Open(ctx, session.KeyCaller("k-owner"), opener, o)
	if err != nil {
		t.Fatal(err)
	}
	r := openRoom(t, ts, st, clock, open.ID)
	must := func(actor session.ParticipantID, c session.Command) {
		t.Helper()
		if err := r.Submit(actor, c); err != nil {
			t.Fatal(err)
		}
	}
	must(session.SSHID("k-owner"), session.Join{Key: "k-owner", Name: "olga"})
	must(session.SSHID("k-eli"), session.Join{Key: "k-eli", Name: "Eli"})
	must(session.SSHID("k-owner"), session.PromoteGuest{Who: session.SSHID("k-eli")})
	team, _ := ts.Team(ctx, "web")
	if name, ok := team.MemberOf("k-eli"); !ok || name != "Eli" {
		t.Fatalf("the team after promoting Eli: %+v, %+v", team.Members, team.Keys)
	}
	if p, _ := r.Snapshot().State.ByKey("k-eli"); !p.Expected {
		t.Fatalf("Eli in the session: %+v", p)
	}
	// In the next session, Eli's key is Eli, the roster member.
	next, _, err := ts.Open(ctx, session.KeyCaller("k-owner"), opener, session.DefaultOpening(session.Standup, "web", session.Defaults{}))
	if err != nil {
		t.Fatal(err)
	}
	r2 := openRoom(t, ts, st, clock, next.ID)
	if err := r2.Submit(session.SSHID("k-eli"), session.Join{Key: "k-eli", Name: "whoever"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := r2.Snapshot().State.ByKey("k-eli"); p.ID != session.RosterID("Eli") || !p.Expected {
		t.Fatalf("Eli next time: %+v", p)
	}
}
