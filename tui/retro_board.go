package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"huddle/session"
)

// minColumn is the narrowest a board column may be side by side with the
// others; below it the board shows one column at a time, with tabs.
const minColumn = 22

// slot is an entry in a board column: a card, a topic, a topic's heading,
// or the placeholder for cards the viewer may not read yet.
type slot struct {
	id     int          // what the cursor selects: a card (write, group) or a topic (vote); 0: nothing
	card   session.Card // the card shown
	topic  int          // the topic shown (vote) or headed (group)
	indent bool         // a card under its topic's heading
	hidden int          // a placeholder for this many hidden cards
	by     string       // whose hidden cards; "" when anonymous
}

// boardCol is a column of the board as the phase shows it.
type boardCol struct {
	title string
	cards int // every card in it, hidden ones too
	slots []slot
}

// ids are what the cursor can select in the column, top to bottom.
func (c boardCol) ids() []int {
	var out []int
	for _, s := range c.slots {
		if s.id != 0 {
			out = append(out, s.id)
		}
	}
	return out
}

// boardCols lays the cards out in the format's columns: single cards
// while writing, cards under their topics while grouping, topics while
// voting. A topic lives in the column of the card that started it.
func (m retroBoard) boardCols() []boardCol {
	s := m.state
	cols := make([]boardCol, len(s.Config.Columns))
	for i, title := range s.Config.Columns {
		cols[i].title = title
	}
	in := func(c int) bool { return c >= 0 && c < len(cols) }
	for _, c := range s.Cards {
		if in(c.Column) {
			cols[c.Column].cards++
		}
	}
	switch s.Phase {
	case session.Write:
		for i := range cols {
			hidden := map[string]int{}
			var by []string
			for _, c := range s.Cards {
				switch {
				case c.Column != i:
				case !c.Hidden():
					cols[i].slots = append(cols[i].slots, slot{id: c.ID, card: c, topic: c.Group})
				default:
					name := ""
					if !s.Config.Anonymous {
						name = c.Author.Name
					}
					if hidden[name] == 0 {
						by = append(by, name)
					}
					hidden[name]++
				}
			}
			for _, name := range by {
				cols[i].slots = append(cols[i].slots, slot{hidden: hidden[name], by: name})
			}
		}
	case session.Group, session.Vote:
		for _, g := range s.GroupIDs() {
			cards := s.TopicCards(g)
			col := cards[0].Column
			if lead, ok := s.Card(g); ok && lead.Group == g {
				col = lead.Column
			}
			if !in(col) {
				continue
			}
			if s.Phase == session.Vote {
				cols[col].slots = append(cols[col].slots, slot{id: g, topic: g, card: cards[0]})
				continue
			}
			headed := len(cards) > 1 || s.GroupNames[g] != ""
			if headed {
				cols[col].slots = append(cols[col].slots, slot{topic: g})
			}
			for _, c := range cards {
				cols[col].slots = append(cols[col].slots, slot{id: c.ID, card: c, topic: g, indent: headed})
			}
		}
	}
	return cols
}

// resolve finds the cursor on the board: the column, the row among its
// selectable entries, and the id there (0 if the column has none). The id
// wins over the row, so the cursor stays on its card while others add
// theirs.
func (b retroUI) resolve(cols []boardCol) (col, row, id int) {
	if len(cols) == 0 {
		return 0, 0, 0
	}
	col = max(0, min(b.col, len(cols)-1))
	ids := cols[col].ids()
	if len(ids) == 0 {
		return col, 0, 0
	}
	row = slices.Index(ids, b.sel)
	if row < 0 || b.sel == 0 {
		row = max(0, min(b.row, len(ids)-1))
	}
	return col, row, ids[row]
}

// boardKey moves the cursor over the board and acts on the selected
// card (writing, grouping) or topic (voting).
func (m retroBoard) boardKey(msg tea.KeyPressMsg, k retroKeyMap) tea.Cmd {
	s := m.state
	cols := m.boardCols()
	b := m.ui()
	col, row, sel := b.resolve(cols)
	n := len(cols)
	if n == 0 {
		return nil
	}
	moveTo := func(c, r int) tea.Cmd {
		ids := cols[c].ids()
		b.col, b.row, b.sel = c, max(0, min(r, len(ids)-1)), 0
		if len(ids) > 0 {
			b.sel = ids[b.row]
		}
		m.setBoard(b)
		return nil
	}
	switch {
	case key.Matches(msg, k.Up):
		return moveTo(col, row-1)
	case key.Matches(msg, k.Down):
		return moveTo(col, row+1)
	case key.Matches(msg, k.Left):
		return moveTo(max(0, col-1), row)
	case key.Matches(msg, k.Right):
		return moveTo(min(n-1, col+1), row)
	case key.Matches(msg, k.NextCol):
		return moveTo((col+1)%n, row)
	case key.Matches(msg, k.PrevCol):
		return moveTo((col-1+n)%n, row)

	case key.Matches(msg, k.Add):
		// At the shared keyboard the text comes first, then whose card it
		// is (see retroAsker.author); edit and delete are corrections
		// (correct_retro.go).
		return retroAsker{m.retroScreen}.askCard(col)
	case key.Matches(msg, k.Reveal):
		return m.submit(session.Reveal{}, "every card is visible now")

	case key.Matches(msg, k.Pick):
		b.moving = sel
		m.setBoard(b)
		return nil
	case key.Matches(msg, k.Unpick):
		b.moving = 0
		m.setBoard(b)
		return nil
	case key.Matches(msg, k.Place):
		moving := b.moving
		b.moving, b.sel = 0, moving // follow the card to its new topic
		m.setBoard(b)
		return m.submit(session.GroupCard{Card: moving, Onto: sel}, "grouped")
	case key.Matches(msg, k.Undo):
		return m.submit(session.UndoGroup{}, "last grouping undone")
	case key.Matches(msg, k.Name):
		group := sel
		if c, ok := s.Card(sel); ok && s.Phase == session.Group {
			group = c.Group
		}
		return m.open(askName, "Name the topic", s.GroupNames[group], nil, retroAsker{m.retroScreen}.then(func(v string) tea.Cmd {
			return m.submit(session.NameGroup{Group: group, Name: v}, "topic named")
		}))

	case key.Matches(msg, k.Vote):
		left := s.VotesLeft(m.voterID()) - 1
		return m.submit(session.CastVote{Group: sel, For: m.actingFor()}, "dot cast · "+itoa(left)+" left")
	case key.Matches(msg, k.Unvote):
		return m.submit(session.CastVote{Group: sel, Remove: true, For: m.actingFor()}, "dot taken back")
	}
	return nil
}

// boardView shows the board under a line or two about the phase: columns
// side by side when they fit, else one at a time with tabs.
func (m retroBoard) boardView(w, h int) string {
	intro := m.boardIntro(w)
	cols := m.boardCols()
	if len(cols) == 0 {
		return strings.Join(intro, "\n")
	}
	b := m.ui()
	col, _, sel := b.resolve(cols)
	h = max(3, h-len(intro)-1)
	n := len(cols)
	const gap = 2
	cw := (w - gap*(n-1)) / n
	var board string
	if n == 1 || cw >= minColumn {
		if n == 1 {
			cw = w
		}
		blocks := make([]string, 0, 2*n)
		for i, c := range cols {
			if i > 0 {
				blocks = append(blocks, repeat(" ", gap))
			}
			blocks = append(blocks, m.drawColumn(m, c, i == col && n > 1, sel, b.moving, cw, h))
		}
		board = lipgloss.JoinHorizontal(lipgloss.Top, blocks...)
	} else {
		board = m.tabs(cols, col, w) + "\n" + m.drawColumn(m, cols[col], false, sel, b.moving, w, h-1)
	}
	return strings.Join(intro, "\n") + "\n\n" + board
}

// tabs names the columns, the shown one marked, for a narrow board.
func (m retroBoard) tabs(cols []boardCol, col, w int) string {
	st := m.styles
	parts := make([]string, len(cols))
	for i, c := range cols {
		label := c.title + " " + itoa(c.cards)
		if i == col {
			parts[i] = st.Badge.Render(label)
		} else {
			parts[i] = st.Subtle.Render(" " + label + " ")
		}
	}
	return truncate(strings.Join(parts, st.Subtle.Render("│"))+st.Subtle.Render("  tab ⇥"), w)
}

// boardIntro says what the phase is for and how far it is.
func (m retroBoard) boardIntro(w int) []string {
	st, s, b := m.styles, m.state, m.ui()
	var lines []string
	switch s.Phase {
	case session.Write:
		if s.Revealed {
			lines = append(lines, st.Text.Render("Every card is revealed. Authors may still edit and delete their own."))
		} else {
			lines = append(lines, st.Text.Render("Write in silence: only you see your cards until the facilitator reveals them."))
		}
		lines = append(lines, m.cardCounts())
	case session.Group:
		if c, ok := s.Card(b.moving); ok && b.moving != 0 {
			lines = append(lines, st.Selected.Render("Moving “"+c.Text+"”"),
				st.Text.Render("Select the card it belongs with and press enter · esc cancels"))
		} else {
			lines = append(lines, st.Text.Render("Group cards into themes: g picks one up, enter drops it onto another."),
				st.Subtle.Render(count(len(s.GroupIDs()), "topic", "")+" from "+count(len(s.Cards), "card", "")))
		}
	case session.Vote:
		voter := m.voterID()
		budget := s.VotesLeft(voter) + s.VotesBy(voter, 0)
		left := s.VotesLeft(voter)
		label := "Your dots "
		if m.actingFor() != "" {
			label = m.whose() + " dots "
		}
		line := st.Text.Render(label) + st.Selected.Render(dots(budget-left)) + st.Subtle.Render(repeat("○", left)) +
			st.Text.Render("  "+itoa(left)+" of "+itoa(budget)+" left")
		if s.Config.VoteCap > 0 {
			line += st.Subtle.Render(" · at most " + itoa(s.Config.VoteCap) + " on one topic")
		}
		lines = append(lines, line, st.Subtle.Render("Totals stay hidden until the vote ends; the most dots are discussed first."))
	}
	for i := range lines {
		lines[i] = truncate(lines[i], w)
	}
	return lines
}

// cardCounts says how many cards each person has written, so that the
// quiet ones get a nudge; in an anonymous retrospective only the total and
// one's own count.
func (m retroBoard) cardCounts() string {
	st, s := m.styles, m.state
	if s.Config.Anonymous {
		total, mine := 0, 0
		for _, c := range s.Cards {
			if !c.FromStandup {
				total++
				if m.mine(c) {
					mine++
				}
			}
		}
		return st.Subtle.Render("Cards so far: " + itoa(total) + " · yours: " + itoa(mine))
	}
	count := map[session.ParticipantID]int{}
	for _, c := range s.Cards {
		if !c.FromStandup {
			count[c.Author.ID]++
		}
	}
	var parts []string
	for _, p := range s.Participants {
		if p.Role == session.Observer || (!p.Present && count[p.ID] == 0) {
			continue
		}
		part := p.Name + " " + itoa(count[p.ID])
		if count[p.ID] == 0 {
			parts = append(parts, st.Late.Render(part))
		} else {
			parts = append(parts, st.Text.Render(part))
		}
	}
	if len(parts) == 0 {
		return st.Subtle.Render("Cards so far: none")
	}
	return st.Subtle.Render("Cards so far: ") + strings.Join(parts, st.Subtle.Render(" · "))
}

// cardMeta is who a card is by, as far as the viewer may know: "you" for
// one's own, the author's name unless the retrospective is anonymous.
func (m *retroScreen) cardMeta(c session.Card) string {
	switch {
	case c.FromStandup:
		return " · from a stand-up"
	case m.mine(c):
		return " · you"
	case !m.state.Config.Anonymous && c.Author.Name != "":
		return " · " + c.Author.Name
	}
	return ""
}
