package plain

// How each typed command is read: one function per verb of parse.go.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"huddle/session"
)

func parseNext(in Input, _ string) (Request, error) {
	s := in.State
	if s.Config.Kind == session.Retro {
		return cmd(session.Next{Step: s.Step()})
	}
	var sp session.ParticipantID
	if p, ok := s.Speaker(); ok {
		sp = p.ID
	}
	return cmd(session.Next{Speaker: sp})
}

func parseSkip(in Input, _ string) (Request, error) {
	var sp session.ParticipantID
	if p, ok := in.State.Speaker(); ok {
		sp = p.ID
	}
	return cmd(session.Skip{Speaker: sp})
}

func parsePause(in Input, args string) (Request, error) {
	if in.State.Paused {
		return cmd(session.Resume{})
	}
	return cmd(session.Pause{Reason: args})
}

func parsePlus(_ Input, args string) (Request, error) {
	m := 1
	if args != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(args, "m"))
		if err != nil || n <= 0 {
			return Request{}, errUsage
		}
		m = n
	}
	return cmd(session.Extend{By: time.Duration(m) * time.Minute})
}

func parseHere(in Input, args string) (Request, error) {
	if args == "" {
		return Request{}, errUsage
	}
	if p, err := findName(in.State, args); err == nil {
		return cmd(session.Arrive{Who: p.ID})
	}
	return cmd(session.Arrive{Name: strings.TrimPrefix(args, "@")})
}

func parseAway(in Input, args string) (Request, error) {
	p, err := findName(in.State, args)
	if err != nil {
		return Request{}, err
	}
	return cmd(session.Leave{Who: p.ID})
}

func parseWho(f func(session.ParticipantID) session.Command) func(Input, string) (Request, error) {
	return func(in Input, args string) (Request, error) {
		if args == "" {
			return Request{}, errUsage
		}
		p, err := findName(in.State, args)
		if err != nil {
			return Request{}, err
		}
		return cmd(f(p.ID))
	}
}

func knocker(in Input, args string) (session.Knock, string, error) {
	first, rest, _ := strings.Cut(args, " ")
	n, err := number(first)
	if err != nil {
		return session.Knock{}, "", errUsage
	}
	if n > len(in.State.Knocking) {
		return session.Knock{}, "", fmt.Errorf("nobody is knocking as %d", n)
	}
	return in.State.Knocking[n-1], strings.TrimSpace(rest), nil
}

func parseAdmit(in Input, args string) (Request, error) {
	k, rest, err := knocker(in, args)
	if err != nil {
		return Request{}, err
	}
	as := ""
	if r, ok := strings.CutPrefix(rest, "as "); ok {
		as = strings.TrimSpace(r)
	} else if rest != "" {
		return Request{}, errUsage
	}
	return cmd(session.Admit{Key: k.Key, As: as})
}

func parseTurnAway(in Input, args string) (Request, error) {
	k, _, err := knocker(in, args)
	if err != nil {
		return Request{}, err
	}
	return cmd(session.TurnAway{Key: k.Key})
}

func parseUpNext(now bool) func(Input, string) (Request, error) {
	return func(in Input, args string) (Request, error) {
		if args == "" {
			return Request{}, errUsage
		}
		p, err := findName(in.State, args)
		if err != nil {
			return Request{}, err
		}
		var sp session.ParticipantID
		if q, ok := in.State.Speaker(); ok {
			sp = q.ID
		}
		return cmd(session.UpNext{Who: p.ID, Now: now, Speaker: sp})
	}
}

func parseBack(in Input, _ string) (Request, error) { return cmd(session.Back{Step: in.State.Step()}) }

func parseSkipToActions(in Input, _ string) (Request, error) {
	return cmd(session.SkipToActions{Step: in.State.Step()})
}

func parseDone(ready bool) func(Input, string) (Request, error) {
	return func(in Input, _ string) (Request, error) {
		if in.retro() {
			return cmd(session.SetReady{Ready: ready})
		}
		if in.fac() {
			return parseNext(in, "")
		}
		return Request{}, errors.New("in a stand-up the facilitator moves on to the next turn")
	}
}

func parseBlocker(in Input, args string) (Request, error) {
	var who session.ParticipantID
	if strings.HasPrefix(args, "@") {
		first, rest, _ := strings.Cut(args, " ")
		p, err := findName(in.State, first)
		if err != nil {
			return Request{}, err
		}
		who, args = p.ID, strings.TrimSpace(rest)
	}
	if args == "" {
		return Request{}, errUsage
	}
	return cmd(session.NoteBlocker{Speaker: who, Text: args})
}

func parsePark(in Input, args string) (Request, error) {
	var topic []string
	var stay []session.ParticipantID
	for _, w := range strings.Fields(args) {
		if strings.HasPrefix(w, "@") && len(w) > 1 {
			p, err := findName(in.State, w)
			if err != nil {
				return Request{}, err
			}
			stay = append(stay, p.ID)
			continue
		}
		topic = append(topic, w)
	}
	if len(topic) == 0 {
		return Request{}, errUsage
	}
	return cmd(session.Park{Topic: strings.Join(topic, " "), Stay: stay})
}

func parseStay(stay bool) func(Input, string) (Request, error) {
	return func(in Input, args string) (Request, error) {
		n, rest, err := numAndText(args)
		if err != nil {
			return Request{}, err
		}
		who := in.Me
		if rest != "" {
			p, err := findName(in.State, rest)
			if err != nil {
				return Request{}, err
			}
			who = p.ID
		}
		return cmd(session.Stay{Item: n, Who: who, Stay: stay})
	}
}

func parseResolve(st session.Status) func(Input, string) (Request, error) {
	return func(_ Input, args string) (Request, error) {
		n, err := number(args)
		if err != nil {
			return Request{}, errUsage
		}
		return cmd(session.Resolve{Item: n, Status: st})
	}
}

func parseDecide(in Input, args string) (Request, error) {
	first, rest, _ := strings.Cut(args, " ")
	if n, err := number(first); err == nil && strings.TrimSpace(rest) != "" {
		if _, ok := in.State.Item(n); ok || !in.retro() {
			return cmd(session.Resolve{Item: n, Status: session.Decided, Note: strings.TrimSpace(rest)})
		}
	}
	if in.retro() && in.phase(session.Discuss, session.Actions) && args != "" {
		return cmd(session.RecordDecision{Text: args})
	}
	return Request{}, errUsage
}

func parseEditItem(_ Input, args string) (Request, error) {
	n, rest, err := numAndText(args)
	if err != nil || rest == "" {
		return Request{}, errUsage
	}
	return cmd(session.EditItem{Item: n, Topic: rest})
}

func parseNum(f func(int) session.Command) func(Input, string) (Request, error) {
	return func(_ Input, args string) (Request, error) {
		n, err := number(args)
		if err != nil {
			return Request{}, errUsage
		}
		return cmd(f(n))
	}
}

func parseEditBlocker(in Input, args string) (Request, error) {
	n, rest, err := numAndText(args)
	if err != nil || rest == "" {
		return Request{}, errUsage
	}
	was := ""
	if n <= len(in.State.Blockers) {
		was = in.State.Blockers[n-1].Text
	}
	return cmd(session.EditBlocker{Blocker: n - 1, Was: was, Text: rest})
}

func parseDeleteBlocker(in Input, args string) (Request, error) {
	n, err := number(args)
	if err != nil {
		return Request{}, errUsage
	}
	was := ""
	if n <= len(in.State.Blockers) {
		was = in.State.Blockers[n-1].Text
	}
	return cmd(session.DeleteBlocker{Blocker: n - 1, Was: was})
}

func parseText(f func(string) session.Command) func(Input, string) (Request, error) {
	return func(_ Input, args string) (Request, error) {
		if args == "" {
			return Request{}, errUsage
		}
		return cmd(f(args))
	}
}

func parseWord(_ Input, args string) (Request, error) {
	if args == "" {
		return Request{}, errUsage
	}
	return cmd(session.CheckInWord{Word: args})
}

func parseESVP(_ Input, args string) (Request, error) {
	for i, n := range session.ESVPNames {
		if i > 0 && (strings.EqualFold(args, n) || args == strconv.Itoa(i)) {
			return cmd(session.CheckInPoll{Answer: i})
		}
	}
	return Request{}, errUsage
}

func parseReview(_ Input, args string) (Request, error) {
	n, rest, err := numAndText(args)
	if err != nil {
		return Request{}, errUsage
	}
	st, ok := map[string]session.ActionStatus{
		"done": session.ActionDone, "notdone": session.ActionNotDone, "not-done": session.ActionNotDone,
		"dropped": session.ActionDropped, "drop": session.ActionDropped, "open": session.ActionOpen,
	}[strings.ToLower(rest)]
	if !ok {
		return Request{}, errUsage
	}
	return cmd(session.ReviewAction{Action: n, Status: st})
}

// columnOf reads a column by number or by (the start of) its name.
func columnOf(s *session.State, typed string) (int, error) {
	typed = strings.TrimSpace(typed)
	if n, err := strconv.Atoi(typed); err == nil {
		if n < 1 || n > len(s.Config.Columns) {
			return 0, fmt.Errorf("there is no column %d; the columns are %s", n, columns(s))
		}
		return n - 1, nil
	}
	for i, c := range s.Config.Columns {
		if strings.EqualFold(c, typed) {
			return i, nil
		}
	}
	found := -1
	for i, c := range s.Config.Columns {
		if len(c) >= len(typed) && typed != "" && strings.EqualFold(c[:len(typed)], typed) {
			if found >= 0 {
				return 0, fmt.Errorf("%q could be more than one column; the columns are %s", name(typed), columns(s))
			}
			found = i
		}
	}
	if found < 0 {
		return 0, fmt.Errorf("there is no column %q; the columns are %s", name(typed), columns(s))
	}
	return found, nil
}

func columns(s *session.State) string {
	var out []string
	for i, c := range s.Config.Columns {
		out = append(out, strconv.Itoa(i+1)+" "+text(c))
	}
	return strings.Join(out, ", ")
}

func parseCard(in Input, args string) (Request, error) {
	col, body, ok := strings.Cut(args, ":")
	if !ok || strings.TrimSpace(body) == "" {
		return Request{}, errUsage
	}
	c, err := columnOf(in.State, col)
	if err != nil {
		return Request{}, err
	}
	return cmd(session.AddCard{Column: c, Text: strings.TrimSpace(body)})
}

func parseEditCard(_ Input, args string) (Request, error) {
	n, rest, err := numAndText(args)
	if err != nil || rest == "" {
		return Request{}, errUsage
	}
	return cmd(session.EditCard{Card: n, Text: rest})
}

func parseCardNum(f func(int, session.ParticipantID) session.Command) func(Input, string) (Request, error) {
	return func(in Input, args string) (Request, error) {
		n, err := number(args)
		if err != nil {
			return Request{}, errUsage
		}
		return cmd(f(n, in.Me))
	}
}

func parseMove(in Input, args string) (Request, error) {
	n, rest, err := numAndText(args)
	if err != nil || rest == "" {
		return Request{}, errUsage
	}
	c, err := columnOf(in.State, rest)
	if err != nil {
		return Request{}, err
	}
	return cmd(session.MoveCard{Card: n, Column: c})
}

func parseGroup(_ Input, args string) (Request, error) {
	f := strings.Fields(args)
	if len(f) == 3 && f[1] == "into" || len(f) == 3 && f[1] == "onto" {
		f = []string{f[0], f[2]}
	}
	if len(f) != 2 {
		return Request{}, errUsage
	}
	a, err := number(f[0])
	if err != nil {
		return Request{}, err
	}
	b, err := number(f[1])
	if err != nil {
		return Request{}, err
	}
	return cmd(session.GroupCard{Card: a, Onto: b})
}

func parseName(_ Input, args string) (Request, error) {
	n, rest, err := numAndText(args)
	if err != nil || rest == "" {
		return Request{}, errUsage
	}
	return cmd(session.NameGroup{Group: n, Name: rest})
}

func parseVote(remove bool) func(Input, string) (Request, error) {
	return func(in Input, args string) (Request, error) {
		n, err := number(args)
		if err != nil {
			return Request{}, errUsage
		}
		if !slices.Contains(in.State.GroupIDs(), n) {
			return Request{}, fmt.Errorf("there is no topic #%d; topics lists them", n)
		}
		return cmd(session.CastVote{Group: n, Remove: remove})
	}
}

func parseThumb(up bool) func(Input, string) (Request, error) {
	return func(Input, string) (Request, error) { return cmd(session.Thumb{Up: up}) }
}

func parseAction(in Input, args string) (Request, error) {
	var words []string
	var owner session.ParticipantID
	var due time.Time
	f := strings.Fields(args)
	for i := 0; i < len(f); i++ {
		w := f[i]
		switch {
		case strings.HasPrefix(w, "@") && len(w) > 1:
			p, err := findName(in.State, w)
			if err != nil {
				return Request{}, err
			}
			owner = p.ID
		case w == "due" && i+1 < len(f):
			d, err := time.ParseInLocation("2006-01-02", f[i+1], time.UTC)
			if err != nil {
				words = append(words, w)
				continue
			}
			due, i = d, i+1
		default:
			words = append(words, w)
		}
	}
	if len(words) == 0 || owner == "" {
		return Request{}, errUsage
	}
	return cmd(session.AddAction{Text: strings.Join(words, " "), Owner: owner, Due: due})
}

func parseEditAction(in Input, args string) (Request, error) {
	n, rest, err := numAndText(args)
	if err != nil || rest == "" {
		return Request{}, errUsage
	}
	c := session.EditAction{Action: n}
	var words []string
	for _, w := range strings.Fields(rest) {
		if strings.HasPrefix(w, "@") && len(w) > 1 {
			p, err := findName(in.State, w)
			if err != nil {
				return Request{}, err
			}
			c.Owner = p.ID
			continue
		}
		words = append(words, w)
	}
	c.Text = strings.Join(words, " ")
	if c.Owner == "" {
		for _, x := range in.State.Actions {
			if x.ID == n {
				c.Owner = x.Owner.ID
				if c.Text == "" {
					c.Text = x.Text
				}
			}
		}
	}
	return cmd(c)
}

func parseScore(_ Input, args string) (Request, error) {
	n, err := strconv.Atoi(args)
	if err != nil || n < 1 || n > 5 {
		return Request{}, errUsage
	}
	return cmd(session.GiveRoti{Score: n})
}

func parseReviewDecision(o session.ReviewOutcome) func(Input, string) (Request, error) {
	return func(in Input, args string) (Request, error) {
		n, err := number(args)
		if err != nil {
			return Request{}, errUsage
		}
		if n > len(in.State.Review) {
			return Request{}, fmt.Errorf("there is no decision %d to review", n)
		}
		return cmd(session.ReviewDecision{Decision: in.State.Review[n-1].Ref, Outcome: o})
	}
}
