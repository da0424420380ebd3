package sshserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	lru "github.com/hashicorp/golang-lru/v2"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

// NewHostKey makes a new ed25519 host key, PEM-encoded as EnsureHostKey
// writes it (and as a shared store keeps it for every node).
func NewHostKey() ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "huddle host key")
	if err != nil {
		return nil, fmt.Errorf("encode host key: %w", err)
	}
	return pem.EncodeToMemory(block), nil
}

// EnsureHostKey returns the PEM of the host key at path, creating an
// ed25519 key there (mode 0600, directory 0700) the first time, so that
// clients see the same host key after every restart.
func EnsureHostKey(path string) ([]byte, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	b, err := os.ReadFile(abs)
	if err == nil {
		if fi, err := os.Stat(abs); err == nil && fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("host key %s is readable by others (mode %v); chmod 600 it", abs, fi.Mode().Perm())
		}
		if _, err := gossh.ParsePrivateKey(b); err != nil {
			return nil, fmt.Errorf("host key %s: %w", abs, err)
		}
		return b, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if b, err = NewHostKey(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("host key directory: %w", err)
	}
	// O_EXCL: two servers starting at once must not overwrite each
	// other's key.
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write host key: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, fmt.Errorf("write host key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write host key: %w", err)
	}
	return b, nil
}

// AuthorizedKeys is the set of public keys allowed in, by fingerprint.
type AuthorizedKeys map[string]bool

// LoadAuthorizedKeys parses an OpenSSH authorized_keys file. Blank lines
// and comments are skipped; any other line that does not parse is an
// error naming the file and line, so a typo never silently locks
// everyone out (or in).
//
// Key options (sshd(8), AUTHORIZED_KEYS FILE FORMAT; names in any case,
// as sshd reads them) are decided by what they would change in huddle. A
// key gets huddle's own commands and, with a terminal, its program;
// huddle never forwards ports, agents or X11, opens no tunnel and runs no
// rc file.
//
// Accepted, as huddle already does what they ask or offers nothing they
// could grant or narrow:
//   - no-port-forwarding, no-agent-forwarding, no-X11-forwarding,
//     no-user-rc: they take away rights huddle never grants.
//   - port-forwarding, agent-forwarding, X11-forwarding, user-rc: they
//     give back such rights after restrict; huddle still has none to give.
//   - permitopen=, permitlisten=, tunnel=: they narrow port forwarding
//     and tunnels, of which huddle has none.
//   - pty: a terminal, which huddle gives anyway.
//   - restrict, when a later pty gives the terminal back: the rest of it
//     takes away only rights huddle never grants.
//
// Refused, with the file, line and option, because huddle would let the
// key do more than the line says, or someone else use it:
//   - command=: huddle runs the command the client asks for, not a forced
//     one.
//   - no-pty, and restrict without a later pty: huddle gives a terminal
//     to whoever asks for one.
//   - from=, expiry-time=: huddle does not check where a key comes from or
//     until when it is good.
//   - cert-authority, principals=: huddle takes no certificates; it would
//     take the authority's own key for a user's.
//   - environment=: huddle sets no environment from this file.
//   - verify-required, no-touch-required: huddle neither checks a
//     security key's user verification nor lets it sign in untouched.
//   - any option huddle does not know.
func LoadAuthorizedKeys(path string) (AuthorizedKeys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	keys := AuthorizedKeys{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		pk, _, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s, line %d: %w", path, n, err)
		}
		if err := checkKeyOptions(options); err != nil {
			return nil, fmt.Errorf("authorized keys %s, line %d: %w; remove it or the key", path, n, err)
		}
		keys[gossh.FingerprintSHA256(pk)] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("authorized keys %s: %w", path, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("authorized keys %s: no keys in the file; nobody could connect", path)
	}
	return keys, nil
}

// keyOptionsAccepted are the options LoadAuthorizedKeys accepts (see
// there), beside pty and restrict.
var keyOptionsAccepted = map[string]bool{
	"no-port-forwarding": true, "no-agent-forwarding": true, "no-x11-forwarding": true, "no-user-rc": true,
	"port-forwarding": true, "agent-forwarding": true, "x11-forwarding": true, "user-rc": true,
	"permitopen": true, "permitlisten": true, "tunnel": true,
}

// keyOptionsRefused says why huddle cannot honour an option.
var keyOptionsRefused = map[string]string{
	"command":           "huddle cannot force a command",
	"from":              "huddle does not check where a key connects from",
	"expiry-time":       "huddle does not check when a key expires",
	"cert-authority":    "huddle takes no certificates",
	"principals":        "huddle takes no certificates",
	"environment":       "huddle sets no environment from this file",
	"verify-required":   "huddle does not check a security key's user verification",
	"no-touch-required": "huddle always wants a security key touched",
}

// checkKeyOptions refuses the options of one key that huddle cannot
// honour (see LoadAuthorizedKeys).
func checkKeyOptions(options []string) error {
	noPty := "" // the option that took the terminal away, unless pty gave it back
	for _, o := range options {
		name, _, _ := strings.Cut(o, "=")
		name = strings.ToLower(name)
		switch {
		case name == "pty":
			noPty = ""
		case name == "no-pty", name == "restrict":
			noPty = name
		case keyOptionsAccepted[name]:
		case keyOptionsRefused[name] != "":
			return fmt.Errorf("option %q is not supported: %s", name, keyOptionsRefused[name])
		default:
			return fmt.Errorf("option %q is not supported: huddle does not know it", session.CleanName(name))
		}
	}
	switch noPty {
	case "no-pty":
		return fmt.Errorf("option %q is not supported: huddle gives a terminal to whoever asks for one", noPty)
	case "restrict":
		return fmt.Errorf("option %q is not supported without a later \"pty\": huddle gives a terminal to whoever asks for one", noPty)
	}
	return nil
}

// keyring is the server's authorized keys, swapped whole at runtime, and
// the log of the keys it refuses.
type keyring struct {
	keys atomic.Pointer[AuthorizedKeys] // nil: any key may connect

	mu      sync.Mutex
	logged  *lru.Cache[string, time.Time] // refused fingerprint → when it was last logged
	budget  bucket                        // refusal log lines, for all keys together
	dropped int                           // refusals not logged for want of budget
}

// Refusals are logged once per key per refusedKeyEvery, and no more than
// refusedLogBurst lines at once, then one every refusedLogEvery, for all
// keys together: a client trying keys by the thousand cannot flood the log.
const (
	refusedKeyEvery = 10 * time.Minute
	refusedLogBurst = 20
	refusedLogEvery = 3 * time.Second

	// keysPollEvery is how often WatchAuthorizedKeys looks at the file.
	keysPollEvery = 2 * time.Second
)

func (r *keyring) init(keys AuthorizedKeys) {
	r.logged, _ = lru.New[string, time.Time](4096)
	if keys != nil {
		keys = maps.Clone(keys)
		r.keys.Store(&keys)
	}
}

// allowKey is the public-key check. Identity is taken later from
// sess.PublicKey(), never from anything stashed here. A refused key is
// logged with its fingerprint and the (cleaned) SSH user name, so that an
// admin can add it; see refusedKeyEvery.
func (s *Server) allowKey(ctx ssh.Context, key ssh.PublicKey) bool {
	keys := s.keys.keys.Load()
	if keys == nil {
		return true
	}
	fp := gossh.FingerprintSHA256(key)
	if (*keys)[fp] {
		return true
	}
	if dropped, ok := s.keys.mayLog(fp, s.now()); ok {
		args := []any{"fingerprint", fp, "user", session.CleanName(ctx.User()), "remote", ctx.RemoteAddr().String()}
		if dropped > 0 {
			args = append(args, "unlogged", dropped)
		}
		s.log.Warn("refused a key that is not in the authorized keys; add it to the file to let it in", args...)
	}
	return false
}

// mayLog reports whether a refusal of the key may be logged now, and how
// many refusals were not logged for want of budget since the last line.
func (r *keyring) mayLog(fp string, now time.Time) (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if last, ok := r.logged.Get(fp); ok && now.Sub(last) < refusedKeyEvery && !now.Before(last) {
		return 0, false
	}
	r.budget.fill(now, refusedLogEvery, refusedLogBurst)
	if r.budget.tokens < 1 {
		r.dropped++
		return 0, false
	}
	r.budget.tokens--
	r.logged.Add(fp, now)
	dropped := r.dropped
	r.dropped = 0
	return dropped, true
}

// SetAuthorizedKeys replaces the keys that may connect; connections
// already in keep going. An empty set is refused (it would lock everyone
// out), and so is a server started without authorized keys (it lets
// everyone in; restart it with them).
func (s *Server) SetAuthorizedKeys(keys AuthorizedKeys) error {
	if len(keys) == 0 {
		return errors.New("no authorized keys: nobody could connect; the keys in use stay")
	}
	if s.keys.keys.Load() == nil {
		return errors.New("the server was started without authorized keys, so any key may connect; restart it with --authorized-keys")
	}
	keys = maps.Clone(keys)
	s.keys.keys.Store(&keys)
	return nil
}

// ReloadAuthorizedKeys reads the authorized keys file again and, if it
// parses, puts its keys in place of the ones in use; why says what asked
// for it, for the log. A file that does not parse changes nothing: the
// keys in use stay (never nobody, never anybody), and the error is logged
// and returned.
func (s *Server) ReloadAuthorizedKeys(path, why string) error {
	keys, err := LoadAuthorizedKeys(path)
	if err == nil {
		old := s.keys.keys.Load()
		if err = s.SetAuthorizedKeys(keys); err == nil {
			added, removed := 0, 0
			for k := range keys {
				if !(*old)[k] {
					added++
				}
			}
			for k := range *old {
				if !keys[k] {
					removed++
				}
			}
			s.log.Info("authorized keys reloaded", "why", why, "file", path, "keys", len(keys), "added", added, "removed", removed)
			return nil
		}
	}
	in := 0
	if cur := s.keys.keys.Load(); cur != nil {
		in = len(*cur)
	}
	s.log.Error("authorized keys not reloaded; the keys in use stay", "why", why, "keys", in, "err", err)
	return err
}

// WatchAuthorizedKeys reloads the authorized keys file (see
// ReloadAuthorizedKeys) whenever its modification time or size changes,
// looking every keysPollEvery by the server's clock, until ctx ends.
func (s *Server) WatchAuthorizedKeys(ctx context.Context, path string) {
	clock := s.cfg.Clock
	if clock == nil {
		clock = session.RealClock{}
	}
	type seen struct {
		mod  time.Time
		size int64
		err  bool
	}
	look := func() seen {
		fi, err := os.Stat(path)
		if err != nil {
			return seen{err: true}
		}
		return seen{mod: fi.ModTime(), size: fi.Size()}
	}
	last := look()
	for {
		t := clock.NewTimer(keysPollEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
		now := look()
		if now == last {
			continue
		}
		last = now
		if now.err {
			s.log.Error("authorized keys file is gone; the keys in use stay", "file", path)
			continue
		}
		_ = s.ReloadAuthorizedKeys(path, "the file changed")
	}
}
