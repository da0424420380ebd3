// Command huddle runs time-boxed stand-ups with a parking lot in the
// terminal, recorded in an embedded database.
//
// This package only wires: flags and HUDDLE_* environment variables, the
// data directory, the store, and which mode to run. The domain lives in
// huddle/session, the interface in huddle/tui.
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
