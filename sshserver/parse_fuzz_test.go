package sshserver

import (
	"errors"
	"flag"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	shlex "github.com/anmitsu/go-shlex"

	"huddle/session"
	"huddle/session/export"
)

// splitCommand splits an SSH exec request's command line as
// ssh.Session.Command does.
func splitCommand(line string) []string {
	args, _ := shlex.Split(line, true)
	return args
}

// commandLines are command lines the parser is tested on; the fuzzer starts
// from them too.
var commandLines = []string{
	"",
	"help",
	"--help",
	"-h",
	"help me",
	"formats",
	"decide --team t --with Ana,Ben Use Postgres",
	"decisions --team t --format json",
	"ack --team t --all",
	"prep standup --team t --yesterday a --today b",
	"away --team t --back",
	"trends --team t --since 90d --format csv --people --bom",
	"trends --team t --format pdf",
	"ics --team t",
	"team t --standup 'Mon-Fri 10:00 Europe/Berlin' --retro 'Fri/2 14:00 UTC from 2026-01-05'",
	"actions",
	"actions --team t --owner Ana --overdue --format csv",
	"actions done --team t abc/a1 --note merged",
	"actions reassign --team t abc/a1 Ana",
	"actions due --team t abc/a1 2026-12-04",
	"new standup --team t --agreement x --agreement \"Be on time\"",
	"join maple-otter-kite-40721",
	"join maple-otter-kite-40721 --theme high-contrast",
	"--theme=default watch maple-otter-kite-40721",
	"--theme neon",
	"watch maple-otter-kite-40721",
	"join 'Maple Otter  kite-40721'",
	"join",
	"watch a b",
	"new standup --team musicstore --members Lukas,Christian,Julia --at 10:00 --timebox 15m --turn 2m --order random --facilitator Maria",
	"new retro --team t --format 4ls --votes 5 --vote-cap 2 --topic 5m --phases write=10m,vote=5m --anonymous --auto-advance --esvp --at 9:30",
	"new retro --team t --columns Keep,Drop,Try",
	"new standup",
	"new standup -h",
	"new standup --team t extra",
	"new standup --team t --order sideways",
	"new standup --team t --votes 0",
	"new standup --team t --at 25:00",
	"new retro --team t --phases vote=5h",
	"new retro --team t --format nope",
	"new meeting --team t",
	"new standup --team t --nope",
	"new standup ---team t",
	"new standup --team=t --timebox=-1m",
	"export maple-otter-kite-40721",
	"export --format json maple-otter-kite-40721",
	"export maple-otter-kite-40721 --format html",
	"export maple-otter-kite-40721 --format pdf",
	"export",
	"export not-a-code",
	"export a b",
	"frobnicate",
	// Nasty input: escape sequences, bidi controls, 8-bit CSI, NUL,
	// invalid UTF-8, long text.
	"'\x1b]52;c;cm0gLXJmIH4=\x07'",
	"new standup '--\x1b]52;c;cm0gLXJmIH4=\x07'",
	"new standup '-\x1b[2J\x1b[H'",
	"new standup '---\x1b]0;pwned\x07'",
	"export '--\u202eevil'",
	"export '--\x9b31m'",
	"export '--\xc2\x9b2J'",
	"new standup '--team=\x1b[31mred\x1b[0m' --order '\x1b]52;c;AA==\x07'",
	"join '\x1b]52;c;AA==\x07'",
	"'\u202ejoin'",
	"new standup '--\x00'",
	"new standup '--\xff\xfe'",
	"export '" + strings.Repeat("maple-", 200) + "'",
	"new standup --team " + strings.Repeat("x", 5000),
}

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		line   string
		verb   verb
		status int    // of the refusal; 0: accepted
		says   string // in the refusal
	}{
		{"", verbLobby, 0, ""},
		{"help", verbHelp, 0, ""},
		{"-h", verbHelp, 0, ""},
		{"join maple-otter-kite-40721", verbJoin, 0, ""},
		{"watch maple-otter-kite-40721", verbJoin, 0, ""},
		{"join nothing-like-a-code", verbJoin, 0, ""}, // conn.enter refuses, and counts it
		{"join", 0, 2, "usage: join CODE"},
		{"watch a b", 0, 2, "usage: watch CODE"},
		{"new standup --team t", verbNew, 0, ""},
		{"new retro --team t --columns Keep,Drop,Try", verbNew, 0, ""},
		{"new", 0, 2, "usage: new standup|retro"},
		{"new standup", 0, 2, "--team is required"},
		{"new standup --team t extra", 0, 2, `unexpected "extra"`},
		{"new standup --team t --order sideways", 0, 2, "unknown order"},
		{"new standup --team t --votes 0", 0, 2, "--votes 0: each person needs at least 1 dot"},
		{"new standup --team t --turn 99h", 0, 2, "--turn 99h: a turn takes from 10s to 1h"},
		{"new standup --team t --turn 1ms", 0, 2, "--turn 1ms: a turn takes from 10s"},
		{"new standup --team t --turn 20m --timebox 15m", 0, 2, "--turn 20m is longer than the whole stand-up (--timebox 15m)"},
		{"new retro --team t --topic 0", 0, 2, "--topic 0s: a topic takes from 30s to 2h"},
		{"new standup --team t --timebox 99h", 0, 2, "--timebox 99h: the stand-up takes from 1m to 8h"},
		{"new standup --team t --at '10:00 Europe/Berlin'", verbNew, 0, ""},
		{"new standup --team t --agreement 'Be on time' --agreement 'Cameras on'", verbNew, 0, ""},
		{"formats", verbFormats, 0, ""},
		{"decide --team t 'Use Postgres'", verbTeamLog, 0, ""},
		{"decisions --team t --since 14d --format csv", verbTeamLog, 0, ""},
		{"ack --team t --all", verbTeamLog, 0, ""},
		{"review --team t abc/p1 --reason 'I was away'", verbTeamLog, 0, ""},
		{"missed --team t", verbTeamLog, 0, ""},
		{"prep standup --team t --today 'fix the build' --blocker 'CI red'", verbTeamLog, 0, ""},
		{"away --team t --until 2026-12-18", verbTeamLog, 0, ""},
		{"trends --team t --since 12w --format html --people", verbTrends, 0, ""},
		{"trends --team t", verbTrends, 0, ""},
		{"trends", 0, 2, "--team is required"},
		{"trends --team t --format json", 0, 2, `unknown format "json" for trends`},
		{"trends --team t --bom", 0, 2, "--bom goes with --format csv"},
		{"trends --team t now", 0, 2, `unexpected "now"`},
		{"ics --team t", verbICS, 0, ""},
		{"ics", 0, 2, "--team is required"},
		{"ics --team t now", 0, 2, `unexpected "now"`},
		{`team t --standup "Mon-Fri 10:00 Europe/Berlin"`, verbTeam, 0, ""},
		{`team t --standup "Mon-Fry 10:00 UTC"`, 0, 2, `"Fry" is not a day`},
		{`team t --retro`, 0, 2, "--retro needs a schedule"},
		{"actions --format json", verbTeamLog, 0, ""},
		{"actions drop --team t abc/a2", verbTeamLog, 0, ""},
		{"actions done abc/a2", 0, 2, "--team is required"},
		{"actions due --team t abc/a2", 0, 2, "usage: actions due"},
		{"actions Ana", 0, 2, "unexpected"},
		{"decide --team t", 0, 2, "usage: decide"},
		{"prep retro --team t", 0, 2, "usage: prep standup"},
		{"formats 4ls", 0, 2, "usage: formats"},
		{"new standup --team t --at '10:00 Nowhere/Atall'", 0, 2, "no time zone is called"},
		{"new retro --team t --format 4ls --columns A,B", 0, 2, "--columns goes with --format custom"},
		{"new standup --team t --at 25:00", 0, 2, `--at "25:00": want HH:MM`},
		{"new standup --team " + strings.Repeat("x", 64), verbNew, 0, ""},
		{"new standup --team " + strings.Repeat("x", 65), 0, 2, "--team: invalid: the name \"xxxxxxxxxxxxxxxxxxx…\" is too long (65 columns, at most 64)"},
		{"new standup --team t --members Ann," + strings.Repeat("y", 65), 0, 2, "--members: invalid: the name"},
		{"new standup --team t --facilitator " + strings.Repeat("z", 65), 0, 2, "--facilitator: invalid"},
		{"new retro --team t --phases vote=5h", 0, 2, "up to 4h"},
		{"new retro --team t --format nope", 0, 2, "unknown format"},
		{"new standup --team t --nope", 0, 2, "huddle: new standup: unknown flag -nope; see help\n"},
		{"new standup -h", 0, 2, "Usage of new standup:\n"},
		{"export maple-otter-kite-40721 --format pdf", verbExport, 0, ""}, // checked once the session is found
		{"export", 0, 2, "usage: export CODE"},
		{"export not-a-code", 0, 1, `no session has the join code "not-a-code"`},
		{"frobnicate", 0, 2, `unknown command "frobnicate"`},
		// The flag package quotes an unknown flag raw; the refusal does not.
		{"new standup '--\x1b]52;c;cm0gLXJmIH4=\x07'", 0, 2, `unknown flag -\x1b]52;c;cm0gLXJmIH4` + "; see help\n"},
		{"export '-\u202eevil'", 0, 2, `unknown flag -\u202eevil` + "; see help\n"},
		{"export '---\u009b2J'", 0, 2, `bad flag syntax: ---\u009b2J` + "; see help\n"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			cmd, err := parseCommand(splitCommand(tc.line))
			var refused *commandError
			switch {
			case tc.status == 0 && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.status == 0 && cmd.verb != tc.verb:
				t.Fatalf("verb %d, want %d", cmd.verb, tc.verb)
			case tc.status != 0 && !errors.As(err, &refused):
				t.Fatalf("accepted as %+v, want status %d", cmd, tc.status)
			case tc.status != 0 && (refused.status != tc.status || !strings.Contains(refused.text, tc.says)):
				t.Fatalf("refused with status %d and %q, want %d and %q", refused.status, refused.text, tc.status, tc.says)
			}
			if refused != nil {
				checkPrintable(t, refused.text)
			}
		})
	}
}

// TestFlagMistakesAreOneLine: a mistake in the flags is refused with one
// line that names it and points at help, never with the flag package's
// usage dump.
func TestFlagMistakesAreOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--nope"}, "huddle: new standup: unknown flag -nope; see help\n"},
		{[]string{"--votes", "x"}, "huddle: new standup: invalid value \"x\" for flag -votes: parse error; see help\n"},
		{[]string{"--votes"}, "huddle: new standup: flag needs an argument: -votes; see help\n"},
		{[]string{"---x"}, "huddle: new standup: bad flag syntax: ---x; see help\n"},
	} {
		fs := flag.NewFlagSet("new standup", flag.ContinueOnError)
		fs.Int("votes", 3, "dots")
		err := parseFlags(fs, tc.args)
		var refused *commandError
		if !errors.As(err, &refused) || refused.status != 2 || refused.text != tc.want {
			t.Errorf("%q: %v, want status 2 and %q", tc.args, err, tc.want)
		}
	}
}

// TestFlagHelpReadsAsTheFlagPackagesOwn: asked for, the usage is what the
// flag package would have printed.
func TestFlagHelpReadsAsTheFlagPackagesOwn(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}} {
		var want strings.Builder
		fs := flag.NewFlagSet("new standup", flag.ContinueOnError)
		fs.SetOutput(&want)
		fs.Int("votes", 3, "dots")
		fs.Bool("anonymous", false, "no authors")
		_ = fs.Parse(args)

		fs = flag.NewFlagSet("new standup", flag.ContinueOnError)
		fs.Int("votes", 3, "dots")
		fs.Bool("anonymous", false, "no authors")
		err := parseFlags(fs, args)
		var refused *commandError
		if !errors.As(err, &refused) || refused.status != 2 || refused.text != want.String() {
			t.Errorf("%q: %v, want status 2 and\n%s", args, err, want.String())
		}
	}
}

// canonicalCode is the shape of a join code as NewJoinCode makes it.
var canonicalCode = regexp.MustCompile(`^[a-z]{3,6}-[a-z]{3,6}-[a-z]{3,6}-[1-9][0-9]{4}$`)

// teamLogVerbs are the commands on a team's log (decisions.go).
var teamLogVerbs = []string{"decide", "decisions", "ack", "review", "missed", "prep", "away", "actions"}

// FuzzParseCommand feeds parseCommand what an SSH client can send as its
// command line, split as ssh.Session.Command splits it. It must never
// panic, must refuse with a commandError whose text is safe on a terminal,
// must refuse unknown commands, and what it accepts must be what the
// command says: join and watch pass the code on as typed, export's code
// is the canonical form of what ParseJoinCode accepts, and new's session
// is within the limits its checks promise.
func FuzzParseCommand(f *testing.F) {
	for _, line := range commandLines {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := splitCommand(line)
		orig := slices.Clone(args)
		cmd, err := parseCommand(args)
		if !slices.Equal(args, orig) {
			t.Fatalf("parseCommand changed its arguments %q to %q", orig, args)
		}
		again, err2 := parseCommand(slices.Clone(orig))
		if !reflect.DeepEqual(cmd, again) || errText(err) != errText(err2) {
			t.Fatalf("%q parsed twice: %+v, %v; then %+v, %v", args, cmd, err, again, err2)
		}
		if checkThemed(t, args, cmd, err) { // theme_test.go
			return
		}
		known := len(args) == 0 || slices.Contains([]string{"join", "watch", "new", "export", "history", "team", "help", "--help", "-h", "formats", "trends", "ics"}, args[0]) || slices.Contains(teamLogVerbs, args[0])
		if err != nil {
			var refused *commandError
			if !errors.As(err, &refused) {
				t.Fatalf("%q refused with %T %v, not a commandError", args, err, err)
			}
			if refused.status != 1 && refused.status != 2 {
				t.Fatalf("%q refused with exit status %d", args, refused.status)
			}
			if !strings.HasSuffix(refused.text, "\n") {
				t.Fatalf("%q refused with %q: no newline at the end", args, refused.text)
			}
			checkPrintable(t, refused.text)
			if !known && (refused.status != 2 || !strings.HasPrefix(refused.text, "huddle: unknown command ")) {
				t.Fatalf("%q refused with %d %q, want an unknown command", args, refused.status, refused.text)
			}
			if (args[0] == "join" || args[0] == "watch") && len(args) == 2 {
				t.Fatalf("%q refused: %v", args, err)
			}
			return
		}
		if !known {
			t.Fatalf("unknown command %q accepted as %+v", args, cmd)
		}
		switch cmd.verb {
		case verbLobby:
			if len(args) != 0 {
				t.Fatalf("%q goes to the lobby", args)
			}
		case verbHelp:
			if !slices.Contains([]string{"help", "--help", "-h"}, args[0]) {
				t.Fatalf("%q answered with help", args)
			}
		case verbJoin:
			if len(args) != 2 || (args[0] != "join" && args[0] != "watch") {
				t.Fatalf("%q joins", args)
			}
			if cmd.target.code != args[1] || cmd.target.observer != (args[0] == "watch") {
				t.Fatalf("%q goes to %+v", args, cmd.target)
			}
			if norm, ok := session.ParseJoinCode(cmd.target.code); ok {
				checkCanonical(t, cmd.target.code, norm)
			}
		case verbExport:
			if args[0] != "export" || !slices.Contains(args[1:], cmd.code) {
				t.Fatalf("%q exports %q", args, cmd.code)
			}
			norm, ok := session.ParseJoinCode(cmd.code)
			if !ok || norm != cmd.norm {
				t.Fatalf("%q exports %q as %q; ParseJoinCode says %q, %v", args, cmd.code, cmd.norm, norm, ok)
			}
			checkCanonical(t, cmd.code, cmd.norm)
		case verbNew:
			checkNew(t, args, cmd)
		case verbHistory:
			if args[0] != "history" || cmd.team == "" || cmd.team != session.CleanName(cmd.team) || cmd.limit < 1 || cmd.limit > maxHistory {
				t.Fatalf("%q lists the history of %q, %d", args, cmd.team, cmd.limit)
			}
		case verbTeam:
			if args[0] != "team" || len(args) < 2 || cmd.team == "" || cmd.team != session.CleanName(args[1]) {
				t.Fatalf("%q is about the team %q", args, cmd.team)
			}
		case verbFormats:
			if !slices.Equal(args, []string{"formats"}) {
				t.Fatalf("%q lists the formats", args)
			}
		case verbTeamLog:
			listActions := args[0] == "actions" && cmd.log.actions.edit == "" // without --team: every team of the key
			if !slices.Contains(teamLogVerbs, args[0]) || cmd.log.name != args[0] || (cmd.team == "" && !listActions) || cmd.team != session.CleanName(cmd.team) {
				t.Fatalf("%q is %q on the log of %q", args, cmd.log.name, cmd.team)
			}
			if args[0] == "decide" && cmd.log.text == "" {
				t.Fatalf("%q decides nothing", args)
			}
			if a := cmd.log.actions; a.edit != a.ed.What || (a.edit != "" && a.ed.Ref == "") {
				t.Fatalf("%q changes the action item %+v", args, a)
			}
		case verbTrends:
			if args[0] != "trends" || cmd.team == "" || cmd.team != session.CleanName(cmd.team) || export.CheckTrendsFormat(cmd.trends.format, cmd.trends.bom) != nil {
				t.Fatalf("%q is the trends of %q as %+v", args, cmd.team, cmd.trends)
			}
		case verbICS:
			if args[0] != "ics" || cmd.team == "" || cmd.team != session.CleanName(cmd.team) {
				t.Fatalf("%q is the calendar of %q", args, cmd.team)
			}
		default:
			t.Fatalf("%q parsed as verb %d", args, cmd.verb)
		}
	})
}

// checkNew fails t unless cmd, parsed from args, opens a session that
// session.Opening.Validate takes over the kind's defaults.
func checkNew(t *testing.T, args []string, cmd command) {
	t.Helper()
	o := cmd.opening
	if args[0] != "new" || len(args) < 2 || o.Kind.String() != args[1] {
		t.Fatalf("%q opens a %s", args, o.Kind)
	}
	if session.CleanName(o.Team) == "" || o.Team != session.CleanName(o.Team) {
		t.Fatalf("%q opens a session for the team %+q", args, o.Team)
	}
	full := session.DefaultOpening(o.Kind, "", session.Defaults{})
	full.Override(o, func(f string) bool { return cmd.given[f] })
	if err := full.Validate(); err != nil {
		t.Fatalf("%q opens a session that is not valid: %v", args, err)
	}
	if _, err := full.Config(time.Now()); err != nil {
		t.Fatalf("%q opens a session without a config: %v", args, err)
	}
	for _, m := range append(slices.Clone(o.Members), o.Columns...) {
		if m == "" || session.CleanName(m) != m {
			t.Fatalf("%q opens a session with the name %+q", args, m)
		}
	}
	if f := o.Facilitator; f != session.CleanName(f) {
		t.Fatalf("%q opens a session facilitated by %+v", args, f)
	}
	for p, d := range o.Phases {
		if d <= 0 || d > 4*time.Hour || p == session.Waiting || p == session.Closed {
			t.Fatalf("%q opens a retrospective with phase %s for %v", args, p, d)
		}
	}
}

// checkCanonical fails t unless norm, what ParseJoinCode made of code, is
// a join code in the form NewJoinCode makes, which ParseJoinCode keeps.
func checkCanonical(t *testing.T, code, norm string) {
	t.Helper()
	if !canonicalCode.MatchString(norm) {
		t.Fatalf("ParseJoinCode(%q) = %q: not a canonical join code", code, norm)
	}
	if again, ok := session.ParseJoinCode(norm); !ok || again != norm {
		t.Fatalf("ParseJoinCode(%q) = %q, %v: the canonical form changes", norm, again, ok)
	}
}

// checkPrintable fails t unless text is safe to print on a terminal: valid
// UTF-8 of printable characters, line feeds and tabs, and so no escape
// sequence, control, or bidi or other format character.
func checkPrintable(t *testing.T, text string) {
	t.Helper()
	if !utf8.ValidString(text) {
		t.Fatalf("refusal %+q is not UTF-8", text)
	}
	for _, r := range text {
		if r != '\n' && r != '\t' && !strconv.IsPrint(r) {
			t.Fatalf("refusal %+q holds %U", text, r)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
