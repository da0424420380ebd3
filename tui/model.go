package tui

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"huddle/internal/beat"
	"huddle/session"
)

// Room is what the interface needs of a live session; *session.Room is one.
type Room interface {
	Submit(actor session.ParticipantID, c session.Command) error
	Subscribe() *session.Subscription
	Clock() session.Clock
	// Viewer is the participant's stand-in in anonymous records, for
	// the view of a retrospective that only they may see (State.For).
	Viewer(id session.ParticipantID) string
}

// QuitReason is the pause reason recorded when a local facilitator quits
// mid-turn, so that resuming can tell a quit from a deliberate pause.
const QuitReason = "huddle was closed"

// idleOut reports whether the idle timeout ends the program now: only
// once the session has ended, counting from the last key press or the
// end, whichever came later, so that nobody is cut off the moment a long
// session ends.
func (m *Model) idleOut() bool {
	if m.opts.IdleTimeout <= 0 || m.state.Phase != session.Closed {
		return false
	}
	since := m.lastKey
	if m.state.Ended.After(since) {
		since = m.state.Ended
	}
	return !since.IsZero() && m.now.Sub(since) > m.opts.IdleTimeout
}

// zone is the participant's time zone (see Options.Location).
func (m *common) zone() *time.Location {
	if m.opts.Location != nil {
		return m.opts.Location
	}
	return time.Local
}

// joinLine is the command that joins this session over SSH, ready to
// paste; empty locally.
func (m *common) joinLine() string {
	if m.opts.JoinCommand == "" || m.state.Config.Code == "" {
		return ""
	}
	return m.opts.JoinCommand + " " + m.state.Config.Code
}

// Idled reports whether the program ended because of the idle timeout.
func (m *Model) Idled() bool { return m.idled }

// Model is the root of the interface for one participant of one session:
// it owns the room's subscription, the clock, the size, the styles, the
// help and the status line (in common, which its screens share), handles
// the keys every screen has once (onKey: quit, help, park, end, hand-over,
// take-over, the door, the join code, the prompt), and hands the rest to
// the screen of the session's kind: the stand-up's or the
// retrospective's.
type Model struct {
	*common
	missedUI // what members missed (missed.go)
	sub      *session.Subscription
	standup  *standupScreen
	retro    *retroScreen

	shown   int64      // the sequence number of the newest action result shown
	expired turnExpiry // what the bell has rung for
	ticking bool       // whether the clock ticks and snapshots are awaited (off in tests)
	fed     bool       // Feed delivers them with send: wait does not
	send    func(tea.Msg)
	quit    bool
	lastKey time.Time               // the last key press, for the idle timeout
	idled   bool                    // quit for being idle
	head    memo[headShows, string] // the header last drawn (headcache.go)
	facAt   found                   // where the facilitator is in the state

	title    memo[string, string]   // the window's title, for the team it names (view.go)
	helpMemo helpMemo               // the key help last drawn (helpcache.go)
	headRows memo[string, []string] // the header and footer as rows (ViewRows)
	footRows memo[string, []string]
	footMemo struct { // the footer last drawn, and its lines (view.go)
		lines []string
		s     string
	}
	statusLast memo[statusShows, string] // the status line last drawn (view.go)
}

// turnExpiry identifies the expiries seen so far, so the bell rings once.
type turnExpiry struct {
	turns   int
	turn    bool
	timebox bool
	step    string // a retrospective's phase or topic
	phase   bool   // its time-box ran out
}

type (
	snapshotMsg  session.Snapshot
	roomEndedMsg struct{}
	tickMsg      time.Time
	doneMsg      struct {
		seq    int64 // in the order of submitting (submitter.send, fail): the newest shown wins
		err    error
		notice string
		retry  *prompt // the prompt to reopen with its text when err is set

		arrived session.ParticipantID // whom an Arrive was for
	}
)

// New returns the interface of participant me in the room. It subscribes
// to the room at once; Close ends the subscription.
func New(room Room, me session.ParticipantID, opts Options) *Model {
	c := &common{
		room:    room,
		me:      me,
		opts:    opts,
		queue:   newSubmitter(room, me, opts.Actions, opts.ActionBurst),
		keys:    DefaultKeyMap(),
		help:    help.New(),
		styles:  opts.Theme.Styles(true),
		summary: viewport.New(),
		width:   80,
		height:  24,
	}
	m := &Model{
		common:  c,
		sub:     room.Subscribe(),
		ticking: true,
		standup: &standupScreen{common: c, waitingRoom: waitingRoom{c}},
		retro:   newRetroScreen(c),
	}
	m.help.Styles = m.styles.Help
	snap, ok := <-m.sub.C()
	if !ok {
		m.state = &session.State{}
		m.status, m.failed = "this session is no longer open", true
	} else {
		m.viewer = room.Viewer(me)
		m.state, m.now = m.retro.viewOf(snap.State), room.Clock().Now()
	}
	m.expired = expiryOf(m.state)
	m.lastKey = room.Clock().Now()
	if opts.Context != nil {
		context.AfterFunc(opts.Context, m.Close) // no goroutine until it ends
	}
	m.follow()
	m.keys.now = m.now
	m.keys.shared = opts.SharedKeyboard
	m.keys.me, m.keys.cursor = me, &c.cursor // whose topics and blockers, and which topic is selected
	m.keys.setFor(m.state, m.role(), false)
	m.keys.Invite.SetEnabled(opts.JoinCommand != "")
	return m
}

// Close ends the model's subscription to the room and its submitting
// goroutine. Call it once the program has ended.
func (m *Model) Close() {
	m.sub.Close()
	m.queue.close()
}

// Feed delivers the room's snapshots and the turns of the second to the
// program with send (its tea.Program's Send) from one goroutine that
// lasts as long as the subscription (until Close), in place of a
// command, and a goroutine, per message (wait): the SSH server, which
// runs a program per participant, calls it before the program runs.
// The goroutine starts with the program (Init): a program that never
// runs has nobody to send to.
func (m *Model) Feed(send func(tea.Msg)) {
	m.fed = m.ticking
	m.send = send
}

// feed is Feed's goroutine.
func (m *Model) feed() {
	sub, clock, send := m.sub, m.room.Clock(), m.send
	go func() {
		for {
			msg := nextMsg(sub, beat.Seconds.Next(), clock)
			send(msg) // returns at once if the program has ended
			if _, ended := msg.(roomEndedMsg); ended {
				return
			}
		}
	}()
}

// nextMsg waits for the room's next snapshot or the turn of the second,
// whichever comes first, and returns it as the program's message.
func nextMsg(sub *session.Subscription, turn <-chan struct{}, clock session.Clock) tea.Msg {
	select {
	case snap, ok := <-sub.C():
		if !ok {
			return roomEndedMsg{}
		}
		return snapshotMsg(snap)
	case <-turn:
		return tickMsg(clock.Now())
	}
}

// Init starts waiting for snapshots and the clock.
func (m *Model) Init() tea.Cmd {
	if m.fed {
		m.feed()
	}
	return tea.Batch(m.wait(), tea.RequestBackgroundColor, greeter{m}.greetNew())
}

// wait is the program's one waiting goroutine: for the room's next
// snapshot or the turn of the second (the process's beat), whichever
// comes first. Exactly one is under way while the program runs: Init
// starts it, and each snapshot or tick it delivers starts the next.
func (m *Model) wait() tea.Cmd {
	if !m.ticking || m.fed {
		return nil // tests deliver snapshots and the time themselves; Feed does
	}
	sub, clock, turn := m.sub, m.room.Clock(), beat.Seconds.Next()
	return func() tea.Msg { return nextMsg(sub, turn, clock) }
}

func (m *common) role() session.Role {
	if p, ok := m.self(); ok {
		return p.Role
	}
	return session.Observer
}

// self is the participant in the state (see found).
func (m *common) self() (session.Participant, bool) { return m.selfAt.find(m.state, m.me) }

// Update routes a message to the handler of its kind.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return m, m.update(msg)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width - 2)
		m.syncSummary()
		return nil
	case tea.BackgroundColorMsg:
		m.styles = m.opts.Theme.Styles(msg.IsDark())
		m.help.Styles = m.styles.Help
		m.syncSummary()
		return nil
	case snapshotMsg:
		return m.onSnapshot(session.Snapshot(msg))
	case roomEndedMsg:
		m.status, m.failed = "the session was closed by the server", true
		return tea.Quit
	case tickMsg:
		m.now = time.Time(msg)
		if m.idleOut() {
			m.idled = true
			if m.opts.OnIdle != nil {
				m.opts.OnIdle()
			}
			return tea.Quit
		}
		m.keys.tick(m.now, m.state, m.role(), m.prompt != nil) // t comes once it would work
		return tea.Batch(m.wait(), greeter{m}.unseenTick())
	case doneMsg:
		if msg.arrived != "" && msg.err != nil {
			delete(m.arriving, msg.arrived)
			m.clampCursor()
		}
		if msg.seq < m.shown {
			return nil // older than the result shown: it would hide a newer one
		}
		m.shown = max(m.shown, msg.seq)
		m.status, m.failed = msg.notice, msg.err != nil
		if msg.err != nil {
			m.status = sentence(msg.err)
			if msg.retry != nil && m.prompt == nil && !m.quit {
				return m.openPrompt(msg.retry)
			}
		}
		return nil
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case missedMsg:
		return greeter{m}.onMissed(msg)
	case unseenMsg:
		return greeter{m}.onUnseen(msg)
	}
	return m.screen().update(msg)
}

func (m *Model) onSnapshot(snap session.Snapshot) tea.Cmd {
	before := m.state
	m.state = m.retro.viewOf(snap.State)
	if notice := m.handOverNotice(before, m.state); notice != "" {
		m.status, m.failed = notice, false
	}
	if m.opts.Key != "" {
		// Keys are one participant's each: holding it, the participant
		// is still the one whose key this is (no search of everyone).
		if me, ok := m.self(); !ok || me.Key != m.opts.Key {
			if p, ok := snap.State.ByKey(m.opts.Key); ok && p.ID != m.me {
				m.follow()
				m.state = m.retro.viewOf(snap.State)
			}
		}
		if m.barred() {
			m.status, m.failed = "the facilitator has not let you into this session", true
			return tea.Quit
		}
	}
	for id := range m.arriving {
		if p, ok := m.state.Participant(id); !ok || p.Present {
			delete(m.arriving, id)
		}
	}
	m.now = m.room.Clock().Now()
	m.clampCursor()
	m.keys.now = m.now
	m.keys.setFor(m.state, m.role(), m.prompt != nil)
	m.syncSummary()
	cmds := []tea.Cmd{m.wait(), greeter{m}.greetNew()}
	if e := expiryOf(m.state); e != m.expired {
		if (e.turn && (!m.expired.turn || e.turns != m.expired.turns)) || (e.timebox && !m.expired.timebox) ||
			(e.phase && (!m.expired.phase || e.step != m.expired.step)) {
			cmds = append(cmds, tea.Raw("\a"))
		}
		m.expired = e
	}
	return tea.Batch(cmds...)
}

func expiryOf(s *session.State) turnExpiry {
	e := turnExpiry{turns: len(s.Turns), timebox: s.Overall.Expired}
	if s.Config.Kind == session.Retro {
		e.step, e.phase, e.timebox = s.Step(), s.PhaseTimer.Expired, false
	}
	if t, ok := s.CurrentTurn(); ok {
		e.turn = t.Timer.Expired
	}
	return e
}

// onKey handles a key press: the open prompt's, if one is open; then
// the keys every screen has, once for both kinds; then the screen's own.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	m.lastKey = m.room.Clock().Now()
	if m.prompt != nil {
		return m.promptKey(msg)
	}
	m.status, m.failed = "", false
	if m.knocking() {
		if key.Matches(msg, m.keys.Quit) {
			return m.leave()
		}
		return nil
	}
	if m.overlay != nil {
		if cmd, ok := (greeter{m}).missedKey(msg); ok {
			return cmd // the greeting or the list is open
		}
	}
	scr := m.screen()
	if !key.Matches(msg, m.keys.Quit) {
		if cmd, ok := scr.promptKey(msg); ok {
			return cmd // the screen's own prompt is open
		}
	}
	if cmd, ok := (greeter{m}).missedKey(msg); ok {
		return cmd // L, once no prompt takes the key as text
	}
	if line := m.joinLine(); line != "" && key.Matches(msg, m.keys.Invite) {
		m.status = "others join with: " + line
		return nil
	}
	if cmd, ok := m.doorKeys(msg); ok {
		return cmd
	}
	k := scr.shared()
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.leave()
	case m.opts.SharedKeyboard && m.role() == session.Facilitator && msg.String() == "f" && m.state.Phase != session.Closed:
		// Handing the role away would lock the keyboard out.
		m.status, m.failed = handOverRefused, true
		return nil
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		if m.help.ShowAll {
			m.keys.Help.SetHelp("?", "fewer keys")
		} else {
			m.keys.Help.SetHelp("?", "more")
		}
		m.syncSummary()
		return nil
	case key.Matches(msg, k.Park):
		return scr.ask(askPark)
	case key.Matches(msg, k.End):
		return scr.ask(askEnd)
	case key.Matches(msg, k.HandOver):
		return scr.ask(askHandOver)
	case key.Matches(msg, k.TakeOver):
		return m.submit(session.TakeOver{}, "you facilitate now")
	}
	if m.state.Phase == session.Closed {
		var cmd tea.Cmd
		m.summary, cmd = m.summary.Update(msg) // the summary scrolls
		return cmd
	}
	return scr.key(msg)
}

// leave quits this participant's program, pausing the timers first when
// the options ask for it.
func (m *Model) leave() tea.Cmd {
	m.quit = true
	if m.opts.SharedKeyboard && m.state.Phase == session.Rounds && !m.state.Paused && m.role() == session.Facilitator {
		return tea.Sequence(m.submit(session.Pause{Reason: QuitReason}, ""), tea.Quit)
	}
	return tea.Quit
}

// submit queues a command for the room, in key order, and returns the
// tea.Cmd that reports its result off the update loop.
func (m *common) submit(c session.Command, notice string) tea.Cmd {
	return m.queue.send(c, notice)
}

func (m *common) moveCursor(delta, n int) {
	if n > 0 {
		m.cursor = (m.cursor + delta + n) % n
	}
}

func (m *common) clampCursor() {
	n := 0
	switch m.state.Phase {
	case session.Waiting:
		n = len(m.missing())
	case session.Parking:
		open, _, _ := m.parkingItems()
		n = len(open)
	}
	m.cursor = max(0, min(m.cursor, n-1))
}

// sentence is an error as the person who caused it should read it: the
// session's errors carry their own sentence after the kind.
func sentence(err error) string {
	for _, kind := range []error{session.ErrForbidden, session.ErrPhase, session.ErrInvalid, session.ErrNotFound, session.ErrConflict} {
		if errors.Is(err, kind) {
			msg := err.Error()
			if i := len(kind.Error()) + 2; len(msg) > i && msg[:i-2] == kind.Error() {
				return msg[i:]
			}
			return msg
		}
	}
	return err.Error()
}

// missing is who is expected and not here, less those just marked present
// whose arrival the room has not published yet: a quick second enter
// marks the next person, not the same one again.
func (m *common) missing() []session.Participant {
	var out []session.Participant
	for _, p := range m.state.Absent() {
		if !m.arriving[p.ID] {
			out = append(out, p)
		}
	}
	return out
}

func names(ps []session.Participant) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}
