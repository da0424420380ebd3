package session

import (
	"slices"
	"strconv"
)

// For returns the state as the participant may see it: before the cards
// are revealed, other people's cards keep their column and author (so that
// counts per person can nudge the quiet ones) but lose their text; while
// voting, only the participant's own dots are there. viewer is their id
// and hash their key (Room.Viewer): in the view, every anonymous
// contribution of theirs carries hash in place of its token, and nobody
// else's carries a token that says whose it is. While an anonymous poll is
// open (see TallyHidden), other people's answers are there but say
// nothing. Stand-ups are seen whole. The result shares nothing that For
// changed with s.
func (s *State) For(viewer ParticipantID, hash string) *State {
	if s.Config.Kind != Retro {
		return s
	}
	c := *s
	if !s.Revealed || s.Config.Anonymous {
		c.Cards = slices.Clone(s.Cards)
	}
	for i, card := range c.Cards {
		mine := card.Author.ID != "" && card.Author.ID == viewer
		if card.AuthorHash != "" {
			mine = owns(hash, tokCard, card.Nonce, card.AuthorHash)
			c.Cards[i].AuthorHash, c.Cards[i].Nonce = "", 0
			if mine {
				c.Cards[i].AuthorHash = hash
			}
		}
		if !s.Revealed && !card.FromStandup && !mine {
			c.Cards[i].Text = ""
		}
	}
	if s.Config.Anonymous {
		c.Votes = slices.Clone(s.Votes)
		for i, d := range c.Votes {
			if owns(hash, tokDot, d.ID, d.Voter) {
				c.Votes[i].Voter = hash
			} else {
				c.Votes[i].Voter = ""
			}
		}
	}
	if s.Phase == Vote {
		c.Votes = slices.DeleteFunc(slices.Clone(c.Votes), func(d Dot) bool {
			return (d.Voter != string(viewer) || s.Config.Anonymous) && (hash == "" || d.Voter != hash)
		})
	}
	hidden := s.TallyHidden()
	c.CheckIns = slices.Clone(s.CheckIns)
	for i, e := range c.CheckIns {
		if e.ID == 0 { // a name, or a record from before tokens per answer
			continue
		}
		if owns(hash, tokCheckIn, e.ID, e.Who) {
			c.CheckIns[i].Who = hash
			continue
		}
		c.CheckIns[i].Who = ""
		if hidden {
			c.CheckIns[i].ESVP, c.CheckIns[i].Word = 0, ""
		}
	}
	c.Rotis = slices.Clone(s.Rotis)
	for i, r := range c.Rotis {
		if r.ID == 0 {
			continue
		}
		if owns(hash, tokRoti, r.ID, r.Voter) {
			c.Rotis[i].Voter = hash
			continue
		}
		c.Rotis[i].Voter = ""
		if hidden {
			c.Rotis[i].Score = 0
		}
	}
	if s.Config.Anonymous && len(s.Thumbs) > 0 {
		c.Thumbs = make(map[string]bool, len(s.Thumbs))
		i := 0
		for k, up := range s.Thumbs {
			if _, mine := ownsThumb(hash, k); mine {
				c.Thumbs[hash] = up
				continue
			}
			i++
			// Another's thumb: counted, never named; while the show of
			// thumbs is open, not told either.
			c.Thumbs["thumb "+strconv.Itoa(i)] = up && !hidden
		}
	}
	return &c
}

// TallyHidden reports whether the answers of the current phase's
// anonymous poll are still hidden: the ESVP poll (or any check-in of an
// anonymous retrospective) while checking in, the ROTI scores, and the
// thumbs of an anonymous retrospective's discussion. Each answer that
// showed as it came would tell who gave it, so they show once as many
// answers are in as members are here, or when the phase is over. Views
// (State.For) keep hidden answers out; screens say how many are in.
func (s *State) TallyHidden() bool {
	if s.Config.Kind != Retro {
		return false
	}
	present := 0
	for _, p := range s.Participants {
		if p.Speaks() {
			present++
		}
	}
	switch {
	case s.Phase == CheckIn && (s.Config.ESVP || s.Config.Anonymous):
		return len(s.CheckIns) < present
	case s.Phase == Roti:
		scored, of, _ := s.RotiTally()
		return scored < of
	case s.Phase == Discuss && s.Config.Anonymous:
		return len(s.Thumbs) < present
	}
	return false
}

// Hidden reports whether a card's text is hidden from this view.
func (c Card) Hidden() bool { return c.Text == "" }
