package session

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

const fac ParticipantID = "local:maria"

// fixture runs commands against a state without a store or room, the way a
// Room does: decide, then apply.
type fixture struct {
	tb     testing.TB
	s      *State
	now    time.Time
	rand   *rand.Rand
	events []Event
}

func newFixture(tb testing.TB, cfg Config, roster ...string) *fixture {
	tb.Helper()
	if cfg.Timebox == 0 {
		cfg.Timebox = 15 * time.Minute
	}
	if cfg.ScheduledAt.IsZero() {
		cfg.ScheduledAt = t0
	}
	cfg.Team = "musicstore"
	f := &fixture{tb: tb, s: &State{ID: "s1"}, now: t0, rand: rand.New(rand.NewPCG(1, 2))}
	f.record(fac, &Created{Config: cfg, Facilitator: Person{ID: fac, Name: "maria"}, Roster: roster})
	return f
}

func (f *fixture) record(actor ParticipantID, ps ...Payload) {
	for _, p := range ps {
		e := Event{Seq: f.s.Seq + 1, Time: f.now, Actor: RecordedActor(f.s, actor, p), Payload: p}
		f.s.Apply(e)
		f.events = append(f.events, e)
	}
	// Whatever a command decides keeps the state valid.
	if err := f.s.Validate(); err != nil && len(ps) > 0 {
		f.tb.Fatalf("after %T: %v", ps[len(ps)-1], err)
	}
}

func (f *fixture) do(actor ParticipantID, c Command) error {
	f.record(System, expiries(f.s, f.env())...)
	ps, err := Decide(f.s, actor, c, f.env())
	if err != nil {
		return err
	}
	f.record(actor, ps...)
	return nil
}

var testSalt = []byte("a test salt")

func (f *fixture) env() Env { return Env{Now: f.now, Rand: f.rand, Salt: testSalt} }

func (f *fixture) must(actor ParticipantID, c Command) {
	f.tb.Helper()
	if err := f.do(actor, c); err != nil {
		f.tb.Fatalf("%T: %v", c, err)
	}
}

func (f *fixture) advance(d time.Duration) { f.now = f.now.Add(d) }

func (f *fixture) arrive(names ...string) {
	f.tb.Helper()
	for _, n := range names {
		f.must(fac, Arrive{Name: n})
	}
}

func (f *fixture) speaker() string {
	p, ok := f.s.Speaker()
	if !ok {
		return ""
	}
	return p.Name
}

func TestDecideRejects(t *testing.T) {
	lukas := RosterID("Lukas")
	tests := []struct {
		name  string
		setup func(f *fixture)
		actor ParticipantID
		cmd   Command
		want  error
	}{
		{"start without anyone present is invalid", nil, fac, Start{}, ErrInvalid},
		{"member cannot start", func(f *fixture) { f.arrive("Lukas") }, lukas, Start{}, ErrForbidden},
		{"stranger is forbidden", nil, "someone", Park{Topic: "x"}, ErrForbidden},
		{"next before start is the wrong phase", nil, fac, Next{}, ErrPhase},
		{"pause before start is the wrong phase", nil, fac, Pause{}, ErrPhase},
		{"arriving twice conflicts", func(f *fixture) { f.arrive("Lukas") }, fac, Arrive{Name: "lukas"}, ErrConflict},
		{"arriving without a name is invalid", nil, fac, Arrive{Name: " \x1b[2J "}, ErrInvalid},
		{"arriving with a name of 65 columns is refused", nil, fac, Arrive{Name: strings.Repeat("x", 65)}, ErrInvalid},
		{"member cannot mark someone else present", func(f *fixture) { f.arrive("Lukas") }, lukas, Arrive{Name: "Julia"}, ErrForbidden},
		{"empty topic is invalid", nil, fac, Park{Topic: "\u200b \t"}, ErrInvalid},
		{"blocker outside rounds is the wrong phase", nil, fac, NoteBlocker{Text: "x"}, ErrPhase},
		{"skipping the last speaker is invalid", func(f *fixture) { f.arrive("Lukas"); f.must(fac, Start{}) }, fac, Skip{}, ErrInvalid},
		{"resume when running conflicts", func(f *fixture) { f.arrive("Lukas"); f.must(fac, Start{}) }, fac, Resume{}, ErrConflict},
		{"pausing twice conflicts", func(f *fixture) { f.arrive("Lukas"); f.must(fac, Start{}); f.must(fac, Pause{}) }, fac, Pause{}, ErrConflict},
		{"extending by nothing is invalid", func(f *fixture) { f.arrive("Lukas"); f.must(fac, Start{}) }, fac, Extend{}, ErrInvalid},
		{"member cannot extend", func(f *fixture) { f.arrive("Lukas"); f.must(fac, Start{}) }, lukas, Extend{By: time.Minute}, ErrForbidden},
		{"member cannot resolve", func(f *fixture) { f.arrive("Lukas"); f.must(lukas, Park{Topic: "ci"}) }, lukas, Resolve{Item: 1, Status: Dropped}, ErrForbidden},
		{"resolving an unknown item is not found", nil, fac, Resolve{Item: 9, Status: Dropped}, ErrNotFound},
		{"a decision without text is invalid", func(f *fixture) { f.must(fac, Park{Topic: "ci"}) }, fac, Resolve{Item: 1, Status: Decided}, ErrInvalid},
		{"resolving as open is invalid", func(f *fixture) { f.must(fac, Park{Topic: "ci"}) }, fac, Resolve{Item: 1, Status: Open}, ErrInvalid},
		{"resolving twice conflicts", func(f *fixture) { f.must(fac, Park{Topic: "ci"}); f.must(fac, Resolve{Item: 1, Status: Dropped}) }, fac, Resolve{Item: 1, Status: Discussed}, ErrConflict},
		{"member cannot make someone else stay", func(f *fixture) { f.arrive("Lukas", "Julia"); f.must(fac, Park{Topic: "ci"}) }, lukas, Stay{Item: 1, Who: RosterID("Julia"), Stay: true}, ErrForbidden},
		{"observer cannot park", func(f *fixture) { f.must(SSHID("k-obs"), Join{Key: "k-obs", Name: "Olga", Observer: true}) }, SSHID("k-obs"), Park{Topic: "x"}, ErrForbidden},
		{"nothing is accepted after the end", func(f *fixture) { f.must(fac, End{}) }, fac, Park{Topic: "x"}, ErrPhase},
		{"member cannot end", func(f *fixture) { f.arrive("Lukas") }, lukas, End{}, ErrForbidden},
		{"a second next for the same speaker conflicts", func(f *fixture) { f.arrive("Lukas", "Julia"); f.must(fac, Start{}); f.must(fac, Next{Speaker: lukas}) }, fac, Next{Speaker: lukas}, ErrConflict},
		{"a second skip for the same speaker conflicts", func(f *fixture) {
			f.arrive("Lukas", "Julia", "Jörg")
			f.must(fac, Start{})
			f.must(fac, Skip{Speaker: lukas})
		}, fac, Skip{Speaker: lukas}, ErrConflict},
		{"member cannot park in someone else's name", func(f *fixture) { f.arrive("Lukas", "Julia") }, lukas, Park{Topic: "x", RaisedBy: RosterID("Julia")}, ErrForbidden},
		{"parking with an unknown stayer is not found", nil, fac, Park{Topic: "x", Stay: []ParticipantID{"nobody"}}, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{}, "Lukas", "Julia")
			if tt.setup != nil {
				tt.setup(f)
			}
			before := f.s.Seq
			err := f.do(tt.actor, tt.cmd)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if f.s.Seq != before {
				t.Fatalf("a rejected command wrote events: seq %d -> %d", before, f.s.Seq)
			}
		})
	}
}

func TestStandupRounds(t *testing.T) {
	f := newFixture(t, Config{Order: OrderJoin}, "Lukas", "Christian", "Julia", "Jörg")
	f.advance(30 * time.Second)
	f.arrive("Julia", "Lukas")
	f.advance(2 * time.Minute)
	f.arrive("Christian")
	f.must(fac, Start{})

	t.Run("order follows arrival and the budget divides the time-box", func(t *testing.T) {
		if got := f.speaker(); got != "Julia" {
			t.Fatalf("first speaker %q, want Julia", got)
		}
		if f.s.TurnBudget != 5*time.Minute {
			t.Fatalf("turn budget %v, want 5m (15m / 3)", f.s.TurnBudget)
		}
	})
	t.Run("lateness counts whole minutes after the scheduled start", func(t *testing.T) {
		c, _ := f.s.Participant(RosterID("Christian"))
		j, _ := f.s.Participant(RosterID("Julia"))
		if c.LateBy != 2*time.Minute || j.LateBy != 0 {
			t.Fatalf("late by: Christian %v, Julia %v; want 2m, 0", c.LateBy, j.LateBy)
		}
	})

	f.advance(time.Minute)
	f.must(fac, Skip{}) // Julia goes to the end
	t.Run("skip sends the speaker to the end", func(t *testing.T) {
		if got := f.speaker(); got != "Lukas" {
			t.Fatalf("speaker %q, want Lukas", got)
		}
		if got := f.s.Name(f.s.Order[len(f.s.Order)-1]); got != "Julia" {
			t.Fatalf("last in order %q, want Julia", got)
		}
		if !f.s.Turns[0].Skipped || f.s.Turns[0].Timer.Used != time.Minute {
			t.Fatalf("skipped turn recorded as %+v", f.s.Turns[0])
		}
	})

	f.advance(12 * time.Minute)
	f.arrive("Jörg")
	t.Run("a late arrival joins the end of the order", func(t *testing.T) {
		if got := f.s.Name(f.s.Order[len(f.s.Order)-1]); got != "Jörg" {
			t.Fatalf("last in order %q, want Jörg", got)
		}
		j, _ := f.s.Participant(RosterID("Jörg"))
		if j.LateBy != 15*time.Minute {
			t.Fatalf("Jörg late by %v, want 15m", j.LateBy)
		}
	})
	t.Run("overtime shows and the expiry is recorded", func(t *testing.T) {
		turn, _ := f.s.CurrentTurn()
		if !turn.Timer.Expired {
			t.Fatal("turn expiry not recorded")
		}
		if ot := turn.Overtime(f.now); ot != 7*time.Minute {
			t.Fatalf("overtime %v, want 7m", ot)
		}
	})

	f.must(fac, Pause{Reason: "coffee"})
	f.advance(10 * time.Minute)
	t.Run("a paused timer does not run", func(t *testing.T) {
		turn, _ := f.s.CurrentTurn()
		if got := turn.Timer.Elapsed(f.now); got != 12*time.Minute {
			t.Fatalf("elapsed %v while paused, want 12m", got)
		}
	})
	f.must(fac, Resume{})
	f.must(fac, Next{})
	f.must(fac, Extend{By: time.Minute})
	t.Run("extend adds to the current turn", func(t *testing.T) {
		turn, _ := f.s.CurrentTurn()
		if turn.Timer.Budget != 6*time.Minute || f.speaker() != "Christian" {
			t.Fatalf("speaker %s budget %v", f.speaker(), turn.Timer.Budget)
		}
	})
	f.must(fac, NoteBlocker{Text: "build is red"})
	f.must(fac, Park{Topic: "integration tests in their CI"})
	f.must(fac, Stay{Item: 1, Who: RosterID("Lukas"), Stay: true})
	f.must(fac, Next{}) // Julia
	f.must(fac, Next{}) // Jörg
	f.must(fac, Next{}) // → parking
	t.Run("after the last turn with open items comes the parking lot", func(t *testing.T) {
		if f.s.Phase != Parking {
			t.Fatalf("phase %s, want parking", f.s.Phase)
		}
		it, _ := f.s.Item(1)
		if it.Speaker.Name != "Christian" || !it.Stays(RosterID("Lukas")) || it.RaisedBy.ID != fac {
			t.Fatalf("item %+v", it)
		}
		if b := f.s.Blockers[0]; b.Speaker.Name != "Christian" || b.Text != "build is red" {
			t.Fatalf("blocker %+v", b)
		}
		if len(f.s.Turns) != 5 {
			t.Fatalf("%d turns, want 5", len(f.s.Turns))
		}
	})
	f.must(fac, Resolve{Item: 1, Status: Decided, Note: "pair on it after the stand-up"})
	t.Run("a decision records who was present and absent", func(t *testing.T) {
		it, _ := f.s.Item(1)
		if it.Status != Decided || len(it.Present) != 4 || len(it.Absent) != 0 {
			t.Fatalf("item %+v", it)
		}
	})
	f.must(fac, Next{})
	if f.s.Phase != Closed || f.s.Ended.IsZero() {
		t.Fatalf("phase %s after the parking lot, want closed", f.s.Phase)
	}
}

func TestNextWithoutOpenItemsEnds(t *testing.T) {
	f := newFixture(t, Config{}, "Lukas")
	f.arrive("Lukas")
	f.must(fac, Start{})
	f.must(fac, Next{})
	if f.s.Phase != Closed {
		t.Fatalf("phase %s, want closed", f.s.Phase)
	}
}

func TestOrders(t *testing.T) {
	names := []string{"julia", "Christian", "Lukas", "Jörg"}
	t.Run("alpha sorts by name ignoring case", func(t *testing.T) {
		f := newFixture(t, Config{Order: OrderAlpha}, names...)
		f.arrive(names...)
		f.must(fac, Start{})
		var got []string
		for _, id := range f.s.Order {
			got = append(got, f.s.Name(id))
		}
		want := []string{"Christian", "Jörg", "julia", "Lukas"}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("order %v, want %v", got, want)
			}
		}
	})
	t.Run("random is a permutation recorded in the event", func(t *testing.T) {
		f := newFixture(t, Config{Order: OrderRandom}, names...)
		f.arrive(names...)
		f.must(fac, Start{})
		again := Fold("s1", f.events)
		if len(again.Order) != 4 {
			t.Fatalf("order %v", again.Order)
		}
		for i := range again.Order {
			if again.Order[i] != f.s.Order[i] {
				t.Fatal("replaying the events gave another order")
			}
		}
	})
	t.Run("a fixed turn overrides the division", func(t *testing.T) {
		f := newFixture(t, Config{Turn: 2 * time.Minute}, names...)
		f.arrive("Lukas")
		f.must(fac, Start{})
		if f.s.TurnBudget != 2*time.Minute {
			t.Fatalf("budget %v", f.s.TurnBudget)
		}
	})
}

func TestOverallTimeboxExpires(t *testing.T) {
	f := newFixture(t, Config{Timebox: 4 * time.Minute}, "Lukas", "Julia")
	f.arrive("Lukas", "Julia")
	f.must(fac, Start{})
	f.advance(2 * time.Minute)
	f.must(fac, Next{})
	if f.s.Overall.Expired {
		t.Fatal("time-box expired early")
	}
	f.advance(3 * time.Minute)
	f.must(fac, Park{Topic: "x"})
	if !f.s.Overall.Expired || f.s.Overall.Remaining(f.now) != -time.Minute {
		t.Fatalf("overall %+v remaining %v", f.s.Overall, f.s.Overall.Remaining(f.now))
	}
}

func TestCarryOver(t *testing.T) {
	f := newFixture(t, Config{}, "Lukas")
	f.must(fac, Park{Topic: "open one"})
	f.must(fac, Park{Topic: "for the retro"})
	f.must(fac, Park{Topic: "dropped"})
	f.must(fac, Resolve{Item: 2, Status: SentToRetro})
	f.must(fac, Resolve{Item: 3, Status: Dropped})
	f.must(fac, End{})
	carried := f.s.CarryOver()
	if len(carried) != 2 || carried[0].Topic != "open one" || carried[1].Status != SentToRetro {
		t.Fatalf("carried %+v", carried)
	}
	next := newFixture(t, Config{}, "Lukas")
	next.s = &State{ID: "s2"}
	next.record(fac, &Created{Config: Config{Team: "musicstore", Timebox: time.Minute}, Facilitator: Person{ID: fac, Name: "maria"}, Carried: carried})
	if open := next.s.OpenItems(); len(open) != 1 || open[0].Session != "s1" {
		t.Fatalf("open items in the next session %+v", open)
	}
	next.must(fac, Park{Topic: "new"})
	if it, _ := next.s.Item(3); it.Topic != "new" || len(next.s.Items) != 3 {
		t.Fatalf("a new item after carried ones must take a fresh id; items %+v", next.s.Items)
	}
}

func TestMemberNamesWhoIsInvolvedWhenParking(t *testing.T) {
	f := newFixture(t, Config{}, "Lukas", "Julia")
	f.arrive("Lukas", "Julia")
	f.must(RosterID("Lukas"), Park{Topic: "ci", Stay: []ParticipantID{RosterID("Julia")}})
	if it, _ := f.s.Item(1); !it.Stays(RosterID("Julia")) || it.RaisedBy.Name != "Lukas" {
		t.Fatalf("item %+v", it)
	}
	if err := f.do(RosterID("Lukas"), Stay{Item: 1, Who: RosterID("Julia"), Stay: false}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member changed who stays for someone else afterwards: %v", err)
	}
}

func TestParkWithStayers(t *testing.T) {
	f := newFixture(t, Config{}, "Lukas", "Julia")
	f.arrive("Lukas", "Julia")
	f.must(fac, Park{Topic: "ci", RaisedBy: RosterID("Julia"), Stay: []ParticipantID{RosterID("Julia"), RosterID("Lukas"), RosterID("Julia")}})
	it, _ := f.s.Item(1)
	if it.RaisedBy.Name != "Julia" || len(it.Stay) != 2 || !it.Stays(RosterID("Lukas")) {
		t.Fatalf("item %+v", it)
	}
}

func TestLatenessWithoutAScheduledStartCountsFromTheStart(t *testing.T) {
	f := newFixture(t, Config{}, "Lukas", "Julia")
	f.s.Config.ScheduledAt = time.Time{} // as Create leaves it without --at
	f.advance(10 * time.Minute)
	f.arrive("Lukas")
	f.must(fac, Start{})
	f.advance(4 * time.Minute)
	f.arrive("Julia")
	l, _ := f.s.Participant(RosterID("Lukas"))
	j, _ := f.s.Participant(RosterID("Julia"))
	if l.LateBy != 0 || j.LateBy != 4*time.Minute {
		t.Fatalf("late by: Lukas %v (want 0), Julia %v (want 4m)", l.LateBy, j.LateBy)
	}
}
