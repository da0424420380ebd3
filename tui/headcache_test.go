package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"

	"huddle/session"
)

// drawnHeader is the header as Model.header drew it before its pieces
// were shared: styled whole, on every call.
func drawnHeader(m *Model, w int) string {
	st := m.styles
	kind := m.state.Config.Kind.Noun()
	left := st.Title.Render("huddle") + st.Subtle.Render(" · ") + st.Team.Render(m.state.Config.Team+" "+kind)
	role := m.role().String()
	if m.knocking() {
		role = "at the door"
	}
	if p, ok := m.state.Participant(m.me); ok {
		role = p.Name + " · " + role
	}
	right := st.Badge.Render(phaseTitle(m.state.Phase)) + " " + st.Clock.Render(m.now.In(m.zone()).Format("15:04")+" · "+role)
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		right = st.Badge.Render(phaseTitle(m.state.Phase)) + " " + st.Clock.Render(m.now.In(m.zone()).Format("15:04"))
		left = truncate(left, w-lipgloss.Width(right)-1)
		gap = max(1, w-lipgloss.Width(left)-lipgloss.Width(right))
	}
	rule := st.Rule.Render(repeat("─", w))
	if f, ok := m.state.Participant(m.state.Facilitator); ok {
		who := f.Name
		switch {
		case f.ID == m.me:
			who = "you"
		case !f.Present:
			who += " (away)"
		}
		label := truncate("facilitator: "+who, max(0, w-6))
		rule = st.Rule.Render("── ") + st.Subtle.Render(label) + st.Rule.Render(" "+repeat("─", max(0, w-4-lipgloss.Width(label))))
	}
	return left + repeat(" ", gap) + right + "\n" + rule
}

// sameCells reports where two screens w cells wide differ as a terminal
// shows them, cell by cell, characters and styles: the shared pieces
// are styled one by one, so their bytes may differ from a whole drawing.
func sameCells(got, want string, w int) string {
	h := strings.Count(want, "\n") + 1
	if n := strings.Count(got, "\n") + 1; n != h {
		return "the number of lines"
	}
	draw := func(s string) uv.ScreenBuffer {
		buf := uv.NewScreenBuffer(w, h)
		uv.NewStyledString(s).Draw(buf, buf.Bounds())
		return buf
	}
	g, x := draw(got), draw(want)
	for y := range h {
		for col := range w {
			if a, b := g.CellAt(col, y), x.CellAt(col, y); !a.Equal(b) {
				return "the cell at column " + itoa(col) + " of line " + itoa(y)
			}
		}
	}
	return ""
}

// TestSharedHeaderIsTheParticipantsOwn: the header put together from the
// process's pieces shows what the participant's own drawing of it
// shows, cell by cell, for every participant, role, width, theme,
// background, second, phase and facilitator, asked in turns so that a
// piece keyed without something it depends on shows up as one
// participant seeing another's.
func TestSharedHeaderIsTheParticipantsOwn(t *testing.T) {
	d := newDriver(t, session.Config{}, "ana", "ben", "Jörg Müller-Lüdenscheidt the Second")
	retro := newDriver(t, session.Config{Kind: session.Retro}, "ana")
	for _, name := range []string{"ana", "ben"} {
		if err := d.room.Submit(fac, session.Arrive{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	var models []*Model
	for _, dr := range []*driver{d, retro} {
		for _, id := range []session.ParticipantID{fac, session.RosterID("ana"), session.RosterID("ben"), session.RosterID("Jörg Müller-Lüdenscheidt the Second"), "ssh:watcher"} {
			m := New(dr.room, id, Options{Bodies: testBodies})
			m.ticking = false
			t.Cleanup(m.Close)
			models = append(models, m)
		}
	}
	check := func(state string) {
		t.Helper()
		for range 2 { // the second time from the pieces
			for _, th := range []Theme{ThemeDefault, ThemeHighContrast} {
				for _, dark := range []bool{true, false} {
					for _, width := range []int{200, 80, 61, 40} {
						for _, after := range []time.Duration{0, 1500 * time.Millisecond, 61 * time.Second, 0, 3 * time.Minute} {
							for _, m := range models {
								mm, _ := updated(m, tea.WindowSizeMsg{Width: width, Height: 24})
								mm.styles = th.Styles(dark)
								mm.now = t0.Add(after)
								w := width - 2
								got, want := mm.header(w), drawnHeader(mm, w)
								if ansi.Strip(got) != ansi.Strip(want) {
									t.Fatalf("%s, %v dark %v, width %d, +%v, as %s: the header\n%s\nwant\n%s", state, th, dark, width, after, mm.me, ansi.Strip(got), ansi.Strip(want))
								}
								if where := sameCells(got, want, w); where != "" {
									t.Fatalf("%s, %v dark %v, width %d, +%v, as %s: %s differs\n%q\nwant\n%q", state, th, dark, width, after, mm.me, where, got, want)
								}
							}
						}
					}
				}
			}
		}
	}
	deliver := func() {
		for i, m := range models {
			dr := d
			if i >= len(models)/2 {
				dr = retro
			}
			updated(m, snapshotMsg(dr.room.Snapshot()))
		}
	}
	check("waiting room")
	d.clock.Advance(700 * time.Millisecond)
	d.press("n")
	if d.state().Phase != session.Rounds {
		t.Fatalf("phase %s, want rounds", d.state().Phase)
	}
	deliver()
	check("rounds")
	if err := d.room.Submit(fac, session.HandOver{To: session.RosterID("ana")}); err != nil {
		t.Fatal(err)
	}
	deliver()
	check("handed over")
	if err := d.room.Submit(session.RosterID("ana"), session.Leave{Who: session.RosterID("ana")}); err != nil {
		t.Fatal(err)
	}
	deliver()
	check("the facilitator away")
}

// Two participants of one room at one snapshot, size and second each
// see their own name and role, and who facilitates as they should.
func TestHeadersAreEachParticipantsOwn(t *testing.T) {
	d := newDriver(t, session.Config{}, "ana")
	if err := d.room.Submit(fac, session.Arrive{Name: "ana"}); err != nil {
		t.Fatal(err)
	}
	d.deliver()
	ana := New(d.room, session.RosterID("ana"), Options{Bodies: testBodies})
	ana.ticking = false
	t.Cleanup(ana.Close)
	ana.now, d.m.now = t0, t0
	mine, hers := ansi.Strip(d.m.header(78)), ansi.Strip(ana.header(78))
	for _, c := range []struct{ header, want, not string }{
		{mine, "maria · facilitator", "ana · "},
		{mine, "facilitator: you", "facilitator: maria"},
		{hers, "ana · member", "maria · "},
		{hers, "facilitator: maria", "facilitator: you"},
	} {
		if !strings.Contains(c.header, c.want) || strings.Contains(c.header, c.not) {
			t.Errorf("header %q: want %q and not %q", c.header, c.want, c.not)
		}
	}
}
