package sshserver

import (
	"net"
	"regexp"
	"strings"
	"testing"
)

// A session opened from the lobby shows its facilitator the join code and
// the command that joins it, for the address the client connected to;
// i shows the command again to anyone in the session.
func TestFacilitatorSeesTheJoinCommand(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	_, port, _ := net.SplitHostPort(ts.addr)
	maria := dialTest(t, ts.addr, "maria", newTestKey(t))
	maria.WaitFor("lobby", "None right now")
	maria.Press("n")
	maria.WaitFor("A new stand-up or retrospective")
	maria.Press("tab")
	maria.Type("platform")
	maria.Press("tab")
	maria.Type("Maria, Tom")
	maria.Press("tab")
	maria.Press("tab")
	maria.Press("tab")
	maria.Press("tab")
	maria.Press("backspace")
	maria.Press("backspace")
	maria.Press("backspace")
	maria.Press("backspace")
	maria.Press("backspace")
	maria.Type("open")
	maria.Press("enter")
	prefix := "ssh -t -p " + port + " 127.0.0.1 join "
	maria.WaitFor("waiting room", "Join code ", prefix)
	code := regexp.MustCompile(regexp.QuoteMeta(prefix) + `([a-z]+-[a-z]+-[a-z]+-[0-9]{5})`).FindStringSubmatch(maria.Screen())
	if code == nil {
		t.Fatalf("no join command with a code:\n%s", maria.Screen())
	}
	tom := dialTest(t, ts.addr, "tom", newTestKey(t), withCommand("join "+code[1]))
	tom.WaitFor("waiting room", "Tom · member")
	if strings.Contains(tom.Screen(), "Join code") {
		t.Fatalf("a member sees the facilitator's invitation:\n%s", tom.Screen())
	}
	tom.Press("i")
	tom.WaitFor("others join with: " + code[0])
}

func TestPublicHostNamesTheJoinCommand(t *testing.T) {
	ts := startServer(t, t.TempDir(), func(c *Config) { c.PublicHost = "huddle.example.org" })
	_, port, _ := net.SplitHostPort(ts.addr)
	code := ts.newStandupCode("--team t --members A,B --facilitator A")
	a := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code))
	a.WaitFor("Join code "+code, "ssh -t -p "+port+" huddle.example.org join "+code)

	s := &Server{cfg: Config{PublicHost: "huddle.example.org:22"}}
	if got := s.joinCommand(&net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 2222}); got != "ssh -t -p 22 huddle.example.org join" {
		t.Fatalf("with a public port: %q", got)
	}
	for _, bad := range []string{"a b", "-oProxyCommand=x", "$(reboot)", "host;ls", "\x1b[2J", "host:", "[::1"} {
		if _, err := New(Config{HostKey: []byte("x"), PublicHost: bad}, nil); err == nil || !strings.Contains(err.Error(), "public host") {
			t.Errorf("public host %q: %v", bad, err)
		}
	}
}
