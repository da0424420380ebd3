package session

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// A team's log records what happens to a team outside its sessions:
// decisions taken between meetings, who has seen a decision since, who
// asked for one to be reviewed, the updates members prepared for a
// stand-up they will miss, and the days they are away. Like a session it
// is a list of events, the only truth; the decision log and "what you
// missed" are computed from it and from the team's sessions.

// TeamEvent is one entry of a team's log.
type TeamEvent struct {
	Seq     int64         // 1-based, contiguous within a team
	Time    time.Time     // when it happened
	Actor   ParticipantID // who did it: RosterID(name) of a member, or local:NAME for the operator
	Payload TeamPayload
}

// Type is the type name of the event's payload.
func (e TeamEvent) Type() EventType { return e.Payload.Type() }

// TeamPayload is the body of a team log event. The set is closed: every
// implementation is in this file.
type TeamPayload interface {
	Type() EventType
	check() error // the payload holds only what huddle would have made
}

// The payloads of a team's log.
type (
	// DecidedOutside is a decision taken outside a meeting.
	DecidedOutside struct {
		ID      int      `json:"id"`   // its number in the team's log, from 1
		Text    string   `json:"text"` // what was decided
		By      string   `json:"by"`   // the member who recorded it
		Present []string `json:"present"`
		Absent  []string `json:"absent,omitempty"`
	}
	// Acknowledged records that a member has seen a decision.
	Acknowledged struct {
		Decision string `json:"decision"` // the decision's ref (see LogEntry.Ref)
		Who      string `json:"who"`
	}
	// ReviewAsked records that a member who was absent for a decision
	// asks the team to review it.
	ReviewAsked struct {
		Decision string `json:"decision"`
		Who      string `json:"who"`
		Reason   string `json:"reason,omitempty"`
	}
	// UpdatePrepared is a stand-up update written beforehand by a member
	// who will miss the team's next stand-up. A later one replaces it.
	UpdatePrepared struct {
		Who       string   `json:"who"`
		Yesterday string   `json:"yesterday,omitempty"`
		Today     string   `json:"today,omitempty"`
		Blockers  []string `json:"blockers,omitempty"`
	}
	// WentAway records an excused absence: the member will miss the
	// team's sessions from From to Until, both days included (YYYY-MM-DD,
	// in the server's time zone). An empty Until takes back the member's
	// earlier absences that have not ended.
	WentAway struct {
		Who   string `json:"who"`
		From  string `json:"from,omitempty"`
		Until string `json:"until,omitempty"`
	}
	// ActionMarkedDone closes an action item between meetings: done.
	ActionMarkedDone struct {
		Action string `json:"action"` // the item's ref, SESSION/aN
		Who    string `json:"who"`    // the member who closed it
		Note   string `json:"note,omitempty"`
	}
	// ActionReassigned gives an open action item to another member.
	ActionReassigned struct {
		Action string `json:"action"`
		Who    string `json:"who"`
		To     string `json:"to"` // the new owner, a roster name
	}
	// ActionDueChanged moves an open action item's due day (YYYY-MM-DD,
	// in the server's time zone).
	ActionDueChanged struct {
		Action string `json:"action"`
		Who    string `json:"who"`
		Due    string `json:"due"`
	}
	// ActionDroppedOutside drops an open action item between meetings.
	ActionDroppedOutside struct {
		Action string `json:"action"`
		Who    string `json:"who"`
		Note   string `json:"note,omitempty"`
	}
)

func (*DecidedOutside) Type() EventType { return "decided" }
func (*Acknowledged) Type() EventType   { return "acknowledged" }
func (*ReviewAsked) Type() EventType    { return "review-asked" }
func (*UpdatePrepared) Type() EventType { return "update-prepared" }
func (*WentAway) Type() EventType       { return "went-away" }

func (*ActionMarkedDone) Type() EventType     { return "action-done" }
func (*ActionReassigned) Type() EventType     { return "action-reassigned" }
func (*ActionDueChanged) Type() EventType     { return "action-due-changed" }
func (*ActionDroppedOutside) Type() EventType { return "action-dropped" }

var teamPayloadTypes = map[EventType]func() TeamPayload{
	"decided":         func() TeamPayload { return new(DecidedOutside) },
	"acknowledged":    func() TeamPayload { return new(Acknowledged) },
	"review-asked":    func() TeamPayload { return new(ReviewAsked) },
	"update-prepared": func() TeamPayload { return new(UpdatePrepared) },
	"went-away":       func() TeamPayload { return new(WentAway) },

	"action-done":        func() TeamPayload { return new(ActionMarkedDone) },
	"action-reassigned":  func() TeamPayload { return new(ActionReassigned) },
	"action-due-changed": func() TeamPayload { return new(ActionDueChanged) },
	"action-dropped":     func() TeamPayload { return new(ActionDroppedOutside) },
}

// DecodeTeamPayload rebuilds a team log payload from its type name and
// JSON body; an unknown type, a malformed body or one with a field the
// type does not have is an ErrInvalid error.
func DecodeTeamPayload(t EventType, data []byte) (TeamPayload, error) {
	newP, ok := teamPayloadTypes[t]
	if !ok {
		return nil, fmt.Errorf("%w: unknown team log event type %q", ErrInvalid, Printable(string(t)))
	}
	p := newP()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("%w: decode %s: %s", ErrInvalid, t, Printable(err.Error()))
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: decode %s: more after the payload", ErrInvalid, t)
	}
	return p, nil
}

// TeamLogStore keeps teams' logs. The SQLite store implements it; a store
// without it has no team logs (deciding outside a meeting, acknowledging,
// preparing updates and going away are refused).
type TeamLogStore interface {
	// AppendTeamLog adds events to a team's log, all or nothing. The first
	// event's Seq must follow the last stored one and the rest must be
	// contiguous, else ErrConflict.
	AppendTeamLog(ctx context.Context, team string, events ...TeamEvent) error
	// TeamLog returns a team's log in order; empty for a team without one.
	TeamLog(ctx context.Context, team string) ([]TeamEvent, error)
}

// teamLogOf returns the store's team logs, or an error saying there are none.
func teamLogOf(st Store) (TeamLogStore, error) {
	if tl, ok := st.(TeamLogStore); ok {
		return tl, nil
	}
	return nil, fmt.Errorf("%w: this store keeps no team log", ErrInvalid)
}

// ValidateTeamLog checks a team's log as a reader of a record must:
// sequence numbers 1, 2, 3, …, times that never go back, text as huddle
// cleans it, and references that are well formed. It wraps ErrInvalid.
func ValidateTeamLog(events []TeamEvent) error {
	ids := map[int]bool{}
	for i, e := range events {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%w: team log event %d: %s", ErrInvalid, i+1, fmt.Sprintf(format, args...))
		}
		switch {
		case e.Seq != int64(i+1):
			return bad("seq %d, want %d", e.Seq, i+1)
		case e.Payload == nil:
			return bad("no payload")
		case e.Time.IsZero():
			return bad("no time")
		case i > 0 && e.Time.Before(events[i-1].Time):
			return bad("its time is earlier than the event before")
		case !cleanID(e.Actor):
			return bad("actor %q is not one huddle makes", Printable(string(e.Actor)))
		}
		if err := e.Payload.check(); err != nil {
			return bad("%v", err)
		}
		if d, ok := e.Payload.(*DecidedOutside); ok {
			if ids[d.ID] {
				return bad("decision %d is there twice", d.ID)
			}
			ids[d.ID] = true
		}
	}
	return nil
}

func cleanID(id ParticipantID) bool {
	s := string(id)
	name, ok := strings.CutPrefix(s, "roster:")
	if !ok {
		name, ok = strings.CutPrefix(s, "local:")
	}
	return ok && name != "" && CleanName(name) == name
}

func isName(s string) bool { return s != "" && CleanName(s) == s }

func isText(s string) bool { return CleanText(s, DefaultMaxText) == s }

func allNames(list []string) bool {
	return !slices.ContainsFunc(list, func(s string) bool { return !isName(s) })
}

var refPattern = regexp.MustCompile(`^([A-Za-z0-9_-]{1,64}/[pda][0-9]{1,9}|team/[0-9]{1,9})$`)

func (p *DecidedOutside) check() error {
	switch {
	case p.ID < 1:
		return errors.New("a decision's id must be at least 1")
	case p.Text == "" || !isText(p.Text):
		return errors.New("a decision's text is empty or not cleaned")
	case !isName(p.By) || !allNames(p.Present) || !allNames(p.Absent):
		return errors.New("a name is empty or not cleaned")
	}
	return nil
}

func (p *Acknowledged) check() error {
	if !refPattern.MatchString(p.Decision) || !isName(p.Who) {
		return errors.New("a bad decision ref or name")
	}
	return nil
}

func (p *ReviewAsked) check() error {
	if !refPattern.MatchString(p.Decision) || !isName(p.Who) || !isText(p.Reason) {
		return errors.New("a bad decision ref, name or reason")
	}
	return nil
}

func (p *UpdatePrepared) check() error {
	switch {
	case !isName(p.Who) || !isText(p.Yesterday) || !isText(p.Today):
		return errors.New("a name or text is empty or not cleaned")
	case slices.ContainsFunc(p.Blockers, func(s string) bool { return s == "" || !isText(s) }):
		return errors.New("a blocker is empty or not cleaned")
	case p.Yesterday == "" && p.Today == "" && len(p.Blockers) == 0:
		return errors.New("an empty update")
	}
	return nil
}

func (p *WentAway) check() error {
	if !isName(p.Who) {
		return errors.New("a bad name")
	}
	for _, d := range []string{p.From, p.Until} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return fmt.Errorf("day %q is not YYYY-MM-DD", Printable(d))
		}
	}
	if p.Until != "" && p.From > p.Until {
		return errors.New("the absence ends before it begins")
	}
	return nil
}

var actionRefPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}/a[0-9]{1,9}$`)

func checkActionChange(ref, who string) error {
	if !actionRefPattern.MatchString(ref) || !isName(who) {
		return errors.New("a bad action item ref or name")
	}
	return nil
}

func (p *ActionMarkedDone) check() error {
	if !isText(p.Note) {
		return errors.New("a note not cleaned")
	}
	return checkActionChange(p.Action, p.Who)
}

func (p *ActionDroppedOutside) check() error {
	if !isText(p.Note) {
		return errors.New("a note not cleaned")
	}
	return checkActionChange(p.Action, p.Who)
}

func (p *ActionReassigned) check() error {
	if !isName(p.To) {
		return errors.New("a bad new owner")
	}
	return checkActionChange(p.Action, p.Who)
}

func (p *ActionDueChanged) check() error {
	if _, err := time.Parse(time.DateOnly, p.Due); err != nil {
		return fmt.Errorf("day %q is not YYYY-MM-DD", Printable(p.Due))
	}
	return checkActionChange(p.Action, p.Who)
}

// fitText cleans free text a member typed for the team's log (a
// decision, a review's reason, a prepared update, an action item's note)
// as CleanText does, but refuses text longer than DefaultMaxText
// characters with a message that says so, rather than cutting it: the
// rest would be lost without a word (a long --today or a long prepared
// update read from standard input was cut at 280).
func fitText(what, s string) (string, error) {
	if n := utf8.RuneCountInString(CleanText(s, len(s)+1)); n > DefaultMaxText {
		return "", fmt.Errorf("%w: %s is %d characters long; at most %d fit", ErrInvalid, what, n, DefaultMaxText)
	}
	return CleanText(s, DefaultMaxText), nil
}

// appendTeamLog adds payloads to the team's log at now, as actor, taking
// the next sequence numbers (and trying again when another writer took
// them first).
func appendTeamLog(ctx context.Context, tl TeamLogStore, team string, actor ParticipantID, now time.Time, ps ...TeamPayload) ([]TeamEvent, error) {
	for range 5 {
		log, err := tl.TeamLog(ctx, team)
		if err != nil {
			return nil, err
		}
		if err := checkDailyWrites(log, actor, now, ps); err != nil {
			return nil, err
		}
		seq := int64(len(log))
		at := now.UTC()
		if seq > 0 && at.Before(log[seq-1].Time) {
			at = log[seq-1].Time // a log's times never go back
		}
		var evs []TeamEvent
		for _, p := range ps {
			if d, ok := p.(*DecidedOutside); ok && d.ID == 0 {
				d.ID = nextDecisionID(log) + countDecided(evs)
			}
			if err := p.check(); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
			}
			seq++
			evs = append(evs, TeamEvent{Seq: seq, Time: at, Actor: actor, Payload: p})
		}
		err = tl.AppendTeamLog(ctx, team, evs...)
		if errors.Is(err, ErrConflict) {
			continue
		}
		return evs, err
	}
	return nil, fmt.Errorf("%w: the team's log changed too often; try again", ErrConflict)
}

// MaxTeamLogPerDay bounds the entries one member writes to a team's log
// in 24 hours (decisions, reviews asked, prepared updates, absences,
// action item changes), so that a key in a loop cannot grow the log, which
// every one of these commands and every lobby reads whole, without end.
// Acknowledgements do not count: there are no more of them than decisions.
const MaxTeamLogPerDay = 100

func checkDailyWrites(log []TeamEvent, actor ParticipantID, now time.Time, ps []TeamPayload) error {
	counts := func(p TeamPayload) bool { _, ack := p.(*Acknowledged); return !ack }
	n := 0
	for _, p := range ps {
		if counts(p) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	since := now.UTC().Add(-24 * time.Hour)
	for _, e := range log {
		if e.Actor == actor && e.Time.After(since) && counts(e.Payload) {
			n++
		}
	}
	if n > MaxTeamLogPerDay {
		return fmt.Errorf("%w: at most %d entries in the team's log by one member in 24 hours; try again later", ErrLimit, MaxTeamLogPerDay)
	}
	return nil
}

func nextDecisionID(log []TeamEvent) int {
	n := 0
	for _, e := range log {
		if d, ok := e.Payload.(*DecidedOutside); ok {
			n = max(n, d.ID)
		}
	}
	return n + 1
}

func countDecided(evs []TeamEvent) int {
	n := 0
	for _, e := range evs {
		if _, ok := e.Payload.(*DecidedOutside); ok {
			n++
		}
	}
	return n
}

// TeamMember is who acts on a team's log for the caller: over SSH the
// roster name the caller's key is bound to; the operator of the data
// directory acts for the roster member named as (see Team.MemberOf).
// Anyone else is refused, with the same words as for a team that does not
// exist, so that a stranger learns nothing about the team.
func TeamMember(t Team, c Caller, as string) (string, error) {
	if c.Local {
		if as == "" {
			return "", fmt.Errorf("%w: say for whom with --as NAME (one of %s)", ErrInvalid, strings.Join(t.Members, ", "))
		}
		if !t.onRoster(as) {
			return "", fmt.Errorf("%w: %s is not on the roster of %s (%s)", ErrNotFound, CleanName(as), t.Name, strings.Join(t.Members, ", "))
		}
		return t.rosterName(as), nil
	}
	if name, ok := t.MemberOf(c.Key); ok {
		return name, nil
	}
	return "", fmt.Errorf("%w: no team is called %q; the lobby (ssh without a command) lists your teams", ErrNotFound, t.Name)
}

// actorOf is the actor a team log event of the member is recorded with.
func actorOf(c Caller, member string) ParticipantID {
	if c.Local {
		return ParticipantID("local:" + member)
	}
	return RosterID(member)
}

// TeamLogRewriter is a TeamLogStore that can replace a team's log, as
// forgetting a person needs. What was replaced may not stay behind in the
// store's files.
type TeamLogRewriter interface {
	RewriteTeamLog(ctx context.Context, team string, events []TeamEvent) error
}

// forgetTeamLog replaces the person in the team's log (see ForgetPerson).
func (f *forgetter) forgetTeamLog(ctx context.Context, st Store, team string) error {
	tl, ok := st.(TeamLogStore)
	if !ok {
		return nil
	}
	log, err := tl.TeamLog(ctx, team)
	if err != nil || len(log) == 0 {
		return err
	}
	changed := false
	for i := range log {
		e := &log[i]
		before, _ := json.Marshal(e.Payload)
		actor := e.Actor
		if kind, rest, _ := strings.Cut(string(e.Actor), ":"); f.is(rest) {
			actor = ParticipantID(kind + ":" + f.pseudonym)
		}
		name := func(s *string) {
			if f.is(*s) {
				*s = f.pseudonym
			}
		}
		switch p := e.Payload.(type) {
		case *DecidedOutside:
			p.Text = f.text(p.Text)
			name(&p.By)
			p.Present, p.Absent = f.names(p.Present), f.names(p.Absent)
		case *Acknowledged:
			name(&p.Who)
		case *ReviewAsked:
			name(&p.Who)
			p.Reason = f.text(p.Reason)
		case *UpdatePrepared:
			name(&p.Who)
			p.Yesterday, p.Today, p.Blockers = f.text(p.Yesterday), f.text(p.Today), f.texts(p.Blockers)
		case *WentAway:
			name(&p.Who)
		case *ActionMarkedDone:
			name(&p.Who)
			p.Note = f.text(p.Note)
		case *ActionDroppedOutside:
			name(&p.Who)
			p.Note = f.text(p.Note)
		case *ActionReassigned:
			name(&p.Who)
			name(&p.To)
		case *ActionDueChanged:
			name(&p.Who)
		}
		after, _ := json.Marshal(e.Payload)
		if actor != e.Actor || !bytes.Equal(before, after) {
			e.Actor, changed = actor, true
		}
	}
	if !changed {
		return nil
	}
	rw, ok := st.(TeamLogRewriter)
	if !ok {
		return fmt.Errorf("%w: this store cannot rewrite a team's log", ErrInvalid)
	}
	return rw.RewriteTeamLog(ctx, team, log)
}
