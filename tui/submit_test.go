package tui

import (
	"runtime"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// orderRoom records the commands submitted to it, in order.
type orderRoom struct {
	Room // only Submit is called
	mu   sync.Mutex
	got  []string
}

func (r *orderRoom) Submit(_ session.ParticipantID, c session.Command) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, c.(session.Park).Topic)
	return nil
}

// The submitter's worker runs only while there are jobs, and the jobs
// are submitted in the order they were sent, however the worker comes
// and goes between them.
func TestSubmitterWorkerComesAndGoes(t *testing.T) {
	room := &orderRoom{}
	s := newSubmitter(room, "p1", 0, 0)
	defer s.close()
	var want []string
	for round := range 300 {
		var cmds []tea.Cmd
		// Bursts of 1 to 5: the worker finds the queue empty between
		// bursts, and sometimes a job arrives as it is leaving.
		for i := range round%5 + 1 {
			title := string(rune('a'+round%26)) + string(rune('0'+i))
			want = append(want, title)
			cmds = append(cmds, s.send(session.Park{Topic: title}, ""))
		}
		for _, c := range cmds {
			if d := doneWithin(t, c); d.err != nil {
				t.Fatalf("round %d: %v", round, d.err)
			}
		}
	}
	room.mu.Lock()
	got := append([]string(nil), room.got...)
	room.mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("submitted %d commands, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("command %d is %q, want %q (out of order)", i, got[i], want[i])
		}
	}
	idle(t, s) // with nothing queued, no worker is left waiting
}

// idle waits for the submitter's worker to leave.
func idle(t *testing.T, s *submitter) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for s.busy.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the worker is still running with nothing queued")
		}
		runtime.Gosched()
	}
}

// A job queued just as the worker finds the queue empty, while its
// sender still sees the worker running, is taken all the same.
func TestSubmitterJobQueuedAsTheWorkerLeaves(t *testing.T) {
	room := &orderRoom{}
	s := newSubmitter(room, "p1", 0, 0)
	defer s.close()
	late := make(chan tea.Cmd, 1)
	var once sync.Once
	hook := func(l *submitter) {
		if l == s {
			once.Do(func() {
				late <- s.send(session.Park{Topic: "late"}, "") // busy is still set: no new worker
			})
		}
	}
	leaving.Store(&hook)
	defer leaving.Store(nil)
	if d := doneWithin(t, s.send(session.Park{Topic: "first"}, "")); d.err != nil {
		t.Fatal(d.err)
	}
	if d := doneWithin(t, <-late); d.err != nil {
		t.Fatal(d.err)
	}
	idle(t, s)
	room.mu.Lock()
	defer room.mu.Unlock()
	if len(room.got) != 2 || room.got[1] != "late" {
		t.Fatalf("submitted %q, want first and late", room.got)
	}
}

// A submitter nobody sends anything to holds no goroutine.
func TestIdleSubmitterHasNoWorker(t *testing.T) {
	s := newSubmitter(&orderRoom{}, "p1", 0, 0)
	defer s.close()
	if s.busy.Load() {
		t.Fatal("a worker runs before any job")
	}
}

// doneWithin runs a send's command: a job nobody takes (a worker that
// left as it was queued) fails the test instead of hanging it.
func doneWithin(t *testing.T, c tea.Cmd) doneMsg {
	t.Helper()
	got := make(chan tea.Msg, 1)
	go func() { got <- c() }()
	select {
	case m := <-got:
		return m.(doneMsg)
	case <-time.After(30 * time.Second):
		t.Fatal("a queued command was never submitted")
		return doneMsg{}
	}
}
