package notify_test

import (
	"strings"
	"testing"

	"huddle/notify"
	"huddle/session"
)

func TestOpenedTextGivesTheJoinCommand(t *testing.T) {
	info := session.Info{ID: "s1", Team: "music*store", Kind: session.Standup, Code: "ABC123"}
	got := notify.OpenedText(info, "ssh -t -p 2222 huddle.example.org join")
	want := "**Stand-up of music\\*store is open**. Join with:\n```\nssh -t -p 2222 huddle.example.org join ABC123\n```"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	info.Kind = session.Retro
	if got := notify.OpenedText(info, ""); got != "**Retrospective of music\\*store is open** at the facilitator's keyboard." {
		t.Errorf("at the shared keyboard: %q", got)
	}
}

func TestEndedTextOfAStandup(t *testing.T) {
	got := notify.EndedText(session.Fold("s1", standup()))
	want := "**Stand-up of musicstore ended** · Mon 30 Nov 2026 · 3:00 of 5:00\n\n" +
		"**Attendance:** 1 of 2 came: Lukas (late by 1 min) · absent: Jörg\n\n" +
		"**Blockers**\n- Lukas: \\*waiting\\* on `@julia` for `#42`"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestEndedTextOfARetro(t *testing.T) {
	got := notify.EndedText(session.Fold("r1", retro(false)))
	for _, want := range []string{
		"**Retrospective of musicstore ended** · Mon 30 Nov 2026",
		"**Attendance:** 2 of 3 came: Julia, Zed · absent: Jörg",
		"**Decisions**\n- A secret complaint → One approval is enough (absent: Jörg)",
		"**Action items**\n- Change the branch rule — Julia, due Wed 2 Dec",
		"1 earlier action item carries on.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "http") {
		t.Errorf("the summary links somewhere:\n%s", got)
	}
}

func TestEndedTextOfAnAnonymousRetroNamesNoAuthor(t *testing.T) {
	s := session.Fold("r1", retro(true))
	if !s.Config.Anonymous || len(s.Cards) != 1 || s.Cards[0].AuthorHash == "" {
		t.Fatalf("the fixture does not cover what this test is about: %+v", s.Cards)
	}
	got := notify.EndedText(s)
	for _, who := range []string{"Zed", "Jörg", "0123456789abcdef"} {
		if strings.Contains(got, who) {
			t.Errorf("the notification of an anonymous retro names %q:\n%s", who, got)
		}
	}
	for _, want := range []string{"**Attendance:** 2 of 3 came\n", "- A secret complaint → One approval is enough\n", "- Change the branch rule — Julia"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
}

func TestEndedTextOfASessionThatNeverStarted(t *testing.T) {
	events := standup()[:1]
	events = append(events, session.Event{Seq: 2, Time: at(30), Payload: &session.Ended{}})
	got := notify.EndedText(session.Fold("s1", events))
	if want := "**Stand-up of musicstore ended** · Mon 30 Nov 2026 · it never started."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
