package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"

	"huddle/notify"
	"huddle/session"
)

// hook is a webhook that answers with the statuses it is given, in turn
// (the last one from then on), and keeps the texts posted to it.
type hook struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	texts    []string
	hang     chan struct{} // while open, every request hangs until its client gives up
}

func newHook(tb testing.TB, statuses ...int) *hook {
	h := &hook{statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Text string `json:"text"`
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			tb.Errorf("got %s with content type %q", r.Method, r.Header.Get("Content-Type"))
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			tb.Errorf("the body is not JSON with a text: %v", err)
		}
		h.mu.Lock()
		h.texts = append(h.texts, body.Text)
		status, hang := http.StatusOK, h.hang
		if len(h.statuses) > 0 {
			status = h.statuses[0]
			if len(h.statuses) > 1 {
				h.statuses = h.statuses[1:]
			}
		}
		h.mu.Unlock()
		if hang != nil {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(status)
	}))
	tb.Cleanup(h.Close)
	return h
}

func (h *hook) posted() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.texts)
}

// fakeSleep records the waits asked for and returns at once.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	return ctx.Err()
}

// logBuffer is a logger and what it wrote.
func logBuffer() (*log.Logger, *syncBuffer) {
	var buf syncBuffer
	return log.NewWithOptions(&buf, log.Options{Level: log.DebugLevel}), &buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// mustNotifier makes and starts a notifier; cfg's Sleep is a fakeSleep
// unless given.
func mustNotifier(tb testing.TB, cfg notify.Config) *notify.Notifier {
	tb.Helper()
	if cfg.Sleep == nil {
		cfg.Sleep = (&fakeSleep{}).sleep
	}
	if cfg.Logger == nil {
		cfg.Logger, _ = logBuffer()
	}
	n, err := notify.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	n.Start()
	tb.Cleanup(func() { n.Close(context.Background()) })
	return n
}

func TestOpenedAndEndedArePostedAsText(t *testing.T) {
	st := mustStore(t)
	info := mustSave(t, st, "s1", standup())
	h := newHook(t)
	n := mustNotifier(t, notify.Config{Webhooks: []string{h.URL + "/hooks/secret"}, Store: st})
	n.Opened(info, "ssh -t -p 2222 example.org join")
	n.Ended("s1")
	n.Close(context.Background())
	got := h.posted()
	want := []string{notify.OpenedText(info, "ssh -t -p 2222 example.org join"), notify.EndedText(session.Fold("s1", standup()))}
	if !slices.Equal(got, want) {
		t.Fatalf("posted\n%q\nwant\n%q", got, want)
	}
	if s := n.Stats(); s.Sent != 2 || s.Failed != 0 || s.Retries != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestA5xxOrANetworkErrorIsTriedAgainWithBackoff(t *testing.T) {
	st := mustStore(t)
	mustSave(t, st, "s1", standup())
	h := newHook(t, 500, 503, 502, 200)
	var sleep fakeSleep
	n := mustNotifier(t, notify.Config{Webhooks: []string{h.URL}, Store: st, Sleep: sleep.sleep, Backoff: time.Second})
	n.Ended("s1")
	n.Close(context.Background())
	if got := len(h.posted()); got != 4 {
		t.Fatalf("%d tries, want 4", got)
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(sleep.waits, want) {
		t.Errorf("waited %v, want %v", sleep.waits, want)
	}
	if s := n.Stats(); s.Sent != 1 || s.Retries != 3 || s.Failed != 0 {
		t.Errorf("stats %+v", s)
	}

	// Out of tries: given up, logged and counted.
	h2 := newHook(t, 500)
	logger, logs := logBuffer()
	var sleep2 fakeSleep
	n2 := mustNotifier(t, notify.Config{Webhooks: []string{h2.URL + "/secret-token"}, Store: st, Sleep: sleep2.sleep, Tries: 3, Logger: logger})
	n2.Ended("s1")
	n2.Close(context.Background())
	if got := len(h2.posted()); got != 3 {
		t.Errorf("%d tries, want 3", got)
	}
	if s := n2.Stats(); s.Failed != 1 || s.Sent != 0 {
		t.Errorf("stats %+v", s)
	}
	if out := logs.String(); !strings.Contains(out, "notification not delivered") || strings.Contains(out, "secret-token") {
		t.Errorf("the log does not say it failed, or shows the URL:\n%s", out)
	}

	// A server that is not there at all.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	var sleep3 fakeSleep
	n3 := mustNotifier(t, notify.Config{Webhooks: []string{dead.URL}, Store: st, Sleep: sleep3.sleep, Tries: 2})
	n3.Ended("s1")
	n3.Close(context.Background())
	if s := n3.Stats(); s.Failed != 1 || s.Retries != 1 || len(sleep3.waits) != 1 {
		t.Errorf("a refused connection: stats %+v, waits %v", s, sleep3.waits)
	}
}

func TestA4xxIsNotTriedAgain(t *testing.T) {
	st := mustStore(t)
	mustSave(t, st, "s1", standup())
	for _, status := range []int{400, 403, 404, 410} {
		h := newHook(t, status)
		var sleep fakeSleep
		n := mustNotifier(t, notify.Config{Webhooks: []string{h.URL}, Store: st, Sleep: sleep.sleep})
		n.Ended("s1")
		n.Close(context.Background())
		if got := len(h.posted()); got != 1 || len(sleep.waits) != 0 {
			t.Errorf("%d: %d tries and waits %v, want 1 and none", status, got, sleep.waits)
		}
		if s := n.Stats(); s.Failed != 1 {
			t.Errorf("%d: stats %+v", status, s)
		}
	}
}

func TestAHangingServerTimesOutAndNeverHoldsTheRoom(t *testing.T) {
	st := mustStore(t)
	events := standup()
	mustSave(t, st, "s1", events[:len(events)-1]) // not ended yet
	h := newHook(t)
	h.hang = make(chan struct{})
	defer close(h.hang)
	n := mustNotifier(t, notify.Config{Webhooks: []string{h.URL}, Store: st, Tries: 2, Timeout: 50 * time.Millisecond, Queue: 1})
	room, err := session.OpenRoom(context.Background(), st, "s1", session.RoomOptions{Ended: n.Ended})
	if err != nil {
		t.Fatal(err)
	}
	if err := room.Submit(maria.ID, session.End{}); err != nil {
		t.Fatal(err)
	}
	room.Close() // waits for the Ended hook: it only queued
	for range 10 {
		n.Ended("s1") // the queue is full or the event was taken: never waits
	}
	n.Close(context.Background())
	if got := len(h.posted()); got != 2 {
		t.Errorf("%d tries of the hanging server, want 2", got)
	}
	if s := n.Stats(); s.Failed != 1 || s.Sent != 0 {
		t.Errorf("stats %+v", s)
	}
}

// A webhook that hangs (or is down and tried again with backoff) holds
// up only itself: the others get their posts meanwhile, and its own come
// once it answers.
func TestAHangingWebhookHoldsUpOnlyItself(t *testing.T) {
	st := mustStore(t)
	info := mustSave(t, st, "s1", standup())
	slow, fast := newHook(t), newHook(t)
	slow.hang = make(chan struct{})
	hanging := true
	defer func() {
		if hanging {
			close(slow.hang)
		}
	}()
	n := mustNotifier(t, notify.Config{Webhooks: []string{slow.URL, fast.URL}, Store: st, Timeout: time.Minute})
	n.Opened(info, "")
	n.Ended("s1")
	deadline := time.Now().Add(20 * time.Second)
	for len(fast.posted()) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the other webhook got %d of 2 posts while one hangs", len(fast.posted()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := len(slow.posted()); got != 1 {
		t.Fatalf("the hanging webhook got %d requests, want the first, still hanging", got)
	}
	hanging = false
	close(slow.hang)
	n.Close(context.Background())
	if got := len(slow.posted()); got != 2 {
		t.Errorf("the webhook that hung got %d posts once it answered, want 2", got)
	}
	if s := n.Stats(); s.Sent != 4 || s.Failed != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestNothingIsSentTwiceAfterARestart(t *testing.T) {
	st := mustStore(t)
	info := mustSave(t, st, "s1", standup())
	h := newHook(t)
	cfg := notify.Config{Webhooks: []string{h.URL}, Store: st}
	n := mustNotifier(t, cfg)
	n.Opened(info, "")
	n.Ended("s1")
	n.Close(context.Background())

	again := mustNotifier(t, cfg) // a restart over the same store
	again.Opened(info, "")
	again.Ended("s1")
	again.Close(context.Background())
	if got := len(h.posted()); got != 2 {
		t.Errorf("posted %d times, want 2 (opened, ended): %q", got, h.posted())
	}
	if s := again.Stats(); s.Skipped != 2 || s.Sent != 0 {
		t.Errorf("after the restart: stats %+v", s)
	}

	// Another webhook is another target: it gets the event.
	h2 := newHook(t)
	other := mustNotifier(t, notify.Config{Webhooks: []string{h.URL, h2.URL}, Store: st})
	other.Ended("s1")
	other.Close(context.Background())
	if len(h.posted()) != 2 || len(h2.posted()) != 1 {
		t.Errorf("posted %d and %d times, want 2 and 1", len(h.posted()), len(h2.posted()))
	}
}

func TestANotificationPendingAtAStopIsSentAtTheNextStart(t *testing.T) {
	st := mustStore(t)
	info := mustSave(t, st, "s1", standup())
	events := standup()
	running := mustSave(t, st, "s2", events[:len(events)-1]) // not ended
	h := newHook(t)
	h.hang = make(chan struct{})
	cfg := notify.Config{Webhooks: []string{h.URL}, Store: st}
	n := mustNotifier(t, cfg)
	n.Ended("s1")
	// Stop while the webhook hangs: the delivery is cut short and stays
	// pending, and so do those queued behind it.
	for len(h.posted()) == 0 {
		time.Sleep(time.Millisecond) // waits for the request to arrive
	}
	n.Opened(info, "")
	n.Opened(running, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n.Close(ctx)
	if s := n.Stats(); s.Sent != 0 || s.Failed != 0 {
		t.Fatalf("stats %+v", s)
	}
	h.mu.Lock()
	close(h.hang)
	h.hang = nil
	h.mu.Unlock()

	again := mustNotifier(t, cfg)
	again.Ended("s1") // and the hooks fire again: still one delivery each
	again.Opened(info, "")
	again.Opened(running, "")
	again.Close(context.Background())
	ended := notify.EndedText(session.Fold("s1", standup()))
	// The opening of s1 is not news any more: s1 has ended.
	if got, want := h.posted(), []string{ended, ended, notify.OpenedText(running, "")}; !slices.Equal(got, want) {
		t.Errorf("posted %q, want %q (the cut one, then the pending ones once)", got, want)
	}
	if s := again.Stats(); s.Sent != 2 || s.Skipped != 3 {
		t.Errorf("after the restart: stats %+v", s)
	}
}

func TestAnAnonymousRetroIsPostedWithoutItsAuthors(t *testing.T) {
	st := mustStore(t)
	info := mustSave(t, st, "r1", retro(true))
	h := newHook(t)
	n := mustNotifier(t, notify.Config{Webhooks: []string{h.URL}, Store: st})
	n.Opened(info, "ssh -t -p 2222 example.org join")
	n.Ended("r1")
	n.Close(context.Background())
	got := h.posted()
	if len(got) != 2 {
		t.Fatalf("posted %q", got)
	}
	for _, text := range got {
		for _, who := range []string{"Zed", "Jörg"} {
			if strings.Contains(text, who) {
				t.Errorf("a notification of an anonymous retro names %q:\n%s", who, text)
			}
		}
	}
}

func TestTheOnEndCommandGetsTheRecord(t *testing.T) {
	st := mustStore(t)
	mustSave(t, st, "s1", standup())
	dir := t.TempDir()
	out := filepath.Join(dir, "record.json")
	cfg := notify.Config{OnEnd: "tee '" + out + "'", Store: st}
	n := mustNotifier(t, cfg)
	n.Ended("s1")
	n.Close(context.Background())
	if s := n.Stats(); s.Commands != 1 || s.CommandFailures != 0 {
		t.Fatalf("stats %+v", s)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Version int `json:"version"`
		Session struct {
			ID   string `json:"id"`
			Team string `json:"team"`
		} `json:"session"`
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("not a record: %v\n%s", err, data)
	}
	if rec.Session.ID != "s1" || rec.Session.Team != "musicstore" || len(rec.Events) != len(standup()) {
		t.Errorf("record %+v", rec)
	}

	// Not again after a restart.
	if err := os.Remove(out); err != nil {
		t.Fatal(err)
	}
	again := mustNotifier(t, cfg)
	again.Ended("s1")
	again.Close(context.Background())
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the command ran again after a restart")
	}
}

func TestAFailingOnEndCommandIsLogged(t *testing.T) {
	st := mustStore(t)
	mustSave(t, st, "s1", standup())
	logger, logs := logBuffer()
	n := mustNotifier(t, notify.Config{OnEnd: `sh -c 'echo "no tracker" >&2; exit 3'`, Store: st, Logger: logger})
	n.Ended("s1")
	n.Close(context.Background())
	if s := n.Stats(); s.CommandFailures != 1 || s.Commands != 0 {
		t.Errorf("stats %+v", s)
	}
	if out := logs.String(); !strings.Contains(out, "on-end command failed") || !strings.Contains(out, "no tracker") {
		t.Errorf("the log does not tell:\n%s", out)
	}
}

func TestNewRefusesABadURLOrCommandWithoutShowingTheURL(t *testing.T) {
	st := mustStore(t)
	for _, cfg := range []notify.Config{
		{Webhooks: []string{"hooks.slack.com/services/T0/B0/SECRET"}, Store: st},
		{Webhooks: []string{"ftp://example.org/SECRET"}, Store: st},
		{OnEnd: `unclosed "quote`, Store: st},
		{OnEnd: "   ", Store: st},
	} {
		_, err := notify.New(cfg)
		if err == nil {
			t.Errorf("%+v: accepted", cfg)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("the error shows the URL: %v", err)
		}
	}
	if n, err := notify.New(notify.Config{Store: st}); n != nil || err != nil {
		t.Errorf("nothing to notify: %v, %v", n, err)
	}
	var none *notify.Notifier // what New gives for nothing: its hooks do nothing
	none.Opened(session.Info{}, "")
	none.Ended("s1")
	none.Close(context.Background())
}
