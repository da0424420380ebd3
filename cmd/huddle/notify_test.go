package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
)

// texts is a webhook that keeps the texts posted to it.
type texts struct {
	*httptest.Server
	mu  sync.Mutex
	got []string
	new chan struct{}
}

func newTexts(t *testing.T) *texts {
	w := &texts{new: make(chan struct{}, 16)}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var body struct{ Text string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("not JSON: %v", err)
		}
		w.mu.Lock()
		w.got = append(w.got, body.Text)
		w.mu.Unlock()
		w.new <- struct{}{}
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *texts) posted() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.got...)
}

func TestNotifyAndOnEndWhenASessionEnds(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, b := newTexts(t), newTexts(t)
	record := filepath.Join(t.TempDir(), "record.json")
	g := globalFlags{notify: []string{a.URL + " " + b.URL}, onEnd: "tee " + record}
	n, stop, err := startNotifier(g, st, log.New(&bytes.Buffer{}), "")
	if err != nil || n == nil {
		t.Fatalf("startNotifier: %v, %v", n, err)
	}
	id := endedStandup(t, dir, bothEnded(nil, n.Ended))
	stop()
	for _, w := range []*texts{a, b} {
		if got := w.posted(); len(got) != 1 || !strings.Contains(got[0], "**Stand-up of musicstore ended**") ||
			!strings.Contains(got[0], "1 parked topic carries over") {
			t.Errorf("posted %q", got)
		}
	}
	data, err := os.ReadFile(record)
	if err != nil || !strings.Contains(string(data), `"id": "`+id+`"`) {
		t.Errorf("the on-end command got %s (%v)", data, err)
	}
	if _, stop, err := startNotifier(globalFlags{}, st, nil, "08:00"); err != nil {
		t.Errorf("without flags: %v", err)
	} else {
		stop()
	}
}

// huddle serve --notify posts the join command of a session opened over
// SSH (here from HUDDLE_NOTIFY).
func TestServeNotifiesOfAnOpenedSession(t *testing.T) {
	w := newTexts(t)
	t.Setenv("HUDDLE_NOTIFY", w.URL)
	addr, port := sshE2EFreeAddr(t)
	cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
	cmd.SetArgs([]string{"serve", "--listen", addr, "--data-dir", t.TempDir(), "--public-host", "huddle.example.org"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	conf := &gossh.ClientConfig{User: "ann", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second}
	var client *gossh.Client
	for deadline := time.Now().Add(20 * time.Second); ; {
		if client, err = gossh.Dial("tcp", addr, conf); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not come up: %v", err)
		}
		time.Sleep(20 * time.Millisecond) // waits for the listener
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.Output("new standup --team notified --members Ann")
	if err != nil {
		t.Fatalf("new: %v: %s", err, out)
	}
	code, _, _ := strings.Cut(string(out), "\n")
	select {
	case <-w.new:
	case <-time.After(20 * time.Second):
		t.Fatal("nothing posted")
	}
	want := "**Stand-up of notified is open**. Join with:\n```\nssh -t -p " + port + " huddle.example.org join " + code + "\n```"
	if got := w.posted(); len(got) != 1 || got[0] != want {
		t.Errorf("posted %q, want %q", got, want)
	}
}

func TestHeldLogKeepsLinesUntilFlushedAndIsBounded(t *testing.T) {
	var h heldLog
	logger := log.New(&h)
	logger.Error("notification not delivered", "session", "s1")
	var out bytes.Buffer
	h.flush(&out)
	if !strings.Contains(out.String(), "notification not delivered") {
		t.Errorf("flushed %q", out.String())
	}
	out.Reset()
	for range heldLogLimit / 10 {
		_, _ = h.Write([]byte("0123456789abcdef\n"))
	}
	h.flush(&out)
	if out.Len() > heldLogLimit+200 || !strings.Contains(out.String(), "more was logged than kept") {
		t.Errorf("flushed %d bytes, ending %q", out.Len(), out.String()[max(0, out.Len()-80):])
	}
}

// huddle serve --notify posts each team's items due at --notify-at; at
// 00:00 a server starting later posts that day's at once.
func TestServePostsTheItemsDueEachMorning(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.PutTeam(ctx, session.Team{Name: "musicstore", Members: []string{"Lukas"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	y, m, d := now.Date()
	maria := session.Person{ID: "local:maria", Name: "Maria"}
	lukas := session.Person{ID: session.RosterID("Lukas"), Name: "Lukas"}
	if err := st.Create(ctx, session.Info{ID: "s1", Team: "musicstore", Code: "DUE1"}, session.Event{Seq: 1, Time: now.AddDate(0, 0, -2), Actor: maria.ID,
		Payload: &session.Created{Config: session.Config{Team: "musicstore", Code: "DUE1", Timebox: 5 * time.Minute}, Facilitator: maria, Roster: []string{"Lukas"},
			Actions: []session.Action{{ID: 1, Text: "Pin the API version", Owner: lukas, Due: time.Date(y, m, d, 0, 0, 0, 0, time.Local), Session: "s0"}}}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	w := newTexts(t)
	addr, _ := sshE2EFreeAddr(t)
	cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
	cmd.SetArgs([]string{"serve", "--listen", addr, "--data-dir", dir, "--notify", w.URL, "--notify-at", "00:00"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	sctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(sctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	select {
	case <-w.new:
	case <-time.After(20 * time.Second):
		t.Fatal("nothing posted")
	}
	if got := w.posted(); len(got) != 1 || !strings.Contains(got[0], "**Action items of musicstore**") ||
		!strings.Contains(got[0], "- Pin the API version — Lukas, due ") || !strings.Contains(got[0], "`s0/a1`") {
		t.Errorf("posted %q", got)
	}
}

func TestNotifyAtTakesATimeOfDayOrOff(t *testing.T) {
	for in, want := range map[string]string{"08:00": "08:00", " 7:30": "7:30", "off": "", "OFF": "", "": ""} {
		if got, err := notifyAt(in); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	cmd := newRootCmd(strings.NewReader(""), &bytes.Buffer{})
	cmd.SetArgs([]string{"serve", "--data-dir", t.TempDir(), "--notify-at", "25:00"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(t.Context())
	if err == nil || !strings.Contains(err.Error(), "--notify-at") || !strings.Contains(err.Error(), "HH:MM") {
		t.Errorf("serve --notify-at 25:00: %v", err)
	}
}
