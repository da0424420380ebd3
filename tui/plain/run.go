package plain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"huddle/session"
)

// Room is what the plain view needs of a live session: the TUI's Room.
type Room interface {
	Submit(actor session.ParticipantID, c session.Command) error
	Subscribe() *session.Subscription
	Clock() session.Clock
	Viewer(id session.ParticipantID) string
}

// Options tune a plain view.
type Options struct {
	// Location is the participant's time zone for the HH:MM of each
	// line; nil: the machine's.
	Location *time.Location
	// Shared is local mode: one keyboard, the operator facilitates and
	// may act for others ("for NAME COMMAND").
	Shared bool
	// Raw: the terminal neither echoes nor edits (a pty in raw mode, as
	// over SSH): typed characters are echoed here, and lines end with
	// CRLF. Otherwise the terminal edits the line and lines end with LF.
	Raw bool
	// Key is the participant's SSH key fingerprint: a knocker who is let
	// in under a roster name is followed to that participant.
	Key string
	// Actions limits commands per second, with a burst of ActionBurst
	// (0: no limit), as in the TUI; past it, typed lines wait their turn
	// (a script's lines are taken in order, never dropped).
	Actions     float64
	ActionBurst int
	// JoinCommand is how others join over SSH, up to the join code
	// ("ssh -t -p 2222 host join"); told once after the summary.
	JoinCommand string
	// IdleTimeout ends the view this long after the session ended or
	// the last typed line, whichever came later (0: never), as in the
	// TUI; OnIdle, if set, is called when that happens.
	IdleTimeout time.Duration
	OnIdle      func()
}

// maxLine bounds a typed line; what is typed beyond it is dropped.
const maxLine = 2000

// Run shows the session to participant me as lines on out and reads
// typed commands from in, until in ends (ctrl-c or ctrl-d in raw mode,
// "quit"), ctx ends or the session is no longer open here.
func Run(ctx context.Context, room Room, me session.ParticipantID, in io.Reader, out io.Writer, opt Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub := room.Subscribe()
	defer sub.Close()
	pr := &printer{w: out, raw: opt.Raw}
	clock := room.Clock()
	v := &viewer{room: room, me: me, key: opt.Key}
	ann := NewAnnouncer(me, "", opt.Location)
	snap, ok := <-sub.C()
	if !ok {
		pr.say(ann.stamp(clock.Now()) + "this session is no longer open here")
		return nil
	}
	state := v.view(snap.State, ann)
	pr.print(ann.Summary(state, clock.Now()))
	if opt.JoinCommand != "" && state.Phase != session.Closed {
		pr.say(ann.stamp(clock.Now()) + "others join with: " + Printable(opt.JoinCommand) + " " + state.Config.Code)
	}
	v.door(pr, state, clock.Now(), ann)

	typed := make(chan string)
	readDone := make(chan error, 1)
	go func() { readDone <- pr.read(ctx, in, typed) }()
	var limit *rate.Limiter
	if opt.Actions > 0 {
		limit = rate.NewLimiter(rate.Limit(opt.Actions), max(1, opt.ActionBurst))
	}
	var tick, idle session.ClockTimer
	stop := func() {
		for _, t := range []session.ClockTimer{tick, idle} {
			if t != nil {
				t.Stop()
			}
		}
		tick, idle = nil, nil
	}
	defer stop()
	lastLine := clock.Now()
	for {
		var fire, idled <-chan time.Time
		stop()
		if next, ok := ann.Next(clock.Now()); ok {
			tick = clock.NewTimerAt(next)
			fire = tick.C()
		}
		if opt.IdleTimeout > 0 && state.Phase == session.Closed {
			since := lastLine
			if state.Ended.After(since) {
				since = state.Ended
			}
			idle = clock.NewTimerAt(since.Add(opt.IdleTimeout))
			idled = idle.C()
		}
		select {
		case <-idled:
			if opt.OnIdle != nil {
				opt.OnIdle()
			}
			return nil
		case <-ctx.Done():
			return nil
		case err := <-readDone:
			return err
		case snap, ok := <-sub.C():
			if !ok {
				pr.say(ann.stamp(clock.Now()) + "this session is no longer open here")
				return nil
			}
			state = v.view(snap.State, ann)
			pr.print(ann.Update(state, clock.Now()))
			if v.door(pr, state, clock.Now(), ann) {
				return nil
			}
		case <-fire:
			pr.print(ann.Tick(clock.Now()))
		case line := <-typed:
			lastLine = clock.Now()
			if quit := v.do(ctx, pr, ann, state, line, opt.Shared, limit, clock.Now()); quit {
				return nil
			}
		}
	}
}

// viewer is whose view it is: the participant, their key to their
// anonymous contributions, and their SSH key, to follow a knocker who is
// let in.
type viewer struct {
	room    Room
	me      session.ParticipantID
	key     string
	hash    string
	hashed  bool
	knocked bool // told already that they wait at the door
}

// view is the state as this participant may see it, the TUI's view
// (session.State.For).
func (v *viewer) view(s *session.State, ann *Announcer) *session.State {
	if _, ok := s.Participant(v.me); !ok && v.key != "" {
		if p, ok := s.ByKey(v.key); ok {
			v.me, v.hashed = p.ID, false
			ann.SetMe(p.ID)
		}
	}
	if !v.hashed && s.Phase != session.Closed {
		if _, ok := s.Participant(v.me); ok {
			v.hash, v.hashed = v.room.Viewer(v.me), true
			ann.SetHash(v.hash)
		}
	}
	return s.For(v.me, v.hash)
}

// door tells a knocker that they wait, and reports whether they were
// turned away.
func (v *viewer) door(pr *printer, s *session.State, now time.Time, ann *Announcer) (barred bool) {
	if v.key == "" {
		return false
	}
	if s.Barred[v.key] {
		pr.say(ann.stamp(now) + "the facilitator has not let you into this session")
		return true
	}
	if _, ok := s.Knocker(v.key); ok && !v.knocked {
		v.knocked = true
		pr.say(ann.stamp(now) + "you are waiting at the door; the facilitator lets you in")
	}
	return false
}

// do runs one typed line and reports whether it asks to leave.
func (v *viewer) do(ctx context.Context, pr *printer, ann *Announcer, s *session.State, line string, shared bool, limit *rate.Limiter, now time.Time) bool {
	at := ann.stamp(now)
	in := Input{State: s, Me: v.me, Shared: shared}
	if strings.TrimSpace(line) == "" {
		return false
	}
	req, err := Parse(in, line)
	if err != nil {
		pr.say(at + "not done: " + Printable(err.Error()) + "; help lists what works now")
		return false
	}
	switch req.Local {
	case "quit":
		return true
	case "help":
		pr.say(at + "you can type now:")
		pr.print(prefix(at, Help(in)))
		return false
	case "status":
		pr.print(ann.Summary(s, now))
		return false
	case "items", "cards", "topics", "actions":
		out := Listing(req.Local, s, ann)
		if len(out) == 0 {
			out = []string{"none yet"}
		}
		pr.print(prefix(at, out))
		return false
	}
	if limit != nil && limit.Wait(ctx) != nil {
		return true // the view is ending
	}
	if err := v.room.Submit(v.me, req.Command); err != nil {
		pr.say(at + "not done: " + Printable(errText(err)) + "; help lists what works now")
	}
	return false
}

// errText is a refusal as a participant reads it.
func errText(err error) string {
	switch {
	case errors.Is(err, session.ErrFull):
		return "could not save: the disk is full; nothing was changed"
	case errors.Is(err, session.ErrStore):
		return "could not save (a storage error); nothing was changed, try again"
	}
	return err.Error()
}

func prefix(at string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = at + l
	}
	return out
}

// Listing is one of the numbered lists: "items" (the parking lot),
// "cards", "topics" or "actions", as this view has them.
func Listing(what string, s *session.State, ann *Announcer) []string {
	var out []string
	switch what {
	case "items":
		for _, it := range s.Items {
			if it.Status == session.Open {
				out = append(out, fmt.Sprintf("parking lot #%d: %s%s", it.ID, text(it.Topic), stays(it)))
			} else {
				out = append(out, "parking lot: "+outcome(it))
			}
		}
	case "cards":
		for _, c := range s.Cards {
			out = append(out, ann.cardLine(s, c))
		}
	case "topics":
		for _, g := range s.GroupIDs() {
			line := fmt.Sprintf("topic #%d: %s", g, topicName(s, g))
			if s.Phase != session.Vote || s.Config.Anonymous {
				line += fmt.Sprintf(", %d dots", s.VotesFor(g))
			}
			if s.Phase == session.Vote {
				line += fmt.Sprintf(", %d of yours", s.VotesBy(ann.voter(), g))
			}
			out = append(out, line)
		}
	case "actions":
		for _, x := range s.Actions {
			out = append(out, fmt.Sprintf("action #%d: %s", x.ID, actionText(x)))
		}
	}
	for i := range out {
		out[i] = Printable(out[i])
	}
	return out
}
