package tui

import (
	"errors"
	"slices"
	"strings"
	"unicode"

	"huddle/session"
)

// The names typed into prompts: the participant a name means, the @Name
// mentions of a parked topic, tab completion of a mention, and the
// absent participant a mistyped arrival most likely meant.

// parseMentions reads a parked topic with trailing @Name mentions: the
// people named need to stay for it. A mention is a whole name, spaces
// and all ("@Åsa Ström"), or the start of one that only one person's
// name starts with ("@Åsa", "@Lu"). At the shared keyboard of local mode
// the first one named raised it; over SSH whoever typed it did. An "@"
// inside the topic that is not followed by mentions to the end is text.
func (m *common) parseMentions(value string) (session.Park, error) {
	var c session.Park
	value = strings.Join(strings.Fields(value), " ")
	for i := 0; i < len(value); i++ {
		if value[i] != '@' || (i > 0 && value[i-1] != ' ') || i+1 == len(value) {
			continue
		}
		stay, err := m.mentions(value[i:])
		if errors.Is(err, errNotMentions) {
			continue
		}
		if err != nil {
			return c, err
		}
		c.Topic, c.Stay = strings.TrimSpace(value[:i]), stay
		break
	}
	if c.Stay == nil {
		c.Topic = value
	}
	if m.opts.SharedKeyboard && len(c.Stay) > 0 {
		c.RaisedBy = c.Stay[0]
	}
	return c, nil
}

// errNotMentions: the text from an "@" on is not mentions to its end.
var errNotMentions = errors.New("not mentions")

// mentions reads s, "@Name @Other Name …" to its end. A name nobody
// has is an error only at the end of the text (before that, it may be
// text that has an "@" in it); one that several names start with always
// is.
func (m *roster) mentions(s string) ([]session.ParticipantID, error) {
	var ids []session.ParticipantID
	for s != "" {
		if s[0] != '@' {
			return nil, errNotMentions
		}
		p, rest, err := m.mentionAt(s[1:])
		var amb ambiguousName
		switch {
		case errors.As(err, &amb):
			return nil, err
		case err != nil && strings.TrimSpace(rest) != "":
			return nil, errNotMentions
		case err != nil:
			return nil, err
		}
		if !slices.Contains(ids, p.ID) {
			ids = append(ids, p.ID)
		}
		s = strings.TrimSpace(rest)
	}
	return ids, nil
}

// mentionAt reads the name that s starts with: a whole name (the longest
// that fits, as names have spaces), else the first word as the start of
// one name (see lookupName). It returns the rest of s.
func (m *roster) mentionAt(s string) (session.Participant, string, error) {
	if p, rest, ok := m.leadingName(s); ok {
		return p, rest, nil
	}
	word, rest, _ := strings.Cut(s, " ")
	p, err := m.lookupName(word)
	return p, rest, err
}

// findByName finds the participant a typed name means (see lookupName).
func (m *roster) findByName(name string) (session.Participant, bool) {
	p, err := m.lookupName(name)
	return p, err == nil
}

// lookupName finds the participant a typed name means: the one with that
// name, ignoring case, else the only one whose name starts with it (a
// first name, "Åsa" for "Åsa Ström", or the start of a name). It says
// when nobody or several people fit.
func (m *roster) lookupName(name string) (session.Participant, error) {
	name = session.CleanName(name)
	if name == "" {
		return session.Participant{}, errNoSuchName(name)
	}
	if p, ok := m.exactName(name); ok {
		return p, nil
	}
	var found []session.Participant
	for _, p := range m.state.Participants {
		if !p.Removed && hasPrefixFold(p.Name, name) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return session.Participant{}, errNoSuchName(name)
	}
	return session.Participant{}, ambiguousName{name, names(found)}
}

// exactName finds the participant with the name, ignoring case.
func (m *roster) exactName(name string) (session.Participant, bool) {
	name = session.CleanName(name)
	for _, p := range m.state.Participants {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return session.Participant{}, false
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

// completeMention completes the "@" mention the text ends with: to the
// whole name when one name starts with what is typed (and a space after
// it), else as far as all the names that do agree. It reports whether it
// changed anything.
func (m *roster) completeMention(value string) (string, bool) {
	i := strings.LastIndex(value, "@")
	if i < 0 || (i > 0 && value[i-1] != ' ') {
		return value, false
	}
	typed := value[i+1:]
	var fits []string
	for _, p := range m.state.Participants {
		if !p.Removed && hasPrefixFold(p.Name, typed) {
			fits = append(fits, p.Name)
		}
	}
	if len(fits) == 0 {
		return value, false
	}
	done := fits[0]
	if len(fits) == 1 {
		done += " "
	}
	for _, f := range fits[1:] {
		done = commonPrefixFold(done, f)
	}
	if len([]rune(done)) <= len([]rune(typed)) {
		return value, false
	}
	return value[:i+1] + done, true
}

// commonPrefixFold is the longest start of a that b shares, ignoring case.
func commonPrefixFold(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && unicode.ToLower(ra[n]) == unicode.ToLower(rb[n]) {
		n++
	}
	return string(ra[:n])
}

// leadingName finds the participant whose name starts s, followed by a
// space or nothing (the longest such name, as names may have spaces), and
// returns the rest of s.
func (m *roster) leadingName(s string) (session.Participant, string, bool) {
	var best session.Participant
	found := false
	for _, p := range m.state.Participants {
		n := len(p.Name)
		if len(s) < n || !strings.EqualFold(s[:n], p.Name) || (len(s) > n && s[n] != ' ') {
			continue
		}
		if !found || n > len(best.Name) {
			best, found = p, true
		}
	}
	if !found {
		return session.Participant{}, "", false
	}
	return best, strings.TrimSpace(s[len(best.Name):]), true
}

// closestAbsent is the name of the participant not here yet that a
// mistyped arrival most likely meant: the only one whose name starts with
// it, else the nearest by edit distance if that is close (at most a third
// of the name's letters, and at least one), else "".
func (m *roster) closestAbsent(typed string) string {
	absent := m.state.Absent()
	var starts []string
	for _, p := range absent {
		if hasPrefixFold(p.Name, typed) {
			starts = append(starts, p.Name)
		}
	}
	if len(starts) == 1 {
		return starts[0]
	}
	best, bestD := "", 0
	t := []rune(strings.ToLower(typed))
	for _, p := range absent {
		d := editDistance(t, []rune(strings.ToLower(p.Name)))
		if d <= max(1, len(t)/3) && (best == "" || d < bestD) {
			best, bestD = p.Name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

type nameError string

func (e nameError) Error() string { return "nobody called " + string(e) + " is in this session" }

func errNoSuchName(name string) error { return nameError(session.CleanName(name)) }

// ambiguousName: several participants' names start with what was typed.
type ambiguousName struct {
	typed string
	names []string
}

func (e ambiguousName) Error() string {
	return "@" + e.typed + " could be " + strings.Join(e.names, " or ") + ": type more of the name"
}
