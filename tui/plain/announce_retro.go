package plain

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"huddle/session"
)

func (a *Announcer) retro(l *lines, p, s *session.State, now time.Time) {
	// Check-ins and ROTI: counted while hidden, told once shown.
	a.polls(l, p, s)
	if g, ok := s.CurrentTopic(); ok && (p.Phase != session.Discuss || p.TopicPos != s.TopicPos) {
		l.add("topic %d of %d: #%d %s (%d dots), %s", s.TopicPos+1, len(s.Topics), g, topicName(s, g), s.VotesFor(g), clock(s.PhaseTimer.Remaining(now)))
		for _, c := range s.TopicCards(g) {
			l.add("%s", a.cardLine(s, c))
		}
	}
	if s.Phase == p.Phase && s.PhaseTimer.Budget > p.PhaseTimer.Budget && s.Phase != session.Closed {
		l.add("+%s, %s left", clock(s.PhaseTimer.Budget-p.PhaseTimer.Budget), clock(s.PhaseTimer.Remaining(now)))
	}
	if s.Revealed && !p.Revealed {
		l.add("cards revealed: %d", len(s.Cards))
		for _, c := range s.Cards {
			l.add("%s", a.cardLine(s, c))
		}
	}
	for _, c := range s.Cards {
		was, ok := p.Card(c.ID)
		switch {
		case !ok && c.Hidden():
			if c.Author.Name != "" {
				l.add("%s wrote card #%d in %s", name(c.Author.Name), c.ID, column(s, c.Column))
			} else {
				l.add("a card was written in %s: #%d", column(s, c.Column), c.ID)
			}
		case !ok:
			l.add("%s", a.cardLine(s, c))
		case c.Text != was.Text && !c.Hidden() && !was.Hidden():
			l.add("card #%d is now: %s", c.ID, text(c.Text))
		case c.Column != was.Column:
			l.add("card #%d moved to %s", c.ID, column(s, c.Column))
		}
		if ok && c.Group != was.Group {
			if c.Group == c.ID {
				l.add("card #%d is a topic of its own again", c.ID)
			} else {
				l.add("card #%d grouped into topic #%d: %s", c.ID, c.Group, topicName(s, c.Group))
			}
		}
	}
	for _, c := range p.Cards {
		if _, ok := s.Card(c.ID); !ok {
			l.add("card #%d was deleted", c.ID)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(s.GroupNames)) {
		if s.GroupNames[g] != p.GroupNames[g] {
			l.add("topic #%d named: %s", g, text(s.GroupNames[g]))
		}
	}
	if s.Phase == session.Vote && p.Phase == session.Vote {
		mine := a.voter()
		for _, g := range s.GroupIDs() {
			now, was := s.VotesBy(mine, g), p.VotesBy(mine, g)
			switch {
			case now > was:
				l.add("your dot on #%d: %d on it, %d left", g, now, s.VotesLeft(mine))
			case now < was:
				l.add("dot taken back from #%d: %d on it, %d left", g, now, s.VotesLeft(mine))
			}
		}
	}
	a.thumbs(l, p, s)
	for i, e := range s.Review {
		if i < len(p.Review) && e.Outcome != p.Review[i].Outcome && e.Outcome != "" {
			l.add("decision %d to review: %s", i+1, e.Outcome)
		}
	}
	for i, n := range s.Notes {
		if i >= len(p.Notes) {
			l.add("note on #%d: %s", n.Topic, text(n.Text))
		}
	}
	for i, d := range s.Decisions {
		if i >= len(p.Decisions) {
			l.add("decision on #%d: %s%s", d.Topic, text(d.Text), absent(d.Absent))
		}
	}
	if !maps.Equal(s.Ready, p.Ready) && s.Phase == p.Phase {
		for _, id := range slices.Sorted(maps.Keys(s.Ready)) {
			if !p.Ready[id] {
				l.add("%s is done (%d of %d)", name(s.Name(id)), len(s.Ready), len(s.Voices()))
			}
		}
		for _, id := range slices.Sorted(maps.Keys(p.Ready)) {
			if !s.Ready[id] {
				l.add("%s is not done after all (%d of %d)", name(s.Name(id)), len(s.Ready), len(s.Voices()))
			}
		}
	}
}

func (a *Announcer) polls(l *lines, p, s *session.State) {
	hidden, wasHidden := s.TallyHidden(), p.TallyHidden() && p.Phase == s.Phase
	if !slices.Equal(s.CheckIns, p.CheckIns) {
		switch {
		case hidden && s.Phase == session.CheckIn:
			l.add("check-in: %d of %d in", len(s.CheckIns), len(s.Voices()))
		case wasHidden:
			l.add("check-in answers: %s", checkIns(s, a.hash))
		default:
			for _, e := range s.CheckIns[min(len(p.CheckIns), len(s.CheckIns)):] {
				l.add("check-in: %s", checkIn(e, a.hash))
			}
		}
	} else if wasHidden && !hidden && s.Phase == session.CheckIn {
		l.add("check-in answers: %s", checkIns(s, a.hash))
	}
	if !slices.Equal(s.Rotis, p.Rotis) || (p.Phase == session.Roti && p.TallyHidden() && !s.TallyHidden()) {
		scored, of, _ := s.RotiTally()
		if s.Phase == session.Roti && hidden {
			l.add("ROTI: %d of %d scored", scored, of)
		} else {
			var scores []string
			sum := 0
			for _, r := range s.Rotis {
				scores = append(scores, strconv.Itoa(r.Score))
				sum += r.Score
			}
			if len(scores) > 0 {
				l.add("ROTI scores: %s, average %.1f", strings.Join(scores, ", "), float64(sum)/float64(len(scores)))
			}
		}
	}
}

func (a *Announcer) thumbs(l *lines, p, s *session.State) {
	if s.Phase != session.Discuss || maps.Equal(s.Thumbs, p.Thumbs) || len(s.Thumbs) == 0 {
		return
	}
	if s.TallyHidden() {
		l.add("thumbs: %d of %d in", len(s.Thumbs), len(s.Voices()))
		return
	}
	up, down := 0, 0
	var who []string
	for _, k := range slices.Sorted(maps.Keys(s.Thumbs)) {
		v := s.Thumbs[k]
		if v {
			up++
		} else {
			down++
		}
		if pt, ok := s.Participant(session.ParticipantID(k)); ok {
			who = append(who, name(pt.Name)+" "+thumbWord(v))
		} else if k == a.hash && a.hash != "" {
			who = append(who, "you "+thumbWord(v))
		}
	}
	line := fmt.Sprintf("thumbs: %d up, %d down", up, down)
	if len(who) > 0 {
		line += " (" + strings.Join(who, ", ") + ")"
	}
	l.add("%s", line)
}

func thumbWord(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

func checkIn(e session.CheckInEntry, hash string) string {
	what := text(e.Word)
	if e.ESVP > 0 && e.ESVP < len(session.ESVPNames) {
		what = session.ESVPNames[e.ESVP]
	}
	switch {
	case e.Who != "" && e.Who == hash:
		return "you: " + what
	case e.ID == 0 && e.Who != "":
		return name(e.Who) + ": " + what
	}
	return what
}

func checkIns(s *session.State, hash string) string {
	var out []string
	for _, e := range s.CheckIns {
		out = append(out, checkIn(e, hash))
	}
	return list(out)
}

// cardLine is a card as this viewer may see it.
func (a *Announcer) cardLine(s *session.State, c session.Card) string {
	by := ""
	switch {
	case c.Author.ID != "" && c.Author.ID == a.me, c.AuthorHash != "" && c.AuthorHash == a.hash:
		by = " (yours)"
	case c.Author.Name != "" && !s.Config.Anonymous:
		by = " (" + name(c.Author.Name) + ")"
	}
	group := ""
	if c.Group != c.ID {
		group = fmt.Sprintf(", in topic #%d", c.Group)
	}
	if c.Hidden() {
		return fmt.Sprintf("card #%d in %s%s%s: hidden until revealed", c.ID, column(s, c.Column), group, by)
	}
	return fmt.Sprintf("card #%d in %s%s%s: %s", c.ID, column(s, c.Column), group, by, text(c.Text))
}
