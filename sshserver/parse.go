package sshserver

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"huddle/session"
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
)

// command is an SSH session's command, parsed and checked as far as that
// needs nothing but the command itself.
type command struct {
	verb verb
	// target is where join and watch go; its code is as typed
	// (conn.enter reads it, and counts a wrong one).
	target target
	// spec is the session new opens, without its opener and start time.
	spec standupSpec
	// at is new's --at, when given; only its hour and minute count.
	at    time.Time
	hasAt bool
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
	if len(args) == 0 {
		return command{verb: verbLobby}, nil
	}
	switch args[0] {
	case "join", "watch":
		if len(args) != 2 {
			return command{}, refuse(2, "usage: %s CODE", args[0])
		}
		return command{verb: verbJoin, target: target{code: args[1], observer: args[0] == "watch"}}, nil
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
	case "decide", "decisions", "ack", "review", "missed", "prep", "away":
		return parseTeamLog(args)
	default:
		return command{}, refuse(2, "unknown command %q\n\n%s", session.CleanName(args[0]), usage)
	}
}

func parseNew(args []string) (command, error) {
	if len(args) == 0 || (args[0] != "standup" && args[0] != "retro") {
		return command{}, refuse(2, "usage: new standup|retro --team NAME [flags]; see help")
	}
	kind := session.Standup
	if args[0] == "retro" {
		kind = session.Retro
	}
	fs := flag.NewFlagSet("new "+args[0], flag.ContinueOnError)
	team := fs.String("team", "", "the team")
	members := fs.String("members", "", "the roster, comma-separated (replaces the stored one)")
	at := fs.String("at", "", "scheduled start, HH:MM (server time)")
	timebox := fs.Duration("timebox", 0, "time-box of the whole session (stand-up default 15m; retro: the sum of its phases)")
	facilitator := fs.String("facilitator", "", "who facilitates (default: whoever opens the session)")
	guests := fs.String("guests", "knock", "knock: keys that are not the team's wait for the facilitator; open: anyone with the code joins as a guest")
	turn := fs.Duration("turn", 0, "stand-up: time-box per turn (default: divided)")
	order := fs.String("order", "join", "stand-up: speaking order: join, random or alpha")
	format := fs.String("format", "start-stop-continue", "retro: the board, see huddle formats")
	columns := fs.String("columns", "", "retro: the columns of a custom format, comma-separated")
	votes := fs.Int("votes", session.DefaultVoteBudget, "retro: dots per person")
	voteCap := fs.Int("vote-cap", 0, "retro: most dots per person on one topic (0: no cap)")
	topic := fs.Duration("topic", 5*time.Minute, "retro: time-box per discussed topic")
	anonymous := fs.Bool("anonymous", false, "retro: store no author for cards and votes")
	autoAdvance := fs.Bool("auto-advance", false, "retro: a phase ends when everyone is done")
	esvp := fs.Bool("esvp", false, "retro: check in with the ESVP poll")
	collect := fs.Bool("collect", false, "retro: open it ahead for collecting: members write cards in the waiting room, hidden until the reveal")
	phases := fs.String("phases", "", "retro: time-boxes of phases, e.g. write=10m,vote=5m")
	if err := parseFlags(fs, args[1:]); err != nil {
		return command{}, err
	}
	if fs.NArg() > 0 {
		return command{}, refuse(2, "unexpected %q", session.CleanName(fs.Arg(0)))
	}
	if session.CleanName(*team) == "" {
		return command{}, refuse(2, "--team is required")
	}
	if *guests != "knock" && *guests != "open" {
		return command{}, refuse(2, "--guests %q: want knock or open", session.CleanName(*guests))
	}
	ord, err := session.ParseOrder(*order)
	if err != nil {
		return command{}, refuse(2, "%v", err)
	}
	if *timebox < 0 || *turn < 0 || *votes < 1 || *voteCap < 0 || *topic <= 0 {
		return command{}, refuse(2, "time-boxes must not be negative and --votes must be at least 1")
	}
	sp := standupSpec{team: *team, kind: kind, openDoor: *guests == "open", timebox: *timebox, turn: *turn, order: ord,
		votes: *votes, voteCap: *voteCap, topic: *topic, anonymous: *anonymous, autoAdvance: *autoAdvance, esvp: *esvp, collect: *collect}
	if kind == session.Retro {
		if sp.phases, err = session.ParsePhaseBoxes(*phases); err != nil {
			return command{}, refuse(2, "%v", err)
		}
		if sp.format, err = session.ParseFormat(*format); err != nil {
			return command{}, refuse(2, "%v", err)
		}
		sp.columns = splitNames(*columns)
		if len(sp.columns) > 0 {
			sp.format = session.Custom
		}
		if _, err := session.Columns(sp.format, sp.columns); err != nil {
			return command{}, refuse(2, "%v", err)
		}
	}
	cmd := command{verb: verbNew}
	if *at != "" {
		t, err := time.Parse("15:04", *at)
		if err != nil {
			return command{}, refuse(2, "--at %q: want HH:MM", session.CleanName(*at))
		}
		cmd.at, cmd.hasAt = t, true
	}
	// Names typed here are refused when too long, not cut (the SSH user
	// name, which the client sends, is cut: see conn).
	for _, f := range [][2]string{{"--team", *team}, {"--facilitator", *facilitator}} {
		if _, err := session.CheckName(f[1]); err != nil {
			return command{}, refuse(2, "%s: %v", f[0], err)
		}
	}
	for _, m := range strings.Split(*members, ",") {
		if _, err := session.CheckName(m); err != nil {
			return command{}, refuse(2, "--members: %v", err)
		}
	}
	sp.members = splitNames(*members)
	sp.facilitator = session.CleanName(*facilitator)
	cmd.spec = sp
	return cmd, nil
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
		return command{}, refuse(2, "usage: %s", session.TeamUsage)
	}
	return command{verb: verbTeam, team: session.CleanName(args[0]), change: change}, nil
}
