package sshserver

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// waitRaw waits until the client's raw output holds every want.
func waitRaw(t *testing.T, c *testClient, want ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		raw := string(c.Raw())
		missing := ""
		for _, w := range want {
			if !strings.Contains(raw, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %q in:\n%s", c.user, missing, raw)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func noEscape(t *testing.T, c *testClient) {
	t.Helper()
	if i := bytes.IndexByte(c.Raw(), 0x1b); i >= 0 {
		t.Fatalf("%s got an escape at %d:\n%q", c.user, i, c.Raw())
	}
}

func TestPlainAndTUIParticipantsShareAStandup(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team musicstore --members Lukas,Julia,Jörg --facilitator Lukas --turn 2m")
	lukas := dialTest(t, ts.addr, "lukas", newTestKey(t), withCommand("join "+code))
	lukas.WaitFor("waiting room")
	julia := dialTest(t, ts.addr, "julia", newTestKey(t), withCommand("join "+code+" --plain"))
	waitRaw(t, julia, "stand-up of musicstore", "you are Julia (member)", "here: Lukas, Julia; not here: Jörg", "type help",
		"others join with: ssh -t -p ")
	lukas.WaitFor("Here (2)")
	julia.Type("help\r")
	waitRaw(t, julia, "park TOPIC [@NAME ...]")
	lukas.Press("n")
	waitRaw(t, julia, "the stand-up has started; order: Lukas, Julia\r\n", "Lukas's turn, 2:00\r\n")
	julia.Type("park release date @Lukas\r")
	lukas.WaitFor("release date")
	waitRaw(t, julia, "park release date @Lukas\r\n", "Julia parked #1: release date (stays: Lukas)\r\n")
	julia.Type("next\r")
	waitRaw(t, julia, "not done: not allowed")
	julia.Type("blocker waiting for the API\r")
	lukas.WaitFor("waiting for the API")
	lukas.Press("n")
	waitRaw(t, julia, "Julia's turn, 2:00\r\n")
	lukas.Press("n") // the parking lot
	waitRaw(t, julia, "parking lot #1: release date (stays: Lukas)")
	julia.Type("decide 1 ship on 15 Jan\r")
	waitRaw(t, julia, "not done: not allowed: only the facilitator")
	lukas.Press("c")
	lukas.Type("ship on 15 Jan")
	lukas.Press("enter")
	waitRaw(t, julia, "parking lot: #1 decided: ship on 15 Jan (absent: Jörg)")
	raw := string(julia.Raw())
	for _, once := range []string{"Julia parked #1", "Julia's turn", "#1 decided", "blocker 1 for Julia"} {
		if n := strings.Count(raw, once); n != 1 {
			t.Fatalf("%q told %d times:\n%s", once, n, raw)
		}
	}
	noEscape(t, julia)
	if st := ts.state(code); len(st.Items) != 1 || st.Items[0].Note != "ship on 15 Jan" {
		t.Fatalf("items %+v", st.Items)
	}
}

func TestPlainIsChosenByTheClient(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members A")
	dumb := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code), withTerm("dumb"))
	waitRaw(t, dumb, "you are A (member)", "type help")
	asked := dialTest(t, ts.addr, "b", newTestKey(t), withCommand("join "+code), withEnv("HUDDLE_PLAIN", "1"))
	waitRaw(t, asked, "type help")
	waitRaw(t, dumb, "b is here")
	// Without a pty: lines in, lines out, nothing echoed.
	script := dialTest(t, ts.addr, "olga", newTestKey(t), withoutPty(), withCommand("watch "+code+" --plain"))
	waitRaw(t, script, "you are olga (observer)")
	script.Type("park x\n")
	waitRaw(t, script, "not done: ")
	waitRaw(t, dumb, "olga is here, watching")
	for _, c := range []*testClient{dumb, asked, script} {
		noEscape(t, c)
	}
	if strings.Contains(string(script.Raw()), "park x") || strings.Contains(string(script.Raw()), "\r") {
		t.Fatalf("without a pty nothing is echoed and lines end in LF:\n%q", script.Raw())
	}
	if len(ts.state(code).Items) != 0 {
		t.Fatal("an observer parked a topic")
	}
	lobby := dialTest(t, ts.addr, "c", newTestKey(t), withTerm("dumb"))
	if status := lobby.WaitForExit(); status != 2 || !strings.Contains(string(lobby.Raw()), "--plain") {
		t.Fatalf("a plain lobby: status %d, %q", status, lobby.Raw())
	}
}

func TestJoinAndWatchTakePlain(t *testing.T) {
	for _, c := range []struct {
		args           []string
		plain, observe bool
		bad            bool
	}{
		{args: []string{"join", "a-b-c-12345", "--plain"}, plain: true},
		{args: []string{"join", "--plain", "a-b-c-12345"}, plain: true},
		{args: []string{"watch", "a-b-c-12345", "--plain"}, plain: true, observe: true},
		{args: []string{"join", "a-b-c-12345"}},
		{args: []string{"join", "--plain"}, bad: true},
		{args: []string{"join", "a", "b"}, bad: true},
		{args: []string{"join", "a", "--plain", "--plain"}, bad: true},
	} {
		cmd, err := parseCommand(c.args)
		if c.bad {
			if err == nil {
				t.Errorf("%q: no error", c.args)
			}
			continue
		}
		if err != nil || cmd.verb != verbJoin || cmd.target.plain != c.plain || cmd.target.observer != c.observe || cmd.target.code != "a-b-c-12345" {
			t.Errorf("%q: %+v %v", c.args, cmd.target, err)
		}
	}
}
