package tui

import (
	"strings"

	"huddle/session"
)

// hints are the command lines the screens suggest, as they work where the
// participant is: huddle commands at the shared keyboard, ssh lines over
// SSH.
type hints struct{ *common }

// The hints a screen gives name commands that work where the participant
// is: over SSH a hint is an ssh command line for the server they are on
// (their Options.JoinCommand without -t and join), locally a huddle one.

// runLine is how this participant runs one of huddle's commands: "ssh -p
// 2222 host export …" over SSH, "huddle export …" at the shared keyboard.
func (m hints) runLine(args string) string {
	return remotePrefix(m.opts.JoinCommand) + " " + args
}

// remotePrefix is the start of a command line: the ssh invocation of the
// server for a JoinCommand ("ssh -t -p 2222 host join" → "ssh -p 2222
// host"), else "huddle".
func remotePrefix(join string) string {
	p, ok := strings.CutSuffix(join, " join")
	if !ok || p == "" {
		return "huddle"
	}
	return strings.Replace(p, "ssh -t ", "ssh ", 1)
}

// exportHint says how to export the minutes and the record of the
// session: over SSH by its join code (what export takes there), locally
// by its id.
func (m hints) exportHint(id string) string {
	ref := id
	if m.opts.JoinCommand != "" && m.state.Config.Code != "" {
		ref = m.state.Config.Code
	}
	return "Minutes: " + m.runLine("export "+ref) + "  ·  record: add --format json"
}

// decisionLogHint says how to see the team's decision log; "" for a
// session without a team.
func (m hints) decisionLogHint() string {
	if m.state.Config.Team == "" {
		return ""
	}
	return "Decision log: " + m.runLine("decisions --team "+quoteArg(m.state.Config.Team))
}

// agreementHint says how a team gets working agreements: they are given
// when a session is opened (and the team keeps them for the next one).
func (m hints) agreementHint() string {
	kind := "standup"
	if m.state.Config.Kind == session.Retro {
		kind = "retro"
	}
	if m.opts.JoinCommand != "" {
		return "none yet · next time: " + m.runLine("new "+kind+" --team "+quoteArg(m.state.Config.Team)+` --agreement "Be on time"`)
	}
	return "none yet · next time: " + m.runLine(kind+` --agreement "Be on time"`)
}

// quoteArg quotes a word for a shell when it needs it.
func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
