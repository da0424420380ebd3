package sshserver

import (
	"sync"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"huddle/session"
	"huddle/tui"
)

func TestOpenedHearsOfANewSessionWithItsJoinCommand(t *testing.T) {
	var mu sync.Mutex
	var got []session.Info
	var joins []string
	ts := startServer(t, t.TempDir(), func(cfg *Config) {
		cfg.PublicHost = "huddle.example.org:2200"
		cfg.Opened = func(info session.Info, join string) {
			mu.Lock()
			defer mu.Unlock()
			got, joins = append(got, info), append(joins, join)
		}
	})
	code := openSession(t, ts.addr, "standup --team opened --members Ann")
	// And from the lobby's form.
	owner := newTestKey(t)
	l := lobby{&conn{s: ts.srv, key: gossh.FingerprintSHA256(owner.PublicKey()), user: "olga", ctx: t.Context()}}
	code2, err := l.NewSession(tui.SessionForm{Kind: session.Retro, Team: "lobbied"})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].Code != code || got[0].Team != "opened" || got[0].Kind != session.Standup ||
		got[1].Code != code2 || got[1].Kind != session.Retro {
		t.Fatalf("Opened heard %+v, want the stand-up %s and the retrospective %s", got, code, code2)
	}
	for _, j := range joins {
		if j != "ssh -t -p 2200 huddle.example.org join" {
			t.Errorf("join command %q", j)
		}
	}
}
