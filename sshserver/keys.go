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
		for _, o := range options {
			// Options that restrict who may use the key cannot be
			// honoured here; ignoring them would let in more than the
			// file says.
			if opt, _, _ := strings.Cut(o, "="); opt == "from" || opt == "expiry-time" || opt == "principals" {
				return nil, fmt.Errorf("authorized keys %s, line %d: option %q is not supported; remove it or the key", path, n, opt)
			}
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
