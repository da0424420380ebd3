package session

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Opening is the spec of a new session: what the CLI's flags, the SSH
// new command and the lobby's form fill in. DefaultOpening gives its
// defaults (the kind's, and what the team used last), Override lays what
// someone gave on top, Validate checks it and Config makes the session's
// Config from it. Fields are named, in errors and in Override, as the
// flags name them (see the Field constants).
type Opening struct {
	Kind Kind
	Team string
	// Members and Agreements, if not nil, replace the team's roster and
	// agreements (its owners only; see Teams.Ensure).
	Members    []string
	Agreements []string
	// Facilitator names who facilitates; empty: whoever opens it.
	Facilitator string
	// At is the scheduled start as typed: HH:MM today, HH:MM and a zone
	// ("10:00 Europe/Berlin"), or RFC 3339; empty: none, lateness counts
	// from the start. It is kept as typed so that a team's remembered
	// --at means the same hour the next day.
	At       string
	Timebox  time.Duration // the whole session; a retro's 0 is the sum of its phases
	Turn     time.Duration // stand-up: per turn; 0 divides the time-box among those present
	Order    Order         // stand-up: the speaking order
	OpenDoor bool          // anyone with the join code comes in as a guest
	// Retrospectives.
	Format      Format
	Columns     []string // a custom format's
	Votes       int      // dots per person
	VoteCap     int      // most dots per person on one topic; 0: no cap
	Topic       time.Duration
	Phases      map[Phase]time.Duration
	Anonymous   bool
	AutoAdvance bool
	ESVP        bool
	// Collect opens a retrospective ahead for collecting: members write
	// cards in the waiting room, hidden until the reveal.
	Collect bool
}

// The fields of an Opening as the flags name them: FieldError.Field and
// Override's given use these names.
const (
	FieldTeam        = "team"
	FieldMembers     = "members"
	FieldAgreement   = "agreement"
	FieldFacilitator = "facilitator"
	FieldAt          = "at"
	FieldTimebox     = "timebox"
	FieldTurn        = "turn"
	FieldOrder       = "order"
	FieldGuests      = "guests"
	FieldFormat      = "format"
	FieldColumns     = "columns"
	FieldVotes       = "votes"
	FieldVoteCap     = "vote-cap"
	FieldTopic       = "topic"
	FieldPhases      = "phases"
	FieldAnonymous   = "anonymous"
	FieldAutoAdvance = "auto-advance"
	FieldESVP        = "esvp"
	FieldCollect     = "collect"
)

// The bounds of an Opening's durations: shorter or longer ones are typing
// mistakes (--turn 2 for 2m, --turn 99h, 1ms).
const (
	MinTurn, MaxTurn       = 10 * time.Second, time.Hour
	MinTimebox, MaxTimebox = time.Minute, 8 * time.Hour
	MinTopic, MaxTopic     = 30 * time.Second, 2 * time.Hour
)

// The defaults of a new session, where the team remembers none.
const (
	DefaultStandupBox = 15 * time.Minute
	DefaultTopicBox   = 5 * time.Minute
)

// FieldError is an Opening's field with a value that cannot make a good
// session. It is an ErrInvalid. Its text names the field as a flag
// (--turn); Say names it as the caller does (an environment variable, a
// form's label).
type FieldError struct {
	Field string // as the Field constants name it
	say   func(name func(field string) string) string
}

// FlagName names a field as the CLI's flags do: --turn.
func FlagName(field string) string { return "--" + field }

func (e *FieldError) Error() string { return e.Say(FlagName) }

// Say is the error's text with every field it mentions named by name.
func (e *FieldError) Say(name func(field string) string) string { return e.say(name) }

func (e *FieldError) Unwrap() error { return ErrInvalid }

// fieldErr is a FieldError whose text is the field's name, then text.
func fieldErr(field, text string) *FieldError {
	return &FieldError{Field: field, say: func(name func(string) string) string { return name(field) + text }}
}

// Defaults are what a team remembers of how it opened its last session
// of a kind, so that a plain huddle the next day needs nothing: they are
// stored when a session opens (see Teams.Open) and are an Opening's
// defaults (DefaultOpening); what someone gives explicitly wins.
type Defaults struct {
	// Facilitator is the name the operator at the shared keyboard gave
	// (huddle --name); over SSH the key says who opens a session.
	Facilitator string                  `json:"facilitator,omitempty"`
	At          string                  `json:"at,omitempty"`
	Timebox     time.Duration           `json:"timebox,omitempty"`
	Turn        time.Duration           `json:"turn,omitempty"`
	Order       Order                   `json:"order"`
	Format      Format                  `json:"format"`
	Columns     []string                `json:"columns,omitempty"`
	Votes       int                     `json:"votes,omitempty"`
	VoteCap     int                     `json:"vote_cap,omitempty"`
	Topic       time.Duration           `json:"topic,omitempty"`
	Phases      map[Phase]time.Duration `json:"phases,omitempty"`
}

// DefaultOpening is a new session of the kind for the team with what the
// team remembers (d; the zero Defaults: none) and the kind's defaults for
// the rest: a stand-up of 15 minutes with shared turns in join order, a
// retrospective on Start / Stop / Continue with 3 dots, 5 minutes a topic
// and its phases' time-boxes.
func DefaultOpening(kind Kind, team string, d Defaults) Opening {
	o := Opening{Kind: kind, Team: team, Facilitator: d.Facilitator, At: d.At,
		Timebox: d.Timebox, Turn: d.Turn, Order: d.Order, Format: d.Format, Columns: d.Columns,
		Votes: d.Votes, VoteCap: d.VoteCap, Topic: d.Topic, Phases: d.Phases}
	if o.Timebox == 0 && kind == Standup {
		o.Timebox = DefaultStandupBox
	}
	if o.Votes == 0 {
		o.Votes = DefaultVoteBudget
	}
	if o.Topic == 0 {
		o.Topic = DefaultTopicBox
	}
	return o
}

// Defaults is what the team remembers of this opening.
func (o Opening) Defaults() Defaults {
	d := Defaults{Facilitator: o.Facilitator, At: o.At, Timebox: o.Timebox, Turn: o.Turn, Order: o.Order}
	if o.Kind == Retro {
		d.Format, d.Columns, d.Votes, d.VoteCap, d.Topic, d.Phases = o.Format, o.Columns, o.Votes, o.VoteCap, o.Topic, o.Phases
		d.Turn, d.Order = 0, OrderJoin
	}
	return d
}

// Override sets the fields of o that were given (given(field) reports it,
// by the Field names) to their values in from: explicit values win over
// defaults. Columns given without a format make the format custom.
func (o *Opening) Override(from Opening, given func(field string) bool) {
	set := func(field string, f func()) {
		if given(field) {
			f()
		}
	}
	set(FieldTeam, func() { o.Team = from.Team })
	set(FieldMembers, func() { o.Members = from.Members })
	set(FieldAgreement, func() { o.Agreements = from.Agreements })
	set(FieldFacilitator, func() { o.Facilitator = from.Facilitator })
	set(FieldAt, func() { o.At = from.At })
	set(FieldTimebox, func() { o.Timebox = from.Timebox })
	set(FieldTurn, func() { o.Turn = from.Turn })
	set(FieldOrder, func() { o.Order = from.Order })
	set(FieldGuests, func() { o.OpenDoor = from.OpenDoor })
	set(FieldFormat, func() { o.Format = from.Format })
	set(FieldColumns, func() {
		o.Columns = from.Columns
		if len(o.Columns) > 0 && !given(FieldFormat) {
			o.Format = Custom
		}
	})
	if given(FieldFormat) && !given(FieldColumns) && o.Format != Custom {
		o.Columns = nil // a remembered custom board's columns go with it
	}
	set(FieldVotes, func() { o.Votes = from.Votes })
	set(FieldVoteCap, func() { o.VoteCap = from.VoteCap })
	set(FieldTopic, func() { o.Topic = from.Topic })
	set(FieldPhases, func() { o.Phases = from.Phases })
	set(FieldAnonymous, func() { o.Anonymous = from.Anonymous })
	set(FieldAutoAdvance, func() { o.AutoAdvance = from.AutoAdvance })
	set(FieldESVP, func() { o.ESVP = from.ESVP })
	set(FieldCollect, func() { o.Collect = from.Collect })
}

// Validate refuses an opening that cannot make a good session, with a
// FieldError that names the field and says what to give instead: a
// missing team, names longer than MaxNameWidth columns, durations out of
// bounds, a turn longer than the stand-up, fewer than one dot, a board
// that does not fit its format, a start time that does not parse. The
// time-boxes of phases are checked where they are parsed
// (ParsePhaseBoxes).
func (o Opening) Validate() error {
	what := "the stand-up"
	if o.Kind == Retro {
		what = "the retrospective"
	}
	name, err := CheckName(o.Team)
	switch {
	case err != nil:
		return fieldErr(FieldTeam, ": "+err.Error())
	case name == "":
		return fieldErr(FieldTeam, " is required: the team whose session it is")
	}
	for _, m := range o.Members {
		if _, err := CheckName(m); err != nil {
			return fieldErr(FieldMembers, ": "+err.Error())
		}
	}
	if _, err := CheckName(o.Facilitator); err != nil {
		return fieldErr(FieldFacilitator, ": "+err.Error())
	}
	if _, err := ParseAt(o.At, time.Time{}); err != nil {
		return err // only its form is checked here, not its day
	}
	if o.Kind == Standup || o.Timebox != 0 {
		if err := checkBox(FieldTimebox, o.Timebox, MinTimebox, MaxTimebox, what); err != nil {
			return err
		}
	}
	if o.Turn != 0 {
		if err := checkBox(FieldTurn, o.Turn, MinTurn, MaxTurn, "a turn"); err != nil {
			return err
		}
		if o.Kind == Standup && o.Turn > o.Timebox {
			turn, box := FmtDuration(o.Turn), FmtDuration(o.Timebox)
			return &FieldError{Field: FieldTurn, say: func(name func(string) string) string {
				return fmt.Sprintf("%s %s is longer than the whole stand-up (%s %s); give a shorter turn or a longer time-box",
					name(FieldTurn), turn, name(FieldTimebox), box)
			}}
		}
	}
	if o.Kind == Retro {
		if _, err := Columns(o.Format, o.Columns); err != nil {
			field := FieldColumns
			if len(o.Columns) == 0 {
				field = FieldFormat
			}
			return fieldErr(field, ": "+strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
		}
		if len(o.Columns) > 0 && o.Format != Custom {
			return &FieldError{Field: FieldColumns, say: func(name func(string) string) string {
				return name(FieldColumns) + " goes with " + name(FieldFormat) + " custom"
			}}
		}
	}
	if o.Votes < 1 {
		return fieldErr(FieldVotes, fmt.Sprintf(" %d: each person needs at least 1 dot", o.Votes))
	}
	if o.VoteCap < 0 {
		return fieldErr(FieldVoteCap, fmt.Sprintf(" %d: give 0 for no cap, or the most dots per topic", o.VoteCap))
	}
	return checkBox(FieldTopic, o.Topic, MinTopic, MaxTopic, "a topic")
}

// checkBox refuses d outside [lo, hi], naming the field and what the
// duration is of.
func checkBox(field string, d, lo, hi time.Duration, of string) error {
	if d < lo || d > hi {
		return fieldErr(field, fmt.Sprintf(" %s: %s takes from %s to %s", FmtDuration(d), of, FmtDuration(lo), FmtDuration(hi)))
	}
	return nil
}

// Config is the session's Config for the opening, validated, with its
// start time read against now (its day, and its zone unless At names
// one). The team's agreements are Teams.Open's to fill in.
func (o Opening) Config(now time.Time) (Config, error) {
	if err := o.Validate(); err != nil {
		return Config{}, err
	}
	at, err := ParseAt(o.At, now)
	if err != nil {
		return Config{}, err
	}
	team, _ := CheckName(o.Team)
	cfg := Config{Team: team, Kind: o.Kind, ScheduledAt: at, Timebox: o.Timebox, OpenDoor: o.OpenDoor,
		Agreements: o.Agreements}
	if o.Kind == Standup {
		cfg.Turn, cfg.Order = o.Turn, o.Order
		return cfg, nil
	}
	cfg.Format, cfg.Columns, cfg.VoteBudget, cfg.VoteCap, cfg.TopicBox = o.Format, o.Columns, o.Votes, o.VoteCap, o.Topic
	cfg.PhaseBoxes, cfg.Anonymous, cfg.AutoAdvance, cfg.ESVP, cfg.Collect = o.Phases, o.Anonymous, o.AutoAdvance, o.ESVP, o.Collect
	return cfg, nil
}

// ParseAt reads a start time: HH:MM on now's day in now's zone, HH:MM
// and a zone name ("10:00 Europe/Berlin": that hour today in that zone),
// or RFC 3339. Empty means no scheduled start: lateness then counts from
// the actual start. Its error is a *FieldError of FieldAt.
func ParseAt(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	bad := fieldErr(FieldAt, fmt.Sprintf(" %q: want HH:MM, like 10:00, or with a zone, like 10:00 Europe/Berlin", CleanName(s)))
	clock, zone, named := strings.Cut(s, " ")
	loc := now.Location()
	if named {
		z, err := loadZone(strings.TrimSpace(zone))
		if err != nil {
			return time.Time{}, fieldErr(FieldAt, fmt.Sprintf(" %q: no time zone is called %q; give one like Europe/Berlin or UTC", CleanName(s), CleanName(zone)))
		}
		loc = z
	}
	if t, err := time.ParseInLocation("15:04", clock, loc); err == nil {
		day := now.In(loc)
		return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, loc), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil && !named {
		return t, nil
	}
	return time.Time{}, bad
}

// loadZone is time.LoadLocation for a zone someone typed: a name such as
// Europe/Berlin or UTC, never a path ("Local" is the server's and is
// refused too: it says nothing to the others).
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || strings.Contains(name, "..") || strings.HasPrefix(name, "/") || name != Printable(name) {
		return nil, errors.New("not a zone name")
	}
	return time.LoadLocation(name)
}

// FmtDuration writes d as people type it: 2m, 1h30m, 90s, 1ms.
func FmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
