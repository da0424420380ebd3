package sshserver

// The monkey test (issue 6): many clients press random keys, paste random
// and hostile text and resize to absurd sizes for a bounded time. The
// server stays up, every session's invariants hold, and no client's
// terminal ever receives an escape sequence that someone else typed.

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"charm.land/log/v2"
	"go.uber.org/goleak"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

var monkeySeed = flag.Uint64("monkey.seed", 0, "seed of TestMonkey (0: $HUDDLE_MONKEY_SEED, else the clock)")

// monkeyRun is how long the monkeys type.
const monkeyRun = 8 * time.Second

// monkeyKeys are the keys the monkeys press: every key of the stand-up,
// the retrospective and the lobby, and a few more. Quitting and ending the
// session (e, E: "end now?", which the next enter confirms) are drawn
// separately, rarely, or every session would end within a second.
var monkeyKeys = []string{
	"n", "n", "enter", "enter", "esc", "tab", "shift+tab", "space", "backspace", "delete",
	"up", "down", "left", "right", "home", "end", "pgup", "pgdown",
	"h", "j", "k", "l", "a", "b", "c", "d", "f", "g", "o", "p", "p", "r", "s", "t", "u", "v", "w", "x", "y",
	"A", "N", "V", "@", "+", "=", ".", "?", "1", "2", "3", "4", "5",
}

// monkeyPrompts are keys that open a prompt somewhere: park, blocker,
// arrival, check-in word, card, note, decision, action item, topic name,
// discussed. (Not e: its prompt is "end now?", which the enter after the
// text would confirm; e and E are among the keys.)
var monkeyPrompts = []string{"p", "p", "b", "a", "a", "w", "o", "c", "A", "N", "d"}

// monkeyBidi are the bidi controls the monkeys type, one each: a prompt
// echoes what its typist types to the typist's own terminal as they type
// it, bidi controls included (see the test's report), so each monkey's
// own control is allowed in its own output and every other one is not.
// Every monkey's SSH user name carries U+202E besides.
var monkeyBidi = []rune{'\u202e', '\u202d', '\u202b', '\u202a', '\u202c', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f', '\u200e', '\u061c'}

// canary returns hostile text typed by monkey m, its n-th: every escape
// sequence carries the marker cnry<m>x<n> (the OSC 52 one as base64 of
// CANARY<m>x<n>), which therefore must never reach any terminal, while the
// visible parts survive cleaning.
func canary(m, n int, r *rand.Rand) string {
	id := fmt.Sprintf("%dx%d", m, n)
	bidi := string(monkeyBidi[m%len(monkeyBidi)])
	parts := []string{
		"\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("CANARY"+id)) + "\x07", // OSC 52: set the clipboard
		"\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("CANARY"+id)) + "\x1b\\",
		"\x1b]8;;https://cnry" + id + ".example/\x1b\\link\x1b]8;;\x1b\\", // OSC 8 hyperlink
		"\x1b]0;cnry" + id + "\x07", // window title
		"\x1b[31337;" + id + "m",    // CSI with a marked parameter
		"\x1b[2J\x1b[H\x1b[?1049l",  // clear the screen, leave the alt screen
		"\u009b31337;" + id + "m",   // 8-bit CSI as UTF-8 (U+009B)
		"\x9b31337;" + id + "m",     // 8-bit CSI as a raw byte
		bidi + "bidi" + id,          // a bidi control (U+202E for monkey 0)
		bidi + "bidi" + id + bidi,
		"\x1bPcnry" + id + "\x1b\\",       // DCS
		"\x1b_cnry" + id + "\x1b\\",       // APC
		"\x1b^cnry" + id + "\x1b\\",       // PM
		"\x1bXcnry" + id + "\x1b\\",       // SOS
		"\u009d52;c;cnry" + id + "\u009c", // 8-bit OSC and ST
		"\x1b]52;c;cnry" + id,             // OSC never terminated
		"vis" + id,
		"plain words",
		"Jörg ✓ 日本",
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return strings.Join(parts[:2+r.IntN(len(parts)-2)], " ")
}

// monkey is one client of the monkey test and its random source.
type monkey struct {
	n       int // its number, in every canary it types
	user    string
	key     gossh.Signer
	addr    string
	command string // "" for the lobby
	r       *rand.Rand

	c       *leanClient
	raws    [][]byte // the output of its connections that ended, for the final checks
	typed   int      // canaries typed
	actions int
}

func (m *monkey) dial() error {
	c, err := dialLean(m.addr, m.user, m.key, m.command, 60+m.r.IntN(100), 16+m.r.IntN(40))
	if err != nil {
		return err
	}
	m.c = c
	return nil
}

// hangUp closes the current connection and keeps its output.
func (m *monkey) hangUp() error {
	err := m.c.close()
	m.raws = append(m.raws, m.c.raw())
	return err
}

func (m *monkey) send(s string) { _, _ = m.c.in.Write([]byte(s)) } // the session may have ended

func (m *monkey) press(key string) {
	if seq, ok := testClientKeys[key]; ok {
		key = seq
	} else if c, ok := strings.CutPrefix(key, "ctrl+"); ok {
		key = string(rune(c[0] - 'a' + 1))
	}
	m.send(key)
}

func (m *monkey) paste(s string) { m.send("\x1b[200~" + s + "\x1b[201~") }

// step does one random thing.
func (m *monkey) step() {
	r := m.r
	m.actions++
	switch n := r.IntN(100); {
	case n < 50:
		m.press(monkeyKeys[r.IntN(len(monkeyKeys))])
	case n < 58: // random bytes, escape sequences and all
		b := make([]byte, 1+r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		m.send(string(b))
	case n < 78: // hostile text into a prompt, pasted or typed
		m.press(monkeyPrompts[r.IntN(len(monkeyPrompts))])
		text := canary(m.n, m.typed, r)
		m.typed++
		if r.IntN(3) > 0 {
			m.paste(text)
		} else {
			m.send(text)
		}
		if r.IntN(5) > 0 {
			m.press("enter")
		} else {
			m.press("esc")
		}
	case n < 82: // a very long paste
		var b strings.Builder
		for b.Len() < 2000+r.IntN(20000) {
			b.WriteString(canary(m.n, m.typed, r))
			m.typed++
			b.WriteString(strings.Repeat("long ", r.IntN(50)))
		}
		m.press("p")
		m.paste(b.String())
		m.press("enter")
	case n < 86: // an absurd window (the emulated screen stays as it is)
		sizes := [][2]int{{0, 0}, {1, 1}, {65535, 65535}, {10000, 3}, {3, 10000}, {r.IntN(1000), r.IntN(1000)}}
		s := sizes[r.IntN(len(sizes))]
		_ = m.c.sess.WindowChange(s[1], s[0])
	case n < 90: // an ordinary one
		_ = m.c.sess.WindowChange(5+r.IntN(55), 20+r.IntN(180))
	case n < 91: // leave (the loop comes back), or end the session
		switch r.IntN(5) {
		case 0:
			m.press([]string{"e", "E"}[r.IntN(2)])
		case 1:
			m.press("ctrl+c")
		default:
			m.press([]string{"q", "ctrl+c"}[r.IntN(2)])
		}
	default: // the lobby's form: a new session of a team with a hostile name
		m.press("n")
		m.press("tab")
		name := fmt.Sprintf("lobby%d", m.n)
		if r.IntN(2) == 0 {
			name = canary(m.n, m.typed, r)
			m.typed++
		}
		m.paste(name)
		m.press("enter")
	}
}

// run acts until stop, reconnecting when the session ends.
func (m *monkey) run(stop time.Time) error {
	for time.Now().Before(stop) {
		select {
		case <-m.c.exited:
			if err := m.hangUp(); err != nil {
				return err
			}
			if err := m.dial(); err != nil {
				return fmt.Errorf("monkey %d could not reconnect: %w", m.n, err)
			}
			continue
		default:
		}
		m.step()
		time.Sleep(time.Duration(m.r.IntN(25)) * time.Millisecond * raceSlowdown) // the race detector slows the server more than the monkeys
	}
	return nil
}

// panicsIn counts the panics reported in a log or on stderr, by their
// message and the first frame of huddle's in their stack.
func panicsIn(out string) map[string]int {
	panics := map[string]int{}
	for i, part := range strings.Split(out, "Caught panic:") {
		if i == 0 {
			if strings.Contains(strings.ToLower(part), "panic") {
				panics["a panic in the log"]++
			}
			continue
		}
		var msg, where string
		for _, l := range strings.Split(part, "\n") {
			l = strings.TrimSpace(l)
			if msg == "" && l != "" {
				msg = l
			}
			if strings.HasPrefix(l, "huddle/") && where == "" {
				where, _, _ = strings.Cut(l, "(")
			}
		}
		panics[msg+" in "+where]++
	}
	return panics
}

// captureStderr tees os.Stderr into a buffer until the returned function,
// which restores it and returns what was written, is called (or the test
// ends). It must be called before anything that might write there starts,
// and the returned function after it has stopped.
func captureStderr(t *testing.T) func() string {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	orig := os.Stderr
	os.Stderr = w
	var buf bytes.Buffer
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = io.Copy(io.MultiWriter(&buf, orig), r)
	}()
	var once sync.Once
	restore := func() string {
		once.Do(func() {
			os.Stderr = orig
			w.Close()
			<-copied
			r.Close()
		})
		return buf.String()
	}
	t.Cleanup(func() { restore() })
	return restore
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func monkeySeedValue(t *testing.T) uint64 {
	if *monkeySeed != 0 {
		return *monkeySeed
	}
	if env := os.Getenv("HUDDLE_MONKEY_SEED"); env != "" {
		seed, err := strconv.ParseUint(env, 10, 64)
		if err != nil {
			t.Fatalf("HUDDLE_MONKEY_SEED=%q: %v", env, err)
		}
		return seed
	}
	return uint64(time.Now().UnixNano())
}

// TestMonkey runs two stand-ups and two retrospectives with monkeys in
// them and in the lobby. The seed fixes what each monkey does, not how the
// server interleaves it: rerun with -monkey.seed=N (or
// HUDDLE_MONKEY_SEED=N) to replay the same keys.
func TestMonkey(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	seed := monkeySeedValue(t)
	t.Logf("seed %d (rerun with -monkey.seed=%d)", seed, seed)
	began := time.Now()
	defer func() { t.Logf("the whole test took %v", time.Since(began).Round(time.Millisecond)) }()
	stderr := captureStderr(t) // before the server: its cleanup runs after the server's
	var serverLog syncBuffer
	ts := startServer(t, t.TempDir(), func(c *Config) {
		// At debug level the log has every program's end, panics included
		// (Bubble Tea recovers from a panic in a participant's program
		// and ends that program only).
		c.Logger = log.NewWithOptions(&serverLog, log.Options{Level: log.DebugLevel})
		c.Actions, c.ActionBurst = 30, 30 // monkeys are quick; more of their actions get through
	})
	sessions := []struct{ team, args string }{
		{"mk-s1", "standup --team mk-s1 --members Ann,Ben,Cem"},
		{"mk-s2", "standup --team mk-s2 --members Dana,Eli --order random"},
		{"mk-r1", "retro --team mk-r1 --members Fay,Gus,Hal --format 4ls"},
		{"mk-r2", "retro --team mk-r2 --members Ida,Jon --format sailboat --anonymous --esvp"},
	}
	codes := make([]string, len(sessions))
	for i, s := range sessions {
		codes[i] = openSession(t, ts.addr, s.args)
	}
	// Twelve monkeys: three, two, three and two in the sessions, two in
	// the lobby. Their SSH user names are hostile too.
	where := []int{0, 0, 0, 1, 1, 2, 2, 2, 3, 3, -1, -1}
	monkeys := make([]*monkey, len(where))
	for i, s := range where {
		m := &monkey{n: i, key: newTestKey(t), addr: ts.addr, r: rand.New(rand.NewPCG(seed, uint64(i)))}
		m.user = fmt.Sprintf("\x1b]52;c;%s\x07m%d\u202e\x1b[31337;%dm", base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("CANARY%dxname", i))), i, i)
		if s >= 0 {
			m.command = "join " + codes[s]
		}
		if err := m.dial(); err != nil {
			t.Fatal(err)
		}
		monkeys[i] = m
	}
	for _, m := range monkeys {
		want := "huddle ·"
		if m.command == "" {
			want = "lobby"
		}
		if err := m.c.await(want); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	stop := start.Add(monkeyRun)
	errs := make(chan error, len(monkeys))
	var wg sync.WaitGroup
	for _, m := range monkeys {
		wg.Go(func() { errs <- m.run(stop) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	actions, typed, conns := 0, 0, 0
	for _, m := range monkeys {
		actions, typed, conns = actions+m.actions, typed+m.typed, conns+len(m.raws)+1
	}
	t.Logf("%d monkeys: %d actions, %d hostile texts, %d connections in %v", len(monkeys), actions, typed, conns, time.Since(start).Round(time.Millisecond))

	// Everyone leaves (their programs end, with whatever keys the server
	// had not read yet); the server is up and lets a newcomer into every
	// session.
	checks := time.Now()
	for _, m := range monkeys {
		if err := m.hangUp(); err != nil {
			t.Error(err)
		}
	}
	select {
	case err := <-ts.done:
		t.Fatalf("the server stopped serving: %v", err)
	default:
	}
	for i, code := range codes {
		c := dialTest(t, ts.addr, "newcomer", newTestKey(t), withCommand("join "+code))
		c.WaitFor("huddle ·", sessions[i].team)
		c.Close()
	}

	// Nobody who came over SSH is left present.
	ctx := context.Background()
	all, err := ts.store.Sessions(ctx, session.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sessions in the store (the lobby monkeys opened %d)", len(all), len(all)-len(sessions))
	// Longer than the usual guard: on a loaded machine under -race the
	// server may still be working through the monkeys' queued keys before
	// their programs see the connections gone (once seen 10 s was short).
	deadline := time.Now().Add(3 * testClientHangGuard)
	for _, info := range all {
		for {
			st := foldStored(t, ts.store, info.ID)
			here := keyedPresent(st)
			if len(here) == 0 || st.Phase == session.Closed {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s: still present after every client left: %v", info.Team, here)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// Every session's invariants hold, live and refolded.
	for _, info := range all {
		events, err := ts.store.Events(ctx, info.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range events {
			if e.Seq != int64(i+1) {
				t.Errorf("%s: event %d has seq %d", info.Team, i+1, e.Seq)
				break
			}
		}
		st := session.Fold(info.ID, events)
		if room, ok := ts.srv.hub.Live(info.ID); ok {
			live := room.Snapshot().State
			if live.Seq > int64(len(events)) {
				t.Errorf("%s: the live room is at seq %d, the store at %d", info.Team, live.Seq, len(events))
			} else if again := session.Fold(info.ID, events[:live.Seq]); !reflect.DeepEqual(again, live) {
				t.Errorf("%s: refolding the stored events gives another state than the live room's:\n%+v\n%+v", info.Team, again, live)
			}
		}
		for _, err := range sessionInvariants(st) {
			t.Errorf("%s (%s, %s, %d events): %v", info.Team, info.Kind, st.Phase, len(events), err)
		}
		kinds := map[session.EventType]int{}
		for _, e := range events {
			kinds[e.Type()]++
		}
		t.Logf("%s: %s, now %s, %d events %v", info.Team, info.Kind, st.Phase, len(events), kinds)
	}

	// No terminal received an escape sequence, a C1 control or a bidi
	// control that another typed. What is left of a canary as text is
	// harmless and expected: a prompt's input drops the control characters
	// of what is pasted or typed (ESC, BEL, C1), which leaves the rest of a
	// sequence as words, and the typist's own prompt shows them, and their
	// own bidi control (see monkeyBidi), while they type.
	text := map[string]int{}
	for _, m := range monkeys {
		own := monkeyBidi[m.n%len(monkeyBidi)]
		for _, raw := range m.raws {
			for _, f := range hostileOutput(raw) {
				switch {
				case f.bidi == own:
					text["own bidi control echoed while typing"]++
				case f.plain && f.bidi == 0 && f.owner == m.n:
					text["own canary as text"]++
				case f.plain && f.bidi == 0:
					text["another's canary as text"]++
				default:
					t.Errorf("monkey %d's terminal received %s", m.n, f)
				}
			}
		}
	}
	t.Logf("harmless: %v", text)
	t.Logf("the checks took %v", time.Since(checks).Round(time.Millisecond))
	// Nothing panicked. Bubble Tea recovers from a panic in a program,
	// ends that program and prints the panic on the process's stderr; the
	// server's log says nothing of it at any level, so stderr is read.
	ts.stop()
	if panics := panicsIn(serverLog.String() + stderr()); len(panics) > 0 {
		t.Errorf("participants' programs or handlers panicked (the stack traces are above, on stderr): %v", panics)
	}

	// And nothing of it is left running.
	for deadline := time.Now().Add(testClientHangGuard); goleak.Find(ignore) != nil && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	goleak.VerifyNone(t, ignore)
}

// foldStored folds a session's stored events.
func foldStored(tb testing.TB, st session.Store, id string) *session.State {
	tb.Helper()
	events, err := st.Events(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return session.Fold(id, events)
}

// keyedPresent names who came over SSH and is still marked present.
func keyedPresent(s *session.State) []string {
	var out []string
	for _, p := range s.Participants {
		if p.Present && p.Key != "" {
			out = append(out, p.Name)
		}
	}
	return out
}

// sessionInvariants re-implements the key checks of the session package's
// property test (which this package cannot import) on a folded state.
func sessionInvariants(s *session.State) []error {
	var errs []error
	ids, keys := map[session.ParticipantID]bool{}, map[string]bool{}
	facilitators := 0
	for _, p := range s.Participants {
		if ids[p.ID] {
			errs = append(errs, fmt.Errorf("participant %s twice", p.ID))
		}
		ids[p.ID] = true
		if p.Key != "" && keys[p.Key] {
			errs = append(errs, fmt.Errorf("key %s on two participants", p.Key))
		}
		keys[p.Key] = true
		if p.Role == session.Facilitator {
			facilitators++
			if p.ID != s.Facilitator {
				errs = append(errs, fmt.Errorf("%s has the role but %s is the facilitator", p.ID, s.Facilitator))
			}
		}
	}
	if facilitators > 1 {
		errs = append(errs, fmt.Errorf("%d facilitators", facilitators))
	}
	seen := map[session.ParticipantID]bool{}
	for _, id := range s.Order {
		if seen[id] || !ids[id] {
			errs = append(errs, fmt.Errorf("order %v has a duplicate or unknown id", s.Order))
			break
		}
		seen[id] = true
	}
	if s.Phase == session.Rounds && (s.Pos < 0 || s.Pos >= len(s.Order)) {
		errs = append(errs, fmt.Errorf("pos %d outside an order of %d", s.Pos, len(s.Order)))
	}
	for i, t := range s.Turns {
		if i < len(s.Turns)-1 && t.Ended.IsZero() {
			errs = append(errs, fmt.Errorf("turn %d still runs while a later one exists", i))
		}
	}
	items := map[int]bool{}
	for _, it := range s.Items {
		if items[it.ID] {
			errs = append(errs, fmt.Errorf("item id %d twice", it.ID))
		}
		items[it.ID] = true
		if it.Topic == "" {
			errs = append(errs, fmt.Errorf("item %d has no topic", it.ID))
		}
		if it.Status == session.Decided && it.Note == "" {
			errs = append(errs, fmt.Errorf("decision %d without text", it.ID))
		}
	}
	cards := map[int]bool{}
	for _, c := range s.Cards {
		if cards[c.ID] {
			errs = append(errs, fmt.Errorf("card id %d twice", c.ID))
		}
		cards[c.ID] = true
	}
	var dirty []string
	uncleanStrings(reflect.ValueOf(s).Elem(), "State", &dirty)
	for _, d := range dirty {
		errs = append(errs, fmt.Errorf("not clean text: %s", d))
	}
	return errs
}

// uncleanStrings walks every exported string of v (fields, slices, maps
// with their keys) and reports each one that CleanText would change.
func uncleanStrings(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); session.CleanText(s, session.DefaultMaxText) != s {
			*out = append(*out, fmt.Sprintf("%s = %q", path, s))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			uncleanStrings(v.Elem(), path, out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				uncleanStrings(v.Field(i), path+"."+f.Name, out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			uncleanStrings(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			uncleanStrings(iter.Key(), path+"{key}", out)
			uncleanStrings(iter.Value(), fmt.Sprintf("%s[%v]", path, iter.Key()), out)
		}
	}
}

// hostile is something in a terminal's output that a monkey typed.
type hostile struct {
	bidi  rune // a bidi control, or 0
	what  string
	owner int  // the monkey whose canary it is; -1: unknown
	plain bool // as text, outside any escape sequence
	at    int
	ctx   []byte
}

func (h hostile) String() string {
	return fmt.Sprintf("%s (monkey %d's) at byte %d: %q", h.what, h.owner, h.at, h.ctx)
}

var (
	markerRe = regexp.MustCompile(`cnry(\d+)x`)
	b64Re    = regexp.MustCompile(`Q0FOQVJZ[A-Za-z0-9+/]*={0,2}`)
)

// ownerOf finds whose canary a piece of output carries.
func ownerOf(b []byte) int {
	if m := markerRe.FindSubmatch(b); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	for _, tok := range b64Re.FindAll(b, -1) {
		dec, err := base64.StdEncoding.DecodeString(string(tok))
		if err != nil {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(string(dec), "CANARY%dx", &n); err == nil {
			return n
		}
	}
	return -1
}

// hostileOutput scans a terminal's output for what the monkeys' canaries
// could leave if cleaning failed: OSC 52 at all; a marker inside any
// escape sequence (CSI, OSC, DCS, APC, PM, SOS); C1 controls and bidi
// controls anywhere; and markers as plain text.
func hostileOutput(raw []byte) []hostile {
	var out []hostile
	add := func(what string, at, end int, plain bool) {
		ctx := raw[max(0, at-16):min(len(raw), end+16)]
		out = append(out, hostile{what: what, owner: ownerOf(raw[at:min(len(raw), end+40)]), plain: plain, at: at, ctx: ctx})
	}
	marked := func(b []byte) bool {
		return markerRe.Match(b) || b64Re.Match(b) || bytes.Contains(b, []byte("31337"))
	}
	for i := 0; i < len(raw); {
		if raw[i] == 0x1b && i+1 < len(raw) {
			switch intro := raw[i+1]; intro {
			case '[':
				j := i + 2
				for j < len(raw) && (raw[j] < 0x40 || raw[j] > 0x7e) {
					j++
				}
				if marked(raw[i+2 : min(j, len(raw))]) {
					add("a marked CSI sequence", i, j, false)
				}
				i = j + 1
			case ']', 'P', '_', '^', 'X':
				j, end := i+2, len(raw)
				for ; j < len(raw); j++ {
					if raw[j] == 0x07 {
						end = j + 1
						break
					}
					if raw[j] == 0x1b && j+1 < len(raw) && raw[j+1] == '\\' {
						end = j + 2
						break
					}
				}
				body := raw[i+2 : j]
				// The server's own window title holds the team's name,
				// cleaned: words only, whatever canary text they keep.
				title := intro == ']' && (bytes.HasPrefix(body, []byte("0;huddle")) || bytes.HasPrefix(body, []byte("2;huddle")))
				if intro == ']' && bytes.HasPrefix(body, []byte("52;")) {
					add("OSC 52 (clipboard)", i, end, false)
				} else if marked(body) && !title {
					add(fmt.Sprintf("a marked ESC %c string", intro), i, end, false)
				}
				i = end
			default:
				i += 2
			}
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		switch {
		case r == utf8.RuneError && size == 1 && raw[i] >= 0x80 && raw[i] <= 0x9f:
			add(fmt.Sprintf("a raw 8-bit C1 byte %#x", raw[i]), i, i+1, false)
		case r >= 0x80 && r <= 0x9f:
			add(fmt.Sprintf("the C1 control %U", r), i, i+size, false)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			out = append(out, hostile{bidi: r, what: fmt.Sprintf("the bidi control %U", r), owner: -1, plain: true, at: i, ctx: raw[max(0, i-16):min(len(raw), i+24)]})
		case r == 'c' && bytes.HasPrefix(raw[i:], []byte("cnry")), r == 'Q' && bytes.HasPrefix(raw[i:], []byte("Q0FOQVJZ")):
			add("a canary as text", i, i+8, true)
		}
		i += size
	}
	return out
}

// TestMonkeyOneColumnWindowOnTheSummary is what the monkeys found: a
// participant whose window is one column wide while a finished session's
// summary shows must keep their program (it panicked in the header, and
// Bubble Tea ended it).
func TestMonkeyOneColumnWindowOnTheSummary(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := openSession(t, ts.addr, "standup --team t --members Ann --facilitator Ann")
	c := dialTest(t, ts.addr, "ann", newTestKey(t), withCommand("join "+code))
	c.WaitFor("waiting room", "· facilitator")
	c.Press("e")
	c.Press("y")
	c.WaitFor("summary")
	for _, w := range []int{1, 0, 2} {
		if err := c.sess.WindowChange(24, w); err != nil { // the emulated screen stays 80 wide
			t.Fatalf("the session ended on the way to a window %d wide: %v", w, err)
		}
		time.Sleep(3 * resizeEvery) // window changes reach the program at most every resizeEvery
	}
	if err := c.sess.WindowChange(24, 80); err != nil {
		t.Fatalf("the session ended after a window 2 wide: %v", err)
	}
	c.Press("?") // once its help shows, the program is alive and took the sizes
	c.WaitFor("summary", "fewer keys")
}
