package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"huddle/session"
)

// The hints on the screens name commands that work where the participant
// is: huddle at the shared keyboard, the server's ssh command over SSH,
// where export takes the join code, not the session's id.
func TestHintsWorkWhereTheParticipantIs(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	d.see(`none yet · next time: huddle standup --agreement "Be on time"`)

	over := &driver{t: t, room: d.room, clock: d.clock}
	over.m = over.model(fac, Options{JoinCommand: "ssh -t -p 2222 huddle.example.org join"})
	over.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	over.see(`none yet · next time: ssh -p 2222 huddle.example.org new standup --team musicstore --agreement "Be on time"`)

	d.press("enter", "e", "y")
	id, code := d.state().ID, d.state().Config.Code
	d.see("Minutes: huddle export " + id)
	d.see("Decision log: huddle decisions --team musicstore")
	over.deliver()
	over.see("Minutes: ssh -p 2222 huddle.example.org export " + code)
	over.see("Decision log: ssh -p 2222 huddle.example.org decisions --team musicstore")
	over.notSee(id)
}

func TestRemotePrefix(t *testing.T) {
	for join, want := range map[string]string{
		"":                                       "huddle",
		"ssh -t -p 2222 huddle.example.org join": "ssh -p 2222 huddle.example.org",
		"ssh -t -p 22 [::1] join":                "ssh -p 22 [::1]",
		"something else":                         "huddle",
	} {
		if got := remotePrefix(join); got != want {
			t.Errorf("remotePrefix(%q) = %q, want %q", join, got, want)
		}
	}
	if got := quoteArg("web team"); got != "'web team'" {
		t.Errorf("quoteArg: %q", got)
	}
	if got := quoteArg("it's"); got != `'it'\''s'` {
		t.Errorf("quoteArg: %q", got)
	}
}
