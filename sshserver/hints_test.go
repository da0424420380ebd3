package sshserver

import (
	"net"
	"slices"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
	"huddle/tui"
)

// The hints huddle gives over SSH name commands that work there: formats
// lists the boards, new takes --agreement, new's join line names the
// public host, and the screens' agreement and export hints are ssh
// command lines for this server, export by the join code.
func TestHintsWorkOverSSH(t *testing.T) {
	ts := startServer(t, t.TempDir(), func(c *Config) { c.PublicHost = "huddle.example.org" })
	_, port, _ := net.SplitHostPort(ts.addr)
	olga := newTestKey(t)

	status, out, errOut := ts.run("olga", olga, "formats")
	if status != 0 || !strings.Contains(out, "start-stop-continue  Start / Stop / Continue: Start, Stop, Continue") || !strings.Contains(out, "custom") {
		t.Fatalf("formats: %d %q %q", status, out, errOut)
	}
	if status, _, errOut := ts.run("olga", olga, "formats 4ls"); status != 2 || !strings.Contains(errOut, "usage: formats") {
		t.Fatalf("formats 4ls: %d %q", status, errOut)
	}

	status, out, errOut = ts.run("olga", olga, `new standup --team web --members Olga,Ann --agreement "Be on time" --agreement "Cameras on"`)
	if status != 0 {
		t.Fatalf("new with agreements: %d %s", status, errOut)
	}
	code, _, _ := strings.Cut(out, "\n")
	if !strings.Contains(out, "ssh -t -p "+port+" huddle.example.org join "+code) {
		t.Fatalf("new's join line does not name the public host:\n%s", out)
	}
	if got := ts.state(code).Config.Agreements; !slices.Equal(got, []string{"Be on time", "Cameras on"}) {
		t.Fatalf("agreements %q", got)
	}

	code = ts.open("olga", olga, "--team ops --members Olga,Ann")
	c := dialTest(t, ts.addr, "olga", olga, withCommand("join "+code), withSize(160, 40))
	c.WaitFor(`none yet · next time: ssh -p ` + port + ` huddle.example.org new standup --team ops --agreement "Be on time"`)
	c.Press("e")
	c.WaitFor("(y/n)")
	c.Press("y")
	c.WaitFor("Minutes: ssh -p " + port + " huddle.example.org export " + code)
}

// A retrospective opened from the lobby's form with no board chosen takes
// the team's last one, as new does; a board chosen wins.
func TestTheLobbyFormTakesTheTeamsBoard(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	owner := newTestKey(t)
	if status, _, errOut := ts.run("olga", owner, "new retro --team web --members Ann,Ben --format 4ls"); status != 0 {
		t.Fatalf("new retro: %d %s", status, errOut)
	}
	l := lobby{&conn{s: ts.srv, key: gossh.FingerprintSHA256(owner.PublicKey()), user: "olga", ctx: t.Context()}}
	code, err := l.NewSession(tui.SessionForm{Kind: session.Retro, Team: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if f := ts.state(code).Config.Format; f != session.FourLs {
		t.Fatalf("from the lobby with no board chosen: %s, want the team's 4ls", f)
	}
	code, err = l.NewSession(tui.SessionForm{Kind: session.Retro, Team: "web", Format: session.StartStopContinue, FormatGiven: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := ts.state(code).Config.Format; f != session.StartStopContinue {
		t.Fatalf("a board chosen in the form: %s", f)
	}
}
