package sshserver

import (
	"regexp"
	"strings"

	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
)

// A client's environment and terminal type are bytes it chose. Handed to
// Bubble Tea as they came, they reach its colour detection, which looks
// TERM up in the server's terminfo database (a TERM of
// "../../../dev/zero" read the server out of memory), honours TTY_FORCE
// and TERMINFO, and runs `tmux info` when TMUX is set. So a participant's
// program gets only the environment below, and its colour profile is
// decided here, from these values alone, never by probing the server's
// files or tools.

// termPattern is what a terminal type looks like: a name such as
// xterm-256color, screen.xterm-256color or xterm-kitty; never a path.
var termPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)

// fallbackTerm stands in for a TERM that is not a terminal type's name:
// 16 colours, which every terminal that sends such a thing can show.
const fallbackTerm = "xterm"

// clientTerm is the terminal type a client's pty request claims, if it
// is a name, else fallbackTerm. An empty TERM stays empty (a terminal
// without colours).
func clientTerm(term string) string {
	if term == "" || termPattern.MatchString(term) {
		return term
	}
	return fallbackTerm
}

// colourHints are the environment variables a client may send that huddle
// honours, each with the values it accepts.
var colourHints = map[string]*regexp.Regexp{
	"NO_COLOR":       regexp.MustCompile(`^[A-Za-z0-9]{0,8}$`),
	"CLICOLOR":       regexp.MustCompile(`^[01]$`),
	"CLICOLOR_FORCE": regexp.MustCompile(`^[01]$`),
	"COLORTERM":      regexp.MustCompile(`^(?i:truecolor|24bit|yes|true|)$`),
}

// clientEnviron is the whole environment a participant's program sees:
// the cleaned TERM of the pty and the colour hints, nothing else. Later
// values of a variable win, as in a shell.
func clientEnviron(sess ssh.Session) []string {
	pty, _, _ := sess.Pty()
	seen := map[string]string{}
	for _, kv := range sess.Environ() {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if pat, ok := colourHints[k]; ok && pat.MatchString(v) {
			seen[k] = v
		}
	}
	env := []string{"TERM=" + clientTerm(pty.Term)}
	for _, k := range []string{"NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLORTERM"} {
		if v, ok := seen[k]; ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// colourProfile is the colour profile of a client with this environment
// (from clientEnviron). colorprofile.Env reads the values it is given
// and nothing else: no terminfo, no tmux, no file descriptor.
func colourProfile(env []string) colorprofile.Profile {
	return colorprofile.Env(env)
}
