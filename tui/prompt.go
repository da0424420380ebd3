package tui

import (
	"cmp"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// prompt is the one line at the bottom of the screen that asks for the
// text of a command, or a question answered by one key. What the answer
// leads to is its continuation: answer for text, choose for a key. The
// stand-up's prompt and the door's are the root's (Model.promptKey); the
// retrospective's screen holds its own (retro_prompt.go), whose questions
// use the same continuations (yesNo, guestChooser).
type prompt struct {
	label string
	input textinput.Model

	// answer is what enter does with the text typed, trimmed. Nothing
	// typed closes the prompt unless it is optional.
	answer   func(value string) tea.Cmd
	optional bool // a note, which may be empty
	mentions bool // tab completes an @Name (a parked topic, a blocker)

	// choose is the continuation of a question answered by one key: what
	// the key leads to once the question is closed, or nil for a key that
	// does not answer it (so that a repeated key never confirms).
	choose func(key string) func() tea.Cmd
}

// newPrompt asks for text, which answer turns into a command.
func newPrompt(label string, st *Styles, answer func(value string) tea.Cmd) *prompt {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = session.DefaultMaxText
	in.ShowSuggestions = true
	in.SetStyles(st.Input)
	in.Focus()
	return &prompt{label: label, input: in, answer: answer}
}

// newQuestion asks a question answered by one key (see choose).
func newQuestion(label string, st *Styles, choose func(key string) func() tea.Cmd) *prompt {
	p := newPrompt(label, st, nil)
	p.choose = choose
	return p
}

// yesNo is the continuation of a yes/no question: y, Y or enter lead to
// yes; n, N or esc close the question; any other key does not answer it.
func yesNo(yes func() tea.Cmd) func(key string) func() tea.Cmd {
	return func(key string) func() tea.Cmd {
		switch key {
		case "y", "Y", "enter":
			return yes
		case "n", "N", "esc":
			return func() tea.Cmd { return nil }
		}
		return nil
	}
}

// guestChooser is the continuation of guestQuestion: arrive with the
// name chosen (see guestChoice), or nothing for neither.
func guestChooser(guest, alt string, arrive func(name string) tea.Cmd) func(key string) func() tea.Cmd {
	return func(key string) func() tea.Cmd {
		name, answered := guestChoice(key, guest, alt)
		switch {
		case !answered:
			return nil
		case name == "":
			return func() tea.Cmd { return nil }
		}
		return func() tea.Cmd { return arrive(name) }
	}
}

// confirm opens a yes/no question whose yes submits c.
func (m *common) confirm(label string, c session.Command, notice string) tea.Cmd {
	return m.openPrompt(newQuestion(label, m.styles, yesNo(func() tea.Cmd { return m.submit(c, notice) })))
}

func (m *common) openPrompt(p *prompt) tea.Cmd {
	p.input.SetWidth(max(10, m.width-lenRunes(p.label)-6))
	m.prompt = p
	m.keys.completes = p.completes()
	m.keys.setFor(m.state, m.role(), true)
	return nil
}

func (m *common) closePrompt() *common {
	m.prompt = nil
	m.keys.setFor(m.state, m.role(), false)
	return m
}

func (m *common) updatePrompt(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.prompt.input, cmd = m.prompt.input.Update(visibleInput(msg))
	return cmd
}

// promptKey answers, edits, completes or closes the open prompt.
func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	p := m.prompt
	if msg.String() == "ctrl+c" {
		m.closePrompt()
		return m.leave()
	}
	if p.choose != nil {
		if next := p.choose(msg.String()); next != nil {
			m.closePrompt()
			return next()
		}
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.closePrompt()
		return nil
	case key.Matches(msg, m.keys.Complete) && p.mentions && len(p.input.MatchedSuggestions()) == 0:
		if v, ok := m.completeMention(p.input.Value()); ok {
			p.input.SetValue(v)
			p.input.CursorEnd()
			return nil
		}
	case key.Matches(msg, m.keys.Confirm):
		value := strings.TrimSpace(p.input.Value())
		m.closePrompt()
		if value == "" && !p.optional {
			return nil
		}
		cmd := p.answer(value)
		if cmd == nil {
			return nil // it asked another question
		}
		// Keep what was typed until the room has taken it: a rejected
		// command reopens the prompt with the text (see doneMsg).
		return func() tea.Msg {
			done := cmd().(doneMsg)
			if done.err != nil {
				done.retry = p
			}
			return done
		}
	}
	return m.updatePrompt(msg)
}

// park is the answer to "Park a topic": the topic, with @Name mentions
// of who needs to stay for it.
func (m *common) park(value string) tea.Cmd {
	c, err := m.parseMentions(value)
	if err != nil {
		return m.queue.fail(err)
	}
	return m.submit(c, "parked: "+session.CleanText(c.Topic, 40))
}

// handOver is the answer to "Hand the facilitator role to".
func (m *common) handOver(value string) tea.Cmd {
	who, ok := m.findByName(value)
	if !ok {
		return m.queue.fail(errNoSuchName(value))
	}
	return m.submit(session.HandOver{To: who.ID}, who.Name+" facilitates now")
}

// arriveTyped is the answer to "Who arrived?": the one with the name, or
// the question what a name nobody has means (see arrivalQuestion).
func (m *common) arriveTyped(value string) tea.Cmd {
	if guest, alt, ok := m.arrivalQuestion(value); ok {
		return m.openPrompt(newQuestion(guestQuestion(guest, alt), m.styles, guestChooser(guest, alt, m.arrive)))
	}
	name := session.CleanName(value)
	if q, ok := m.exactName(value); ok {
		name = q.Name
	}
	return m.submit(session.Arrive{Name: value}, name+" is here")
}

// arrive marks the one with the name here.
func (m *common) arrive(name string) tea.Cmd {
	return m.submit(session.Arrive{Name: name}, name+" is here")
}

// guestQuestion asks what to do with an arrival nobody in the session
// has the name of.
func guestQuestion(guest, alt string) string {
	if alt != "" {
		return guest + " is not on the roster. " + alt + "? y: " + alt + " is here · g: add " + guest + " as a guest · n: neither"
	}
	return "Add " + guest + " as a guest? (y/n)"
}

// guestChoice reads a key as the answer to guestQuestion: the name that
// arrived ("" for neither), and whether the key answered at all.
func guestChoice(key, guest, alt string) (name string, answered bool) {
	switch key {
	case "y", "Y", "enter":
		return cmp.Or(alt, guest), true
	case "g", "G":
		return guest, true
	case "n", "N", "esc":
		return "", true
	}
	return "", false
}

// arrivalQuestion is the question an arrival of a name nobody in the
// session has leads to (see guestQuestion), rather than a guest made of a
// typo. It reports false for a name someone has, and for one the session
// would refuse anyway (too long, empty), which the answer reports. It
// returns the guest's name and the roster name closest to it, if any.
func (m *common) arrivalQuestion(value string) (guest, alt string, ok bool) {
	if _, ok := m.exactName(value); ok {
		return "", "", false
	}
	guest, err := session.CheckName(value)
	if err != nil || guest == "" {
		return "", "", false
	}
	return guest, m.closestAbsent(guest), true
}

// completes reports whether tab completes something in the prompt: a
// name from its suggestions, or an @mention.
func (p *prompt) completes() bool {
	return p.mentions || (p.choose == nil && len(p.input.AvailableSuggestions()) > 0)
}

// view is the prompt's line: a question alone, or the label and the text.
func (p *prompt) view(st *Styles) string {
	if p.choose != nil {
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
