package tui

import (
	"strings"

	"huddle/session"
)

// retroSummary is a retrospective's closing screen, w cells wide: time
// against the time-box, who came, the check-in, the review, the topics in
// the order they were discussed with their notes and decisions, the
// action items, the parking lot and the ROTI. No card carries its author
// in an anonymous retrospective.
func (m retroPhases) retroSummary(w int) string {
	st, s := m.styles, m.state
	var b strings.Builder
	line := func(parts ...string) { b.WriteString(truncate(strings.Join(parts, ""), w) + "\n") }
	info := m.formatInfo()

	line(st.Heading.Render("Retrospective of "+s.Config.Team), st.Subtle.Render(" · "+s.Created.In(m.zone()).Format("Mon 2 Jan 2006, 15:04")+" · "+info.Title))
	if !s.Started.IsZero() {
		took := s.Overall.Elapsed(s.Ended)
		verdict := st.Notice.Render(" · within the time-box")
		if took > s.Overall.Budget {
			verdict = st.Over.Render(" · over by " + clock(took-s.Overall.Budget))
		}
		line(st.Text.Render("Duration "+clock(took)+" of "+clock(s.Overall.Budget)), verdict)
	} else {
		line(st.Subtle.Render("Ended before it started."))
	}

	var came, absent []string
	for _, p := range s.Participants {
		switch {
		case p.Role == session.Observer:
		case !p.Arrived.IsZero():
			came = append(came, p.Name)
		case p.Expected:
			absent = append(absent, p.Name)
		}
	}
	line()
	line(st.Heading.Render("Attendance"))
	if len(came) == 0 {
		line(st.Subtle.Render("  nobody came"))
	} else {
		line(st.Present.Render("  ✓ "), st.Text.Render(joinNames(came)))
	}
	if len(absent) > 0 {
		line(st.Missing.Render("  · "+joinNames(absent)), st.Subtle.Render(" absent"))
	}

	if len(s.CheckIns) > 0 {
		line()
		line(st.Heading.Render("Check-in"))
		if s.Config.ESVP {
			counts := make([]int, len(session.ESVPNames))
			for _, c := range s.CheckIns {
				if c.ESVP > 0 && c.ESVP < len(counts) {
					counts[c.ESVP]++
				}
			}
			var parts []string
			for i := 1; i < len(counts); i++ {
				parts = append(parts, session.ESVPNames[i]+" "+itoa(counts[i]))
			}
			line(st.Text.Render("  " + strings.Join(parts, " · ")))
		} else {
			var words []string
			for _, c := range s.CheckIns {
				word := c.Word
				if !s.Config.Anonymous {
					word += " (" + c.Who + ")"
				}
				words = append(words, word)
			}
			for _, l := range flow(words, " · ", w-2) {
				line("  ", st.Text.Render(l))
			}
		}
	}

	if earlier := m.earlierActions(); len(earlier) > 0 {
		line()
		line(st.Heading.Render("Earlier action items"))
		for _, a := range earlier {
			line(m.actionLine(a, false, w))
		}
	}

	topics := s.Topics
	if topics == nil {
		topics = s.GroupIDs()
	}
	if len(topics) > 0 {
		line()
		line(st.Heading.Render("Topics"), st.Subtle.Render(" · most dots first"))
		for i, g := range topics {
			votes := s.VotesFor(g)
			mark := "  "
			if s.Topics != nil && i <= s.TopicPos {
				mark = st.Present.Render("✓ ")
			}
			line(mark, st.Text.Render(m.topicTitle(g)), st.Subtle.Render(" · "+count(votes, "dot", "")))
			for _, c := range m.topicRest(g) {
				line(st.Subtle.Render("    • " + c.Text + m.cardMeta(c)))
			}
			for _, n := range s.Notes {
				if n.Topic == g {
					line(st.Text.Render("    – " + n.Text))
				}
			}
			for _, d := range s.Decisions {
				if d.Topic == g {
					line(st.Notice.Render("    ✓ decision: " + d.Text))
				}
			}
		}
	}
	var loose []string
	for _, d := range s.Decisions {
		if d.Topic == 0 {
			text := "  ✓ " + d.Text
			if len(d.Absent) > 0 {
				text += " (absent: " + strings.Join(d.Absent, ", ") + ")"
			}
			loose = append(loose, text)
		}
	}
	if len(loose) > 0 {
		line()
		line(st.Heading.Render("Decisions"))
		for _, l := range loose {
			line(st.Notice.Render(l))
		}
	}

	var agreed []session.Action
	for _, a := range s.Actions {
		if a.Session == s.ID {
			agreed = append(agreed, a)
		}
	}
	line()
	line(st.Heading.Render("Action items (" + itoa(len(agreed)) + ")"))
	if len(agreed) == 0 {
		line(st.Subtle.Render("  none"))
	}
	for _, a := range agreed {
		text := "  #" + itoa(a.ID) + " " + a.Text + " — " + a.Owner.Name
		if !a.Due.IsZero() {
			text += " · due " + dueWords(a.Due.In(m.zone()))
		}
		line(st.Text.Render(text))
	}

	open, resolved, _ := m.parkingItems()
	if len(open)+len(resolved) > 0 {
		line()
		line(st.Heading.Render("Parking lot"))
		for _, it := range append(resolved, open...) {
			for _, l := range m.itemLines(it, false, w) {
				line(l)
			}
		}
	}

	if len(s.Rotis) > 0 {
		counts := make([]int, 5)
		sum := 0
		for _, r := range s.Rotis {
			if r.Score >= 1 && r.Score <= 5 {
				counts[5-r.Score]++
				sum += r.Score
			}
		}
		line()
		line(st.Heading.Render("ROTI"), st.Subtle.Render(" · "+count(len(s.Rotis), "score", "")+", average "), st.Text.Render(avg(sum, len(s.Rotis))))
		for _, l := range m.histogram(rotiLabels, counts, -1, w) {
			line("  ", l)
		}
	}

	carry := 0
	for _, a := range s.Actions {
		if a.Carries() {
			carry++
		}
	}
	if n := len(s.CarryOver()); carry+n > 0 {
		line()
		line(st.Subtle.Render("  " + count(carry, "action item", "") + " and " + count(n, "parked topic", "") + " carry over to the team's next session."))
	}
	line()
	line(st.Subtle.Render("Minutes: huddle export " + s.ID + "  ·  record: huddle export " + s.ID + " --format json"))
	return strings.TrimRight(b.String(), "\n")
}
