package session

// This file is long (about 700 lines) on purpose: it is the one list of
// what a retrospective can be told, each command's decide next to the
// others of its phase.

import (
	"fmt"
	"slices"
	"time"
)

// The commands of a retrospective. Next, Start, End, Park and the other
// stand-up commands work in retrospectives too.
type (
	// CheckInWord checks in with one word. At the shared keyboard the
	// facilitator acts for the member named in For, as with every
	// command of a retrospective that has a For.
	CheckInWord struct {
		Word string
		For  ParticipantID
	}
	// CheckInPoll answers the anonymous ESVP poll (Explorer … Prisoner).
	CheckInPoll struct {
		Answer int
		For    ParticipantID
	}
	// ReviewAction gives an earlier action item its review status.
	ReviewAction struct {
		Action int
		Status ActionStatus
	}
	// AddCard writes a card. At the shared keyboard the facilitator writes
	// on behalf of a member named in For.
	AddCard struct {
		Column int
		Text   string
		For    ParticipantID
	}
	// EditCard changes the text of one's own card. At the shared
	// keyboard the facilitator changes a card of the member named in For
	// (as they write one for them with AddCard); in an anonymous
	// retrospective nobody acts for anyone, so that no event ties a card
	// to a name. The facilitator may also change a topic a stand-up sent
	// here (a card with FromStandup).
	EditCard struct {
		Card int
		Text string
		For  ParticipantID
	}
	// DeleteCard deletes one's own card; For as for EditCard.
	DeleteCard struct {
		Card int
		For  ParticipantID
	}
	// Reveal shows every card to everyone.
	Reveal struct{}
	// GroupCard moves a card into the group (topic) of another card.
	GroupCard struct{ Card, Onto int }
	// UndoGroup undoes the last grouping step.
	UndoGroup struct{}
	// NameGroup names a topic.
	NameGroup struct {
		Group int
		Name  string
	}
	// CastVote puts a dot on a topic; Remove takes one back.
	CastVote struct {
		Group  int
		Remove bool
		For    ParticipantID
	}
	// Thumb says whether to go on with the current topic for another round.
	Thumb struct {
		Up  bool
		For ParticipantID
	}
	// AddNote notes something about the current topic.
	AddNote struct{ Text string }
	// RecordDecision records a decision on the current topic.
	RecordDecision struct{ Text string }
	// AddAction adds an action item with an owner and an optional due
	// date, linked to the topic it came from: Topic, or while discussing
	// the current one.
	AddAction struct {
		Text  string
		Owner ParticipantID
		Due   time.Time
		Topic int
	}
	// GiveRoti scores the retrospective's return on time invested, 1 to 5.
	GiveRoti struct {
		Score int
		For   ParticipantID
	}
	// SetReady says one is done (or not) with the current phase.
	SetReady struct {
		Ready bool
		For   ParticipantID
	}
)

// onBehalf is whom a command is for: the actor, or at the shared keyboard
// the member named in who, whom only the facilitator may name. In an
// anonymous retrospective nobody acts for anyone: that would tie a vote
// to the facilitator's keyboard and a name at once.
func onBehalf(s *State, a Participant, who ParticipantID, what string) (Participant, error) {
	if who == "" || who == a.ID {
		return a, nil
	}
	if err := facilitatorOnly(a, what+" for someone else"); err != nil {
		return Participant{}, err
	}
	if s.Config.Anonymous {
		return Participant{}, fmt.Errorf("%w: in an anonymous retrospective everyone %s for themselves", ErrForbidden, what)
	}
	p, ok := s.Participant(who)
	if !ok || p.Role == Observer {
		return Participant{}, fmt.Errorf("%w: no member %q", ErrNotFound, who)
	}
	return p, nil
}

func retroOnly(s *State) error {
	if s.Config.Kind != Retro {
		return fmt.Errorf("%w: that is for retrospectives", ErrPhase)
	}
	return nil
}

func inRetroPhase(s *State, what string, phases ...Phase) error {
	if err := retroOnly(s); err != nil {
		return err
	}
	if !slices.Contains(phases, s.Phase) {
		return fmt.Errorf("%w: %s only during %v", ErrPhase, what, phases)
	}
	return nil
}

// myDots are the participant's dots, on one topic or (group 0) on all:
// by id, or in an anonymous retrospective by their tokens.
func myDots(s *State, a Participant, env Env, group int) []Dot {
	var out []Dot
	key := env.hash(a.ID)
	for _, d := range s.Votes {
		if group != 0 && d.Group != group {
			continue
		}
		if (!s.Config.Anonymous && d.Voter == string(a.ID)) || (s.Config.Anonymous && owns(key, tokDot, d.ID, d.Voter)) {
			out = append(out, d)
		}
	}
	return out
}

// myThumb finds the participant's thumb on the current topic: its key in
// State.Thumbs and, if anonymous, its number.
func myThumb(s *State, p Participant, env Env) (k string, n int64, ok bool) {
	if !s.Config.Anonymous {
		_, ok := s.Thumbs[string(p.ID)]
		return string(p.ID), 0, ok
	}
	key := env.hash(p.ID)
	for k := range s.Thumbs {
		if n, mine := ownsThumb(key, k); mine {
			return k, n, true
		}
	}
	return "", 0, false
}

// myCheckIn is the contribution number of the participant's anonymous
// check-in (an ESVP answer, or any check-in of an anonymous
// retrospective), or 0.
func myCheckIn(s *State, a Participant, env Env) int64 {
	key := env.hash(a.ID)
	for _, c := range s.CheckIns {
		if c.ID != 0 && owns(key, tokCheckIn, c.ID, c.Who) {
			return c.ID
		}
	}
	return 0
}

func (c CheckInWord) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "checking in", CheckIn); err != nil {
		return nil, err
	}
	if err := notObserver(a, "check in"); err != nil {
		return nil, err
	}
	a, err := onBehalf(s, a, c.For, "checks in")
	if err != nil {
		return nil, err
	}
	word := CleanText(c.Word, MaxName)
	if word == "" {
		return nil, fmt.Errorf("%w: a check-in needs a word", ErrInvalid)
	}
	if s.Config.Anonymous {
		n := contribution(s)
		return []Payload{&CheckedIn{
			Entry:    CheckInEntry{Who: token(env.hash(a.ID), tokCheckIn, n), Word: word, ID: n},
			Replaces: myCheckIn(s, a, env),
		}}, nil
	}
	return []Payload{&CheckedIn{Entry: CheckInEntry{Who: a.Name, Word: word}}}, nil
}

func (c CheckInPoll) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "the ESVP poll", CheckIn); err != nil {
		return nil, err
	}
	if err := notObserver(a, "answer the poll"); err != nil {
		return nil, err
	}
	a, err := onBehalf(s, a, c.For, "answers")
	if err != nil {
		return nil, err
	}
	if c.Answer < Explorer || c.Answer > Prisoner {
		return nil, fmt.Errorf("%w: answer 1 (Explorer) to 4 (Prisoner)", ErrInvalid)
	}
	n := contribution(s)
	return []Payload{&CheckedIn{
		Entry:    CheckInEntry{Who: token(env.hash(a.ID), tokCheckIn, n), ESVP: c.Answer, ID: n},
		Replaces: myCheckIn(s, a, env),
	}}, nil
}

func (c ReviewAction) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := inRetroPhase(s, "reviewing action items", Review); err != nil {
		return nil, err
	}
	if err := facilitatorOnly(a, "review action items"); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(s.Actions, func(x Action) bool { return x.ID == c.Action }) {
		return nil, fmt.Errorf("%w: no action item #%d", ErrNotFound, c.Action)
	}
	if c.Status == ActionOpen {
		return nil, fmt.Errorf("%w: review as done, not-done or dropped", ErrInvalid)
	}
	return []Payload{&ActionReviewed{Action: c.Action, Status: c.Status}}, nil
}

func (c AddCard) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "writing cards", writingPhases(s)...); err != nil {
		return nil, err
	}
	if err := notObserver(a, "write cards"); err != nil {
		return nil, err
	}
	if err := capped(len(s.Cards), MaxCards, "the board is full (%d cards)"); err != nil {
		return nil, err
	}
	author := a
	if c.For != "" && c.For != a.ID {
		if err := facilitatorOnly(a, "write cards for someone else"); err != nil {
			return nil, err
		}
		if s.Config.Anonymous {
			return nil, fmt.Errorf("%w: in an anonymous retrospective everyone writes their own cards; ask them to write it", ErrForbidden)
		}
		p, ok := s.Participant(c.For)
		if !ok {
			return nil, fmt.Errorf("%w: no participant %q", ErrNotFound, c.For)
		}
		author = p
	}
	if c.Column < 0 || c.Column >= len(s.Config.Columns) {
		return nil, fmt.Errorf("%w: no column %d", ErrInvalid, c.Column)
	}
	text := CleanText(c.Text, DefaultMaxText)
	if text == "" {
		return nil, fmt.Errorf("%w: a card needs some text", ErrInvalid)
	}
	id := 1
	for _, card := range s.Cards {
		id = max(id, card.ID+1)
	}
	card := Card{ID: id, Column: c.Column, Text: text, Group: id}
	if s.Config.Anonymous {
		card.Nonce = contribution(s)
		card.AuthorHash = token(env.hash(author.ID), tokCard, card.Nonce)
	} else {
		card.Author = author.Person()
	}
	return []Payload{&CardAdded{Card: card}}, nil
}

// ownCard finds a card that the actor wrote.
func ownCard(s *State, a Participant, env Env, id int) (Card, error) {
	card, ok := s.Card(id)
	if !ok {
		return Card{}, fmt.Errorf("%w: no card #%d", ErrNotFound, id)
	}
	mine := card.Author.ID == a.ID
	if card.AuthorHash != "" {
		mine = owns(env.hash(a.ID), tokCard, card.Nonce, card.AuthorHash)
	}
	if !mine || card.FromStandup {
		return Card{}, fmt.Errorf("%w: only its author can change a card", ErrForbidden)
	}
	return card, nil
}

func (c EditCard) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "editing cards", writingPhases(s)...); err != nil {
		return nil, err
	}
	if _, err := changeableCard(s, a, env, c.Card, c.For); err != nil {
		return nil, err
	}
	text := CleanText(c.Text, DefaultMaxText)
	if text == "" {
		return nil, fmt.Errorf("%w: a card needs some text; delete it instead", ErrInvalid)
	}
	return []Payload{&CardEdited{Card: c.Card, Text: text}}, nil
}

func (c DeleteCard) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "deleting cards", writingPhases(s)...); err != nil {
		return nil, err
	}
	if _, err := changeableCard(s, a, env, c.Card, c.For); err != nil {
		return nil, err
	}
	return []Payload{&CardDeleted{Card: c.Card}}, nil
}

func (Reveal) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := inRetroPhase(s, "revealing", Write); err != nil {
		return nil, err
	}
	if err := facilitatorOnly(a, "reveal the cards"); err != nil {
		return nil, err
	}
	if s.Revealed {
		return nil, fmt.Errorf("%w: the cards are visible already", ErrConflict)
	}
	return []Payload{&CardsRevealed{}}, nil
}

func (c GroupCard) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := inRetroPhase(s, "grouping", Group); err != nil {
		return nil, err
	}
	if err := notObserver(a, "group cards"); err != nil {
		return nil, err
	}
	if err := capped(len(s.Moves), MaxMoves, "the cards have been moved %d times, as often as a retrospective allows"); err != nil {
		return nil, err
	}
	card, ok := s.Card(c.Card)
	onto, ok2 := s.Card(c.Onto)
	if !ok || !ok2 {
		return nil, fmt.Errorf("%w: no such card", ErrNotFound)
	}
	if card.Group == onto.Group {
		return nil, fmt.Errorf("%w: those cards are in one group already", ErrConflict)
	}
	return []Payload{&CardMoved{Move: Move{Card: card.ID, From: card.Group, To: onto.Group}}}, nil
}

func (UndoGroup) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := inRetroPhase(s, "undoing a grouping", Group); err != nil {
		return nil, err
	}
	if err := facilitatorOnly(a, "undo grouping"); err != nil {
		return nil, err
	}
	if len(s.Moves) == 0 {
		return nil, fmt.Errorf("%w: nothing to undo", ErrConflict)
	}
	return []Payload{&CardMoved{Move: s.Moves[len(s.Moves)-1], Undo: true}}, nil
}

func (c NameGroup) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := inRetroPhase(s, "naming topics", Group, Vote); err != nil {
		return nil, err
	}
	if err := notObserver(a, "name topics"); err != nil {
		return nil, err
	}
	if !slices.Contains(s.GroupIDs(), c.Group) {
		return nil, fmt.Errorf("%w: no topic %d", ErrNotFound, c.Group)
	}
	return []Payload{&GroupNamed{Group: c.Group, Name: CleanText(c.Name, 60)}}, nil
}

func (c CastVote) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "voting", Vote); err != nil {
		return nil, err
	}
	if err := notObserver(a, "vote"); err != nil {
		return nil, err
	}
	a, err := onBehalf(s, a, c.For, "votes")
	if err != nil {
		return nil, err
	}
	if !slices.Contains(s.GroupIDs(), c.Group) {
		return nil, fmt.Errorf("%w: no topic %d", ErrNotFound, c.Group)
	}
	mine := myDots(s, a, env, c.Group)
	if c.Remove {
		if len(mine) == 0 {
			return nil, fmt.Errorf("%w: no dot of yours on that topic", ErrConflict)
		}
		// Taken back by its number: the token is never repeated.
		last := mine[len(mine)-1]
		dot := Dot{Group: last.Group, ID: last.ID}
		if !s.Config.Anonymous {
			dot.Voter = last.Voter
		}
		return []Payload{&Voted{Dot: dot, Remove: true}}, nil
	}
	if budget := s.voteBudget(); len(myDots(s, a, env, 0)) >= budget {
		return nil, fmt.Errorf("%w: all %d of your dots are used; take one back first", ErrConflict, budget)
	}
	if s.Config.VoteCap > 0 && len(mine) >= s.Config.VoteCap {
		return nil, fmt.Errorf("%w: at most %d dots on one topic", ErrConflict, s.Config.VoteCap)
	}
	dot := Dot{Voter: string(a.ID), Group: c.Group, ID: contribution(s)}
	if s.Config.Anonymous {
		dot.Voter = token(env.hash(a.ID), tokDot, dot.ID)
	}
	return []Payload{&Voted{Dot: dot}}, nil
}

// DefaultVoteBudget is the dots per person unless the session says.
const DefaultVoteBudget = 3

func (s *State) voteBudget() int {
	if s.Config.VoteBudget > 0 {
		return s.Config.VoteBudget
	}
	return DefaultVoteBudget
}

// VotesLeft is how many dots the voter still has.
func (s *State) VotesLeft(voter string) int { return max(0, s.voteBudget()-s.VotesBy(voter, 0)) }

func (c Thumb) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "thumbs", Discuss); err != nil {
		return nil, err
	}
	if err := notObserver(a, "vote"); err != nil {
		return nil, err
	}
	a, err := onBehalf(s, a, c.For, "votes")
	if err != nil {
		return nil, err
	}
	if err := hasVoice(a, "show a thumb"); err != nil {
		return nil, err
	}
	th := &Thumbed{Voter: string(a.ID), Up: c.Up}
	if s.Config.Anonymous {
		_, th.Replaces, _ = myThumb(s, a, env)
		th.Voter = thumbKey(env.hash(a.ID), contribution(s))
	}
	out := []Payload{th}
	// Once the topic's time is up and everyone here has shown a thumb,
	// the thumbs decide: another round, or the next topic.
	if s.PhaseTimer.Remaining(env.Now) > 0 {
		return out, nil
	}
	return append(out, thumbsVerdict(s, env, a.ID, c.Up)...), nil
}

// AnotherRound gives the discussed topic, whose time is up, another
// round: a whole round from now, however late it is granted.
type AnotherRound struct{}

func (AnotherRound) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "another round", Discuss); err != nil {
		return nil, err
	}
	if err := facilitatorOnly(a, "give a topic another round"); err != nil {
		return nil, err
	}
	if _, ok := s.CurrentTopic(); !ok {
		return nil, fmt.Errorf("%w: there is no topic to discuss", ErrConflict)
	}
	if s.PhaseTimer.Remaining(env.Now) > 0 {
		return nil, fmt.Errorf("%w: the topic's time is not up yet; + adds a minute", ErrConflict)
	}
	return []Payload{anotherRound(s, env.Now)}, nil
}

// anotherRound is the extension that makes the topic's time-box run for
// one whole round from now: its overtime so far is forgiven, so a round
// granted late is not already partly over.
func anotherRound(s *State, now time.Time) *Extended {
	return &Extended{By: s.phaseBox(Discuss) + max(0, -s.PhaseTimer.Remaining(now))}
}

// hasVoice refuses someone whose thumb, score or "done" does not count:
// see State.Voices.
func hasVoice(p Participant, what string) error {
	if !p.Present {
		return fmt.Errorf("%w: %s is not marked present; only members who are here %s", ErrForbidden, p.Name, what)
	}
	return nil
}

// thumbsVerdict decides the show of thumbs on the discussed topic, whose
// time is up: nothing while someone who counts (State.Voices) has not
// shown a thumb, else another whole round when more thumbs are up than
// down, else the next topic (or phase). who's thumb is taken as up, as if
// already cast (who is "" when only the thumbs cast so far count, as at
// the time-box's expiry). Thumbs of someone who left do not count.
func thumbsVerdict(s *State, env Env, who ParticipantID, up bool) []Payload {
	if _, ok := s.CurrentTopic(); !ok {
		return nil
	}
	voices := s.Voices()
	if len(voices) == 0 {
		return nil
	}
	ups, downs := 0, 0
	for _, p := range voices {
		k, _, ok := myThumb(s, p, env)
		thumb := s.Thumbs[k]
		if p.ID == who {
			thumb, ok = up, true
		}
		switch {
		case !ok:
			return nil
		case thumb:
			ups++
		default:
			downs++
		}
	}
	if ups > downs {
		return []Payload{anotherRound(s, env.Now)}
	}
	return retroNext(s)
}

// thumbsAtExpiry is what the expiry of a discussed topic's time-box brings
// about, besides recording it: the thumbs shown before it decide, as the
// room's doing.
func thumbsAtExpiry(s *State, env Env) []Payload {
	if s.Config.Kind != Retro || s.Phase != Discuss {
		return nil
	}
	return thumbsVerdict(s, env, "", false)
}

func (c AddNote) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "notes", Discuss); err != nil {
		return nil, err
	}
	if err := notObserver(a, "take notes"); err != nil {
		return nil, err
	}
	if err := capped(len(s.Notes), MaxNotes, "%d notes are taken already, as many as a retrospective holds"); err != nil {
		return nil, err
	}
	text := CleanText(c.Text, DefaultMaxText)
	if text == "" {
		return nil, fmt.Errorf("%w: a note needs some text", ErrInvalid)
	}
	topic, _ := s.CurrentTopic()
	return []Payload{&Noted{Note: Note{Topic: topic, Text: text, At: env.Now}}}, nil
}

func (c RecordDecision) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "decisions", Discuss, Actions); err != nil {
		return nil, err
	}
	if err := facilitatorOnly(a, "record decisions"); err != nil {
		return nil, err
	}
	if err := capped(len(s.Decisions), MaxDecisions, "%d decisions are recorded already, as many as a retrospective holds"); err != nil {
		return nil, err
	}
	text := CleanText(c.Text, DefaultMaxText)
	if text == "" {
		return nil, fmt.Errorf("%w: a decision needs its text", ErrInvalid)
	}
	d := Decision{Text: text, At: env.Now}
	d.Topic, _ = s.CurrentTopic()
	d.Present, d.Absent = s.whoIsHere()
	return []Payload{&DecisionRecorded{Decision: d}}, nil
}

func (c AddAction) decide(s *State, a Participant, _ Env) ([]Payload, error) {
	if err := inRetroPhase(s, "action items", Discuss, Actions); err != nil {
		return nil, err
	}
	if err := notObserver(a, "add action items"); err != nil {
		return nil, err
	}
	if err := capped(len(s.Actions), MaxActions, "the session holds %d action items already, as many as it may"); err != nil {
		return nil, err
	}
	text := CleanText(c.Text, DefaultMaxText)
	if text == "" {
		return nil, fmt.Errorf("%w: an action item needs some text", ErrInvalid)
	}
	owner, ok := s.Participant(c.Owner)
	if !ok || owner.Role == Observer {
		return nil, fmt.Errorf("%w: an action item needs an owner from the team", ErrInvalid)
	}
	id := 1
	for _, x := range s.Actions {
		id = max(id, x.ID+1)
	}
	act := Action{ID: id, Text: text, Owner: owner.Person(), Due: c.Due, Session: s.ID, Topic: c.Topic}
	if act.Topic == 0 {
		act.Topic, _ = s.CurrentTopic()
	} else if !slices.Contains(s.Topics, act.Topic) {
		return nil, fmt.Errorf("%w: no discussed topic %d", ErrNotFound, act.Topic)
	}
	return []Payload{&ActionAdded{Action: act}}, nil
}

func (c GiveRoti) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "ROTI", Roti); err != nil {
		return nil, err
	}
	if err := notObserver(a, "score"); err != nil {
		return nil, err
	}
	a, err := onBehalf(s, a, c.For, "scores")
	if err != nil {
		return nil, err
	}
	if err := hasVoice(a, "score"); err != nil {
		return nil, err
	}
	if c.Score < 1 || c.Score > 5 {
		return nil, fmt.Errorf("%w: ROTI is 1 (a waste) to 5 (well worth it)", ErrInvalid)
	}
	key, n := env.hash(a.ID), contribution(s)
	var replaces int64
	for _, r := range s.Rotis {
		if r.ID != 0 && owns(key, tokRoti, r.ID, r.Voter) {
			replaces = r.ID
		}
	}
	return []Payload{&RotiGiven{Entry: RotiEntry{Voter: token(key, tokRoti, n), Score: c.Score, ID: n}, Replaces: replaces}}, nil
}

func (c SetReady) decide(s *State, a Participant, env Env) ([]Payload, error) {
	if err := inRetroPhase(s, "done signals", CheckIn, Review, Write, Group, Vote, Discuss, Actions, Roti); err != nil {
		return nil, err
	}
	if err := notObserver(a, "signal"); err != nil {
		return nil, err
	}
	a, err := onBehalf(s, a, c.For, "says done")
	if err != nil {
		return nil, err
	}
	if s.Ready[a.ID] == c.Ready {
		return nil, fmt.Errorf("%w: nothing to change", ErrConflict)
	}
	out := []Payload{&ReadyChanged{Who: a.ID, Ready: c.Ready}}
	if c.Ready && s.Config.AutoAdvance && s.allReadyWith(a.ID) {
		out = append(out, retroNext(s)...)
	}
	return out, nil
}

// afterLeaving moves an auto-advancing retrospective on when the one who
// left was the last who was not done.
func afterLeaving(s *State, who ParticipantID) []Payload {
	if s.Config.Kind != Retro || !s.Config.AutoAdvance || s.Phase == Waiting || s.Phase == Closed || len(s.Ready) == 0 {
		return nil
	}
	for _, p := range s.Participants {
		if p.Present && p.Role != Observer && p.ID != who && !s.Ready[p.ID] {
			return nil
		}
	}
	return retroNext(s)
}

// allReadyWith reports whether everyone who counts is done, counting id.
func (s *State) allReadyWith(id ParticipantID) bool {
	for _, p := range s.Voices() {
		if p.ID != id && !s.Ready[p.ID] {
			return false
		}
	}
	return true
}

// retroNext is what moving on means in a retrospective: the next topic
// while discussing, else the next phase, and after ROTI the end.
func retroNext(s *State) []Payload {
	if s.Phase == Discuss && s.TopicPos+1 < len(s.Topics) {
		return []Payload{&TopicChanged{Pos: s.TopicPos + 1}}
	}
	next := nextRetroPhase(s.Phase)
	if next == Closed {
		return []Payload{&Ended{}}
	}
	return []Payload{&PhaseChanged{To: next}}
}
