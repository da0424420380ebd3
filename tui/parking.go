package tui

import (
	"strings"

	"huddle/session"
)

// parkingItems splits the parking lot as the parking phase shows it: the
// open items, which the cursor moves over and outcomes apply to; the items
// this session resolved; and how many earlier topics wait for the retro.
func (m *common) parkingItems() (open, resolved []session.Item, forRetro int) {
	for _, it := range m.state.Items {
		switch {
		case it.Status == session.Open:
			open = append(open, it)
		case it.Status == session.SentToRetro && it.Session != m.state.ID:
			forRetro++
		default:
			resolved = append(resolved, it)
		}
	}
	return open, resolved, forRetro
}

// selectedItem is the open item under the cursor in the parking phase.
func (m *standupScreen) selectedItem() (session.Item, bool) {
	open, _, _ := m.parkingItems()
	if m.cursor < 0 || m.cursor >= len(open) {
		return session.Item{}, false
	}
	return open[m.cursor], true
}

func (m *standupScreen) parkingView(w, h int) string {
	st := m.styles
	open, resolved, forRetro := m.parkingItems()
	stayers := map[string]bool{}
	var stay []string
	for _, it := range open {
		for _, p := range it.Stay {
			if !stayers[p.Name] {
				stayers[p.Name] = true
				stay = append(stay, p.Name)
			}
		}
	}
	intro := st.Text.Render("The rounds are done. ")
	switch {
	case len(open) == 0:
		intro += st.Notice.Render("Every topic has an outcome: press n to finish.")
	case len(stay) == 0:
		intro += st.Subtle.Render(itoa(len(open)) + " open; nobody marked to stay yet (s).")
	default:
		intro += st.Text.Render("Staying: "+joinNames(stay)+". ") + st.Notice.Render("Everyone else may leave.")
	}
	lines := []string{truncate(intro, w), ""}
	sel := 0 // the first line of the selected item
	for i, it := range open {
		if i == m.cursor {
			sel = len(lines)
		}
		lines = append(lines, m.itemLines(it, i == m.cursor, w)...)
	}
	for _, it := range resolved {
		lines = append(lines, m.itemLines(it, false, w)...)
	}
	if forRetro > 0 {
		lines = append(lines, "", st.Subtle.Render(count(forRetro, "earlier topic waits", "earlier topics wait")+" for the next retrospective."))
	}
	// Keep the selected item in sight when the list is longer than the body.
	if len(lines) > h {
		start := max(0, min(sel-2, len(lines)-h))
		lines = lines[start : start+h]
	}
	return strings.Join(lines, "\n")
}

func (m *common) itemLines(it session.Item, selected bool, w int) []string {
	st := m.styles
	mark, topic := "  ", st.Text.Render(it.Topic)
	if selected {
		mark, topic = st.Selected.Render("▸ "), st.Selected.Render(it.Topic)
	}
	if it.Status != session.Open {
		topic = st.Subtle.Render(it.Topic)
	}
	head := mark + st.Subtle.Render("#"+itoa(it.ID)+" ") + topic
	detail := "raised by " + it.RaisedBy.Name
	if it.Speaker.Name != "" {
		detail += " during " + it.Speaker.Name + "'s turn"
	}
	if it.Session != m.state.ID {
		detail += " · carried over"
	}
	if len(it.Stay) > 0 {
		detail += " · stays: " + personNames(it.Stay)
	}
	out := []string{truncate(head, w), "    " + st.Subtle.Render(truncate(detail, w-4))}
	if it.Status != session.Open {
		out = append(out, "    "+st.Notice.Render(truncate(outcome(it), w-4)))
	}
	return out
}

func personNames(ps []session.Person) string {
	ns := make([]string, len(ps))
	for i, p := range ps {
		ns[i] = p.Name
	}
	return strings.Join(ns, ", ")
}

// outcome is an item's outcome in words.
func outcome(it session.Item) string {
	switch it.Status {
	case session.Discussed:
		if it.Note != "" {
			return "→ discussed: " + it.Note
		}
		return "→ discussed"
	case session.Decided:
		s := "→ decision: " + it.Note
		if len(it.Absent) > 0 {
			s += " (absent: " + strings.Join(it.Absent, ", ") + ")"
		}
		return s
	case session.SentToRetro:
		return "→ sent to the next retrospective"
	case session.Dropped:
		return "→ dropped"
	}
	return "open"
}
