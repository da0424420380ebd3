package sshserver

import (
	"context"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
	"huddle/session/nodetest"
)

// startNode starts a server over one node's connection to a shared store.
func startNode(t *testing.T, st session.Store) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hostKey, err := EnsureHostKey(filepath.Join(t.TempDir(), "host_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{HostKey: hostKey, Logger: log.New(testWriter{t}), ConnectRate: 1000, ConnectBurst: 1000}, st)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Logf("shutdown: %v", err)
		}
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the server did not stop")
		}
	})
	return srv, ln.Addr().String()
}

// Two servers over one shared store serve one session: a participant on
// each sees the other come and the facilitator's start; the node that
// first sees the session takes nobody for stale (the other node holds
// them); each node's heartbeat names the connections it holds, and a
// participant who goes is marked away.
func TestTwoNodesServeOneSession(t *testing.T) {
	c := nodetest.New(t)
	srvA, addrA := startNode(t, c.Node())
	srvB, addrB := startNode(t, c.Node())
	sched := dialTest(t, addrA, "scheduler", newTestKey(t), withoutPty(),
		withCommand("new standup --team t --members Lukas,Julia --facilitator Lukas --guests open"))
	if status := sched.WaitForExit(); status != 0 {
		t.Fatalf("new standup exited %d: %s", status, sched.Stderr())
	}
	code, _, _ := strings.Cut(string(sched.Raw()), "\n")
	code = strings.TrimSpace(code)
	info, err := c.SessionByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}

	lukasKey, annKey := newTestKey(t), newTestKey(t)
	a := dialTest(t, addrA, "lukas", lukasKey, withCommand("join "+code))
	a.WaitFor("waiting room", "· facilitator")
	b := dialTest(t, addrB, "ann", annKey, withCommand("join "+code))
	b.WaitFor("waiting room", "Lukas")
	a.WaitFor("ann")
	a.Press("n")
	b.WaitFor("rounds")

	lukas := session.Holding{Session: info.ID, Key: gossh.FingerprintSHA256(lukasKey.PublicKey())}
	ann := session.Holding{Session: info.ID, Key: gossh.FingerprintSHA256(annKey.PublicKey())}
	waitUntil(t, "each node's heartbeat names its connection", func() bool {
		return slices.Contains(c.Holdings(srvA.hub.Node()), lukas) && slices.Contains(c.Holdings(srvB.hub.Node()), ann)
	})
	st := foldShared(t, c, info.ID)
	p, ok := st.ByKey(lukas.Key)
	if !ok || !p.Present {
		t.Fatal("Lukas, connected to node A, is away")
	}
	events, err := c.Events(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if l, ok := e.Payload.(*session.Left); ok && l.Who == p.ID {
			t.Fatal("node B, first seeing the session, marked away Lukas, who is connected to node A")
		}
	}

	b.Close()
	waitUntil(t, "ann's leave", func() bool {
		p, ok := foldShared(t, c, info.ID).ByKey(ann.Key)
		return ok && !p.Present
	})
	a.WaitFor("rounds")
}

func foldShared(t *testing.T, c *nodetest.Cluster, id string) *session.State {
	t.Helper()
	events, err := c.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return session.Fold(id, events)
}

// waitUntil polls ok until it holds; the bound only guards against a hang.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
