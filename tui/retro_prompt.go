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
	askAuthor   retroAsk = iota // shared keyboard: whose card the next one is
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

// retroPrompt is the retrospective's one-line prompt: the stand-up's
// label and input, with what it is about and what earlier steps gave.
// A refused answer (a name nobody has, a date that is not one) keeps the
// prompt open with the reason.
type retroPrompt struct {
	ask   retroAsk
	field *prompt // label and input; its kind only says how it is shown
	col   int     // the column a card goes to
	id    int     // the card or topic it is about
	who   session.ParticipantID
	text  string    // the action item's text, while asking for its owner and date; askGuest: the guest's name
	alt   string    // askGuest: the roster name closest to it, if any
	due   time.Time // its due date, while asking for its topic
	err   string
}

// open opens a prompt with a label, a prefilled value and names to
// complete with tab.
func (m *retroScreen) open(p retroPrompt, label, value string, suggestions []string) tea.Cmd {
	p.field = newPrompt(label, m.styles, nil) // answered by retroAsker.answer
	switch p.ask {
	case askEnd:
		p.field.choose = yesNo(func() tea.Cmd { return m.submit(session.End{}, "the retrospective has ended") })
	case askGuest:
		p.field.choose = guestChooser(p.text, p.alt, m.arrive)
	}
	p.field.input.SetWidth(max(10, m.width-lenRunes(label)-6))
	p.field.input.SetSuggestions(suggestions)
	if value != "" {
		p.field.input.SetValue(value)
		p.field.input.CursorEnd()
	}
	b := m.ui()
	b.prompt = &p
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
		return m.answer(p, strings.TrimSpace(p.field.input.Value()))
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

// answer acts on a confirmed prompt: the command it asked for, or the
// next question.
func (m retroAsker) answer(p *retroPrompt, v string) tea.Cmd {
	if v == "" && p.ask != askAuthor && p.ask != askDue && p.ask != askTopic && p.ask != askActFor {
		m.closeAsk()
		return nil
	}
	switch p.ask {
	case askAuthor:
		who := m.me // enter alone: the author of the last card, or oneself
		if last := m.ui().lastAuthor; last != "" {
			who = last
		}
		if v != "" {
			q, err := m.memberNamed(v)
			if err != nil {
				return m.refuse(err.Error())
			}
			who = q.ID
		}
		m.closeAsk()
		b := m.ui()
		b.lastAuthor = who
		m.setBoard(b)
		return m.askCard(p.col, who)
	case askActFor:
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
	case askOwner:
		q, err := m.memberNamed(v)
		if err != nil {
			return m.refuse(err.Error())
		}
		return m.closeAsk().open(retroPrompt{ask: askDue, text: p.text, who: q.ID}, "Due date (YYYY-MM-DD, enter for none)", "", nil)
	case askDue:
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
			next := retroPrompt{ask: askTopic, text: p.text, who: p.who, due: due}
			return m.closeAsk().open(next, "From topic (#N, enter for none)", "", labels)
		}
		owner := m.state.Name(p.who)
		m.closeAsk()
		return m.submit(session.AddAction{Text: p.text, Owner: p.who, Due: due}, "action item for "+owner)
	case askTopic:
		topic := 0
		if v != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(strings.Fields(v)[0], "#"))
			if err != nil || n < 1 || n > len(m.state.Topics) {
				return m.refuse("name the topic by its number, #1 to #" + itoa(len(m.state.Topics)))
			}
			topic = m.state.Topics[n-1]
		}
		owner := m.state.Name(p.who)
		m.closeAsk()
		return m.submit(session.AddAction{Text: p.text, Owner: p.who, Due: p.due, Topic: topic}, "action item for "+owner)
	case askAction:
		return m.closeAsk().open(retroPrompt{ask: askOwner, text: v}, "Who owns it?", "", m.teamNames())
	case askArrive:
		if guest, alt, ok := m.arrivalQuestion(v); ok {
			next := retroPrompt{ask: askGuest, text: guest, alt: alt}
			return m.closeAsk().open(next, guestQuestion(guest, alt), "", nil)
		}
	case askPark:
		c, err := m.parseMentions(v)
		if err != nil {
			return m.refuse(err.Error())
		}
		m.closeAsk()
		return m.submit(c, "parked: "+session.CleanText(c.Topic, 40))
	case askHandOver:
		q, err := m.lookupName(v)
		if err != nil {
			return m.refuse(err.Error())
		}
		m.closeAsk()
		return m.submit(session.HandOver{To: q.ID}, q.Name+" facilitates now")
	}
	m.closeAsk()
	switch p.ask {
	case askCard:
		c := session.AddCard{Column: p.col, Text: v}
		if p.who != m.me {
			c.For = p.who
		}
		return m.submit(c, "card added to "+m.columnName(p.col))
	case askEdit:
		return m.submit(session.EditCard{Card: p.id, Text: v}, "card changed")
	case askName:
		return m.submit(session.NameGroup{Group: p.id, Name: v}, "topic named")
	case askWord:
		return m.submit(session.CheckInWord{Word: v, For: m.actingFor()}, "checked in")
	case askNote:
		return m.submit(session.AddNote{Text: v}, "note taken")
	case askDecision:
		return m.submit(session.RecordDecision{Text: v}, "decision recorded")
	case askArrive:
		name := session.CleanName(v)
		if q, ok := m.findByName(v); ok {
			name = q.Name
		}
		return m.submit(session.Arrive{Name: v}, name+" is here")
	}
	return nil
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

// askCard asks for a card's text in a column, written by who.
func (m *retroScreen) askCard(col int, who session.ParticipantID) tea.Cmd {
	label := "Card in " + m.columnName(col)
	if who != m.me && !m.state.Config.Anonymous {
		label += " by " + m.state.Name(who)
	}
	return m.open(retroPrompt{ask: askCard, col: col, who: who}, label, "", nil)
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
