package tui

import (
	"cmp"
	"errors"
	"slices"
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

// parseMentions reads a parked topic with trailing @Name mentions: the
// people named need to stay for it. A mention is a whole name, spaces
// and all ("@Åsa Ström"), or the start of one that only one person's
// name starts with ("@Åsa", "@Lu"). At the shared keyboard of local mode
// the first one named raised it; over SSH whoever typed it did. An "@"
// inside the topic that is not followed by mentions to the end is text.
func (m *common) parseMentions(value string) (session.Park, error) {
	var c session.Park
	value = strings.Join(strings.Fields(value), " ")
	for i := 0; i < len(value); i++ {
		if value[i] != '@' || (i > 0 && value[i-1] != ' ') || i+1 == len(value) {
			continue
		}
		stay, err := m.mentions(value[i:])
		if errors.Is(err, errNotMentions) {
			continue
		}
		if err != nil {
			return c, err
		}
		c.Topic, c.Stay = strings.TrimSpace(value[:i]), stay
		break
	}
	if c.Stay == nil {
		c.Topic = value
	}
	if m.opts.SharedKeyboard && len(c.Stay) > 0 {
		c.RaisedBy = c.Stay[0]
	}
	return c, nil
}

// errNotMentions: the text from an "@" on is not mentions to its end.
var errNotMentions = errors.New("not mentions")

// mentions reads s, "@Name @Other Name …" to its end. A name nobody
// has is an error only at the end of the text (before that, it may be
// text that has an "@" in it); one that several names start with always
// is.
func (m *roster) mentions(s string) ([]session.ParticipantID, error) {
	var ids []session.ParticipantID
	for s != "" {
		if s[0] != '@' {
			return nil, errNotMentions
		}
		p, rest, err := m.mentionAt(s[1:])
		var amb ambiguousName
		switch {
		case errors.As(err, &amb):
			return nil, err
		case err != nil && strings.TrimSpace(rest) != "":
			return nil, errNotMentions
		case err != nil:
			return nil, err
		}
		if !slices.Contains(ids, p.ID) {
			ids = append(ids, p.ID)
		}
		s = strings.TrimSpace(rest)
	}
	return ids, nil
}

// mentionAt reads the name that s starts with: a whole name (the longest
// that fits, as names have spaces), else the first word as the start of
// one name (see lookupName). It returns the rest of s.
func (m *roster) mentionAt(s string) (session.Participant, string, error) {
	if p, rest, ok := m.leadingName(s); ok {
		return p, rest, nil
	}
	word, rest, _ := strings.Cut(s, " ")
	p, err := m.lookupName(word)
	return p, rest, err
}

// findByName finds the participant a typed name means (see lookupName).
func (m *roster) findByName(name string) (session.Participant, bool) {
	p, err := m.lookupName(name)
	return p, err == nil
}

// lookupName finds the participant a typed name means: the one with that
// name, ignoring case, else the only one whose name starts with it (a
// first name, "Åsa" for "Åsa Ström", or the start of a name). It says
// when nobody or several people fit.
func (m *roster) lookupName(name string) (session.Participant, error) {
	name = session.CleanName(name)
	if name == "" {
		return session.Participant{}, errNoSuchName(name)
	}
	if p, ok := m.exactName(name); ok {
		return p, nil
	}
	var found []session.Participant
	for _, p := range m.state.Participants {
		if !p.Removed && hasPrefixFold(p.Name, name) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return session.Participant{}, errNoSuchName(name)
	}
	return session.Participant{}, ambiguousName{name, names(found)}
}

// exactName finds the participant with the name, ignoring case.
func (m *roster) exactName(name string) (session.Participant, bool) {
	name = session.CleanName(name)
	for _, p := range m.state.Participants {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return session.Participant{}, false
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

// completeMention completes the "@" mention the text ends with: to the
// whole name when one name starts with what is typed (and a space after
// it), else as far as all the names that do agree. It reports whether it
// changed anything.
func (m *roster) completeMention(value string) (string, bool) {
	i := strings.LastIndex(value, "@")
	if i < 0 || (i > 0 && value[i-1] != ' ') {
		return value, false
	}
	typed := value[i+1:]
	var fits []string
	for _, p := range m.state.Participants {
		if !p.Removed && hasPrefixFold(p.Name, typed) {
			fits = append(fits, p.Name)
		}
	}
	if len(fits) == 0 {
		return value, false
	}
	done := fits[0]
	if len(fits) == 1 {
		done += " "
	}
	for _, f := range fits[1:] {
		done = commonPrefixFold(done, f)
	}
	if len([]rune(done)) <= len([]rune(typed)) {
		return value, false
	}
	return value[:i+1] + done, true
}

// commonPrefixFold is the longest start of a that b shares, ignoring case.
func commonPrefixFold(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && unicode.ToLower(ra[n]) == unicode.ToLower(rb[n]) {
		n++
	}
	return string(ra[:n])
}

// leadingName finds the participant whose name starts s, followed by a
// space or nothing (the longest such name, as names may have spaces), and
// returns the rest of s.
func (m *roster) leadingName(s string) (session.Participant, string, bool) {
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

// closestAbsent is the name of the participant not here yet that a
// mistyped arrival most likely meant: the only one whose name starts with
// it, else the nearest by edit distance if that is close (at most a third
// of the name's letters, and at least one), else "".
func (m *roster) closestAbsent(typed string) string {
	absent := m.state.Absent()
	var starts []string
	for _, p := range absent {
		if hasPrefixFold(p.Name, typed) {
			starts = append(starts, p.Name)
		}
	}
	if len(starts) == 1 {
		return starts[0]
	}
	best, bestD := "", 0
	t := []rune(strings.ToLower(typed))
	for _, p := range absent {
		d := editDistance(t, []rune(strings.ToLower(p.Name)))
		if d <= max(1, len(t)/3) && (best == "" || d < bestD) {
			best, bestD = p.Name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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

type nameError string

func (e nameError) Error() string { return "nobody called " + string(e) + " is in this session" }

func errNoSuchName(name string) error { return nameError(session.CleanName(name)) }

// ambiguousName: several participants' names start with what was typed.
type ambiguousName struct {
	typed string
	names []string
}

func (e ambiguousName) Error() string {
	return "@" + e.typed + " could be " + strings.Join(e.names, " or ") + ": type more of the name"
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
