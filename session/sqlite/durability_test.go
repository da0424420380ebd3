package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// The promise of the package documentation and the README: an event is on
// disk when Append returns, through an operating system crash or a power
// loss too. In WAL mode that takes synchronous=FULL (2) on the connection
// that commits; NORMAL (1) syncs only at checkpoints.
func TestTheWriterSyncsEveryCommit(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "huddle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	var mode string
	if err := st.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	// The writer has one connection, kept open: this is the one that
	// commits every Create and Append.
	var sync int
	if err := st.w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if sync != 2 {
		t.Errorf("the write connection has synchronous = %d, want 2 (FULL)", sync)
	}
	// On macOS, fsync alone leaves the commit in the drive's cache.
	var full int
	if err := st.w.QueryRowContext(ctx, "PRAGMA fullfsync").Scan(&full); err != nil {
		t.Fatal(err)
	}
	if full != 1 {
		t.Errorf("the write connection has fullfsync = %d, want 1", full)
	}
}
