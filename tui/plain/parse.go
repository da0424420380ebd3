package plain

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"huddle/session"
)

// Request is what a typed line asks for: a command for the room, or
// something only this view answers (Local: help, who, list, quit).
type Request struct {
	Command session.Command
	Local   string // "help", "status", "cards", "topics", "items", "actions", "quit"
}

// Input is what a line is read against: the participant's view, who they
// are, and whether the one keyboard drives the session (local mode).
type Input struct {
	State  *session.State
	Me     session.ParticipantID
	Shared bool
}

// verb is one typed command: its name, how it is typed, what it does,
// when it works (nil: always), and how it is read.
type verb struct {
	name, usage, does string
	when              func(in Input) bool
	parse             func(in Input, args string) (Request, error)
}

// errUsage asks for the command's usage line to be shown.
var errUsage = errors.New("usage")

func (in Input) me() session.Participant {
	p, _ := in.State.Participant(in.Me)
	return p
}

func (in Input) fac() bool      { return in.me().Role == session.Facilitator }
func (in Input) observer() bool { return in.me().Role == session.Observer }
func (in Input) retro() bool    { return in.State.Config.Kind == session.Retro }
func (in Input) phase(ps ...session.Phase) bool {
	return slices.Contains(ps, in.State.Phase)
}

func facIn(ps ...session.Phase) func(Input) bool {
	return func(in Input) bool { return in.fac() && (len(ps) == 0 || in.phase(ps...)) }
}

func memberIn(ps ...session.Phase) func(Input) bool {
	return func(in Input) bool { return !in.observer() && (len(ps) == 0 || in.phase(ps...)) }
}

func retroIn(fac bool, ps ...session.Phase) func(Input) bool {
	return func(in Input) bool {
		return in.retro() && in.phase(ps...) && !in.observer() && (!fac || in.fac())
	}
}

func standupIn(fac bool, ps ...session.Phase) func(Input) bool {
	return func(in Input) bool {
		return !in.retro() && in.phase(ps...) && !in.observer() && (!fac || in.fac())
	}
}

// writing: cards may be written (in the waiting room too when the
// retrospective collects them ahead).
func writing(in Input) bool {
	ps := []session.Phase{session.Write}
	if in.State.Config.Collect {
		ps = append(ps, session.Waiting)
	}
	return retroIn(false, ps...)(in)
}

// facilitatorAway: a member may take over.
func facilitatorAway(in Input) bool {
	f, ok := in.State.Participant(in.State.Facilitator)
	return !in.fac() && !in.observer() && (!ok || !f.Present) && in.State.Phase != session.Closed
}

func local(what string) func(Input, string) (Request, error) {
	return func(Input, string) (Request, error) { return Request{Local: what}, nil }
}

func cmd(c session.Command) (Request, error) { return Request{Command: c}, nil }

var running = []session.Phase{session.Rounds, session.Parking, session.CheckIn, session.Review, session.Write, session.Group, session.Vote, session.Discuss, session.Actions, session.Roti}

// verbs is every command, in the order help lists them.
var verbs []verb

func init() {
	verbs = []verb{
		{"help", "help", "what you can do now", nil, local("help")},
		{"status", "status", "where the meeting is", nil, local("status")},
		{"items", "items", "the parking lot, numbered", nil, local("items")},
		{"cards", "cards", "the cards, numbered", func(in Input) bool { return in.retro() }, local("cards")},
		{"topics", "topics", "the topics, numbered, with their dots", func(in Input) bool { return in.retro() }, local("topics")},
		{"actions", "actions", "the action items, numbered", nil, local("actions")},
		{"quit", "quit", "leave (ctrl-d does too)", nil, local("quit")},

		// Stand-up and both: the facilitator's.
		{"start", "start", "start the meeting", facIn(session.Waiting), func(Input, string) (Request, error) { return cmd(session.Start{}) }},
		{"next", "next", "end this turn (or step) and move on", facIn(running...), parseNext},
		{"skip", "skip", "send the speaker to the end of the order", facIn(session.Rounds), parseSkip},
		{"pause", "pause [REASON]", "stop the timers (again: resume them)", facIn(running...), parsePause},
		{"resume", "resume", "start the timers again", facIn(running...), func(Input, string) (Request, error) { return cmd(session.Resume{}) }},
		{"plus", "plus [MINUTES]", "add time (1 minute if not said)", facIn(running...), parsePlus},
		{"end", "end", "end the meeting now", facIn(append([]session.Phase{session.Waiting}, running...)...), func(Input, string) (Request, error) { return cmd(session.End{}) }},
		{"here", "here NAME", "mark someone present", facIn(session.Waiting, session.Rounds, session.Parking, session.CheckIn, session.Review, session.Write), parseHere},
		{"away", "away NAME", "mark someone away", facIn(append([]session.Phase{session.Waiting}, running...)...), parseAway},
		{"unarrive", "unarrive NAME", "undo a mistaken arrival", facIn(session.Waiting, session.Rounds, session.Parking), parseWho(func(id session.ParticipantID) session.Command { return session.Unarrive{Who: id} })},
		{"remove", "remove NAME", "take someone out of the session", facIn(), parseWho(func(id session.ParticipantID) session.Command { return session.Remove{Who: id} })},
		{"remove-guest", "remove-guest NAME", "take out a guest marked present by mistake", facIn(), parseWho(func(id session.ParticipantID) session.Command { return session.RemoveGuest{Who: id} })},
		{"promote", "promote NAME", "make a guest a member of the team", facIn(), parseWho(func(id session.ParticipantID) session.Command { return session.PromoteGuest{Who: id} })},
		{"admit", "admit N [as NAME]", "let in who knocks (N from the knock line)", facIn(), parseAdmit},
		{"turnaway", "turnaway N", "send away who knocks", facIn(), parseTurnAway},
		{"handover", "handover NAME", "make someone else the facilitator", facIn(), parseWho(func(id session.ParticipantID) session.Command { return session.HandOver{To: id} })},
		{"takeover", "takeover", "facilitate when the facilitator is gone", facilitatorAway, func(Input, string) (Request, error) { return cmd(session.TakeOver{}) }},
		{"upnext", "upnext NAME", "make someone the next speaker", standupIn(true, session.Rounds), parseUpNext(false)},
		{"now", "now NAME", "give the turn to someone now", standupIn(true, session.Rounds), parseUpNext(true)},
		{"moveup", "moveup NAME", "move someone one place up in the order", standupIn(true, session.Rounds), parseWho(func(id session.ParticipantID) session.Command { return session.MoveUp{Who: id} })},
		{"back", "back", "go back one step", facIn(session.Review, session.Write, session.Group, session.Vote, session.Discuss, session.Actions, session.Roti), parseBack},

		// Everyone taking part.
		{"done", "done", "say you are done with this phase (the facilitator: next)", memberIn(running...), parseDone(true)},
		{"notdone", "notdone", "take back done", retroIn(false, running...), parseDone(false)},
		{"blocker", "blocker [@NAME] TEXT", "note a blocker (yours; the facilitator: anyone's)", memberIn(session.Rounds), parseBlocker},
		{"park", "park TOPIC [@NAME ...]", "park a topic, with who needs to stay", memberIn(append([]session.Phase{session.Waiting}, running...)...), parsePark},
		{"stay", "stay N [@NAME]", "stay for parking-lot item N", memberIn(running...), parseStay(true)},
		{"unstay", "unstay N [@NAME]", "no longer stay for item N", memberIn(running...), parseStay(false)},
		{"discussed", "discussed N", "mark parking-lot item N discussed", facIn(running...), parseResolve(session.Discussed)},
		{"decide", "decide N TEXT", "record the decision on parking-lot item N (retro, discussing: decide TEXT)", facIn(running...), parseDecide},
		{"retro", "retro N", "send parking-lot item N to the next retro", facIn(running...), parseResolve(session.SentToRetro)},
		{"drop", "drop N", "drop parking-lot item N", facIn(running...), parseResolve(session.Dropped)},
		{"edit-item", "edit-item N TOPIC", "change the topic of item N", memberIn(running...), parseEditItem},
		{"delete-item", "delete-item N", "delete parking-lot item N", memberIn(running...), parseNum(func(n int) session.Command { return session.DeleteItem{Item: n} })},
		{"edit-blocker", "edit-blocker N TEXT", "change blocker N", memberIn(running...), parseEditBlocker},
		{"delete-blocker", "delete-blocker N", "delete blocker N", memberIn(running...), parseDeleteBlocker},

		// Retrospective.
		{"word", "word WORD", "check in with a word", retroIn(false, session.CheckIn), parseWord},
		{"esvp", "esvp 1-4|explorer|shopper|vacationer|prisoner", "answer the ESVP poll", retroIn(false, session.CheckIn), parseESVP},
		{"review", "review N done|notdone|dropped|open", "review action item N", retroIn(true, session.Review), parseReview},
		{"confirm", "confirm N", "confirm decision N on the review list", retroIn(true, session.Review), parseReviewDecision(session.Confirmed)},
		{"reopen", "reopen N", "reopen decision N on the review list", retroIn(true, session.Review), parseReviewDecision(session.Reopened)},
		{"card", "card COLUMN: TEXT", "write a card (COLUMN by name or number)", writing, parseCard},
		{"edit", "edit N TEXT", "change your card N", writing, parseEditCard},
		{"delete", "delete N", "delete your card N", writing, parseCardNum(func(n int, _ session.ParticipantID) session.Command { return session.DeleteCard{Card: n} })},
		{"move", "move N COLUMN", "put your card N in another column", retroIn(false, session.Write), parseMove},
		{"reveal", "reveal", "show every card", retroIn(true, session.Write), func(Input, string) (Request, error) { return cmd(session.Reveal{}) }},
		{"group", "group N M", "put card N into the topic of card M", retroIn(false, session.Group), parseGroup},
		{"undo", "undo", "undo the last grouping", retroIn(true, session.Group), func(Input, string) (Request, error) { return cmd(session.UndoGroup{}) }},
		{"name", "name N TEXT", "name topic N", retroIn(false, session.Group, session.Vote), parseName},
		{"vote", "vote N", "put a dot on topic N", retroIn(false, session.Vote), parseVote(false)},
		{"unvote", "unvote N", "take a dot back from topic N", retroIn(false, session.Vote), parseVote(true)},
		{"up", "up", "thumbs up: go on with this topic", retroIn(false, session.Discuss), parseThumb(true)},
		{"down", "down", "thumbs down: next topic", retroIn(false, session.Discuss), parseThumb(false)},
		{"another", "another", "another round on this topic", retroIn(true, session.Discuss), func(Input, string) (Request, error) { return cmd(session.AnotherRound{}) }},
		{"note", "note TEXT", "note something on this topic", retroIn(false, session.Discuss), parseText(func(t string) session.Command { return session.AddNote{Text: t} })},
		{"action", "action TEXT @OWNER [due YYYY-MM-DD]", "add an action item", retroIn(false, session.Discuss, session.Actions), parseAction},
		{"edit-action", "edit-action N TEXT", "change action item N", retroIn(false, session.Discuss, session.Actions), parseEditAction},
		{"delete-action", "delete-action N", "delete action item N", retroIn(false, session.Discuss, session.Actions), parseNum(func(n int) session.Command { return session.DeleteAction{Action: n} })},
		{"skip-to-actions", "skip-to-actions", "end the discussion here", retroIn(true, session.Discuss), parseSkipToActions},
		{"score", "score 1-5", "give the ROTI score", retroIn(false, session.Roti), parseScore},
	}
}

// Parse reads one typed line. A line that names no command, or a command
// typed wrong, is an error that says what was wrong; nothing is sent.
// Locally (Input.Shared) the facilitator acts for someone with
// "for NAME COMMAND".
func Parse(in Input, line string) (Request, error) {
	line = strings.TrimSpace(Printable(line))
	if line == "" {
		return Request{}, errors.New("type a command; help lists them")
	}
	word, args, _ := strings.Cut(line, " ")
	word, args = strings.ToLower(word), strings.TrimSpace(args)
	if word == "for" && in.Shared {
		who, rest, _ := strings.Cut(args, " ")
		p, err := findName(in.State, who)
		if err != nil {
			return Request{}, err
		}
		r, err := Parse(in, rest)
		if err != nil {
			return r, err
		}
		r.Command, err = acting(r.Command, p.ID)
		return r, err
	}
	if word == "?" {
		word = "help"
	}
	i := slices.IndexFunc(verbs, func(v verb) bool { return v.name == word })
	if i < 0 {
		return Request{}, fmt.Errorf("%q is not a command; help lists what works now", word)
	}
	v := verbs[i]
	r, err := v.parse(in, args)
	if errors.Is(err, errUsage) {
		return r, fmt.Errorf("type it as: %s", v.usage)
	}
	return r, err
}

// acting makes a command one the facilitator gives for someone else at
// the shared keyboard.
func acting(c session.Command, id session.ParticipantID) (session.Command, error) {
	switch c := c.(type) {
	case session.CheckInWord:
		c.For = id
		return c, nil
	case session.CheckInPoll:
		c.For = id
		return c, nil
	case session.AddCard:
		c.For = id
		return c, nil
	case session.EditCard:
		c.For = id
		return c, nil
	case session.DeleteCard:
		c.For = id
		return c, nil
	case session.MoveCard:
		c.For = id
		return c, nil
	case session.CastVote:
		c.For = id
		return c, nil
	case session.Thumb:
		c.For = id
		return c, nil
	case session.GiveRoti:
		c.For = id
		return c, nil
	case session.SetReady:
		c.For = id
		return c, nil
	case session.Park:
		c.RaisedBy = id
		return c, nil
	case session.NoteBlocker:
		c.Speaker = id
		return c, nil
	case session.Stay:
		c.Who = id
		return c, nil
	}
	return nil, errors.New("that command is not given for someone else")
}

// Help lists the commands that work now for this participant.
func Help(in Input) []string {
	var out []string
	for _, v := range verbs {
		if v.when == nil || v.when(in) {
			out = append(out, fmt.Sprintf("%-36s %s", v.usage, v.does))
		}
	}
	if in.Shared && in.fac() {
		out = append(out, fmt.Sprintf("%-36s %s", "for NAME COMMAND", "act for someone at this keyboard"))
	}
	return out
}

// findName finds a participant by name: exactly (ignoring case and a
// leading @), else by a prefix only one name has.
func findName(s *session.State, typed string) (session.Participant, error) {
	typed = strings.TrimPrefix(strings.TrimSpace(typed), "@")
	if typed == "" {
		return session.Participant{}, errors.New("name someone")
	}
	var found []session.Participant
	for _, p := range s.Participants {
		if p.Removed {
			continue
		}
		if strings.EqualFold(p.Name, typed) {
			return p, nil
		}
		if len(p.Name) >= len(typed) && strings.EqualFold(p.Name[:len(typed)], typed) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return session.Participant{}, fmt.Errorf("nobody called %q is in this session", name(typed))
	}
	var names []string
	for _, p := range found {
		names = append(names, name(p.Name))
	}
	return session.Participant{}, fmt.Errorf("%q could be %s; type more of the name", name(typed), strings.Join(names, " or "))
}

// number reads a list number such as 3 or #3.
func number(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(s), "#"))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a number from a list", name(s))
	}
	return n, nil
}

// numAndText splits "3 some text".
func numAndText(args string) (int, string, error) {
	first, rest, _ := strings.Cut(args, " ")
	if first == "" {
		return 0, "", errUsage
	}
	n, err := number(first)
	return n, strings.TrimSpace(rest), err
}

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
