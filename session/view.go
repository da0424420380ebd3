package session

import "slices"

// For returns the state as the participant may see it: before the cards
// are revealed, other people's cards keep their column and author (so that
// counts per person can nudge the quiet ones) but lose their text; while
// voting, only the participant's own dots are there. viewer is their id
// and hash their salted stand-in (Room.Viewer). Stand-ups are seen whole.
// The result shares nothing that For changed with s.
func (s *State) For(viewer ParticipantID, hash string) *State {
	if s.Config.Kind != Retro {
		return s
	}
	mine := func(author Person, authorHash string) bool {
		return (author.ID != "" && author.ID == viewer) || (authorHash != "" && authorHash == hash)
	}
	c := *s
	if !s.Revealed {
		c.Cards = slices.Clone(s.Cards)
		for i, card := range c.Cards {
			if !card.FromStandup && !mine(card.Author, card.AuthorHash) {
				c.Cards[i].Text = ""
			}
		}
	}
	if s.Config.Anonymous {
		if s.Revealed {
			c.Cards = slices.Clone(s.Cards)
		}
		for i, card := range c.Cards {
			if card.AuthorHash != hash {
				c.Cards[i].AuthorHash = ""
			}
		}
	}
	if s.Phase == Vote {
		c.Votes = slices.DeleteFunc(slices.Clone(s.Votes), func(d Dot) bool {
			return d.Voter != string(viewer) && d.Voter != hash
		})
	}
	return &c
}

// Hidden reports whether a card's text is hidden from this view.
func (c Card) Hidden() bool { return c.Text == "" }
