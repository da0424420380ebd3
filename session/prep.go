package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Prepared is a stand-up update written beforehand by a member who will
// miss the stand-up: the Created event of the team's next stand-up carries
// it. When their turn comes and they are not there, the update stands in
// for them and its blockers are on the list from the start; when they
// speak themselves (a late arrival), their turn replaces it.
type Prepared struct {
	Who       Person    `json:"who"`
	Written   time.Time `json:"written"`
	Yesterday string    `json:"yesterday,omitempty"`
	Today     string    `json:"today,omitempty"`
	Blockers  []string  `json:"blockers,omitempty"`
	// Replaced: the member spoke in their own turn (state only).
	Replaced bool `json:"replaced,omitempty"`
}

// PreparedBy returns the participant's prepared update, if they wrote one.
func (s *State) PreparedBy(id ParticipantID) (Prepared, bool) {
	i := slices.IndexFunc(s.Prepared, func(p Prepared) bool { return p.Who.ID == id })
	if i < 0 {
		return Prepared{}, false
	}
	return s.Prepared[i], true
}

// preparedTurn reports whether the participant takes a turn only through
// their prepared update: they are not here, and they wrote one that their
// own turn has not replaced.
func (s *State) preparedTurn(id ParticipantID) bool {
	p, ok := s.Participant(id)
	if !ok || p.Present || p.Removed || p.Role == Observer {
		return false
	}
	pr, ok := s.PreparedBy(id)
	return ok && !pr.Replaced
}

// withPrepared appends to a speaking order those who are not here but
// prepared an update, in the order they wrote them.
func (s *State) withPrepared(order []ParticipantID) []ParticipantID {
	for _, pr := range s.Prepared {
		if s.preparedTurn(pr.Who.ID) && !slices.Contains(order, pr.Who.ID) {
			order = append(order, pr.Who.ID)
		}
	}
	return order
}

// applyTeamLog folds what the Created event carries from the team's log:
// prepared updates (their blockers join the list) and excused absences.
func (s *State) applyTeamLog(p *Created) {
	for _, pr := range p.Prepared {
		pr.Blockers = slices.Clone(pr.Blockers)
		s.Prepared = append(s.Prepared, pr)
		if s.participant(pr.Who.ID) < 0 {
			s.Participants = append(s.Participants, Participant{ID: pr.Who.ID, Name: pr.Who.Name, Role: Member, Expected: true})
		}
		for _, b := range pr.Blockers {
			s.Blockers = append(s.Blockers, Blocker{Speaker: pr.Who, Text: b, NotedBy: pr.Who.ID, At: pr.Written})
		}
	}
	s.Review = append(s.Review, p.Review...)
	for _, name := range p.Excused {
		if i := s.participant(RosterID(name)); i >= 0 {
			s.Participants[i].Excused = true
		}
	}
}

// replacePrepared marks the speaker's prepared update replaced when they
// take their turn themselves, and takes its blockers off the list: they
// tell their own.
func (s *State) replacePrepared(speaker ParticipantID) {
	i := slices.IndexFunc(s.Prepared, func(p Prepared) bool { return p.Who.ID == speaker })
	if i < 0 || s.Prepared[i].Replaced {
		return
	}
	if p, ok := s.Participant(speaker); !ok || !p.Present {
		return
	}
	s.Prepared[i].Replaced = true
	written := s.Prepared[i].Written
	s.Blockers = slices.DeleteFunc(s.Blockers, func(b Blocker) bool {
		return b.Speaker.ID == speaker && b.NotedBy == speaker && b.At.Equal(written) && slices.Contains(s.Prepared[i].Blockers, b.Text)
	})
}

// PrepareUpdate records, for the member for the caller (see TeamMember),
// an update for the team's next stand-up. A later one replaces it. The
// next stand-up is the next one opened: one open already does not take it
// (see OpenStandup).
func PrepareUpdate(ctx context.Context, st Store, t Team, c Caller, as, yesterday, today string, blockers []string, now time.Time) (UpdatePrepared, error) {
	tl, err := teamLogOf(st)
	if err != nil {
		return UpdatePrepared{}, err
	}
	who, err := TeamMember(t, c, as)
	if err != nil {
		return UpdatePrepared{}, err
	}
	if yesterday, err = fitText("yesterday", yesterday); err != nil {
		return UpdatePrepared{}, err
	}
	if today, err = fitText("today", today); err != nil {
		return UpdatePrepared{}, err
	}
	for _, b := range blockers {
		if _, err := fitText("a blocker", b); err != nil {
			return UpdatePrepared{}, err
		}
	}
	u := &UpdatePrepared{Who: who, Yesterday: yesterday, Today: today, Blockers: cleanList(blockers, DefaultMaxText)}
	if u.Yesterday == "" && u.Today == "" && len(u.Blockers) == 0 {
		return UpdatePrepared{}, fmt.Errorf("%w: the update is empty; give --yesterday, --today or --blocker", ErrInvalid)
	}
	if len(u.Blockers) > MaxPreparedBlockers {
		return UpdatePrepared{}, fmt.Errorf("%w: at most %d blockers", ErrInvalid, MaxPreparedBlockers)
	}
	_, err = appendTeamLog(ctx, tl, t.Name, actorOf(c, who), now, u)
	return *u, err
}

// MaxPreparedBlockers bounds the blockers of one prepared update.
const MaxPreparedBlockers = 10

// GoAway records an excused absence of the member for the caller from
// the day from (empty: today) until the day until, both included
// (YYYY-MM-DD in loc). An empty until takes back their absences that have
// not ended.
func GoAway(ctx context.Context, st Store, t Team, c Caller, as, from, until string, now time.Time, loc *time.Location) (WentAway, error) {
	tl, err := teamLogOf(st)
	if err != nil {
		return WentAway{}, err
	}
	who, err := TeamMember(t, c, as)
	if err != nil {
		return WentAway{}, err
	}
	today := now.In(loc).Format(time.DateOnly)
	w := &WentAway{Who: who}
	if until != "" {
		if from == "" {
			from = today
		}
		for _, d := range []string{from, until} {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return WentAway{}, fmt.Errorf("%w: %q is not a day; write YYYY-MM-DD, e.g. %s", ErrInvalid, Printable(CleanName(d)), today)
			}
		}
		if until < today {
			return WentAway{}, fmt.Errorf("%w: %s is in the past", ErrInvalid, until)
		}
		if from > until {
			return WentAway{}, fmt.Errorf("%w: the absence ends (%s) before it begins (%s)", ErrInvalid, until, from)
		}
		w.From, w.Until = from, until
	}
	_, err = appendTeamLog(ctx, tl, t.Name, actorOf(c, who), now, w)
	return *w, err
}

// ExcusedOn returns the members of the log who are away on the day (a time
// in the time zone that counts).
func ExcusedOn(log []TeamEvent, day time.Time) []string {
	d := day.Format(time.DateOnly)
	type span struct{ from, until string }
	spans := map[string][]span{}
	var order []string
	for _, e := range log {
		w, ok := e.Payload.(*WentAway)
		if !ok {
			continue
		}
		key := strings.ToLower(w.Who)
		if _, seen := spans[key]; !seen {
			order = append(order, w.Who)
		}
		if w.Until == "" {
			spans[key] = []span{}
			continue
		}
		spans[key] = append(spans[key], span{w.From, w.Until})
	}
	var out []string
	for _, who := range order {
		if slices.ContainsFunc(spans[strings.ToLower(who)], func(s span) bool { return (s.from == "" || s.from <= d) && d <= s.until }) {
			out = append(out, who)
		}
	}
	return out
}

// fromTeamLog fills what a new session's Created event takes from the
// team's log: for a stand-up, the updates prepared since the team's last
// stand-up was opened (the latest per member on the roster); for every
// session, the roster members excused on its day (in loc); for a
// retrospective, the decisions its review phase lists (see reviewFor).
func fromTeamLog(ctx context.Context, st Store, created *Created, now time.Time, loc *time.Location) error {
	if created.Config.Kind == Retro {
		if err := reviewFor(ctx, st, created); err != nil {
			return fmt.Errorf("find the decisions to review: %w", err)
		}
	}
	tl, ok := st.(TeamLogStore)
	if !ok {
		return nil
	}
	log, err := tl.TeamLog(ctx, created.Config.Team)
	if err != nil {
		return fmt.Errorf("read the team's log: %w", err)
	}
	if len(log) == 0 {
		return nil
	}
	day := now
	if !created.Config.ScheduledAt.IsZero() {
		day = created.Config.ScheduledAt
	}
	for _, who := range ExcusedOn(log, day.In(loc)) {
		if i := slices.IndexFunc(created.Roster, func(m string) bool { return strings.EqualFold(m, who) }); i >= 0 {
			created.Excused = append(created.Excused, created.Roster[i])
		}
	}
	if created.Config.Kind != Standup {
		return nil
	}
	kind := Standup
	last, err := st.Sessions(ctx, Filter{Team: created.Config.Team, Kind: &kind, Limit: 1})
	if err != nil {
		return err
	}
	var after time.Time
	if len(last) > 0 {
		after = last[0].Created
	}
	latest := map[string]int{}
	var preps []Prepared
	for _, e := range log {
		u, ok := e.Payload.(*UpdatePrepared)
		if !ok || !e.Time.After(after) {
			continue
		}
		i := slices.IndexFunc(created.Roster, func(m string) bool { return strings.EqualFold(m, u.Who) })
		if i < 0 {
			continue // no longer on the roster
		}
		name := created.Roster[i]
		pr := Prepared{Who: Person{ID: RosterID(name), Name: name}, Written: e.Time, Yesterday: u.Yesterday, Today: u.Today, Blockers: slices.Clone(u.Blockers)}
		if j, ok := latest[name]; ok {
			preps[j] = pr
			continue
		}
		latest[name] = len(preps)
		preps = append(preps, pr)
	}
	created.Prepared = preps
	return nil
}

// MaxPreparedInput bounds the text a prepared update is read from.
const MaxPreparedInput = 16 << 10

// PreparedText is an update as typed: flags, and lines read from standard
// input (see ReadPrepared).
type PreparedText struct {
	Yesterday, Today string
	Blockers         []string
}

// ReadPrepared reads an update from text: lines that start with
// "yesterday:", "today:" or "blocker:" (any case; "blockers:" too) fill
// that part, any other line that is not empty adds to today. It reads at
// most MaxPreparedInput bytes and refuses more. Parts already given (by
// flags) come first.
func ReadPrepared(r io.Reader, into PreparedText) (PreparedText, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxPreparedInput+1))
	if err != nil {
		return into, err
	}
	if len(b) > MaxPreparedInput {
		return into, fmt.Errorf("%w: the update is longer than %d bytes", ErrInvalid, MaxPreparedInput)
	}
	add := func(to *string, s string) {
		if s = strings.TrimSpace(s); s == "" {
			return
		}
		if *to != "" {
			*to += " "
		}
		*to += s
	}
	for line := range strings.Lines(string(b)) {
		key, rest, ok := strings.Cut(line, ":")
		switch k := strings.ToLower(strings.TrimSpace(key)); {
		case ok && k == "yesterday":
			add(&into.Yesterday, rest)
		case ok && k == "today":
			add(&into.Today, rest)
		case ok && (k == "blocker" || k == "blockers"):
			if rest = strings.TrimSpace(rest); rest != "" {
				into.Blockers = append(into.Blockers, rest)
			}
		default:
			add(&into.Today, line)
		}
	}
	return into, nil
}

// ParseSince reads when a decision log starts: a day (YYYY-MM-DD, in loc)
// or an age back from now (14d, 2w, 72h). Empty: from the beginning.
func ParseSince(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return d, nil
	}
	n, unit := s[:len(s)-1], s[len(s)-1]
	if v, err := strconv.Atoi(n); err == nil && v > 0 && v <= 100*366 && (unit == 'd' || unit == 'w') {
		d := time.Duration(v) * 24 * time.Hour
		if unit == 'w' {
			d *= 7
		}
		return now.Add(-d), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%w: --since %q: want a day (YYYY-MM-DD) or an age (14d, 2w, 72h)", ErrInvalid, Printable(CleanName(s)))
}

// validatePrepared checks the prepared updates and the excused (see
// State.Validate): each update is a participant's, one per participant,
// with a time and something in it; an excused participant is never late.
func (s *State) validatePrepared() error {
	seen := map[ParticipantID]bool{}
	for _, pr := range s.Prepared {
		switch {
		case seen[pr.Who.ID]:
			return invalidState("%q prepared two updates", pr.Who.ID)
		case s.participant(pr.Who.ID) < 0:
			return invalidState("the prepared update of %q is not a participant's", pr.Who.ID)
		case pr.Written.IsZero():
			return invalidState("the prepared update of %q has no time", pr.Who.ID)
		case pr.Yesterday == "" && pr.Today == "" && len(pr.Blockers) == 0:
			return invalidState("the prepared update of %q is empty", pr.Who.ID)
		}
		seen[pr.Who.ID] = true
	}
	for _, p := range s.Participants {
		if p.Excused && p.LateBy != 0 {
			return invalidState("participant %q is excused but late", p.ID)
		}
	}
	return nil
}

// reviewFor fills a retrospective's Review: the decisions taken with
// members absent since the team's previous retrospective was opened, and
// those a member asked to review since then (all of them for a team's
// first retrospective).
func reviewFor(ctx context.Context, st Store, created *Created) error {
	team, err := st.Team(ctx, created.Config.Team)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	kind := Retro
	last, err := st.Sessions(ctx, Filter{Team: team.Name, Kind: &kind, Limit: 1})
	if err != nil {
		return err
	}
	var after time.Time
	if len(last) > 0 {
		after = last[0].Created
	}
	h, err := LoadTeamHistory(ctx, st, team)
	if err != nil {
		return err
	}
	for _, e := range h.ReviewList() {
		asked := slices.ContainsFunc(e.Reviews, func(r Seen) bool { return r.At.After(after) })
		if asked || (e.At.After(after) && len(e.Absent) > 0) {
			e.Outcome, e.Reviewed = "", nil // this retrospective reviews it afresh
			created.Review = append(created.Review, e)
		}
	}
	return nil
}

// fromTeamLog replaces the person in what a Created event took from the
// team's log (see ForgetPerson).
func (f *forgetter) fromTeamLog(p *Created) {
	for i := range p.Prepared {
		pr := &p.Prepared[i]
		f.person(&pr.Who)
		pr.Yesterday, pr.Today, pr.Blockers = f.text(pr.Yesterday), f.text(pr.Today), f.texts(pr.Blockers)
	}
	p.Excused = f.names(p.Excused)
	for i := range p.Review {
		f.logEntry(&p.Review[i])
	}
}

func (f *forgetter) logEntry(e *LogEntry) {
	e.Text = f.text(e.Text)
	if f.is(e.By) {
		e.By = f.pseudonym
	}
	if f.is(e.Owner) {
		e.Owner = f.pseudonym
	}
	e.Present, e.Absent = f.names(e.Present), f.names(e.Absent)
	for _, list := range [][]Seen{e.Seen, e.Reviews} {
		for i := range list {
			if f.is(list[i].Who) {
				list[i].Who = f.pseudonym
			}
			list[i].Reason = f.text(list[i].Reason)
		}
	}
}

// OpenStandup reports whether the team has a stand-up open now, which an
// update prepared now does not reach (it goes to the one opened next).
func OpenStandup(ctx context.Context, st Store, team string) (bool, error) {
	kind := Standup
	open, err := st.Sessions(ctx, Filter{Team: team, Kind: &kind, Unfinished: true, Limit: 1})
	return len(open) > 0, err
}
