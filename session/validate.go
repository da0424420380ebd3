package session

import (
	"fmt"
	"slices"
)

// Validate checks the invariants that deciding commands, the room and the
// views rely on: positions within what they index (the speaker in the
// speaking order, the discussed topic, a card's column, poll answers and
// scores), references to participants, cards and topics that exist, a
// phase that fits the session's kind and the times it has, one running
// turn at most, unique ids, and no negative budgets, durations or ids.
// Every state folded from events that a Room decided passes; a state
// folded from events made up elsewhere (an imported record) may not, and
// a room must not be given it. The error wraps ErrInvalid and names the
// first problem found. Validate never panics, whatever the state.
func (s *State) Validate() error {
	if s == nil {
		return invalidState("there is no session")
	}
	for _, check := range []func(*State) error{
		(*State).validateBasics, (*State).validatePhase, (*State).validateParticipants,
		(*State).validateRounds, (*State).validateParkingLot, (*State).validateActions,
		(*State).validateRetro, (*State).validatePrepared, (*State).validateReview,
	} {
		if err := check(s); err != nil {
			return err
		}
	}
	return nil
}

func invalidState(format string, args ...any) error {
	return fmt.Errorf("%w: the session's state is inconsistent: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func validTimer(t Timer, what string) error {
	if t.Budget < 0 || t.Used < 0 {
		return invalidState("%s has a negative time (budget %s, used %s)", what, t.Budget, t.Used)
	}
	return nil
}

func (s *State) validateBasics() error {
	c := s.Config
	switch {
	case s.ID == "":
		return invalidState("it has no id")
	case s.Seq < 1:
		return invalidState("it has no events (seq %d)", s.Seq)
	case c.Kind != Standup && c.Kind != Retro:
		return invalidState("unknown kind of session %s", c.Kind)
	case c.Order < OrderJoin || c.Order > OrderAlpha:
		return invalidState("unknown speaking order %s", c.Order)
	case c.Timebox < 0 || c.Turn < 0 || c.TopicBox < 0:
		return invalidState("a negative time-box (%s, turn %s, topic %s)", c.Timebox, c.Turn, c.TopicBox)
	case c.VoteBudget < 0 || c.VoteCap < 0:
		return invalidState("a negative vote budget or cap (%d, %d)", c.VoteBudget, c.VoteCap)
	case s.TurnBudget < 0:
		return invalidState("a negative turn budget %s", s.TurnBudget)
	}
	for p, d := range c.PhaseBoxes {
		if d < 0 {
			return invalidState("the %s phase has a negative time-box %s", p, d)
		}
	}
	if err := validTimer(s.Overall, "the session's time-box"); err != nil {
		return err
	}
	return validTimer(s.PhaseTimer, "the phase's time-box")
}

func (s *State) validatePhase() error {
	retro := s.Config.Kind == Retro
	if (retro && !slices.Contains(retroPhases, s.Phase)) ||
		(!retro && !slices.Contains([]Phase{Waiting, Rounds, Parking, Closed}, s.Phase)) {
		return invalidState("a %s has no %s phase", s.Config.Kind, s.Phase)
	}
	switch {
	case s.Phase == Closed && s.Ended.IsZero():
		return invalidState("it is closed but has no end")
	case s.Phase != Closed && !s.Ended.IsZero():
		return invalidState("it ended but is in the %s phase", s.Phase)
	case s.Phase != Waiting && s.Phase != Closed && s.Started.IsZero():
		return invalidState("it is in the %s phase but never started", s.Phase)
	}
	if s.Paused && !(s.Phase == Rounds || retro && s.Phase != Waiting && s.Phase != Closed) {
		return invalidState("it is paused in the %s phase, which has no running timers", s.Phase)
	}
	return nil
}

func (s *State) validateParticipants() error {
	ids := make(map[ParticipantID]bool, len(s.Participants))
	keys := map[string]bool{}
	for _, p := range s.Participants {
		switch {
		case p.ID == "":
			return invalidState("a participant has no id")
		case ids[p.ID]:
			return invalidState("participant %q is there twice", p.ID)
		case p.Key != "" && keys[p.Key]:
			return invalidState("two participants joined with one key")
		case p.Role < Member || p.Role > Observer:
			return invalidState("participant %q has an unknown role %s", p.ID, p.Role)
		case p.Role == Facilitator && p.ID != s.Facilitator:
			return invalidState("participant %q has the facilitator's role but %q facilitates", p.ID, s.Facilitator)
		case p.Present && p.Arrived.IsZero():
			return invalidState("participant %q is present but never arrived", p.ID)
		case p.LateBy < 0:
			return invalidState("participant %q was late by a negative time", p.ID)
		}
		ids[p.ID] = true
		if p.Key != "" {
			keys[p.Key] = true
		}
	}
	if s.Facilitator != "" {
		if p, ok := s.Participant(s.Facilitator); !ok || p.Role != Facilitator {
			return invalidState("the facilitator %q is not a participant with that role", s.Facilitator)
		}
	}
	for who := range s.Ready {
		if !ids[who] {
			return invalidState("%q is done with the phase but is no participant", who)
		}
	}
	return nil
}

func (s *State) validateRounds() error {
	if s.Config.Kind == Retro && (len(s.Order) > 0 || len(s.Turns) > 0 || len(s.Blockers) > 0) {
		return invalidState("a retrospective has a stand-up's speaking order, turns or blockers")
	}
	seen := make(map[ParticipantID]bool, len(s.Order))
	for _, id := range s.Order {
		if _, ok := s.Participant(id); !ok || seen[id] {
			return invalidState("the speaking order names %q, who is no participant or is named twice", id)
		}
		seen[id] = true
	}
	if s.Pos < 0 || s.Pos > len(s.Order) {
		return invalidState("the speaker's position %d is outside the speaking order of %d", s.Pos, len(s.Order))
	}
	for i, t := range s.Turns {
		if err := validTimer(t.Timer, fmt.Sprintf("turn %d", i+1)); err != nil {
			return err
		}
		if _, ok := s.Participant(t.Speaker); !ok {
			return invalidState("turn %d is of %q, who is no participant", i+1, t.Speaker)
		}
		if t.Ended.IsZero() && (i < len(s.Turns)-1 || s.Phase != Rounds) {
			return invalidState("turn %d still runs in the %s phase after a later turn or outside the rounds", i+1, s.Phase)
		}
	}
	if s.Phase == Rounds {
		if s.Pos >= len(s.Order) {
			return invalidState("the rounds are on, but the speaker's position %d is past the end of the speaking order of %d", s.Pos, len(s.Order))
		}
		t, ok := s.CurrentTurn()
		if !ok || t.Speaker != s.Order[s.Pos] {
			return invalidState("the rounds are on, but no turn of the speaker %q runs", s.Order[s.Pos])
		}
		if t.Timer.Running() == s.Paused {
			return invalidState("the turn's timer runs while paused, or stands while not paused")
		}
	}
	for i, b := range s.Blockers {
		if _, ok := s.Participant(b.Speaker.ID); !ok {
			return invalidState("blocker %d is of %q, who is no participant", i+1, b.Speaker.ID)
		}
		if b.Text == "" {
			return invalidState("blocker %d has no text", i+1)
		}
	}
	return nil
}

func (s *State) validateParkingLot() error {
	ids := make(map[int]bool, len(s.Items))
	for _, it := range s.Items {
		switch {
		case it.ID < 1 || ids[it.ID]:
			return invalidState("parking-lot item #%d: the id is not positive or is there twice", it.ID)
		case it.Topic == "":
			return invalidState("parking-lot item #%d has no topic", it.ID)
		case it.Status < Open || it.Status > Dropped:
			return invalidState("parking-lot item #%d has an unknown status %s", it.ID, it.Status)
		case it.Status == Decided && it.Note == "":
			return invalidState("parking-lot item #%d is decided without the decision's text", it.ID)
		case it.Phase < Waiting || it.Phase > Closed:
			return invalidState("parking-lot item #%d was parked in an unknown phase %s", it.ID, it.Phase)
		}
		ids[it.ID] = true
	}
	return nil
}

func (s *State) validateActions() error {
	ids := make(map[int]bool, len(s.Actions))
	for _, a := range s.Actions {
		switch {
		case a.ID < 1 || ids[a.ID]:
			return invalidState("action item #%d: the id is not positive or is there twice", a.ID)
		case a.Text == "":
			return invalidState("action item #%d has no text", a.ID)
		case a.Status < ActionOpen || a.Status > ActionDropped:
			return invalidState("action item #%d has an unknown status %s", a.ID, a.Status)
		case a.Topic < 0:
			return invalidState("action item #%d comes from topic %d", a.ID, a.Topic)
		case a.Session == s.ID && a.Topic != 0 && !slices.Contains(s.Topics, a.Topic):
			return invalidState("action item #%d comes from topic %d, which was not discussed", a.ID, a.Topic)
		}
		for _, c := range a.Between {
			switch {
			case c.What != ChangeDone && c.What != ChangeDropped && c.What != ChangeReassigned && c.What != ChangeDue:
				return invalidState("action item #%d: an unknown change %q between meetings", a.ID, c.What)
			case c.By == "" || c.At.IsZero():
				return invalidState("action item #%d: a change between meetings without who or when", a.ID)
			}
		}
		ids[a.ID] = true
	}
	return nil
}

func (s *State) validateRetro() error {
	if s.Config.Kind != Retro {
		if len(s.Cards) > 0 || len(s.Votes) > 0 || len(s.Topics) > 0 || len(s.Notes) > 0 || len(s.Decisions) > 0 ||
			len(s.CheckIns) > 0 || len(s.Rotis) > 0 || len(s.Moves) > 0 || len(s.GroupNames) > 0 || len(s.Ready) > 0 ||
			len(s.Thumbs) > 0 || s.TopicPos != 0 {
			return invalidState("a stand-up has a retrospective's cards, votes, topics or polls")
		}
		return nil
	}
	cols := len(s.Config.Columns)
	if cols < 1 || cols > MaxColumns {
		return invalidState("a retrospective has %d columns, want 1 to %d", cols, MaxColumns)
	}
	groups := map[int]bool{}
	cards := make(map[int]bool, len(s.Cards))
	for _, c := range s.Cards {
		switch {
		case c.ID < 1 || cards[c.ID]:
			return invalidState("card #%d: the id is not positive or is there twice", c.ID)
		case c.Column < 0 || c.Column >= cols:
			return invalidState("card #%d is in column %d of %d", c.ID, c.Column, cols)
		case c.Group < 1:
			return invalidState("card #%d is in topic %d", c.ID, c.Group)
		case c.Text == "":
			return invalidState("card #%d has no text", c.ID)
		}
		cards[c.ID] = true
		groups[c.Group] = true
	}
	perVoter := map[string]int{}
	perTopic := map[Dot]int{}
	for _, d := range s.Votes {
		if d.Voter == "" || !groups[d.Group] {
			return invalidState("a dot on topic %d, which is not on the board, or by nobody", d.Group)
		}
		perVoter[d.Voter]++
		perTopic[d]++
		if perVoter[d.Voter] > s.voteBudget() {
			return invalidState("a voter has %d dots, more than the budget of %d", perVoter[d.Voter], s.voteBudget())
		}
		if s.Config.VoteCap > 0 && perTopic[d] > s.Config.VoteCap {
			return invalidState("a voter has %d dots on topic %d, more than the cap of %d", perTopic[d], d.Group, s.Config.VoteCap)
		}
	}
	discussed := make(map[int]bool, len(s.Topics))
	for _, g := range s.Topics {
		if !groups[g] || discussed[g] {
			return invalidState("topic %d is discussed but is not on the board, or is discussed twice", g)
		}
		discussed[g] = true
	}
	if s.TopicPos < 0 || (len(s.Topics) == 0 && s.TopicPos != 0) || (len(s.Topics) > 0 && s.TopicPos >= len(s.Topics)) {
		return invalidState("the discussion is at position %d of %d topics", s.TopicPos, len(s.Topics))
	}
	for i, n := range s.Notes {
		if n.Text == "" || (n.Topic != 0 && !discussed[n.Topic]) {
			return invalidState("note %d is empty or on topic %d, which was not discussed", i+1, n.Topic)
		}
	}
	for i, d := range s.Decisions {
		if d.Text == "" || (d.Topic != 0 && !discussed[d.Topic]) {
			return invalidState("decision %d is empty or on topic %d, which was not discussed", i+1, d.Topic)
		}
	}
	checkedIn := map[string]bool{}
	for _, c := range s.CheckIns {
		switch {
		case c.Who == "" || checkedIn[c.Who]:
			return invalidState("a check-in is by nobody, or someone checked in twice")
		case c.ESVP < 0 || c.ESVP > Prisoner:
			return invalidState("a check-in answers the poll with %d, want %d to %d", c.ESVP, Explorer, Prisoner)
		case c.ESVP == 0 && c.Word == "":
			return invalidState("a check-in has neither a word nor an answer")
		}
		checkedIn[c.Who] = true
	}
	scored := map[string]bool{}
	for _, r := range s.Rotis {
		switch {
		case r.Voter == "" || scored[r.Voter]:
			return invalidState("a ROTI score is by nobody, or someone scored twice")
		case r.Score < 1 || r.Score > 5:
			return invalidState("a ROTI score is %d, want 1 to 5", r.Score)
		}
		scored[r.Voter] = true
	}
	return nil
}
