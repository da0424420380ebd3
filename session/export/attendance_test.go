package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// TestWatchersAreNotAttendees: a watcher is listed apart in every format
// that has an attendance, never as on time, late or absent.
func TestWatchersAreNotAttendees(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	info := session.Info{ID: "s1", Team: "musicstore", Kind: session.Standup, Code: "c", Created: at}
	events := []session.Event{
		{Seq: 1, Time: at, Actor: "local:maria", Payload: &session.Created{
			Config:      session.Config{Team: "musicstore", Kind: session.Standup, Timebox: 15 * time.Minute, ScheduledAt: at},
			Facilitator: session.Person{ID: "local:maria", Name: "Maria"}, Roster: []string{"Lukas"},
		}},
		{Seq: 2, Time: at, Actor: "local:maria", Payload: &session.Arrived{Who: session.Person{ID: session.RosterID("Lukas"), Name: "Lukas"}, Role: session.Member}},
		{Seq: 3, Time: at.Add(5 * time.Minute), Actor: session.SSHID("k"), Payload: &session.Arrived{Who: session.Person{ID: session.SSHID("k"), Name: "Petra"}, Role: session.Observer, Key: "k"}},
		{Seq: 4, Time: at.Add(6 * time.Minute), Actor: "local:maria", Payload: &session.Ended{}},
	}
	for _, format := range []string{"md", "html"} {
		var b bytes.Buffer
		if err := Write(&b, format, info, events); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, "Watching (not attending): Petra") {
			t.Errorf("%s does not list Petra as watching:\n%s", format, out)
		}
		if strings.Count(out, "Petra") != 1 {
			t.Errorf("%s names Petra %d times, want once, as a watcher:\n%s", format, strings.Count(out, "Petra"), out)
		}
	}
	var b bytes.Buffer
	if err := Write(&b, "json", info, events); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		State struct {
			Participants []struct {
				Name   string        `json:"name"`
				Role   session.Role  `json:"role"`
				Absent bool          `json:"absent"`
				LateBy time.Duration `json:"late_by"`
			} `json:"participants"`
		} `json:"state"`
	}
	if err := json.Unmarshal(b.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	for _, p := range rec.State.Participants {
		if p.Name == "Petra" && (p.Role != session.Observer || p.Absent || p.LateBy != 0) {
			t.Fatalf("the record has the watcher as %+v", p)
		}
	}
}
