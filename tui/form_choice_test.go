package tui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"huddle/session"
)

// fakeLobby records the form it was asked to open.
type fakeLobby struct{ opened []SessionForm }

func (l *fakeLobby) Sessions() ([]LobbyEntry, error) { return nil, nil }
func (l *fakeLobby) NewSession(f SessionForm) (string, error) {
	l.opened = append(l.opened, f)
	return "", errors.New("not here")
}
func (l *fakeLobby) Enter(string, bool) (Room, session.ParticipantID, error) {
	return nil, "", errors.New("not here")
}
func (l *fakeLobby) Close(string) error { return nil }

type lobbyDriver struct {
	t *testing.T
	a *App
	l *fakeLobby
}

func newLobbyDriver(t *testing.T) *lobbyDriver {
	l := &fakeLobby{}
	d := &lobbyDriver{t: t, a: NewApp(l, Options{}), l: l}
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	return d
}

func (d *lobbyDriver) send(msg tea.Msg) {
	m, cmd := d.a.Update(msg)
	d.a = m.(*App)
	if cmd != nil && d.l != nil {
		if _, ok := msg.(tea.KeyPressMsg); ok {
			if res, ok := cmd().(enteredMsg); ok {
				m, _ := d.a.Update(res)
				d.a = m.(*App)
			}
		}
	}
}

func (d *lobbyDriver) press(keys ...string) {
	for _, k := range keys {
		d.send(lobbyKey(k))
	}
}

func lobbyKey(k string) tea.KeyPressMsg {
	switch k {
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	return keyMsg(k)
}

func (d *lobbyDriver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (d *lobbyDriver) see(want ...string) {
	d.t.Helper()
	s := ansi.Strip(d.a.View().Content)
	for _, w := range want {
		if !strings.Contains(s, w) {
			d.t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

// The lobby's form chooses the kind, the board and the guests with ←/→
// and shows the chosen board's columns, so that nobody needs huddle
// formats at hand over SSH; a typed list of columns is a custom board.
func TestLobbyFormPicksTheFormat(t *testing.T) {
	d := newLobbyDriver(t)
	d.press("n")
	d.see("A new stand-up or retrospective", "←/→ choose")
	d.press("right") // standup → retro
	if v := d.a.form[fieldKind].Value(); v != "retro" {
		t.Fatalf("kind %q after →, want retro", v)
	}
	d.press("tab")
	d.typeText("web")
	d.press("tab", "tab", "tab", "tab") // to the format
	d.see("empty: the team's last board")
	d.press("enter") // a retro of the team's last board
	if len(d.l.opened) != 1 || d.l.opened[0].FormatGiven {
		t.Fatalf("opened %+v, want the format left to the team", d.l.opened)
	}
	d.press("right")
	d.see("Start / Stop / Continue: Start · Stop · Continue")
	d.press("right", "right")
	d.see("4Ls: Liked · Learned · Lacked · Longed for")
	d.press("left")
	d.see("Mad / Sad / Glad: Mad · Sad · Glad")
	d.press("enter")
	if o := d.l.opened; len(o) != 2 || o[1].Format != session.MadSadGlad || !o[1].FormatGiven || o[1].Kind != session.Retro {
		t.Fatalf("opened %+v, want a mad-sad-glad retro", d.l.opened)
	}
	// A custom board is typed; ←/→ then move in the text.
	for range len("mad-sad-glad") {
		d.press("backspace")
	}
	d.typeText("Keep,Drop")
	d.press("left")
	if v := d.a.form[fieldFormat].Value(); v != "Keep,Drop" {
		t.Fatalf("← changed a typed board to %q", v)
	}
	d.see("your own board: Keep · Drop")
	d.press("tab") // the guests
	d.press("right")
	if v := d.a.form[fieldGuests].Value(); v != "open" {
		t.Fatalf("guests %q after →, want open", v)
	}
}

// Names typed into the form are refused when too long, never cut.
func TestLobbyFormRefusesTooLongNames(t *testing.T) {
	d := newLobbyDriver(t)
	d.press("n", "tab")
	d.typeText(strings.Repeat("t", 70))
	d.press("enter")
	d.see("team: the name", "is too long (70 columns, at most 64)")
	if len(d.l.opened) != 0 {
		t.Fatalf("opened %+v", d.l.opened)
	}
	for range 70 {
		d.press("backspace")
	}
	d.typeText("web")
	d.press("tab")
	d.typeText("Ann," + strings.Repeat("m", 65))
	d.press("enter")
	d.see("members: the name")
	if len(d.l.opened) != 0 {
		t.Fatalf("opened %+v", d.l.opened)
	}
}
