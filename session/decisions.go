package session

// This file is a little over 500 lines on purpose: the decision log is
// computed here from the team log and every session of the team (each
// source of a decision, who was there, who has seen it, its review), and
// the refs that name its entries; split, the sources would drift apart.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Where a decision in a team's decision log comes from.
const (
	FromParkingLot = "parking-lot" // a parked topic resolved with a decision
	FromRetro      = "retro"       // a decision on a retrospective's topic
	FromAction     = "action"      // an action item agreed in a session
	FromOutside    = "outside"     // taken outside a meeting (Decided)
)

// LogEntry is one decision in a team's decision log.
type LogEntry struct {
	// Ref names the decision for good: SESSION/pN (the parking-lot item
	// N of the session where it was decided), SESSION/dN (the N-th
	// decision of a retrospective, from 1), SESSION/aN (action item N),
	// or team/N (the N-th decision taken outside a meeting).
	Ref     string    `json:"ref"`
	Source  string    `json:"source"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
	Session string    `json:"session,omitempty"` // the session's id; empty outside a meeting
	Kind    Kind      `json:"kind,omitempty"`    // the session's kind
	By      string    `json:"by,omitempty"`      // outside a meeting: who recorded it
	Owner   string    `json:"owner,omitempty"`   // an action item's owner
	Due     time.Time `json:"due,omitzero"`      // an action item's due day
	Present []string  `json:"present"`
	Absent  []string  `json:"absent"`
	Seen    []Seen    `json:"seen"`    // acknowledgements, in order
	Reviews []Seen    `json:"reviews"` // requests for review, in order
	// Outcome is, on a retrospective's review list (State.Review), what
	// its review made of the decision (see DecisionReviewed); in the
	// decision log, what the last retrospective that reviewed it made of
	// it (Reviewed says who, when and where).
	Outcome ReviewOutcome `json:"outcome,omitempty"`
	// Reviewed is, in the decision log, the last review of the decision
	// in a retrospective; nil if none reviewed it, and always nil on a
	// review list.
	Reviewed *Reviewed `json:"reviewed,omitempty"`
}

// Reviewed is what a retrospective's review made of a decision of the
// log: the outcome, the facilitator who recorded it, when, and in which
// retrospective (its session id).
type Reviewed struct {
	Outcome ReviewOutcome `json:"outcome"`
	By      string        `json:"by"`
	At      time.Time     `json:"at"`
	Session string        `json:"session"`
}

// Seen is a member's acknowledgement of a decision, or their request to
// review it (with a reason).
type Seen struct {
	Who    string    `json:"who"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// ShortRef is the ref as people type it: the session's id cut to six
// characters (any unique beginning of a ref finds it, see FindDecision).
func (e LogEntry) ShortRef() string {
	sid, rest, ok := strings.Cut(e.Ref, "/")
	if !ok || sid == "team" || len(sid) <= 6 {
		return e.Ref
	}
	return sid[:6] + "/" + rest
}

// WasThere reports whether the member was present for the decision.
func (e LogEntry) WasThere(member string) bool { return hasName(e.Present, member) }

// SeenBy reports whether the member has acknowledged the decision.
func (e LogEntry) SeenBy(member string) bool {
	return slices.ContainsFunc(e.Seen, func(s Seen) bool { return strings.EqualFold(s.Who, member) })
}

// Unseen returns the members of the roster who were not there and have not
// acknowledged the decision: who the facilitator still has to tell.
func (e LogEntry) Unseen(roster []string) []string {
	var out []string
	for _, m := range roster {
		if !e.WasThere(m) && !e.SeenBy(m) {
			out = append(out, m)
		}
	}
	return out
}

func hasName(list []string, name string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, name) })
}

// SessionEvents is one session of a team with its events.
type SessionEvents struct {
	Info   Info
	Events []Event
}

// TeamHistory is everything a team's decision log and "what you missed"
// are computed from: the team, its sessions and its log.
type TeamHistory struct {
	Team     Team
	Sessions []SessionEvents // oldest first
	Log      []TeamEvent
}

// LoadTeamHistory reads a team's history from the store. A store without
// team logs gives an empty log.
func LoadTeamHistory(ctx context.Context, st Store, team Team) (TeamHistory, error) {
	h := TeamHistory{Team: team}
	infos, err := st.Sessions(ctx, Filter{Team: team.Name})
	if err != nil {
		return h, err
	}
	for _, info := range slices.Backward(infos) {
		evs, err := st.Events(ctx, info.ID)
		if err != nil {
			return h, err
		}
		h.Sessions = append(h.Sessions, SessionEvents{Info: info, Events: evs})
	}
	if tl, ok := st.(TeamLogStore); ok {
		if h.Log, err = tl.TeamLog(ctx, team.Name); err != nil {
			return h, err
		}
	}
	return h, nil
}

// sessionRef is the ref of something of a session.
func sessionRef(id string, kind byte, n int) string { return id + "/" + string(kind) + strconv.Itoa(n) }

// Decisions returns the team's decision log, oldest first: the decisions
// of its sessions' parking lots and retrospectives, the action items
// agreed in them, and the decisions taken outside a meeting, each with
// who was there, who was not, who has seen it since, who asked for it to
// be reviewed and what the last retrospective that reviewed it made of
// it.
func (h TeamHistory) Decisions() []LogEntry {
	var out []LogEntry
	var reviewed []reviewedRef
	for _, se := range h.Sessions {
		s := &State{ID: se.Info.ID}
		for _, e := range se.Events {
			s.Apply(e)
			base := LogEntry{Session: se.Info.ID, Kind: s.Config.Kind, At: e.Time}
			switch p := e.Payload.(type) {
			case *DecisionReviewed:
				by, _ := s.Participant(e.Actor)
				reviewed = append(reviewed, reviewedRef{p.Decision, Reviewed{Outcome: p.Outcome, By: by.Name, At: e.Time, Session: se.Info.ID}})
				continue
			case *Resolved:
				if p.Status != Decided {
					continue
				}
				it, _ := s.Item(p.Item)
				base.Ref, base.Source, base.Text = sessionRef(se.Info.ID, 'p', p.Item), FromParkingLot, it.Topic
				if p.Note != "" {
					base.Text = it.Topic + ": " + p.Note
				}
				base.Present, base.Absent = slices.Clone(p.Present), slices.Clone(p.Absent)
			case *DecisionRecorded:
				base.Ref, base.Source, base.Text = sessionRef(se.Info.ID, 'd', len(s.Decisions)), FromRetro, p.Decision.Text
				base.Present, base.Absent = slices.Clone(p.Decision.Present), slices.Clone(p.Decision.Absent)
			case *ActionAdded:
				base.Ref, base.Source, base.Text = sessionRef(se.Info.ID, 'a', p.Action.ID), FromAction, p.Action.Text
				base.Owner, base.Due = p.Action.Owner.Name, p.Action.Due
				base.Present, base.Absent = s.whoIsHere()
			default:
				continue
			}
			out = append(out, base)
		}
	}
	for _, e := range h.Log {
		if d, ok := e.Payload.(*DecidedOutside); ok {
			out = append(out, LogEntry{Ref: "team/" + strconv.Itoa(d.ID), Source: FromOutside, Text: d.Text, At: e.Time,
				By: d.By, Present: slices.Clone(d.Present), Absent: slices.Clone(d.Absent)})
		}
	}
	sortEntries(out)
	at := make(map[string]int, len(out))
	for i := range out {
		at[out[i].Ref] = i
		out[i].Present, out[i].Absent = nonNil(out[i].Present), nonNil(out[i].Absent)
		out[i].Seen, out[i].Reviews = []Seen{}, []Seen{}
	}
	for _, e := range h.Log {
		switch p := e.Payload.(type) {
		case *Acknowledged:
			if i, ok := at[p.Decision]; ok && !out[i].SeenBy(p.Who) {
				out[i].Seen = append(out[i].Seen, Seen{Who: p.Who, At: e.Time})
			}
		case *ReviewAsked:
			if i, ok := at[p.Decision]; ok {
				out[i].Reviews = append(out[i].Reviews, Seen{Who: p.Who, At: e.Time, Reason: p.Reason})
			}
		}
	}
	for _, r := range reviewed { // in the order of the sessions: the last one stands
		if i, ok := at[r.ref]; ok {
			out[i].Outcome, out[i].Reviewed = r.Outcome, &r.Reviewed
		}
	}
	return out
}

// reviewedRef is a review's outcome for the decision ref.
type reviewedRef struct {
	ref string
	Reviewed
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DecidedSince keeps the entries at or after t.
func DecidedSince(entries []LogEntry, t time.Time) []LogEntry {
	return slices.DeleteFunc(slices.Clone(entries), func(e LogEntry) bool { return e.At.Before(t) })
}

// FindDecision finds the entry a typed ref names: a whole ref, or the
// beginning of one's session id with its /pN, /dN or /aN (as ShortRef
// writes it). A ref that names none, or several, is an error.
func FindDecision(entries []LogEntry, ref string) (LogEntry, error) {
	ref = strings.TrimSpace(ref)
	var found []LogEntry
	for _, e := range entries {
		if e.Ref == ref {
			return e, nil
		}
		sid, rest, _ := strings.Cut(e.Ref, "/")
		tsid, trest, ok := strings.Cut(ref, "/")
		if ok && trest == rest && tsid != "" && strings.HasPrefix(sid, tsid) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return LogEntry{}, fmt.Errorf("%w: no decision of the team is %q; the decision log lists them", ErrNotFound, Printable(CleanName(ref)))
	}
	return LogEntry{}, fmt.Errorf("%w: %q names %d decisions; type more of it", ErrInvalid, Printable(CleanName(ref)), len(found))
}

// Outcome is a parked topic that got an outcome.
type Outcome struct {
	Item    Item
	At      time.Time
	Session string
}

// Missed is what happened in a team without one of its members.
type Missed struct {
	Member string
	// Since is the end of the last session the member took part in
	// (before the one they are joining); zero if they never took part.
	Since time.Time
	// Decisions taken without the member (before they ever took part,
	// too) that they have not acknowledged.
	Decisions []LogEntry
	// Outcomes: parked topics that got an outcome (other than a decision,
	// which is among Decisions) since, while the member was not there.
	Outcomes []Outcome
	// Actions: action items given to the member since, while they were
	// not there.
	Actions []Action
	// Added and Removed are how the team's working agreements changed
	// since the last session the member took part in: all of them if
	// they never did.
	Added, Removed []string
}

// Empty reports whether the member missed nothing.
func (m Missed) Empty() bool {
	return len(m.Decisions)+len(m.Outcomes)+len(m.Actions)+len(m.Added)+len(m.Removed) == 0
}

// Missed returns what the member (a roster name) missed before joining the
// session current (its id; empty: none). That session does not count as
// one they took part in, but what it decided without them does.
func (h TeamHistory) Missed(member, current string) Missed {
	m := Missed{Member: member}
	var lastAgreements []string
	attended := false
	for _, se := range h.Sessions {
		if se.Info.ID == current {
			continue
		}
		s := Fold(se.Info.ID, se.Events)
		if p, ok := byName(s, member); ok && !p.Arrived.IsZero() && p.Role != Observer {
			attended = true
			end := s.Ended
			if end.IsZero() && len(se.Events) > 0 {
				end = se.Events[len(se.Events)-1].Time
			}
			if end.After(m.Since) {
				m.Since, lastAgreements = end, s.Config.Agreements
			}
		}
	}
	for _, e := range h.Decisions() {
		if !e.WasThere(member) && !e.SeenBy(member) {
			m.Decisions = append(m.Decisions, e)
		}
	}
	for _, se := range h.Sessions {
		s := &State{ID: se.Info.ID}
		for _, e := range se.Events {
			s.Apply(e)
			if !e.Time.After(m.Since) {
				continue
			}
			if p, ok := byName(s, member); ok && p.Present {
				continue
			}
			switch p := e.Payload.(type) {
			case *Resolved:
				if p.Status != Decided && p.Status != Open {
					it, _ := s.Item(p.Item)
					m.Outcomes = append(m.Outcomes, Outcome{Item: it, At: e.Time, Session: se.Info.ID})
				}
			case *ActionAdded:
				if strings.EqualFold(p.Action.Owner.Name, member) {
					m.Actions = append(m.Actions, p.Action)
				}
			}
		}
	}
	now := h.Team.Agreements
	if !attended {
		m.Added = slices.Clone(now)
		return m
	}
	for _, a := range now {
		if !hasName(lastAgreements, a) {
			m.Added = append(m.Added, a)
		}
	}
	for _, a := range lastAgreements {
		if !hasName(now, a) {
			m.Removed = append(m.Removed, a)
		}
	}
	return m
}

// byName finds a session's participant by display name, ignoring case.
func byName(s *State, name string) (Participant, bool) {
	for _, p := range s.Participants {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Participant{}, false
}

// ReviewList is what a retrospective's review phase shows of the decision
// log: decisions taken while members were absent, and those a member asked
// to review, oldest first.
func (h TeamHistory) ReviewList() []LogEntry {
	return slices.DeleteFunc(h.Decisions(), func(e LogEntry) bool { return len(e.Absent) == 0 && len(e.Reviews) == 0 })
}

// DecideOutside records a decision taken outside a meeting, by the member for the
// caller (see TeamMember), with the members named in with there as well;
// the rest of the roster was absent.
func DecideOutside(ctx context.Context, st Store, t Team, c Caller, as, text string, with []string, now time.Time) (LogEntry, error) {
	tl, err := teamLogOf(st)
	if err != nil {
		return LogEntry{}, err
	}
	who, err := TeamMember(t, c, as)
	if err != nil {
		return LogEntry{}, err
	}
	if text, err = fitText("the decision", text); err != nil {
		return LogEntry{}, err
	}
	if text == "" {
		return LogEntry{}, fmt.Errorf("%w: say what was decided", ErrInvalid)
	}
	present := []string{who}
	for _, w := range with {
		if w = CleanName(w); w == "" {
			continue
		}
		if !t.onRoster(w) {
			return LogEntry{}, fmt.Errorf("%w: %s is not on the roster of %s", ErrNotFound, w, t.Name)
		}
		if !hasName(present, w) {
			present = append(present, t.rosterName(w))
		}
	}
	var absent []string
	for _, m := range t.Members {
		if !hasName(present, m) {
			absent = append(absent, m)
		}
	}
	d := &DecidedOutside{Text: text, By: who, Present: present, Absent: absent}
	evs, err := appendTeamLog(ctx, tl, t.Name, actorOf(c, who), now, d)
	if err != nil {
		return LogEntry{}, err
	}
	return LogEntry{Ref: "team/" + strconv.Itoa(d.ID), Source: FromOutside, Text: text, At: evs[0].Time, By: who,
		Present: present, Absent: nonNil(absent), Seen: []Seen{}, Reviews: []Seen{}}, nil
}

// Acknowledge records that the member for the caller has seen the named
// decisions, or with all every decision they missed. It returns the
// decisions it recorded as seen (none: nothing was left to see).
func Acknowledge(ctx context.Context, st Store, t Team, c Caller, as string, refs []string, all bool, now time.Time) ([]LogEntry, error) {
	tl, err := teamLogOf(st)
	if err != nil {
		return nil, err
	}
	who, err := TeamMember(t, c, as)
	if err != nil {
		return nil, err
	}
	if !all && len(refs) == 0 {
		return nil, fmt.Errorf("%w: name the decisions to acknowledge, or --all", ErrInvalid)
	}
	h, err := LoadTeamHistory(ctx, st, t)
	if err != nil {
		return nil, err
	}
	entries := h.Decisions()
	var todo []LogEntry
	if all {
		todo = h.Missed(who, "").Decisions
	}
	for _, r := range refs {
		e, err := FindDecision(entries, r)
		if err != nil {
			return nil, err
		}
		if !e.SeenBy(who) && !slices.ContainsFunc(todo, func(x LogEntry) bool { return x.Ref == e.Ref }) {
			todo = append(todo, e)
		}
	}
	if len(todo) == 0 {
		return nil, nil
	}
	ps := make([]TeamPayload, len(todo))
	for i, e := range todo {
		ps[i] = &Acknowledged{Decision: e.Ref, Who: who}
	}
	_, err = appendTeamLog(ctx, tl, t.Name, actorOf(c, who), now, ps...)
	return todo, err
}

// AskReview records that the member for the caller, who was absent for the
// decision, asks the team to review it. Someone who was there is refused:
// they can raise it in the next retrospective like anything else.
func AskReview(ctx context.Context, st Store, t Team, c Caller, as, ref, reason string, now time.Time) (LogEntry, error) {
	tl, err := teamLogOf(st)
	if err != nil {
		return LogEntry{}, err
	}
	who, err := TeamMember(t, c, as)
	if err != nil {
		return LogEntry{}, err
	}
	h, err := LoadTeamHistory(ctx, st, t)
	if err != nil {
		return LogEntry{}, err
	}
	e, err := FindDecision(h.Decisions(), ref)
	if err != nil {
		return LogEntry{}, err
	}
	if e.WasThere(who) {
		return LogEntry{}, fmt.Errorf("%w: %s was there when %s was decided; only those who were absent ask for a review", ErrForbidden, who, e.ShortRef())
	}
	if slices.ContainsFunc(e.Reviews, func(s Seen) bool { return strings.EqualFold(s.Who, who) }) {
		return e, fmt.Errorf("%w: %s asked for a review of %s already", ErrConflict, who, e.ShortRef())
	}
	if reason, err = fitText("the reason", reason); err != nil {
		return LogEntry{}, err
	}
	_, err = appendTeamLog(ctx, tl, t.Name, actorOf(c, who), now, &ReviewAsked{Decision: e.Ref, Who: who, Reason: reason})
	return e, err
}

// sortEntries orders entries by time, then ref.
func sortEntries(es []LogEntry) {
	slices.SortStableFunc(es, func(a, b LogEntry) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Ref, b.Ref))
	})
}

// MissedBy returns what the roster member missed in the team before the
// session current (its id): what the screen that greets them when they
// join shows. A team that does not exist, or a name not on its roster,
// missed nothing (a guest has no team history).
func MissedBy(ctx context.Context, st Store, team, member, current string) (Missed, error) {
	t, err := st.Team(ctx, team)
	if errors.Is(err, ErrNotFound) || (err == nil && !t.onRoster(member)) {
		return Missed{Member: member}, nil
	}
	if err != nil {
		return Missed{}, err
	}
	h, err := LoadTeamHistory(ctx, st, t)
	if err != nil {
		return Missed{}, err
	}
	return h.Missed(t.rosterName(member), current), nil
}
