package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// discussKey captures thumbs, notes, decisions and action items, while
// discussing and in the action items phase.
func (m retroPhases) discussKey(msg tea.KeyPressMsg, k retroKeyMap) tea.Cmd {
	switch {
	case key.Matches(msg, k.ThumbUp):
		return m.submit(session.Thumb{Up: true, For: m.actingFor()}, "thumbs up: keep going")
	case key.Matches(msg, k.ThumbDown):
		return m.submit(session.Thumb{Up: false, For: m.actingFor()}, "thumbs down: move on")
	case key.Matches(msg, k.Note):
		return m.open(askNote, "Note", "", nil, retroAsker{m.retroScreen}.then(func(v string) tea.Cmd {
			return m.submit(session.AddNote{Text: v}, "note taken")
		}))
	case key.Matches(msg, k.Decide):
		return m.open(askDecision, "Decision", "", nil, retroAsker{m.retroScreen}.then(func(v string) tea.Cmd {
			return m.submit(session.RecordDecision{Text: v}, "decision recorded")
		}))
	case key.Matches(msg, k.Action):
		return m.open(askAction, "Action item", "", nil, retroAsker{m.retroScreen}.action)
	}
	return nil
}

// topicTitle is a topic's name, or its first card's text.
func (m *retroScreen) topicTitle(group int) string {
	if name := m.state.GroupNames[group]; name != "" {
		return name
	}
	if cards := m.state.TopicCards(group); len(cards) > 0 {
		return cards[0].Text
	}
	return "topic " + itoa(group)
}

// topicRest is a topic's cards below its title: all of them under a
// name, the others under the first card's text.
func (m retroPhases) topicRest(group int) []session.Card {
	cards := m.state.TopicCards(group)
	if m.state.GroupNames[group] == "" && len(cards) > 0 {
		return cards[1:]
	}
	return cards
}

// discussView shows the topic under discussion: its cards and dots, the
// thumbs, what was noted and decided, and the topics still to come.
func (m retroPhases) discussView(w, h int) string {
	st, s := m.styles, m.state
	topic, ok := s.CurrentTopic()
	if !ok {
		return st.Subtle.Render("No topics to discuss: the board is empty.")
	}
	votes := s.VotesFor(topic)
	lines := []string{
		st.Subtle.Render("Topic " + itoa(s.TopicPos+1) + " of " + itoa(len(s.Topics)) + " · " + dots(votes) + " " + count(votes, "dot", "")),
		truncate(st.Speaker.Render(m.topicTitle(topic)), w),
	}
	for _, c := range m.topicRest(topic) {
		lines = append(lines, m.wrapped("  • ", c.Text+m.cardMeta(c), st.Text, w, 2)...)
	}
	up, down := 0, 0
	for _, v := range s.Thumbs {
		if v {
			up++
		} else {
			down++
		}
	}
	thumbs := st.Present.Render("▲ "+itoa(up)+" keep going") + st.Subtle.Render(" · ") + st.Late.Render("▼ "+itoa(down)+" move on")
	if s.TallyHidden() {
		// Anonymous thumbs that showed as they came would say whose
		// they are: only how many, and one's own.
		present := 0
		for _, p := range s.Participants {
			if p.Speaks() {
				present++
			}
		}
		thumbs = st.Subtle.Render(itoa(len(s.Thumbs)) + " of " + itoa(present) + " thumbs shown")
		if up, ok := s.Thumbs[m.viewer]; ok && m.viewer != "" {
			mine := st.Present.Render("▲ keep going")
			if !up {
				mine = st.Late.Render("▼ move on")
			}
			thumbs += st.Subtle.Render(" · yours: ") + mine
		}
	}
	if m.anotherRound() {
		thumbs = st.Over.Render("Time is up: ") + thumbs + st.Subtle.Render("  (y / x)")
	}
	lines = append(lines, "", thumbs)
	// Whose thumbs count is the session's rule (State.Voices); named
	// retrospectives say whose are still missing.
	if awaited := s.ThumbsAwaited(); len(awaited) > 0 && (len(s.Thumbs) > 0 || m.anotherRound()) {
		lines = append(lines, truncate(st.Subtle.Render("waiting for: ")+st.Text.Render(strings.Join(awaited, ", ")), w))
	} else if len(awaited) == 0 && len(s.Thumbs) > 0 && !s.Config.Anonymous && !m.anotherRound() {
		lines = append(lines, st.Subtle.Render("every thumb is in: they decide when the time is up"))
	}
	var notes, decisions, actions []string
	for _, n := range s.Notes {
		if n.Topic == topic {
			notes = append(notes, m.wrapped("  – ", n.Text, st.Text, w, 2)...)
		}
	}
	for _, d := range s.Decisions {
		if d.Topic == topic {
			decisions = append(decisions, m.wrapped("  ✓ ", d.Text, st.Notice, w, 2)...)
		}
	}
	for _, a := range s.Actions {
		if a.Topic == topic && a.Session == s.ID {
			actions = append(actions, m.actionLine(a, false, w))
		}
	}
	section := func(title string, items []string) {
		if len(items) > 0 {
			lines = append(lines, st.Heading.Render(title))
			lines = append(lines, items...)
		}
	}
	section("Notes", notes)
	section("Decisions", decisions)
	section("Action items", actions)
	if next := s.Topics[min(len(s.Topics), s.TopicPos+1):]; len(next) > 0 {
		var ts []string
		for _, g := range next {
			ts = append(ts, m.topicTitle(g)+" ("+itoa(s.VotesFor(g))+")")
		}
		lines = append(lines, "", truncate(st.Subtle.Render("Up next  ")+st.Text.Render(strings.Join(ts, " · ")), w))
	}
	// Keep the newest notes in view: the top and the end matter most.
	if len(lines) > h {
		if h < 3 {
			return strings.Join(lines[:h], "\n")
		}
		keep := slices.Clone(lines[:min(len(lines), 2)])
		lines = append(keep, lines[len(lines)-(h-2):]...)
	}
	return strings.Join(lines, "\n")
}

// actionsView lists the action items and decisions of this retrospective.
func (m retroPhases) actionsView(w, h int) string {
	st, s := m.styles, m.state
	var mine, decisions []string
	sel, selecting := retroCorrector{m.retroScreen}.selectedAction() // e and d act on it (correct_retro.go)
	selecting = selecting && m.role() != session.Observer
	for _, a := range s.Actions {
		if a.Session == s.ID {
			line := m.actionLine(a, selecting && a.ID == sel.ID, w)
			if a.Topic != 0 {
				line = truncate(line+st.Subtle.Render(" · from “"+m.topicTitle(a.Topic)+"”"), w)
			}
			mine = append(mine, line)
		}
	}
	for _, d := range s.Decisions {
		decisions = append(decisions, m.wrapped("  ✓ ", d.Text, st.Notice, w, 2)...)
	}
	lines := []string{st.Text.Render("What will we do? Every action item needs an owner; a due date helps.")}
	lines = append(lines, "", st.Heading.Render("Action items ("+itoa(len(mine))+")"))
	if len(mine) == 0 {
		lines = append(lines, st.Subtle.Render("  none yet · A adds one"))
	}
	lines = append(lines, mine...)
	if len(decisions) > 0 {
		lines = append(lines, "", st.Heading.Render("Decisions ("+itoa(len(s.Decisions))+")"))
		lines = append(lines, decisions...)
	}
	carried := 0
	for _, a := range m.earlierActions() {
		if a.Carries() {
			carried++
		}
	}
	if carried > 0 {
		lines = append(lines, "", st.Subtle.Render(count(carried, "earlier action item stays open and carries", "earlier action items stay open and carry")+" over."))
	}
	if len(lines) > h {
		if h < 3 {
			return strings.Join(lines[:h], "\n")
		}
		lines = append(lines[:2], lines[len(lines)-(h-2):]...)
	}
	return strings.Join(lines, "\n")
}
