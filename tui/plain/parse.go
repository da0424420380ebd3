package plain

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
