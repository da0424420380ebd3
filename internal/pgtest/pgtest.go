// Package pgtest starts throwaway PostgreSQL clusters for tests: initdb
// and pg_ctl on a free port, with the data and the socket in a temporary
// directory, run as the postgres user when the tests run as root.
//
// A test package shares one cluster, started when a test first asks for
// it and stopped by Main, and gives each test a fresh database:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestX(t *testing.T) {
//		url := pgtest.Database(t) // skips when PostgreSQL is missing
//		...
//	}
//
// When the PostgreSQL binaries cannot be found (PATH, pg_config --bindir,
// /usr/lib/postgresql/*/bin) the tests are skipped with a message saying
// so, unless HUDDLE_REQUIRE_POSTGRES=1 is set: then they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the environment variable that turns a missing
// PostgreSQL from a skip into a failure.
const RequireEnv = "HUDDLE_REQUIRE_POSTGRES"

// Cluster is a running throwaway cluster.
type Cluster struct {
	Port int    // the TCP port on 127.0.0.1
	Dir  string // the temporary directory holding data, socket and log

	bin    string // the directory of initdb, pg_ctl and postgres
	runAs  string // the user the server runs as; "" for the current one
	data   string
	socket string
	log    string

	mu sync.Mutex
	n  int // databases made
}

var (
	shared     *Cluster
	sharedErr  error
	sharedOnce sync.Once
)

// Main runs the package's tests and stops the shared cluster if one was
// started. Use it in TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// Shared returns the package's cluster, starting it the first time. When
// PostgreSQL is missing or does not start, it skips the test, or fails it
// when HUDDLE_REQUIRE_POSTGRES=1.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("PostgreSQL is required (%s=1): %v", RequireEnv, sharedErr)
		}
		t.Skipf("skipped: no PostgreSQL to test against (%v); install it (the postgresql package) or set %s=1 to make this a failure", sharedErr, RequireEnv)
	}
	return shared
}

// Database makes a fresh database in the shared cluster and returns its
// URL.
func Database(t testing.TB) string {
	t.Helper()
	return Shared(t).Database(t)
}

// ErrNoPostgres is returned by Start when the binaries cannot be found.
var ErrNoPostgres = errors.New("PostgreSQL binaries (initdb, pg_ctl) not found in PATH, pg_config --bindir or /usr/lib/postgresql/*/bin")

// findBin returns the directory of initdb and pg_ctl.
func findBin() (string, error) {
	has := func(dir string) bool {
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, b)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && has(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if has(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); has(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// The newest version first.
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

// Start makes and starts a cluster in a new temporary directory. Stop it
// with Stop. Should the test process die first, a watchdog process stops
// the server and removes the directory.
func Start() (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	parent := ""
	if os.Geteuid() == 0 && !traversable(os.TempDir()) {
		// The server runs as postgres, which must reach its directory.
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "pgtest")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, bin: bin, data: filepath.Join(dir, "data"), socket: dir, log: filepath.Join(dir, "log")}
	fail := func(err error) (*Cluster, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			return fail(fmt.Errorf("running as root, and there is no postgres user to run PostgreSQL as: %w", err))
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return fail(err)
		}
		c.runAs = "postgres"
	}
	if out, err := c.run("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "--no-sync",
		"-E", "UTF8", "--locale=C"); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, out))
	}
	for attempt := 0; ; attempt++ {
		if c.Port, err = freePort(); err != nil {
			return fail(err)
		}
		out, err := c.run("pg_ctl", "start", "-w", "-t", "60", "-D", c.data, "-l", c.log, "-o", c.options())
		if err == nil {
			break
		}
		if attempt == 2 {
			log, _ := os.ReadFile(c.log)
			return fail(fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, tail(log)))
		}
	}
	c.watchdog()
	return c, nil
}

// options are the server's settings: a port, the socket in the cluster's
// directory, TCP on 127.0.0.1 only, and room for many test connections.
// Durability settings are PostgreSQL's defaults (fsync and
// synchronous_commit on), so that a crash test means what it says.
func (c *Cluster) options() string {
	return fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=32MB", c.Port, c.socket)
}

// traversable reports whether every user may pass through dir and its
// parents.
func traversable(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func tail(b []byte) string {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// command returns a command running a PostgreSQL binary as the cluster's
// user.
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.runAs != "" {
		if _, err := exec.LookPath("runuser"); err == nil {
			cmd = exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
		} else {
			q := []string{shellQuote(path)}
			for _, a := range args {
				q = append(q, shellQuote(a))
			}
			cmd = exec.Command("su", c.runAs, "-s", "/bin/sh", "-c", strings.Join(q, " "))
		}
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	return cmd
}

func (c *Cluster) run(name string, args ...string) ([]byte, error) {
	return c.command(name, args...).CombinedOutput()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// watchdog starts a process that, once this one is gone, stops the
// server and removes the directory: a test binary killed by a timeout
// leaves nothing running.
func (c *Cluster) watchdog() {
	stop := c.command("pg_ctl", "stop", "-m", "immediate", "-D", c.data)
	q := make([]string, len(stop.Args))
	for i, a := range stop.Args {
		q[i] = shellQuote(a)
	}
	script := fmt.Sprintf("while [ -d /proc/%d ]; do sleep 1; done; %s >/dev/null 2>&1; rm -rf %s",
		os.Getpid(), strings.Join(q, " "), shellQuote(c.Dir))
	w := exec.Command("/bin/sh", "-c", script)
	w.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if w.Start() == nil {
		go w.Wait()
	}
}

// Stop stops the server at once and removes its directory.
func (c *Cluster) Stop() error {
	out, err := c.run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", c.data)
	rmErr := os.RemoveAll(c.Dir)
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return rmErr
}

// Restart runs pg_ctl restart with the shutdown mode (smart, fast or
// immediate) and waits until the server accepts connections again. An
// immediate restart is a crash: the server recovers from its write-ahead
// log.
func (c *Cluster) Restart(mode string) error {
	out, err := c.run("pg_ctl", "restart", "-w", "-t", "60", "-m", mode, "-D", c.data, "-l", c.log, "-o", c.options())
	if err != nil {
		log, _ := os.ReadFile(c.log)
		return fmt.Errorf("pg_ctl restart -m %s: %w\n%s\n%s", mode, err, out, tail(log))
	}
	return nil
}

// URL is the URL of a database of the cluster, as its superuser.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// Exec runs SQL as the superuser in the postgres database.
func (c *Cluster) Exec(ctx context.Context, sql string, args ...any) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql, args...)
	return err
}

var unsafeName = regexp.MustCompile(`[^a-z0-9_]+`)

// Database makes a fresh, empty database for the test and returns its
// URL. It is not dropped: the cluster goes with its directory.
func (c *Cluster) Database(t testing.TB) string {
	t.Helper()
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	name := unsafeName.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	name = fmt.Sprintf("t%d_%s", n, name)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	return c.URL(name)
}
