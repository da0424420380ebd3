package sshserver

import (
	"io"
	"strings"

	"charm.land/ssh"
	"charm.land/wish/v2"

	plainview "huddle/tui/plain"
)

// The plain view (package tui/plain): the session as lines, one per
// change, and typed line commands, for screen readers, braille displays,
// logs and scripts. It is chosen with join CODE --plain or watch CODE
// --plain, and by a client whose terminal type is dumb or that sends
// HUDDLE_PLAIN=1 (ssh -o SetEnv=HUDDLE_PLAIN=1). It writes no escape
// sequence at all, and works with a pty (ssh -t: the server echoes and
// edits the typed line) and without one (lines in, lines out).

// wantsPlain reports whether the session asked for the plain view.
func wantsPlain(sess ssh.Session, t target) bool {
	if t.plain {
		return true
	}
	if pty, _, ok := sess.Pty(); ok && pty.Term == "dumb" {
		return true
	}
	want := false
	for _, kv := range sess.Environ() {
		switch {
		case kv == "TERM=dumb":
			want = true
		case strings.HasPrefix(kv, "HUDDLE_PLAIN="):
			want = kv == "HUDDLE_PLAIN=1" // the last value wins
		}
	}
	return want
}

// plainLobby answers a client that asked for the plain view without a
// join code: the lobby is a full screen, so it says how to join instead.
func (s *Server) plainLobby(sess ssh.Session) int {
	join := s.joinCommand(sess.LocalAddr())
	if join == "" {
		join = "ssh -t -p PORT HOST join"
	}
	io.WriteString(sess, "huddle: the plain view needs a join code:\n  "+join+" CODE --plain\nor, to watch: the same with watch instead of join.\n")
	return 2
}

// plainSession runs the plain view of the session the target names, for
// this connection's key, with the same entry (codes paid for, the door,
// presence) as the TUI's.
func (s *Server) plainSession(sess ssh.Session, t target) {
	c := s.newConn(sess)
	defer c.close()
	room, me, err := c.enter(t.code, t.observer)
	if err != nil {
		wish.Fatalln(sess, "huddle: "+err.Error())
		return
	}
	if !s.track(c, nil) {
		wish.Fatalln(sess, "huddle: the server is restarting; try again in a moment")
		return
	}
	defer s.untrack(c)
	_, _, raw := sess.Pty()
	out := failWriter{w: sess, fail: c.cancel}
	opts := plainview.Options{Raw: raw, Location: clientZone(c.env), Key: c.key, Actions: s.cfg.Actions, ActionBurst: s.cfg.ActionBurst,
		IdleTimeout: s.cfg.IdleTimeout, OnIdle: c.opts.OnIdle, JoinCommand: c.opts.JoinCommand}
	if err := plainview.Run(c.ctx, room, me, sess, out, opts); err != nil && c.ctx.Err() == nil {
		s.log.Debug("plain view", "user", c.user, "err", err)
	}
	c.goodbye()
}
