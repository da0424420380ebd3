package sshserver

import (
	"context"
	"slices"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

// run runs a non-interactive command with the key and returns its exit
// status and stdout and stderr.
func (ts *testServer) run(user string, key gossh.Signer, command string) (int, string, string) {
	ts.t.Helper()
	c := dialTest(ts.t, ts.addr, user, key, withoutPty(), withCommand(command))
	status := c.WaitForExit()
	return status, string(c.Raw()), c.Stderr()
}

// open opens a stand-up with the key and returns its join code.
func (ts *testServer) open(user string, key gossh.Signer, args string) string {
	ts.t.Helper()
	status, out, errOut := ts.run(user, key, "new standup "+args)
	if status != 0 {
		ts.t.Fatalf("new standup %s: %d %s", args, status, errOut)
	}
	first, _, _ := strings.Cut(out, "\n")
	return strings.TrimSpace(first)
}

func TestAGuestKeyCannotChangeTheRoster(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	owner, mallory := newTestKey(t), newTestKey(t)
	code := ts.open("maria", owner, "--team web --members Anna,Ben --guests open")
	guest := dialTest(t, ts.addr, "mallory", mallory, withCommand("join "+code))
	guest.WaitFor("waiting room", "mallory · member")

	for _, cmd := range []string{
		"new standup --team web --members Mallory,Eve",
		"new standup --team web",
		"team web add Eve",
		"team web owner add " + gossh.FingerprintSHA256(mallory.PublicKey()),
		"team web",
	} {
		if status, _, errOut := ts.run("mallory", mallory, cmd); status == 0 || !strings.Contains(errOut, "web") {
			t.Errorf("%s: status %d, stderr %q", cmd, status, errOut)
		}
	}
	team, err := ts.store.Team(context.Background(), "web")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(team.Members, []string{"Anna", "Ben"}) || team.HasKey(gossh.FingerprintSHA256(mallory.PublicKey())) {
		t.Fatalf("the guest changed the team or became its key: %+v", team)
	}
	visible, err := ts.srv.teams.Visible(context.Background(), gossh.FingerprintSHA256(mallory.PublicKey()))
	if err != nil || len(visible) != 0 {
		t.Fatalf("the guest's lobby shows %+v (%v)", visible, err)
	}

	// The owner can, and can name another owner.
	if status, out, errOut := ts.run("maria", owner, "team web add Cem"); status != 0 || !strings.Contains(out, "Cem") {
		t.Fatalf("the owner's add: %d %q %q", status, out, errOut)
	}
	if status, _, errOut := ts.run("maria", owner, "team web owner add "+gossh.FingerprintSHA256(mallory.PublicKey())); status != 0 {
		t.Fatalf("owner add: %d %q", status, errOut)
	}
	if status, _, errOut := ts.run("mallory", mallory, "team web remove Ben"); status != 0 {
		t.Fatalf("an added owner could not change the roster: %d %q", status, errOut)
	}
}

func TestAKnockingKeyGetsInOnlyWhenAdmitted(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.open("maria", newTestKey(t), "--team web --members Anna")
	maria := dialTest(t, ts.addr, "maria", newTestKey(t), withCommand("join "+code))
	maria.WaitFor("waiting room")
	if strings.Contains(maria.Screen(), "· facilitator") {
		t.Fatal("another key of the same name took the opener's place")
	}
	maria.Close()

	opener := newTestKey(t)
	code = ts.open("maria", opener, "--team crm --members Anna")
	fac := dialTest(t, ts.addr, "maria", opener, withCommand("join "+code))
	fac.WaitFor("waiting room", "maria · facilitator")
	knocker := dialTest(t, ts.addr, "mallory", newTestKey(t), withCommand("join "+code))
	knocker.WaitFor("Waiting for the facilitator to let you in")
	fac.WaitFor("at the door: mallory")
	if s := ts.state(code); len(s.Knocking) != 1 || slices.ContainsFunc(s.Participants, func(p session.Participant) bool { return p.Name == "mallory" }) {
		t.Fatalf("the knocker is in before being admitted: %+v", s.Participants)
	}
	fac.Press("D")
	fac.Press("g")
	knocker.WaitFor("waiting room", "mallory · member")
	fac.WaitFor("✓ mallory")

	// A second knocker is turned away and cannot knock again.
	key := newTestKey(t)
	away := dialTest(t, ts.addr, "eve", key, withCommand("join "+code))
	away.WaitFor("Waiting for the facilitator")
	fac.WaitFor("at the door: eve")
	fac.Press("D")
	fac.Press("x")
	away.WaitForExit()
	again := dialTest(t, ts.addr, "eve", key, withCommand("join "+code))
	if status := again.WaitForExit(); status == 0 || !strings.Contains(string(again.Raw())+again.Stderr(), "has not let you into this session") {
		t.Fatalf("turned away, then back: status %d, %q", status, again.Stderr())
	}
}

func TestARemovedParticipantCannotRejoin(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	opener, key := newTestKey(t), newTestKey(t)
	code := ts.open("maria", opener, "--team web --members Anna --guests open")
	fac := dialTest(t, ts.addr, "maria", opener, withCommand("join "+code))
	fac.WaitFor("waiting room", "maria · facilitator")
	m := dialTest(t, ts.addr, "mallory", key, withCommand("join "+code))
	m.WaitFor("mallory · member")
	m.Press("p")
	m.Type("mallory-was-here")
	m.Press("enter")
	fac.WaitFor("mallory-was-here")
	fac.Press("R")
	fac.Type("mallory")
	fac.Press("enter")
	m.WaitForExit()
	fac.WaitFor("mallory was removed")
	again := dialTest(t, ts.addr, "mallory", key, withCommand("join "+code))
	if status := again.WaitForExit(); status == 0 || !strings.Contains(string(again.Raw())+again.Stderr(), "has not let you into this session") {
		t.Fatalf("removed, then back: status %d, %q", status, again.Stderr())
	}
	s := ts.state(code)
	if len(s.Items) != 1 || s.Items[0].Topic != "mallory-was-here" {
		t.Fatalf("what the removed participant added is gone: %+v", s.Items)
	}
}

// A member the facilitator marked present by name who then joins with
// their key is one participant with one turn, not "Eli" and "Eli 2".
func TestMarkedPresentThenJoiningIsOneParticipant(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	opener := newTestKey(t)
	code := ts.open("maria", opener, "--team web --members Eli,Ana")
	fac := dialTest(t, ts.addr, "maria", opener, withCommand("join "+code))
	fac.WaitFor("waiting room", "maria · facilitator")
	room, err := ts.srv.hub.ByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	facID := session.SSHID(gossh.FingerprintSHA256(opener.PublicKey()))
	if err := room.Submit(facID, session.Arrive{Name: "Eli"}); err != nil {
		t.Fatal(err)
	}
	fac.WaitFor("✓ Eli")
	eliKey := newTestKey(t)
	eli := dialTest(t, ts.addr, "eli", eliKey, withCommand("join "+code))
	eli.WaitFor("waiting room", "Eli · member")
	s := ts.state(code)
	p, ok := s.ByKey(gossh.FingerprintSHA256(eliKey.PublicKey()))
	if !ok || p.ID != session.RosterID("Eli") {
		t.Fatalf("the key is %+v", p)
	}
	if slices.ContainsFunc(s.Participants, func(q session.Participant) bool { return strings.EqualFold(q.Name, "eli 2") }) {
		t.Fatalf("Eli is there twice: %+v", s.Participants)
	}
	if strings.Contains(fac.Screen(), "eli 2") || strings.Contains(fac.Screen(), "Eli 2") {
		t.Fatalf("the facilitator sees Eli twice:\n%s", fac.Screen())
	}
}
