package sshserver

import (
	"testing"
	"time"
)

// The idle deadline is set again when it moves later by a second or
// more, or earlier, or away; not for each read and write a moment apart.
func TestLazyDeadline(t *testing.T) {
	var d lazyDeadline
	now := time.Now()
	idle := 10 * time.Minute
	steps := []struct {
		what string
		t    time.Time
		set  bool
	}{
		{"the first", now.Add(idle), true},
		{"a moment later", now.Add(idle + 50*time.Millisecond), false},
		{"just under a second later", now.Add(idle + 900*time.Millisecond), false},
		{"a second later", now.Add(idle + 1100*time.Millisecond), true},
		{"earlier", now.Add(idle), true},
		{"none", time.Time{}, true},
		{"none again", time.Time{}, false},
		{"a near one", now.Add(time.Second), true},
		{"a sixteenth of a second later, with a second left", now.Add(time.Second + 70*time.Millisecond), true},
		{"a little later, with a second left", now.Add(time.Second + 80*time.Millisecond), false},
	}
	for _, s := range steps {
		if got := !d.keeps(s.t); got != s.set {
			t.Errorf("%s: set %v, want %v", s.what, got, s.set)
		}
	}
}
