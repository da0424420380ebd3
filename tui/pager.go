package tui

import (
	"fmt"
	"io"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// Page shows text, already rendered for a terminal width cells wide and
// height lines high, in a scrolling viewport until q, esc or ctrl+c: the
// pager of huddle show, for minutes longer than the screen.
func Page(text string, width, height int, in io.Reader, out io.Writer) error {
	_, err := tea.NewProgram(newPager(text, width, height), tea.WithInput(in), tea.WithOutput(out)).Run()
	return err
}

// pager is a viewport over the text with a line of keys under it.
type pager struct{ vp viewport.Model }

func newPager(text string, width, height int) pager {
	vp := viewport.New(viewport.WithWidth(width), viewport.WithHeight(height-1))
	vp.SetContent(text)
	return pager{vp: vp}
}

func (p pager) Init() tea.Cmd { return nil }

func (p pager) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q", "esc", "ctrl+c":
			return p, tea.Quit
		}
	case tea.WindowSizeMsg:
		p.vp.SetWidth(msg.Width)
		p.vp.SetHeight(msg.Height - 1)
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return p, cmd
}

func (p pager) View() tea.View {
	v := tea.NewView(p.vp.View() + "\n" + fmt.Sprintf(" %3.0f%% · ↑/↓ pgup/pgdn · q quit", p.vp.ScrollPercent()*100))
	v.AltScreen = true
	return v
}
