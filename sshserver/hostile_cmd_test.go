package sshserver

// Hostile clients: key options huddle cannot honour, overlong commands,
// and join code guessing, each tried over a real SSH connection.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	shlex "github.com/anmitsu/go-shlex"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

func TestAuthorizedKeyOptions(t *testing.T) {
	key := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(newTestKey(t).PublicKey())))
	for _, tc := range []struct {
		options string
		refused string // the option named in the refusal; "" accepted
	}{
		{"no-port-forwarding", ""},
		{"no-agent-forwarding", ""},
		{"no-X11-forwarding", ""},
		{"no-user-rc", ""},
		{"port-forwarding", ""},
		{"agent-forwarding", ""},
		{"X11-forwarding", ""},
		{"user-rc", ""},
		{`permitopen="localhost:80"`, ""},
		{`permitlisten="8080"`, ""},
		{`tunnel="0"`, ""},
		{"pty", ""},
		{"restrict,pty", ""},
		{"restrict,pty,port-forwarding", ""},
		{"no-pty,pty", ""},
		{"No-Port-Forwarding,NO-AGENT-FORWARDING", ""},
		{`command="echo hi"`, "command"},
		{`COMMAND="echo hi"`, "command"}, // sshd reads option names in any case
		{"no-pty", "no-pty"},
		{"pty,no-pty", "no-pty"},
		{"restrict", "restrict"},
		{"pty,restrict", "restrict"}, // restrict after pty takes it away again
		{"restrict,no-port-forwarding", "restrict"},
		{`from="10.0.0.0/8"`, "from"},
		{`From="10.0.0.0/8"`, "from"},
		{`expiry-time="20990101"`, "expiry-time"},
		{"cert-authority", "cert-authority"},
		{`principals="alice"`, "principals"},
		{`environment="LANG=C"`, "environment"},
		{"verify-required", "verify-required"},
		{"no-touch-required", "no-touch-required"},
		{"no-such-option", "no-such-option"},
	} {
		t.Run(tc.options, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "authorized_keys")
			content := "# the team\n" + key + "\n" + tc.options + " " + key + " second\n"
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			keys, err := LoadAuthorizedKeys(path)
			if tc.refused == "" {
				if err != nil || len(keys) != 1 {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			want := fmt.Sprintf("authorized keys %s, line 3: option %q is not supported", path, tc.refused)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.HasSuffix(err.Error(), "remove it or the key") {
				t.Fatalf("err = %v, want one starting %q", err, want)
			}
		})
	}
}

// The options accepted because huddle never grants what they take away:
// a key listed with forwarding given back still gets no forwarding.
func TestAcceptedKeyOptionsGrantNothingHuddleLacks(t *testing.T) {
	signer := newTestKey(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "authorized_keys")
	line := "restrict,pty,port-forwarding,agent-forwarding,X11-forwarding,user-rc,permitopen=\"127.0.0.1:1\" " + string(gossh.MarshalAuthorizedKey(signer.PublicKey()))
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := LoadAuthorizedKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, dir, func(c *Config) { c.AuthorizedKeys = keys })
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()

	conn, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{User: "member", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: testClientHangGuard})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if c, err := conn.Dial("tcp", target.Addr().String()); err == nil {
		c.Close()
		t.Error("the server forwarded a local port")
	}
	if ln, err := conn.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
		t.Error("the server listens for a remote forward")
	}
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if ok, err := sess.SendRequest("x11-req", true, gossh.Marshal(struct {
		Single           bool
		Protocol, Cookie string
		Screen           uint32
	}{false, "MIT-MAGIC-COOKIE-1", "00", 0})); ok || err != nil {
		t.Errorf("x11-req: %v, %v; want refused", ok, err)
	}
	out, err := sess.Output("help")
	if err != nil || !strings.Contains(string(out), "join CODE") {
		t.Fatalf("the key was not served: %v %q", err, out)
	}
}

// execResult is what one exec session over a fresh connection answered.
type execResult struct {
	status         int
	stdout, stderr string
}

func (r execResult) String() string {
	return fmt.Sprintf("status %d, stdout %.200q, stderr %q", r.status, r.stdout, r.stderr)
}

// execFrom runs cmd over a new connection from the local address ip, with a
// pty if asked (join and watch need one), and returns its answer.
func execFrom(t *testing.T, ip net.IP, addr string, key gossh.Signer, cmd string, pty bool) execResult {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: testClientHangGuard}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("cannot connect from %s: %v", ip, err)
	}
	_ = nc.SetDeadline(time.Now().Add(testClientHangGuard))
	cc, chans, reqs, err := gossh.NewClientConn(nc, addr, &gossh.ClientConfig{User: "guesser",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(key)}, HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	if err != nil {
		nc.Close()
		t.Fatalf("%s: %v", ip, err)
	}
	conn := gossh.NewClient(cc, chans, reqs)
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if pty {
		if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	err = sess.Run(cmd)
	r := execResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *gossh.ExitError
	switch {
	case errors.As(err, &exit):
		r.status = exit.ExitStatus()
	case err != nil:
		t.Fatalf("%.40q: %v", cmd, err)
	}
	return r
}

func TestOverlongCommandIsRefusedUnparsed(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	key := newTestKey(t)
	long := "new standup --team " + strings.Repeat("x", 240<<10)
	for _, pty := range []bool{false, true} {
		r := execFrom(t, net.IPv4(127, 0, 0, 1), ts.addr, key, long, pty)
		want := fmt.Sprintf("huddle: the command is %d bytes long, more than the 4096 huddle takes; see help", len(long))
		if r.status != 2 || !strings.Contains(r.stderr+r.stdout, want) {
			t.Fatalf("pty %v: %v; want status 2 and %q", pty, r, want)
		}
	}
	// One quoted word the length of a whole command: what made go-shlex
	// quadratic. Still refused by its length alone.
	r := execFrom(t, net.IPv4(127, 0, 0, 1), ts.addr, key, "join '"+strings.Repeat("y", 240<<10)+"'", true)
	if r.status != 2 || !strings.Contains(r.stderr+r.stdout, "more than the 4096 huddle takes") {
		t.Fatalf("one long word: %v", r)
	}
	// A command of exactly the limit is read.
	help := "help" + strings.Repeat(" ", maxCommand-len("help"))
	if r := execFrom(t, net.IPv4(127, 0, 0, 1), ts.addr, key, help, false); r.status != 0 || !strings.Contains(r.stdout, "join CODE") {
		t.Fatalf("a %d-byte help: %v", len(help), r)
	}
}

// commandWords splits as ssh.Session.Command (go-shlex) does.
func TestCommandWordsSplitAsSessionCommand(t *testing.T) {
	lines := append([]string{
		`a "b c" 'd e' f\ g "h\"i" "j\k" 'l\m' "\\" x''y "" '' z"`, `unclosed "quote`, `trailing\`, "tab\tand\nnewline\u00a0nbsp",
		"\xff\xfe invalid", `mixed"quo'tes"'and"more'`, `"\$"`, `\"`, `a\`,
	}, commandLines...)
	for _, line := range lines {
		if len(line) > maxCommand {
			continue
		}
		got, err := commandWords(context.Background(), line)
		want, _ := shlex.Split(line, true)
		if err != nil || !equalWords(got, want) {
			t.Errorf("%q: got %q, %v; want %q", line, got, err, want)
		}
	}
}

// FuzzCommandWords: commandWords agrees with go-shlex on every line within
// the limit.
func FuzzCommandWords(f *testing.F) {
	for _, line := range commandLines {
		f.Add(line)
	}
	f.Add(`a "b\" c" 'd\' e`)
	f.Fuzz(func(t *testing.T, line string) {
		got, err := commandWords(context.Background(), line)
		if len(line) > maxCommand {
			if err == nil {
				t.Fatalf("a %d-byte line was split", len(line))
			}
			return
		}
		want, _ := shlex.Split(line, true)
		if err != nil || !equalWords(got, want) {
			t.Fatalf("%q: got %q, %v; want %q", line, got, err, want)
		}
	})
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCommandWordsStopWithTheSession(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if words, err := commandWords(ctx, "new standup --team t"); err == nil {
		t.Fatalf("split %q after the session ended", words)
	}
	if words, err := splitWords(ctx, strings.Repeat("word ", 100000)); err == nil {
		t.Fatalf("split %d words after the session ended", len(words))
	}
}

// BenchmarkSplitLongCommand compares splitting one long word with go-shlex
// (what ssh.Session.Command does) and with splitWords, the splitter behind
// commandWords without its length bound.
func BenchmarkSplitLongCommand(b *testing.B) {
	for _, n := range []int{4 << 10, 16 << 10, 64 << 10, 240 << 10} {
		line := "join '" + strings.Repeat("y", n) + "'"
		if n <= 16<<10 { // 64 KiB takes go-shlex seconds
			b.Run(fmt.Sprintf("shlex/%dKiB", n>>10), func(b *testing.B) {
				for b.Loop() {
					_, _ = shlex.Split(line, true)
				}
			})
		}
		b.Run(fmt.Sprintf("splitWords/%dKiB", n>>10), func(b *testing.B) {
			for b.Loop() {
				_, _ = splitWords(context.Background(), line)
			}
		})
	}
}

// A well-formed join code no session has.
const unknownCode = "maple-otter-kite-12345"

// guessing runs export attempts and classifies their answers.
type guessing struct {
	t    *testing.T
	ts   *testServer
	code string // a live session's
}

func newGuessing(t *testing.T, tweak func(*Config)) *guessing {
	ts := startServer(t, t.TempDir(), tweak)
	return &guessing{t: t, ts: ts, code: ts.newStandupCode("--team t --members Ann --facilitator Ann")}
}

// member returns a new key bound in the roster of the session's team, t:
// a member, who may export the team's sessions without having taken part.
func (g *guessing) member() gossh.Signer {
	g.t.Helper()
	key := newTestKey(g.t)
	ctx := context.Background()
	team, err := g.ts.store.Team(ctx, "t")
	if err != nil {
		g.t.Fatal(err)
	}
	if team.Keys == nil {
		team.Keys = map[string]string{}
	}
	name := fmt.Sprintf("member%d", len(team.Keys))
	team.Keys[name] = fingerprint(key)
	team.Members = append(team.Members, name) // only a roster name's key is a member's
	if err := g.ts.store.PutTeam(ctx, team); err != nil {
		g.t.Fatal(err)
	}
	return key
}

// attempt exports code as key from ip and says how it was answered:
// "hit", "miss" or "refused".
func (g *guessing) attempt(ip net.IP, key gossh.Signer, code string) string {
	g.t.Helper()
	r := execFrom(g.t, ip, g.ts.addr, key, "export "+code, false)
	return classify(g.t, r)
}

// join joins code as key from ip (and is refused, or the test fails).
func (g *guessing) join(ip net.IP, key gossh.Signer, code string) string {
	g.t.Helper()
	return classify(g.t, execFrom(g.t, ip, g.ts.addr, key, "join "+code, true))
}

func classify(t *testing.T, r execResult) string {
	t.Helper()
	out := r.stdout + r.stderr
	switch {
	case r.status == 0 && strings.Contains(out, "# Stand-up"):
		return "hit"
	case r.status == 1 && strings.Contains(out, "no session has the join code"):
		return "miss"
	case r.status == 1 && strings.Contains(out, "too many wrong join codes"):
		return "refused"
	}
	t.Fatalf("unexpected answer: %v", r)
	return ""
}

// ip returns 127.0.n/256.n%256+1: a loopback address of its own for each n.
func ip(n int) net.IP { return net.IPv4(127, 1, byte(n/250), byte(n%250+1)) }

// Hits interleaved with misses are paid for: the key is cut off after
// codeBurst/(codeHitCost+codeMissCost) pairs, and its next attempt is
// refused even though its code is right, for join as for export.
func TestCodeGuessingPaysForHitsPerKey(t *testing.T) {
	g := newGuessing(t, func(c *Config) { c.Clock = session.NewFakeClock(time.Now()) })
	key := g.member()
	pairs := codeBurst / (codeHitCost + codeMissCost)
	for i := range pairs {
		if got := g.attempt(ip(2*i), key, g.code); got != "hit" {
			t.Fatalf("pair %d: the hit was %s", i, got)
		}
		if got := g.attempt(ip(2*i+1), key, unknownCode); got != "miss" {
			t.Fatalf("pair %d: the miss was %s", i, got)
		}
	}
	if got := g.attempt(ip(100), key, g.code); got != "refused" {
		t.Fatalf("after %d hits and misses from one key, a right code was %s", 2*pairs, got)
	}
	if got := g.join(ip(101), key, g.code); got != "refused" {
		t.Fatalf("after %d hits and misses from one key, join was %s", 2*pairs, got)
	}
	// Other keys, from other addresses, are not held up.
	if got := g.attempt(ip(102), g.member(), g.code); got != "hit" {
		t.Fatalf("another key: %s", got)
	}
}

func TestCodeGuessingPaysForHitsPerAddress(t *testing.T) {
	g := newGuessing(t, func(c *Config) { c.Clock = session.NewFakeClock(time.Now()) })
	from := ip(7)
	pairs := codeBurst / (codeHitCost + codeMissCost)
	for i := range pairs {
		if got := g.attempt(from, g.member(), g.code); got != "hit" {
			t.Fatalf("pair %d: the hit was %s", i, got)
		}
		if got := g.attempt(from, newTestKey(t), unknownCode); got != "miss" {
			t.Fatalf("pair %d: the miss was %s", i, got)
		}
	}
	if got := g.attempt(from, newTestKey(t), g.code); got != "refused" {
		t.Fatalf("after %d hits and misses from one address, a new key's right code was %s", 2*pairs, got)
	}
	if got := g.join(from, newTestKey(t), g.code); got != "refused" {
		t.Fatalf("after %d hits and misses from one address, join was %s", 2*pairs, got)
	}
	if got := g.attempt(ip(8), g.member(), g.code); got != "hit" {
		t.Fatalf("another address: %s", got)
	}
}

// A miss costs codeMissCost attempts, a hit codeHitCost.
func TestCodeMissCostsMoreThanAHit(t *testing.T) {
	g := newGuessing(t, func(c *Config) { c.Clock = session.NewFakeClock(time.Now()) })
	count := func(key gossh.Signer, code string, first int) (n int) {
		for ; ; n++ {
			if got := g.attempt(ip(first+n), key, code); got == "refused" {
				return n
			}
			if n > codeBurst {
				t.Fatalf("no limit after %d attempts", n)
			}
		}
	}
	if n := count(g.member(), g.code, 0); n != codeBurst/codeHitCost {
		t.Errorf("%d hits before the cut-off, want %d", n, codeBurst/codeHitCost)
	}
	if n := count(newTestKey(t), unknownCode, 100); n != codeBurst/codeMissCost {
		t.Errorf("%d misses before the cut-off, want %d", n, codeBurst/codeMissCost)
	}
}

// Many addresses and keys guessing together share one budget; it refills
// with the server's clock, and a participant's key is let in regardless.
func TestCodeGuessingIsLimitedAcrossTheServer(t *testing.T) {
	clock := session.NewFakeClock(time.Now())
	g := newGuessing(t, func(c *Config) { c.Clock = clock })
	guard := codeGuardOf(g.ts.srv)
	guard.mu.Lock()
	guard.globalBurst, guard.globalEvery = 12, time.Minute
	guard.mu.Unlock()

	member := newTestKey(t)
	// Joins that lead in cost the server nothing: a company joining its
	// stand-ups at nine is not guessing.
	for i := range 20 {
		c := dialTest(t, g.ts.addr, fmt.Sprintf("guest%d", i), newTestKey(t), withCommand("join "+g.code))
		c.WaitFor("waiting room")
		c.Close()
	}
	ann := dialTest(t, g.ts.addr, "ann", member, withCommand("join "+g.code)) // 1 of 12, given back
	ann.WaitFor("waiting room")
	if got := g.attempt(ip(20), g.member(), g.code); got != "hit" { // an export's hit pays: 11 left
		t.Fatalf("after the joins, an export was %s", got)
	}
	for i, code := range []string{unknownCode, g.code, g.code} { // 5 + 1 + 1: 4 left
		if got := g.attempt(ip(i), g.member(), code); got == "refused" {
			t.Fatalf("attempt %d refused", i)
		}
	}
	if got := g.attempt(ip(10), newTestKey(t), unknownCode); got != "miss" { // 5: 1 owed
		t.Fatalf("the last miss within the budget was %s", got)
	}
	if got := g.attempt(ip(11), newTestKey(t), g.code); got != "refused" {
		t.Fatalf("with the server's budget spent, a fresh key and address got %s", got)
	}
	if got := g.attempt(ip(12), member, g.code); got != "hit" {
		t.Fatalf("with the server's budget spent, a participant's export was %s", got)
	}
	// Nor is the team locked out of its own session: a member who never
	// took part joins it, and exports it.
	teamKey := g.member()
	if got := g.attempt(ip(15), teamKey, g.code); got != "hit" {
		t.Fatalf("with the server's budget spent, a team member's export was %s", got)
	}
	c := dialTest(t, g.ts.addr, "member9", teamKey, withCommand("join "+g.code))
	c.WaitFor("waiting room")
	clock.Advance(time.Minute) // 0 left
	if got := g.attempt(ip(13), newTestKey(t), g.code); got != "refused" {
		t.Fatalf("a minute later, with the miss not yet paid off: %s", got)
	}
	clock.Advance(time.Minute) // 1 left
	if got := g.attempt(ip(14), g.member(), g.code); got != "hit" {
		t.Fatalf("two minutes later: %s", got)
	}
}

// An ended session's code stops working for outsiders' joins
// session.CodeWindow after the end (their exports never work); its participants'
// and its team's members' keys keep it.
func TestEndedSessionsCodeExpiresForOutsiders(t *testing.T) {
	clock := session.NewFakeClock(time.Now())
	g := newGuessing(t, func(c *Config) { c.Clock = clock })
	member := newTestKey(t)
	ann := dialTest(t, g.ts.addr, "ann", member, withCommand("join "+g.code))
	ann.WaitFor("waiting room", "· facilitator")
	room, err := g.ts.srv.hub.ByCode(context.Background(), g.code)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := room.Snapshot().State.ByKey(fingerprint(member))
	if !ok {
		t.Fatal("ann is not a participant")
	}
	if err := room.Submit(p.ID, session.End{}); err != nil {
		t.Fatal(err)
	}
	ann.Close()

	clock.Advance(session.CodeWindow - time.Minute)
	if got := g.attempt(ip(1), newTestKey(t), g.code); got != "miss" {
		t.Fatalf("an outsider's export within the window: %s", got)
	}
	clock.Advance(2 * time.Minute)
	if got := g.attempt(ip(2), newTestKey(t), g.code); got != "miss" {
		t.Fatalf("an outsider's export after the window: %s", got)
	}
	if got := g.join(ip(3), newTestKey(t), g.code); got != "miss" {
		t.Fatalf("an outsider's join after the window: %s", got)
	}
	if got := g.attempt(ip(4), member, g.code); got != "hit" {
		t.Fatalf("a participant's export after the window: %s", got)
	}
	if got := g.attempt(ip(6), g.member(), g.code); got != "hit" {
		t.Fatalf("a team member's export after the window: %s", got)
	}
	clock.Advance(365 * 24 * time.Hour)
	if got := g.attempt(ip(5), member, g.code); got != "hit" {
		t.Fatalf("a participant's export a year on: %s", got)
	}
}

// An IPv6 subscriber, who usually has a whole /64, pays from one budget.
func TestCodeBudgetOfIPv6IsPerPrefix(t *testing.T) {
	if addrKey("2001:db8::1") != addrKey("2001:db8::ffff:1") {
		t.Error("two addresses of one /64 have budgets of their own")
	}
	if addrKey("2001:db8::1") == addrKey("2001:db8:0:1::1") {
		t.Error("two /64s share a budget")
	}
	if addrKey("192.0.2.1") == addrKey("192.0.2.2") {
		t.Error("two IPv4 addresses share a budget")
	}
}
