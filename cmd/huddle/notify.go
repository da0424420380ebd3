package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"charm.land/log/v2"

	"huddle/notify"
	"huddle/session"
)

// notifyGrace is how long huddle waits at a stop for notifications still
// queued; what is left then is sent at the next start.
const notifyGrace = 10 * time.Second

// startNotifier starts the notifier of --notify and --on-end over the
// store; nil, and a no-op to stop, when neither is given. Each --notify
// value may hold several URLs separated by spaces (as HUDDLE_NOTIFY
// does). dueAt is the time of day (HH:MM, local) of the morning messages
// of the items due, "" for none (see notifyAt). stop waits up to
// notifyGrace for what is queued.
func startNotifier(g globalFlags, st session.Store, logger *log.Logger, dueAt string) (n *notify.Notifier, stop func(), err error) {
	var urls []string
	for _, v := range g.notify {
		urls = append(urls, strings.Fields(v)...)
	}
	n, err = notify.New(notify.Config{Webhooks: urls, OnEnd: strings.TrimSpace(g.onEnd), Store: st, Logger: logger, DueAt: dueAt})
	if err != nil || n == nil {
		return nil, func() {}, err
	}
	n.Start()
	return n, func() {
		ctx, cancel := context.WithTimeout(context.Background(), notifyGrace)
		defer cancel()
		n.Close(ctx)
	}, nil
}

// notifyAt checks the value of serve's --notify-at: a time of day, HH:MM,
// or off ("" too). It returns what startNotifier takes: the time, or ""
// for off.
func notifyAt(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || strings.EqualFold(v, "off") {
		return "", nil
	}
	if _, err := notify.ParseDueAt(v); err != nil {
		return "", fmt.Errorf("--notify-at: %w, or off", err)
	}
	return v, nil
}

// bothEnded is a RoomOptions.Ended hook that calls each of hooks that is
// set, in order; nil if none is.
func bothEnded(hooks ...func(id string)) func(id string) {
	var set []func(string)
	for _, h := range hooks {
		if h != nil {
			set = append(set, h)
		}
	}
	if len(set) == 0 {
		return nil
	}
	return func(id string) {
		for _, h := range set {
			h(id)
		}
	}
}

// heldLog keeps what is logged while the interface owns the terminal (a
// line on stderr would cut through its screen), up to heldLogLimit bytes,
// until flush writes it out.
type heldLog struct {
	mu   sync.Mutex
	b    bytes.Buffer
	lost bool
}

const heldLogLimit = 64 << 10

func (h *heldLog) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.b.Len()+len(p) > heldLogLimit {
		h.lost = true
		return len(p), nil
	}
	return h.b.Write(p)
}

// flush writes out what was held.
func (h *heldLog) flush(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, _ = h.b.WriteTo(w)
	if h.lost {
		fmt.Fprintln(w, "huddle: more was logged than kept while the session ran")
		h.lost = false
	}
}
