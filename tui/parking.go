package tui

import (
	"strings"

	"huddle/session"
)

func (m Model) parkingView(w, h int) string {
	st, s := m.styles, m.state
	open := s.OpenItems()
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
	for i, it := range s.Items {
		lines = append(lines, m.itemLines(it, i == m.cursor, w)...)
	}
	// Keep the selected item in sight when the list is longer than the body.
	if len(lines) > h {
		sel := 2
		for i := 0; i < m.cursor && i < len(s.Items); i++ {
			sel += len(m.itemLines(s.Items[i], false, w))
		}
		start := max(0, min(sel-2, len(lines)-h))
		lines = lines[start : start+h]
	}
	return strings.Join(lines, "\n")
}

func (m Model) itemLines(it session.Item, selected bool, w int) []string {
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
		var ns []string
		for _, p := range it.Stay {
			ns = append(ns, p.Name)
		}
		detail += " · stays: " + strings.Join(ns, ", ")
	}
	out := []string{truncate(head, w), "    " + st.Subtle.Render(truncate(detail, w-4))}
	if it.Status != session.Open {
		out = append(out, "    "+st.Notice.Render(truncate(outcome(it), w-4)))
	}
	return out
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
