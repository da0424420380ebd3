package session_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/session"
	"huddle/session/export"
)

// tokenRE finds the tokens of anonymous records: 24 hex digits.
var tokenRE = regexp.MustCompile(`[0-9a-f]{24}`)

// TestAnonymousRetroLeavesNothingThatLinks holds a whole anonymous
// retrospective through a Room with the fake clock and the real SQLite
// store — late thumbs that end a topic's time-box, changed ESVP answers
// and ROTI scores, card edits and deletions, dots taken back — and then
// searches the log, every export format, the replay and the raw database
// and write-ahead log bytes: no token may stand in two events, no event
// with a name may be committed with an anonymous one, and neither the
// secret nor anyone's key may be left anywhere.
func TestAnonymousRetroLeavesNothingThatLinks(t *testing.T) {
	dir := t.TempDir()
	st := mustStore(t, dir)
	defer st.Close()
	ctx := context.Background()
	info, err := session.Create(ctx, st, session.Plan{
		Config: session.Config{Team: "musicstore", Kind: session.Retro, Anonymous: true, ESVP: true,
			TopicBox: 2 * time.Minute},
		Facilitator: session.Person{ID: fac, Name: "maria"}, Roster: []string{"Lukas", "Julia"},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	clock := session.NewFakeClock(t0)
	r := mustRoom(t, st, info.ID, clock)
	lukas, julia := session.RosterID("Lukas"), session.RosterID("Julia")
	people := []session.ParticipantID{fac, lukas, julia}
	// Every command a second apart: one commit, one time.
	do := func(who session.ParticipantID, c session.Command) {
		t.Helper()
		clock.Advance(time.Second)
		mustSubmit(t, r, who, c)
	}
	phase := func() session.Phase { return r.Snapshot().State.Phase }
	next := func(to session.Phase) {
		t.Helper()
		for phase() != to {
			do(fac, session.Next{})
		}
	}
	do(fac, session.Arrive{Who: fac})
	do(fac, session.Arrive{Name: "Lukas"})
	do(fac, session.Arrive{Name: "Julia"})
	do(fac, session.Start{})
	secret, err := st.Secret(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]session.ParticipantID{}
	for _, p := range people {
		keys[r.Viewer(p)] = p
	}

	do(lukas, session.CheckInPoll{Answer: session.Prisoner})
	do(julia, session.CheckInPoll{Answer: session.Explorer})
	do(lukas, session.CheckInPoll{Answer: session.Shopper}) // changed his mind
	do(fac, session.CheckInPoll{Answer: session.Vacationer})
	next(session.Write)
	do(lukas, session.AddCard{Column: 0, Text: "written by the first"})
	do(julia, session.AddCard{Column: 1, Text: "written by the second"})
	do(lukas, session.AddCard{Column: 1, Text: "a second card of the first"})
	do(lukas, session.EditCard{Card: 1, Text: "written by the first, edited"})
	do(julia, session.DeleteCard{Card: 2})
	do(julia, session.AddCard{Column: 2, Text: "the second writes again"})
	if err := r.Submit(julia, session.EditCard{Card: 1, Text: "not hers"}); !errors.Is(err, session.ErrForbidden) {
		t.Fatalf("another's card was edited: %v", err)
	}
	next(session.Vote)
	do(lukas, session.CastVote{Group: 1})
	do(lukas, session.CastVote{Group: 1})
	do(lukas, session.CastVote{Group: 1, Remove: true})
	do(lukas, session.CastVote{Group: 3})
	do(julia, session.CastVote{Group: 4})
	do(julia, session.CastVote{Group: 4})
	do(julia, session.CastVote{Group: 4})
	if err := r.Submit(julia, session.CastVote{Group: 1}); err == nil {
		t.Fatal("a fourth dot within a budget of three")
	}
	next(session.Discuss)
	topics := len(r.Snapshot().State.Topics)
	// The time is up: the last thumb decides, once for another round
	// and once for the next topic.
	clock.Advance(3 * time.Minute)
	do(lukas, session.Thumb{Up: false})
	do(lukas, session.Thumb{Up: true}) // changed
	do(julia, session.Thumb{Up: true})
	do(fac, session.Thumb{Up: true}) // another round
	if s := r.Snapshot().State; s.TopicPos != 0 || len(s.Thumbs) != 0 {
		t.Fatalf("after a majority for another round: topic %d, thumbs %v", s.TopicPos, s.Thumbs)
	}
	clock.Advance(3 * time.Minute)
	do(fac, session.Thumb{Up: false})
	do(julia, session.Thumb{Up: false})
	do(lukas, session.Thumb{Up: true}) // the next topic
	if s := r.Snapshot().State; topics > 1 && s.TopicPos != 1 {
		t.Fatalf("after a majority to move on: topic %d of %d", s.TopicPos, topics)
	}
	next(session.Roti)
	do(julia, session.GiveRoti{Score: 2})
	do(lukas, session.GiveRoti{Score: 5})
	do(julia, session.GiveRoti{Score: 3}) // changed
	do(fac, session.GiveRoti{Score: 4})
	next(session.Closed)

	events, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := session.Fold(info.ID, events)
	if len(s.CheckIns) != 3 || len(s.Rotis) != 3 || len(s.Cards) != 3 || len(s.Votes) != 5 {
		t.Fatalf("check-ins %v, rotis %v, cards %d, dots %d", s.CheckIns, s.Rotis, len(s.Cards), len(s.Votes))
	}

	// The log: every token stands in one event, and every commit (one
	// time, as commands are a second apart) with an anonymous event
	// names nobody.
	where := map[string]int64{}
	byTime := map[time.Time][]session.Event{}
	anonymous, tokened := 0, 0
	for _, e := range events {
		byTime[e.Time] = append(byTime[e.Time], e)
		if e.Actor != session.Anonymous {
			continue
		}
		anonymous++
		b, err := session.EncodePayload(e.Payload)
		if err != nil {
			t.Fatal(err)
		}
		toks := tokenRE.FindAllString(string(b), -1)
		if len(toks) > 0 {
			tokened++
		}
		for _, tok := range toks {
			if seq, ok := where[tok]; ok && seq != e.Seq {
				t.Errorf("token %s stands in events %d and %d: they tie to one person", tok, seq, e.Seq)
			}
			where[tok] = e.Seq
		}
	}
	if anonymous < 20 {
		t.Fatalf("%d anonymous events: the retrospective did not happen", anonymous)
	}
	if len(where) < tokened {
		t.Errorf("%d anonymous events with tokens, %d tokens: a token per person, not per contribution", tokened, len(where))
	}
	for at, commit := range byTime {
		var anon, named []string
		for _, e := range commit {
			switch e.Actor {
			case session.Anonymous:
				anon = append(anon, string(e.Type()))
			case session.System:
			default:
				named = append(named, fmt.Sprintf("%s by %s", e.Type(), e.Actor))
			}
		}
		if len(anon) > 0 && len(named) > 0 {
			t.Errorf("at %s, %v went with %v: that names who did it", at.Format(time.TimeOnly), anon, named)
		}
	}

	// What must be nowhere: anyone's key, the secret, and any token in
	// the plain-text exports.
	search := func(what string, b []byte, tokensToo bool) {
		t.Helper()
		for k, p := range keys {
			if k != "" && bytes.Contains(b, []byte(k)) {
				t.Errorf("%s holds the key of %s", what, p)
			}
		}
		if bytes.Contains(b, secret) {
			t.Errorf("%s holds the secret", what)
		}
		if tokensToo {
			for tok := range where {
				if bytes.Contains(b, []byte(tok)) {
					t.Errorf("%s shows token %s", what, tok)
				}
			}
		}
	}
	for _, format := range export.Formats {
		var b bytes.Buffer
		if err := export.Write(&b, format, info, events); err != nil {
			t.Fatal(err)
		}
		search(format+" export", b.Bytes(), format != "json")
		if format != "json" {
			continue
		}
		// The record: a token stands in one event (and the state that
		// event made), never in two events.
		var rec struct {
			Events []json.RawMessage `json:"events"`
		}
		var actors struct {
			Events []struct {
				Actor string `json:"actor"`
			} `json:"events"`
		}
		if err := json.Unmarshal(b.Bytes(), &actors); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		for tok := range where {
			n := 0
			for _, e := range rec.Events {
				if bytes.Contains(e, []byte(tok)) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("the json record has token %s in %d events", tok, n)
			}
		}
		for i, e := range rec.Events {
			for _, name := range []string{"Lukas", "Julia", string(lukas), string(julia)} {
				if actors.Events[i].Actor == string(session.Anonymous) && bytes.Contains(e, []byte(name)) {
					t.Errorf("an anonymous event of the record names %s: %s", name, e)
				}
			}
		}
	}

	// The replay, as a viewer sees each position.
	p := session.NewPlayer(info.ID, events)
	defer p.Close()
	var replay bytes.Buffer
	for {
		st := p.Snapshot().State
		fmt.Fprintf(&replay, "%+v\n", *st.For(lukas, p.Viewer(lukas)))
		if !p.Step() {
			break
		}
	}
	search("the replay", replay.Bytes(), false)

	// The raw files, as a disk image would show them, with the store
	// still open (so a write-ahead log would still be there).
	files, _ := filepath.Glob(filepath.Join(dir, "huddle.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		search(filepath.Base(f), b, false)
		// Each token in the file must be inside a copy of its own
		// event (SQLite leaves stale copies of a page's cells in free
		// space): cut every anonymous event's payload out, and no
		// token may be left.
		for _, e := range events {
			if e.Actor == session.Anonymous {
				payload, _ := session.EncodePayload(e.Payload)
				b = bytes.ReplaceAll(b, payload, nil)
			}
		}
		for _, tok := range tokenRE.FindAll(b, -1) {
			if _, ok := where[string(tok)]; ok {
				t.Errorf("%s holds token %s outside its own event", filepath.Base(f), tok)
			}
		}
	}
}

// forgetFaultStore fails ForgetSecret while fails > 0.
type forgetFaultStore struct {
	session.Store
	mu     sync.Mutex
	fails  int
	forgot int
}

func (f *forgetFaultStore) ForgetSecret(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errors.New("disk I/O error (10)")
	}
	f.forgot++
	return f.Store.ForgetSecret(ctx, id)
}

func (f *forgetFaultStore) done() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.forgot > 0
}

// TestRoomTriesAgainToForgetTheSecret: a failed delete of the secret is
// tried again on the room's clock until it succeeds.
func TestRoomTriesAgainToForgetTheSecret(t *testing.T) {
	st := mustStore(t, t.TempDir())
	defer st.Close()
	fs := &forgetFaultStore{Store: st, fails: 2}
	info := mustCreate(t, st, session.Config{Kind: session.Retro, Anonymous: true})
	clock := session.NewFakeClock(t0)
	var errs []string
	var mu sync.Mutex
	r, err := session.OpenRoom(context.Background(), fs, info.ID, session.RoomOptions{Clock: clock, Error: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err.Error())
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustSubmit(t, r, fac, session.End{})
	for deadline := time.Now().Add(10 * time.Second); !fs.done(); {
		if time.Now().After(deadline) {
			t.Fatalf("the secret was never deleted; errors %v", errs)
		}
		if clock.Timers() > 0 { // the room waits on its clock to try again
			clock.Advance(5 * time.Second)
		}
		runtime.Gosched()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 2 || !strings.Contains(errs[0], "will try again") {
		t.Fatalf("errors %v; want two that say it will try again", errs)
	}
}

// TestStoreOpenForgetsSecretsOfEndedSessions: a secret left behind by a
// session that ended (a crash, a failed delete) is gone once the store
// opens again.
func TestStoreOpenForgetsSecretsOfEndedSessions(t *testing.T) {
	dir := t.TempDir()
	st := mustStore(t, dir)
	fs := &forgetFaultStore{Store: st, fails: 1 << 30}
	info := mustCreate(t, st, session.Config{Kind: session.Retro, Anonymous: true})
	live := mustCreate(t, st, session.Config{Kind: session.Retro, Anonymous: true})
	ctx := context.Background()
	secret, err := st.Secret(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	liveSecret, err := st.Secret(ctx, live.ID)
	if err != nil {
		t.Fatal(err)
	}
	r, err := session.OpenRoom(ctx, fs, info.ID, session.RoomOptions{Clock: session.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, r, fac, session.End{})
	r.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "huddle.db"))
	if err != nil || !bytes.Contains(b, secret) {
		t.Fatalf("the fault did not leave the secret behind (%v): the test tests nothing", err)
	}
	st = mustStore(t, dir)
	defer st.Close()
	for _, name := range []string{"huddle.db", "huddle.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, secret) {
			t.Fatalf("%s still holds the ended session's secret", name)
		}
	}
	if got, err := st.Secret(ctx, live.ID); err != nil || !bytes.Equal(got, liveSecret) {
		t.Fatalf("the live session's secret was lost: %v", err)
	}
}
