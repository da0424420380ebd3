package notify

// This file is a little over 500 lines on purpose: the Notifier's queue,
// its delivery with retries, what the store remembers and what a restart
// sends again are one set of rules about never blocking and never
// sending twice, and read best together.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/log/v2"

	"huddle/session"
)

// The events a notifier tells of.
const (
	EventOpened = "opened"
	EventEnded  = "ended"
)

// Defaults of Config's zero fields.
const (
	DefaultTimeout        = 10 * time.Second
	DefaultTries          = 5
	DefaultBackoff        = 2 * time.Second
	DefaultQueue          = 64
	DefaultCommandTimeout = time.Minute
	maxBackoff            = time.Minute
	// pendingFor is how old a pending delivery may be to be sent at a
	// start: news of last month's stand-up is no news.
	pendingFor = 7 * 24 * time.Hour
)

// Config is what a Notifier does. The zero value of each optional field
// has a sane default.
type Config struct {
	Webhooks []string // URLs to POST {"text": …} to; http or https
	OnEnd    string   // a command line run when a session ends; "" for none
	// Store is where an ended session is read from; if it is a
	// session.DeliveryStore, deliveries are remembered there.
	Store  session.Store
	Logger *log.Logger // nil: log.Default()

	Client         *http.Client  // nil: a client of its own
	Timeout        time.Duration // one try of one webhook; 0: DefaultTimeout
	Tries          int           // tries of one delivery; 0: DefaultTries
	Backoff        time.Duration // the wait after the first failed try, doubled after each (at most a minute); 0: DefaultBackoff
	Queue          int           // events waiting to be handed out, and deliveries waiting for each webhook; 0: DefaultQueue
	CommandTimeout time.Duration // one run of the on-end command; 0: DefaultCommandTimeout
	// Sleep waits for d or until ctx ends; nil: a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time // nil: Clock's Now, else time.Now

	// DueAt, when set, is the time of day (HH:MM, in Location) at which
	// the webhooks get, each day, every team's open action items due
	// that day and those overdue (see DueText), once per team and day,
	// also across a restart; "" for never (huddle serve sets it).
	DueAt    string
	Location *time.Location // the due days' and DueAt's zone; nil: time.Local
	Clock    session.Clock  // what DueAt is waited for on; nil: session.RealClock
}

// Stats counts what a notifier did since it started.
type Stats struct {
	Sent            int64 // webhook deliveries taken
	Retries         int64 // tries after a failed one
	Failed          int64 // webhook deliveries given up: refused (4xx) or out of tries
	Dropped         int64 // events not queued: the queue was full, or the notifier closed
	Skipped         int64 // deliveries not made because they were made (or queued) before
	Commands        int64 // runs of the on-end command that succeeded
	CommandFailures int64 // runs that failed
}

// Notifier delivers notifications of sessions' events. Create it with
// New, call Start, hand Opened and Ended to the server or the local room,
// and Close it before the store closes.
type Notifier struct {
	cfg     Config
	log     *log.Logger
	hooks   []webhook
	command *command
	ledger  ledger

	posts chan job
	runs  chan string
	// Each webhook's deliveries, from the one goroutine that takes posts
	// to the webhook's own: a webhook that hangs or is down, retried with
	// backoff, holds up only itself.
	toHook []chan delivery

	mu     sync.RWMutex // guards closed and sends on posts and runs
	closed bool

	ctx    context.Context // ends when Close's deadline does
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// The morning messages of items due (Config.DueAt): the time of
	// day, or -1 for none; the loop ends with dueCancel.
	dueAt     time.Duration
	loc       *time.Location
	clock     session.Clock
	dueCancel context.CancelFunc
	dueWG     sync.WaitGroup

	sent, retries, failed, dropped, skipped, commands, commandFailures atomic.Int64
}

// webhook is one --notify target.
type webhook struct {
	url  string
	id   string // what the store and the log know it by: the URL is a secret
	host string
}

// job is an event to post: its body is made by the worker when empty.
type job struct {
	id, event, body string
}

// delivery is a job for one webhook, its body made.
type delivery struct {
	id, event, body string
}

// New checks the configuration and returns a notifier, or nil when there
// is nothing to notify. It starts nothing: see Start.
func New(cfg Config) (*Notifier, error) {
	if len(cfg.Webhooks) == 0 && cfg.OnEnd == "" {
		return nil, nil
	}
	if cfg.Store == nil {
		return nil, errors.New("notify: a store is needed")
	}
	if cfg.Logger == nil {
		cfg.Logger = log.Default()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Tries <= 0 {
		cfg.Tries = DefaultTries
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.CommandTimeout <= 0 {
		cfg.CommandTimeout = DefaultCommandTimeout
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Clock == nil {
		cfg.Clock = session.RealClock{}
	}
	if cfg.Now == nil {
		cfg.Now = cfg.Clock.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	n := &Notifier{cfg: cfg, log: cfg.Logger.WithPrefix("notify"), dueAt: -1, loc: cfg.Location, clock: cfg.Clock}
	if cfg.DueAt != "" {
		d, err := ParseDueAt(cfg.DueAt)
		if err != nil {
			return nil, fmt.Errorf("--notify-at: %w", err)
		}
		n.dueAt = d
	}
	seen := map[string]bool{}
	for _, raw := range cfg.Webhooks {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--notify: %q is not an http or https URL", redact(raw))
		}
		id := targetID("webhook", raw)
		if !seen[id] {
			seen[id] = true
			n.hooks = append(n.hooks, webhook{url: raw, id: id, host: u.Host})
		}
	}
	if cfg.OnEnd != "" {
		c, err := parseCommand(cfg.OnEnd)
		if err != nil {
			return nil, err
		}
		n.command = c
	}
	if ds, ok := cfg.Store.(session.DeliveryStore); ok {
		n.ledger = storeLedger{ds}
	} else {
		n.ledger = &memLedger{seen: map[[3]string]bool{}}
	}
	n.posts = make(chan job, cfg.Queue)
	for range n.hooks {
		n.toHook = append(n.toHook, make(chan delivery, cfg.Queue))
	}
	n.runs = make(chan string, cfg.Queue)
	n.ctx, n.cancel = context.WithCancel(context.Background())
	return n, nil
}

// Start starts delivering: first what was pending when huddle last
// stopped, then what comes.
func (n *Notifier) Start() {
	ctx, cancel := storeContext()
	defer cancel()
	pending, err := n.ledger.pending(ctx, n.cfg.Now().Add(-pendingFor))
	if err != nil {
		n.log.Error("read pending notifications", "err", err)
	}
	posts := make([][]session.Delivery, len(n.hooks)) // by webhook
	var runs []string
	for _, d := range pending {
		switch {
		case n.command != nil && d.Target == n.command.id:
			runs = append(runs, d.Session)
		case n.hook(d.Target) != nil && d.Event == EventOpened && n.over(d.Session):
			// News of an opening is stale once the session is over.
			n.finish(d.Session, d.Event, d.Target, session.DeliveryStale)
		case n.hook(d.Target) != nil && n.staleDue(d.Event, n.cfg.Now()):
			// And a morning's items due the next day.
			n.finish(d.Session, d.Event, d.Target, session.DeliveryStale)
		case n.hook(d.Target) != nil:
			i := n.hookIndex(d.Target)
			posts[i] = append(posts[i], d)
		}
	}
	if pending := len(slices.Concat(posts...)); pending > 0 || len(runs) > 0 {
		n.log.Info("sending notifications pending since the last stop", "webhooks", pending, "commands", len(runs))
	}
	for i, h := range n.hooks {
		n.wg.Go(func() {
			for _, d := range posts[i] {
				n.post(h, d.Session, d.Event, d.Body)
			}
			for d := range n.toHook[i] {
				n.post(h, d.id, d.event, d.body)
			}
		})
	}
	n.wg.Go(func() {
		defer func() {
			for _, c := range n.toHook {
				close(c) // the webhooks' goroutines deliver what is queued, then end
			}
		}()
		for j := range n.posts {
			n.handle(j)
		}
	})
	if n.dueAt >= 0 && len(n.hooks) > 0 {
		var dctx context.Context
		dctx, n.dueCancel = context.WithCancel(context.Background())
		n.dueWG.Go(func() { n.mornings(dctx) })
	}
	n.wg.Go(func() {
		for _, id := range runs {
			n.runCommand(id)
		}
		for id := range n.runs {
			n.run(id)
		}
	})
}

// over reports whether a session has ended, or is gone.
func (n *Notifier) over(id string) bool {
	ctx, cancel := storeContext()
	defer cancel()
	info, err := n.cfg.Store.Session(ctx, id)
	return errors.Is(err, session.ErrNotFound) || (err == nil && !info.Ended.IsZero())
}

func (n *Notifier) hook(id string) *webhook {
	if i := n.hookIndex(id); i >= 0 {
		return &n.hooks[i]
	}
	return nil
}

// hookIndex is where the webhook of id is in n.hooks, or -1.
func (n *Notifier) hookIndex(id string) int {
	return slices.IndexFunc(n.hooks, func(h webhook) bool { return h.id == id })
}

// Opened queues the news that a session opened; join is the command that
// joins it up to its code ("" at the shared keyboard). It never blocks.
func (n *Notifier) Opened(info session.Info, join string) {
	if n == nil || len(n.hooks) == 0 {
		return
	}
	enqueue(n, n.posts, job{id: info.ID, event: EventOpened, body: OpenedText(info, join)}, info.ID, EventOpened)
}

// Ended queues the news that a session ended and the run of the on-end
// command: the session.RoomOptions.Ended hook. It never blocks.
func (n *Notifier) Ended(id string) {
	if n == nil {
		return
	}
	if len(n.hooks) > 0 {
		enqueue(n, n.posts, job{id: id, event: EventEnded}, id, EventEnded)
	}
	if n.command != nil {
		enqueue(n, n.runs, id, id, "on-end")
	}
}

// enqueue puts v on ch unless it is full or the notifier is closed; it
// never blocks.
func enqueue[T any](n *Notifier, ch chan T, v T, id, what string) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if !n.closed {
		select {
		case ch <- v:
			return
		default:
		}
	}
	n.dropped.Add(1)
	n.log.Error("notification dropped: the queue is full or huddle is stopping", "session", id, "event", what)
}

// Close stops taking events and delivers those queued until ctx ends;
// what is left then stays pending in the store, for the next start.
func (n *Notifier) Close(ctx context.Context) {
	if n == nil {
		return
	}
	// The morning loop first: what it has not queued is queued again at
	// the next start (the store tells what was sent).
	if n.dueCancel != nil {
		n.dueCancel()
	}
	n.dueWG.Wait()
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	close(n.posts)
	close(n.runs)
	n.mu.Unlock()
	stop := context.AfterFunc(ctx, n.cancel)
	defer stop()
	n.wg.Wait()
	n.cancel()
	if s := n.Stats(); s != (Stats{}) {
		n.log.Info("notifications", "sent", s.Sent, "retries", s.Retries, "failed", s.Failed, "dropped", s.Dropped,
			"skipped", s.Skipped, "commands", s.Commands, "command_failures", s.CommandFailures)
	}
}

// Stats returns the counts so far.
func (n *Notifier) Stats() Stats {
	return Stats{Sent: n.sent.Load(), Retries: n.retries.Load(), Failed: n.failed.Load(), Dropped: n.dropped.Load(),
		Skipped: n.skipped.Load(), Commands: n.commands.Load(), CommandFailures: n.commandFailures.Load()}
}

// handle hands a job to every webhook that has not had it, to post from
// its own goroutine. One whose queue is full (it has been failing for a
// while) leaves the job pending in the store, for the next start.
func (n *Notifier) handle(j job) {
	if j.body == "" {
		body, err := n.endedBody(j.id)
		if err != nil {
			n.failed.Add(int64(len(n.hooks)))
			n.log.Error("notification not sent: cannot read the session", "session", j.id, "err", err)
			return
		}
		j.body = body
	}
	for i, h := range n.hooks {
		fresh, err := n.queue(session.Delivery{Session: j.id, Event: j.event, Target: h.id, Body: j.body, Queued: n.cfg.Now()})
		if err != nil {
			// Sent all the same: a notification sent twice beats one lost.
			n.log.Warn("cannot record the notification; sending it all the same", "session", j.id, "event", j.event, "err", err)
		} else if !fresh {
			n.skipped.Add(1)
			continue
		}
		select {
		case n.toHook[i] <- delivery{id: j.id, event: j.event, body: j.body}:
		default:
			n.dropped.Add(1)
			n.log.Error("notification left pending for the next start: the webhook's queue is full", "session", j.id, "event", j.event, "webhook", h.id, "host", h.host)
		}
	}
}

// endedBody is the ended session's message, from the store.
func (n *Notifier) endedBody(id string) (string, error) {
	ctx, cancel := storeContext()
	defer cancel()
	events, err := n.cfg.Store.Events(ctx, id)
	if err != nil {
		return "", err
	}
	return EndedText(session.Fold(id, events)), nil
}

// post delivers body to h, trying again with backoff where that can help,
// and records the outcome. A delivery the notifier's context cut short
// stays pending.
func (n *Notifier) post(h webhook, id, event, body string) {
	payload, err := json.Marshal(struct {
		Text string `json:"text"`
	}{body})
	if err != nil { // a string always marshals
		panic(err)
	}
	wait := n.cfg.Backoff
	for try := 1; ; try++ {
		retry, err := n.try(h, payload)
		if err == nil {
			n.sent.Add(1)
			n.finish(id, event, h.id, session.DeliverySent)
			return
		}
		if n.ctx.Err() != nil {
			n.log.Warn("notification left pending for the next start", "session", id, "event", event, "webhook", h.id)
			return
		}
		if !retry || try >= n.cfg.Tries {
			outcome := session.DeliveryFailed
			if !retry {
				outcome = session.DeliveryRefused
			}
			n.failed.Add(1)
			n.log.Error("notification not delivered", "session", id, "event", event, "webhook", h.id, "host", h.host, "tries", try, "err", err)
			n.finish(id, event, h.id, outcome)
			return
		}
		n.log.Warn("notification failed; trying again", "session", id, "event", event, "webhook", h.id, "host", h.host, "in", wait, "err", err)
		if n.cfg.Sleep(n.ctx, wait) != nil {
			n.log.Warn("notification left pending for the next start", "session", id, "event", event, "webhook", h.id)
			return
		}
		n.retries.Add(1)
		wait = min(2*wait, maxBackoff)
	}
}

// try makes one POST and reports whether another could help.
func (n *Notifier) try(h webhook, payload []byte) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(payload))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "huddle")
	resp, err := n.cfg.Client.Do(req)
	if err != nil {
		// The URL, which is a secret, is in the error: say what failed
		// without it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return true, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return false, nil
	case c == http.StatusTooManyRequests, c == http.StatusRequestTimeout, c >= 500:
		return true, errors.New("answered " + strconv.Itoa(c))
	default:
		return false, errors.New("answered " + strconv.Itoa(c) + ": refused, not tried again")
	}
}

func (n *Notifier) finish(id, event, target, outcome string) {
	ctx, cancel := storeContext()
	defer cancel()
	if err := n.ledger.finish(ctx, id, event, target, outcome, n.cfg.Now()); err != nil {
		n.log.Error("cannot record a notification's outcome", "session", id, "event", event, "err", err)
	}
}

// run runs the on-end command for the ended session unless it ran before.
func (n *Notifier) run(id string) {
	fresh, err := n.queue(session.Delivery{Session: id, Event: EventEnded, Target: n.command.id, Queued: n.cfg.Now()})
	if err != nil {
		n.log.Warn("cannot record the on-end command's run; running it all the same", "session", id, "err", err)
	} else if !fresh {
		n.skipped.Add(1)
		return
	}
	n.runCommand(id)
}

// queue records a delivery as pending; false if it was recorded before.
func (n *Notifier) queue(d session.Delivery) (bool, error) {
	ctx, cancel := storeContext()
	defer cancel()
	return n.ledger.queue(ctx, d)
}

// storeContext bounds a read or write of the store. It does not end with
// the notifier's context: what is left when Close gives up is still
// recorded as pending, for the next start.
func storeContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// targetID names a target in the store and the log without revealing it.
func targetID(kind, s string) string {
	sum := sha256.Sum256([]byte(s))
	return kind + ":" + hex.EncodeToString(sum[:6])
}

// redact is a URL for an error message, without what may be its secret.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Scheme + "://" + u.Host + "/…"
	}
	if len(raw) > 12 {
		return raw[:12] + "…"
	}
	return raw
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
