package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// "What you missed" inside a session: a member who comes to the team's
// session sees what happened without them (MissedBy) and acknowledges it
// with one key; a retrospective's review phase confirms or reopens the
// decisions taken with people absent (State.Review). Both are events of
// the session, added in version 2 of the record (see docs/record.md);
// acknowledging is also written to the team's log by the Room, so that
// the decision log knows who has seen what.

// The payloads of what a session does with the decision log.
type (
	// MissedAcknowledged records that a member who came has seen what
	// they missed: the refs of the decisions the screen showed them
	// (none: it showed only outcomes, action items or agreements). The
	// session's state does not change; the Room writes an acknowledged
	// event for each decision to the team's log.
	MissedAcknowledged struct {
		Who       Person   `json:"who"`
		Decisions []string `json:"decisions"`
	}
	// DecisionReviewed records what a retrospective's review made of a
	// decision on its review list: confirmed, or reopened to be taken
	// again. A later one for the same decision replaces it.
	DecisionReviewed struct {
		Decision string        `json:"decision"`
		Outcome  ReviewOutcome `json:"outcome,omitempty"` // never empty in a valid session (Validate); omitted when it is, so that what decodes encodes back the same
	}
)

// ReviewOutcome is what a retrospective made of a decision on its review
// list (LogEntry.Outcome).
type ReviewOutcome string

// The outcomes of a decision's review.
const (
	Confirmed ReviewOutcome = "confirmed"
	Reopened  ReviewOutcome = "reopened"
)

// UnmarshalText implements encoding.TextUnmarshaler: an outcome huddle
// does not know is refused.
func (o *ReviewOutcome) UnmarshalText(b []byte) error {
	switch v := ReviewOutcome(b); v {
	case Confirmed, Reopened:
		*o = v
		return nil
	}
	return fmt.Errorf("%w: unknown review outcome %q (want confirmed or reopened)", ErrInvalid, Printable(string(b)))
}

func init() {
	register("missed-acknowledged", func() *MissedAcknowledged { return new(MissedAcknowledged) })
	register("decision-reviewed", func() *DecisionReviewed { return new(DecisionReviewed) })
}

func (*MissedAcknowledged) Type() EventType { return "missed-acknowledged" }
func (*DecisionReviewed) Type() EventType   { return "decision-reviewed" }

func (*MissedAcknowledged) apply(*State, Event) {}

func (p *DecisionReviewed) apply(s *State, _ Event) {
	if i := slices.IndexFunc(s.Review, func(e LogEntry) bool { return e.Ref == p.Decision }); i >= 0 {
		s.Review[i].Outcome = p.Outcome
	}
}

// MaxAcknowledged bounds the decisions one acknowledgement names.
const MaxAcknowledged = 1000

// The commands of "what you missed".
type (
	// AcknowledgeMissed records that the participant Who (empty: the
	// actor) has seen what they missed: the decisions named in Refs (as
	// MissedBy gave them). Who must be a roster member who is here. A
	// member acknowledges for themselves; the facilitator does it for a
	// member marked present by name (at the shared keyboard, or someone
	// in the room without a screen of their own), never for one who
	// joined with their own key.
	AcknowledgeMissed struct {
		Who  ParticipantID
		Refs []string
	}
	// ReviewDecision confirms or reopens a decision on a retrospective's
	// review list, during the review phase. Facilitator only.
	ReviewDecision struct {
		Decision string
		Outcome  ReviewOutcome
	}
)

func (c AcknowledgeMissed) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	who := cmpOr(c.Who, a.ID)
	p, ok := s.Participant(who)
	switch {
	case !ok || p.Removed:
		return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, who)
	case who != a.ID && (a.Role != Facilitator || p.Key != ""):
		return nil, fmt.Errorf("%w: only %s can acknowledge what %s missed", ErrForbidden, p.Name, p.Name)
	case !p.Expected || p.Role == Observer:
		return nil, fmt.Errorf("%w: %s is not a member of the team: there is nothing to acknowledge", ErrInvalid, p.Name)
	case !p.Present:
		return nil, fmt.Errorf("%w: %s is not here", ErrConflict, p.Name)
	case len(c.Refs) > MaxAcknowledged:
		return nil, fmt.Errorf("%w: at most %d decisions at once", ErrLimit, MaxAcknowledged)
	}
	refs := []string{}
	for _, r := range c.Refs {
		if !refPattern.MatchString(r) {
			return nil, fmt.Errorf("%w: %q is not a decision's ref", ErrInvalid, Printable(CleanName(r)))
		}
		if !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	return []Payload{&MissedAcknowledged{Who: p.Person(), Decisions: refs}}, nil
}

func cmpOr(id, or ParticipantID) ParticipantID {
	if id == "" {
		return or
	}
	return id
}

func (c ReviewDecision) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := inRetroPhase(s, "reviewing decisions", Review); err != nil {
		return nil, err
	}
	if err := facilitatorOnly(a, "confirm or reopen a decision"); err != nil {
		return nil, err
	}
	if c.Outcome != Confirmed && c.Outcome != Reopened {
		return nil, fmt.Errorf("%w: a decision is confirmed or reopened", ErrInvalid)
	}
	i := slices.IndexFunc(s.Review, func(e LogEntry) bool { return e.Ref == c.Decision })
	switch {
	case i < 0:
		return nil, fmt.Errorf("%w: %q is not on this retrospective's review list", ErrNotFound, Printable(CleanName(c.Decision)))
	case s.Review[i].Outcome == c.Outcome:
		return nil, nil // pressed twice: nothing changes
	}
	return []Payload{&DecisionReviewed{Decision: c.Decision, Outcome: c.Outcome}}, nil
}

// validateReview checks the outcomes of the review list (see
// State.Validate).
func (s *State) validateReview() error {
	for _, e := range s.Review {
		if e.Outcome != "" && e.Outcome != Confirmed && e.Outcome != Reopened {
			return invalidState("decision %q has the review outcome %q", e.Ref, e.Outcome)
		}
		if e.Reviewed != nil {
			return invalidState("decision %q on the review list carries an earlier review", e.Ref)
		}
	}
	return nil
}

// acknowledgeInLog writes to the team's log that the member has seen the
// decisions named, leaving out those the log does not have and those the
// member saw already. actor is who the log records: the member over SSH,
// or local:NAME for whoever acted for them at a keyboard. A store without
// team logs, or a team that is gone, records nothing.
func acknowledgeInLog(ctx context.Context, st Store, team string, actor ParticipantID, who string, refs []string, now time.Time) error {
	tl, ok := st.(TeamLogStore)
	if !ok || len(refs) == 0 {
		return nil
	}
	t, err := st.Team(ctx, team)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	h, err := LoadTeamHistory(ctx, st, t)
	if err != nil {
		return err
	}
	var ps []TeamPayload
	for _, e := range h.Decisions() {
		if slices.Contains(refs, e.Ref) && !e.SeenBy(who) {
			ps = append(ps, &Acknowledged{Decision: e.Ref, Who: who})
		}
	}
	if len(ps) == 0 {
		return nil
	}
	_, err = appendTeamLog(ctx, tl, team, actor, now, ps...)
	return err
}

// acknowledged writes the acknowledgements among the payloads to the
// team's log. r.mu is held.
func (r *Room) acknowledged(payloads []Payload, now time.Time) {
	for _, p := range payloads {
		a, ok := p.(*MissedAcknowledged)
		if !ok || len(a.Decisions) == 0 {
			continue
		}
		pt, _ := r.state.Participant(a.Who.ID)
		actor := ParticipantID("local:" + a.Who.Name)
		if pt.Key != "" {
			actor = RosterID(a.Who.Name)
		}
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		if err := acknowledgeInLog(ctx, r.store, r.state.Config.Team, actor, a.Who.Name, a.Decisions, now); err != nil {
			r.onErr(fmt.Errorf("write %s's acknowledgement to the log of %s: %w", a.Who.Name, r.state.Config.Team, err))
		}
		cancel()
	}
}

// Missed is what the member (a roster name) missed before this session:
// what the screen that greets them when they come shows (see MissedBy).
func (r *Room) Missed(member string) (Missed, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	return MissedBy(ctx, r.store, r.team(), member, r.id)
}

// Unseen is, for the facilitator, the team's decisions that a member of
// its roster was absent for and has not acknowledged, by member, in the
// order of the roster (members with none left out).
func (r *Room) Unseen() ([]MemberUnseen, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	t, err := r.store.Team(ctx, r.team())
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	h, err := LoadTeamHistory(ctx, r.store, t)
	if err != nil {
		return nil, err
	}
	return UnseenBy(h.Decisions(), t.Members), nil
}

// MemberUnseen is a member with the decisions they have not seen.
type MemberUnseen struct {
	Member    string
	Decisions []LogEntry
}

// UnseenBy groups the decisions by the roster members who have not seen
// them (LogEntry.Unseen), in the order of the roster.
func UnseenBy(entries []LogEntry, roster []string) []MemberUnseen {
	var out []MemberUnseen
	for _, m := range roster {
		var es []LogEntry
		for _, e := range entries {
			if slices.ContainsFunc(e.Unseen([]string{m}), func(s string) bool { return strings.EqualFold(s, m) }) {
				es = append(es, e)
			}
		}
		if len(es) > 0 {
			out = append(out, MemberUnseen{Member: m, Decisions: es})
		}
	}
	return out
}

// team is the session's team; the config never changes.
func (r *Room) team() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state.Config.Team
}
