package sshserver

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"huddle/session"
	"huddle/tui"
)

// verb is what an SSH session's command asks for.
type verb int

const (
	verbLobby   verb = iota // no command: the lobby
	verbJoin                // join CODE or watch CODE: straight into a session
	verbNew                 // new standup|retro [flags]
	verbExport              // export CODE [--format F] [--keys]
	verbHistory             // history --team T [--limit N]
	verbHelp                // help, --help, -h
	verbTeam                // team NAME [add|remove|rename|owner …]
	verbTeamLog             // decide, decisions, ack, review, missed, prep, away (see decisions.go)
	verbFormats             // formats: the retrospective's boards
	verbTrends              // trends --team T [--since …] [--format …] [--people] (see trends.go)
	verbICS                 // ics --team T: the team's schedule as a calendar (see ics.go)
)

// command is an SSH session's command, parsed and checked as far as that
// needs nothing but the command itself.
type command struct {
	verb verb
	// target is where join and watch go; its code is as typed
	// (conn.enter reads it, and counts a wrong one).
	target target
	// opening is the session new opens, as its flags give it; given
	// says which flags were given (session.Field names): the rest come
	// from what the team remembers, or the kind's defaults (see cmdNew).
	opening session.Opening
	given   map[string]bool
	// code is export's join code as typed, norm the same in canonical form.
	code, norm string
	// format is export's --format, as given: it is checked once the
	// session is found.
	format string
	// keys is export's --keys: the record with key fingerprints.
	keys bool
	// team is history's --team, or the team command's team; limit is
	// history's --limit; change is what the team command changes (nil:
	// show the team).
	team   string
	limit  int
	change session.TeamChange
	// log is a command on a team's log (verbTeamLog).
	log teamLogCmd
	// trends is the trends command's flags (verbTrends).
	trends trendsCmd
	// theme is --theme, for the lobby, join and watch; nil: not given
	// (theme.go).
	theme *tui.Theme
}

// commandError refuses a command. Its text is written to the client's
// stderr as it is: it never holds what the client sent raw, so it is safe
// to print on a terminal.
type commandError struct {
	status int    // the exit status
	text   string // the whole message, ending in a newline
}

func (e *commandError) Error() string { return e.text }

// refuse is a commandError with huddle's usual "huddle: " message.
func refuse(status int, format string, args ...any) *commandError {
	return &commandError{status: status, text: "huddle: " + fmt.Sprintf(format, args...) + "\n"}
}

// maxCommand bounds an SSH session's command, in bytes. The longest
// command huddle takes (new with every flag and a team's roster) is well
// under it; an SSH client can send a quarter of a megabyte.
const maxCommand = 4 << 10

// commandWords splits an SSH session's command line into words as
// ssh.Session.Command does (the POSIX rules of github.com/anmitsu/go-shlex,
// an unclosed quote or escape ending the last word), but refuses a line
// longer than maxCommand before reading it, takes time linear in its
// length (go-shlex builds each word by concatenation, quadratic in the
// word's length: 23 s of CPU for a 240 kB word), and stops when ctx ends.
func commandWords(ctx context.Context, line string) ([]string, error) {
	if len(line) > maxCommand {
		return nil, refuse(2, "the command is %d bytes long, more than the %d huddle takes; see help for the commands", len(line), maxCommand)
	}
	return splitWords(ctx, line)
}

// splitWords is commandWords without the bound on the line's length.
func splitWords(ctx context.Context, line string) ([]string, error) {
	const (
		space  = ' '
		word   = 'a'
		escape = '\\'
	)
	var (
		words   []string
		w       []byte // the word being read
		quoted  bool   // the word had quotes, so even empty it is one
		state   rune   = space
		escaped rune   = space // the state an escape returns to
	)
	end := func() {
		if len(w) > 0 {
			words = append(words, string(w))
		}
		w, quoted, state, escaped = w[:0], false, space, space
	}
	isQuote := func(r rune) bool { return r == '\'' || r == '"' }
	n := 0
	for _, r := range line {
		if n%1024 == 0 && ctx.Err() != nil {
			return nil, refuse(1, "the connection ended")
		}
		n++
		switch {
		case state == space:
			switch {
			case unicode.IsSpace(r):
				end()
			case r == escape:
				escaped, state = word, escape
			case isQuote(r):
				state = r
			default:
				w, state = utf8.AppendRune(w, r), word
			}
		case isQuote(state):
			quoted = true
			switch {
			case r == state:
				state = word
			case r == escape && state == '"':
				escaped, state = state, escape
			default:
				w = utf8.AppendRune(w, r)
			}
		case state == escape:
			if isQuote(escaped) && r != escape && r != escaped {
				w = append(w, escape)
			}
			w, state = utf8.AppendRune(w, r), escaped
		default: // in a word
			switch {
			case unicode.IsSpace(r):
				if len(w) > 0 || quoted {
					end()
				}
			case isQuote(r):
				state = r
			case r == escape:
				escaped, state = word, escape
			default:
				w = utf8.AppendRune(w, r)
			}
		}
	}
	end()
	return words, nil
}

// parseCommand reads an SSH session's command (as ssh.Session.Command
// splits it). It never writes anywhere: a refusal is a *commandError.
func parseCommand(args []string) (command, error) {
	if rest, theme, err := cutTheme(args); err != nil || theme != nil {
		return parseThemed(rest, theme, err) // theme.go
	}
	if len(args) == 0 {
		return command{verb: verbLobby}, nil
	}
	switch args[0] {
	case "join", "watch":
		t := target{observer: args[0] == "watch"}
		var codes []string
		for _, a := range args[1:] {
			if a == "--plain" {
				t.plain = true
				continue
			}
			codes = append(codes, a)
		}
		if len(codes) != 1 || len(args) > 3 {
			return command{}, refuse(2, "usage: %s CODE [--plain]", args[0])
		}
		t.code = codes[0]
		return command{verb: verbJoin, target: t}, nil
	case "new":
		return parseNew(args[1:])
	case "export":
		return parseExport(args[1:])
	case "history":
		return parseHistory(args[1:])
	case "team":
		return parseTeam(args[1:])
	case "help", "--help", "-h":
		return command{verb: verbHelp}, nil
	case "formats":
		if len(args) != 1 {
			return command{}, refuse(2, "usage: formats")
		}
		return command{verb: verbFormats}, nil
	case "decide", "decisions", "ack", "review", "missed", "prep", "away":
		return parseTeamLog(args)
	case "trends":
		return parseTrends(args[1:])
	case "actions":
		return parseActions(args[1:]) // actions.go
	case "ics":
		return parseICS(args[1:]) // ics.go
	default:
		return command{}, refuse(2, "unknown command %q\n\n%s", session.CleanName(args[0]), usage)
	}
}

// parseNew reads new's flags into a session.Opening and checks it over
// the kind's defaults with session.Opening.Validate, as the CLI does; the
// team's remembered defaults are laid under it once the team is known
// (cmdNew).
func parseNew(args []string) (command, error) {
	if len(args) == 0 || (args[0] != "standup" && args[0] != "retro") {
		return command{}, refuse(2, "usage: new standup|retro --team NAME [flags]; see help")
	}
	kind := session.Standup
	if args[0] == "retro" {
		kind = session.Retro
	}
	fs := flag.NewFlagSet("new "+args[0], flag.ContinueOnError)
	team := fs.String(session.FieldTeam, "", "the team")
	members := fs.String(session.FieldMembers, "", "the roster, comma-separated (replaces the stored one)")
	at := fs.String(session.FieldAt, "", "scheduled start, HH:MM (server time) or HH:MM ZONE, e.g. 10:00 Europe/Berlin (default: the team's last)")
	timebox := fs.Duration(session.FieldTimebox, 0, "time-box of the whole session (default: the team's last; stand-up 15m; retro: the sum of its phases)")
	facilitator := fs.String(session.FieldFacilitator, "", "who facilitates (default: whoever opens the session)")
	guests := fs.String(session.FieldGuests, "knock", "knock: keys that are not the team's wait for the facilitator; open: anyone with the code joins as a guest")
	turn := fs.Duration(session.FieldTurn, 0, "stand-up: time-box per turn (default: the team's last, else divided)")
	order := fs.String(session.FieldOrder, "join", "stand-up: speaking order: join, random or alpha (default: the team's last)")
	format := fs.String(session.FieldFormat, "start-stop-continue", "retro: the board, see formats (default: the team's last)")
	columns := fs.String(session.FieldColumns, "", "retro: the columns of a custom format, comma-separated")
	votes := fs.Int(session.FieldVotes, session.DefaultVoteBudget, "retro: dots per person (default: the team's last)")
	voteCap := fs.Int(session.FieldVoteCap, 0, "retro: most dots per person on one topic (0: no cap)")
	topic := fs.Duration(session.FieldTopic, session.DefaultTopicBox, "retro: time-box per discussed topic (default: the team's last)")
	anonymous := fs.Bool(session.FieldAnonymous, false, "retro: store no author for cards and votes")
	autoAdvance := fs.Bool(session.FieldAutoAdvance, false, "retro: a phase ends when everyone is done")
	esvp := fs.Bool(session.FieldESVP, false, "retro: check in with the ESVP poll")
	collect := fs.Bool(session.FieldCollect, false, "retro: open it ahead for collecting: members write cards in the waiting room, hidden until the reveal")
	phases := fs.String(session.FieldPhases, "", "retro: time-boxes of phases, e.g. write=10m,vote=5m")
	var agreements []string
	fs.Func(session.FieldAgreement, "a working agreement, shown in the waiting room (repeat the flag; replaces the team's)", func(v string) error {
		agreements = append(agreements, v)
		return nil
	})
	if err := parseFlags(fs, args[1:]); err != nil {
		return command{}, err
	}
	if fs.NArg() > 0 {
		return command{}, refuse(2, "unexpected %q", session.CleanName(fs.Arg(0)))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if *guests != "knock" && *guests != "open" {
		return command{}, refuse(2, "--guests %q: want knock or open", session.CleanName(*guests))
	}
	o := session.Opening{Kind: kind, Team: *team, Facilitator: *facilitator, At: *at, Timebox: *timebox, Turn: *turn,
		OpenDoor: *guests == "open", Votes: *votes, VoteCap: *voteCap, Topic: *topic,
		Anonymous: *anonymous, AutoAdvance: *autoAdvance, ESVP: *esvp, Collect: *collect}
	if given[session.FieldAgreement] {
		o.Agreements = agreements
	}
	var err error
	if o.Order, err = session.ParseOrder(*order); err != nil {
		return command{}, refuse(2, "%v", err)
	}
	if o.Phases, err = session.ParsePhaseBoxes(*phases); err != nil {
		return command{}, refuse(2, "%v", err)
	}
	if o.Format, err = session.ParseFormat(*format); err != nil {
		return command{}, refuse(2, "%v", err)
	}
	// Names typed here are refused when too long, not cut (the SSH user
	// name, which the client sends, is cut: see conn); Validate says so.
	o.Members = strings.Split(*members, ",")
	if !given[session.FieldMembers] {
		o.Members = nil
	}
	o.Columns = splitNames(*columns)
	check := session.DefaultOpening(kind, "", session.Defaults{})
	check.Override(o, func(f string) bool { return given[f] })
	if err := check.Validate(); err != nil {
		return command{}, refuse(2, "%v", err)
	}
	o.Members = splitNames(*members)
	o.Team, o.Facilitator = session.CleanName(*team), session.CleanName(*facilitator)
	return command{verb: verbNew, opening: o, given: given}, nil
}

func splitNames(list string) []string {
	var out []string
	for _, m := range strings.Split(list, ",") {
		if m = session.CleanName(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

func parseExport(args []string) (command, error) {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "md", "md, json, html or csv")
	keys := fs.Bool("keys", false, "json: keep key fingerprints and bindings (team owners only)")
	// The code may come before or after the flags.
	var code string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		code, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return command{}, err
	}
	if code == "" && fs.NArg() == 1 {
		code = fs.Arg(0)
	} else if fs.NArg() > 0 || code == "" {
		return command{}, refuse(2, "usage: export CODE [--format md|json|html|csv] [--keys]")
	}
	norm, ok := session.ParseJoinCode(code)
	if !ok {
		return command{}, refuse(1, "no session has the join code %q", session.CleanName(code))
	}
	return command{verb: verbExport, code: code, norm: norm, format: *format, keys: *keys}, nil
}

// maxHistory is the most sessions history lists at once.
const maxHistory = 200

func parseHistory(args []string) (command, error) {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	team := fs.String("team", "", "the team")
	limit := fs.Int("limit", 30, "at most this many sessions")
	if err := parseFlags(fs, args); err != nil {
		return command{}, err
	}
	if fs.NArg() > 0 {
		return command{}, refuse(2, "unexpected %q; usage: history --team NAME [--limit N]", session.CleanName(fs.Arg(0)))
	}
	name := session.CleanName(*team)
	if name == "" {
		return command{}, refuse(2, "--team is required; usage: history --team NAME [--limit N]")
	}
	if *limit < 1 || *limit > maxHistory {
		return command{}, refuse(2, "--limit must be between 1 and %d", maxHistory)
	}
	return command{verb: verbHistory, team: name, limit: *limit}, nil
}

// parseFlags parses args with fs. Asked for with -h or --help, it returns
// the flags' usage as the flag package prints it; on a mistake, one line
// that says what is wrong and points at help, not the whole usage. Both
// are commandErrors with status 2. The flag package quotes an unknown flag
// raw; the refusal shows it with session.Printable.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if err == nil {
		return nil
	}
	if err != flag.ErrHelp {
		msg := err.Error()
		if f, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			msg = "unknown flag " + f
		}
		return refuse(2, "%s: %s; see help", fs.Name(), session.Printable(msg))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Usage of %s:\n", fs.Name())
	fs.SetOutput(&b)
	fs.PrintDefaults()
	return &commandError{status: 2, text: b.String()}
}

// parseTeam reads the team command: show a team, or change it.
func parseTeam(args []string) (command, error) {
	if len(args) == 0 || session.CleanName(args[0]) == "" {
		return command{}, refuse(2, "usage: %s", session.TeamUsage)
	}
	change, err := session.ParseTeamChange(args[1:])
	if err != nil {
		return command{}, refuse(2, "%s", userError(err)) // the usage, or what is wrong with a schedule
	}
	return command{verb: verbTeam, team: session.CleanName(args[0]), change: change}, nil
}
