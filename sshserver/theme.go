package sshserver

import (
	"fmt"
	"strings"

	"huddle/tui"
)

// A participant's theme (tui.Theme) is, the first that is given: the
// --theme word of the command (`ssh -t host join CODE --theme
// high-contrast`; also for watch and the lobby), the HUDDLE_THEME the
// client sends (OpenSSH: SetEnv HUDDLE_THEME=high-contrast), the server's
// default (Config.Theme). A name that is no theme's is refused with the
// list of themes, whichever way it came.

// themeEnv is the environment variable a client sends to choose its
// theme.
const themeEnv = "HUDDLE_THEME"

// themeWord reports whether w is --theme or -theme, with its value if
// it has one (--theme=high-contrast).
func themeWord(w string) (value string, hasValue, ok bool) {
	name, value, hasValue := strings.Cut(w, "=")
	return value, hasValue, name == "--theme" || name == "-theme"
}

// cutTheme takes the --theme words (--theme NAME or --theme=NAME, the
// last one winning) out of the command's words, if the command may be
// one that opens the interface: join, watch, or flags alone (the lobby).
// The other commands' words are theirs, returned as they are. theme is
// nil if none was given.
func cutTheme(args []string) (rest []string, theme *tui.Theme, err error) {
	if len(args) == 0 {
		return args, nil, nil
	}
	if !strings.HasPrefix(args[0], "-") && args[0] != "join" && args[0] != "watch" {
		return args, nil, nil
	}
	for i := 0; i < len(args); i++ {
		v, has, ok := themeWord(args[i])
		if !ok {
			rest = append(rest, args[i])
			continue
		}
		if !has {
			if i+1 == len(args) {
				return nil, nil, refuse(2, "--theme needs a theme: %s", strings.Join(tui.ThemeNames(), ", "))
			}
			i++
			v = args[i]
		}
		t, err := tui.ParseTheme(v)
		if err != nil {
			return nil, nil, refuse(2, "--theme: %v", err)
		}
		theme = &t
	}
	return rest, theme, nil
}

// parseThemed parses the rest of a command that had a --theme (see
// cutTheme), which only the lobby, join and watch take.
func parseThemed(rest []string, theme *tui.Theme, err error) (command, error) {
	if err != nil {
		return command{}, err
	}
	cmd, err := parseCommand(rest)
	if err != nil {
		return command{}, err
	}
	if cmd.verb != verbLobby && cmd.verb != verbJoin {
		return command{}, refuse(2, "--theme is for the lobby, join and watch")
	}
	cmd.theme = theme
	return cmd, nil
}

// clientTheme is the last HUDDLE_THEME the client sent, if it sent one
// that is not empty. (Not part of clientEnviron: the program never sees
// it, the model is given the theme.)
func clientTheme(environ []string) (string, bool) {
	var theme string
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, themeEnv+"="); ok {
			theme = v
		}
	}
	return theme, theme != ""
}

// theme is the theme of the connection's program (see above).
func (c *conn) theme() (tui.Theme, error) {
	if cmd, err := commandOf(c.sess); err == nil && cmd.theme != nil {
		return *cmd.theme, nil
	}
	if v, ok := clientTheme(c.sess.Environ()); ok {
		t, err := tui.ParseTheme(v)
		if err != nil {
			return tui.ThemeDefault, fmt.Errorf("%s: %w", themeEnv, err)
		}
		return t, nil
	}
	return c.s.cfg.Theme, nil
}
