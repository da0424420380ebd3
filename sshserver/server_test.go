package sshserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
	"huddle/session/sqlite"
)

// testServer is a huddle SSH server on 127.0.0.1:0 over a real store.
type testServer struct {
	t     *testing.T
	srv   *Server
	addr  string
	store *sqlite.Store
	dir   string
	done  chan error
}

func startServer(t *testing.T, dir string, tweak func(*Config)) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startServerOn(t, dir, ln, tweak)
}

// startServerOn is startServer on a listener of the test's own.
func startServerOn(t *testing.T, dir string, ln net.Listener, tweak func(*Config)) *testServer {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(dir, "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	hostKey, err := EnsureHostKey(filepath.Join(dir, "host_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{HostKey: hostKey, Logger: log.New(testWriter{t}), ConnectRate: 1000, ConnectBurst: 1000, KeyConnectRate: 1000, KeyConnectBurst: 1000}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, srv: srv, addr: ln.Addr().String(), store: st, dir: dir, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ln) }()
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) stop() {
	if ts.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); err != nil {
		ts.t.Logf("shutdown: %v", err)
	}
	select {
	case <-ts.done:
	case <-time.After(5 * time.Second):
		ts.t.Error("the server did not stop")
	}
	ts.store.Close()
	ts.srv = nil
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// state is the stored session with the join code, folded.
func (ts *testServer) state(code string) *session.State {
	ts.t.Helper()
	info, err := ts.store.SessionByCode(context.Background(), code)
	if err != nil {
		ts.t.Fatal(err)
	}
	events, err := ts.store.Events(context.Background(), info.ID)
	if err != nil {
		ts.t.Fatal(err)
	}
	return session.Fold(info.ID, events)
}

var codeShape = regexp.MustCompile(`^[a-z]+-[a-z]+-[a-z]+-[0-9]{5}$`)

// newStandupCode opens a stand-up with the non-interactive command, as a
// scheduler would, and returns its join code. Unless args say otherwise
// (--guests knock), its door is open: these tests join with keys that are
// not the team's.
func (ts *testServer) newStandupCode(args string) string {
	ts.t.Helper()
	if !strings.Contains(args, "--guests") {
		args += " --guests open"
	}
	c := dialTest(ts.t, ts.addr, "scheduler", newTestKey(ts.t), withoutPty(), withCommand("new standup "+args))
	if status := c.WaitForExit(); status != 0 {
		ts.t.Fatalf("new standup exited %d: %s", status, c.Stderr())
	}
	first, _, _ := strings.Cut(string(c.Raw()), "\n")
	code := strings.TrimSpace(first)
	if !codeShape.MatchString(code) {
		ts.t.Fatalf("first line %q is not a join code", first)
	}
	return code
}

// body is the screen without the header, whose name and role differ per
// participant, and without the footer's status and keys.
func body(c *testClient) string {
	lines := c.ScreenLines()
	if len(lines) > 6 {
		lines = lines[2 : len(lines)-3]
	}
	// Only the facilitator sees a selection and the invitation (the join
	// code and command), and each screen redraws its countdown on its own
	// tick: leave them out.
	kept := lines[:0:0]
	for _, l := range lines {
		if !strings.Contains(l, " left of ") && !strings.Contains(l, "OVERTIME") &&
			!strings.Contains(l, "Join code ") && !strings.Contains(l, "ssh -t -p ") {
			kept = append(kept, l)
		}
	}
	// (The invitation's lines leave as many more blank ones at the end.)
	return strings.TrimRight(strings.ReplaceAll(strings.Join(kept, "\n"), "▸", " "), " \n")
}

func converge(t *testing.T, clients ...*testClient) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		same := true
		for _, c := range clients[1:] {
			same = same && body(c) == body(clients[0])
		}
		if same {
			return
		}
		if time.Now().After(deadline) {
			for _, c := range clients {
				t.Logf("%s:\n%s", c.user, c.Screen())
			}
			t.Fatal("the screens did not converge")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func facilitatorOf(t *testing.T, clients ...*testClient) (*testClient, []*testClient) {
	t.Helper()
	var fac *testClient
	var rest []*testClient
	for _, c := range clients {
		if strings.Contains(c.Screen(), "· facilitator") {
			if fac != nil {
				t.Fatal("two facilitators")
			}
			fac = c
		} else {
			rest = append(rest, c)
		}
	}
	if fac == nil {
		t.Fatal("nobody facilitates")
	}
	return fac, rest
}

func TestTeamRunsAStandupTogether(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team musicstore --members Lukas,Julia,Christian,Jörg --facilitator Lukas")
	var clients []*testClient
	for _, name := range []string{"lukas", "julia", "christian"} {
		c := dialTest(t, ts.addr, name, newTestKey(t), withCommand("join "+code))
		c.WaitFor("waiting room")
		clients = append(clients, c)
	}
	for _, c := range clients {
		c.WaitFor("Here (3)", "Missing (1)")
	}
	converge(t, clients...)
	fac, members := facilitatorOf(t, clients...)
	if fac != clients[0] {
		t.Fatalf("Lukas, named by --facilitator, should facilitate, not %s", fac.user)
	}
	members[0].Press("n") // a member cannot start
	fac.Press("n")
	for _, c := range clients {
		c.WaitFor("rounds", "Turn 1 of 3", "left of 5:00")
	}
	converge(t, clients...)
	members[1].Press("p")
	members[1].Type("marker-7f3a @lukas")
	members[1].Press("enter")
	for _, c := range clients {
		c.WaitFor("#1 marker-7f3a · stays: Lukas")
	}
	converge(t, clients...)
	fac.Press("n")
	for _, c := range clients {
		c.WaitFor("Turn 2 of 3")
	}
	converge(t, clients...)
}

func TestMemberCannotFacilitateOverSSH(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members A,B --facilitator Maria")
	a := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code))
	a.WaitFor("waiting room", "A · member")
	a.Press("n")
	a.Press("e")
	a.Press("y")
	a.Press("?") // keys are handled in order: once its help shows, the others were handled
	a.WaitFor("waiting room", "fewer keys")
	if s := ts.state(code); s.Phase != session.Waiting {
		t.Fatalf("a member moved the session to %s", s.Phase)
	}
}

// TestStalledClientDoesNotDelayTheOthers keeps one participant from reading
// its channel while the others work. Bubble Tea's renderer sends only
// changed cells, so this does not fill the stalled client's 2 MiB SSH
// window; the case of a write that blocks for good is the load issue's
// (a client that stops reading its TCP socket). What it shows: the room
// never waits for a participant, and the stalled one catches up with the
// newest state, not a backlog.
func TestStalledClientDoesNotDelayTheOthers(t *testing.T) {
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Actions = 1000 })
	code := ts.newStandupCode("--team t --members A,B,C --facilitator A")
	a := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code))
	a.WaitFor("waiting room", "· facilitator")
	b := dialTest(t, ts.addr, "b", newTestKey(t), withCommand("join "+code))
	stalled := dialTest(t, ts.addr, "c", newTestKey(t), withCommand("join "+code))
	stalled.WaitFor("Here (3)")
	a.Press("n")
	stalled.WaitFor("rounds")
	stalled.StopReading()
	for i := range 30 {
		a.Press("p")
		a.Type(fmt.Sprintf("\x1b[200~m%02d-quick\x1b[201~", i)) // pasted, as one key
		a.Press("enter")
		b.WaitFor(fmt.Sprintf("#%d m%02d-quick", i+1, i))
	}
	stalled.ResumeReading()
	stalled.WaitFor("Parking lot (30)", "#30 m29-quick")
}

func TestChannelCloseMarksTheParticipantAway(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members Lukas,Julia")
	a := dialTest(t, ts.addr, "lukas", newTestKey(t), withCommand("join "+code))
	b := dialTest(t, ts.addr, "julia", newTestKey(t), withCommand("join "+code))
	a.WaitFor("Here (2)")
	b.CloseChannel() // the TCP connection stays, as with OpenSSH multiplexing
	a.WaitFor("Here (1)", "Julia (away)")
}

func TestSameKeyReconnectingIsTheSameParticipant(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members Lukas")
	key := newTestKey(t)
	a := dialTest(t, ts.addr, "lukas", key, withCommand("join "+code))
	a.WaitFor("Here (1)", "✓ Lukas")
	second := dialTest(t, ts.addr, "lukas", key, withCommand("join "+code))
	second.WaitFor("Here (1)")
	a.Close()
	second.WaitFor("Here (1)", "✓ Lukas") // still here through the other connection
	second.Close()
	third := dialTest(t, ts.addr, "lukas", key, withCommand("join "+code))
	third.WaitFor("Here (1)", "✓ Lukas")
	if strings.Contains(third.Screen(), "Lukas 2") {
		t.Fatalf("a duplicate participant:\n%s", third.Screen())
	}
}

func TestTypedEscapeSequencesNeverReachOthers(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members A")
	victim := dialTest(t, ts.addr, "victim", newTestKey(t), withCommand("join "+code))
	victim.WaitFor("waiting room")
	evil := dialTest(t, ts.addr, "\x1b]52;c;ZXZpbA==\x07mallory\u202e\x1b[2J", newTestKey(t), withCommand("join "+code))
	evil.WaitFor("waiting room")
	victim.WaitFor("mallory")
	evil.Press("p")
	evil.Type("topic \x1b]52;c;c3RvbGVu\x07 \x1b[31mred\x1b[0m \u202eevil \x9b2J end")
	evil.Press("enter")
	victim.WaitFor("end")
	raw := string(victim.Raw())
	for _, bad := range []string{"\x1b]52", "ZXZpbA==", "c3RvbGVu", "\u202e", "\x9b"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("the victim's terminal received %q", bad)
		}
	}
}

func TestUnauthorizedKeysAreRefused(t *testing.T) {
	allowed, other := newTestKey(t), newTestKey(t)
	dir := t.TempDir()
	line := gossh.MarshalAuthorizedKey(allowed.PublicKey())
	path := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(path, append([]byte("# the team\n\n"), line...), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := LoadAuthorizedKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, dir, func(c *Config) { c.AuthorizedKeys = keys })
	if c, err := tryDialTest(t, ts.addr, "intruder", other, withoutPty(), withCommand("help")); err == nil {
		c.Close()
		t.Fatal("an unlisted key got in")
	}
	if c, err := tryDialTest(t, ts.addr, "nokey", nil, withoutPty(), withCommand("help")); err == nil {
		c.Close()
		t.Fatal("a client without a key got in")
	}
	c := dialTest(t, ts.addr, "member", allowed, withoutPty(), withCommand("help"))
	if c.WaitForExit() != 0 || !strings.Contains(string(c.Raw()), "join CODE") {
		t.Fatalf("the listed key was not served: %q", c.Raw())
	}
}

func TestAuthorizedKeysFileErrorsNameTheLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "authorized_keys")
	good := gossh.MarshalAuthorizedKey(newTestKey(t).PublicKey())
	os.WriteFile(path, append(append(good, []byte("# ok\nssh-ed25519 not-base64!!\n")...), good...), 0o600)
	if _, err := LoadAuthorizedKeys(path); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v, want one naming line 3", err)
	}
	os.WriteFile(path, []byte("# nobody\n"), 0o600)
	if _, err := LoadAuthorizedKeys(path); err == nil {
		t.Fatal("a file without keys must be an error, not a silent deny-all")
	}
}

func TestHostKeyIsCreatedOnceAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "host_ed25519")
	first, err := EnsureHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	second, err := EnsureHostKey(path)
	if err != nil || string(first) != string(second) {
		t.Fatal("the host key changed on the second start")
	}
}

func TestNewRetroOverSSH(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	c := dialTest(t, ts.addr, "a", newTestKey(t), withoutPty(), withCommand("new retro --team t --format 4ls --anonymous"))
	if status := c.WaitForExit(); status != 0 {
		t.Fatalf("new retro: %d %q", status, c.Stderr())
	}
	first, _, _ := strings.Cut(string(c.Raw()), "\n")
	info, err := ts.store.SessionByCode(context.Background(), strings.TrimSpace(first))
	if err != nil || info.Kind != session.Retro {
		t.Fatalf("%+v %v", info, err)
	}
	bad := dialTest(t, ts.addr, "a", newTestKey(t), withoutPty(), withCommand("new retro --team t --format nope"))
	if status := bad.WaitForExit(); status != 2 || !strings.Contains(bad.Stderr(), "unknown format") {
		t.Fatalf("bad format: %d %q", status, bad.Stderr())
	}
}

func TestCommands(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	opener := newTestKey(t) // the team's, so it may export
	code := ts.newStandupCodeAs(opener, "--team musicstore --members Lukas")
	run := func(cmd string, opts ...clientOption) *testClient {
		c := dialTest(t, ts.addr, "x", opener, append([]clientOption{withoutPty(), withCommand(cmd)}, opts...)...)
		c.WaitForExit()
		return c
	}
	t.Run("export prints the minutes", func(t *testing.T) {
		c := run("export " + code)
		if status, _ := c.Exited(); status != 0 || !strings.Contains(string(c.Raw()), "# Stand-up · musicstore") {
			t.Fatalf("status %d, output %q", status, c.Raw())
		}
	})
	t.Run("export a wrong code fails clearly", func(t *testing.T) {
		c := run("export " + "maple-otter-kite-12345")
		if status, _ := c.Exited(); status == 0 || !strings.Contains(c.Stderr(), "no session has the join code") {
			t.Fatalf("status %d, stderr %q", status, c.Stderr())
		}
	})
	t.Run("unknown commands exit 2", func(t *testing.T) {
		c := run("frobnicate")
		if status, _ := c.Exited(); status != 2 || !strings.Contains(c.Stderr(), "unknown command") {
			t.Fatalf("status %d, stderr %q", status, c.Stderr())
		}
	})
	t.Run("join without a terminal says how", func(t *testing.T) {
		c := run("join " + code)
		if status, _ := c.Exited(); status == 0 || !strings.Contains(string(c.Raw())+c.Stderr(), "ssh -t") {
			t.Fatalf("status %d, output %q %q", status, c.Raw(), c.Stderr())
		}
	})
	t.Run("a wrong join code is explained", func(t *testing.T) {
		c := dialTest(t, ts.addr, "x", newTestKey(t), withCommand("join maple-otter-kite-12345"))
		c.WaitForExit()
		if out := string(c.Raw()) + c.Stderr(); !strings.Contains(out, "no session has the join code") {
			t.Fatalf("output %q", out)
		}
	})
	t.Run("new needs a team", func(t *testing.T) {
		c := run("new standup")
		if status, _ := c.Exited(); status != 2 || !strings.Contains(c.Stderr(), "--team") {
			t.Fatalf("status %d, stderr %q", status, c.Stderr())
		}
	})
}

func TestRestartResumesTheSession(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, nil)
	code := ts.newStandupCode("--team t --members Lukas,Julia --facilitator Lukas")
	key := newTestKey(t)
	a := dialTest(t, ts.addr, "lukas", key, withCommand("join "+code))
	a.WaitFor("waiting room", "· facilitator")
	a.Press("enter") // marks Julia present, on her behalf
	a.Press("n")
	a.WaitFor("rounds")
	a.Press("p")
	a.Type("survives-a-restart")
	a.Press("enter")
	a.WaitFor("#1 survives-a-restart")
	ts.stop()
	a.WaitFor("server is restarting")

	ts2 := startServer(t, dir, nil)
	again := dialTest(t, ts2.addr, "lukas", key, withCommand("join "+code))
	again.WaitFor("rounds", "#1 survives-a-restart", "· facilitator")
}

func TestAnonymousLoginOnlyWhenAllowed(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	if c, err := tryDialTest(t, ts.addr, "anon", nil, withoutPty(), withCommand("help")); err == nil {
		c.Close()
		t.Fatal("anonymous login without --allow-anonymous")
	}
}

func TestHugePtyIsClamped(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members A")
	c := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code), withSize(900, 50))
	c.WaitFor("waiting room")
	for _, l := range c.ScreenLines() {
		if len([]rune(l)) > maxWidth {
			t.Fatalf("a line of %d cells on a clamped screen", len([]rune(l)))
		}
	}
}

// The idle timeout is for sessions that have ended: a stand-up that
// waits or runs keeps everyone however long they go without a key.
func TestIdleParticipantIsDisconnectedOnlyOnceTheSessionEnded(t *testing.T) {
	clock := session.NewFakeClock(time.Now())
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock; c.IdleTimeout = time.Minute })
	code := ts.newStandupCode("--team t --members Lukas,Julia --facilitator Julia")
	idle := dialTest(t, ts.addr, "lukas", newTestKey(t), withCommand("join "+code))
	busy := dialTest(t, ts.addr, "julia", newTestKey(t), withCommand("join "+code))
	busy.WaitFor("Here (2)")
	clock.Advance(10 * time.Minute) // lukas: 10 min without a key, in the waiting room
	busy.Press("n")
	idle.WaitFor("rounds")
	clock.Advance(10 * time.Minute) // and in the running stand-up
	busy.Press("?")
	busy.WaitFor("fewer keys", "Lukas")
	if _, ended := idle.Exited(); ended {
		t.Fatal("an idle participant was disconnected from a running stand-up")
	}
	busy.Press("?")
	busy.Press("e")
	busy.Press("y")
	idle.WaitFor("summary")
	clock.Advance(30 * time.Second)
	busy.Press("?") // handled after any tick of the advanced clock in flight
	busy.WaitFor("fewer keys")
	if _, ended := idle.Exited(); ended {
		t.Fatal("disconnected 30s after the end, within the idle timeout")
	}
	clock.Advance(31 * time.Second)
	idle.WaitFor("disconnected after 1m0s without a key press")
}

func TestFloodingParticipantIsSlowedDown(t *testing.T) {
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Actions, c.ActionBurst = 1, 3 })
	code := ts.newStandupCode("--team t --members A,B")
	flood := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code))
	other := dialTest(t, ts.addr, "b", newTestKey(t), withCommand("join "+code))
	other.WaitFor("Here (2)")
	for i := range 8 {
		flood.Press("p")
		flood.Type(fmt.Sprintf("flood-%d", i))
		flood.Press("enter")
	}
	flood.WaitFor("slow down")
	other.Press("p")
	other.Type("not-slowed")
	other.Press("enter")
	other.WaitFor("not-slowed")
}

func TestColoursFollowTheClientsEnvironment(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members A,B")
	plain := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code), withEnv("NO_COLOR", "1"))
	colour := dialTest(t, ts.addr, "b", newTestKey(t), withCommand("join "+code))
	plain.WaitFor("Here (2)")
	colour.WaitFor("Here (2)")
	if raw := string(plain.Raw()); strings.Contains(raw, "\x1b[38;5;") || strings.Contains(raw, "\x1b[38;2;") {
		t.Fatal("NO_COLOR from the client still got colours")
	}
	if raw := string(colour.Raw()); !strings.Contains(raw, "38;5;") {
		t.Fatal("a 256-colour client got no colours")
	}
}

func TestWatchersOnlyWatch(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members A")
	a := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code))
	a.WaitFor("waiting room")
	w := dialTest(t, ts.addr, "olga", newTestKey(t), withCommand("watch "+code))
	w.WaitFor("olga · observer")
	w.Press("p")
	w.Type("x")
	w.Press("enter")
	w.Press("?") // once its help shows, the keys before it were handled
	w.WaitFor("fewer keys")
	a.WaitFor("Here (1)") // the observer is not one of the team here
	if strings.Contains(w.Screen(), "Park a topic") || len(ts.state(code).Items) != 0 {
		t.Fatal("an observer got the park prompt")
	}
}

func TestWrongJoinCodesAreLimited(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	var last string
	for range 12 {
		c := dialTest(t, ts.addr, "guess", newTestKey(t), withCommand("join maple-otter-kite-12345"))
		c.WaitForExit()
		last = string(c.Raw()) + c.Stderr()
	}
	if !strings.Contains(last, "too many wrong join codes") {
		t.Fatalf("after 12 wrong codes: %q", last)
	}
}

func TestLobbyListsYourTeamsAndOpensAStandup(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team musicstore --members Lukas,Julia")
	ts.newStandupCode("--team otherteam --members Someone")
	key := newTestKey(t)
	first := dialTest(t, ts.addr, "lukas", key, withCommand("join "+code))
	first.WaitFor("waiting room")
	first.Close()

	// The key has joined musicstore: its lobby lists that session only.
	lukas := dialTest(t, ts.addr, "lukas", key)
	lukas.WaitFor("lobby", "musicstore", code)
	if strings.Contains(lukas.Screen(), "otherteam") {
		t.Fatalf("the lobby shows another team's session:\n%s", lukas.Screen())
	}
	lukas.Press("enter")
	lukas.WaitFor("waiting room", "✓ Lukas")

	// A user name proves nothing: another key calling itself lukas sees
	// none of it.
	mallory := dialTest(t, ts.addr, "lukas", newTestKey(t))
	mallory.WaitFor("lobby", "None right now")

	maria := dialTest(t, ts.addr, "maria", newTestKey(t))
	maria.WaitFor("lobby", "None right now")
	maria.Press("n")
	maria.WaitFor("A new stand-up or retrospective")
	maria.Press("tab") // kind: standup, as given
	maria.Type("platform")
	maria.Press("tab")
	maria.Type("Maria, Tom")
	maria.Press("enter")
	maria.WaitFor("waiting room", "platform stand-up", "Maria · facilitator", "✓ Maria")
}

func TestOnlyTheTeamsKeysChangeItsRoster(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	owner, lukasKey := newTestKey(t), newTestKey(t)
	code := ts.open("scheduler", owner, "--team musicstore --members Lukas,Julia")
	a := dialTest(t, ts.addr, "lukas", lukasKey, withCommand("join "+code))
	a.WaitFor("waiting room", "Lukas · member")
	attempt := dialTest(t, ts.addr, "mallory", newTestKey(t), withoutPty(), withCommand("new standup --team musicstore --members Mallory"))
	if status := attempt.WaitForExit(); status == 0 || !strings.Contains(attempt.Stderr(), "only the members of musicstore") {
		t.Fatalf("a stranger changed the roster: status %d, %q", status, attempt.Stderr())
	}
	team, err := ts.store.Team(context.Background(), "musicstore")
	if err != nil || strings.Join(team.Members, ",") != "Lukas,Julia" {
		t.Fatalf("roster %v (%v)", team.Members, err)
	}
	member := dialTest(t, ts.addr, "lukas", lukasKey, withoutPty(), withCommand("new standup --team musicstore --members Lukas"))
	if status := member.WaitForExit(); status == 0 || !strings.Contains(member.Stderr(), "only the owners") {
		t.Fatalf("a member changed the roster: status %d, %q", status, member.Stderr())
	}
	ok := dialTest(t, ts.addr, "lukas", lukasKey, withoutPty(), withCommand("new standup --team musicstore"))
	if status := ok.WaitForExit(); status != 0 {
		t.Fatalf("a member could not open a session: %q", ok.Stderr())
	}
	if status, _, errOut := ts.run("scheduler", owner, "new standup --team musicstore --members Lukas,Julia,Jörg"); status != 0 {
		t.Fatalf("the owner could not change the roster: %q", errOut)
	}
	// Lukas's name is bound to his key now: another key cannot take it.
	code2 := strings.TrimSpace(strings.SplitN(string(ok.Raw()), "\n", 2)[0])
	eve := dialTest(t, ts.addr, "lukas", newTestKey(t), withCommand("join "+code2))
	eve.WaitFor("Waiting for the facilitator to let you in")
}

func TestAnonymousLoginWhenAllowed(t *testing.T) {
	ts := startServer(t, t.TempDir(), func(c *Config) { c.AllowAnonymous = true })
	conn, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
		User: "guest",
		Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			return nil, nil
		})},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	})
	if err != nil {
		t.Fatalf("anonymous login with --allow-anonymous: %v", err)
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.Output("help")
	if err != nil || !strings.Contains(string(out), "join CODE") {
		t.Fatalf("help: %v %q", err, out)
	}
}

func TestShutdownEndsLobbiesToo(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	lobby := dialTest(t, ts.addr, "someone", newTestKey(t))
	lobby.WaitFor("lobby")
	ts.stop()
	lobby.WaitFor("server is restarting")
}

func TestEachSessionOfAConnectionHasItsOwnTarget(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members A")
	joined := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code))
	joined.WaitFor("waiting room")
	// A second session over the same connection, as OpenSSH multiplexing
	// makes it, asks for no session: it must get the lobby.
	sess, err := joined.conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		var all []byte
		buf := make([]byte, 4096)
		for {
			n, err := out.Read(buf)
			all = append(all, buf[:n]...)
			if strings.Contains(string(all), "lobby") || strings.Contains(string(all), "waiting room") || err != nil {
				got <- string(all)
				return
			}
		}
	}()
	select {
	case s := <-got:
		if !strings.Contains(s, "lobby") {
			t.Fatalf("the second session did not get the lobby: %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no screen on the second session")
	}
}

func TestConnectionsPerAddressAreCapped(t *testing.T) {
	ts := startServer(t, t.TempDir(), func(c *Config) { c.ConnsPerAddress = 3 })
	var silent []net.Conn
	for range 3 { // connections that never say a word
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		silent = append(silent, c)
	}
	if c, err := tryDialTest(t, ts.addr, "a", newTestKey(t), withoutPty(), withCommand("help")); err == nil {
		c.Close()
		t.Fatal("a fourth connection from the address got in")
	}
	for _, c := range silent {
		c.Close()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := tryDialTest(t, ts.addr, "a", newTestKey(t), withoutPty(), withCommand("help"))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection after the silent ones closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHostKeyReadableByOthersIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "host_ed25519")
	if _, err := EnsureHostKey(path); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	if _, err := EnsureHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("err = %v", err)
	}
}

func TestAnonymousAndAuthorizedKeysDoNotMix(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hostKey, _ := EnsureHostKey(filepath.Join(t.TempDir(), "k"))
	if _, err := New(Config{HostKey: hostKey, AllowAnonymous: true, AuthorizedKeys: AuthorizedKeys{"x": true}}, st); err == nil {
		t.Fatal("anonymous login beside authorized keys was accepted")
	}
}

func TestRunningRetroIsNotExportedOverSSH(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	opener := newTestKey(t) // the team's, so it may export
	c := dialTest(t, ts.addr, "a", opener, withoutPty(), withCommand("new retro --team t"))
	if c.WaitForExit() != 0 {
		t.Fatal(c.Stderr())
	}
	code, _, _ := strings.Cut(string(c.Raw()), "\n")
	for _, format := range []string{"md", "json"} {
		e := dialTest(t, ts.addr, "b", opener, withoutPty(), withCommand("export "+strings.TrimSpace(code)+" --format "+format))
		if status := e.WaitForExit(); status == 0 || !strings.Contains(e.Stderr(), "still running") {
			t.Fatalf("%s export of a running retro: %d %q", format, status, e.Stderr())
		}
	}
}

func TestExportFormatsOverSSH(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	opener := newTestKey(t) // the team's, so it may export
	code := ts.newStandupCodeAs(opener, "--team musicstore --members Lukas")
	for format, want := range map[string]string{"md": "# Stand-up · musicstore", "json": `"huddle_record": 1`, "html": "<!DOCTYPE html>", "csv": "id,text,owner,due,status,topic,session"} {
		c := dialTest(t, ts.addr, "x", opener, withoutPty(), withCommand("export "+code+" --format "+format))
		if status := c.WaitForExit(); status != 0 || !strings.Contains(string(c.Raw()), want) {
			t.Fatalf("%s: status %d, output %.200q", format, status, c.Raw())
		}
	}
	c := dialTest(t, ts.addr, "x", opener, withoutPty(), withCommand("export "+code+" --format pdf"))
	if status := c.WaitForExit(); status != 2 || !strings.Contains(c.Stderr(), "want md, json, html, csv") {
		t.Fatalf("pdf: %d %q", status, c.Stderr())
	}
}
