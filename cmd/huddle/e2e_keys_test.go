package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// keysE2EWaitLog waits until the server's log holds want n times.
func keysE2EWaitLog(t *testing.T, s *sshE2EServer, want string, n int) {
	t.Helper()
	deadline := time.Now().Add(crashHangGuard)
	for strings.Count(s.stderr.String(), want) < n {
		select {
		case <-s.done:
			t.Fatalf("huddle serve exited (%v) waiting for %q\nserver log:\n%s", s.err, want, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q %d times:\n%s", want, n, s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// keysE2EGetsIn reports whether key is let in.
func keysE2EGetsIn(addr string, key ssh.Signer) bool {
	c, err := crashDial(addr, "someone", key)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// TestServeReloadsAuthorizedKeysOnSIGHUP runs huddle serve with
// --authorized-keys: SIGHUP reloads the file and does not stop the server;
// a file that does not parse keeps the keys in use; a refused key is
// logged with its fingerprint.
func TestServeReloadsAuthorizedKeysOnSIGHUP(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildHuddle(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	a, b := crashKey(t), crashKey(t)
	path := filepath.Join(dir, "authorized_keys")
	write := func(content string, keys ...ssh.Signer) {
		t.Helper()
		for _, k := range keys {
			content += string(ssh.MarshalAuthorizedKey(k.PublicKey()))
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("", a)
	addr, _ := sshE2EFreeAddr(t)

	s := &sshE2EServer{t: t, stderr: &sshE2EBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--data-dir", data, "--listen", addr, "--authorized-keys", path)
	s.cmd.Stdout, s.cmd.Stderr = s.stderr, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("huddle serve at cleanup: %v\nserver log:\n%s", err, s.stderr.String())
		}
	})
	keysE2EWaitLog(t, s, "serving huddle over SSH", 1)
	hup := func() {
		t.Helper()
		if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
	}

	if keysE2EGetsIn(addr, b) {
		t.Fatal("a key not in the file got in")
	}
	keysE2EWaitLog(t, s, ssh.FingerprintSHA256(b.PublicKey()), 1)

	// A file that does not parse: SIGHUP keeps the keys in use.
	write("ssh-ed25519 not-base64!!\n", a, b)
	hup()
	keysE2EWaitLog(t, s, "why=SIGHUP", 1)
	keysE2EWaitLog(t, s, "authorized keys not reloaded", 1)
	if !keysE2EGetsIn(addr, a) || keysE2EGetsIn(addr, b) {
		t.Fatal("a reload that failed changed the keys")
	}

	write("", a, b)
	hup()
	keysE2EWaitLog(t, s, "why=SIGHUP", 2)
	// The file watcher may have taken the change first; either way, b is in.
	keysE2EWaitLog(t, s, "authorized keys reloaded", 1)
	if !keysE2EGetsIn(addr, b) || !keysE2EGetsIn(addr, a) {
		t.Fatalf("after SIGHUP, a key in the file is refused\nserver log:\n%s", s.stderr.String())
	}
	select {
	case <-s.done:
		t.Fatalf("SIGHUP stopped the server: %v", s.err)
	default:
	}
}
