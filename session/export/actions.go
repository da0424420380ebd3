package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"huddle/session"
)

// ActionsVersion is the version of the open action items' JSON document.
const ActionsVersion = 1

// TeamItems are one team's open action items.
type TeamItems struct {
	Team  string
	Items []session.ActionItem
}

// actionList is teams' open action items as JSON.
type actionList struct {
	Version int          `json:"huddle_actions"`
	At      string       `json:"at"` // when the list was made: ages and overdue are as of then
	Teams   []actionTeam `json:"teams"`
}

type actionTeam struct {
	Team  string         `json:"team"`
	Items []actionRecord `json:"items"`
}

// actionRecord is an open item as the JSON list holds it.
type actionRecord struct {
	session.ActionItem
	Overdue bool `json:"overdue"`
	AgeDays int  `json:"age_days"`
}

// WriteActions writes teams' open action items (see
// session.TeamHistory.OpenActions) in the format (md, json or csv): each
// with its owner, due day, age and where it came from, as of now in loc.
func WriteActions(w io.Writer, format string, teams []TeamItems, now time.Time, loc *time.Location) error {
	switch format {
	case "md", "markdown", "":
		bw := bufio.NewWriter(w)
		for i, t := range teams {
			if i > 0 {
				bw.WriteString("\n")
			}
			actionsMarkdown(bw, t.Team, t.Items, now, loc)
		}
		if len(teams) == 0 {
			bw.WriteString("You are on no team.\n")
		}
		return bw.Flush()
	case "json":
		doc := actionList{Version: ActionsVersion, At: stamp(now), Teams: []actionTeam{}}
		for _, t := range teams {
			at := actionTeam{Team: t.Team, Items: []actionRecord{}}
			for _, a := range t.Items {
				at.Items = append(at.Items, actionRecord{ActionItem: a, Overdue: a.Overdue(now, loc), AgeDays: ageDays(a, now)})
			}
			doc.Teams = append(doc.Teams, at)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
		_, err := w.Write(b.Bytes())
		return err
	case "csv":
		return actionsCSV(w, teams, now, loc)
	}
	return fmt.Errorf("%w: unknown format %q for action items; use md, json or csv", session.ErrInvalid, session.Printable(session.CleanName(format)))
}

func ageDays(a session.ActionItem, now time.Time) int {
	if a.Agreed.IsZero() || now.Before(a.Agreed) {
		return 0
	}
	return int(now.Sub(a.Agreed) / (24 * time.Hour))
}

// ageText is an item's age: "today", "1 day", "12 days".
func ageText(a session.ActionItem, now time.Time) string {
	switch n := ageDays(a, now); n {
	case 0:
		return "today"
	case 1:
		return "1 day"
	default:
		return strconv.Itoa(n) + " days"
	}
}

// fromText says where an item came from: "retrospective 8f3k2q, Wed 25 Nov".
func fromText(a session.ActionItem, loc *time.Location) string {
	kind := "stand-up"
	if a.Kind == session.Retro {
		kind = "retrospective"
	}
	sid := a.Session
	if len(sid) > 6 {
		sid = sid[:6]
	}
	out := kind + " " + sid
	if !a.Agreed.IsZero() {
		out += ", " + a.Agreed.In(loc).Format("Mon 2 Jan")
	}
	return out
}

func dueText(a session.ActionItem, now time.Time, loc *time.Location) string {
	switch {
	case a.Due.IsZero():
		return ""
	case a.Overdue(now, loc):
		return a.Due.In(loc).Format("Mon 2 Jan") + " (overdue)"
	case a.DueOn(now, loc):
		return a.Due.In(loc).Format("Mon 2 Jan") + " (today)"
	}
	return a.Due.In(loc).Format("Mon 2 Jan")
}

func actionsMarkdown(bw *bufio.Writer, team string, items []session.ActionItem, now time.Time, loc *time.Location) {
	c := session.CountActions(items, now, loc)
	fmt.Fprintf(bw, "# Open action items of %s\n\n", md(team))
	if c.Open == 0 {
		fmt.Fprintln(bw, "None open.")
		return
	}
	head := strconv.Itoa(c.Open) + " open"
	if c.Overdue > 0 {
		head += ", " + strconv.Itoa(c.Overdue) + " overdue"
	}
	fmt.Fprintf(bw, "%s, as of %s.\n\n", head, now.In(loc).Format("Mon 2 Jan 2006 15:04"))
	fmt.Fprintln(bw, "| Ref | Action item | Owner | Due | Age | From |")
	fmt.Fprintln(bw, "| --- | --- | --- | --- | --: | --- |")
	for _, a := range items {
		fmt.Fprintf(bw, "| `%s` | %s | %s | %s | %s | %s |\n", a.ShortRef(), md(a.Text), md(a.Owner), dueText(a, now, loc), ageText(a, now), fromText(a, loc))
	}
}

func actionsCSV(w io.Writer, teams []TeamItems, now time.Time, loc *time.Location) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("team,ref,text,owner,due,overdue,agreed,age_days,session,kind\r\n")
	for _, t := range teams {
		for _, a := range t.Items {
			bw.Write(actionCSVLine(t.Team, a, now, loc))
		}
	}
	return bw.Flush()
}

func actionCSVLine(team string, a session.ActionItem, now time.Time, loc *time.Location) []byte {
	due := ""
	if !a.Due.IsZero() {
		due = a.Due.In(loc).Format(time.DateOnly)
	}
	var line []byte
	for i, cell := range []string{team, a.Ref, a.Text, a.Owner, due, strconv.FormatBool(a.Overdue(now, loc)), stamp(a.Agreed),
		strconv.Itoa(ageDays(a, now)), a.Session, a.Kind.String()} {
		if i > 0 {
			line = append(line, ',')
		}
		line = appendCSVText(line, cell)
	}
	return append(line, '\r', '\n')
}

// ActionsText is the short receipt of a change to an action item, as
// the actions command prints it, given the item as the change left it:
// "Done: 8f3k2q/a1 fix the flaky test (Ana)", "Reassigned: … (now Ben)",
// "Due Fri 11 Dec: … (Ana)".
func ActionsText(ed session.ActionEdit, a session.ActionItem, loc *time.Location) string {
	what, owner := "Done", a.Owner
	switch ed.What {
	case session.ChangeDropped:
		what = "Dropped"
	case session.ChangeReassigned:
		what, owner = "Reassigned", "now "+a.Owner
	case session.ChangeDue:
		what = "Due " + a.Due.In(loc).Format("Mon 2 Jan 2006")
	}
	return what + ": " + a.ShortRef() + " " + a.Text + " (" + owner + ")\n"
}
