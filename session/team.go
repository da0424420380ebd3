package session

// This file is long (about 660 lines) on purpose: it holds the team
// rules whole, the roster, owners and keys, each change with the check
// that guards it, and Teams, which applies them to the store, so that
// who may do what to a team is read in one place.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Team is a team's standing configuration: who is expected, what they
// agreed on, and who it belongs to. What a team's sessions left open is
// not stored here; it is carried from one session's events into the next
// session's Created event.
type Team struct {
	Name       string
	Members    []string // the roster: display names of expected members
	Agreements []string // working agreements, shown in the waiting room
	// Keys binds roster names to SSH keys (fingerprints). A name is bound
	// by an owner, by the facilitator admitting a key as that member, or
	// by the first key that joins as an unbound roster name; from then on
	// only that key speaks for the name.
	Keys map[string]string
	// Owners are the SSH keys that may change the team: the key that
	// created it and the keys an owner added. The operator of the data
	// directory (a Local caller) always owns every team.
	Owners []string
	// Schedules is when the team's sessions of a kind recur (see
	// Schedule): huddle serve opens them then, and the ics command
	// writes them as a calendar.
	Schedules map[Kind]Schedule
	Created   time.Time
	Updated   time.Time
}

// legacyOpener is the name under which earlier versions recorded in Keys
// the key that created a team; it counts as an owner.
const legacyOpener = ""

// Caller is who asks to change a team or to open one of its sessions: an
// SSH key, or the operator of the data directory.
type Caller struct {
	Key   string // the SSH key fingerprint; empty for the operator
	Local bool   // the operator at the data directory: owns every team
}

// AnonymousKey starts the stand-in key of a login without a key: it
// lasts one connection, never owns a team and is never bound to a name.
const AnonymousKey = "anonymous:"

func anonymous(key string) bool { return strings.HasPrefix(key, AnonymousKey) }

// LocalCaller is the operator of the data directory.
func LocalCaller() Caller { return Caller{Local: true} }

// KeyCaller is someone over SSH with the key.
func KeyCaller(key string) Caller { return Caller{Key: key} }

// Owns reports whether the caller may change the team.
func (t Team) Owns(c Caller) bool {
	if c.Local {
		return true
	}
	if c.Key == "" {
		return false
	}
	return slices.Contains(t.Owners, c.Key) || t.Keys[legacyOpener] == c.Key
}

// MemberOf returns the roster name the key is bound to.
func (t Team) MemberOf(key string) (string, bool) {
	if key == "" {
		return "", false
	}
	for name, k := range t.Keys {
		if k == key && name != legacyOpener && t.onRoster(name) {
			return t.rosterName(name), true
		}
	}
	return "", false
}

// HasKey reports whether the key is the team's: an owner's or a member's.
// Only such keys see the team's live sessions in their lobby.
func (t Team) HasKey(key string) bool {
	_, member := t.MemberOf(key)
	return member || t.Owns(KeyCaller(key))
}

// BoundTo returns the key a roster name is bound to, if any.
func (t Team) BoundTo(name string) string {
	for n, k := range t.Keys {
		if n != legacyOpener && strings.EqualFold(n, name) {
			return k
		}
	}
	return ""
}

func (t Team) onRoster(name string) bool {
	return slices.ContainsFunc(t.Members, func(m string) bool { return strings.EqualFold(m, name) })
}

// rosterName is the roster's spelling of a name.
func (t Team) rosterName(name string) string {
	if i := slices.IndexFunc(t.Members, func(m string) bool { return strings.EqualFold(m, name) }); i >= 0 {
		return t.Members[i]
	}
	return name
}

// CanOpen checks that the caller may open a session for the team: its
// owners and its members may; nobody else.
func (t Team) CanOpen(c Caller) error {
	if t.HasKey(c.Key) || t.Owns(c) {
		return nil
	}
	return fmt.Errorf("%w: only the members of %s can open its sessions; ask one of its owners to add your key", ErrForbidden, t.Name)
}

// canBind reports whether the key may become the roster name's: the name
// is on the roster and unbound (or bound to this key), and the key holds
// no other name of the team.
func (t Team) canBind(name, key string) error {
	switch {
	case key == "" || anonymous(key):
		return fmt.Errorf("%w: only a key can be bound to a name; log in with one", ErrInvalid)
	case !t.onRoster(name):
		return fmt.Errorf("%w: %s is not on the roster of %s", ErrNotFound, name, t.Name)
	}
	if k := t.BoundTo(name); k != "" && k != key {
		return fmt.Errorf("%w: %s is bound to another key; an owner can free the name with: team %s remove %s, then add", ErrConflict, t.rosterName(name), t.Name, t.rosterName(name))
	}
	if other, ok := t.MemberOf(key); ok && !strings.EqualFold(other, name) {
		return fmt.Errorf("%w: that key is %s's already", ErrConflict, other)
	}
	return nil
}

// A TeamChange is something an owner changes about a team.
type TeamChange interface {
	change(t *Team) error
}

// The changes of a team. Only its owners make them (see Team.Change).
type (
	// AddMember puts a name on the roster, bound to Key if one is given.
	AddMember struct{ Name, Key string }
	// RemoveMember takes a name off the roster and frees its key.
	RemoveMember struct{ Name string }
	// RenameMember renames a member; their key stays theirs.
	RenameMember struct{ From, To string }
	// SetRoster replaces the roster; names that stay keep their keys.
	SetRoster struct{ Names []string }
	// SetAgreements replaces the working agreements.
	SetAgreements struct{ Texts []string }
	// AddOwner lets another key change the team.
	AddOwner struct{ Key string }
	// RemoveOwner takes the right away again; a team keeps at least one
	// owner key once it has one.
	RemoveOwner struct{ Key string }
	// SetSchedule sets when the team's sessions of the kind recur, as
	// ParseSchedule reads it; "off" removes the schedule. Teams.Change
	// stamps Now (an interval of weeks counts from its week).
	SetSchedule struct {
		Kind Kind
		Spec string
		Now  time.Time
	}
)

// changeList is several changes made as one.
type changeList []TeamChange

func (l changeList) change(t *Team) error {
	for _, ch := range l {
		if err := ch.change(t); err != nil {
			return err
		}
	}
	return nil
}

// stamped gives a change the time it is made at.
func stamped(ch TeamChange, now time.Time) TeamChange {
	switch c := ch.(type) {
	case SetSchedule:
		if c.Now.IsZero() {
			c.Now = now
		}
		return c
	case changeList:
		out := make(changeList, len(c))
		for i, x := range c {
			out[i] = stamped(x, now)
		}
		return out
	}
	return ch
}

func (c SetSchedule) change(t *Team) error {
	if strings.EqualFold(strings.TrimSpace(c.Spec), "off") {
		delete(t.Schedules, c.Kind)
		return nil
	}
	s, err := ParseSchedule(c.Spec, c.Now)
	if err != nil {
		return err
	}
	if t.Schedules == nil {
		t.Schedules = map[Kind]Schedule{}
	}
	t.Schedules[c.Kind] = s
	return nil
}

// Change applies a change for the caller and returns the changed team.
// Only the team's owners may change it.
func (t Team) Change(c Caller, ch TeamChange) (Team, error) {
	if !t.Owns(c) {
		return t, fmt.Errorf("%w: only the owners of %s can change it", ErrForbidden, t.Name)
	}
	out := t.clone()
	if err := ch.change(&out); err != nil {
		return t, err
	}
	return out, nil
}

func (t Team) clone() Team {
	c := t
	c.Members = slices.Clone(t.Members)
	c.Agreements = slices.Clone(t.Agreements)
	c.Owners = slices.Clone(t.Owners)
	c.Keys = make(map[string]string, len(t.Keys))
	for n, k := range t.Keys {
		c.Keys[n] = k
	}
	if t.Schedules != nil {
		c.Schedules = make(map[Kind]Schedule, len(t.Schedules))
		for k, s := range t.Schedules {
			c.Schedules[k] = s
		}
	}
	return c
}

func (t *Team) unbind(name string) {
	for n := range t.Keys {
		if n != legacyOpener && strings.EqualFold(n, name) {
			delete(t.Keys, n)
		}
	}
}

func (c AddMember) change(t *Team) error {
	name, err := CheckName(c.Name)
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("%w: a member needs a name", ErrInvalid)
	}
	if t.onRoster(name) {
		return fmt.Errorf("%w: %s is on the roster already", ErrConflict, t.rosterName(name))
	}
	t.Members = append(t.Members, name)
	if c.Key != "" {
		if err := t.canBind(name, c.Key); err != nil {
			return err
		}
		t.Keys[name] = c.Key
	}
	return nil
}

func (c RemoveMember) change(t *Team) error {
	name := CleanName(c.Name)
	if !t.onRoster(name) {
		return fmt.Errorf("%w: %s is not on the roster of %s", ErrNotFound, name, t.Name)
	}
	t.unbind(name)
	t.Members = slices.DeleteFunc(t.Members, func(m string) bool { return strings.EqualFold(m, name) })
	return nil
}

func (c RenameMember) change(t *Team) error {
	from, to := CleanName(c.From), CleanName(c.To)
	if _, err := CheckName(c.To); err != nil {
		return err
	}
	switch {
	case to == "":
		return fmt.Errorf("%w: the new name is empty", ErrInvalid)
	case !t.onRoster(from):
		return fmt.Errorf("%w: %s is not on the roster of %s", ErrNotFound, from, t.Name)
	case t.onRoster(to) && !strings.EqualFold(from, to):
		return fmt.Errorf("%w: %s is on the roster already", ErrConflict, t.rosterName(to))
	}
	key := t.BoundTo(from)
	t.unbind(from)
	i := slices.IndexFunc(t.Members, func(m string) bool { return strings.EqualFold(m, from) })
	t.Members[i] = to
	if key != "" {
		t.Keys[to] = key
	}
	return nil
}

func (c SetRoster) change(t *Team) error {
	var names []string
	for _, n := range c.Names {
		n, err := CheckName(n)
		if err != nil {
			return err
		}
		if n != "" && !slices.ContainsFunc(names, func(m string) bool { return strings.EqualFold(m, n) }) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%w: a roster needs at least one name", ErrInvalid)
	}
	kept := Team{Members: names}
	for n := range t.Keys {
		if n != legacyOpener && !kept.onRoster(n) {
			delete(t.Keys, n)
		}
	}
	t.Members = names
	return nil
}

func (c SetAgreements) change(t *Team) error {
	t.Agreements = cleanList(c.Texts, DefaultMaxText)
	return nil
}

func (c AddOwner) change(t *Team) error {
	key := strings.TrimSpace(c.Key)
	if key == "" || key != Printable(key) || strings.ContainsAny(key, " \t") {
		return fmt.Errorf("%w: an owner is a key fingerprint, such as SHA256:…", ErrInvalid)
	}
	if slices.Contains(t.Owners, key) {
		return fmt.Errorf("%w: that key owns %s already", ErrConflict, t.Name)
	}
	t.Owners = append(t.Owners, key)
	return nil
}

func (c RemoveOwner) change(t *Team) error {
	if !slices.Contains(t.Owners, c.Key) {
		return fmt.Errorf("%w: that key does not own %s", ErrNotFound, t.Name)
	}
	if len(t.Owners) == 1 {
		return fmt.Errorf("%w: %s needs an owner key; add another first", ErrConflict, t.Name)
	}
	t.Owners = slices.DeleteFunc(t.Owners, func(k string) bool { return k == c.Key })
	return nil
}

// Teams applies the team rules to the teams of a store: who changes a
// team, who opens its sessions, and which keys become a team's. Local
// mode and the SSH server use it alike. Its changes are serialised, so
// two changes of one team never lose one another: in one process by its
// mutex, across nodes by the store's team lock (TeamLocker).
type Teams struct {
	store Store
	clock Clock
	mu    sync.Mutex
}

// TeamLocker is a store that several nodes share and that holds a lock
// per team for all of them. Teams holds a team's lock around each read,
// change and write of the team, so that the changes of two nodes never
// lose one another (its own mutex serialises those of one process).
type TeamLocker interface {
	LockTeam(ctx context.Context, name string) (unlock func(), err error)
}

// lock serialises the changes of the named team: in this process, and
// across nodes when the store is a TeamLocker.
func (ts *Teams) lock(ctx context.Context, name string) (func(), error) {
	ts.mu.Lock()
	tl, ok := ts.store.(TeamLocker)
	if !ok {
		return ts.mu.Unlock, nil
	}
	unlock, err := tl.LockTeam(ctx, name)
	if err != nil {
		ts.mu.Unlock()
		return nil, err
	}
	return func() {
		unlock()
		ts.mu.Unlock()
	}, nil
}

// NewTeams returns the teams of the store; clock stamps their changes
// (nil: the real clock).
func NewTeams(st Store, clock Clock) *Teams {
	if clock == nil {
		clock = RealClock{}
	}
	return &Teams{store: st, clock: clock}
}

// Team returns the named team, or an ErrNotFound error.
func (ts *Teams) Team(ctx context.Context, name string) (Team, error) {
	return ts.store.Team(ctx, CleanName(name))
}

// Change applies changes to a team for the caller, all or nothing.
func (ts *Teams) Change(ctx context.Context, c Caller, name string, changes ...TeamChange) (Team, error) {
	unlock, err := ts.lock(ctx, CleanName(name))
	if err != nil {
		return Team{}, err
	}
	defer unlock()
	t, err := ts.store.Team(ctx, CleanName(name))
	if errors.Is(err, ErrNotFound) {
		return Team{}, fmt.Errorf("%w: no team is called %s", ErrNotFound, CleanName(name))
	}
	if err != nil {
		return Team{}, err
	}
	now := ts.clock.Now()
	for _, ch := range changes {
		if t, err = t.Change(c, stamped(ch, now)); err != nil {
			return Team{}, err
		}
	}
	t.Updated = now
	if err := ts.store.PutTeam(ctx, t); err != nil {
		return Team{}, err
	}
	return t, nil
}

// Ensure finds or creates the team a caller opens a session for. A new
// team belongs to the caller (over SSH, its key becomes the first owner)
// and takes members and agreements as given. An existing team takes new
// members or agreements only from an owner, and only its owners and
// members may open its sessions. Nil members or agreements change
// nothing.
func (ts *Teams) Ensure(ctx context.Context, c Caller, name string, members, agreements []string) (Team, error) {
	name, err := CheckName(name)
	if err != nil {
		return Team{}, err
	}
	if name == "" {
		return Team{}, fmt.Errorf("%w: a session needs a team name", ErrInvalid)
	}
	unlock, err := ts.lock(ctx, name)
	if err != nil {
		return Team{}, err
	}
	defer unlock()
	return ts.ensure(ctx, c, name, members, agreements)
}

// ensure is Ensure of a checked, non-empty name with the team's lock held.
func (ts *Teams) ensure(ctx context.Context, c Caller, name string, members, agreements []string) (Team, error) {
	t, err := ts.store.Team(ctx, name)
	now := ts.clock.Now()
	changed := false
	switch {
	case errors.Is(err, ErrNotFound):
		changed = true
		t = Team{Name: name, Keys: map[string]string{}, Created: now}
		if !c.Local && !anonymous(c.Key) {
			t.Owners = []string{c.Key}
		}
	case err != nil:
		return Team{}, err
	default:
		if err := t.CanOpen(c); err != nil {
			return Team{}, err
		}
		if (members != nil || agreements != nil) && !t.Owns(c) {
			return Team{}, fmt.Errorf("%w: only the owners of %s can change its roster or agreements; open the session without them", ErrForbidden, name)
		}
	}
	if members != nil {
		if t, err = t.Change(LocalCaller(), SetRoster{Names: members}); err != nil {
			return Team{}, err
		}
		changed = true
	}
	if agreements != nil {
		if t, err = t.Change(LocalCaller(), SetAgreements{Texts: agreements}); err != nil {
			return Team{}, err
		}
		changed = true
	}
	if changed {
		t.Updated = now
		if err := ts.store.PutTeam(ctx, t); err != nil {
			return Team{}, err
		}
	}
	return t, nil
}

// Open opens the session the opening describes for a team on the
// caller's behalf (see Ensure for who may; Opening.Members and Agreements
// go to Ensure), at the clock's now. The opener is who opens it, as a
// participant: over SSH, SSHID of the key and the SSH user name; locally
// the operator. A key bound to a roster name opens as that member. The
// opener facilitates unless o.Facilitator names someone else. The team
// remembers the opening's defaults for its next session of the kind (see
// Defaults).
func (ts *Teams) Open(ctx context.Context, c Caller, opener Person, o Opening) (Info, Team, error) {
	return ts.open(ctx, c, opener, o, ts.Ensure)
}

// open is Open with ensure for Ensure: Ensure itself, or, when the caller
// holds the team's lock already (see Scheduler), ensure.
func (ts *Teams) open(ctx context.Context, c Caller, opener Person, o Opening,
	ensure func(ctx context.Context, c Caller, name string, members, agreements []string) (Team, error)) (Info, Team, error) {
	cfg, err := o.Config(ts.clock.Now())
	if err != nil {
		return Info{}, Team{}, err
	}
	team, err := ensure(ctx, c, cfg.Team, o.Members, o.Agreements)
	if err != nil {
		return Info{}, Team{}, err
	}
	cfg.Team = team.Name
	if cfg.Agreements == nil {
		cfg.Agreements = team.Agreements
	}
	fac := opener
	if name, ok := team.MemberOf(c.Key); ok {
		fac = Person{ID: RosterID(name), Name: name}
	} else if fac.Name != "" {
		fac = FacilitatorFor(fac.Name, team.Members, fac.ID)
	}
	name := CleanName(o.Facilitator)
	if name != "" && !strings.EqualFold(name, CleanName(opener.Name)) {
		fac = FacilitatorFor(name, team.Members, RosterID(name))
	}
	info, err := Create(ctx, ts.store, Plan{Config: cfg, Facilitator: fac, Roster: team.Members, Bound: team.Keys}, ts.clock.Now())
	if err != nil {
		return info, team, err
	}
	// The session is open whether or not the defaults are stored: a
	// failure here costs the team only tomorrow's convenience.
	_ = ts.remember(ctx, c, team.Name, o)
	return info, team, nil
}

// DefaultsStore is a Store that remembers each team's Defaults per kind
// of session. Teams without one remember nothing.
type DefaultsStore interface {
	// Defaults returns what the team remembers for the kind; the zero
	// Defaults, without error, when it remembers nothing.
	Defaults(ctx context.Context, team string, kind Kind) (Defaults, error)
	// PutDefaults stores the team's defaults for the kind.
	PutDefaults(ctx context.Context, team string, kind Kind, d Defaults) error
}

// Defaults returns what the team remembers of its last session of the
// kind, for the caller: the facilitator's name is the shared keyboard's
// (a local caller's); over SSH the key says who opens. An unknown team,
// or a store that remembers nothing, has the zero Defaults.
func (ts *Teams) Defaults(ctx context.Context, c Caller, team string, kind Kind) (Defaults, error) {
	ds, ok := ts.store.(DefaultsStore)
	name := CleanName(team)
	if !ok || name == "" {
		return Defaults{}, nil
	}
	d, err := ds.Defaults(ctx, name, kind)
	if err != nil {
		return Defaults{}, err
	}
	if !c.Local {
		d.Facilitator = ""
	}
	return d, nil
}

// Plan is the opening someone asks for: the fields of o that were given
// (given reports it, by the Field names) over what the team remembers of
// its last session of o's kind (Defaults), over the kind's defaults;
// checked (Opening.Validate), with the Config it makes as of the clock's
// now. Open takes the opening.
func (ts *Teams) Plan(ctx context.Context, c Caller, o Opening, given func(field string) bool) (Opening, Config, error) {
	d, err := ts.Defaults(ctx, c, o.Team, o.Kind)
	if err != nil {
		return Opening{}, Config{}, err
	}
	op := DefaultOpening(o.Kind, o.Team, d)
	op.Override(o, given)
	op.Team = o.Team
	cfg, err := op.Config(ts.clock.Now())
	if err != nil {
		return Opening{}, Config{}, err
	}
	return op, cfg, nil
}

// remember stores the opening's defaults for the team's next session of
// its kind. A key's opening keeps the facilitator the shared keyboard
// remembers.
func (ts *Teams) remember(ctx context.Context, c Caller, team string, o Opening) error {
	ds, ok := ts.store.(DefaultsStore)
	if !ok {
		return nil
	}
	d := o.Defaults()
	if !c.Local {
		old, err := ds.Defaults(ctx, team, o.Kind)
		if err != nil {
			return err
		}
		d.Facilitator = old.Facilitator
	}
	return ds.PutDefaults(ctx, team, o.Kind, d)
}

// Adopt creates the team of an imported session if the store has none of
// that name, from what the session's Created event says of it: its roster
// and agreements, never its key bindings (a record is not trusted to say
// which SSH keys speak for a team). A team the store has stays as it is.
func (ts *Teams) Adopt(ctx context.Context, created *Created) error {
	name := created.Config.Team
	unlock, err := ts.lock(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = ts.store.Team(ctx, name)
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	now := ts.clock.Now()
	return ts.store.PutTeam(ctx, Team{Name: name, Members: created.Roster, Agreements: created.Config.Agreements,
		Keys: map[string]string{}, Created: now, Updated: now})
}

// Last returns the name of the team whose session was opened last, or ""
// when there is none yet: the team a plain huddle runs.
func (ts *Teams) Last(ctx context.Context) (string, error) {
	last, err := ts.store.Sessions(ctx, Filter{Limit: 1})
	if err != nil || len(last) == 0 {
		return "", err
	}
	return last[0].Team, nil
}

// Visible returns the teams whose live sessions the key sees in its
// lobby: those it owns or is a member of.
func (ts *Teams) Visible(ctx context.Context, key string) ([]Team, error) {
	all, err := ts.store.Teams(ctx)
	if err != nil {
		return nil, err
	}
	var out []Team
	for _, t := range all {
		if key != "" && t.HasKey(key) {
			out = append(out, t)
		}
	}
	return out, nil
}

// bind makes the key the roster name's, if the team allows it now: the
// name is still on the roster and free, and the key holds no other name.
// It reports whether the team changed.
func (ts *Teams) bind(ctx context.Context, team, name, key string) (bool, error) {
	unlock, err := ts.lock(ctx, team)
	if err != nil {
		return false, err
	}
	defer unlock()
	t, err := ts.store.Team(ctx, team)
	if err != nil {
		return false, err
	}
	if t.canBind(name, key) != nil || t.BoundTo(name) == key {
		return false, nil
	}
	t = t.clone()
	t.Keys[t.rosterName(name)] = key
	t.Updated = ts.clock.Now()
	return true, ts.store.PutTeam(ctx, t)
}

// addToRoster puts a name on the team's roster, if it is not there yet,
// and binds the key to it if the key is given and the team allows it
// (see canBind). It is how a guest becomes a member (PromoteGuest), whose
// decision checked who may do it.
func (ts *Teams) addToRoster(ctx context.Context, team, name, key string) error {
	unlock, err := ts.lock(ctx, team)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := ts.store.Team(ctx, team)
	if err != nil {
		return err
	}
	t = t.clone()
	if !t.onRoster(name) {
		t.Members = append(t.Members, name)
	}
	if key != "" && !anonymous(key) && t.canBind(name, key) == nil {
		t.Keys[t.rosterName(name)] = key
	}
	t.Updated = ts.clock.Now()
	return ts.store.PutTeam(ctx, t)
}

// DescribeTeam is a team as the team command shows it; "you" marks what
// is the key's (empty for the operator).
func DescribeTeam(t Team, key string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  members:\n", t.Name)
	if len(t.Members) == 0 {
		b.WriteString("    none\n")
	}
	for _, m := range t.Members {
		line := "    " + m
		switch k := t.BoundTo(m); {
		case k == "":
			line += " (no key yet: the first key that joins as " + m + " becomes theirs)"
		case k == key:
			line += " (your key)"
		default:
			line += " (" + k + ")"
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("  owners:\n")
	if len(t.Owners) == 0 && t.Keys[legacyOpener] == "" {
		b.WriteString("    whoever runs huddle on its data directory\n")
	}
	owners := slices.Clone(t.Owners)
	if k := t.Keys[legacyOpener]; k != "" && !slices.Contains(owners, k) {
		owners = append(owners, k)
	}
	for _, k := range owners {
		if k == key {
			k += " (you)"
		}
		b.WriteString("    " + k + "\n")
	}
	b.WriteString("  agreements:\n")
	if len(t.Agreements) == 0 {
		b.WriteString("    none\n")
	}
	for _, a := range t.Agreements {
		b.WriteString("    " + a + "\n")
	}
	if len(t.Schedules) > 0 {
		b.WriteString("  schedule:\n")
		for _, k := range []Kind{Standup, Retro} {
			if s, ok := t.Schedules[k]; ok {
				fmt.Fprintf(&b, "    %s: %s\n", k, s)
			}
		}
	}
	return b.String()
}

// TeamUsage is how the team command is used, locally and over SSH.
const TeamUsage = "team NAME [add NAME | remove NAME | rename OLD NEW | owner add KEY | owner remove KEY | --standup SCHEDULE | --retro SCHEDULE]"

// ParseTeamChange reads the words after a team's name in the team
// command; none means: show the team (nil change). --standup and --retro
// (each once, together if wanted) set the schedules; a schedule that does
// not parse is refused here with what is wrong with it.
func ParseTeamChange(args []string) (TeamChange, error) {
	if len(args) > 0 && strings.HasPrefix(args[0], "--") {
		return parseScheduleFlags(args)
	}
	switch {
	case len(args) == 0:
		return nil, nil
	case args[0] == "add" && len(args) == 2:
		return AddMember{Name: args[1]}, nil
	case args[0] == "remove" && len(args) == 2:
		return RemoveMember{Name: args[1]}, nil
	case args[0] == "rename" && len(args) == 3:
		return RenameMember{From: args[1], To: args[2]}, nil
	case args[0] == "owner" && len(args) == 3 && args[1] == "add":
		return AddOwner{Key: args[2]}, nil
	case args[0] == "owner" && len(args) == 3 && args[1] == "remove":
		return RemoveOwner{Key: args[2]}, nil
	}
	return nil, fmt.Errorf("%w: usage: %s", ErrInvalid, TeamUsage)
}

// parseScheduleFlags reads --standup SCHEDULE and --retro SCHEDULE (or
// --standup=SCHEDULE).
func parseScheduleFlags(args []string) (TeamChange, error) {
	var list changeList
	seen := map[Kind]bool{}
	for len(args) > 0 {
		flag, spec, hasValue := strings.Cut(strings.TrimPrefix(args[0], "--"), "=")
		args = args[1:]
		kind, err := ParseKind(flag)
		if err != nil {
			return nil, fmt.Errorf("%w: usage: %s", ErrInvalid, TeamUsage)
		}
		if !hasValue {
			if len(args) == 0 {
				return nil, fmt.Errorf("%w: --%s needs a schedule; %s", ErrInvalid, kind, ScheduleUsage)
			}
			spec, args = args[0], args[1:]
		}
		if seen[kind] {
			return nil, fmt.Errorf("%w: --%s is given twice", ErrInvalid, kind)
		}
		seen[kind] = true
		ch := SetSchedule{Kind: kind, Spec: spec}
		if err := ch.change(&Team{}); err != nil { // checked now, set when applied
			return nil, err
		}
		list = append(list, ch)
	}
	return list, nil
}
