package session

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Forgotten is what ForgetPerson changed.
type Forgotten struct {
	Pseudonym string // the name that replaced the person's
	Sessions  int    // sessions of the team with a changed event
	Events    int    // events changed
	Keys      int    // SSH key bindings removed
}

// ForgetPerson replaces a person's name with a pseudonym ("former member
// 3") in every record of the team, in place: the team's roster and key
// bindings (the binding is removed) and every stored event of the team's
// sessions — participants, facilitators, authors of cards and parked
// topics, speakers of blockers, owners of action items, who stays, who
// was present at and absent from decisions, check-ins, and mentions of
// the name as a whole word in what people typed. Identities made from
// the name or the person's SSH key become identities made from the
// pseudonym, the same in every event, so that the events still fold.
// The person's SSH key fingerprints are dropped from the records.
//
// A name that appears nowhere in the team is an ErrNotFound error.
func ForgetPerson(ctx context.Context, st Store, team, name string) (Forgotten, error) {
	name = CleanName(name)
	if name == "" {
		return Forgotten{}, fmt.Errorf("%w: whom to forget? a name is needed", ErrInvalid)
	}
	t, err := st.Team(ctx, team)
	if err != nil {
		return Forgotten{}, err
	}
	infos, err := st.Sessions(ctx, Filter{Team: t.Name})
	if err != nil {
		return Forgotten{}, err
	}
	logs := make(map[string][]Event, len(infos))
	for _, info := range infos {
		events, err := st.Events(ctx, info.ID)
		if err != nil {
			return Forgotten{}, err
		}
		logs[info.ID] = events
	}

	f := newForgetter(t, logs, name)
	out := Forgotten{Pseudonym: f.pseudonym}
	changed := map[string][]Event{}
	for id, events := range logs {
		rewritten, n, err := f.rewrite(events)
		if err != nil {
			return Forgotten{}, fmt.Errorf("session %s: %w", id, err)
		}
		if n > 0 {
			changed[id] = rewritten
			out.Sessions++
			out.Events += n
		}
	}
	nt, keys := f.team(t)
	if out.Events == 0 && slices.Equal(nt.Members, t.Members) && slices.Equal(nt.Agreements, t.Agreements) && keys == 0 {
		return Forgotten{}, fmt.Errorf("%w: nobody called %s in team %s", ErrNotFound, name, t.Name)
	}
	out.Keys = keys
	if err := st.RewriteTeam(ctx, nt, changed); err != nil {
		return Forgotten{}, err
	}
	if err := f.forgetTeamLog(ctx, st, t.Name); err != nil {
		return out, fmt.Errorf("the sessions are rewritten, but not the team's log (run forget again): %w", err)
	}
	return out, nil
}

// forgetter rewrites a team's records, replacing one person.
type forgetter struct {
	name      string
	pseudonym string
	ids       map[ParticipantID]ParticipantID // the person's identities → the pseudonym's
	keys      map[string]bool                 // the person's SSH key fingerprints
	mention   *regexp.Regexp                  // the name as a whole word
}

// pseudonymPrefix names the people a team has forgotten, numbered.
const pseudonymPrefix = "former member "

func newForgetter(t Team, logs map[string][]Event, name string) *forgetter {
	f := &forgetter{
		name: name,
		ids:  map[ParticipantID]ParticipantID{},
		keys: map[string]bool{},
		mention: regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}_])` + regexp.QuoteMeta(name) +
			`($|[^\p{L}\p{N}_])`),
	}
	// Pick a pseudonym nobody in the team's records has.
	var used strings.Builder
	for _, m := range t.Members {
		used.WriteString(strings.ToLower(m) + "\x00")
	}
	for _, events := range logs {
		for _, e := range events {
			if b, err := EncodePayload(e.Payload); err == nil {
				used.WriteString(strings.ToLower(string(b)) + string(e.Actor) + "\x00")
			}
		}
	}
	all := used.String()
	for n := 1; ; n++ {
		p := pseudonymPrefix + strconv.Itoa(n)
		if !strings.Contains(all, p+`"`) && !strings.Contains(all, p+"\x00") {
			f.pseudonym = p
			break
		}
	}

	// Find the person's identities and keys: whoever goes by the name.
	for n, key := range t.Keys {
		if f.is(n) {
			f.keys[key] = true
		}
	}
	for _, m := range t.Members {
		if f.is(m) {
			f.addID(RosterID(m))
		}
	}
	person := func(p Person) {
		if f.is(p.Name) {
			f.addID(p.ID)
		}
	}
	for _, events := range logs {
		for _, e := range events {
			switch p := e.Payload.(type) {
			case *Created:
				person(p.Facilitator)
				for _, m := range p.Roster {
					if f.is(m) {
						f.addID(RosterID(m))
					}
				}
				for n, key := range p.Bound {
					if f.is(n) {
						f.keys[key] = true
					}
				}
			case *Arrived:
				person(p.Who)
				if f.is(p.Who.Name) && p.Key != "" {
					f.keys[p.Key] = true
				}
			case *Handed:
				person(p.To)
			case *BlockerNoted:
				person(p.Speaker)
			case *Parked:
				person(p.RaisedBy)
				person(p.Speaker)
			case *StayChanged:
				person(p.Who)
			case *CardAdded:
				person(p.Card.Author)
			case *ActionAdded:
				person(p.Action.Owner)
			case *ActionEdited:
				person(p.Owner)
			case *ArrivalUndone:
				person(p.Who)
			case *GuestRemoved:
				person(p.Who)
			case *GuestPromoted:
				person(p.Who)
			case *MissedAcknowledged:
				person(p.Who)
			}
		}
	}
	// An SSH participant's identity is made from the key.
	for key := range f.keys {
		f.addID(SSHID(key))
	}
	return f
}

// is reports whether a name is the person's.
func (f *forgetter) is(name string) bool { return strings.EqualFold(name, f.name) }

// addID maps one of the person's identities to one made from the
// pseudonym: a roster member stays a roster member, a local facilitator
// local; anything else (an SSH key) becomes a "former:" identity.
func (f *forgetter) addID(id ParticipantID) {
	if id == "" || f.ids[id] != "" {
		return
	}
	kind, rest, _ := strings.Cut(string(id), ":")
	var to ParticipantID
	switch {
	case kind == "roster" && f.is(rest):
		to = RosterID(f.pseudonym)
	case kind == "local" && f.is(rest):
		to = ParticipantID("local:" + f.pseudonym)
	default:
		to = ParticipantID("former:" + f.pseudonym)
		for n := 2; f.taken(to); n++ {
			to = ParticipantID("former:" + f.pseudonym + "-" + strconv.Itoa(n))
		}
	}
	f.ids[id] = to
}

func (f *forgetter) taken(id ParticipantID) bool {
	for _, v := range f.ids {
		if v == id {
			return true
		}
	}
	return false
}

// team returns the team with the person replaced, and how many key
// bindings were removed.
func (f *forgetter) team(t Team) (Team, int) {
	t.Members = f.names(slices.Clone(t.Members))
	t.Agreements = f.texts(slices.Clone(t.Agreements))
	removed := 0
	if len(t.Keys) > 0 {
		keys := maps.Clone(t.Keys)
		for n, key := range keys {
			if f.is(n) || f.keys[key] {
				delete(keys, n)
				removed++
			}
		}
		t.Keys = keys
	}
	return t, removed
}

// rewrite returns copies of the events with the person replaced, and how
// many of them changed.
func (f *forgetter) rewrite(events []Event) ([]Event, int, error) {
	out := make([]Event, len(events))
	n := 0
	for i, e := range events {
		p := clonePayload(e.Payload)
		if p == nil {
			return nil, 0, fmt.Errorf("%w: event %d cannot be copied", ErrInvalid, e.Seq)
		}
		changed := f.rewritePayload(p)
		actor := f.id(e.Actor)
		if actor != e.Actor {
			changed = true
		}
		out[i] = Event{Seq: e.Seq, Time: e.Time, Actor: actor, Payload: p}
		if changed {
			n++
		}
	}
	return out, n, nil
}

// clonePayload deep-copies a payload through its stored form.
func clonePayload(p Payload) Payload {
	b, err := EncodePayload(p)
	if err != nil {
		return nil
	}
	c, err := DecodePayload(p.Type(), b)
	if err != nil {
		return nil
	}
	return c
}

// rewritePayload replaces the person in p, in place, and reports whether
// anything changed.
func (f *forgetter) rewritePayload(p Payload) bool {
	before, _ := EncodePayload(p) // p was decoded from its stored form
	switch p := p.(type) {
	case *Created:
		f.person(&p.Facilitator)
		p.Roster = f.names(p.Roster)
		p.Config.Agreements = f.texts(p.Config.Agreements)
		for i := range p.Carried {
			f.item(&p.Carried[i])
		}
		for i := range p.Actions {
			f.action(&p.Actions[i])
		}
		for n, key := range p.Bound {
			if f.is(n) || f.keys[key] {
				delete(p.Bound, n)
			}
		}
		if len(p.Bound) == 0 {
			p.Bound = nil
		}
		f.fromTeamLog(p)
	case *Arrived:
		if f.keys[p.Key] || f.ids[p.Who.ID] != "" || f.is(p.Who.Name) {
			p.Key = ""
		}
		f.person(&p.Who)
	case *Left:
		p.Who = f.id(p.Who)
	case *Started:
		for i := range p.Order {
			p.Order[i] = f.id(p.Order[i])
		}
	case *TurnStarted:
		p.Speaker = f.id(p.Speaker)
	case *Paused:
		p.Reason = f.text(p.Reason)
	case *BlockerNoted:
		f.person(&p.Speaker)
		p.Text = f.text(p.Text)
	case *Parked:
		f.person(&p.RaisedBy)
		f.person(&p.Speaker)
		p.Topic = f.text(p.Topic)
	case *StayChanged:
		f.person(&p.Who)
	case *Resolved:
		p.Note = f.text(p.Note)
		p.Present, p.Absent = f.names(p.Present), f.names(p.Absent)
	case *Handed:
		f.person(&p.To)
	case *CheckedIn:
		if f.is(p.Entry.Who) {
			p.Entry.Who = f.pseudonym
		}
		p.Entry.Word = f.text(p.Entry.Word)
	case *CardAdded:
		f.person(&p.Card.Author)
		p.Card.Text = f.text(p.Card.Text)
	case *CardEdited:
		p.Text = f.text(p.Text)
	case *GroupNamed:
		p.Name = f.text(p.Name)
	case *Voted:
		p.Dot.Voter = string(f.id(ParticipantID(p.Dot.Voter)))
	case *Thumbed:
		p.Voter = string(f.id(ParticipantID(p.Voter)))
	case *Noted:
		p.Note.Text = f.text(p.Note.Text)
	case *DecisionRecorded:
		p.Decision.Text = f.text(p.Decision.Text)
		p.Decision.Present, p.Decision.Absent = f.names(p.Decision.Present), f.names(p.Decision.Absent)
	case *ActionAdded:
		f.action(&p.Action)
	case *ReadyChanged:
		p.Who = f.id(p.Who)
	case *ArrivalUndone:
		f.person(&p.Who)
	case *GuestRemoved:
		f.person(&p.Who)
	case *GuestPromoted:
		f.person(&p.Who)
	case *MissedAcknowledged:
		f.person(&p.Who)
	case *ItemEdited:
		p.Topic = f.text(p.Topic)
	case *BlockerEdited:
		p.Text = f.text(p.Text)
	case *ActionEdited:
		f.person(&p.Owner)
		p.Text = f.text(p.Text)
	case *SpeakerMoved:
		p.Speaker = f.id(p.Speaker)
	}
	after, _ := EncodePayload(p)
	return string(before) != string(after)
}

func (f *forgetter) id(id ParticipantID) ParticipantID {
	if to, ok := f.ids[id]; ok {
		return to
	}
	return id
}

func (f *forgetter) person(p *Person) {
	if f.is(p.Name) {
		p.Name = f.pseudonym
	}
	p.ID = f.id(p.ID)
}

func (f *forgetter) item(it *Item) {
	f.person(&it.RaisedBy)
	f.person(&it.Speaker)
	for i := range it.Stay {
		f.person(&it.Stay[i])
	}
	it.Topic, it.Note = f.text(it.Topic), f.text(it.Note)
	it.Present, it.Absent = f.names(it.Present), f.names(it.Absent)
}

func (f *forgetter) action(a *Action) {
	f.person(&a.Owner)
	a.Text = f.text(a.Text)
	for i := range a.Between {
		c := &a.Between[i]
		for _, n := range []*string{&c.By, &c.To} {
			if f.is(*n) {
				*n = f.pseudonym
			}
		}
		c.Note = f.text(c.Note)
	}
}

// names replaces the person's name in a list of names.
func (f *forgetter) names(in []string) []string {
	for i, n := range in {
		if f.is(n) {
			in[i] = f.pseudonym
		}
	}
	return in
}

func (f *forgetter) texts(in []string) []string {
	for i, s := range in {
		in[i] = f.text(s)
	}
	return in
}

// text replaces mentions of the name, as a whole word, in what someone
// typed.
func (f *forgetter) text(s string) string {
	// A match takes the characters around the name, so that two mentions
	// one character apart need a second pass.
	for range 8 {
		r := f.mention.ReplaceAllString(s, "${1}"+strings.ReplaceAll(f.pseudonym, "$", "$$")+"${2}")
		if r == s {
			break
		}
		s = r
	}
	return s
}
