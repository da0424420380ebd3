package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// retroPlan is a retrospective's phases after the waiting room, in order.
var retroPlan = []session.Phase{session.CheckIn, session.Review, session.Write, session.Group,
	session.Vote, session.Discuss, session.Actions, session.Roti}

// ui is the board's state for the current phase: a phase change starts
// the cursor afresh (an open prompt stays).
func (m *retroScreen) ui() retroUI {
	b := m.board()
	if b.phase != m.state.Phase {
		return retroUI{phase: m.state.Phase, prompt: b.prompt, actingFor: b.actingFor}
	}
	return b
}

// promptKey hands a key to the retrospective's prompt, if one is open.
// A phase change starts the board's cursor afresh first.
func (m *retroScreen) promptKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	m.setBoard(m.ui())
	if m.ui().prompt == nil {
		return nil, false
	}
	return retroAsker{m}.retroPromptKey(msg), true
}

// shared is the bindings of the keys every screen has, as the
// retrospective switches them on and off (E ends it: e edits a card).
func (m *retroScreen) shared() sharedKeys {
	k := m.retroKeys()
	return sharedKeys{Help: k.Help, Park: k.Park, End: k.End, HandOver: k.HandOver, TakeOver: k.TakeOver}
}

// ask opens the retrospective's prompt for park, end or hand over.
func (m *retroScreen) ask(a retroAsk) tea.Cmd {
	switch a {
	case askPark:
		return m.open(askPark, "Park a topic", "", nil, retroAsker{m}.park)
	case askEnd:
		return retroAsker{m}.question(askEnd, "End the retrospective now? (y/n)", yesNo(func() tea.Cmd {
			return m.submit(session.End{}, "the retrospective has ended")
		}))
	}
	return m.open(askHandOver, "Hand the facilitator role to", "", presentMembers(m.state), retroAsker{m}.handOver)
}

// key handles a retrospective's own keys: those of every phase, then
// the phase's.
func (m *retroScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	s, k := m.state, m.retroKeys()
	switch {
	case key.Matches(msg, k.Next):
		return m.submit(session.Next{Step: m.state.Step()}, "")
	case key.Matches(msg, k.Extend):
		if m.anotherRound() {
			return m.submit(session.AnotherRound{}, "another round of "+session.MinSec(m.topicRound()))
		}
		return m.submit(session.Extend{By: time.Minute}, "one more minute")
	case key.Matches(msg, k.ActFor):
		return m.open(askActFor, "Act for (a member's name; enter: yourself)", "", m.teamNames(), retroAsker{m}.actFor)
	case key.Matches(msg, k.Ready):
		ready := !s.Ready[m.actor()]
		notice := "you are done with the " + s.Phase.String()
		if !ready {
			notice = "not done after all"
		}
		return m.submit(session.SetReady{Ready: ready, For: m.actingFor()}, notice)
	}
	if cmd, ok := (retroCorrector{m}).retroCorrectionKey(msg, k); ok {
		return cmd
	}
	switch s.Phase {
	case session.Waiting:
		return m.retroWaitingKey(msg, k)
	case session.CheckIn:
		return retroPhases{m}.checkInKey(msg, k)
	case session.Review:
		return retroPhases{m}.reviewKey(msg, k)
	case session.Write, session.Group, session.Vote:
		return retroBoard{m}.boardKey(msg, k)
	case session.Discuss, session.Actions:
		return retroPhases{m}.discussKey(msg, k)
	case session.Roti:
		if key.Matches(msg, k.Roti) {
			return m.submit(session.GiveRoti{Score: int(msg.String()[0] - '0'), For: m.actingFor()}, "thank you: the score is anonymous")
		}
	}
	return nil
}

// retroWaitingKey handles the waiting room: arrivals and the start.
func (m *retroScreen) retroWaitingKey(msg tea.KeyPressMsg, k retroKeyMap) tea.Cmd {
	if cmd, ok := (retroPhases{m}).collectKey(msg, k); ok {
		return cmd // cards written ahead: collect.go
	}
	switch {
	case key.Matches(msg, k.Arrive):
		return m.open(askArrive, "Who arrived?", "", names(m.state.Absent()), retroAsker{m}.arrived)
	case key.Matches(msg, k.Start, k.Up, k.Down, k.Present):
		return m.waitingKey(msg) // the stand-up's waiting room: its cursor and arrivals
	}
	return nil
}

// view renders a retrospective's phase: where the retrospective is,
// the phase's time-box and who is done, the phase itself, and the parking
// lot and prompt at the bottom.
func (m *retroScreen) view(w, h int) string {
	s := m.state
	top := []string{retroPhases{m}.phaseBar(w)}
	if s.Phase != session.Waiting {
		label := "phase"
		if s.Phase == session.Discuss {
			label = "topic"
		}
		top = append(top, m.timerLine(padRight(label, 5), s.PhaseTimer, w))
		if h >= 30 {
			top = append(top, m.timerLine(padRight("retro", 5), s.Overall, w))
		}
		if ready := (retroPhases{m}).readyLine(w); ready != "" {
			top = append(top, ready)
		}
		if id := m.actingFor(); id != "" {
			top = append(top, truncate(m.styles.Notice.Render("acting for "+s.Name(id))+m.styles.Subtle.Render(" · @ to change"), w))
		}
	}
	top = append(top, "")
	var bottom []string
	if s.OpenCount() > 0 && s.Phase != session.Waiting {
		bottom = append(bottom, m.parkingPanel(w, 1, "Parking lot"))
	}
	bottom = append(bottom, retroAsker{m}.promptLines(w)...)
	room := max(1, h-len(top)-len(bottom))
	var body string
	switch s.Phase {
	case session.Waiting:
		body = retroPhases{m}.retroWaitingView(w, room)
	case session.CheckIn:
		body = retroPhases{m}.checkInView(w, room)
	case session.Review:
		body = retroPhases{m}.reviewView(w, room)
	case session.Write, session.Group, session.Vote:
		body = retroBoard{m}.boardView(w, room)
	case session.Discuss:
		body = retroPhases{m}.discussView(w, room)
	case session.Actions:
		body = retroPhases{m}.actionsView(w, room)
	case session.Roti:
		body = retroPhases{m}.rotiView(w, room)
	}
	lines := append(top, fit(body, w, room)...)
	lines = append(lines, make([]string, max(0, h-len(lines)-len(bottom)))...)
	lines = append(lines, bottom...)
	return strings.Join(fit(strings.Join(lines, "\n"), w, h), "\n")
}

// fit cuts a block to at most h lines of at most w cells.
func fit(block string, w, h int) []string {
	lines := strings.Split(block, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = truncate(l, w)
	}
	return lines
}

// phaseBar shows the retrospective's plan with the current phase marked.
func (m retroPhases) phaseBar(w int) string {
	st := m.styles
	parts := make([]string, len(retroPlan))
	for i, p := range retroPlan {
		switch {
		case p == m.state.Phase:
			parts[i] = st.Selected.Render("● " + p.String())
		case p < m.state.Phase:
			parts[i] = st.Subtle.Render(p.String())
		default:
			parts[i] = st.Text.Render(p.String())
		}
	}
	return truncate(strings.Join(parts, st.Subtle.Render(" › ")), w)
}

// readyLine says who is done with the phase and who is not yet.
func (m retroPhases) readyLine(w int) string {
	st, s := m.styles, m.state
	var done, waiting []string
	for _, p := range s.Participants {
		if !p.Present || p.Role == session.Observer {
			continue
		}
		if s.Ready[p.ID] {
			done = append(done, p.Name)
		} else {
			waiting = append(waiting, p.Name)
		}
	}
	n := len(done) + len(waiting)
	if n == 0 {
		return ""
	}
	head := st.Subtle.Render("Done " + itoa(len(done)) + "/" + itoa(n) + "  ")
	switch {
	case len(waiting) == 0 && s.Config.AutoAdvance:
		return truncate(head+st.Notice.Render("everyone is done"), w)
	case len(waiting) == 0 && m.role() == session.Facilitator:
		return truncate(head+st.Notice.Render("everyone is done · n moves on"), w)
	case len(waiting) == 0:
		return truncate(head+st.Notice.Render("everyone is done · the facilitator moves on"), w)
	}
	line := head
	if len(done) > 0 {
		line += st.Present.Render("✓ "+strings.Join(done, ", ")) + st.Subtle.Render(" · ")
	}
	return truncate(line+st.Subtle.Render("not yet: ")+st.Text.Render(strings.Join(waiting, ", ")), w)
}

// anotherRound reports whether the discussed topic's time is up, when +
// gives it another round.
func (m *retroScreen) anotherRound() bool {
	_, ok := m.state.CurrentTopic()
	return ok && m.state.PhaseTimer.Remaining(m.now) <= 0
}

// topicRound is one round of discussion of a topic.
func (m *retroScreen) topicRound() time.Duration {
	c := m.state.Config
	if c.TopicBox > 0 {
		return c.TopicBox
	}
	if d := c.PhaseBoxes[session.Discuss]; d > 0 {
		return d
	}
	return session.DefaultPhaseBoxes[session.Discuss]
}

// mine reports whether this participant wrote the card.
func (m *retroScreen) mine(c session.Card) bool {
	if c.AuthorHash != "" {
		return c.AuthorHash == m.viewer
	}
	return c.Author.ID != "" && c.Author.ID == m.me
}

// voterID is how this participant's dots are counted.
func (m *retroScreen) voterID() string {
	if m.state.Config.Anonymous {
		return m.viewer
	}
	return string(m.actor())
}

// handOverRefused is what f says at the shared keyboard, where the
// keyboard is the facilitator and handing the role away would lock it out.
const handOverRefused = "at the shared keyboard the keyboard facilitates: f works with huddle serve; @ acts for a member"

// viewOf is the room's state s as this screen shows it: State.For its
// participant. At the shared keyboard, while the facilitator acts for a
// member during the vote, the dots shown are the member's, which the
// keyboard casts and takes back for them, not the facilitator's own; while
// writing, the member's cards show as the member sees them.
func (m *retroScreen) viewOf(s *session.State) *session.State {
	m.full = s
	v := s.For(m.me, m.viewer)
	if !m.opts.SharedKeyboard || v.Config.Anonymous {
		return v // (not looking for the participant in a room of hundreds)
	}
	if me, _ := v.Participant(m.me); me.Role != session.Facilitator {
		return v
	}
	id := m.cur.actingFor
	if id == "" || id == m.me {
		return v
	}
	switch v.Phase {
	case session.Vote:
		v.Votes = s.For(id, "").Votes
	case session.Write:
		// The cards the keyboard typed for the member, which it may
		// correct before they are revealed.
		for i, c := range s.Cards {
			if c.Author.ID == id && i < len(v.Cards) {
				v.Cards[i] = c
			}
		}
	}
	return v
}

// whose is how the screen names the dots of the one it acts for: "your",
// or at the shared keyboard the member's ("Lukas's"); whoseOwn is the
// same alone ("yours", "Lukas's").
func (m *retroScreen) whose() string {
	if id := m.actingFor(); id != "" {
		return m.state.Name(id) + "'s"
	}
	return "your"
}

func (m *retroScreen) whoseOwn() string {
	if m.actingFor() != "" {
		return m.whose()
	}
	return "yours"
}

// actingFor is the member the facilitator acts for at the shared
// keyboard, or "" for oneself.
func (m *retroScreen) actingFor() session.ParticipantID {
	if !m.opts.SharedKeyboard || m.state.Config.Anonymous || m.role() != session.Facilitator {
		return ""
	}
	return m.ui().actingFor
}

// actor is whom per-person commands are for: the member acted for, or me.
func (m *retroScreen) actor() session.ParticipantID {
	if id := m.actingFor(); id != "" {
		return id
	}
	return m.me
}
