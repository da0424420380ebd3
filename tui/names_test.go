package tui

import (
	"strings"
	"testing"

	"huddle/session"
)

// Mentions find names with spaces, a unique first name or the start of a
// name; a start several names share is refused with the names.
func TestMentionsFindNamesWithSpaces(t *testing.T) {
	for _, tc := range []struct {
		typed, topic string
		stays        []string
		err          string
	}{
		{"deploy @Åsa Ström", "deploy", []string{"Åsa Ström"}, ""},
		{"deploy @åsa ström @Lukas", "deploy", []string{"Åsa Ström", "Lukas"}, ""},
		{"deploy @Åsa", "deploy", []string{"Åsa Ström"}, ""},
		{"deploy @lu", "deploy", []string{"Lukas"}, ""},
		{"deploy @J", "", nil, "@J could be Jonas Berg or Jörg: type more of the name"},
		{"deploy @jo", "deploy", []string{"Jonas Berg"}, ""},
		{"ask @Bob about it", "ask @Bob about it", nil, ""},
		{"mail a@b.c", "mail a@b.c", nil, ""},
		{"deploy @Nobody", "", nil, "nobody called Nobody is in this session"},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			d := newDriver(t, session.Config{}, "Åsa Ström", "Lukas", "Jonas Berg", "Jörg")
			c, err := d.m.parseMentions(tc.typed)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("parseMentions(%q) = %+v, %v; want the error %q", tc.typed, c, err, tc.err)
				}
				return
			}
			if err != nil || c.Topic != tc.topic || len(c.Stay) != len(tc.stays) {
				t.Fatalf("parseMentions(%q) = %+v, %v; want topic %q and %v staying", tc.typed, c, err, tc.topic, tc.stays)
			}
			for i, name := range tc.stays {
				if c.Stay[i] != session.RosterID(name) {
					t.Fatalf("parseMentions(%q) stays %v, want %v", tc.typed, c.Stay, tc.stays)
				}
			}
		})
	}
}

func TestParkMentioningANameWithASpace(t *testing.T) {
	d := newDriver(t, session.Config{}, "Åsa Ström", "Lukas")
	d.press("enter", "enter", "n")
	d.press("p")
	d.see("tab complete")
	d.typeText("ci flakes @Å")
	d.press("tab")
	d.see("Park a topic: ci flakes @Åsa Ström")
	d.typeText("@Lu")
	d.press("tab")
	d.press("enter")
	it, ok := d.state().Item(1)
	if !ok || it.Topic != "ci flakes" || !it.Stays(session.RosterID("Åsa Ström")) || !it.Stays(session.RosterID("Lukas")) {
		t.Fatalf("item %+v, want ci flakes with Åsa Ström and Lukas staying", it)
	}
}

func TestBlockerForAFirstName(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Åsa Ström")
	d.press("enter", "enter", "n") // Lukas speaks
	d.press("b")
	d.typeText("@Åsa needs prod access")
	d.press("enter")
	d.see("blocker noted for Åsa Ström")
	if bs := d.state().Blockers; len(bs) != 1 || bs[0].Text != "needs prod access" {
		t.Fatalf("blockers %+v", bs)
	}
}

// The footer offers tab only where tab completes something.
func TestTabIsOfferedOnlyWhereItCompletes(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("e")
	d.see("End the stand-up now?")
	d.notSee("tab complete")
	d.press("n")
	d.press("a")
	d.see("Who arrived?", "tab complete")
	d.press("esc")
}

// A name nobody has, typed as an arrival, is a question, not a guest.
func TestMistypedArrivalAsks(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("a")
	d.typeText("Lukaas")
	d.press("enter")
	d.see("Lukaas is not on the roster. Lukas? y: Lukas is here · g: add Lukaas as a guest · n: neither")
	if n := len(d.state().Participants); n != 3 {
		t.Fatalf("%d participants, want the facilitator and the roster: no guest yet", n)
	}
	d.press("y")
	if p, _ := d.state().Participant(session.RosterID("Lukas")); !p.Present {
		t.Fatal("y did not mark Lukas present")
	}

	d.press("a")
	d.typeText("Zed")
	d.press("enter")
	d.see("Add Zed as a guest? (y/n)")
	d.press("n")
	if _, ok := d.state().Participant(session.RosterID("Zed")); ok {
		t.Fatal("n added Zed")
	}
	d.press("a")
	d.typeText("Julai")
	d.press("enter", "g")
	if p, ok := d.state().Participant(session.RosterID("Julai")); !ok || !p.Present {
		t.Fatal("g did not add Julai as a guest")
	}
	if p, _ := d.state().Participant(session.RosterID("Julia")); p.Present {
		t.Fatal("g marked Julia present")
	}

	d.press("a")
	d.typeText("julia")
	d.press("enter")
	if p, _ := d.state().Participant(session.RosterID("Julia")); !p.Present {
		t.Fatal("a roster name, typed in another case, was not marked present at once")
	}
}

func TestArrivalOfATooLongNameIsRefused(t *testing.T) {
	d := newDriver(t, session.Config{}, "Lukas")
	d.press("a")
	d.typeText(strings.Repeat("x", 65))
	d.press("enter")
	d.see("too long (65 columns, at most 64)")
}

func TestRetroMistypedArrivalAsks(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Lukas", "Julia")
	d.press("a")
	d.typeText("Lukaas")
	d.press("enter")
	d.see("Lukaas is not on the roster. Lukas?")
	d.press("n")
	if n := len(d.state().Participants); n != 3 {
		t.Fatalf("%d participants, want no guest", n)
	}
	d.press("a")
	d.typeText("Zed")
	d.press("enter")
	d.see("Add Zed as a guest? (y/n)")
	d.press("y")
	if p, ok := d.state().Participant(session.RosterID("Zed")); !ok || !p.Present {
		t.Fatal("y did not add Zed as a guest")
	}
}

func TestRetroParkCompletesMentions(t *testing.T) {
	d := newRetroDriver(t, session.Config{}, "Åsa Ström", "Julia")
	d.press("p")
	d.see("tab complete")
	d.typeText("ci @Ås")
	d.press("tab")
	d.see("ci @Åsa Ström")
	d.press("enter")
	if len(d.state().Items) != 1 || !d.state().Items[0].Stays(session.RosterID("Åsa Ström")) {
		t.Fatalf("items %+v", d.state().Items)
	}
}
