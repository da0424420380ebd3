package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// retroAsk is what a retrospective's prompt asks for.
type retroAsk int

const (
	askAuthor   retroAsk = iota // shared keyboard: whose the card just typed is
	askCard                     // a new card's text
	askEdit                     // a card's new text
	askName                     // a topic's name
	askWord                     // the check-in word
	askNote                     // a note on the discussed topic
	askDecision                 // a decision
	askAction                   // an action item's text, then
	askOwner                    // its owner, then
	askDue                      // its due date, then (after the discussion)
	askTopic                    // the topic it came from
	askPark                     // a parked topic
	askArrive                   // who arrived
	askHandOver                 // who facilitates next
	askEnd                      // end now? y/n
	askActFor                   // shared keyboard: whom to act for
	askGuest                    // an arrival nobody has the name of: y, g or n (see guestQuestion)
)

// retroPrompt is the retrospective's one-line prompt: the label, the
// input and the continuation of its answer (field: see prompt), with
// what it asks for, which its key help and an empty answer depend on. A
// continuation that refuses the answer (a name nobody has, a date that
// is not one) keeps the prompt open with the reason; one that takes it
// closes the prompt.
type retroPrompt struct {
	ask   retroAsk
	field *prompt
	err   string
}

// open opens a prompt for text with a label, a prefilled value and names
// to complete with tab; answer is what enter does with the text.
func (m *retroScreen) open(ask retroAsk, label, value string, suggestions []string, answer func(v string) tea.Cmd) tea.Cmd {
	f := newPrompt(label, m.styles, answer)
	// Enter alone answers these: oneself, no date, no topic.
	f.optional = ask == askAuthor || ask == askDue || ask == askTopic || ask == askActFor
	f.input.SetWidth(max(10, m.width-lenRunes(label)-6))
	f.input.SetSuggestions(suggestions)
	if value != "" {
		f.input.SetValue(value)
		f.input.CursorEnd()
	}
	return m.show(&retroPrompt{ask: ask, field: f})
}

// question opens a question answered by one key (see prompt.choose).
func (m retroAsker) question(ask retroAsk, label string, choose func(key string) func() tea.Cmd) tea.Cmd {
	return m.show(&retroPrompt{ask: ask, field: newQuestion(label, m.styles, choose)})
}

// show makes p the open prompt.
func (m *retroScreen) show(p *retroPrompt) tea.Cmd {
	b := m.ui()
	b.prompt = p
	m.setBoard(b)
	// While the prompt is open q is text: the stand-up's quit key, which
	// the root checks before the screen's prompt (Model.onKey), keeps only ctrl+c.
	m.keys.Quit.SetKeys("ctrl+c")
	return nil
}

// closeAsk closes the prompt and gives q back to quitting.
func (m *retroScreen) closeAsk() *retroScreen {
	b := m.ui()
	b.prompt = nil
	m.setBoard(b)
	m.keys.Quit.SetKeys(quitKey().Keys()...)
	return m
}

// refuse keeps the prompt open and says why its answer was not taken.
func (m retroAsker) refuse(why string) tea.Cmd {
	if p := m.ui().prompt; p != nil {
		p.err = why
	}
	return nil
}

// retroPromptKey edits, confirms or cancels the open prompt.
func (m retroAsker) retroPromptKey(msg tea.KeyPressMsg) tea.Cmd {
	p := m.ui().prompt
	k := m.retroKeys()
	if p.field.choose != nil { // a question: end now, or a guest
		if next := p.field.choose(msg.String()); next != nil {
			m.closeAsk()
			return next()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Cancel):
		m.closeAsk()
		return nil
	case key.Matches(msg, k.Confirm):
		v := strings.TrimSpace(p.field.input.Value())
		if v == "" && !p.field.optional {
			m.closeAsk()
			return nil
		}
		return p.field.answer(v)
	case key.Matches(msg, k.Complete) && p.ask == askPark:
		if v, ok := m.completeMention(p.field.input.Value()); ok {
			p.field.input.SetValue(v)
			p.field.input.CursorEnd()
			p.err = ""
			return nil
		}
	}
	var cmd tea.Cmd
	p.field.input, cmd = p.field.input.Update(visibleInput(msg))
	p.err = ""
	return cmd
}

// update hands a message that is not a key, such as a paste, to the
// open prompt.
func (m *retroScreen) update(msg tea.Msg) tea.Cmd {
	p := m.ui().prompt
	if p == nil {
		return nil
	}
	var cmd tea.Cmd
	p.field.input, cmd = p.field.input.Update(visibleInput(msg))
	return cmd
}

// then is the continuation of a prompt whose every answer is taken: it
// closes the prompt and submits what f makes of the text.
func (m retroAsker) then(f func(v string) tea.Cmd) func(string) tea.Cmd {
	return func(v string) tea.Cmd {
		m.closeAsk()
		return f(v)
	}
}

// park is the answer to "Park a topic".
func (m retroAsker) park(v string) tea.Cmd {
	c, err := m.parseMentions(v)
	if err != nil {
		return m.refuse(err.Error())
	}
	m.closeAsk()
	return m.submit(c, "parked: "+session.CleanText(c.Topic, 40))
}

// handOver is the answer to "Hand the facilitator role to".
func (m retroAsker) handOver(v string) tea.Cmd {
	q, err := m.lookupName(v)
	if err != nil {
		return m.refuse(err.Error())
	}
	m.closeAsk()
	return m.submit(session.HandOver{To: q.ID}, q.Name+" facilitates now")
}

// arrived is the answer to "Who arrived?": the one with the name, or the
// question what a name nobody has means.
func (m retroAsker) arrived(v string) tea.Cmd {
	m.closeAsk()
	if guest, alt, ok := m.arrivalQuestion(v); ok {
		return m.question(askGuest, guestQuestion(guest, alt), guestChooser(guest, alt, m.arrive))
	}
	name := session.CleanName(v)
	if q, ok := m.findByName(v); ok {
		name = q.Name
	}
	return m.submit(session.Arrive{Name: v}, name+" is here")
}

// actFor is the answer to "Act for": a member, or oneself.
func (m retroAsker) actFor(v string) tea.Cmd {
	var who session.ParticipantID
	if v != "" {
		q, err := m.memberNamed(v)
		if err != nil {
			return m.refuse(err.Error())
		}
		if q.ID != m.me {
			who = q.ID
		}
	}
	m.closeAsk()
	b := m.ui()
	b.actingFor = who
	m.setBoard(b)
	if m.full != nil {
		m.state = m.viewOf(m.full) // the dots of whom it acts for now
	}
	return nil
}

// author is the answer to whose the card with text v in column col is,
// at the shared keyboard: enter alone is the person at the keyboard (the
// member acted for with @, or oneself), never the last name used.
func (m retroAsker) author(col int, text string) func(string) tea.Cmd {
	return func(v string) tea.Cmd {
		who := m.actor()
		if v != "" {
			q, err := m.memberNamed(v)
			if err != nil {
				return m.refuse(err.Error())
			}
			who = q.ID
		}
		m.closeAsk()
		c := session.AddCard{Column: col, Text: text}
		notice := "card added to " + m.columnName(col)
		if who != m.me {
			c.For = who
			notice += " for " + m.state.Name(who)
		}
		return m.submit(c, notice)
	}
}

// action is the answer to "Action item": then who owns it, when it is
// due and (after the discussion) which topic it came from.
func (m retroAsker) action(text string) tea.Cmd {
	return m.closeAsk().open(askOwner, "Who owns it?", "", m.teamNames(), func(v string) tea.Cmd {
		q, err := m.memberNamed(v)
		if err != nil {
			return m.refuse(err.Error())
		}
		return m.closeAsk().open(askDue, "Due date (YYYY-MM-DD, enter for none)", "", nil, m.due(text, q.ID))
	})
}

// due is the answer to an action item's due date.
func (m retroAsker) due(text string, owner session.ParticipantID) func(string) tea.Cmd {
	return func(v string) tea.Cmd {
		var due time.Time
		if v != "" {
			d, err := time.ParseInLocation(time.DateOnly, v, time.Local)
			if err != nil {
				return m.refuse("write the date as YYYY-MM-DD, like " + m.now.AddDate(0, 0, 7).Format(time.DateOnly))
			}
			due = d
		}
		if m.state.Phase == session.Actions && len(m.state.Topics) > 0 {
			var labels []string
			for i, g := range m.state.Topics {
				labels = append(labels, "#"+itoa(i+1)+" "+m.topicTitle(g))
			}
			return m.closeAsk().open(askTopic, "From topic (#N, enter for none)", "", labels, m.topic(text, owner, due))
		}
		m.closeAsk()
		return m.submit(session.AddAction{Text: text, Owner: owner, Due: due}, "action item for "+m.state.Name(owner))
	}
}

// topic is the answer to the topic an action item came from.
func (m retroAsker) topic(text string, owner session.ParticipantID, due time.Time) func(string) tea.Cmd {
	return func(v string) tea.Cmd {
		topic := 0
		if v != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(strings.Fields(v)[0], "#"))
			if err != nil || n < 1 || n > len(m.state.Topics) {
				return m.refuse("name the topic by its number, #1 to #" + itoa(len(m.state.Topics)))
			}
			topic = m.state.Topics[n-1]
		}
		m.closeAsk()
		return m.submit(session.AddAction{Text: text, Owner: owner, Due: due, Topic: topic}, "action item for "+m.state.Name(owner))
	}
}

// memberNamed finds the participant a typed name means (see lookupName),
// who must not be an observer.
func (m *roster) memberNamed(v string) (session.Participant, error) {
	q, err := m.lookupName(v)
	if err == nil && q.Role == session.Observer {
		err = errNoSuchName(v)
	}
	return q, err
}

// askCard asks for a card's text in a column; at the shared keyboard,
// unless the retrospective is anonymous, the facilitator then says whose
// card it is (see author).
func (m retroAsker) askCard(col int) tea.Cmd {
	return m.open(askCard, "Card in "+m.columnName(col), "", nil, func(v string) tea.Cmd {
		m.closeAsk()
		if m.opts.SharedKeyboard && m.role() == session.Facilitator && !m.state.Config.Anonymous {
			who := "you"
			if id := m.actor(); id != m.me {
				who = m.state.Name(id)
			}
			return m.open(askAuthor, "“"+session.CleanText(v, 30)+"” by (enter: "+who+")", "", m.teamNames(), m.author(col, v))
		}
		return m.submit(session.AddCard{Column: col, Text: v}, "card added to "+m.columnName(col))
	})
}

// teamNames are the names that may own action items and write cards.
func (m *roster) teamNames() []string {
	var out []string
	for _, p := range m.state.Participants {
		if p.Role != session.Observer {
			out = append(out, p.Name)
		}
	}
	return out
}

// columnName is the title of a board column.
func (m *retroScreen) columnName(col int) string {
	if cols := m.state.Config.Columns; col >= 0 && col < len(cols) {
		return cols[col]
	}
	return "column " + itoa(col+1)
}

// promptLines renders the open prompt, and why its last answer was
// refused.
func (m retroAsker) promptLines(w int) []string {
	p := m.ui().prompt
	if p == nil {
		return nil
	}
	lines := []string{truncate(p.field.view(m.styles), w)}
	if p.err != "" {
		lines = append(lines, truncate(m.styles.Error.Render("✗ "+p.err), w))
	}
	return lines
}
