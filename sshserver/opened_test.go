package sshserver

import (
	"sync"
	"testing"

	"huddle/session"
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
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Code != code || got[0].Team != "opened" || got[0].Kind != session.Standup {
		t.Fatalf("Opened heard %+v, want the stand-up %s", got, code)
	}
	if joins[0] != "ssh -t -p 2200 huddle.example.org join" {
		t.Errorf("join command %q", joins[0])
	}
}
