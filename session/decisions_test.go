package session

import (
	"slices"
	"testing"
	"time"
)

// teamOf builds a team history one session at a time.
type teamOf struct {
	tb testing.TB
	h  TeamHistory
	at time.Time
}

func newTeamOf(tb testing.TB, members ...string) *teamOf {
	return &teamOf{tb: tb, h: TeamHistory{Team: Team{Name: "musicstore", Members: members}}, at: t0}
}

// standup holds a stand-up with those present, in which fn happens; it
// ends after fn. The session's id is id.
func (b *teamOf) standup(id string, agreements []string, present []string, fn func(f *fixture)) {
	b.tb.Helper()
	f := newFixture(b.tb, Config{Agreements: agreements}, b.h.Team.Members...)
	f.now = b.at
	for i := range f.events {
		f.events[i].Time = b.at
	}
	f.arrive(present...)
	if fn != nil {
		fn(f)
	}
	f.record(fac, &Ended{})
	b.h.Sessions = append(b.h.Sessions, SessionEvents{Info: Info{ID: id, Team: "musicstore", Created: b.at}, Events: f.events})
	b.at = f.now.Add(24 * time.Hour)
}

// log adds a team log event at the builder's time.
func (b *teamOf) log(actor string, p TeamPayload) {
	b.h.Log = append(b.h.Log, TeamEvent{Seq: int64(len(b.h.Log) + 1), Time: b.at, Actor: RosterID(actor), Payload: p})
	b.at = b.at.Add(time.Hour)
}

// decideParked parks a topic and decides it in the parking lot.
func decideParked(topic, note string) func(f *fixture) {
	return func(f *fixture) {
		f.must(fac, Park{Topic: topic})
		f.advance(time.Minute)
		f.must(fac, Resolve{Item: len(f.s.Items), Status: Decided, Note: note})
	}
}

func refs(es []LogEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Ref)
	}
	return out
}

func TestMissed(t *testing.T) {
	ana, ben := "Ana", "Ben"
	for _, tc := range []struct {
		name      string
		build     func(b *teamOf)
		current   string
		decisions []string
		outcomes  []string // topics
		actions   []string // texts
		added     []string
		removed   []string
	}{
		{
			name:      "a decision taken while Ben was absent is missed",
			build:     func(b *teamOf) { b.standup("s1", nil, []string{ana}, decideParked("CI", "use GitHub Actions")) },
			decisions: []string{"s1/p1"},
		},
		{
			name: "a decision before Ben ever came is missed too, and stays after he came",
			build: func(b *teamOf) {
				b.standup("s1", nil, []string{ana}, decideParked("CI", "use GitHub Actions"))
				b.standup("s2", nil, []string{ana, ben}, nil)
			},
			decisions: []string{"s1/p1"},
		},
		{
			name:      "a decision Ben was there for is not missed",
			build:     func(b *teamOf) { b.standup("s1", nil, []string{ana, ben}, decideParked("CI", "use GitHub Actions")) },
			decisions: nil,
		},
		{
			name: "an acknowledged decision is not missed",
			build: func(b *teamOf) {
				b.standup("s1", nil, []string{ana}, decideParked("CI", "use GitHub Actions"))
				b.log(ben, &Acknowledged{Decision: "s1/p1", Who: "ben"}) // any case of the name
			},
			decisions: nil,
		},
		{
			name: "a decision outside a meeting without Ben is missed; one with him is not",
			build: func(b *teamOf) {
				b.log(ana, &DecidedOutside{ID: 1, Text: "Postgres 17", By: ana, Present: []string{ana}, Absent: []string{ben}})
				b.log(ana, &DecidedOutside{ID: 2, Text: "Go 1.26", By: ana, Present: []string{ana, ben}})
			},
			decisions: []string{"team/1"},
		},
		{
			name: "the session Ben joins does not count as attended, but its decisions without him do",
			build: func(b *teamOf) {
				b.standup("s1", []string{"be on time"}, []string{ana, ben}, nil)
				b.standup("s2", []string{"be on time"}, []string{ana}, func(f *fixture) {
					f.must(fac, Park{Topic: "flaky test"})
					f.must(fac, Resolve{Item: 1, Status: Dropped})
				})
				b.h.Team.Agreements = []string{"be on time"}
			},
			current:  "s2",
			outcomes: []string{"flaky test"},
		},
		{
			name: "outcomes and actions before Ben's last session are not missed",
			build: func(b *teamOf) {
				b.standup("s1", nil, []string{ana}, func(f *fixture) {
					f.must(fac, Park{Topic: "old topic"})
					f.must(fac, Resolve{Item: 1, Status: Dropped})
					f.record(fac, &ActionAdded{Action: Action{ID: 1, Text: "old action", Owner: Person{ID: RosterID(ben), Name: ben}}})
				})
				b.standup("s2", nil, []string{ana, ben}, nil)
				b.standup("s3", nil, []string{ana}, func(f *fixture) {
					f.must(fac, Park{Topic: "new topic"})
					f.must(fac, Resolve{Item: 1, Status: SentToRetro})
					f.record(fac, &ActionAdded{Action: Action{ID: 1, Text: "fix the build", Owner: Person{ID: RosterID(ben), Name: ben}}})
					f.record(fac, &ActionAdded{Action: Action{ID: 2, Text: "Ana's", Owner: Person{ID: RosterID(ana), Name: ana}}})
				})
			},
			decisions: []string{"s1/a1", "s3/a1", "s3/a2"},
			outcomes:  []string{"new topic"},
			actions:   []string{"fix the build"},
		},
		{
			name: "agreements changed since Ben's last session",
			build: func(b *teamOf) {
				b.standup("s1", []string{"be on time", "cameras on"}, []string{ana, ben}, nil)
				b.h.Team.Agreements = []string{"be on time", "decide together"}
			},
			added:   []string{"decide together"},
			removed: []string{"cameras on"},
		},
		{
			name:  "a member who never came gets every agreement",
			build: func(b *teamOf) { b.h.Team.Agreements = []string{"be on time"} },
			added: []string{"be on time"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newTeamOf(t, ana, ben)
			tc.build(b)
			m := b.h.Missed(ben, tc.current)
			if got := refs(m.Decisions); !slices.Equal(got, nonNil(tc.decisions)) {
				t.Errorf("decisions = %v, want %v", got, tc.decisions)
			}
			var topics, actions []string
			for _, o := range m.Outcomes {
				topics = append(topics, o.Item.Topic)
			}
			for _, a := range m.Actions {
				actions = append(actions, a.Text)
			}
			if !slices.Equal(topics, tc.outcomes) || !slices.Equal(actions, tc.actions) {
				t.Errorf("outcomes = %v, actions = %v; want %v, %v", topics, actions, tc.outcomes, tc.actions)
			}
			if !slices.Equal(m.Added, tc.added) || !slices.Equal(m.Removed, tc.removed) {
				t.Errorf("agreements added %v removed %v; want %v, %v", m.Added, m.Removed, tc.added, tc.removed)
			}
			if m.Empty() != (len(tc.decisions)+len(tc.outcomes)+len(tc.actions)+len(tc.added)+len(tc.removed) == 0) {
				t.Errorf("Empty() = %v", m.Empty())
			}
		})
	}
}

func TestDecisionLog(t *testing.T) {
	b := newTeamOf(t, "Ana", "Ben", "Cem")
	b.standup("k7xq2m4v9p3r8t6w", nil, []string{"Ana", "Cem"}, decideParked("CI", "use GitHub Actions"))
	b.log("Ana", &DecidedOutside{ID: 1, Text: "Postgres 17", By: "Ana", Present: []string{"Ana"}, Absent: []string{"Ben", "Cem"}})
	b.log("Cem", &Acknowledged{Decision: "team/1", Who: "Cem"})
	b.log("Ben", &ReviewAsked{Decision: "team/1", Who: "Ben", Reason: "we have MySQL skills"})
	b.log("Cem", &Acknowledged{Decision: "team/1", Who: "Cem"}) // twice counts once
	es := b.h.Decisions()
	if got := refs(es); !slices.Equal(got, []string{"k7xq2m4v9p3r8t6w/p1", "team/1"}) {
		t.Fatalf("refs = %v", got)
	}
	p := es[0]
	if p.Source != FromParkingLot || p.Text != "CI: use GitHub Actions" || !slices.Equal(p.Present, []string{"Ana", "Cem"}) ||
		!slices.Equal(p.Absent, []string{"Ben"}) || p.ShortRef() != "k7xq2m/p1" {
		t.Errorf("parking-lot decision = %+v", p)
	}
	o := es[1]
	if len(o.Seen) != 1 || o.Seen[0].Who != "Cem" || len(o.Reviews) != 1 || o.Reviews[0].Reason != "we have MySQL skills" {
		t.Errorf("outside decision = %+v", o)
	}
	if got := o.Unseen(b.h.Team.Members); !slices.Equal(got, []string{"Ben"}) {
		t.Errorf("unseen = %v", got)
	}
	if got := refs(b.h.ReviewList()); !slices.Equal(got, []string{"k7xq2m4v9p3r8t6w/p1", "team/1"}) {
		t.Errorf("review list = %v", got)
	}
	for _, tc := range []struct {
		ref, want string
		ok        bool
	}{
		{"k7xq2m/p1", "k7xq2m4v9p3r8t6w/p1", true},
		{"k7/p1", "k7xq2m4v9p3r8t6w/p1", true},
		{"team/1", "team/1", true},
		{"team/2", "", false},
		{"k7xq2m/p2", "", false},
		{"k7xq2m", "", false},
	} {
		e, err := FindDecision(es, tc.ref)
		if (err == nil) != tc.ok || e.Ref != tc.want {
			t.Errorf("FindDecision(%q) = %q, %v", tc.ref, e.Ref, err)
		}
	}
	if got := DecidedSince(es, b.at.Add(-5*time.Hour)); len(got) != 1 {
		t.Errorf("since: %v", refs(got))
	}
}

func TestValidateTeamLog(t *testing.T) {
	ok := func() []TeamEvent {
		return []TeamEvent{
			{Seq: 1, Time: t0, Actor: "roster:Ana", Payload: &DecidedOutside{ID: 1, Text: "x", By: "Ana", Present: []string{"Ana"}}},
			{Seq: 2, Time: t0, Actor: "local:Ben", Payload: &Acknowledged{Decision: "team/1", Who: "Ben"}},
			{Seq: 3, Time: t0, Actor: "roster:Ben", Payload: &WentAway{Who: "Ben", From: "2026-12-14", Until: "2026-12-18"}},
			{Seq: 4, Time: t0, Actor: "roster:Ben", Payload: &UpdatePrepared{Who: "Ben", Today: "tests"}},
		}
	}
	if err := ValidateTeamLog(ok()); err != nil {
		t.Fatal(err)
	}
	for name, breakIt := range map[string]func(es []TeamEvent){
		"a gap in seq":          func(es []TeamEvent) { es[1].Seq = 3 },
		"time going back":       func(es []TeamEvent) { es[1].Time = t0.Add(-time.Second) },
		"an ssh actor":          func(es []TeamEvent) { es[0].Actor = "ssh:SHA256:x" },
		"text not cleaned":      func(es []TeamEvent) { es[0].Payload = &DecidedOutside{ID: 1, Text: "a\x1b[2Jb", By: "Ana"} },
		"a bad ref":             func(es []TeamEvent) { es[1].Payload = &Acknowledged{Decision: "../x", Who: "Ben"} },
		"a day that is not one": func(es []TeamEvent) { es[2].Payload = &WentAway{Who: "Ben", Until: "18.12.2026"} },
		"an empty update":       func(es []TeamEvent) { es[3].Payload = &UpdatePrepared{Who: "Ben"} },
		"a decision twice": func(es []TeamEvent) {
			es[1].Payload = &DecidedOutside{ID: 1, Text: "y", By: "Ana"}
		},
	} {
		es := ok()
		breakIt(es)
		if err := ValidateTeamLog(es); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestExcusedOn(t *testing.T) {
	log := []TeamEvent{
		{Payload: &WentAway{Who: "Ben", From: "2026-12-14", Until: "2026-12-18"}},
		{Payload: &WentAway{Who: "Cem", From: "2026-12-01", Until: "2026-12-20"}},
		{Payload: &WentAway{Who: "cem"}}, // Cem is back
		{Payload: &WentAway{Who: "Ana", From: "2026-12-19", Until: "2026-12-19"}},
	}
	for day, want := range map[string][]string{
		"2026-12-13": nil,
		"2026-12-14": {"Ben"},
		"2026-12-18": {"Ben"},
		"2026-12-19": {"Ana"},
	} {
		d, _ := time.Parse(time.DateOnly, day)
		if got := ExcusedOn(log, d); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", day, got, want)
		}
	}
}

func TestPreparedUpdateInTheRounds(t *testing.T) {
	lukas := RosterID("Lukas")
	written := t0.Add(-2 * time.Hour)
	f := &fixture{tb: t, s: &State{ID: "s1"}, now: t0}
	f.record(fac, &Created{Config: Config{Team: "musicstore", Timebox: 15 * time.Minute, ScheduledAt: t0},
		Facilitator: Person{ID: fac, Name: "maria"}, Roster: []string{"Ana", "Lukas", "Ben"},
		Prepared: []Prepared{{Who: Person{ID: lukas, Name: "Lukas"}, Written: written, Today: "release", Blockers: []string{"no test device"}}},
		Excused:  []string{"Ben"}})
	if len(f.s.Blockers) != 1 || f.s.Blockers[0].Speaker.Name != "Lukas" || !f.s.Blockers[0].At.Equal(written) {
		t.Fatalf("blockers = %+v", f.s.Blockers)
	}
	if b, _ := f.s.Participant(RosterID("Ben")); !b.Excused {
		t.Fatal("Ben is not excused")
	}
	f.arrive("Ana")
	f.must(fac, Start{})
	if got := f.names(f.s.Order); !slices.Equal(got, []string{"Ana", "Lukas"}) {
		t.Fatalf("order = %v; Lukas's prepared update takes a turn", got)
	}
	if got := f.names(f.s.Upcoming()); !slices.Equal(got, []string{"Lukas"}) {
		t.Fatalf("upcoming = %v", got)
	}
	f.must(fac, Next{})
	if f.speaker() != "Lukas" {
		t.Fatalf("speaker = %q, want Lukas's prepared turn", f.speaker())
	}
	if pr, _ := f.s.PreparedBy(lukas); pr.Replaced {
		t.Fatal("an absent member's update was replaced")
	}
	f.must(fac, Next{})

	// A late arrival who speaks replaces it; an excused one is never late.
	g := &fixture{tb: t, s: &State{ID: "s2"}, now: t0}
	g.record(fac, f.events[0].Payload)
	g.arrive("Ana")
	g.must(fac, Start{})
	g.advance(5 * time.Minute)
	g.arrive("Lukas", "Ben")
	if b, _ := g.s.Participant(RosterID("Ben")); b.LateBy != 0 {
		t.Errorf("excused Ben is late by %s", b.LateBy)
	}
	if l, _ := g.s.Participant(lukas); l.LateBy == 0 {
		t.Errorf("Lukas is not late")
	}
	g.must(fac, Next{})
	if g.speaker() != "Lukas" {
		t.Fatalf("speaker = %q", g.speaker())
	}
	if pr, _ := g.s.PreparedBy(lukas); !pr.Replaced || len(g.s.Blockers) != 0 {
		t.Fatalf("Lukas spoke: replaced %v, blockers %+v", pr.Replaced, g.s.Blockers)
	}
}

func TestValidatePrepared(t *testing.T) {
	lukas := Person{ID: RosterID("Lukas"), Name: "Lukas"}
	base := func() *State {
		return Fold("s1", []Event{{Seq: 1, Time: t0, Actor: fac, Payload: &Created{
			Config: Config{Team: "musicstore", Timebox: time.Minute}, Facilitator: Person{ID: fac, Name: "maria"}, Roster: []string{"Lukas", "Ben"},
			Prepared: []Prepared{{Who: lukas, Written: t0, Today: "x"}}, Excused: []string{"Ben"}}}})
	}
	if err := base().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, breakIt := range map[string]func(s *State){
		"twice":             func(s *State) { s.Prepared = append(s.Prepared, s.Prepared[0]) },
		"not a participant": func(s *State) { s.Prepared[0].Who.ID = "roster:Zoe" },
		"no time":           func(s *State) { s.Prepared[0].Written = time.Time{} },
		"empty":             func(s *State) { s.Prepared[0].Today = "" },
		"excused but late":  func(s *State) { s.Participants[2].LateBy = time.Minute },
	} {
		s := base()
		breakIt(s)
		if err := s.Validate(); err == nil {
			t.Errorf("%s: valid", name)
		}
	}
}
