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
	n, stop, err := startNotifier(g, st, log.New(&bytes.Buffer{}))
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
	if _, stop, err := startNotifier(globalFlags{}, st, nil); err != nil {
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
