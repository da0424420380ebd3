package plain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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

// printer writes whole lines, and in raw mode echoes what is typed and
// edits the line; a line told while one is being typed comes before it,
// and the typed part is shown again after it.
type printer struct {
	mu  sync.Mutex
	w   io.Writer
	raw bool
	buf []byte // the line being typed (raw mode)
}

func (p *printer) nl() string {
	if p.raw {
		return "\r\n"
	}
	return "\n"
}

func (p *printer) say(line string) { p.print([]string{line}) }

func (p *printer) print(lines []string) {
	if len(lines) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	if p.raw && len(p.buf) > 0 {
		b.WriteString(p.nl())
	}
	for _, l := range lines {
		b.WriteString(Printable(l))
		b.WriteString(p.nl())
	}
	if p.raw {
		b.Write(p.buf)
	}
	_, _ = io.WriteString(p.w, b.String())
}

// read reads lines from in and sends them on typed until in ends or asks
// to leave (ctrl-c, ctrl-d). In raw mode it is a small line editor:
// printable characters are echoed, backspace takes the last character
// back, ctrl-u the whole line; escape sequences (arrow keys) and other
// control characters are ignored. The echo of what one read brought is
// written at once, under the printer's lock, so that a told line never
// cuts into it.
func (p *printer) read(ctx context.Context, in io.Reader, typed chan<- string) error {
	var (
		chunk = make([]byte, 512)
		esc   int // 0 none, 1 after ESC, 2 inside CSI or SS3
		lastR bool
		echo  strings.Builder
	)
	flush := func() { // p.mu is held
		if p.raw && echo.Len() > 0 {
			_, _ = io.WriteString(p.w, echo.String())
		}
		echo.Reset()
	}
	send := func() bool { // p.mu is held, and is again on return
		line := Printable(string(p.buf))
		p.buf = p.buf[:0]
		echo.WriteString(p.nl())
		flush()
		p.mu.Unlock()
		defer p.mu.Lock()
		select {
		case typed <- line:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		n, err := in.Read(chunk)
		p.mu.Lock()
		for _, c := range chunk[:n] {
			wasR := lastR
			lastR = c == '\r'
			switch {
			case esc == 1:
				esc = 0
				if c == '[' || c == 'O' {
					esc = 2
				}
				continue
			case esc == 2:
				if c >= 0x40 && c <= 0x7e {
					esc = 0
				}
				continue
			}
			switch {
			case c == 0x1b:
				esc = 1
			case c == 0x03 || c == 0x04:
				echo.WriteString(p.nl())
				flush()
				p.mu.Unlock()
				return nil
			case c == '\n' && wasR:
				// the LF of a CRLF: the line was sent at the CR
			case c == '\r' || c == '\n':
				if !send() {
					p.mu.Unlock()
					return nil
				}
			case c == 0x7f || c == 0x08:
				if len(p.buf) > 0 {
					start := lastStart(p.buf)
					if utf8.FullRune(p.buf[start:]) && Printable(string(p.buf[start:])) != "" {
						echo.WriteString("\b \b") // a character was shown
					}
					p.buf = p.buf[:start]
				}
			case c == 0x15:
				echo.WriteString(strings.Repeat("\b \b", utf8.RuneCountInString(Printable(string(p.buf)))))
				p.buf = p.buf[:0]
			case c == '\t':
				p.add(' ', &echo)
			case c < 0x20:
			default:
				p.add(c, &echo)
			}
		}
		if err != nil && len(p.buf) > 0 {
			send()
		}
		flush()
		p.mu.Unlock()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// add puts a typed byte on the line and echoes a character once it is
// whole, never half of one. p.mu is held.
func (p *printer) add(c byte, echo *strings.Builder) {
	if len(p.buf) >= maxLine {
		return
	}
	p.buf = append(p.buf, c)
	start := lastStart(p.buf)
	if utf8.FullRune(p.buf[start:]) {
		echo.WriteString(Printable(string(p.buf[start:])))
	}
}

// lastStart is where the last (maybe partial) character of b starts.
func lastStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return len(b) - 1
}
