package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"huddle/internal/pgtest"
	"huddle/session/postgres"
)

// pgHangGuard bounds the waits of these tests; a healthy run ends long
// before.
const pgHangGuard = 20 * time.Second

// freeAddr is a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serveNode runs huddle serve with args in this process until the test
// ends, and returns its address once it accepts connections.
func serveNode(t *testing.T, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
	cmd.SetArgs(append([]string{"serve", "--listen", addr}, args...))
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(pgHangGuard):
			t.Error("huddle serve did not stop")
		}
	})
	deadline := time.Now().Add(pgHangGuard)
	for {
		select {
		case err := <-done:
			t.Fatalf("huddle serve %v: %v", args, err)
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("huddle serve %v did not listen on %s", args, addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sshRun runs command over SSH on addr with key and returns its output
// (whatever its exit status) and the host key the server showed.
func sshRun(t *testing.T, addr string, key gossh.Signer, command string) (string, gossh.PublicKey) {
	t.Helper()
	var host gossh.PublicKey
	client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "ana", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)}, Timeout: pgHangGuard,
		HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error { host = k; return nil },
	})
	if err != nil {
		t.Fatalf("ssh %s: %v", addr, err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &stderr
	var exit *gossh.ExitError
	if err := sess.Run(command); err != nil && !errors.As(err, &exit) {
		t.Fatalf("ssh %s %q: %v\n%s", addr, command, err, stderr.String())
	}
	return out.String(), host
}

func newKey(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Two huddle serve on one PostgreSQL show clients one host key, kept in
// the database; a session opened on one node is the other's too, and
// history and export read it from the database.
func TestServeOnPostgresSharesTheHostKeyAndTheSessions(t *testing.T) {
	url := pgtest.Database(t)
	a := serveNode(t, "--database", url, "--data-dir", t.TempDir())
	b := serveNode(t, "--database", url, "--data-dir", t.TempDir())
	key := newKey(t)

	out, hostA := sshRun(t, a, key, "new standup --team musicstore --members Lukas,Julia")
	code := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
	_, hostB := sshRun(t, b, key, "history --team musicstore")
	if gossh.FingerprintSHA256(hostA) != gossh.FingerprintSHA256(hostB) {
		t.Fatalf("node A shows %s, node B %s: want one host key", gossh.FingerprintSHA256(hostA), gossh.FingerprintSHA256(hostB))
	}
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := st.HostKey(context.Background(), func() ([]byte, error) { return nil, errors.New("no key was kept") })
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	kept, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	if gossh.FingerprintSHA256(kept.PublicKey()) != gossh.FingerprintSHA256(hostA) {
		t.Fatal("the nodes' host key is not the one kept in the database")
	}

	// Node B knows the session node A opened.
	if out, _ := sshRun(t, b, key, "export "+code); !strings.Contains(out, "# Stand-up · musicstore") {
		t.Fatalf("node B's export of %s:\n%s", code, out)
	}
	// The commands read what serve wrote, from the database alone (an
	// empty data directory, the URL from the environment).
	t.Setenv("HUDDLE_DATABASE", url)
	empty := t.TempDir()
	if out, err := runCmd(t, empty, "", "history", "--team", "musicstore"); err != nil || !strings.Contains(out, "musicstore") {
		t.Fatalf("history: %v\n%s", err, out)
	}
	if out, err := runCmd(t, empty, "", "export", code); err != nil || !strings.Contains(out, "# Stand-up · musicstore") {
		t.Fatalf("export: %v\n%s", err, out)
	}
}

// --host-key wins over the key kept in the database.
func TestHostKeyFlagWinsOverTheDatabase(t *testing.T) {
	url := pgtest.Database(t)
	dir := t.TempDir()
	a := serveNode(t, "--database", url, "--data-dir", dir)
	b := serveNode(t, "--database", url, "--data-dir", dir, "--host-key", dir+"/own_ed25519")
	key := newKey(t)
	_, hostA := sshRun(t, a, key, "history --team x")
	_, hostB := sshRun(t, b, key, "history --team x")
	if gossh.FingerprintSHA256(hostA) == gossh.FingerprintSHA256(hostB) {
		t.Fatal("--host-key did not win over the database's key")
	}
}

// migrate copies a data directory into PostgreSQL: the records exported
// from the database are those exported from the data directory, byte
// for byte; a second run copies nothing.
func TestMigrateIntoPostgres(t *testing.T) {
	url := pgtest.Database(t)
	from := migrateSource(t)
	out, err := runCmd(t, t.TempDir(), "", "migrate", "--from", from, "--to", url)
	if err != nil || !strings.Contains(out, "migrated 2 teams (0 already there), 1 decision-log events, 2 sessions with") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	src, err := openStore(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	want := contentsOf(t, src)
	sameContents(t, want, contentsOf(t, dst))
	for id := range want.records {
		fromDir, err := runCmd(t, from, "", "export", id, "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		fromDB, err := runCmd(t, t.TempDir(), "", "export", id, "--format", "json", "--database", url)
		if err != nil {
			t.Fatal(err)
		}
		if fromDir != fromDB {
			t.Errorf("session %s: huddle export differs after migrate:\n%s\nwant\n%s", id, fromDB, fromDir)
		}
	}
	out, err = runCmd(t, t.TempDir(), "", "migrate", "--from", from, "--to", url)
	if err != nil || !strings.Contains(out, "0 sessions with 0 events (2 already there)") {
		t.Fatalf("a second migrate: %v\n%s", err, out)
	}
}

// An unreachable database is a one-line error naming the flag, without
// the password.
func TestUnreachableDatabase(t *testing.T) {
	_, err := runCmd(t, t.TempDir(), "", "history", "--database", "postgres://ana:s3cret@127.0.0.1:1/huddle?connect_timeout=2")
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "--database postgres://ana:xxxxx@127.0.0.1:1/huddle") || strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") {
		t.Fatalf("err = %q", msg)
	}
}
