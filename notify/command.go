package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	shlex "github.com/anmitsu/go-shlex"

	"huddle/session"
	"huddle/session/export"
)

// command is the --on-end command: a program and its arguments, split as
// a POSIX shell splits words (quotes and backslashes), and run without a
// shell: no pipes, redirections or variables. For those, give a script or
// sh -c '…'.
type command struct {
	argv []string
	id   string // what the store and the log know it by
}

func parseCommand(line string) (*command, error) {
	argv, err := shlex.Split(line, true)
	if err != nil {
		return nil, fmt.Errorf("--on-end: %w", err)
	}
	if len(argv) == 0 {
		return nil, errors.New("--on-end: no command given")
	}
	return &command{argv: argv, id: targetID("command", line)}, nil
}

// outputLimit is how much of the command's output the log shows.
const outputLimit = 2 << 10

// runCommand runs the on-end command with the session's JSON record on
// stdin (export.JSON, without key fingerprints) and its id, team and kind
// in HUDDLE_SESSION, HUDDLE_TEAM and HUDDLE_KIND, and records the
// outcome. A failure is logged; it is not run again.
func (n *Notifier) runCommand(id string) {
	info, record, err := n.record(id)
	if err != nil {
		n.commandFailures.Add(1)
		n.log.Error("on-end command not run: cannot read the session", "session", id, "err", err)
		n.finish(id, EventEnded, n.command.id, session.DeliveryFailed)
		return
	}
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.CommandTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, n.command.argv[0], n.command.argv[1:]...)
	c.Stdin = bytes.NewReader(record)
	c.Env = append(os.Environ(), "HUDDLE_SESSION="+info.ID, "HUDDLE_TEAM="+info.Team, "HUDDLE_KIND="+info.Kind.String())
	var out limitedBuffer
	c.Stdout, c.Stderr = &out, &out
	c.WaitDelay = 5 * time.Second // a child that keeps the pipes open
	start := n.cfg.Now()
	err = c.Run()
	if n.ctx.Err() != nil { // cut short by a stop, not by its timeout
		n.log.Warn("on-end command stopped with huddle; it runs again at the next start", "session", id)
		return
	}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w after %s", err, n.cfg.CommandTimeout)
		}
		n.commandFailures.Add(1)
		n.log.Error("on-end command failed", "session", id, "command", n.command.argv[0], "err", err, "output", out.String())
		n.finish(id, EventEnded, n.command.id, session.DeliveryFailed)
		return
	}
	n.commands.Add(1)
	n.log.Info("on-end command ran", "session", id, "command", n.command.argv[0], "took", n.cfg.Now().Sub(start).Round(time.Millisecond))
	n.finish(id, EventEnded, n.command.id, session.DeliverySent)
}

// record is the session's JSON record, without key fingerprints.
func (n *Notifier) record(id string) (session.Info, []byte, error) {
	ctx, cancel := storeContext()
	defer cancel()
	info, err := n.cfg.Store.Session(ctx, id)
	if err != nil {
		return info, nil, err
	}
	events, err := n.cfg.Store.Events(ctx, id)
	if err != nil {
		return info, nil, err
	}
	var b bytes.Buffer
	if err := export.JSONWith(&b, info, events, export.RecordOptions{}); err != nil {
		return info, nil, err
	}
	return info, b.Bytes(), nil
}

// limitedBuffer keeps the first outputLimit bytes written to it.
type limitedBuffer struct{ b bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := outputLimit - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	return strings.TrimSpace(session.CleanText(l.b.String(), outputLimit))
}
