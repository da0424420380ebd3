package sshserver

import (
	"regexp"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zones for clients' TZ, whatever the server's files

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
		if k == "TZ" {
			if _, ok := zoneOf(v); ok {
				seen[k] = v
			} else {
				delete(seen, k) // the last value wins, even a bad one
			}
		}
	}
	env := []string{"TERM=" + clientTerm(pty.Term)}
	if tz, ok := seen["TZ"]; ok {
		env = append(env, "TZ="+tz)
	}
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

// zonePattern is what an IANA time zone name looks like: Europe/Berlin,
// America/Argentina/Buenos_Aires, Etc/GMT+5, UTC. No dots, so never "..",
// no leading slash, nothing but letters, digits, _, + and -: a client's
// TZ names a zone of the zone database, never a path of the server's.
var zonePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z_]{0,31}(/[A-Za-z0-9_+-]{1,32}){0,2}$`)

// zones caches the zones clients named, once loaded: a name that loads
// once is not read from disk again. Only real zones get in, so it stays
// as small as the zone database.
var zones sync.Map // string → *time.Location

// zoneOf is the time zone a client's TZ names, if it is a valid IANA
// name (see zonePattern) of a zone that exists. "Local" is the server's
// zone, not the client's: refused, as is anything else. The name is
// looked up in the zoneinfo database (the system's, else the copy built
// in): zonePattern allows no dot and no leading slash, so it can name
// nothing outside the database's directory.
func zoneOf(tz string) (*time.Location, bool) {
	if tz == "" || tz == "Local" || !zonePattern.MatchString(tz) {
		return nil, false
	}
	if loc, ok := zones.Load(tz); ok {
		return loc.(*time.Location), true
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, false
	}
	zones.Store(tz, loc)
	return loc, true
}

// clientZone is the time zone of a client that sent a valid TZ (the last
// one it sent), else nil: the server's.
func clientZone(env []string) *time.Location {
	for _, kv := range env {
		if tz, ok := strings.CutPrefix(kv, "TZ="); ok {
			loc, _ := zoneOf(tz)
			return loc
		}
	}
	return nil
}
