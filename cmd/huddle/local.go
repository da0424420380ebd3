package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/x/term"

	"huddle/session"
	"huddle/session/sqlite"
	"huddle/tui"
)

func openStore(dataDir string) (*sqlite.Store, error) {
	path, err := dbFile(dataDir)
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// asker reads answers to setup questions from the terminal.
type asker struct {
	in          *bufio.Reader
	out         io.Writer
	interactive bool
}

var promptStyle = lipgloss.NewStyle().Bold(true)

func (a asker) ask(question string) (string, error) {
	if !a.interactive {
		return "", errors.New("not a terminal")
	}
	fmt.Fprint(a.out, promptStyle.Render(question)+" ")
	line, err := a.in.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read answer: %w", err)
	}
	return strings.TrimSpace(line), nil
}

// runStandup resolves the team, resumes or creates its stand-up and runs
// the interface until the user quits.
func runStandup(ctx context.Context, g globalFlags, sf standupFlags, in io.Reader, out io.Writer) error {
	o, err := sf.opening(g, session.Standup)
	if err != nil {
		return err
	}
	return runLocal(ctx, g, sf, o, in, out)
}

// runLocal runs a session of the opening's kind at the shared keyboard:
// it resolves the team, resumes its unfinished session or opens one (the
// flags given over what the team remembers; see session.Teams), and runs
// the interface until the user quits.
func runLocal(ctx context.Context, g globalFlags, sf standupFlags, given session.Opening, in io.Reader, out io.Writer) error {
	kind := given.Kind
	if err := sf.check(given); err != nil {
		return err
	}
	what := "huddle standup"
	if kind == session.Retro {
		what = "huddle retro"
	}
	if !g.where().shared() { // SQLite: one huddle at a time in the data directory
		release, err := lockDataDir(g.dataDir, what)
		if err != nil {
			return err
		}
		defer release()
	}
	// Without a terminal the interface cannot run: say so before the
	// team or a session is stored.
	if !isTerminal(in) {
		return errNoTerminal
	}
	st, err := openDatabase(ctx, g.where())
	if err != nil {
		return err
	}
	defer st.Close()
	// Checked before anything is stored; stopped after the room (whose
	// Ended hook feeds them) and before the store.
	ended, err := exportOnEnd(g.exportDir, st, log.Default())
	if err != nil {
		return err
	}
	// What goes wrong is shown once the interface has ended; that all
	// went well is not worth a line.
	held := &heldLog{}
	notifier, stopNotifier, err := startNotifier(g, st, log.NewWithOptions(held, log.Options{Prefix: "huddle", ReportTimestamp: true, Level: log.WarnLevel}), "")
	if err != nil {
		return err
	}
	defer func() {
		stopNotifier()
		held.flush(os.Stderr)
	}()

	a := asker{in: bufio.NewReader(in), out: out, interactive: isTerminal(in)}
	team, err := resolveTeam(ctx, st, sf, a)
	if err != nil {
		return err
	}
	// The team rules are session's: here, the operator of the data
	// directory owns every team (see session.Teams).
	teams := session.NewTeams(st, nil)
	op, want, err := localOpening(ctx, teams, team, sf, given)
	if err != nil {
		return err
	}
	id, resumed, err := pickSession(ctx, st, team, kind, sf, a, want)
	if errors.Is(err, errKept) {
		fmt.Fprintf(out, "Nothing started: the unfinished %s is kept as it was.\n", kind.Noun())
		return nil
	}
	if err != nil {
		return err
	}
	if !resumed {
		info, _, err := teams.Open(ctx, session.LocalCaller(), facilitator(op.Facilitator, team.Members), op)
		if err != nil {
			return sf.explain(err)
		}
		id = info.ID
		notifier.Opened(info, "")
	}
	room, closeRoom, err := openLocalRoom(ctx, st, teams, id, bothEnded(ended, notifier.Ended))
	if err != nil {
		return err
	}
	defer closeRoom()
	state := room.Snapshot().State
	if resumed && state.Paused && state.PauseReason == tui.QuitReason {
		if err := room.Submit(state.Facilitator, session.Resume{}); err != nil {
			return fmt.Errorf("resume the timers: %w", err)
		}
	}
	var runErr error
	if plainWanted(sf) {
		runErr = runPlainLocal(ctx, room, state.Facilitator, in, out)
	} else {
		model := tui.New(room, state.Facilitator, tui.Options{SharedKeyboard: true, Theme: g.theme})
		defer model.Close()
		p := tea.NewProgram(model, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
		_, runErr = p.Run()
	}
	// However the program ended (q, a signal, a closed terminal), stop the
	// clocks, so that resuming continues where the session was.
	s := room.Snapshot().State
	if running(s) {
		if err := room.Submit(s.Facilitator, session.Pause{Reason: tui.QuitReason}); err != nil {
			return fmt.Errorf("pause the timers: %w", err)
		}
		s = room.Snapshot().State
	}
	if runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled) && !errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("run the interface: %w", runErr)
	}
	if s.Phase != session.Closed {
		fmt.Fprintf(out, "The %s of %s is kept. Run the same command again to resume it.\n", kind.Noun(), s.Config.Team)
	}
	return nil
}

// localOpening is the session the flags ask for, for the resolved team
// (see session.Teams.Plan), and its Config as of now (what pickSession
// compares an unfinished session with). The roster and agreements
// resolveTeam has stored already.
func localOpening(ctx context.Context, teams *session.Teams, team session.Team, sf standupFlags, given session.Opening) (session.Opening, session.Config, error) {
	given.Team, given.Members, given.Agreements = team.Name, nil, nil
	op, want, err := teams.Plan(ctx, session.LocalCaller(), given, sf.givenField)
	if err != nil {
		return session.Opening{}, session.Config{}, sf.explain(err)
	}
	want.Agreements = team.Agreements
	return op, want, nil
}

// running reports whether the session's timers are counting.
func running(s *session.State) bool {
	if s.Paused || s.Phase == session.Closed || s.Phase == session.Waiting {
		return false
	}
	return s.Config.Kind == session.Retro || s.Phase == session.Rounds
}

// openLocalRoom opens the session's room at the shared keyboard with the
// team rules, as huddle serve does: a guest promoted to the team
// (session.PromoteGuest) lands on the team's roster for its next sessions.
// Over a shared database (several nodes may serve the session) the room
// is a hub's, as on a node: it hears the doorbell and catches up with the
// other nodes' events as they come, not only when its own append loses.
// closeRoom closes the room (and the hub).
func openLocalRoom(ctx context.Context, st session.Store, teams *session.Teams, id string, ended func(string)) (room *session.Room, closeRoom func() error, err error) {
	opts := session.RoomOptions{Ended: ended, Teams: teams}
	if _, shared := st.(session.SharedStore); shared {
		hub := session.NewHub(st, opts)
		room, err := hub.Room(ctx, id)
		if err != nil {
			hub.Close()
			return nil, nil, err
		}
		return room, hub.Close, nil
	}
	room, err = session.OpenRoom(ctx, st, id, opts)
	if err != nil {
		return nil, nil, err
	}
	return room, room.Close, nil
}

// resolveTeam finds the team to run, creating or updating it from the
// flags, or asking the first time.
func resolveTeam(ctx context.Context, st session.Store, sf standupFlags, a asker) (session.Team, error) {
	// The team rules are session's: here, the operator of the data
	// directory owns every team (see session.Teams).
	teams := session.NewTeams(st, nil)
	name := sf.team
	if name == "" {
		last, err := teams.Last(ctx)
		if err != nil {
			return session.Team{}, err
		}
		name = last
	}
	if name == "" {
		var err error
		if name, err = a.ask("No team yet. Team name:"); err != nil {
			return session.Team{}, fmt.Errorf("no team yet: run huddle standup --team NAME --members A,B,C")
		}
	}
	name, err := session.CheckName(name)
	if err != nil {
		return session.Team{}, err
	}
	if name == "" {
		return session.Team{}, fmt.Errorf("%w: a team needs a name", session.ErrInvalid)
	}
	var members, agreements []string
	if len(sf.members) > 0 {
		if members, err = cleanNames(sf.members); err != nil {
			return session.Team{}, err
		}
	}
	if len(sf.agreements) > 0 {
		agreements = cleanTexts(sf.agreements)
	}
	team, err := teams.Ensure(ctx, session.LocalCaller(), name, members, agreements)
	if err != nil {
		return session.Team{}, err
	}
	if len(team.Members) == 0 {
		answer, err := a.ask("Who is in " + name + "? Names, comma-separated:")
		if err != nil {
			return session.Team{}, fmt.Errorf("team %s has no members: add them with --members A,B,C", name)
		}
		names, err := cleanNames(strings.Split(answer, ","))
		if err != nil {
			return session.Team{}, err
		}
		if len(names) == 0 {
			return session.Team{}, fmt.Errorf("%w: a team needs at least one member", session.ErrInvalid)
		}
		return teams.Ensure(ctx, session.LocalCaller(), name, names, nil)
	}
	return team, nil
}

// pickSession returns the team's unfinished session of the kind to
// resume, or ends it when a new one is wanted. Resuming keeps the
// session's settings: when flags given now (want, sf.given) ask for
// others, it says which, and asks whether to resume as it was, start
// over or quit (errKept); --resume resumes and says which flags it
// ignores, --new starts over. Anonymity is never dropped without a word.
func pickSession(ctx context.Context, st session.Store, team session.Team, kind session.Kind, sf standupFlags, a asker, want session.Config) (string, bool, error) {
	open, err := st.Sessions(ctx, session.Filter{Team: team.Name, Kind: &kind, Unfinished: true, Limit: 1})
	if err != nil || len(open) == 0 {
		return "", false, err
	}
	prev := open[0]
	old, err := unfinished(ctx, st, prev.ID)
	if err != nil {
		return "", false, err
	}
	diffs := differences(old, want, team.Members, sf.given)
	what := fmt.Sprintf("%s has an unfinished %s from %s", team.Name, kind.Noun(), prev.Created.Local().Format("Mon 15:04"))
	list := "  " + strings.Join(diffs, "\n  ") + "\n"
	resume := sf.resume
	switch {
	case sf.fresh:
	case sf.resume && len(diffs) > 0:
		fmt.Fprintf(a.out, "%s. Resuming it as it was; these flags are ignored:\n%s", what, list)
	case sf.resume:
	case len(diffs) > 0 && !a.interactive:
		return "", false, fmt.Errorf("%w: %s, made with other settings than the flags ask for:\n%srun with --resume to keep it as it was, or --new to end it and start over",
			session.ErrConflict, what, list)
	case len(diffs) > 0:
		fmt.Fprintf(a.out, "%s, made with other settings than the flags ask for:\n%s", what, list)
		answer, err := a.ask("Resume it as it was (r), end it and start a new one with the flags (n), or quit (q)? [r/n/q]")
		if err != nil {
			return "", false, err
		}
		switch strings.ToLower(answer) {
		case "r", "resume":
			resume = true
		case "n", "new":
		default:
			return "", false, errKept
		}
	case !a.interactive:
		resume = true
	default:
		answer, err := a.ask(what + ". Resume it? [Y/n]")
		if err != nil {
			return "", false, err
		}
		resume = answer == "" || strings.HasPrefix(strings.ToLower(answer), "y")
	}
	if resume {
		return prev.ID, true, nil
	}
	room, err := session.OpenRoom(ctx, st, prev.ID, session.RoomOptions{})
	if err != nil {
		return "", false, err
	}
	defer room.Close()
	if err := room.Submit(room.Snapshot().State.Facilitator, session.End{}); err != nil {
		return "", false, fmt.Errorf("end the unfinished %s: %w", kind.Noun(), err)
	}
	return "", false, nil
}

// facilitator is the person at the keyboard: a roster member if the name
// matches one, else a local participant.
func facilitator(name string, roster []string) session.Person {
	if name == "" {
		name = os.Getenv("USER")
		if u, err := user.Current(); err == nil && u.Username != "" {
			name = u.Username
		}
	}
	name = session.CleanName(name)
	if name == "" {
		name = "facilitator"
	}
	return session.FacilitatorFor(name, roster, session.ParticipantID("local:"+name))
}

// cleanNames cleans names someone typed, drops empty and repeated ones,
// and refuses one that is too long (see session.CheckName).
func cleanNames(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, n := range in {
		n, err := session.CheckName(n)
		if err != nil {
			return nil, err
		}
		if n != "" && !seen[strings.ToLower(n)] {
			seen[strings.ToLower(n)] = true
			out = append(out, n)
		}
	}
	return out, nil
}

func cleanTexts(in []string) []string {
	var out []string
	for _, s := range in {
		if s = session.CleanText(s, session.DefaultMaxText); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func joinOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, ", ")
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
