package sshserver

import (
	"errors"
	"strings"
	"testing"

	"charm.land/ssh"

	"huddle/tui"
)

func TestThemeWordsOfTheCommand(t *testing.T) {
	hc := tui.ThemeHighContrast
	def := tui.ThemeDefault
	for _, tc := range []struct {
		line   string
		verb   verb
		theme  *tui.Theme // nil: none given
		code   string     // join's
		status int        // of the refusal; 0: accepted
		says   string     // in the refusal
	}{
		{line: "join maple-otter-kite-40721", verb: verbJoin, code: "maple-otter-kite-40721"},
		{line: "join maple-otter-kite-40721 --theme high-contrast", verb: verbJoin, theme: &hc, code: "maple-otter-kite-40721"},
		{line: "join --theme=high-contrast maple-otter-kite-40721", verb: verbJoin, theme: &hc, code: "maple-otter-kite-40721"},
		{line: "watch maple-otter-kite-40721 -theme high-contrast", verb: verbJoin, theme: &hc, code: "maple-otter-kite-40721"},
		{line: "--theme high-contrast join maple-otter-kite-40721", verb: verbJoin, theme: &hc, code: "maple-otter-kite-40721"},
		{line: "join maple-otter-kite-40721 --theme high-contrast --theme default", verb: verbJoin, theme: &def, code: "maple-otter-kite-40721"},
		{line: "--theme high-contrast", verb: verbLobby, theme: &hc},
		{line: "--theme=default", verb: verbLobby, theme: &def},
		{line: "join maple-otter-kite-40721 --theme neon", status: 2, says: `huddle: --theme: unknown theme "neon": the themes are default, high-contrast` + "\n"},
		{line: "--theme", status: 2, says: "--theme needs a theme: default, high-contrast"},
		{line: "join maple-otter-kite-40721 --theme", status: 2, says: "--theme needs a theme"},
		{line: "--theme=", status: 0, verb: verbLobby, theme: &def}, // "" is the default, as for HUDDLE_THEME
		{line: "join --theme high-contrast", status: 2, says: "usage: join CODE"},
		{line: "join a b --theme high-contrast", status: 2, says: "usage: join CODE"},
		{line: "--theme high-contrast export maple-otter-kite-40721", status: 2, says: "--theme is for the lobby, join and watch"},
		{line: "--theme high-contrast help", status: 2, says: "--theme is for the lobby, join and watch"},
		{line: "--theme high-contrast frobnicate", status: 2, says: `unknown command "frobnicate"`},
		{line: "join x --theme '\x1b]52;c;AA==\x07'", status: 2, says: `unknown theme "\x1b]52;c;AA==\a"`},
		// Other commands' words are theirs.
		{line: "decide --team t --theme high-contrast", status: 2, says: "decide: unknown flag -theme"},
		{line: "export maple-otter-kite-40721 --theme high-contrast", status: 2, says: "unknown flag -theme"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			cmd, err := parseCommand(splitCommand(tc.line))
			if tc.status != 0 {
				var refused *commandError
				if !errors.As(err, &refused) || refused.status != tc.status {
					t.Fatalf("got %+v, %v; want a refusal with status %d", cmd, err, tc.status)
				}
				if !strings.Contains(refused.text, tc.says) {
					t.Fatalf("refused with %q, want it to say %q", refused.text, tc.says)
				}
				checkPrintable(t, refused.text)
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if cmd.verb != tc.verb || cmd.target.code != tc.code {
				t.Fatalf("got verb %v to %q, want %v to %q", cmd.verb, cmd.target.code, tc.verb, tc.code)
			}
			if (cmd.theme == nil) != (tc.theme == nil) || (cmd.theme != nil && *cmd.theme != *tc.theme) {
				t.Fatalf("theme %v, want %v", cmd.theme, tc.theme)
			}
		})
	}
}

// themeSession is a session with a command and an environment, for
// conn.theme.
type themeSession struct {
	ssh.Session
	raw string
	env []string
}

func (s themeSession) RawCommand() string   { return s.raw }
func (s themeSession) Environ() []string    { return s.env }
func (s themeSession) Context() ssh.Context { return themeCtx{} }

// themeCtx is a context that never ends, as commandWords reads it.
type themeCtx struct{ ssh.Context }

func (themeCtx) Err() error { return nil }

// TestThemeComesFromTheCommandThenTheEnvironmentThenTheServer: the word
// wins over HUDDLE_THEME, which wins over the server's default; the last
// HUDDLE_THEME sent counts, an empty one is none, a wrong one is refused
// with the themes named.
func TestThemeComesFromTheCommandThenTheEnvironmentThenTheServer(t *testing.T) {
	for _, tc := range []struct {
		name    string
		server  tui.Theme
		command string
		env     []string
		want    tui.Theme
		says    string // in the error; "": none
	}{
		{"nothing given: the server's", tui.ThemeHighContrast, "join abc", nil, tui.ThemeHighContrast, ""},
		{"nothing given: the default", tui.ThemeDefault, "", nil, tui.ThemeDefault, ""},
		{"the environment", tui.ThemeDefault, "join abc", []string{"HUDDLE_THEME=high-contrast"}, tui.ThemeHighContrast, ""},
		{"the environment over the server", tui.ThemeHighContrast, "", []string{"HUDDLE_THEME=default"}, tui.ThemeDefault, ""},
		{"the last one sent", tui.ThemeDefault, "", []string{"HUDDLE_THEME=neon", "HUDDLE_THEME=high-contrast"}, tui.ThemeHighContrast, ""},
		{"an empty one is none", tui.ThemeHighContrast, "", []string{"HUDDLE_THEME="}, tui.ThemeHighContrast, ""},
		{"the command over the environment", tui.ThemeDefault, "join abc --theme high-contrast", []string{"HUDDLE_THEME=default"}, tui.ThemeHighContrast, ""},
		{"the command over a wrong environment", tui.ThemeDefault, "--theme default", []string{"HUDDLE_THEME=neon"}, tui.ThemeDefault, ""},
		{"a wrong one", tui.ThemeDefault, "join abc", []string{"HUDDLE_THEME=neon"}, tui.ThemeDefault,
			`HUDDLE_THEME: unknown theme "neon": the themes are default, high-contrast`},
		{"a nasty one", tui.ThemeDefault, "join abc", []string{"HUDDLE_THEME=\x1b[2J"}, tui.ThemeDefault, `unknown theme "\x1b[2J"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &conn{s: &Server{cfg: Config{Theme: tc.server}}, sess: themeSession{raw: tc.command, env: tc.env}}
			got, err := c.theme()
			if tc.says != "" {
				if err == nil || !strings.Contains(err.Error(), tc.says) {
					t.Fatalf("got %v, %v; want an error saying %q", got, err, tc.says)
				}
				checkPrintable(t, err.Error())
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// hcAccent is the high-contrast theme's accent on a dark terminal (the
// header's title), as a 256-colour client receives it; the default
// theme does not use that colour.
const hcAccent = "38;5;228"

// TestThemeReachesTheClient: over SSH, the theme chosen by the command
// word or by HUDDLE_THEME is the one the client's screen is drawn in,
// beside a participant of the same session in the default theme; a
// wrong one is refused before the program starts.
func TestThemeReachesTheClient(t *testing.T) {
	ts := startServer(t, t.TempDir(), nil)
	code := ts.newStandupCode("--team t --members A,B,C")
	word := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code+" --theme high-contrast"))
	env := dialTest(t, ts.addr, "b", newTestKey(t), withCommand("join "+code), withEnv("HUDDLE_THEME", "high-contrast"))
	plain := dialTest(t, ts.addr, "c", newTestKey(t), withCommand("join "+code))
	for _, c := range []*testClient{word, env, plain} {
		c.WaitFor("Here (3)")
	}
	for name, c := range map[string]*testClient{"--theme": word, "HUDDLE_THEME": env} {
		if !strings.Contains(string(c.Raw()), hcAccent) {
			t.Errorf("%s high-contrast: the client got no high-contrast colour", name)
		}
	}
	if strings.Contains(string(plain.Raw()), hcAccent) {
		t.Error("a client that chose no theme got the high-contrast one")
	}

	bad := dialTest(t, ts.addr, "d", newTestKey(t), withCommand("join "+code), withEnv("HUDDLE_THEME", "neon"))
	if status := bad.WaitForExit(); status == 0 {
		t.Fatal("a wrong HUDDLE_THEME was taken")
	}
	if got := bad.Stderr(); !strings.Contains(got, `unknown theme "neon": the themes are default, high-contrast`) {
		t.Fatalf("a wrong HUDDLE_THEME: %q", got)
	}
}

// TestServerThemeIsTheDefault: with Config.Theme, clients that choose
// nothing get it; one that asks for the default gets that.
func TestServerThemeIsTheDefault(t *testing.T) {
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Theme = tui.ThemeHighContrast })
	code := ts.newStandupCode("--team t --members A,B")
	served := dialTest(t, ts.addr, "a", newTestKey(t), withCommand("join "+code))
	chosen := dialTest(t, ts.addr, "b", newTestKey(t), withCommand("join "+code+" --theme default"))
	served.WaitFor("Here (2)")
	chosen.WaitFor("Here (2)")
	if !strings.Contains(string(served.Raw()), hcAccent) {
		t.Error("the server's theme did not reach a client that chose none")
	}
	if strings.Contains(string(chosen.Raw()), hcAccent) {
		t.Error("--theme default did not win over the server's theme")
	}
}

// checkThemed checks a command with --theme words, for FuzzParseCommand,
// and reports whether it had any: it is the command without them (the
// lobby, join or watch) and the theme, or a printable refusal.
func checkThemed(t *testing.T, args []string, cmd command, err error) bool {
	t.Helper()
	rest, theme, terr := cutTheme(args)
	if terr == nil && theme == nil {
		if cmd.theme != nil {
			t.Fatalf("%q has no --theme, yet parsed as %v", args, *cmd.theme)
		}
		return false
	}
	if err != nil {
		var refused *commandError
		if !errors.As(err, &refused) || (refused.status != 1 && refused.status != 2) || !strings.HasSuffix(refused.text, "\n") {
			t.Fatalf("%q refused with %T %v", args, err, err)
		}
		checkPrintable(t, refused.text)
		return true
	}
	if terr != nil {
		t.Fatalf("%q accepted as %+v despite %v", args, cmd, terr)
	}
	if cmd.verb != verbLobby && cmd.verb != verbJoin {
		t.Fatalf("%q: --theme taken by %v", args, cmd.verb)
	}
	bare, err := parseCommand(rest)
	if err != nil || cmd.theme == nil || *cmd.theme != *theme || bare.target != cmd.target {
		t.Fatalf("%q parsed as %+v, without its --theme as %+v, %v", args, cmd, bare, err)
	}
	return true
}
