package session

import (
	"errors"
	"strings"
	"testing"
)

// A retrospective opened for collecting takes cards in its waiting room,
// hidden from everyone else until the reveal and, when anonymous, recorded
// as anonymously as in the writing phase; one that is not refuses them.
func TestCollectingCardsAhead(t *testing.T) {
	if f := newRetro(t, Config{}, "Lukas", "Julia"); !errors.Is(f.do(lukas, AddCard{Column: 0, Text: "early"}), ErrPhase) {
		t.Fatal("a retrospective not opened for collecting takes a card in its waiting room")
	}
	for _, anonymous := range []bool{false, true} {
		f := newRetro(t, Config{Collect: true, Anonymous: anonymous}, "Lukas", "Julia")
		if f.s.Phase != Waiting {
			t.Fatalf("phase %s", f.s.Phase)
		}
		f.must(lukas, AddCard{Column: 0, Text: "pair more"})
		f.must(julia, AddCard{Column: 1, Text: "late merges"})
		f.must(julia, EditCard{Card: 2, Text: "late merges again"})
		f.must(julia, AddCard{Column: 1, Text: "typo"})
		f.must(julia, DeleteCard{Card: 3})
		if err := f.do(lukas, EditCard{Card: 2, Text: "mine now"}); err == nil {
			t.Fatal("Lukas edited Julia's card")
		}
		if seen := f.s.For(lukas, f.env().hash(lukas)); seen.Cards[1].Text != "" || seen.Cards[0].Text != "pair more" {
			t.Fatalf("anonymous %v: Lukas sees %+v", anonymous, seen.Cards)
		}
		for _, e := range f.events {
			if _, ok := e.Payload.(*CardAdded); ok && anonymous && e.Actor != Anonymous {
				t.Fatalf("an anonymous card is recorded under %q", e.Actor)
			}
			if b, _ := EncodePayload(e.Payload); anonymous && e.Type() == "card-added" && strings.Contains(string(b), "Julia") {
				t.Fatalf("an anonymous card names its author: %s", b)
			}
		}
		f.to(Write)
		if len(f.s.Cards) != 2 || f.s.Revealed {
			t.Fatalf("in the writing phase: %d cards, revealed %v", len(f.s.Cards), f.s.Revealed)
		}
		f.must(fac, Reveal{})
		if seen := f.s.For(lukas, ""); seen.Cards[1].Text != "late merges again" {
			t.Fatalf("after the reveal Lukas sees %+v", seen.Cards)
		}
	}
}
