// Command huddle runs time-boxed stand-ups and retrospectives in one
// terminal or, with huddle serve, for a whole team over SSH, recorded in
// an embedded database; it exports, lists, replays and prunes what was
// recorded, and keeps each team's decision log.
//
// This package is the command line and its wiring: flags and HUDDLE_*
// environment variables, the data directory and its lock, the store,
// setup questions on the terminal, and which mode to run. Every rule is
// huddle/session's (Opening, Teams, Summarize); the interface is
// huddle/tui, the SSH server huddle/sshserver, the documents
// huddle/session/export.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"charm.land/fang/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := fang.Execute(ctx, newRootCmd(os.Stdin, os.Stdout), fang.WithVersion(version)); err != nil {
		os.Exit(1)
	}
}
