package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"huddle/sshserver"
)

type serveFlags struct {
	listen         string
	hostKey        string
	authorizedKeys string
	maxSessions    int
	idleTimeout    time.Duration
	allowAnonymous bool
	stallTimeout   time.Duration
	retention      string
}

func newServeCmd(g *globalFlags) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve huddle over SSH so the whole team joins one live session",
		Long: `Serve huddle over SSH. Everyone joins with the ssh they already have:

  ssh -p 2222 HOST                  the lobby: live sessions of your teams, or open one
  ssh -t -p 2222 HOST join CODE     join a session by its code
  ssh -t -p 2222 HOST watch CODE    watch without taking part
  ssh -p 2222 HOST new standup --team T    open a stand-up, print its code
  ssh -p 2222 HOST export CODE      the minutes of a session

Identity is the SSH key: the same key is always the same participant. The
display name is the SSH user name. Without --authorized-keys any key may
connect (the log says so at startup); with it, only the keys in the file.

The host key is created once (ed25519, in the data directory) and reused,
so clients never see it change. Unfinished sessions survive a restart:
people rejoin with the same command and are back where they were.`,
		Example: `  huddle serve --listen :2222 --authorized-keys ~/.ssh/authorized_keys`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), *g, f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.listen, "listen", ":2222", "address to listen on")
	fs.StringVar(&f.hostKey, "host-key", "", "host key file, created if missing (default: host_ed25519 in the data directory)")
	fs.StringVar(&f.authorizedKeys, "authorized-keys", "", "only keys in this authorized_keys file may connect (default: any key)")
	fs.IntVar(&f.maxSessions, "max-sessions", 200, "most SSH sessions at once")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 30*time.Minute, "disconnect a participant after this long without a key press")
	fs.DurationVar(&f.stallTimeout, "stall-timeout", 15*time.Second, "disconnect a participant who has not answered a keepalive, or whose output has been blocked, for this long (a suspended laptop)")
	fs.StringVar(&f.retention, "retention", "", "delete ended sessions once they are older than this (180d, 26w, 72h): at start, then daily (default: keep them)")
	fs.BoolVar(&f.allowAnonymous, "allow-anonymous", false, "also let people in without a key (keyboard-interactive); each connection is a new participant")
	return cmd
}

func runServe(ctx context.Context, g globalFlags, f serveFlags) error {
	logger := log.NewWithOptions(os.Stderr, log.Options{Prefix: "huddle", ReportTimestamp: true})
	if f.maxSessions <= 0 || f.idleTimeout <= 0 {
		return errors.New("the session limit and the idle timeout must be positive (--max-sessions, --idle-timeout)")
	}
	if f.stallTimeout < time.Second {
		return errors.New("the stall timeout must be at least 1s (--stall-timeout): a shorter one cuts off people on slow networks")
	}
	var retention time.Duration
	if f.retention != "" {
		d, err := parseAge(f.retention)
		if err != nil {
			return fmt.Errorf("--retention: %w", err)
		}
		retention = d
	}
	if f.allowAnonymous && f.authorizedKeys != "" {
		return errors.New("--allow-anonymous would let in people --authorized-keys leaves out; choose one")
	}
	release, err := lockDataDir(g.dataDir, "huddle serve")
	if err != nil {
		return err
	}
	defer release()
	st, err := openStore(g.dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	keyPath := f.hostKey
	if keyPath == "" {
		keyPath = filepath.Join(g.dataDir, "host_ed25519")
	}
	hostKey, err := sshserver.EnsureHostKey(keyPath)
	if err != nil {
		return err
	}
	ended, err := exportOnEnd(g.exportDir, st, logger)
	if err != nil {
		return err
	}
	cfg := sshserver.Config{
		HostKey: hostKey, AllowAnonymous: f.allowAnonymous, MaxSessions: f.maxSessions,
		IdleTimeout: f.idleTimeout, StallTimeout: f.stallTimeout, Logger: logger, Ended: ended,
	}
	if f.authorizedKeys != "" {
		if cfg.AuthorizedKeys, err = sshserver.LoadAuthorizedKeys(f.authorizedKeys); err != nil {
			return err
		}
		logger.Info("only authorized keys may connect", "file", f.authorizedKeys, "keys", len(cfg.AuthorizedKeys))
	}
	srv, err := sshserver.New(cfg, st)
	if err != nil {
		return err
	}
	defer startRetention(ctx, st, retention, logger)()
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: telling participants, closing sessions")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("shutdown", "err", err)
	}
	// A stop that comes as the server starts may reach Shutdown before
	// Serve has handed the listener to the SSH server, which then serves
	// it for good: closing it ends Serve either way.
	_ = ln.Close()
	<-errc
	logger.Info("stopped; unfinished sessions resume when people rejoin")
	return nil
}
