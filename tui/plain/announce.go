// Package plain is huddle's line view: the same per-participant state the
// TUI draws (session.State.For, as the TUI reads it), told as one line
// per change, in order, each prefixed with the local time ("10:03 Julia's
// turn, 2:00"), and typed line commands that go through the same
// Room.Submit as the TUI's keys. It writes no escape sequence, ever: for
// screen readers, braille displays, logs and scripts. The line format is
// documented in docs/plain.md and kept stable.
package plain

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// markOf is the running timer of a view and the threshold it is at.
func (a *Announcer) markOf(s *session.State, now time.Time) timerMark {
	key, _, t, ok := currentTimer(s)
	if !ok {
		return timerMark{}
	}
	return timerMark{key: key, level: level(t, now)}
}

// currentTimer is the time-box the view counts down: the turn in a
// stand-up's rounds, the phase (or topic) in a retrospective.
func currentTimer(s *session.State) (key, who string, t session.Timer, ok bool) {
	if s.Phase == session.Closed || s.Phase == session.Waiting {
		return "", "", session.Timer{}, false
	}
	if s.Config.Kind == session.Standup {
		turn, ok := s.CurrentTurn()
		if !ok {
			return "", "", session.Timer{}, false
		}
		return "turn " + strconv.Itoa(len(s.Turns)), "for " + name(s.Name(turn.Speaker)), turn.Timer, true
	}
	what := "in " + phaseName(s.Phase)
	if g, ok := s.CurrentTopic(); ok {
		what = "on topic #" + strconv.Itoa(g)
	}
	return s.Step(), what, s.PhaseTimer, true
}

// level is the threshold a timer is at: 0 more than a minute left (or a
// budget of a minute or less, which never gets a "minute left"), 1 a
// minute or less left, 2 time up, 2+k k minutes over.
func level(t session.Timer, now time.Time) int {
	r := t.Remaining(now)
	switch {
	case r > time.Minute:
		return 0
	case r > 0:
		return 1
	}
	return 2 + int(-r/time.Minute)
}

// timer tells the thresholds the running timer crossed since the last
// one told: the highest only, if several were crossed at once.
func (a *Announcer) timer(l *lines, s *session.State, now time.Time) {
	key, who, t, ok := currentTimer(s)
	if !ok {
		a.mark = timerMark{}
		return
	}
	lv := level(t, now)
	if key != a.mark.key {
		a.mark = timerMark{key: key, level: lv}
		return
	}
	if lv <= a.mark.level {
		a.mark.level = lv // time was added: the thresholds count again
		return
	}
	a.mark.level = lv
	switch {
	case lv == 1:
		l.add("1 minute left %s", who)
	case lv == 2:
		l.add("time up %s", who)
	default:
		l.add("%s over %s", minutes(lv-2), who)
	}
}

// Next is when the running timer crosses its next threshold, if it runs.
func (a *Announcer) Next(now time.Time) (time.Time, bool) {
	if a.prev == nil {
		return time.Time{}, false
	}
	_, _, t, ok := currentTimer(a.prev)
	if !ok || !t.Running() {
		return time.Time{}, false
	}
	r := t.Remaining(now)
	switch {
	case r > time.Minute:
		return now.Add(r - time.Minute), true
	case r > 0:
		return now.Add(r), true
	}
	over := -r
	return now.Add(time.Minute - over%time.Minute), true
}

func minutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// clock is a duration as M:SS; negative as -M:SS (overtime).
func clock(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%s%d:%02d", sign, int(d/time.Minute), int(d%time.Minute/time.Second))
}

func phaseName(p session.Phase) string {
	switch p {
	case session.Rounds:
		return "the rounds"
	case session.Parking:
		return "the parking lot"
	case session.Roti:
		return "ROTI"
	}
	return p.String()
}

func column(s *session.State, i int) string {
	if i >= 0 && i < len(s.Config.Columns) {
		return text(s.Config.Columns[i])
	}
	return "column " + strconv.Itoa(i+1)
}

// topicName is a topic's name, or its first card's text as this view
// has it.
func topicName(s *session.State, g int) string {
	if n := s.GroupNames[g]; n != "" {
		return text(n)
	}
	cards := s.TopicCards(g)
	if len(cards) == 0 {
		return "(empty)"
	}
	if cards[0].Hidden() {
		return "(hidden card)"
	}
	if len(cards) > 1 {
		return text(cards[0].Text) + fmt.Sprintf(" and %d more", len(cards)-1)
	}
	return text(cards[0].Text)
}

func stays(it session.Item) string {
	if len(it.Stay) == 0 {
		return ""
	}
	var who []string
	for _, p := range it.Stay {
		who = append(who, name(p.Name))
	}
	return " (stays: " + strings.Join(who, ", ") + ")"
}

func absent(names []string) string {
	if len(names) == 0 {
		return ""
	}
	var out []string
	for _, n := range names {
		out = append(out, name(n))
	}
	return " (absent: " + strings.Join(out, ", ") + ")"
}

func outcome(it session.Item) string {
	switch it.Status {
	case session.Decided:
		return fmt.Sprintf("#%d decided: %s%s", it.ID, text(it.Note), absent(it.Absent))
	case session.Discussed:
		return fmt.Sprintf("#%d discussed", it.ID)
	case session.SentToRetro:
		return fmt.Sprintf("#%d sent to the retro", it.ID)
	case session.Dropped:
		return fmt.Sprintf("#%d dropped", it.ID)
	}
	return fmt.Sprintf("#%d open again", it.ID)
}

func actionText(x session.Action) string {
	out := text(x.Text) + " (" + name(x.Owner.Name)
	if !x.Due.IsZero() {
		out += ", due " + x.Due.Format("2006-01-02")
	}
	out += ")"
	if x.Status != session.ActionOpen {
		out += ", " + x.Status.String()
	}
	return out
}

func list(items []string) string {
	if len(items) == 0 {
		return "nobody"
	}
	return strings.Join(items, ", ")
}

// text is user-typed text made printable: cleaned as session cleans all
// text, then with anything that is not printable taken out.
func text(s string) string { return Printable(session.CleanText(s, session.DefaultMaxText)) }

func name(s string) string {
	if n := Printable(session.CleanName(s)); n != "" {
		return n
	}
	return "someone"
}

// Printable drops every control character (C0, DEL, C1) and every byte
// that is not UTF-8 from s, so that no line can carry an escape sequence
// (7-bit or 8-bit) whatever it holds.
func Printable(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }
