package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Three cheap attacks against the real server: it survives each, and a
// legitimate participant gets into the session while the attack presses
// and after it. Each attack ends as soon as the check during it is done.
func TestServerSurvivesCheapAttacks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs huddle serve")
	}
	bin := filepath.Join(t.TempDir(), "huddle")
	if out, err := exec.Command("go", "build", "-o", bin, "../huddle").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cases := []struct {
		name  string
		scale int
		// want is what the attacker must have been told, if anything.
		want string
	}{
		{name: "dev-zero", scale: 5}, // one connection, four sessions
		{name: "channels", scale: 10, want: "too many sessions on one connection"},
		{name: "raw-tcp", scale: 1}, // 240 connections: past the caps of the unauthenticated pool
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			as, err := choose(c.name)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := runAttack(ctx, bin, as[0], options{untilChecked: true, scale: c.scale})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			res.print(&out)
			if !res.alive {
				t.Fatalf("the server died: %s\n%s", res.exit, out.String())
			}
			if !res.legitDuring.ok || !res.legitAfter.ok {
				t.Errorf("a legitimate participant did not get in: during %s, after %s\n%s", res.legitDuring, res.legitAfter, out.String())
			}
			if c.want != "" && !strings.Contains(out.String(), c.want) {
				t.Errorf("the attacker was not told %q:\n%s", c.want, out.String())
			}
			if res.rssPeak <= 0 || res.rssPeak > 400<<20 {
				t.Errorf("server peak RSS %s, want some and under 400 MiB\n%s", mib(res.rssPeak), out.String())
			}
		})
	}
}
