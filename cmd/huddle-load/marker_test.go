package main

import (
	"fmt"
	"strings"
	"testing"
)

// A marker is seen when its bytes came in one chunk or split across
// chunks, and not after chunks without it; a checking participant
// confirms it on the screen, and only then counts it.
func TestSawMarkerLooksWhenTheBytesCame(t *testing.T) {
	const marker = "mk7abcdef"
	screen := "a screen that shows " + marker
	for _, tc := range []struct {
		name   string
		chunks []string
		look   bool
		screen string
	}{
		{"in one chunk", []string{"\x1b[2J", "\x1b[5;3H\x1b[38;5;252m" + marker + "\x1b[m"}, true, ""},
		{"split across two", []string{"\x1b[5;3H" + marker[:4], marker[4:] + "\x1b[m"}, true, ""},
		{"split after a long chunk", []string{strings.Repeat("x", 100) + marker[:2], marker[2:]}, true, ""},
		{"split over three small chunks", []string{"mk", "7abc", "def"}, true, ""},
		{"not there", []string{"\x1b[1;1Hclock 09:55", "\x1b[2;1Hmk7abcde"}, false, ""},
		{"in the bytes, not on the screen", []string{marker}, true, "a screen without it"},
	} {
		for _, checks := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/checks=%v", tc.name, checks), func(t *testing.T) {
				sender := &participant{}
				p := &participant{room: &room{}, checks: checks}
				p.member.Store(true)
				p.room.current.Store(&round{id: 1, marker: marker, sender: sender, want: 1, done: make(chan struct{})})
				shown := screen
				if tc.screen != "" {
					shown = tc.screen
				}
				looked := 0
				for _, c := range tc.chunks {
					p.sawMarker([]byte(c), func() string { looked++; return shown })
				}
				wantSeen := tc.look && (!checks || strings.Contains(shown, marker))
				if (p.lastSeen == 1) != wantSeen || (looked > 0) != (checks && tc.look) {
					t.Errorf("read the screen %d times, saw round %d; want it seen: %v", looked, p.lastSeen, wantSeen)
				}
			})
		}
	}
}
