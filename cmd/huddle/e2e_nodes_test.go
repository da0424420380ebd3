package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"huddle/internal/pgtest"
	"huddle/session"
	"huddle/session/postgres"
)

// nodesDeadGuard bounds the wait for a killed node's participants to be
// marked away: the nodes' heartbeat timeout (session.DefaultDead) and a
// few beats, with room for a busy machine.
const nodesDeadGuard = session.DefaultDead + 45*time.Second

// TestEndToEndTwoNodesOnePostgres runs two real huddle serve processes on
// one PostgreSQL database: a participant on node A and one on node B see
// each other arrive and each other's changes; node B is killed with
// SIGKILL, which loses none of the changes its participant saw, the
// other node marks that participant away, and the participant goes on
// on node A, where the session is as it was. Node B comes back, and the
// database is restarted as after a crash (pg_ctl restart -m immediate):
// the session carries on, and a change on node B reaches node A.
func TestEndToEndTwoNodesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	url := pgtest.Database(t)
	bin := buildHuddle(t)
	t.Setenv("HUDDLE_DATABASE", url) // the servers inherit it
	addrA, _ := sshE2EFreeAddr(t)
	addrB, _ := sshE2EFreeAddr(t)
	dirB := filepath.Join(t.TempDir(), "b")
	nodeA := sshE2EStartServer(t, bin, filepath.Join(t.TempDir(), "a"), addrA)
	nodeB := sshE2EStartServer(t, bin, dirB, addrB)
	defer func() {
		if t.Failed() {
			t.Logf("log of node A:\n%s", nodeA.stderr.String())
			t.Logf("log of node B:\n%s", nodeB.stderr.String())
		}
	}()

	alice, bob := crashKey(t), crashKey(t)
	out := crashRun(t, addrA, "Alice", alice, "new retro --team nodes --members Alice,Bob --phases write=10m,vote=10m")
	code, _, _ := strings.Cut(out, "\n")
	if code = strings.TrimSpace(code); !sshE2ECodeShape.MatchString(code) {
		t.Fatalf("new retro printed %q, not a join code", out)
	}

	// Alice on node A, Bob on node B: each sees the other arrive.
	onA := crashJoin(t, addrA, "Alice", alice, code)
	onA.waitFor("Alice · facilitator")
	onB := crashJoin(t, addrB, "Bob", bob, code)
	onB.waitFor("Bob · member", "Here (2)")
	onA.waitFor("Here (2)")

	// Alice's changes reach Bob's node.
	for _, phase := range []string{"check-in", "review", "write"} {
		onA.keys("n")
		onB.waitFor("● " + phase)
		onA.waitFor("● " + phase)
	}
	// Bob's card, written on node B, is on Alice's board on node A.
	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	card := "Bob's card " + hex.EncodeToString(rnd[:])
	onB.keys("a")
	onB.waitFor("Card in ")
	onB.keys(card + "\r")
	onB.waitFor("✓ card added", card)
	onA.keys("n")
	onA.waitFor("● group", card, "Done 0/2")
	onB.waitFor("● group", card)

	// SIGKILL node B: no goodbyes.
	if err := nodeB.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-nodeB.done
	onB.waitGone()
	onB.close()

	// Nothing Bob saw is lost, and node A marks him away.
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bobKey := ssh.FingerprintSHA256(bob.PublicKey())
	deadline := time.Now().Add(nodesDeadGuard)
	for {
		s := storedSession(t, st, code)
		if s.Phase != session.Group || !hasCard(s, card, "Bob") {
			t.Fatalf("stored: phase %s, cards %+v; want group with Bob's card", s.Phase, s.Cards)
		}
		p, ok := s.ByKey(bobKey)
		if !ok {
			t.Fatalf("Bob is not in the stored session: %+v", s.Participants)
		}
		if !p.Present {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Bob is still here %v after his node was killed", nodesDeadGuard)
		}
		time.Sleep(100 * time.Millisecond)
	}
	onA.waitFor("Done 0/1  not yet: Alice") // Bob no longer counts

	// Bob comes back through node A and goes on where he was.
	onB = crashJoin(t, addrA, "Bob", bob, code)
	onB.waitFor("● group", card, "Bob · member")
	onA.waitFor("Done 0/2")
	onA.keys("n")
	onB.waitFor("● vote")
	if s := storedSession(t, st, code); s.Phase != session.Vote {
		t.Fatalf("stored phase %s, want vote", s.Phase)
	}

	// Node B comes back and Bob moves to it. Then the database crashes
	// and comes back: the nodes reconnect, the session carries on, and
	// what Bob does on node B reaches Alice on node A by the doorbell's
	// new connection (well before the rooms' periodic catch-up).
	onB.close()
	nodeB = sshE2EStartServer(t, bin, dirB, addrB)
	onB = crashJoin(t, addrB, "Bob", bob, code)
	onB.waitFor("● vote", "Bob · member")
	if err := pgtest.Shared(t).Restart("immediate"); err != nil {
		t.Fatal(err)
	}
	// A command that meets a connection the crash broke is refused, and
	// Bob tries again, as a person would.
	for try := 0; !onB.shows("✓ dot cast", 3*time.Second); try++ {
		if try == 5 {
			t.Fatalf("Bob could not vote after the database restarted:\n%s", onB.screen())
		}
		onB.keys("v")
	}
	onB.keys(" ")
	onB.waitFor("Done 1/2")
	onA.waitFor("Done 1/2  ✓ Bob · not yet: Alice")
	s := storedSession(t, st, code)
	p, _ := s.ByKey(bobKey)
	if votes := s.VotesBy(string(p.ID), 0); votes < 1 || !strings.Contains(onB.screen(), fmt.Sprintf("%d of 3 left", 3-votes)) {
		t.Fatalf("Bob has %d dots stored; his screen:\n%s", votes, onB.screen())
	}
}

// shows reports whether the screen shows want within d.
func (c *crashClient) shows(want string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if strings.Contains(c.screen(), want) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// storedSession folds the session with the join code from the store.
func storedSession(t *testing.T, st session.Store, code string) *session.State {
	t.Helper()
	ctx := context.Background()
	info, err := st.SessionByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	events, err := st.Events(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	return session.Fold(info.ID, events)
}

func hasCard(s *session.State, text, author string) bool {
	for _, c := range s.Cards {
		if c.Text == text && c.Author.Name == author {
			return true
		}
	}
	return false
}
