package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"huddle/session"
)

// LobbyEntry is a live session offered in the lobby.
type LobbyEntry struct {
	Team  string
	Kind  session.Kind
	Code  string
	Phase session.Phase
	Here  int // participants present
}

// SessionForm is what the lobby's form collects for a new session.
type SessionForm struct {
	Kind    session.Kind
	Team    string
	Members []string
	Timebox time.Duration // 0: the default of the kind
	Turn    time.Duration
	Format  session.Format
	Columns []string
	// FormatGiven says the form chose Format (and Columns); false: the
	// team's last board, else the default one.
	FormatGiven bool
	// OpenDoor lets anyone with the join code in as a guest; otherwise
	// keys that are not the team's knock and wait for the facilitator.
	OpenDoor bool
}

// Lobby is what the lobby needs from the server: the sessions this person
// may join, a way to open a new one, and a way in.
type Lobby interface {
	Sessions() ([]LobbyEntry, error)
	NewSession(f SessionForm) (code string, err error)
	Enter(code string, observer bool) (Room, session.ParticipantID, error)
	// Close ends the session with the code; only its facilitator may.
	Close(code string) error
}

// App is the root model of an SSH participant who arrived without a join
// code: the lobby first, then the session they enter.
// It is used by pointer (some 5 KB with its form and help): Update changes
// it in place and returns it.
type App struct {
	lobby   Lobby
	opts    Options
	entries []LobbyEntry
	actions []TeamActionCount // the open action items of the person's teams
	cursor  int
	form    []textinput.Model // nil unless the new stand-up form is open
	field   int
	status  string
	failed  bool
	width   int
	height  int
	styles  *Styles
	help    help.Model
	keys    lobbyKeys

	inSession bool
	sess      *Model
	loading   bool        // a refresh is under way; more presses wait for it
	closing   *LobbyEntry // the session x asks to close, until y or n

	bg      *tea.BackgroundColorMsg // the terminal's answer, for the session entered
	lastKey time.Time               // the last key press, for the idle timeout
}

// lobbyTickMsg checks the lobby's idle timeout.
type lobbyTickMsg struct{}

type (
	entriesMsg struct {
		entries []LobbyEntry
		err     error
		actions []TeamActionCount // lobby_actions.go
	}
	closedMsg  struct{ err error }
	enteredMsg struct {
		room Room
		me   session.ParticipantID
		err  error
	}
)

// NewApp returns the lobby of a participant.
func NewApp(l Lobby, opts Options) *App {
	a := &App{
		lobby: l, opts: opts, width: 80, height: 24, lastKey: lobbyNow(opts),
		styles: opts.Theme.Styles(true), help: help.New(),
		keys: newLobbyKeys(),
	}
	a.help.Styles = a.styles.Help
	return a
}

// Init loads the sessions on offer.
func (a *App) Init() tea.Cmd { return tea.Batch(a.load(), a.tick()) }

// tick checks the idle timeout now and then, while in the lobby: the
// server's own traffic (keepalives, the screen) never counts as activity.
func (a *App) tick() tea.Cmd {
	if a.opts.IdleTimeout <= 0 || a.inSession {
		return nil
	}
	return tea.Tick(min(a.opts.IdleTimeout/10, time.Second), func(time.Time) tea.Msg { return lobbyTickMsg{} })
}

// lobbyNow reads the lobby's clock (Options.Clock), the real one if none
// is given.
func lobbyNow(opts Options) time.Time {
	if opts.Clock != nil {
		return opts.Clock.Now()
	}
	return session.RealClock{}.Now()
}

// refresh loads the sessions unless a load is under way.
func (a *App) refresh() (*App, tea.Cmd) {
	if a.loading {
		return a, nil
	}
	a.loading = true
	return a, a.load()
}

func (a *App) load() tea.Cmd {
	l := a.lobby
	return func() tea.Msg {
		entries, err := l.Sessions()
		return entriesMsg{entries, err, actionCounts(l)}
	}
}

// Session returns the session model once the participant is in one.
func (a *App) Session() (*Model, bool) { return a.sess, a.inSession }

// Update routes to the session once entered, else runs the lobby.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if size, ok := msg.(tea.WindowSizeMsg); ok {
		a.width, a.height = size.Width, size.Height
		a.help.SetWidth(size.Width - 2)
	}
	if a.inSession {
		m, cmd := a.sess.Update(msg)
		a.sess = m.(*Model)
		return a, cmd
	}
	switch msg := msg.(type) {
	case lobbyTickMsg:
		if lobbyNow(a.opts).Sub(a.lastKey) > a.opts.IdleTimeout {
			if a.opts.OnIdle != nil {
				a.opts.OnIdle()
			}
			return a, tea.Quit
		}
		return a, a.tick()
	case tea.BackgroundColorMsg:
		a.bg = &msg
		a.styles = a.opts.Theme.Styles(msg.IsDark())
		a.help.Styles = a.styles.Help
	case entriesMsg:
		a.loading = false
		a.entries, a.actions = msg.entries, msg.actions
		a.cursor = max(0, min(a.cursor, len(a.entries)-1))
		if msg.err != nil {
			a.status, a.failed = sentence(msg.err), true
		}
	case closedMsg:
		if msg.err != nil {
			a.status, a.failed = sentence(msg.err), true
		} else {
			a.status, a.failed = "the session is closed", false
		}
		return a.refresh()
	case enteredMsg:
		if msg.err != nil {
			a.status, a.failed = sentence(msg.err), true
			return a.refresh()
		}
		a.inSession = true
		a.sess = New(msg.room, msg.me, a.opts)
		m, cmd := a.sess.Update(tea.WindowSizeMsg{Width: a.width, Height: a.height})
		a.sess = m.(*Model)
		if a.bg != nil { // the terminal answered the lobby already
			m, _ = a.sess.Update(*a.bg)
			a.sess = m.(*Model)
		}
		return a, tea.Batch(a.sess.Init(), cmd)
	case tea.KeyPressMsg:
		a.lastKey = lobbyNow(a.opts)
		if a.form != nil {
			return a.formKey(msg)
		}
		if a.closing != nil {
			return a.closeKey(msg)
		}
		return a.listKey(msg)
	default:
		if a.form != nil {
			var cmd tea.Cmd
			a.form[a.field], cmd = a.form[a.field].Update(visibleInput(msg))
			return a, cmd
		}
	}
	return a, nil
}

func (a *App) enter(code string, observer bool) tea.Cmd {
	l := a.lobby
	return func() tea.Msg {
		room, me, err := l.Enter(code, observer)
		return enteredMsg{room, me, err}
	}
}

func (a *App) listKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	a.status, a.failed = "", false
	switch {
	case key.Matches(msg, a.keys.Quit):
		return a, tea.Quit
	case key.Matches(msg, a.keys.Up):
		a.cursor = max(0, a.cursor-1)
	case key.Matches(msg, a.keys.Down):
		a.cursor = min(max(0, len(a.entries)-1), a.cursor+1)
	case key.Matches(msg, a.keys.Refresh):
		return a.refresh()
	case key.Matches(msg, a.keys.Enter), key.Matches(msg, a.keys.Watch):
		if a.cursor < len(a.entries) {
			return a, a.enter(a.entries[a.cursor].Code, key.Matches(msg, a.keys.Watch))
		}
	case key.Matches(msg, a.keys.Close):
		if a.cursor < len(a.entries) {
			e := a.entries[a.cursor]
			a.closing = &e
			a.status = "Close the " + e.Team + " " + e.Kind.Noun() + " " + e.Code + " for everyone? (y/n)"
		}
	case key.Matches(msg, a.keys.New):
		a.form = newStandupForm(a.styles)
		a.field = 0
		a.keys.form = true
		a.keys.Pick.SetEnabled(true) // the kind is a choice
		a.keys.Enter.SetHelp("enter", "create")
	}
	return a, nil
}

// closeKey answers the question whether to close a session: y or enter
// closes it, anything else keeps it.
func (a *App) closeKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	e := *a.closing
	a.closing = nil
	switch msg.String() {
	case "ctrl+c":
		return a, tea.Quit
	case "y", "enter":
		a.status, a.failed = "closing "+e.Code+"…", false
		l := a.lobby
		return a, func() tea.Msg { return closedMsg{l.Close(e.Code)} }
	}
	a.status, a.failed = "kept "+e.Code, false
	return a, nil
}

var formLabels = []string{"Kind (←/→: standup or retro)", "Team", "Members (comma-separated)", "Time-box (empty: default)", "Turn (stand-up; empty: divide)", "Format (retro; ←/→ choose)", "Guests (←/→: knock or open)"}

func newStandupForm(st *Styles) []textinput.Model {
	defaults := []string{"standup", "", "", "", "", "", "knock"} // no format: the team's last
	form := make([]textinput.Model, len(formLabels))
	for i := range form {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = session.DefaultMaxText
		in.SetValue(defaults[i])
		in.SetStyles(st.Input)
		form[i] = in
	}
	form[0].Focus()
	return form
}

func (a *App) formKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, a.keys.Pick) {
		step := 1
		if msg.String() == "left" {
			step = -1
		}
		if v, ok := stepChoice(a.field, a.form[a.field].Value(), step); ok {
			a.form[a.field].SetValue(v)
			a.form[a.field].CursorEnd()
			return a, nil
		}
	}
	switch {
	case msg.String() == "ctrl+c":
		return a, tea.Quit
	case key.Matches(msg, a.keys.Cancel):
		a.form, a.keys.form = nil, false
		a.keys.Enter.SetHelp("enter", "join")
		return a, nil
	case key.Matches(msg, a.keys.Next), key.Matches(msg, a.keys.Prev):
		a.form[a.field].Blur()
		step := 1
		if key.Matches(msg, a.keys.Prev) {
			step = len(a.form) - 1
		}
		a.field = (a.field + step) % len(a.form)
		a.keys.Pick.SetEnabled(formChoices(a.field) != nil)
		return a, a.form[a.field].Focus()
	case key.Matches(msg, a.keys.Enter):
		f, err := a.readForm()
		if err != nil {
			a.status, a.failed = err.Error(), true
			return a, nil
		}
		a.status, a.failed = "opening a "+f.Kind.Noun()+" for "+f.Team+"…", false
		l := a.lobby
		return a, func() tea.Msg {
			code, err := l.NewSession(f)
			if err != nil {
				return enteredMsg{err: err}
			}
			room, me, err := l.Enter(code, false)
			return enteredMsg{room, me, err}
		}
	}
	var cmd tea.Cmd
	a.form[a.field], cmd = a.form[a.field].Update(visibleInput(msg))
	return a, cmd
}

func (a *App) readForm() (SessionForm, error) {
	var f SessionForm
	var err error
	if f.Kind, err = session.ParseKind(strings.TrimSpace(a.form[0].Value())); err != nil {
		return f, fmt.Errorf("kind: standup or retro")
	}
	// Names typed here are refused when too long, never cut.
	if f.Team, err = session.CheckName(a.form[1].Value()); err != nil {
		return f, fmt.Errorf("team: %s", sentence(err))
	} else if f.Team == "" {
		return f, fmt.Errorf("the team needs a name")
	}
	for _, m := range strings.Split(a.form[2].Value(), ",") {
		if m, err = session.CheckName(m); err != nil {
			return f, fmt.Errorf("members: %s", sentence(err))
		} else if m != "" {
			f.Members = append(f.Members, m)
		}
	}
	if v := strings.TrimSpace(a.form[3].Value()); v != "" {
		if f.Timebox, err = time.ParseDuration(v); err != nil || f.Timebox <= 0 {
			return f, fmt.Errorf("time-box: a duration like 15m, or empty")
		}
	}
	if v := strings.TrimSpace(a.form[4].Value()); v != "" {
		if f.Turn, err = time.ParseDuration(v); err != nil || f.Turn <= 0 {
			return f, fmt.Errorf("turn: a duration like 2m, or empty")
		}
	}
	switch strings.ToLower(strings.TrimSpace(a.form[6].Value())) {
	case "", "knock":
	case "open":
		f.OpenDoor = true
	default:
		return f, fmt.Errorf("guests: knock (they wait for the facilitator) or open (anyone with the code)")
	}
	if format := strings.TrimSpace(a.form[fieldFormat].Value()); f.Kind == session.Retro && format != "" {
		f.FormatGiven = true
		if f.Format, err = session.ParseFormat(format); err != nil {
			if cols := strings.Split(format, ","); len(cols) > 1 {
				f.Format, f.Columns = session.Custom, cols // "Keep,Drop,Try" is a custom board
			} else {
				return f, fmt.Errorf("format: choose one with ←/→, or type columns like Keep,Drop,Try")
			}
		}
		if _, err := session.Columns(f.Format, f.Columns); err != nil {
			return f, fmt.Errorf("format: %s", sentence(err))
		}
	}
	return f, nil
}

// View renders the lobby, or the session once entered.
func (a *App) View() tea.View {
	if a.inSession {
		return a.sess.View()
	}
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "huddle"
	return v
}

func (a *App) render() string {
	st := a.styles
	w := max(20, a.width-2)
	var b strings.Builder
	b.WriteString(st.Title.Render("huddle") + st.Subtle.Render(" · lobby") + "\n")
	b.WriteString(st.Rule.Render(repeat("─", w)) + "\n")
	if a.form != nil {
		b.WriteString(st.Heading.Render("A new stand-up or retrospective") + "\n\n")
		for i, in := range a.form {
			label := fmt.Sprintf("%-36s", formLabels[i])
			if i == a.field {
				b.WriteString(st.Selected.Render("▸ "+label) + in.View() + "\n")
			} else {
				b.WriteString(st.Subtle.Render("  "+label) + in.View() + "\n")
			}
		}
		if a.field == fieldFormat {
			b.WriteString("\n" + st.Text.Render(truncate(formatNote(a.form[fieldFormat].Value()), w)) + "\n")
		}
		b.WriteString("\n" + st.Subtle.Render("You facilitate it; the others join with the code it shows.") + "\n")
	} else {
		b.WriteString(st.Heading.Render("Live sessions of your teams") + "\n\n")
		if len(a.entries) == 0 {
			b.WriteString(st.Subtle.Render("None right now. Press n to open a session, or join one with its code:") + "\n")
			b.WriteString(st.Subtle.Render("  ssh -t -p PORT HOST join CODE") + "\n")
		}
		for i, e := range a.entries {
			mark, team := "  ", st.Text.Render(e.Team)
			if i == a.cursor {
				mark, team = st.Selected.Render("▸ "), st.Selected.Render(e.Team)
			}
			line := mark + team + st.Subtle.Render(" "+e.Kind.Noun()+" · "+phaseTitle(e.Phase)+" · "+itoa(e.Here)+" here · "+e.Code)
			b.WriteString(truncate(line, w) + "\n")
		}
		b.WriteString(a.actionsPanel(w))
	}
	body := b.String()
	var foot []string
	switch {
	case a.status != "" && a.failed:
		foot = append(foot, st.Error.Render("✗ "+truncate(a.status, w-2)))
	case a.status != "":
		foot = append(foot, st.Notice.Render(truncate(a.status, w-2)))
	default:
		foot = append(foot, "")
	}
	foot = append(foot, truncate(a.help.View(a.keys), w))
	footer := strings.Join(foot, "\n")
	h := max(1, a.height-lipgloss.Height(footer))
	body = lipgloss.NewStyle().Height(h).MaxHeight(h).Render(body)
	return st.App.Render(body + "\n" + footer)
}
