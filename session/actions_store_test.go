package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// actionTeam is a team with a retrospective that agreed three action
// items (Ana's due on 27 Nov, Ben's, Lukas's), over the real store.
type actionTeam struct {
	st    session.Store
	team  session.Team
	clock *session.FakeClock
	retro session.Info
	refs  []string // the items' refs, in order
}

func newActionTeam(t *testing.T) *actionTeam {
	t.Helper()
	ctx := context.Background()
	st := mustStore(t, t.TempDir())
	team := session.Team{Name: "musicstore", Members: []string{"Ana", "Ben", "Lukas"},
		Keys:   map[string]string{"Ana": "SHA256:ana", "Ben": "SHA256:ben", "Lukas": "SHA256:lukas"},
		Owners: []string{"SHA256:owner"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	at := &actionTeam{st: st, team: team, clock: session.NewFakeClock(t0)}
	at.retro = at.open(t, session.Retro)
	due := time.Date(2026, 11, 27, 0, 0, 0, 0, time.Local)
	var evs []session.Event
	for i, owner := range []string{"Ana", "Ben", "Lukas"} {
		a := session.Action{ID: i + 1, Text: "item of " + owner, Owner: session.Person{ID: session.RosterID(owner), Name: owner}, Session: at.retro.ID}
		if i == 0 {
			a.Due = due
		}
		evs = append(evs, session.Event{Seq: int64(i + 2), Time: t0.Add(time.Duration(i+1) * time.Minute), Actor: fac, Payload: &session.ActionAdded{Action: a}})
		at.refs = append(at.refs, at.retro.ID+"/a"+itoa(i+1))
	}
	if err := st.Append(ctx, at.retro.ID, evs...); err != nil {
		t.Fatal(err)
	}
	return at
}

func itoa(n int) string { return string(rune('0' + n)) }

// containsFold reports whether s holds the word sub in any case: a word,
// so that a join code such as bench-pencil-tunnel-25954 holds no "ben".
func containsFold(s, sub string) bool {
	return regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(sub) + `\b`).MatchString(s)
}

// open creates the team's next session at the clock's time.
func (at *actionTeam) open(t *testing.T, kind session.Kind) session.Info {
	t.Helper()
	info, err := session.Create(context.Background(), at.st, session.Plan{
		Config:      session.Config{Team: "musicstore", Kind: kind, Timebox: 15 * time.Minute},
		Facilitator: session.Person{ID: fac, Name: "maria"},
		Roster:      at.team.Members,
	}, at.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func (at *actionTeam) items(t *testing.T) []session.ActionItem {
	t.Helper()
	items, err := session.TeamActions(context.Background(), at.st, at.team, time.Local)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func (at *actionTeam) change(c session.Caller, as string, ed session.ActionEdit) error {
	_, err := session.ChangeAction(context.Background(), at.st, at.team, c, as, ed, at.clock.Now(), time.Local)
	return err
}

func (at *actionTeam) created(t *testing.T, id string) *session.Created {
	t.Helper()
	evs, err := at.st.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := session.Fold(id, evs).Validate(); err != nil {
		t.Fatal(err)
	}
	return evs[0].Payload.(*session.Created)
}

func owners(items []session.ActionItem) []string {
	var out []string
	for _, a := range items {
		out = append(out, a.Owner)
	}
	return out
}

func TestActionItemsBetweenMeetings(t *testing.T) {
	at := newActionTeam(t)
	ana, ben := session.KeyCaller("SHA256:ana"), session.KeyCaller("SHA256:ben")
	items := at.items(t)
	if len(items) != 3 || items[0].Ref != at.refs[0] || items[0].Kind != session.Retro || !items[0].Agreed.Equal(t0.Add(time.Minute)) {
		t.Fatalf("open items %+v", items)
	}
	at.clock.Advance(2 * 24 * time.Hour) // 27 Nov: Ana's item is due today
	if !items[0].DueOn(at.clock.Now(), time.Local) || items[0].Overdue(at.clock.Now(), time.Local) {
		t.Fatalf("due today: %+v", items[0])
	}
	at.clock.Advance(24 * time.Hour) // 28 Nov: overdue
	if c := session.CountActions(at.items(t), at.clock.Now(), time.Local); c != (session.ActionCounts{Open: 3, Overdue: 1}) {
		t.Fatalf("counts %+v", c)
	}
	if c, err := session.CountTeamActions(context.Background(), at.st, "musicstore", at.clock.Now(), time.Local); err != nil || c != (session.ActionCounts{Open: 3, Overdue: 1}) {
		t.Fatalf("the lobby's counts %+v %v", c, err)
	}

	t.Run("bad input changes nothing", func(t *testing.T) {
		short := at.refs[0][:6] + "/a1"
		for name, tc := range map[string]struct {
			c    session.Caller
			as   string
			ed   session.ActionEdit
			want error
		}{
			"a stranger's key":        {session.KeyCaller("SHA256:stranger"), "", session.ActionEdit{What: "done", Ref: short}, session.ErrNotFound},
			"an owner off the team":   {session.KeyCaller("SHA256:owner"), "", session.ActionEdit{What: "done", Ref: short}, session.ErrNotFound},
			"the operator for nobody": {session.LocalCaller(), "", session.ActionEdit{What: "done", Ref: short}, session.ErrInvalid},
			"an unknown ref":          {ana, "", session.ActionEdit{What: "done", Ref: "zzzzzz/a1"}, session.ErrNotFound},
			"an item that is not":     {ana, "", session.ActionEdit{What: "done", Ref: short[:6] + "/a9"}, session.ErrNotFound},
			"a bad day":               {ana, "", session.ActionEdit{What: "due", Ref: short, Due: "next friday"}, session.ErrInvalid},
			"a stranger as owner":     {ana, "", session.ActionEdit{What: "reassigned", Ref: short, To: "Zoe"}, session.ErrNotFound},
			"the same owner":          {ana, "", session.ActionEdit{What: "reassigned", Ref: short, To: "ana"}, session.ErrConflict},
			"a note too long":         {ana, "", session.ActionEdit{What: "done", Ref: short, Note: strings.Repeat("n", session.DefaultMaxText+1)}, session.ErrInvalid},
		} {
			if err := at.change(tc.c, tc.as, tc.ed); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", name, err, tc.want)
			}
		}
		log, _ := at.st.(session.TeamLogStore).TeamLog(context.Background(), "musicstore")
		if len(log) != 0 {
			t.Fatalf("bad input logged %v", log)
		}
	})

	// Ben closes Ana's item, Ana gives hers… Ben's item to Lukas and moves
	// Lukas's due day; the operator drops nothing yet.
	short := func(i int) string { return at.refs[i][:6] + "/a" + itoa(i+1) }
	if err := at.change(ben, "", session.ActionEdit{What: session.ChangeDone, Ref: short(0), Note: "shipped"}); err != nil {
		t.Fatal(err)
	}
	if err := at.change(ben, "", session.ActionEdit{What: session.ChangeDone, Ref: short(0)}); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("closing a closed item: %v", err)
	}
	if err := at.change(ana, "", session.ActionEdit{What: session.ChangeReassigned, Ref: short(1), To: "lukas"}); err != nil {
		t.Fatal(err)
	}
	if err := at.change(session.LocalCaller(), "Lukas", session.ActionEdit{What: session.ChangeDue, Ref: at.refs[2], Due: "2026-12-04"}); err != nil {
		t.Fatal(err)
	}
	items = at.items(t)
	if len(items) != 2 || !slices.Equal(owners(items), []string{"Lukas", "Lukas"}) ||
		items[1].Due.Format(time.DateOnly) != "2026-12-04" || len(items[0].Changes) != 1 || items[0].Changes[0].By != "Ana" {
		t.Fatalf("after the changes: %+v", items)
	}
	log, _ := at.st.(session.TeamLogStore).TeamLog(context.Background(), "musicstore")
	if err := session.ValidateTeamLog(log); err != nil || len(log) != 3 || log[2].Actor != "local:Lukas" {
		t.Fatalf("log %+v: %v", log, err)
	}

	// A stand-up carries the open ones, with their new owner and day, and
	// lists the closed one as handled.
	at.clock.Advance(time.Hour)
	standup := at.open(t, session.Standup)
	cr := at.created(t, standup.ID)
	if len(cr.Actions) != 3 || cr.Actions[0].Status != session.ActionDone || cr.Actions[1].Owner.Name != "Lukas" || cr.Actions[1].Owner.ID != session.RosterID("Lukas") {
		t.Fatalf("the stand-up carries %+v", cr.Actions)
	}
	if c, ok := cr.Actions[0].Closing(); !ok || c.By != "Ben" || c.Note != "shipped" {
		t.Fatalf("closing %+v", c)
	}
	if items := at.items(t); len(items) != 2 {
		t.Fatalf("after the stand-up opened: %+v", items)
	}

	// Dropped after the stand-up opened; the next retrospective reviews
	// both handled items as handled, and the open one.
	at.clock.Advance(time.Hour)
	if err := at.change(ana, "", session.ActionEdit{What: session.ChangeDropped, Ref: short(2), Note: "no longer needed"}); err != nil {
		t.Fatal(err)
	}
	at.clock.Advance(24 * time.Hour)
	retro := at.open(t, session.Retro)
	cr = at.created(t, retro.ID)
	var got []string
	for _, a := range cr.Actions {
		got = append(got, a.Status.String()+" "+a.Owner.Name)
	}
	if !slices.Equal(got, []string{"open Lukas", "dropped Lukas", "done Ana"}) {
		t.Fatalf("the retrospective reviews %v", got)
	}
	if items := at.items(t); len(items) != 1 || items[0].Ref != at.refs[1] {
		t.Fatalf("open after the retrospective opened: %+v", items)
	}
	if c, err := session.CountTeamActions(context.Background(), at.st, "musicstore", at.clock.Now(), time.Local); err != nil || c != (session.ActionCounts{Open: 1}) {
		t.Fatalf("the lobby's counts at the end %+v %v", c, err)
	}
}

func TestForgetPersonReachesActionChanges(t *testing.T) {
	at := newActionTeam(t)
	ben := session.KeyCaller("SHA256:ben")
	if err := at.change(ben, "", session.ActionEdit{What: session.ChangeDone, Ref: at.refs[0], Note: "Ben did it"}); err != nil {
		t.Fatal(err)
	}
	if err := at.change(ben, "", session.ActionEdit{What: session.ChangeReassigned, Ref: at.refs[2], To: "Ben"}); err != nil {
		t.Fatal(err)
	}
	next := at.open(t, session.Standup)
	if _, err := session.ForgetPerson(context.Background(), at.st, "musicstore", "Ben"); err != nil {
		t.Fatal(err)
	}
	log, _ := at.st.(session.TeamLogStore).TeamLog(context.Background(), "musicstore")
	if err := session.ValidateTeamLog(log); err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		b, _ := json.Marshal(e.Payload)
		if containsFold(string(b)+string(e.Actor), "ben") {
			t.Errorf("team log event %d still names Ben: %s %s", e.Seq, e.Actor, b)
		}
	}
	evs, _ := at.st.Events(context.Background(), next.ID)
	b, _ := session.EncodePayload(evs[0].Payload)
	if containsFold(string(b), "ben") {
		t.Errorf("the stand-up still names Ben: %s", b)
	}
}

// A ref is a whole one, or a unique beginning of its session id with /aN.
func TestFindAction(t *testing.T) {
	items := []session.ActionItem{{Ref: "abcdef123/a1"}, {Ref: "abcxyz456/a1"}, {Ref: "abcxyz456/a2"}}
	for ref, want := range map[string]string{"abcdef123/a1": "abcdef123/a1", "abcd/a1": "abcdef123/a1", "abc/a2": "abcxyz456/a2", " abcxyz/a1 ": "abcxyz456/a1"} {
		if a, err := session.FindAction(items, ref); err != nil || a.Ref != want {
			t.Errorf("%q finds %q, %v; want %q", ref, a.Ref, err, want)
		}
	}
	for ref, want := range map[string]error{"abc/a1": session.ErrInvalid, "abc/a3": session.ErrNotFound, "/a1": session.ErrNotFound, "abcdef123": session.ErrNotFound} {
		if _, err := session.FindAction(items, ref); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", ref, err, want)
		}
	}
	if _, err := session.FindAction(items, "abc/a1"); err == nil || !strings.Contains(err.Error(), "names 2 action items") {
		t.Errorf("ambiguous: %v", err)
	}
}
