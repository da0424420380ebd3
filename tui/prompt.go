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
	promptGuest // a name not on the roster: y, g or n (see askGuest)
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

	// promptGuest: the arrival of a typed name nobody in the session has
	// (guest), and of the roster name closest to it, if any (alt).
	guest, alt string
}

// newConfirm asks a yes/no question whose yes submits c.
func newConfirm(label string, c session.Command, notice string, st *Styles) *prompt {
	p := newPrompt(promptEnd, label, st)
	p.confirm, p.notice = c, notice
	return p
}

func newPrompt(kind promptKind, label string, st *Styles) *prompt {
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

func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	p := m.prompt
	if msg.String() == "ctrl+c" {
		m.closePrompt()
		return m.leave()
	}
	if p.kind == promptDoor {
		return m.doorAnswer(p, msg)
	}
	if p.kind == promptGuest {
		return m.guestAnswer(p, msg)
	}
	if p.kind == promptEnd {
		switch msg.String() {
		case "y", "Y", "enter":
			m.closePrompt()
			return m.submit(p.confirm, p.notice)
		case "n", "N", "esc":
			m.closePrompt()
			return nil
		}
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.closePrompt()
		return nil
	case key.Matches(msg, m.keys.Complete) && (p.kind == promptPark || p.kind == promptBlocker && len(p.input.MatchedSuggestions()) == 0):
		if v, ok := m.completeMention(p.input.Value()); ok {
			p.input.SetValue(v)
			p.input.CursorEnd()
			return nil
		}
	case key.Matches(msg, m.keys.Confirm):
		value := strings.TrimSpace(p.input.Value())
		m.closePrompt()
		if value == "" && p.kind != promptDiscussed {
			return nil
		}
		if p.kind == promptArrive {
			if q, ok := m.arrivalQuestion(value); ok {
				return m.openPrompt(q)
			}
		}
		cmd := m.promptCommand(p, value)
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

// promptCommand turns a confirmed prompt into the command it asked for.
func (m *common) promptCommand(p *prompt, value string) tea.Cmd {
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
			q, rest, err := m.mentionAt(value[1:])
			if err != nil {
				return m.queue.fail(err)
			}
			who, text = q.ID, strings.TrimSpace(rest)
		}
		notice := "blocker noted"
		if q, ok := m.state.Participant(who); ok {
			notice = "blocker noted for " + q.Name
		}
		return m.submit(session.NoteBlocker{Speaker: who, Text: text}, notice)
	case promptArrive:
		name := session.CleanName(value)
		if q, ok := m.exactName(value); ok {
			name = q.Name
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
	return m.queue.fail(nil) // nothing to submit, in sequence all the same
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

// guestAnswer acts on the answer to guestQuestion.
func (m *Model) guestAnswer(p *prompt, msg tea.KeyPressMsg) tea.Cmd {
	name, answered := guestChoice(msg.String(), p.guest, p.alt)
	if !answered {
		return nil
	}
	m.closePrompt()
	if name == "" {
		return nil
	}
	return m.submit(session.Arrive{Name: name}, name+" is here")
}

// arrivalQuestion is the question an arrival of a name nobody in the
// session has leads to (see guestQuestion), rather than a guest made of a
// typo. It reports false for a name someone has, and for one the session
// would refuse anyway (too long, empty), which promptCommand reports.
func (m *common) arrivalQuestion(value string) (*prompt, bool) {
	if _, ok := m.exactName(value); ok {
		return nil, false
	}
	guest, err := session.CheckName(value)
	if err != nil || guest == "" {
		return nil, false
	}
	alt := m.closestAbsent(guest)
	q := newPrompt(promptGuest, guestQuestion(guest, alt), m.styles)
	q.guest, q.alt = guest, alt
	return q, true
}

// completes reports whether tab completes something in the prompt: a
// name from its suggestions, or an @mention.
func (p *prompt) completes() bool {
	switch p.kind {
	case promptPark, promptBlocker:
		return true
	case promptEnd, promptDoor, promptGuest, promptDiscussed, promptDecision:
		return false
	}
	return len(p.input.AvailableSuggestions()) > 0
}

func (p *prompt) view(st *Styles) string {
	if p.kind == promptEnd || p.kind == promptDoor || p.kind == promptGuest {
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
