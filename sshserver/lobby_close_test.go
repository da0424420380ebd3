package sshserver

import (
	"testing"
	"time"

	"huddle/session"
)

// The facilitator closes a session from the lobby, after saying yes; a
// no keeps it.
func TestFacilitatorClosesASessionFromTheLobby(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	maria := newTestKey(t)
	code := ts.open("maria", maria, "--team platform --members Maria,Tom")
	in := dialTest(t, ts.addr, "maria", maria, withCommand("join "+code)) // her key is Maria's now
	in.WaitFor("waiting room", "Maria · facilitator")
	in.Press("q")
	in.WaitForExit()
	a := dialTest(t, ts.addr, "maria", maria)
	a.WaitFor("platform stand-up", code, "x close • r refresh • q quit") // all the keys fit in 80 columns
	a.Press("x")
	a.WaitFor("Close the platform stand-up " + code + " for everyone? (y/n)")
	a.Press("n")
	a.WaitFor("kept " + code)
	if s := ts.state(code); s.Phase != session.Waiting {
		t.Fatalf("a no closed the session: %s", s.Phase)
	}
	a.Press("x")
	a.WaitFor("(y/n)")
	a.Press("y")
	a.WaitFor("the session is closed", "None right now")
	if s := ts.state(code); s.Phase != session.Closed {
		t.Fatalf("the session is %s after closing it", s.Phase)
	}
}

// Only the facilitator closes: a member of the team is refused.
func TestOnlyTheFacilitatorClosesFromTheLobby(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	maria, tomKey := newTestKey(t), newTestKey(t)
	code := ts.open("maria", maria, "--team platform --members Maria,Tom --guests open")
	tom := dialTest(t, ts.addr, "tom", tomKey, withCommand("join "+code))
	tom.WaitFor("waiting room", "Tom · member")
	tom.Press("q")
	tom.WaitForExit()
	lobby := dialTest(t, ts.addr, "tom", tomKey)
	lobby.WaitFor("platform stand-up", code)
	lobby.Press("x")
	lobby.WaitFor("(y/n)")
	lobby.Press("y")
	lobby.WaitFor("only the session's facilitator can close it")
	if s := ts.state(code); s.Phase != session.Waiting {
		t.Fatalf("a member closed the session: %s", s.Phase)
	}
}

// A session nobody started leaves the lobby a day after its creation.
func TestUnstartedSessionLeavesTheLobby(t *testing.T) {
	clock := session.NewFakeClock(time.Now())
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Clock = clock; c.IdleTimeout = 48 * time.Hour })
	maria := newTestKey(t)
	code := ts.open("maria", maria, "--team platform --members Maria,Tom")
	a := dialTest(t, ts.addr, "maria", maria)
	a.WaitFor("platform stand-up", code)
	clock.Advance(session.UnstartedFor - time.Minute)
	a.Press("r")
	a.Press("j") // handled after the refresh was asked for
	a.WaitFor("platform stand-up", code)
	clock.Advance(time.Minute)
	a.Press("r")
	a.WaitFor("None right now")
	if s := ts.state(code); s.Phase != session.Closed {
		t.Fatalf("the expired session is %s", s.Phase)
	}
}
