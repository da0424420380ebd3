package postgres_test

import (
	"context"
	"os"
	"testing"

	"huddle/internal/pgtest"
	"huddle/session"
	"huddle/session/postgres"
	"huddle/session/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openURL opens the store at url and closes it when the test ends.
func openURL(tb testing.TB, url string) *postgres.Store {
	tb.Helper()
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return st
}

// mustOpen opens a store in a fresh database.
func mustOpen(tb testing.TB) *postgres.Store {
	tb.Helper()
	return openURL(tb, pgtest.Database(tb))
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) session.Store { return mustOpen(t) })
}
