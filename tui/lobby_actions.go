package tui

import "strings"

// TeamActionCount is how many open action items one of the person's
// teams has, and how many of them are overdue.
type TeamActionCount struct {
	Team          string
	Open, Overdue int
}

// ActionLobby is a Lobby that also knows the open action items of the
// person's teams; the lobby shows their counts under the live sessions.
type ActionLobby interface {
	ActionCounts() ([]TeamActionCount, error)
}

// actionCounts reads the counts if the lobby has them; a failure only
// leaves them out.
func actionCounts(l Lobby) []TeamActionCount {
	al, ok := l.(ActionLobby)
	if !ok {
		return nil
	}
	counts, err := al.ActionCounts()
	if err != nil {
		return nil
	}
	return counts
}

// actionsPanel lists the teams with open action items: "musicstore  3
// open · 1 overdue"; empty when none has any.
func (a *App) actionsPanel(w int) string {
	st := a.styles
	var lines []string
	for _, c := range a.actions {
		if c.Open == 0 {
			continue
		}
		line := "  " + st.Text.Render(c.Team) + st.Subtle.Render(" "+count(c.Open, "open", "open"))
		if c.Overdue > 0 {
			line += st.Subtle.Render(" · ") + st.Late.Render(itoa(c.Overdue)+" overdue")
		}
		lines = append(lines, truncate(line, w))
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n" + st.Heading.Render("Action items of your teams") + st.Subtle.Render("  ssh … actions lists them") + "\n" + strings.Join(lines, "\n") + "\n"
}
