package session

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Action items between meetings: members close, drop, reassign and move
// the due day of a team's open action items outside its sessions. Each
// change is an event of the team's log (action-done, action-dropped,
// action-reassigned, action-due-changed); the team's open items are those
// its latest session carries on, with the changes logged since it was
// opened applied (see TeamHistory.OpenActions). A new session carries
// them the same way, and lists the items closed between meetings as
// handled, so that a retrospective's review shows them as done already.

// What changed an action item between meetings (ActionChange.What).
const (
	ChangeDone       = "done"
	ChangeDropped    = "dropped"
	ChangeReassigned = "reassigned"
	ChangeDue        = "due"
)

// ActionChange is a change made to an action item between meetings.
type ActionChange struct {
	What string    `json:"what"` // done, dropped, reassigned or due
	By   string    `json:"by"`   // the member who made it
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"` // done, dropped: why or how
	To   string    `json:"to,omitempty"`   // reassigned: the new owner
	Due  string    `json:"due,omitempty"`  // due: the new day, YYYY-MM-DD
}

// Closing returns the change that closed the item between meetings, if
// one did.
func (a Action) Closing() (ActionChange, bool) {
	for _, c := range slices.Backward(a.Between) {
		if c.What == ChangeDone || c.What == ChangeDropped {
			return c, true
		}
	}
	return ActionChange{}, false
}

// ActionRef is the ref of an action item: SESSION/aN, where SESSION is
// the session that agreed it (as in the decision log).
func ActionRef(a Action) string { return sessionRef(a.Session, 'a', a.ID) }

// applyActionLog applies the changes the team's log made to action items
// at or after from to a copy of acts. Changes to items no longer open,
// or not in acts, change nothing.
func applyActionLog(acts []Action, log []TeamEvent, from time.Time, loc *time.Location) []Action {
	out := slices.Clone(acts)
	for _, e := range log {
		if e.Time.Before(from) {
			continue
		}
		var ref string
		c := ActionChange{At: e.Time}
		switch p := e.Payload.(type) {
		case *ActionMarkedDone:
			ref, c.What, c.By, c.Note = p.Action, ChangeDone, p.Who, p.Note
		case *ActionDroppedOutside:
			ref, c.What, c.By, c.Note = p.Action, ChangeDropped, p.Who, p.Note
		case *ActionReassigned:
			ref, c.What, c.By, c.To = p.Action, ChangeReassigned, p.Who, p.To
		case *ActionDueChanged:
			ref, c.What, c.By, c.Due = p.Action, ChangeDue, p.Who, p.Due
		default:
			continue
		}
		i := slices.IndexFunc(out, func(a Action) bool { return ActionRef(a) == ref })
		if i < 0 || !out[i].Carries() {
			continue
		}
		a := &out[i]
		switch c.What {
		case ChangeDone:
			a.Status = ActionDone
		case ChangeDropped:
			a.Status = ActionDropped
		case ChangeReassigned:
			a.Owner = Person{ID: RosterID(c.To), Name: c.To}
		case ChangeDue:
			d, err := time.ParseInLocation(time.DateOnly, c.Due, loc)
			if err != nil {
				continue
			}
			a.Due = d
		}
		a.Between = append(slices.Clone(a.Between), c)
	}
	return out
}

// ActionItem is an open action item of a team, as the actions command
// lists it.
type ActionItem struct {
	Ref     string         `json:"ref"`
	Text    string         `json:"text"`
	Owner   string         `json:"owner"`
	Due     time.Time      `json:"due,omitzero"`
	Agreed  time.Time      `json:"agreed"`  // when it was agreed
	Session string         `json:"session"` // the session that agreed it
	Kind    Kind           `json:"kind"`    // that session's kind
	Changes []ActionChange `json:"changes,omitempty"`
}

// ShortRef is the ref as people type it (see LogEntry.ShortRef).
func (a ActionItem) ShortRef() string { return LogEntry{Ref: a.Ref}.ShortRef() }

// Overdue reports whether the item's due day is before now's day in loc.
func (a ActionItem) Overdue(now time.Time, loc *time.Location) bool {
	return overdue(a.Due, now, loc)
}

// DueOn reports whether the item is due on now's day in loc.
func (a ActionItem) DueOn(now time.Time, loc *time.Location) bool {
	return !a.Due.IsZero() && a.Due.In(loc).Format(time.DateOnly) == now.In(loc).Format(time.DateOnly)
}

func overdue(due, now time.Time, loc *time.Location) bool {
	return !due.IsZero() && due.In(loc).Format(time.DateOnly) < now.In(loc).Format(time.DateOnly)
}

// OpenActions returns the team's open action items, oldest first: those
// its latest session carries on (as it stands, live or ended), with the
// changes the team's log made since that session was opened.
func (h TeamHistory) OpenActions(loc *time.Location) []ActionItem {
	if len(h.Sessions) == 0 {
		return nil
	}
	last := h.Sessions[len(h.Sessions)-1]
	acts := applyActionLog(Fold(last.Info.ID, last.Events).OpenActions(), h.Log, last.Info.Created, loc)
	agreed := map[string]LogEntry{}
	for _, e := range h.Decisions() {
		if e.Source == FromAction {
			agreed[e.Ref] = e
		}
	}
	var out []ActionItem
	for _, a := range acts {
		if !a.Carries() {
			continue
		}
		ref := ActionRef(a)
		e := agreed[ref]
		out = append(out, ActionItem{Ref: ref, Text: a.Text, Owner: a.Owner.Name, Due: a.Due, Agreed: e.At,
			Session: a.Session, Kind: e.Kind, Changes: slices.Clone(a.Between)})
	}
	slices.SortStableFunc(out, func(x, y ActionItem) int { return x.Agreed.Compare(y.Agreed) })
	return out
}

// FindAction finds the open item a typed ref names, as FindDecision does
// for decisions.
func FindAction(items []ActionItem, ref string) (ActionItem, error) {
	ref = strings.TrimSpace(ref)
	var found []ActionItem
	for _, a := range items {
		if a.Ref == ref {
			return a, nil
		}
		sid, rest, _ := strings.Cut(a.Ref, "/")
		tsid, trest, ok := strings.Cut(ref, "/")
		if ok && trest == rest && tsid != "" && strings.HasPrefix(sid, tsid) {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return ActionItem{}, fmt.Errorf("%w: no open action item of the team is %q; huddle actions lists them", ErrNotFound, Printable(CleanName(ref)))
	}
	return ActionItem{}, fmt.Errorf("%w: %q names %d action items; type more of it", ErrInvalid, Printable(CleanName(ref)), len(found))
}

// ActionCounts are a team's open action items and how many are overdue.
type ActionCounts struct{ Open, Overdue int }

// CountActions counts the team's open and overdue items at now.
func CountActions(items []ActionItem, now time.Time, loc *time.Location) ActionCounts {
	c := ActionCounts{Open: len(items)}
	for _, a := range items {
		if a.Overdue(now, loc) {
			c.Overdue++
		}
	}
	return c
}

// TeamActions reads the team's open action items from the store.
func TeamActions(ctx context.Context, st Store, t Team, loc *time.Location) ([]ActionItem, error) {
	h, err := LoadTeamHistory(ctx, st, t)
	if err != nil {
		return nil, err
	}
	return h.OpenActions(loc), nil
}

// ActionEdit is a change to an action item between meetings, as typed:
// What is done, dropped, reassigned or due; Note goes with done and
// dropped, To with reassigned, Due (YYYY-MM-DD) with due.
type ActionEdit struct {
	What, Ref, Note, To, Due string
}

// ChangeAction records a change to one of the team's open action items,
// by the member for the caller (see TeamMember). It returns the item as
// the change leaves it (a closed one as it was). An unknown or ambiguous ref, a new owner not
// on the roster or a bad day changes nothing.
func ChangeAction(ctx context.Context, st Store, t Team, c Caller, as string, ed ActionEdit, now time.Time, loc *time.Location) (ActionItem, error) {
	tl, err := teamLogOf(st)
	if err != nil {
		return ActionItem{}, err
	}
	who, err := TeamMember(t, c, as)
	if err != nil {
		return ActionItem{}, err
	}
	items, err := TeamActions(ctx, st, t, loc)
	if err != nil {
		return ActionItem{}, err
	}
	a, err := FindAction(items, ed.Ref)
	if err != nil {
		return ActionItem{}, err
	}
	var p TeamPayload
	note, err := fitText("the note", ed.Note)
	if err != nil {
		return a, err
	}
	switch ed.What {
	case ChangeDone:
		p = &ActionMarkedDone{Action: a.Ref, Who: who, Note: note}
	case ChangeDropped:
		p = &ActionDroppedOutside{Action: a.Ref, Who: who, Note: note}
	case ChangeReassigned:
		to := CleanName(ed.To)
		if !t.onRoster(to) {
			return a, fmt.Errorf("%w: %q is not on the roster of %s (%s)", ErrNotFound, Printable(to), t.Name, strings.Join(t.Members, ", "))
		}
		if to = t.rosterName(to); strings.EqualFold(to, a.Owner) {
			return a, fmt.Errorf("%w: %s owns %s already", ErrConflict, to, a.ShortRef())
		}
		p = &ActionReassigned{Action: a.Ref, Who: who, To: to}
		a.Owner = to
	case ChangeDue:
		d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(ed.Due), loc)
		if err != nil {
			return a, fmt.Errorf("%w: %q is not a day; write it as YYYY-MM-DD, like %s", ErrInvalid, Printable(CleanName(ed.Due)), now.In(loc).AddDate(0, 0, 7).Format(time.DateOnly))
		}
		p = &ActionDueChanged{Action: a.Ref, Who: who, Due: d.Format(time.DateOnly)}
		a.Due = d
	default:
		return a, fmt.Errorf("%w: an action item is done, dropped, reassigned or due, not %q", ErrInvalid, Printable(ed.What))
	}
	_, err = appendTeamLog(ctx, tl, t.Name, actorOf(c, who), now, p)
	return a, err
}

// actionsFor fills a new session's Actions: the open items of the team's
// previous session (prev, opened at from) with the changes the team's log
// made since; those closed between meetings stay on the list as handled.
// A retrospective also lists the items closed between meetings since the
// team's last retrospective that earlier sessions showed as handled.
func actionsFor(ctx context.Context, st Store, created *Created, prev *State, from time.Time, loc *time.Location) error {
	var acts []Action
	if prev != nil {
		acts = prev.OpenActions()
	}
	tl, ok := st.(TeamLogStore)
	if !ok {
		created.Actions = acts
		return nil
	}
	log, err := tl.TeamLog(ctx, created.Config.Team)
	if err != nil {
		return fmt.Errorf("read the team's log: %w", err)
	}
	if prev != nil {
		acts = applyActionLog(acts, log, from, loc)
	}
	if created.Config.Kind == Retro && slices.ContainsFunc(log, func(e TeamEvent) bool {
		t := e.Type()
		return t == "action-done" || t == "action-dropped"
	}) {
		handled, err := handledSinceRetro(ctx, st, created.Config.Team)
		if err != nil {
			return err
		}
		for _, a := range handled {
			if !slices.ContainsFunc(acts, func(x Action) bool { return x.ID == a.ID }) {
				acts = append(acts, a)
			}
		}
	}
	created.Actions = acts
	return nil
}

// handledSinceRetro returns the items closed between meetings that the
// sessions opened since the team's last retrospective listed as handled.
func handledSinceRetro(ctx context.Context, st Store, team string) ([]Action, error) {
	kind := Retro
	last, err := st.Sessions(ctx, Filter{Team: team, Kind: &kind, Limit: 1})
	if err != nil {
		return nil, err
	}
	var after time.Time
	if len(last) > 0 {
		after = last[0].Created
	}
	infos, err := st.Sessions(ctx, Filter{Team: team})
	if err != nil {
		return nil, err
	}
	var out []Action
	for _, info := range slices.Backward(infos) {
		if !info.Created.After(after) {
			continue
		}
		evs, err := st.Events(ctx, info.ID)
		if err != nil || len(evs) == 0 {
			return nil, err
		}
		cr, ok := evs[0].Payload.(*Created)
		if !ok {
			continue
		}
		for _, a := range cr.Actions {
			if c, ok := a.Closing(); ok && c.At.After(after) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// FilterActions keeps the items of the owner (a name, any case; empty:
// everyone's) and, with overdue, those overdue at now in loc.
func FilterActions(items []ActionItem, owner string, overdue bool, now time.Time, loc *time.Location) []ActionItem {
	owner = CleanName(owner)
	return slices.DeleteFunc(slices.Clone(items), func(a ActionItem) bool {
		return (owner != "" && !strings.EqualFold(a.Owner, owner)) || (overdue && !a.Overdue(now, loc))
	})
}

// CountTeamActions counts the team's open and overdue action items at now
// as TeamHistory.OpenActions finds them, reading only the team's latest
// session and its log (the lobby asks on every refresh).
func CountTeamActions(ctx context.Context, st Store, team string, now time.Time, loc *time.Location) (ActionCounts, error) {
	last, err := st.Sessions(ctx, Filter{Team: team, Limit: 1})
	if err != nil || len(last) == 0 {
		return ActionCounts{}, err
	}
	evs, err := st.Events(ctx, last[0].ID)
	if err != nil {
		return ActionCounts{}, err
	}
	var log []TeamEvent
	if tl, ok := st.(TeamLogStore); ok {
		if log, err = tl.TeamLog(ctx, team); err != nil {
			return ActionCounts{}, err
		}
	}
	var c ActionCounts
	for _, a := range applyActionLog(Fold(last[0].ID, evs).OpenActions(), log, last[0].Created, loc) {
		if a.Carries() {
			c.Open++
			if overdue(a.Due, now, loc) {
				c.Overdue++
			}
		}
	}
	return c, nil
}
