package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"huddle/session"
)

func runTeamCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &out)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append(append([]string{"team"}, args...), "--data-dir", dir))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// A team created locally belongs to whoever runs huddle on the data
// directory: they change it and name the keys that own it over SSH.
func TestTheLocalOperatorOwnsTheTeam(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = resolveTeam(context.Background(), st, standupFlags{team: "web", members: []string{"Anna", "Ben"}}, asker{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := runTeamCmd(t, dir, "web", "add", "Cem"); err != nil || !strings.Contains(out, "Cem") {
		t.Fatalf("add: %v\n%s", err, out)
	}
	if out, err := runTeamCmd(t, dir, "web", "rename", "Ben", "Benno"); err != nil || !strings.Contains(out, "Benno") {
		t.Fatalf("rename: %v\n%s", err, out)
	}
	out, err := runTeamCmd(t, dir, "web", "owner", "add", "SHA256:abc")
	if err != nil || !strings.Contains(out, "SHA256:abc") {
		t.Fatalf("owner add: %v\n%s", err, out)
	}
	if _, err := runTeamCmd(t, dir, "web", "sideways"); !errors.Is(err, session.ErrInvalid) {
		t.Fatalf("a bad change: %v", err)
	}
	st, err = openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	team, err := st.Team(context.Background(), "web")
	if err != nil || !team.Owns(session.KeyCaller("SHA256:abc")) || strings.Join(team.Members, ",") != "Anna,Benno,Cem" {
		t.Fatalf("team %+v, %v", team, err)
	}
}

// The team command sets a schedule, and ics writes it as a calendar.
func TestTeamScheduleAndICS(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = resolveTeam(context.Background(), st, standupFlags{team: "web", members: []string{"Anna", "Ben"}}, asker{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var none bytes.Buffer
	noneCmd := newRootCmd(strings.NewReader(""), &none)
	noneCmd.SetOut(&none)
	noneCmd.SetErr(&none)
	noneCmd.SetArgs([]string{"ics", "--team", "web", "--data-dir", dir})
	if err := noneCmd.ExecuteContext(context.Background()); err == nil || !strings.Contains(err.Error(), "web has no schedule") {
		t.Fatalf("ics without a schedule: %v", err)
	}
	if _, err := runTeamCmd(t, dir, "web", "--standup", "Mon-Fri 25:00 Europe/Berlin"); err == nil || !strings.Contains(err.Error(), `"25:00" is not a time of day`) {
		t.Fatalf("a bad time: %v", err)
	}
	out, err := runTeamCmd(t, dir, "web", "--standup", "Mon-Fri 10:00 Europe/Berlin", "--retro", "Fri/2 14:00 Europe/Berlin")
	if err != nil || !strings.Contains(out, "    standup: Mon-Fri 10:00 Europe/Berlin\n    retro: Fri/2 14:00 Europe/Berlin from ") {
		t.Fatalf("team --standup --retro: %v\n%s", err, out)
	}
	if _, err := runTeamCmd(t, dir, "web", "add", "Cem", "--retro", "off"); err == nil {
		t.Fatal("a roster change and a schedule together were taken")
	}
	var ics bytes.Buffer
	cmd := newRootCmd(strings.NewReader(""), &ics)
	cmd.SetOut(&ics)
	cmd.SetArgs([]string{"ics", "--team", "web", "--data-dir", dir})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(ics.String(), "\r\n ", "")
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;WKST=MO\r\n",
		"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;WKST=MO\r\n", "DTSTART;TZID=Europe/Berlin:", "Open it with: huddle standup --team web"} {
		if !strings.Contains(text, want) {
			t.Errorf("ics has no %q:\n%s", want, ics.String())
		}
	}
}
