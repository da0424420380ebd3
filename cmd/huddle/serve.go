package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"charm.land/log/v2"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
	"huddle/sshserver"
)

type serveFlags struct {
	listen         string
	hostKey        string
	authorizedKeys string
	maxSessions    int
	connsPerAddr   int
	connectRate    float64
	connectBurst   int
	idleTimeout    time.Duration
	allowAnonymous bool
	stallTimeout   time.Duration
	retention      string
	publicHost     string
	notifyAt       string
	proxyProtocol  bool
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
  ssh -p 2222 HOST export CODE      the minutes of a session you took part in, or your team's
  ssh -p 2222 HOST history --team T your team's sessions, newest first

Identity is the SSH key: the same key is always the same participant. The
display name is the SSH user name. Without --authorized-keys any key may
connect (the log says so at startup); with it, only the keys in the file,
read again on SIGHUP and when it changes (a file that does not parse is
logged and the keys in use stay). A refused key is logged with its
fingerprint, so that it can be added.

The host key is created once (ed25519, in the data directory) and reused,
so clients never see it change. Unfinished sessions survive a restart:
people rejoin with the same command and are back where they were.

With --notify URL the team's chat hears when a session opens (with the
command that joins it) and what came out of it when it ends; --on-end CMD
gets each ended session's JSON record on stdin. With --notify, each
morning at --notify-at (08:00, the server's time zone) each team's open
action items due that day and overdue are posted too. Neither ever makes a room
wait (see the README, Notifications).

A team's scheduled sessions (huddle team T --standup "Mon-Fri 10:00
Europe/Berlin") open themselves at their time, and --notify posts their
code; huddle ics --team T writes the schedule for a calendar.

Several nodes: run huddle serve --database postgres://… (or with
HUDDLE_DATABASE set) on each, behind a TCP load balancer. They share the
sessions, the join codes, the teams and one host key, kept in the
database (unless --host-key is given); each node may be restarted while
the others go on serving. With --proxy-protocol the balancer's PROXY
header (HAProxy send-proxy-v2) gives each client's address, and every
connection must start with one. See the README, Running on several
nodes.`,
		Example: `  huddle serve --listen :2222 --authorized-keys ~/.ssh/authorized_keys

  # one of several nodes behind HAProxy (send-proxy-v2), sharing PostgreSQL
  HUDDLE_DATABASE=postgres://huddle@db.example.org/huddle huddle serve --proxy-protocol`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), *g, f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.listen, "listen", ":2222", "address to listen on")
	fs.StringVar(&f.hostKey, "host-key", "", "host key file, created if missing (default: host_ed25519 in the data directory; with --database, a key kept in the database and shared by every node)")
	fs.StringVar(&f.authorizedKeys, "authorized-keys", "", "only keys in this authorized_keys file may connect (default: any key)")
	fs.IntVar(&f.maxSessions, "max-sessions", sshserver.DefaultMaxSessions(), "most SSH sessions at once (default: what the memory allows, 1 MiB a participant in half of the machine's memory or cgroup limit, 50 to 10000; 200 if it cannot be read)")
	fs.IntVar(&f.connsPerAddr, "conns-per-address", sshserver.DefaultConnsPerAddress, "most connections from one address that have not authenticated yet (once in, limits are per key: an office behind one address is not capped)")
	fs.Float64Var(&f.connectRate, "connect-rate", sshserver.DefaultConnectRate, "new connections per address per second, before authentication")
	fs.IntVar(&f.connectBurst, "connect-burst", sshserver.DefaultConnectBurst, "new connections from one address at once, above --connect-rate (an office arriving together)")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 30*time.Minute, "disconnect a participant after this long without a key press")
	fs.DurationVar(&f.stallTimeout, "stall-timeout", 15*time.Second, "disconnect a participant who has not answered a keepalive, or whose output has been blocked, for this long (a suspended laptop)")
	fs.StringVar(&f.retention, "retention", "", "delete ended sessions once they are older than this (180d, 26w, 72h): at start, then daily (default: keep them)")
	fs.StringVar(&f.publicHost, "public-host", "", "host name (or host:port) that facilitators' screens give in the join command (default: the address each client connected to)")
	fs.StringVar(&f.notifyAt, "notify-at", "08:00", "with --notify, post each team's open action items due that day and overdue every day at this time (HH:MM, the server's time zone), or off")
	fs.BoolVar(&f.proxyProtocol, "proxy-protocol", false, "behind a load balancer (HAProxy send-proxy-v2): take each client's address from the PROXY header (v1 or v2) every connection must then start with; one without is closed")
	fs.BoolVar(&f.allowAnonymous, "allow-anonymous", false, "also let people in without a key (keyboard-interactive); each connection is a new participant")
	addThemeFlag(cmd, &g.theme, "the look of the screen for clients that choose none (each may: join CODE --theme NAME, or SetEnv HUDDLE_THEME=NAME)")
	return cmd
}

func runServe(ctx context.Context, g globalFlags, f serveFlags) error {
	logger := log.NewWithOptions(os.Stderr, log.Options{Prefix: "huddle", ReportTimestamp: true})
	if f.maxSessions <= 0 || f.idleTimeout <= 0 {
		return errors.New("the session limit and the idle timeout must be positive (--max-sessions, --idle-timeout)")
	}
	if f.connsPerAddr < 0 || f.connectRate < 0 || f.connectBurst < 0 {
		return errors.New("the limits per address cannot be negative (--conns-per-address, --connect-rate, --connect-burst; 0: the default)")
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
	dueAt, err := notifyAt(f.notifyAt)
	if err != nil {
		return err
	}
	if f.allowAnonymous && f.authorizedKeys != "" {
		return errors.New("--allow-anonymous would let in people --authorized-keys leaves out; choose one")
	}
	st, done, err := openLocked(ctx, g.where(), "huddle serve")
	if err != nil {
		return err
	}
	defer done()
	if w := g.where(); w.shared() {
		logger.Info("sessions are kept in PostgreSQL, shared with any other node on it", "database", redactURL(w.database))
	}
	hostKey, err := serveHostKey(ctx, g, f, st, logger)
	if err != nil {
		return err
	}
	ended, err := exportOnEnd(g.exportDir, st, logger)
	if err != nil {
		return err
	}
	// Stopped after the server (whose rooms' Ended hooks feed it) and
	// before the store.
	notifier, stopNotifier, err := startNotifier(g, st, logger, dueAt)
	if err != nil {
		return err
	}
	defer stopNotifier()
	cfg := sshserver.Config{
		HostKey: hostKey, AllowAnonymous: f.allowAnonymous, MaxSessions: f.maxSessions,
		IdleTimeout: f.idleTimeout, StallTimeout: f.stallTimeout, Logger: logger, Ended: bothEnded(ended, notifier.Ended),
		PublicHost: f.publicHost, Theme: g.theme, ConnsPerAddress: f.connsPerAddr, ConnectRate: f.connectRate, ConnectBurst: f.connectBurst,
		ProxyProtocol: f.proxyProtocol,
	}
	if notifier != nil {
		cfg.Opened = notifier.Opened
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
	defer srv.StartSchedule(ctx)() // the teams' scheduled sessions (huddle team T --standup …)
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hup, stopReload := reloadKeys(ctx, srv, f.authorizedKeys, logger)
	defer stopReload()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	for done := false; !done; {
		select {
		case err := <-errc:
			return err
		case <-hup:
			if f.authorizedKeys == "" {
				logger.Info("SIGHUP: nothing to reload (no --authorized-keys)")
				continue
			}
			_ = srv.ReloadAuthorizedKeys(f.authorizedKeys, "SIGHUP")
		case <-ctx.Done():
			done = true
		}
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

// reloadKeys makes SIGHUP reload the authorized keys rather than stop the
// server (main stops every command on SIGHUP, as for a closed terminal; a
// server has no terminal to lose), and watches the file for changes until
// ctx ends or stop is called. SIGHUPs arrive on the returned channel.
func reloadKeys(ctx context.Context, srv *sshserver.Server, path string, logger *log.Logger) (<-chan os.Signal, func()) {
	hup := make(chan os.Signal, 1)
	signal.Ignore(syscall.SIGHUP) // takes SIGHUP from main's context
	signal.Notify(hup, syscall.SIGHUP)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if path != "" {
			srv.WatchAuthorizedKeys(wctx, path)
		}
	}()
	if path != "" {
		logger.Info("authorized keys are reloaded on SIGHUP and when the file changes", "file", path)
	}
	return hup, func() {
		signal.Stop(hup)
		cancel()
		<-done
	}
}

// serveHostKey is the server's host key: the --host-key file if given;
// else, with a database that keeps one (PostgreSQL, shared by several
// nodes), the key kept there, made by the first node that asks, so that
// clients see the same key whichever node they reach; else host_ed25519
// in the data directory.
func serveHostKey(ctx context.Context, g globalFlags, f serveFlags, st database, logger *log.Logger) ([]byte, error) {
	if hk, ok := st.(session.HostKeyStore); ok && f.hostKey == "" {
		b, err := hk.HostKey(ctx, sshserver.NewHostKey)
		if err != nil {
			return nil, fmt.Errorf("the host key kept in the database: %w", err)
		}
		signer, err := gossh.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("the host key kept in the database: %w", err)
		}
		logger.Info("host key kept in the database", "fingerprint", gossh.FingerprintSHA256(signer.PublicKey()))
		return b, nil
	}
	path := f.hostKey
	if path == "" {
		path = filepath.Join(g.dataDir, "host_ed25519")
	}
	return sshserver.EnsureHostKey(path)
}
