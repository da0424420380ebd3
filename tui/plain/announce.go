package plain

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"huddle/session"
)

// Announcer turns the sequence of a participant's views of a session into
// lines. It keeps the last view it told, so that each change is told once
// however many snapshots it took to arrive, and the thresholds of the
// running timer it has announced (start, one minute left, time up, every
// minute of overtime), never every second.
type Announcer struct {
	me   session.ParticipantID
	hash string // the viewer's key to their anonymous contributions
	loc  *time.Location
	prev *session.State
	mark timerMark
}

// timerMark is the running timer the announcer follows and the highest
// threshold it told of it.
type timerMark struct {
	key   string
	level int
}

// NewAnnouncer makes an announcer for the participant me, whose anonymous
// contributions carry hash in their view (Room.Viewer), with times in loc
// (nil: the machine's zone).
func NewAnnouncer(me session.ParticipantID, hash string, loc *time.Location) *Announcer {
	if loc == nil {
		loc = time.Local
	}
	return &Announcer{me: me, hash: hash, loc: loc}
}

// SetHash changes the viewer's key (a knocker who is let in becomes
// someone).
func (a *Announcer) SetHash(hash string) { a.hash = hash }

// SetMe changes whose view this is.
func (a *Announcer) SetMe(me session.ParticipantID) { a.me = me }

// Last is the last view told; nil before Summary.
func (a *Announcer) Last() *session.State { return a.prev }

func (a *Announcer) stamp(now time.Time) string { return now.In(a.loc).Format("15:04") + " " }

// lines collects the lines of one change, each stamped with now.
type lines struct {
	at  string
	out []string
}

func (l *lines) add(format string, args ...any) {
	l.out = append(l.out, Printable(l.at+fmt.Sprintf(format, args...)))
}

// Summary tells a newcomer where the meeting is, and makes s the view
// later changes are told against.
func (a *Announcer) Summary(s *session.State, now time.Time) []string {
	l := &lines{at: a.stamp(now)}
	kind := s.Config.Kind.Noun()
	if me, ok := s.Participant(a.me); ok {
		l.add("%s of %s, join code %s; you are %s (%s)", kind, text(s.Config.Team), s.Config.Code, name(me.Name), me.Role)
	} else {
		l.add("%s of %s, join code %s; you are not in it yet", kind, text(s.Config.Team), s.Config.Code)
	}
	var here, missing []string
	for _, p := range s.Participants {
		switch {
		case p.Present && p.Role == session.Observer:
			here = append(here, name(p.Name)+" (watching)")
		case p.Present:
			here = append(here, name(p.Name))
		case p.Expected && !p.Removed:
			missing = append(missing, name(p.Name))
		}
	}
	l.add("here: %s; not here: %s", list(here), list(missing))
	if fac, ok := s.Participant(s.Facilitator); ok {
		l.add("%s facilitates", name(fac.Name))
	}
	if s.Facilitator == a.me {
		for i, k := range s.Knocking {
			l.add("%s knocks at the door: admit %d, or turnaway %d", name(k.Name), i+1, i+1)
		}
	}
	for i, ag := range s.Config.Agreements {
		l.add("agreement %d: %s", i+1, text(ag))
	}
	switch {
	case s.Phase == session.Waiting:
		l.add("waiting room: not started yet")
	case s.Phase == session.Closed:
		l.add("the %s has ended", kind)
	case s.Config.Kind == session.Standup:
		l.add("now: %s", phaseName(s.Phase))
	default:
		l.add("now: %s, %s left", phaseName(s.Phase), clock(s.PhaseTimer.Remaining(now)))
	}
	if s.Paused {
		l.add("paused: %s", text(s.PauseReason))
	}
	if t, ok := s.CurrentTurn(); ok {
		l.add("%s's turn, %s left", name(s.Name(t.Speaker)), clock(t.Timer.Remaining(now)))
	}
	for _, b := range s.Blockers {
		l.add("blocker for %s: %s", name(b.Speaker.Name), text(b.Text))
	}
	for _, it := range s.Items {
		if it.Status == session.Open {
			l.add("parking lot #%d: %s%s", it.ID, text(it.Topic), stays(it))
		}
	}
	if s.Config.Kind == session.Retro {
		a.summaryRetro(l, s)
	}
	l.add("type help for what you can do now")
	a.prev = s
	a.mark = a.markOf(s, now)
	return l.out
}

func (a *Announcer) summaryRetro(l *lines, s *session.State) {
	for _, x := range s.Actions {
		if x.Status == session.ActionOpen || x.Session == s.ID {
			l.add("action #%d: %s", x.ID, actionText(x))
		}
	}
	if len(s.Cards) > 0 {
		l.add("cards: %d", len(s.Cards))
		for _, c := range s.Cards {
			l.add("%s", a.cardLine(s, c))
		}
	}
	if g, ok := s.CurrentTopic(); ok {
		l.add("topic %d of %d: %s", s.TopicPos+1, len(s.Topics), topicName(s, g))
	}
}

// Update tells what changed from the last view told to s, and the timer
// thresholds crossed by now; s becomes the last view.
func (a *Announcer) Update(s *session.State, now time.Time) []string {
	if a.prev == nil {
		return a.Summary(s, now)
	}
	p := a.prev
	l := &lines{at: a.stamp(now)}
	a.people(l, p, s)
	a.phase(l, p, s, now)
	a.turns(l, p, s, now)
	a.parking(l, p, s)
	a.actions(l, p, s)
	if s.Config.Kind == session.Retro {
		a.retro(l, p, s, now)
	}
	if s.Phase == session.Closed && p.Phase != session.Closed {
		l.add("the %s has ended", s.Config.Kind.Noun())
	}
	a.prev = s
	a.timer(l, s, now)
	return l.out
}

// Tick tells the timer thresholds crossed by now.
func (a *Announcer) Tick(now time.Time) []string {
	if a.prev == nil {
		return nil
	}
	l := &lines{at: a.stamp(now)}
	a.timer(l, a.prev, now)
	return l.out
}

func (a *Announcer) people(l *lines, p, s *session.State) {
	for _, x := range s.Participants {
		i := slices.IndexFunc(p.Participants, func(y session.Participant) bool { return y.ID == x.ID })
		var was session.Participant
		if i >= 0 {
			was = p.Participants[i]
		}
		switch {
		case x.Present && !was.Present && x.Role == session.Observer:
			l.add("%s is here, watching", name(x.Name))
		case x.Present && !was.Present:
			l.add("%s is here", name(x.Name))
		case !x.Present && was.Present && x.Removed:
			l.add("%s was removed", name(x.Name))
		case !x.Present && was.Present:
			l.add("%s left", name(x.Name))
		case x.Present && was.Present && was.Role == session.Observer && x.Role == session.Member:
			l.add("%s takes part now", name(x.Name))
		}
	}
	for _, y := range p.Participants {
		if _, ok := s.Participant(y.ID); !ok {
			l.add("%s is no longer in the session", name(y.Name))
		}
	}
	if s.Facilitator != p.Facilitator {
		l.add("%s facilitates now", name(s.Name(s.Facilitator)))
	}
	if s.Facilitator == a.me {
		for i, k := range s.Knocking {
			if !slices.ContainsFunc(p.Knocking, func(q session.Knock) bool { return q.Key == k.Key }) {
				l.add("%s knocks at the door: admit %d, or turnaway %d", name(k.Name), i+1, i+1)
			}
		}
	}
}

func (a *Announcer) phase(l *lines, p, s *session.State, now time.Time) {
	if s.Paused != p.Paused {
		if s.Paused {
			l.add("paused: %s", text(s.PauseReason))
		} else if s.Phase != session.Closed {
			l.add("resumed")
		}
	}
	if s.Phase == p.Phase || s.Phase == session.Closed {
		return
	}
	switch s.Phase {
	case session.Waiting:
		l.add("back to the waiting room")
	case session.Rounds:
		var order []string
		for _, id := range s.Order {
			order = append(order, name(s.Name(id)))
		}
		l.add("the stand-up has started; order: %s", list(order))
	case session.Parking:
		open := s.OpenItems()
		l.add("parking lot: %d open, stay if you are named", len(open))
		for _, it := range open {
			l.add("parking lot #%d: %s%s", it.ID, text(it.Topic), stays(it))
		}
	default:
		l.add("now: %s, %s", phaseName(s.Phase), clock(s.PhaseTimer.Remaining(now)))
		switch s.Phase {
		case session.Review:
			for _, x := range s.Actions {
				if x.Session != s.ID {
					l.add("action #%d to review: %s", x.ID, actionText(x))
				}
			}
			for i, e := range s.Review {
				l.add("decision %d to review: %s", i+1, text(e.Text))
			}
		case session.Write:
			var cols []string
			for i, c := range s.Config.Columns {
				cols = append(cols, strconv.Itoa(i+1)+" "+text(c))
			}
			l.add("columns: %s", list(cols))
		case session.Vote:
			l.add("you have %d dots; topics:", s.VotesLeft(a.voter()))
			for _, g := range s.GroupIDs() {
				l.add("topic #%d: %s", g, topicName(s, g))
			}
		case session.Discuss:
			var order []string
			for _, g := range s.Topics {
				order = append(order, fmt.Sprintf("#%d %s (%d dots)", g, topicName(s, g), s.VotesFor(g)))
			}
			l.add("topics by dots: %s", list(order))
		}
	}
}

func (a *Announcer) turns(l *lines, p, s *session.State, now time.Time) {
	if len(s.Turns) == len(p.Turns) && len(s.Turns) > 0 {
		t, o := s.Turns[len(s.Turns)-1], p.Turns[len(p.Turns)-1]
		if t.Timer.Budget > o.Timer.Budget && t.Ended.IsZero() {
			l.add("+%s for %s, %s left", clock(t.Timer.Budget-o.Timer.Budget), name(s.Name(t.Speaker)), clock(t.Timer.Remaining(now)))
		}
	}
	if n := len(p.Turns); n > 0 && n <= len(s.Turns) {
		if t := s.Turns[n-1]; t.Skipped && !p.Turns[n-1].Skipped {
			l.add("%s skipped, goes to the end", name(s.Name(t.Speaker)))
		}
	}
	for _, t := range s.Turns[min(len(p.Turns), len(s.Turns)):] {
		if t.Ended.IsZero() {
			l.add("%s's turn, %s", name(s.Name(t.Speaker)), clock(t.Timer.Budget))
		}
	}
	if s.Phase == session.Rounds && p.Phase == session.Rounds && len(s.Turns) == len(p.Turns) && !slices.Equal(s.Order, p.Order) {
		var order []string
		for _, id := range s.Order[min(s.Pos+1, len(s.Order)):] {
			order = append(order, name(s.Name(id)))
		}
		l.add("up next: %s", list(order))
	}
	for i, b := range s.Blockers {
		switch {
		case i >= len(p.Blockers):
			l.add("blocker %d for %s: %s", i+1, name(b.Speaker.Name), text(b.Text))
		case b.Text != p.Blockers[i].Text && len(s.Blockers) == len(p.Blockers):
			l.add("blocker %d is now: %s", i+1, text(b.Text))
		}
	}
	if len(s.Blockers) < len(p.Blockers) {
		l.add("a blocker was deleted; %d left", len(s.Blockers))
	}
}

func (a *Announcer) parking(l *lines, p, s *session.State) {
	for _, it := range s.Items {
		was, ok := p.Item(it.ID)
		if !ok {
			l.add("%s parked #%d: %s%s", name(it.RaisedBy.Name), it.ID, text(it.Topic), stays(it))
			continue
		}
		if it.Topic != was.Topic {
			l.add("parking lot #%d is now: %s", it.ID, text(it.Topic))
		}
		for _, q := range it.Stay {
			if !was.Stays(q.ID) {
				l.add("parking lot #%d: %s stays", it.ID, name(q.Name))
			}
		}
		for _, q := range was.Stay {
			if !it.Stays(q.ID) {
				l.add("parking lot #%d: %s no longer stays", it.ID, name(q.Name))
			}
		}
		if it.Status != was.Status {
			l.add("parking lot: %s", outcome(it))
		}
	}
	for _, it := range p.Items {
		if _, ok := s.Item(it.ID); !ok {
			l.add("parking lot #%d was deleted", it.ID)
		}
	}
}

func (a *Announcer) actions(l *lines, p, s *session.State) {
	for _, x := range s.Actions {
		i := slices.IndexFunc(p.Actions, func(y session.Action) bool { return y.ID == x.ID })
		if i < 0 {
			l.add("action #%d: %s", x.ID, actionText(x))
			continue
		}
		was := p.Actions[i]
		if x.Text != was.Text || x.Owner != was.Owner || !x.Due.Equal(was.Due) {
			l.add("action #%d is now: %s", x.ID, actionText(x))
		}
		if x.Status != was.Status {
			l.add("action #%d: %s", x.ID, x.Status)
		}
	}
	for _, y := range p.Actions {
		if !slices.ContainsFunc(s.Actions, func(x session.Action) bool { return x.ID == y.ID }) {
			l.add("action #%d was deleted", y.ID)
		}
	}
}

// voter is how the viewer's own dots are marked in their view.
func (a *Announcer) voter() string {
	if a.hash != "" && a.prevAnon() {
		return a.hash
	}
	return string(a.me)
}

func (a *Announcer) prevAnon() bool { return a.prev != nil && a.prev.Config.Anonymous }
