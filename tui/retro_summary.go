package tui

import (
	"cmp"
	"strings"

	"huddle/session"
)

// retroSummary is a retrospective's closing screen, w cells wide: time
// against the time-box, who came, the check-in, the review, the topics in
// the order they were discussed with their notes and decisions, the
// action items, the parking lot and the ROTI. No card carries its author
// in an anonymous retrospective.
func (m retroPhases) retroSummary(w int) string {
	st, sum := m.styles, session.Summarize(m.state)
	r := sum.Retro
	var b strings.Builder
	line := func(parts ...string) { b.WriteString(truncate(strings.Join(parts, ""), w) + "\n") }

	format := cmp.Or(r.FormatTitle, "Custom")
	line(st.Heading.Render(sum.Kind.Title()+" of "+sum.Team), st.Subtle.Render(" · "+sum.Created.In(m.zone()).Format("Mon 2 Jan 2006, 15:04")+" · "+format))
	line(m.summaryDuration(sum, "Ended before it started."))

	var came, absent []string
	for _, a := range sum.Attendance {
		if a.Came() {
			came = append(came, a.Name)
		} else {
			absent = append(absent, a.Name)
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

	if ci := r.CheckIn; ci.Answers+len(ci.Words) > 0 {
		line()
		line(st.Heading.Render("Check-in"))
		if ci.ESVP {
			var parts []string
			for a := session.Explorer; a <= session.Prisoner; a++ {
				parts = append(parts, session.ESVPNames[a]+" "+itoa(ci.Counts[a]))
			}
			line(st.Text.Render("  " + strings.Join(parts, " · ")))
		} else {
			var words []string
			for _, c := range ci.Words {
				word := c.Word
				if c.Who != "" {
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

	if len(r.Reviewed) > 0 {
		line()
		line(st.Heading.Render("Decisions reviewed"))
		for _, d := range r.Reviewed {
			verdict := st.Subtle.Render(" · " + d.Verdict())
			switch d.Outcome {
			case session.Confirmed:
				verdict = st.Notice.Render(" ✓ confirmed")
			case session.Reopened:
				verdict = st.Late.Render(" ↺ reopened")
			}
			line("  ", st.Text.Render(d.Text), st.Subtle.Render(" — "+d.At.In(m.zone()).Format("2 Jan")), verdict)
		}
	}

	if len(r.Topics) > 0 {
		line()
		line(st.Heading.Render("Topics"), st.Subtle.Render(" · most dots first"))
		for _, t := range r.Topics {
			mark := "  "
			if t.Reached {
				mark = st.Present.Render("✓ ")
			}
			line(mark, st.Text.Render(cmp.Or(t.Name, t.FirstCard, "topic "+itoa(t.Group))), st.Subtle.Render(" · "+count(t.Dots, "dot", "")))
			rest := t.CardRows
			if t.Name == "" && len(rest) > 0 {
				rest = rest[1:] // the first card is the title
			}
			for _, c := range rest {
				line(st.Subtle.Render("    • " + c.Text + m.summaryCardMeta(c)))
			}
			for _, n := range t.Notes {
				line(st.Text.Render("    – " + n))
			}
			for _, d := range t.Decisions {
				line(st.Notice.Render("    ✓ decision: " + d))
			}
		}
	}
	var loose []string
	for _, d := range sum.Decisions {
		if d.Topic == 0 && d.Item == 0 {
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

	var agreed []session.ActionRow
	for _, a := range sum.Actions {
		if a.Here {
			agreed = append(agreed, a)
		}
	}
	line()
	line(st.Heading.Render("Action items (" + itoa(len(agreed)) + ")"))
	if len(agreed) == 0 {
		line(st.Subtle.Render("  none"))
	}
	for _, a := range agreed {
		text := "  #" + itoa(a.ID) + " " + a.Text + " — " + a.Owner
		if !a.Due.IsZero() {
			text += " · due " + dueWords(a.Due.In(m.zone()))
		}
		line(st.Text.Render(text))
	}

	m.summaryParkingLot(line, w)

	if roti := r.Roti; roti.Scores > 0 {
		counts := make([]int, 5) // 5 first, as the ROTI screen draws them
		for score := 1; score <= 5; score++ {
			counts[5-score] = roti.Count[score]
		}
		line()
		line(st.Heading.Render("ROTI"), st.Subtle.Render(" · "+count(roti.Scores, "score", "")+", average "), st.Text.Render(roti.Average()))
		for _, l := range m.histogram(rotiLabels, counts, -1, w) {
			line("  ", l)
		}
	}

	if sum.OpenActions+sum.CarryOver > 0 {
		line()
		line(st.Subtle.Render("  " + count(sum.OpenActions, "action item", "") + " and " + count(sum.CarryOver, "parked topic", "") + " carry over to the team's next session."))
	}
	line()
	for _, l := range m.summaryFooter(sum) {
		line(l)
	}
	return strings.TrimRight(b.String(), "\n")
}

// summaryCardMeta is who a card is by, as the viewer may know it: the
// card's own row never names the author of an anonymous one, but the
// viewer still sees "you" on their own.
func (m *retroScreen) summaryCardMeta(c session.CardRow) string {
	if card, ok := m.state.Card(c.ID); ok {
		return m.cardMeta(card)
	}
	return ""
}
