package sshserver

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

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
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "huddle host key")
	if err != nil {
		return nil, fmt.Errorf("encode host key: %w", err)
	}
	b = pem.EncodeToMemory(block)
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
