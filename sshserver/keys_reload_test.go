package sshserver

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

// writeKeys writes an authorized_keys file of the keys, with extra lines
// first.
func writeKeys(t *testing.T, path string, extra string, keys ...gossh.Signer) {
	t.Helper()
	b := []byte("# the team\n" + extra)
	for _, k := range keys {
		b = append(b, gossh.MarshalAuthorizedKey(k.PublicKey())...)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// keysServer is a server that lets in the keys of an authorized_keys
// file, on a fake clock, logging into a buffer too.
func keysServer(t *testing.T, keys ...gossh.Signer) (*testServer, string, *session.FakeClock, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "authorized_keys")
	writeKeys(t, path, "", keys...)
	loaded, err := LoadAuthorizedKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	clock := session.NewFakeClock(time.Now())
	logs := &syncBuffer{}
	ts := startServer(t, dir, func(c *Config) {
		c.AuthorizedKeys, c.Clock = loaded, clock
		c.Logger = log.New(io.MultiWriter(testWriter{t}, logs))
	})
	return ts, path, clock, logs
}

// watch runs the server's watch of its authorized keys file until the
// test ends.
func watch(t *testing.T, ts *testServer, path string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.srv.WatchAuthorizedKeys(ctx, path)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// pollUntil moves the fake clock on by a poll whenever the watcher waits
// on it, until cond holds.
func pollUntil(t *testing.T, clock *session.FakeClock, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		if clock.Timers() > 0 {
			clock.Advance(keysPollEvery)
		} else {
			time.Sleep(time.Millisecond) // the watcher is reading the file
		}
	}
}

func (ts *testServer) lets(key gossh.Signer) bool {
	keys := ts.srv.keys.keys.Load()
	return keys != nil && (*keys)[fingerprint(key)]
}

// canConnect reports whether key gets in, over SSH.
func (ts *testServer) canConnect(key gossh.Signer) bool {
	c, err := tryDialTest(ts.t, ts.addr, "someone", key, withoutPty(), withCommand("help"))
	if err != nil {
		return false
	}
	c.WaitForExit()
	c.Close()
	return true
}

func TestAuthorizedKeysAreReloadedWhenTheFileChanges(t *testing.T) {
	a, b := newTestKey(t), newTestKey(t)
	ts, path, clock, logs := keysServer(t, a)
	watch(t, ts, path)
	if ts.canConnect(b) {
		t.Fatal("a key not in the file got in")
	}

	writeKeys(t, path, "", a, b)
	pollUntil(t, clock, "the added key is let in", func() bool { return ts.lets(b) })
	if !ts.canConnect(b) || !ts.canConnect(a) {
		t.Fatal("after the reload, a key in the file is refused")
	}

	writeKeys(t, path, "", b)
	pollUntil(t, clock, "the removed key is refused", func() bool { return !ts.lets(a) })
	if ts.canConnect(a) || !ts.canConnect(b) {
		t.Fatal("after the reload, the keys are not the file's")
	}

	// A file that does not parse, or that holds no key, changes nothing.
	for i, bad := range []string{"ssh-ed25519 not-base64!!\n", ""} {
		if bad == "" {
			if err := os.WriteFile(path, []byte("# nobody\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		} else {
			writeKeys(t, path, bad, a, b)
		}
		pollUntil(t, clock, "the bad file is reported", func() bool {
			return strings.Count(logs.String(), "authorized keys not reloaded") == i+1
		})
		if ts.lets(a) || !ts.lets(b) || ts.canConnect(a) || !ts.canConnect(b) {
			t.Fatalf("bad file %d: the keys in use changed", i)
		}
	}
	if !strings.Contains(logs.String(), "line 2") {
		t.Errorf("the log does not say which line is bad:\n%s", logs.String())
	}
}

// SIGHUP reloads with ReloadAuthorizedKeys; the keys can only be swapped
// for another set, never for everybody or nobody.
func TestReloadAuthorizedKeysKeepsTheOldKeysOnError(t *testing.T) {
	a, b := newTestKey(t), newTestKey(t)
	ts, path, _, logs := keysServer(t, a)
	writeKeys(t, path, "bad line\n", b)
	if err := ts.srv.ReloadAuthorizedKeys(path, "test"); err == nil {
		t.Fatal("a file that does not parse was taken")
	}
	if !ts.lets(a) || ts.lets(b) || !strings.Contains(logs.String(), "the keys in use stay") {
		t.Fatal("a failed reload changed the keys, or was not logged")
	}
	writeKeys(t, path, "", b)
	if err := ts.srv.ReloadAuthorizedKeys(path, "test"); err != nil {
		t.Fatal(err)
	}
	if ts.lets(a) || !ts.lets(b) || !ts.canConnect(b) {
		t.Fatal("the reload did not take the file's keys")
	}
	if err := ts.srv.SetAuthorizedKeys(AuthorizedKeys{}); err == nil || !ts.lets(b) {
		t.Fatal("an empty set of keys was taken: nobody could connect")
	}

	hostKey, err := EnsureHostKey(filepath.Join(t.TempDir(), "k"))
	if err != nil {
		t.Fatal(err)
	}
	open, err := New(Config{HostKey: hostKey, Logger: log.New(io.Discard)}, ts.store)
	if err != nil {
		t.Fatal(err)
	}
	defer open.hub.Close()
	if err := open.SetAuthorizedKeys(AuthorizedKeys{fingerprint(a): true}); err == nil || open.keys.keys.Load() != nil {
		t.Fatal("a server open to any key took a set of keys")
	}
}

func TestRefusedKeyIsLoggedWithItsFingerprintButNotFlooded(t *testing.T) {
	a, b := newTestKey(t), newTestKey(t)
	ts, _, clock, logs := keysServer(t, a)
	const line = "refused a key that is not in the authorized keys"
	for range 3 {
		c, err := tryDialTest(t, ts.addr, "mallory\x1b[31m", b, withoutPty(), withCommand("help"))
		if err == nil {
			c.Close()
			t.Fatal("a key not in the file got in")
		}
	}
	out := logs.String()
	if n := strings.Count(out, fingerprint(b)); n != 1 {
		t.Fatalf("the refused key's fingerprint is logged %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, line) || !strings.Contains(out, "user=mallory") || strings.Contains(out, "\x1b") {
		t.Fatalf("the refusal is not logged with the cleaned user name:\n%q", out)
	}
	clock.Advance(refusedKeyEvery)
	if ts.canConnect(b) {
		t.Fatal("a key not in the file got in")
	}
	if n := strings.Count(logs.String(), fingerprint(b)); n != 2 {
		t.Fatalf("after %v the refused key is logged %d times in all, want 2", refusedKeyEvery, n)
	}

	// Many keys at once: no more lines than the budget.
	for range refusedLogBurst + 5 {
		if ts.canConnect(newTestKey(t)) {
			t.Fatal("a key not in the file got in")
		}
	}
	if n := strings.Count(logs.String(), line); n != refusedLogBurst+1 {
		t.Fatalf("%d refusal lines, want %d (the budget and the first key's second line)", n, refusedLogBurst+1)
	}
	clock.Advance(refusedLogEvery)
	if ts.canConnect(newTestKey(t)) {
		t.Fatal("a key not in the file got in")
	}
	if !strings.Contains(logs.String(), "unlogged=6") {
		t.Fatalf("the next line does not count the 6 refusals left unlogged (25 keys, 19 lines left in the budget):\n%s", logs.String())
	}
}
