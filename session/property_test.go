package session

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// randomCommand draws a command with random, often nonsensical, arguments.
func randomCommand(r *rand.Rand, s *State) (ParticipantID, Command) {
	actors := []ParticipantID{fac, fac, fac, RosterID("Lukas"), RosterID("Julia"), SSHID("k-obs"), SSHID("k-new"), "stranger"}
	actor := actors[r.IntN(len(actors))]
	names := []string{"Lukas", "Christian", "Julia", "Jörg", "Guest", ""}
	who := []ParticipantID{fac, RosterID("Lukas"), RosterID("Julia"), RosterID("Jörg"), "obs", "nobody"}
	item := r.IntN(5)
	switch r.IntN(22) {
	case 16:
		return actor, Unarrive{Who: who[r.IntN(len(who))]}
	case 17:
		return actor, RemoveGuest{Who: []ParticipantID{RosterID("Guest"), SSHID("k-new"), RosterID("Lukas")}[r.IntN(3)]}
	case 18:
		return actor, PromoteGuest{Who: []ParticipantID{RosterID("Guest"), SSHID("k-new"), SSHID("k-obs")}[r.IntN(3)]}
	case 19:
		if r.IntN(2) == 0 {
			return actor, DeleteItem{Item: item}
		}
		return actor, EditItem{Item: item, Topic: fmt.Sprintf("edited\x1b[2J %d", r.IntN(3))}
	case 20:
		if r.IntN(2) == 0 {
			return actor, DeleteBlocker{Blocker: r.IntN(3) - 1}
		}
		return actor, EditBlocker{Blocker: r.IntN(3) - 1, Text: fmt.Sprintf("edited %d", r.IntN(3))}
	case 21:
		if r.IntN(2) == 0 {
			return actor, MoveUp{Who: who[r.IntN(len(who))]}
		}
		return actor, UpNext{Who: who[r.IntN(len(who))], Now: r.IntN(2) == 0}
	case 14:
		return actor, HandOver{To: who[r.IntN(len(who))]}
	case 15:
		return actor, TakeOver{}
	case 0, 1:
		return actor, Arrive{Name: names[r.IntN(len(names))]}
	case 2:
		keys := []string{"k-obs", "k-lukas", "k-new"}
		k := keys[r.IntN(len(keys))]
		return SSHID(k), Join{Key: k, Name: []string{"Olga", "Lukas", "lukas"}[r.IntN(3)], Observer: r.IntN(3) == 0}
	case 3:
		return actor, Leave{Who: who[r.IntN(len(who))]}
	case 4:
		return actor, Start{}
	case 5, 6:
		return actor, Next{}
	case 7:
		return actor, Skip{}
	case 8:
		if s.Paused {
			return actor, Resume{}
		}
		return actor, Pause{}
	case 9:
		return actor, Extend{By: time.Duration(r.IntN(120)-10) * time.Second}
	case 10:
		return actor, NoteBlocker{Text: fmt.Sprintf("blocker %d", r.IntN(100))}
	case 11:
		return actor, Park{Topic: fmt.Sprintf("topic\x1b[31m %d", r.IntN(100))}
	case 12:
		return actor, Stay{Item: item, Who: who[r.IntN(len(who))], Stay: r.IntN(2) == 0}
	default:
		st := Status(r.IntN(5))
		return actor, Resolve{Item: item, Status: st, Note: []string{"", "we agreed"}[r.IntN(2)]}
	}
}

// checkInvariants is State.Validate, and what only holds at a time or for
// text cleaned by a command.
func checkInvariants(s *State, now time.Time) error {
	if err := s.Validate(); err != nil {
		return err
	}
	for i, t := range s.Turns {
		if t.Timer.Elapsed(now) < 0 {
			return fmt.Errorf("turn %d has negative time", i)
		}
	}
	for _, it := range s.Items {
		if it.Topic != CleanText(it.Topic, DefaultMaxText) {
			return fmt.Errorf("item %d topic %q not clean", it.ID, it.Topic)
		}
	}
	return nil
}

// TestRandomCommandsKeepInvariants runs random command sequences, valid and
// invalid, and checks after each step that the invariants hold, that a
// rejected command changed nothing, and that refolding the recorded events
// (through their stored JSON form) rebuilds the very same state.
func TestRandomCommandsKeepInvariants(t *testing.T) {
	seeds := 150
	if testing.Short() {
		seeds = 20
	}
	for seed := range seeds {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		f := newFixture(t, Config{Order: Order(r.IntN(3)), Timebox: time.Duration(1+r.IntN(20)) * time.Minute}, "Lukas", "Christian", "Julia", "Jörg")
		lastPhase := f.s.Phase
		for step := range 120 {
			f.advance(time.Duration(r.IntN(90)) * time.Second)
			actor, cmd := randomCommand(r, f.s)
			before := f.s.Clone()
			err := f.do(actor, cmd)
			if err != nil {
				var known bool
				for _, e := range []error{ErrForbidden, ErrPhase, ErrInvalid, ErrNotFound, ErrConflict, ErrLimit} {
					known = known || errors.Is(err, e)
				}
				if !known {
					t.Fatalf("seed %d step %d: undocumented error %v", seed, step, err)
				}
				// Expiries may have been recorded before the rejection;
				// the command itself must have written nothing.
				if f.s.Phase != before.Phase || len(f.s.Items) != len(before.Items) || len(f.s.Participants) != len(before.Participants) {
					t.Fatalf("seed %d step %d: rejected %T changed the state", seed, step, cmd)
				}
			}
			if err := checkInvariants(f.s, f.now); err != nil {
				t.Fatalf("seed %d step %d after %T%+v: %v", seed, step, cmd, cmd, err)
			}
			if f.s.Phase < lastPhase {
				t.Fatalf("seed %d step %d: phase went back from %s to %s", seed, step, lastPhase, f.s.Phase)
			}
			lastPhase = f.s.Phase
			if f.s.Phase == Closed {
				break
			}
		}
		again := Fold(f.s.ID, roundTrip(t, f.events))
		if !reflect.DeepEqual(again, f.s) {
			t.Fatalf("seed %d: refolding the stored events gave another state:\n%+v\n%+v", seed, again, f.s)
		}
	}
}

// roundTrip encodes and decodes each event's payload as a store does.
func roundTrip(tb testing.TB, events []Event) []Event {
	tb.Helper()
	out := slices.Clone(events)
	for i, e := range out {
		b, err := EncodePayload(e.Payload)
		if err != nil {
			tb.Fatal(err)
		}
		p, err := DecodePayload(e.Type(), b)
		if err != nil {
			tb.Fatal(err)
		}
		out[i].Payload = p
	}
	return out
}

func FuzzDecodePayload(f *testing.F) {
	for name, newP := range payloadTypes {
		b, _ := EncodePayload(newP())
		f.Add(string(name), b)
	}
	f.Add("parked", []byte(`{"item":1,"topic":"x","phase":"nope"}`))
	f.Add("resolved", []byte(`{"status":"sent-to-retro"}`))
	// Nasty text: escape sequences (escaped, as JSON must), bidi override,
	// C1 CSI as UTF-8 and as a raw byte, NUL, invalid UTF-8, long text,
	// deep nesting, huge numbers.
	f.Add("parked", []byte(`{"item":1,"topic":"\u001b]52;c;cm0gLXJmIH4=\u0007"}`))
	f.Add("parked", []byte("{\"item\":1,\"topic\":\"\u202eevil \u009b2J \x9b2J\"}"))
	f.Add("parked", []byte("{\"item\":1,\"topic\":\"a\u0000b\xff\xfe\"}"))
	f.Add("parked", []byte(`{"item":1,"topic":"`+strings.Repeat("x", 5000)+`"}`))
	f.Add("parked", []byte(`{"item":1e400,"topic":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}`))
	f.Add("arrived\x1b[2J", []byte(`{}`))
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		p, err := DecodePayload(EventType(typ), data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("decode error %v is not ErrInvalid", err)
			}
			checkPrintableError(t, err)
			return
		}
		if p.Type() != EventType(typ) {
			t.Fatalf("decoded %s as %s", typ, p.Type())
		}
		// What is accepted is stored as EncodePayload writes it; that
		// must decode again, to a payload that encodes to the same bytes
		// (and so folds the same way).
		b, err := EncodePayload(p)
		if err != nil {
			t.Fatalf("an accepted %s payload cannot be encoded: %v", typ, err)
		}
		again, err := DecodePayload(p.Type(), b)
		if err != nil {
			t.Fatalf("re-decoding an encoded payload failed: %v\n%s", err, b)
		}
		if again.Type() != p.Type() {
			t.Fatalf("re-decoded %s as %s", p.Type(), again.Type())
		}
		b2, err := EncodePayload(again)
		if err != nil {
			t.Fatalf("a re-decoded %s payload cannot be encoded: %v", typ, err)
		}
		if !bytes.Equal(b, b2) {
			t.Fatalf("a %s payload changes on its way through the store:\n%s\n%s", typ, b, b2)
		}
	})
}

func randomRetroCommand(r *rand.Rand, s *State) (ParticipantID, Command) {
	actors := []ParticipantID{fac, fac, RosterID("Lukas"), RosterID("Julia"), SSHID("k-obs")}
	actor := actors[r.IntN(len(actors))]
	card := r.IntN(8)
	forWhom := []ParticipantID{"", RosterID("Lukas"), SSHID("k-obs")}[r.IntN(3)]
	switch r.IntN(22) {
	case 17:
		return actor, Back{}
	case 18:
		return actor, SkipToActions{}
	case 19:
		return actor, MoveCard{Card: card, Column: r.IntN(4), For: forWhom}
	case 20:
		if r.IntN(2) == 0 {
			return actor, DeleteCard{Card: card, For: forWhom}
		}
		return actor, EditCard{Card: card, Text: "corrected", For: forWhom}
	case 21:
		if r.IntN(2) == 0 {
			return actor, DeleteAction{Action: r.IntN(3)}
		}
		return actor, EditAction{Action: r.IntN(3), Text: "changed", Owner: []ParticipantID{"", RosterID("Julia")}[r.IntN(2)]}
	case 0, 1:
		return fac, Next{}
	case 2:
		return actor, CheckInWord{Word: "calm"}
	case 3:
		return actor, CheckInPoll{Answer: r.IntN(6)}
	case 4, 5, 6:
		return actor, AddCard{Column: r.IntN(4), Text: fmt.Sprintf("card %d", r.IntN(50))}
	case 7:
		return actor, EditCard{Card: card, Text: "edited"}
	case 8:
		return actor, DeleteCard{Card: card}
	case 9:
		return actor, GroupCard{Card: card, Onto: r.IntN(8)}
	case 10:
		return actor, UndoGroup{}
	case 11, 12:
		return actor, CastVote{Group: r.IntN(8), Remove: r.IntN(4) == 0}
	case 13:
		return actor, SetReady{Ready: r.IntN(3) > 0}
	case 14:
		return actor, AddAction{Text: "do it", Owner: RosterID("Lukas")}
	case 15:
		return actor, GiveRoti{Score: r.IntN(7)}
	default:
		return fac, Reveal{}
	}
}

// TestRandomRetroCommandsKeepInvariants: vote budgets and caps hold, every
// card belongs to a group that exists, anonymity holds, and the stored
// events refold to the same state.
func TestRandomRetroCommandsKeepInvariants(t *testing.T) {
	seeds := 100
	if testing.Short() {
		seeds = 15
	}
	for seed := range seeds {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		cfg := Config{Anonymous: r.IntN(2) == 0, AutoAdvance: r.IntN(2) == 0, VoteBudget: 1 + r.IntN(4), VoteCap: r.IntN(3)}
		f := newRetro(t, cfg, "Lukas", "Julia")
		f.must(SSHID("k-obs"), Join{Key: "k-obs", Name: "olga", Observer: true})
		for step := range 150 {
			f.advance(time.Duration(r.IntN(120)) * time.Second)
			actor, cmd := randomRetroCommand(r, f.s)
			_ = f.do(actor, cmd)
			if err := f.s.Validate(); err != nil {
				t.Fatalf("seed %d step %d after %T%+v: %v", seed, step, cmd, cmd, err)
			}
			perVoter := map[string]int{}
			perVoterGroup := map[[2]string]int{}
			for _, d := range f.s.Votes {
				perVoter[d.Voter]++
				perVoterGroup[[2]string{d.Voter, fmt.Sprint(d.Group)}]++
			}
			for v, n := range perVoter {
				if n > f.s.voteBudget() {
					t.Fatalf("seed %d step %d: %s has %d dots", seed, step, v, n)
				}
			}
			for k, n := range perVoterGroup {
				if f.s.Config.VoteCap > 0 && n > f.s.Config.VoteCap {
					t.Fatalf("seed %d step %d: %v has %d dots on one topic", seed, step, k, n)
				}
			}
			for _, c := range f.s.Cards {
				if f.s.Config.Anonymous && (c.Author.ID != "" || c.AuthorHash == "") && !c.FromStandup {
					t.Fatalf("seed %d step %d: anonymous card %+v", seed, step, c)
				}
			}
			if f.s.Phase == Closed {
				break
			}
		}
		if again := Fold(f.s.ID, roundTrip(t, f.events)); !reflect.DeepEqual(again, f.s) {
			t.Fatalf("seed %d: the refold differs:\n%+v\n%+v", seed, again, f.s)
		}
	}
}
