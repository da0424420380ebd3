package tui

import (
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

type promptKind int

const (
	promptPark promptKind = iota
	promptBlocker
	promptArrive
	promptStay
	promptDiscussed
	promptDecision
	promptEnd
	promptHandOver
	promptDoor    // a knock: g, m, x or esc
	promptAdmitAs // the roster member to let a knocker in as
	promptRemove
)

// prompt is the one-line input at the bottom of the screen that collects
// the text of a command.
type prompt struct {
	kind    promptKind
	label   string
	item    int                   // the parking-lot item it is about
	speaker session.ParticipantID // the speaker a blocker is for
	knock   string                // the knocking key a door prompt is about
	who     string                // and its name
	input   textinput.Model

	// A yes/no question (promptEnd): the command that y or enter
	// submits, with its notice. Any other key (n, esc) answers no, so a
	// repeated key never confirms it.
	confirm session.Command
	notice  string
}

// newConfirm asks a yes/no question whose yes submits c.
func newConfirm(label string, c session.Command, notice string, st Styles) *prompt {
	p := newPrompt(promptEnd, label, st)
	p.confirm, p.notice = c, notice
	return p
}

func newPrompt(kind promptKind, label string, st Styles) *prompt {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = session.DefaultMaxText
	in.ShowSuggestions = true
	styles := in.Styles()
	styles.Cursor.Blink = false
	styles.Focused.Text = st.Text
	styles.Focused.Suggestion = st.Subtle
	in.SetStyles(styles)
	in.Focus()
	return &prompt{kind: kind, label: label, input: in}
}

func (m Model) openPrompt(p *prompt) (tea.Model, tea.Cmd) {
	p.input.SetWidth(max(10, m.width-lenRunes(p.label)-6))
	m.prompt = p
	m.keys.setFor(m.state, m.role(), true)
	return m, nil
}

func (m Model) closePrompt() Model {
	m.prompt = nil
	m.keys.setFor(m.state, m.role(), false)
	return m
}

func (m Model) updatePrompt(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.prompt.input, cmd = m.prompt.input.Update(visibleInput(msg))
	return m, cmd
}

func (m Model) promptKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	p := m.prompt
	if msg.String() == "ctrl+c" {
		return m.closePrompt().leave()
	}
	if p.kind == promptDoor {
		return m.doorAnswer(p, msg)
	}
	if p.kind == promptEnd {
		switch msg.String() {
		case "y", "Y", "enter":
			m = m.closePrompt()
			return m, m.submit(p.confirm, p.notice)
		case "n", "N", "esc":
			return m.closePrompt(), nil
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, m.keys.Cancel):
		return m.closePrompt(), nil
	case key.Matches(msg, m.keys.Confirm):
		value := strings.TrimSpace(p.input.Value())
		m = m.closePrompt()
		if value == "" && p.kind != promptDiscussed {
			return m, nil
		}
		cmd := m.promptCommand(p, value)
		// Keep what was typed until the room has taken it: a rejected
		// command reopens the prompt with the text (see doneMsg).
		return m, func() tea.Msg {
			done := cmd().(doneMsg)
			if done.err != nil {
				done.retry = p
			}
			return done
		}
	}
	return m.updatePrompt(msg)
}

// promptCommand turns a confirmed prompt into the command it asked for.
func (m Model) promptCommand(p *prompt, value string) tea.Cmd {
	switch p.kind {
	case promptPark:
		c, err := m.parseMentions(value)
		if err != nil {
			return m.queue.fail(err)
		}
		return m.submit(c, "parked: "+session.CleanText(c.Topic, 40))
	case promptBlocker:
		who, text := p.speaker, value
		if m.role() == session.Facilitator && strings.HasPrefix(value, "@") {
			q, rest, ok := m.leadingName(value[1:])
			if !ok {
				name, _, _ := strings.Cut(value[1:], " ")
				return m.queue.fail(errNoSuchName(name))
			}
			who, text = q.ID, rest
		}
		notice := "blocker noted"
		if q, ok := m.state.Participant(who); ok {
			notice = "blocker noted for " + q.Name
		}
		return m.submit(session.NoteBlocker{Speaker: who, Text: text}, notice)
	case promptArrive:
		name := session.CleanName(value)
		if p, ok := m.findByName(value); ok {
			name = p.Name
		}
		return m.submit(session.Arrive{Name: value}, name+" is here")
	case promptStay:
		who, ok := m.findByName(value)
		if !ok {
			return m.queue.fail(errNoSuchName(value))
		}
		it, _ := m.state.Item(p.item)
		stay := !it.Stays(who.ID)
		notice := who.Name + " stays for #" + itoa(p.item)
		if !stay {
			notice = who.Name + " no longer needs to stay"
		}
		return m.submit(session.Stay{Item: p.item, Who: who.ID, Stay: stay}, notice)
	case promptDiscussed:
		return m.submit(session.Resolve{Item: p.item, Status: session.Discussed, Note: value}, "marked as discussed")
	case promptDecision:
		return m.submit(session.Resolve{Item: p.item, Status: session.Decided, Note: value}, "decision recorded")
	case promptHandOver:
		who, ok := m.findByName(value)
		if !ok {
			return m.queue.fail(errNoSuchName(value))
		}
		return m.submit(session.HandOver{To: who.ID}, who.Name+" facilitates now")
	case promptAdmitAs:
		return m.submit(session.Admit{Key: p.knock, As: value}, p.who+" is in, as "+session.CleanName(value))
	case promptRemove:
		return m.removeCommand(value)
	}
	return func() tea.Msg { return doneMsg{} }
}

// parseMentions reads a parked topic with trailing @Name mentions: the
// people named need to stay for it. At the shared keyboard of local mode
// the first one named raised it; over SSH whoever typed it did.
func (m Model) parseMentions(value string) (session.Park, error) {
	var c session.Park
	words := strings.Fields(value)
	n := len(words)
	for n > 0 && strings.HasPrefix(words[n-1], "@") && len(words[n-1]) > 1 {
		n--
	}
	for _, w := range words[n:] {
		p, ok := m.findByName(strings.TrimPrefix(w, "@"))
		if !ok {
			return c, errNoSuchName(strings.TrimPrefix(w, "@"))
		}
		c.Stay = append(c.Stay, p.ID)
	}
	c.Topic = strings.Join(words[:n], " ")
	if m.opts.SharedKeyboard && len(c.Stay) > 0 {
		c.RaisedBy = c.Stay[0]
	}
	return c, nil
}

func (m Model) findByName(name string) (session.Participant, bool) {
	name = session.CleanName(name)
	for _, p := range m.state.Participants {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return session.Participant{}, false
}

// leadingName finds the participant whose name starts s, followed by a
// space or nothing (the longest such name, as names may have spaces), and
// returns the rest of s.
func (m Model) leadingName(s string) (session.Participant, string, bool) {
	var best session.Participant
	found := false
	for _, p := range m.state.Participants {
		n := len(p.Name)
		if len(s) < n || !strings.EqualFold(s[:n], p.Name) || (len(s) > n && s[n] != ' ') {
			continue
		}
		if !found || n > len(best.Name) {
			best, found = p, true
		}
	}
	if !found {
		return session.Participant{}, "", false
	}
	return best, strings.TrimSpace(s[len(best.Name):]), true
}

type nameError string

func (e nameError) Error() string { return "nobody called " + string(e) + " is in this session" }

func errNoSuchName(name string) error { return nameError(session.CleanName(name)) }

func (p *prompt) view(st Styles) string {
	if p.kind == promptEnd || p.kind == promptDoor {
		return st.Prompt.Render(p.label)
	}
	return st.Prompt.Render(p.label+":") + " " + p.input.View()
}

// visibleInput drops format characters (bidi overrides, zero-width
// joiners and the like) from what a text input takes in, so that the
// person typing sees the text as everyone else will once it is cleaned.
func visibleInput(msg tea.Msg) tea.Msg {
	visible := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Cf, r) {
				return -1
			}
			return r
		}, s)
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		msg.Content = visible(msg.Content)
		return msg
	case tea.KeyPressMsg:
		msg.Text = visible(msg.Text)
		return msg
	}
	return msg
}
