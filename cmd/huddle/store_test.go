package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// fakePostgres replaces the PostgreSQL opener for a test: it records the
// URLs it was asked for and fails with err.
func fakePostgres(t *testing.T, err error) *[]string {
	t.Helper()
	var asked []string
	old := openPostgres
	openPostgres = func(_ context.Context, url string) (database, error) {
		asked = append(asked, url)
		return nil, err
	}
	t.Cleanup(func() { openPostgres = old })
	return &asked
}

// runCLI runs huddle with args and returns its output and error.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}

// --database wins over HUDDLE_DATABASE, which wins over SQLite in the
// data directory; every command that opens the store follows it.
func TestDatabaseFlagThenEnvironmentThenDataDir(t *testing.T) {
	refused := errors.New("refused")
	dir := t.TempDir()

	asked := fakePostgres(t, refused)
	if _, err := runCLI(t, "history", "--data-dir", dir); err != nil {
		t.Fatalf("SQLite in the data directory: %v", err)
	}
	if len(*asked) != 0 {
		t.Fatalf("without --database, PostgreSQL was asked for %q", *asked)
	}

	t.Setenv("HUDDLE_DATABASE", "postgres://env@db.example.org/huddle")
	for _, args := range [][]string{
		{"history"}, {"export", "x"}, {"teams"}, {"team", "musicstore"}, {"trends", "--team", "musicstore"},
		{"decisions", "--team", "musicstore"}, {"actions"}, {"delete", "--yes", "x"},
		{"show", "x"}, {"serve", "--listen", "127.0.0.1:0"},
	} {
		*asked = nil
		_, err := runCLI(t, append(args, "--data-dir", dir)...)
		if len(*asked) != 1 || !strings.HasPrefix((*asked)[0], "postgres://env@db.example.org/huddle") {
			t.Fatalf("%v: asked for %q, want the environment's database (err %v)", args, *asked, err)
		}
		if err == nil || !strings.Contains(err.Error(), "HUDDLE_DATABASE") {
			t.Fatalf("%v: err = %v, want one naming HUDDLE_DATABASE", args, err)
		}
	}

	*asked = nil
	_, err := runCLI(t, "history", "--data-dir", dir, "--database", "postgresql://flag@db.example.org/huddle")
	if len(*asked) != 1 || !strings.HasPrefix((*asked)[0], "postgresql://flag@db.example.org/huddle") {
		t.Fatalf("asked for %q, want the flag's database", *asked)
	}
	if err == nil || !strings.Contains(err.Error(), "--database") || strings.Contains(err.Error(), "HUDDLE_DATABASE") {
		t.Fatalf("err = %v, want one naming --database", err)
	}
}

// A bad or unreachable database is one line that names the flag and
// never shows the password, even when the URL does not parse or the
// driver quotes it.
func TestBadDatabaseURLIsNamedWithoutItsPassword(t *testing.T) {
	fakePostgres(t, errors.New("failed to connect to `user=ana password=s3cr%t host=db.example.org`:\n  dial tcp: connection refused"))
	for _, tt := range []struct {
		url, want string
	}{
		{"postgres://ana:s3cr%25t@db.example.org:99999/huddle", "port"},
		{"postgres://ana:s3cr%t@db.example.org/huddle", "not a URL"},
		{"mysql://ana:s3cr%25t@db.example.org/huddle", "want a postgres:// URL"},
		{"postgres://ana:s3cr%25t@/huddle", "no host"},
		{"postgres://ana:s3cr%25t@db.example.org/huddle", "cannot open the database"},
	} {
		_, err := runCLI(t, "history", "--data-dir", t.TempDir(), "--database", tt.url)
		if err == nil {
			t.Fatalf("%s: no error", tt.url)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "--database postgres") && !strings.HasPrefix(msg, "--database mysql") && !strings.Contains(msg, ": --database ") {
			t.Errorf("%s: %q does not name --database", tt.url, msg)
		}
		if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "ana:xxxxx@db.example.org") && !strings.Contains(msg, "ana:xxxxx@/huddle") {
			t.Errorf("%s: %q, want %q and the URL with its password redacted", tt.url, msg, tt.want)
		}
		if strings.Contains(msg, "s3cr") || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q shows the password or is not one line", tt.url, msg)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://ana:pw@h/db":         "postgres://ana:xxxxx@h/db",
		"postgres://ana@h/db":            "postgres://ana@h/db",
		"postgres://h/db":                "postgres://h/db",
		"postgres://ana:p%w@h:99999999/": "postgres://ana:xxxxx@h:99999999/",
		"postgres://ana:p@w@h/db":        "postgres://ana:xxxxx@h/db",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every command that opens the store says in its help how to name a
// PostgreSQL database, HUDDLE_DATABASE included.
func TestHelpNamesTheDatabase(t *testing.T) {
	for _, name := range []string{"serve", "history", "export", "import", "delete", "team", "trends", "decisions", "actions", "migrate", "standup", "retro"} {
		out, err := runCLI(t, name, "--help")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "--database") || !strings.Contains(out, "HUDDLE_DATABASE") {
			t.Errorf("huddle %s --help does not name --database and HUDDLE_DATABASE:\n%s", name, out)
		}
	}
}

// serve --proxy-protocol takes each connection's PROXY header, and
// refuses a connection without one.
func TestServeProxyProtocolFlag(t *testing.T) {
	addr := serveNode(t, "--data-dir", t.TempDir(), "--proxy-protocol")
	key := newKey(t)
	dial := func(header string) error {
		tcp, err := net.DialTimeout("tcp", addr, pgHangGuard)
		if err != nil {
			t.Fatal(err)
		}
		defer tcp.Close()
		if _, err := tcp.Write([]byte(header)); err != nil {
			t.Fatal(err)
		}
		c, chans, reqs, err := gossh.NewClientConn(tcp, addr, &gossh.ClientConfig{User: "ana",
			Auth: []gossh.AuthMethod{gossh.PublicKeys(key)}, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: pgHangGuard})
		if err != nil {
			return err
		}
		gossh.NewClient(c, chans, reqs).Close()
		return nil
	}
	if err := dial("PROXY TCP4 203.0.113.7 192.0.2.1 51000 2222\r\n"); err != nil {
		t.Fatalf("with a PROXY header: %v", err)
	}
	if err := dial(""); err == nil {
		t.Fatal("a connection without a PROXY header got in")
	}
}
