package tui

import "strings"

// rotiLabels are the ROTI scores, best first.
var rotiLabels = []string{"5 well worth it", "4", "3 fair return", "2", "1 a waste of time"}

// rotiView shows the return on time invested as a histogram.
func (m retroPhases) rotiView(w, _ int) string {
	st, s := m.styles, m.state
	counts := make([]int, 5)
	mine, sum := -1, 0
	for _, r := range s.Rotis {
		if r.Score >= 1 && r.Score <= 5 {
			counts[5-r.Score]++
			sum += r.Score
			if r.Voter == m.viewer {
				mine = 5 - r.Score
			}
		}
	}
	// Who counts is the session's rule: the members here, and those who
	// scored and left (State.RotiTally).
	n, of, left := s.RotiTally()
	count := itoa(n) + " of " + itoa(of) + " scored"
	if left > 0 {
		count += " (" + itoa(left) + " left)"
	}
	scored := st.Subtle.Render(count)
	if len(s.Rotis) > 0 && !s.TallyHidden() {
		scored += st.Subtle.Render(" · average ") + st.Text.Render(avg(sum, len(s.Rotis)))
	}
	lines := []string{
		st.Text.Render("Was it worth the time? Score 1 (a waste) to 5 (well worth it), anonymously."),
		scored, "",
	}
	if s.TallyHidden() {
		// Each score that showed as it came would say whose it is.
		lines = append(lines, st.Subtle.Render("The scores show once everyone here has scored."))
		if mine >= 0 {
			lines = append(lines, st.Subtle.Render("You scored ")+st.Text.Render(rotiLabels[mine])+st.Subtle.Render("."))
		}
		return strings.Join(lines, "\n")
	}
	lines = append(lines, m.histogram(rotiLabels, counts, mine, w)...)
	return strings.Join(lines, "\n")
}
