package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMissingBinariesAreReported(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	old := distGlob
	distGlob = "/nonexistent/*/bin"
	defer func() { distGlob = old }()
	if _, err := Start(); !errors.Is(err, ErrNoPostgres) {
		t.Fatalf("Start without binaries: %v", err)
	}
}

// recorder is a testing.TB that records a skip or a failure.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Skipf(f string, args ...any)  { r.skipped = fmt.Sprintf(f, args...) }
func (r *recorder) Fatalf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...) }

func TestMissingPostgresSkipsUnlessRequired(t *testing.T) {
	t.Setenv(RequireEnv, "")
	r := &recorder{TB: t}
	unavailable(r, ErrNoPostgres)
	if r.skipped == "" || r.failed != "" || !contains(r.skipped, RequireEnv) {
		t.Errorf("without %s: skipped %q, failed %q", RequireEnv, r.skipped, r.failed)
	}
	t.Setenv(RequireEnv, "1")
	r = &recorder{TB: t}
	unavailable(r, ErrNoPostgres)
	if r.failed == "" || r.skipped != "" {
		t.Errorf("with %s=1: skipped %q, failed %q", RequireEnv, r.skipped, r.failed)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestClusterServesRestartsAndGoes(t *testing.T) {
	if _, err := findBin(); err != nil {
		unavailable(t, err)
	}
	c, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	url := c.Database(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if other := c.Database(t); other == url {
		t.Error("two tests got the same database")
	}
	if err := c.Restart("immediate"); err != nil {
		t.Fatal(err)
	}
	conn, err = pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT n FROM kept`).Scan(&n); err != nil || n != 1 {
		t.Errorf("after the restart: %d, %v", n, err)
	}
	conn.Close(ctx)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the cluster's directory is left: %v", err)
	}
	if _, err := pgx.Connect(ctx, url); err == nil {
		t.Error("the stopped cluster still answers")
	}
}
