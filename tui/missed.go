package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// greeter is the root model as what you missed: the greeting of a member
// who comes back, the facilitator's count and list of decisions not seen
// yet, and the overlay that shows them (a view of Model, as retroPhases
// is of the retrospective's screen).
type greeter struct{ *Model }

// What you missed: a member who comes to the team's session is greeted
// with what happened without them (session.MissedBy) — over SSH on their
// own screen when they join, at the shared keyboard when they are marked
// present. a acknowledges it all (a missed-acknowledged event, which the
// room also writes to the team's log) and closes it; esc closes it
// without. The facilitator lists with L who has not seen which decision,
// and sees in the waiting room's footer how many are left.

// teamLogRoom is what the greeting needs of a room beyond Room:
// *session.Room has it; a room without it (a replay) greets nobody.
type teamLogRoom interface {
	Missed(member string) (session.Missed, error)
	Unseen() ([]session.MemberUnseen, error)
}

// unseenEvery is how often the facilitator's count of unseen decisions is
// read again while the waiting room changes.
const unseenEvery = 10 * time.Second

// missedUI is the root model's part for what members missed.
type missedUI struct {
	overlay  *overlay                       // shown over the screen
	pending  []overlay                      // greetings waiting for the one shown
	greeted  map[session.ParticipantID]bool // asked for once
	unseen   []session.MemberUnseen         // the facilitator's count
	unseenAt time.Time                      // when it was read; zero: never
	unseenSq int64                          // the state's Seq then
}

// overlay is a greeting (who is set) or the facilitator's list of unseen
// decisions.
type overlay struct {
	who    session.Participant // greeted; zero for the list
	title  string
	lines  []string
	refs   []string // the decisions a acknowledges
	offset int      // scrolled by
}

type (
	missedMsg struct {
		who    session.Participant
		missed session.Missed
		err    error
	}
	unseenMsg struct {
		list []session.MemberUnseen
		err  error
		show bool // open the list
	}
)

// teamLog is the room's team log, if it has one and the session a team.
func (m greeter) teamLog() (teamLogRoom, bool) {
	tl, ok := m.room.(teamLogRoom)
	return tl, ok && m.state.Config.Team != ""
}

// greetNew loads what the members who came since the last look missed:
// over SSH only this participant, at the shared keyboard everyone on the
// roster marked present. Each is greeted once per program.
func (m greeter) greetNew() tea.Cmd {
	tl, ok := m.teamLog()
	if !ok || m.state.Phase == session.Closed {
		return nil
	}
	if m.greeted == nil {
		m.greeted = map[session.ParticipantID]bool{}
	}
	var cmds []tea.Cmd
	who := m.state.Participants // at one keyboard, everyone; else the participant alone
	if !m.opts.SharedKeyboard {
		who = nil
		if _, ok := m.self(); ok {
			who = m.state.Participants[m.selfAt.at : m.selfAt.at+1]
		}
	}
	for i := range who { // by index: a participant is large, and this runs on every snapshot
		if q := &who[i]; !q.Present || !q.Expected || q.Removed || q.Role == session.Observer || m.greeted[q.ID] {
			continue
		}
		p := who[i]
		m.greeted[p.ID] = true
		cmds = append(cmds, func() tea.Msg {
			ms, err := tl.Missed(p.Name)
			return missedMsg{who: p, missed: ms, err: err}
		})
	}
	if len(cmds) == 0 { // as on most snapshots: no batch to allocate
		return m.unseenTick()
	}
	cmds = append(cmds, m.unseenTick())
	return tea.Batch(cmds...)
}

// unseenTick reads the facilitator's count of unseen decisions again when
// the waiting room changed since it was last read (an acknowledgement
// on a member's screen changes the session), at most every unseenEvery.
func (m greeter) unseenTick() tea.Cmd {
	if m.role() != session.Facilitator || m.state.Phase != session.Waiting {
		return nil
	}
	if m.unseenAt.IsZero() || (m.state.Seq != m.unseenSq && m.now.Sub(m.unseenAt) >= unseenEvery) {
		return m.loadUnseen(false)
	}
	return nil
}

func (m greeter) loadUnseen(show bool) tea.Cmd {
	tl, ok := m.teamLog()
	if !ok {
		return nil
	}
	m.unseenAt, m.unseenSq = m.now, m.state.Seq
	if m.unseenAt.IsZero() {
		m.unseenAt = time.Unix(1, 0)
	}
	return func() tea.Msg {
		list, err := tl.Unseen()
		return unseenMsg{list: list, err: err, show: show}
	}
}

// onMissed opens the greeting, or queues it behind the one shown.
func (m greeter) onMissed(msg missedMsg) tea.Cmd {
	if msg.err != nil {
		m.status, m.failed = "could not read what "+msg.who.Name+" missed: "+sentence(msg.err), true
		return nil
	}
	if msg.missed.Empty() {
		return nil
	}
	o := greetingOf(msg.who, msg.missed, msg.who.ID == m.me && !m.opts.SharedKeyboard, m.zone())
	if m.overlay == nil {
		m.overlay = &o
	} else {
		m.pending = append(m.pending, o)
	}
	return nil
}

func (m greeter) onUnseen(msg unseenMsg) tea.Cmd {
	if msg.err != nil {
		if msg.show {
			m.status, m.failed = "could not read the decision log: "+sentence(msg.err), true
		}
		return nil
	}
	m.unseen = msg.list
	if msg.show {
		o := unseenOverlay(msg.list, m.zone())
		m.overlay = &o
	}
	return nil
}

// greetingOf is the greeting of a member; you: on their own screen.
func greetingOf(p session.Participant, ms session.Missed, you bool, loc *time.Location) overlay {
	o := overlay{who: p}
	name, them := p.Name, p.Name
	if you {
		name, them = "Welcome, "+p.Name, "you"
	}
	o.title = name + " — what happened without " + them
	if ms.Since.IsZero() {
		o.lines = append(o.lines, p.Name+" has not taken part in a session of the team yet.")
	} else {
		o.lines = append(o.lines, "Since "+ms.Since.In(loc).Format("Mon 2 Jan 15:04")+", the end of the last session "+p.Name+" took part in.")
	}
	if len(ms.Decisions) > 0 {
		o.lines = append(o.lines, "", "Decisions taken without "+them+" ("+itoa(len(ms.Decisions))+")")
		for _, e := range ms.Decisions {
			line := "• " + e.Text + " — " + e.At.In(loc).Format("2 Jan 15:04") + " · present: " + orNobody(e.Present) + " · " + e.ShortRef()
			if len(e.Reviews) > 0 {
				line += " · review asked by " + itoa(len(e.Reviews))
			}
			o.lines = append(o.lines, line)
			o.refs = append(o.refs, e.Ref)
		}
	}
	if len(ms.Outcomes) > 0 {
		o.lines = append(o.lines, "", "Parked topics that got an outcome")
		for _, oc := range ms.Outcomes {
			line := "• #" + itoa(oc.Item.ID) + " " + oc.Item.Topic + " — " + oc.Item.Status.String()
			if oc.Item.Note != "" {
				line += ": " + oc.Item.Note
			}
			o.lines = append(o.lines, line)
		}
	}
	if len(ms.Actions) > 0 {
		o.lines = append(o.lines, "", "Action items given to "+them)
		for _, a := range ms.Actions {
			line := "• " + a.Text
			if !a.Due.IsZero() {
				line += " · due " + a.Due.Format("Mon 2 Jan")
			}
			o.lines = append(o.lines, line)
		}
	}
	if len(ms.Added)+len(ms.Removed) > 0 {
		o.lines = append(o.lines, "", "Working agreements")
		for _, a := range ms.Added {
			o.lines = append(o.lines, "+ "+a)
		}
		for _, a := range ms.Removed {
			o.lines = append(o.lines, "− "+a)
		}
	}
	return o
}

// unseenOverlay lists, for the facilitator, who has not seen which
// decision yet.
func unseenOverlay(list []session.MemberUnseen, loc *time.Location) overlay {
	o := overlay{title: "Decisions not seen yet, by member"}
	if len(list) == 0 {
		o.lines = []string{"Everyone has seen every decision they were absent for."}
		return o
	}
	for i, u := range list {
		if i > 0 {
			o.lines = append(o.lines, "")
		}
		o.lines = append(o.lines, u.Member+" ("+itoa(len(u.Decisions))+")")
		for _, e := range u.Decisions {
			o.lines = append(o.lines, "• "+e.Text+" — "+e.At.In(loc).Format("2 Jan 15:04")+" · "+e.ShortRef())
		}
	}
	return o
}

func orNobody(names []string) string {
	if len(names) == 0 {
		return "nobody"
	}
	return strings.Join(names, ", ")
}

// missedKey handles a key while the overlay is open (all of them but
// quit), and the facilitator's L; ok reports whether it did.
func (m greeter) missedKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := newMissedKeys()
	if m.overlay == nil {
		if key.Matches(msg, k.Unseen) && m.unseenKeyWorks() {
			return m.loadUnseen(true), true
		}
		return nil, false
	}
	if key.Matches(msg, m.keys.Quit) {
		return nil, false
	}
	o := m.overlay
	switch {
	case key.Matches(msg, k.Ack) && o.who.ID != "":
		c := session.AcknowledgeMissed{Refs: o.refs}
		if o.who.ID != m.me {
			c.Who = o.who.ID
		}
		notice := o.who.Name + " has seen what happened without them"
		if o.who.ID == m.me && !m.opts.SharedKeyboard {
			notice = "acknowledged: the team knows you have seen it"
		}
		m.next()
		return tea.Sequence(m.submit(c, notice), m.refreshUnseen()), true
	case key.Matches(msg, k.Close):
		m.next()
	case key.Matches(msg, k.Up):
		o.offset = max(0, o.offset-1)
	case key.Matches(msg, k.Down):
		o.offset = min(max(0, len(o.lines)-1), o.offset+1)
	}
	return nil, true
}

// refreshUnseen reads the facilitator's count again after an
// acknowledgement at this keyboard.
func (m greeter) refreshUnseen() tea.Cmd {
	if m.role() != session.Facilitator {
		return nil
	}
	return m.loadUnseen(false)
}

// next closes the overlay and opens the greeting waiting behind it.
func (m greeter) next() {
	m.overlay = nil
	if len(m.pending) > 0 {
		o := m.pending[0]
		m.pending = m.pending[1:]
		m.overlay = &o
	}
}

// unseenKeyWorks reports whether L lists the unseen decisions: for the
// facilitator of a team with a log, until the session is closed, and not
// while a prompt is open (an L typed there is text: "Lukas").
func (m greeter) unseenKeyWorks() bool {
	_, ok := m.teamLog()
	return ok && m.role() == session.Facilitator && m.state.Phase != session.Closed && !m.prompting()
}

// prompting reports whether a prompt is open, the stand-up's or the
// retrospective's.
func (m greeter) prompting() bool {
	return m.prompt != nil || (m.state.Config.Kind == session.Retro && m.retro.ui().prompt != nil)
}

// overlayView draws the open overlay as the body.
func (m greeter) overlayView(w, h int) string {
	st, o := m.styles, m.overlay
	lines := []string{st.Heading.Render(truncate(o.title, w)), ""}
	body := o.lines[min(o.offset, len(o.lines)):]
	room := max(1, h-len(lines)-2)
	for i, l := range body {
		if i == room-1 && len(body) > room {
			lines = append(lines, st.Subtle.Render("… "+itoa(len(body)-i)+" more lines · ↓ scrolls"))
			break
		}
		style := st.Text
		switch {
		case l == "":
		case !strings.HasPrefix(l, "• ") && !strings.HasPrefix(l, "+ ") && !strings.HasPrefix(l, "− ") && i > 0:
			style = st.PanelTitle
		}
		for j, wl := range wrapText(l, w-2, 3) {
			if j > 0 {
				wl = "  " + wl
			}
			lines = append(lines, style.Render(wl))
		}
	}
	if o.who.ID != "" {
		lines = append(lines, "", st.Subtle.Render(truncate("a: acknowledge it all (the team sees it was seen) · esc: later", w)))
	}
	if n := len(m.pending); n > 0 {
		lines = append(lines, st.Subtle.Render("then "+count(n, "more greeting", "more greetings")))
	}
	return strings.Join(lines, "\n")
}

// unseenLine is the facilitator's line in the waiting room's footer:
// who has not seen how many decisions; empty when nobody.
func (m greeter) unseenLine(w int) string {
	if len(m.unseen) == 0 || m.role() != session.Facilitator || m.state.Phase != session.Waiting || m.overlay != nil {
		return ""
	}
	var parts []string
	for _, u := range m.unseen {
		parts = append(parts, u.Member+" "+itoa(len(u.Decisions)))
	}
	return m.styles.Subtle.Render(truncate("Decisions not seen yet: "+strings.Join(parts, ", ")+" · L lists them", w))
}

// missedHelp is the footer while the overlay is open.
type missedHelp struct{ greeting bool }

func (h missedHelp) ShortHelp() []key.Binding {
	k := newMissedKeys()
	k.Ack.SetEnabled(h.greeting)
	if !h.greeting {
		k.Close.SetHelp("esc", "close")
	}
	return []key.Binding{k.Ack, k.Close, k.Up, k.Down, quitKey()}
}

func (h missedHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

// unseenHelp is a screen's key map with the facilitator's L in its full
// help (?), where L works (see unseenKeyWorks).
type unseenHelp struct{ help.KeyMap }

// FullHelp puts L at the head of the screen's last column.
func (k unseenHelp) FullHelp() [][]key.Binding {
	cols := k.KeyMap.FullHelp()
	if len(cols) == 0 {
		return [][]key.Binding{{newMissedKeys().Unseen}}
	}
	last := append([]key.Binding{newMissedKeys().Unseen}, cols[len(cols)-1]...)
	return append(cols[:len(cols)-1:len(cols)-1], last)
}

// helpKeys is the footer's key map: the screen's, with L in the full help
// for the facilitator of a team with a log.
func (m *Model) helpKeys() help.KeyMap {
	keys := m.screen().helpKeys()
	if (greeter{m}).unseenKeyWorks() {
		return unseenHelp{keys}
	}
	return keys
}
