package session

// A retrospective can be opened days ahead for collecting (Config.Collect):
// from the waiting room on, members write cards, edit and delete their
// own, exactly as in the writing phase — hidden from everyone else until
// the reveal (see View), and in an anonymous retrospective recorded as
// anonymously as there. The writing phase then goes on with them.

// writingPhases are the phases in which cards are written.
func writingPhases(s *State) []Phase {
	if s.Config.Collect {
		return []Phase{Waiting, Write}
	}
	return []Phase{Write}
}
