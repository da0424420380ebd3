package export

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"huddle/session"
)

// The wording of the minutes, shared by the Markdown and the HTML: each
// function takes the format's escaping for text that people typed (md or
// htmlText) and applies it to that text alone, so that both formats say
// the same words.

// escaper escapes text that people typed for one format.
type escaper func(string) string

// clock formats a duration as the minutes write it.
func clock(d time.Duration) string { return session.MinSec(d) }

// plural is n with the noun, in the plural unless n is 1.
func plural(n int, noun string) string { return session.Plural(n, noun) }

// minutesTitle is the minutes' title: the kind, the team and the date, and
// whether the session was left unfinished.
func minutesTitle(s session.Summary, esc escaper) string {
	t := s.Kind.Title() + " · " + esc(s.Team) + " · " + s.Created.Local().Format("Mon 2 Jan 2006")
	if s.Unfinished {
		t += " (unfinished)"
	}
	return t
}

// startFact is when the session was scheduled to start, or when it
// started: a term and its description; ok is false if neither is known.
func startFact(s session.Summary) (term, desc string, ok bool) {
	switch {
	case !s.ScheduledAt.IsZero():
		return "Scheduled start", s.ScheduledAt.Local().Format("15:04 MST"), true
	case !s.Started.IsZero():
		return "Started", s.Started.Local().Format("15:04 MST") + " (no scheduled start)", true
	}
	return "", "", false
}

// durationFact is how long the session took against its time-box; what
// says what did not start, if it did not.
func durationFact(s session.Summary, what string) string {
	if s.Started.IsZero() {
		return what + " did not start (time-box " + clock(s.Timebox) + ")"
	}
	verdict := "within"
	if s.Took > s.Budget {
		verdict = "over by " + clock(s.Over())
	}
	return clock(s.Took) + " (time-box " + clock(s.Budget) + ", " + verdict + ")"
}

// attendanceStatus is whether a member came on time, late or not at all.
func attendanceStatus(a session.Attendee) string {
	switch {
	case !a.Came() && a.Excused:
		return "excused"
	case !a.Came():
		return "absent"
	case a.Late():
		return "late by " + strconv.Itoa(a.LateMinutes()) + " min"
	}
	return "on time"
}

// turnNote says what was special about a turn: unfinished, skipped, over.
func turnNote(t session.TurnRow) string {
	var notes []string
	if t.Unfinished {
		notes = append(notes, "unfinished")
	}
	if t.Skipped {
		notes = append(notes, "skipped")
	}
	if t.Used > t.Budget {
		notes = append(notes, "+"+clock(t.Over())+" over")
	}
	return strings.Join(notes, ", ")
}

// list escapes each name and joins them with commas.
func list(names []string, esc escaper) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = esc(n)
	}
	return strings.Join(out, ", ")
}

// presence says who was present and who was absent for a decision.
func presence(present, absent []string, esc escaper) string {
	pr, ab := "nobody", "nobody"
	if len(present) > 0 {
		pr = list(present, esc)
	}
	if len(absent) > 0 {
		ab = list(absent, esc)
	}
	return "present: " + pr + "; absent: " + ab
}

// parkedRaiser is who raised a parking-lot item, or — where that would
// name a card's author.
func parkedRaiser(it session.ParkedRow, esc escaper) string {
	if it.Hidden {
		return "—"
	}
	return esc(it.RaisedBy)
}

// stays names who stays for a parking-lot item, or nobody.
func stays(it session.ParkedRow, esc escaper) string {
	switch {
	case it.Hidden:
		return "—"
	case len(it.Stay) == 0:
		return "nobody"
	}
	return list(it.Stay, esc)
}

// standupDuring says when a stand-up's item was parked: in whose turn, or
// in which phase.
func standupDuring(it session.ParkedRow, esc escaper) string {
	var when string
	switch {
	case it.InTurn:
		when = esc(it.Speaker) + "'s turn"
	case it.Phase == session.Waiting:
		when = "before the rounds"
	default:
		when = "after the rounds"
	}
	if it.Earlier {
		when += ", an earlier session"
	}
	return when
}

// retroDuring says when a retrospective's item was parked.
func retroDuring(it session.ParkedRow, esc escaper) string {
	switch {
	case it.Earlier && it.Speaker != "":
		return esc(it.Speaker) + "'s turn, an earlier session"
	case it.Earlier:
		return "an earlier session"
	}
	return phaseWhen(it.Phase, esc)
}

// outcome is what became of a parking-lot item.
func outcome(it session.ParkedRow, esc escaper) string {
	if it.OnBoard {
		return "sent to retro: on this board"
	}
	withNote := func(s string) string {
		if it.Note == "" {
			return s
		}
		return s + ": " + esc(it.Note)
	}
	switch it.Status {
	case session.Open:
		return "open, carries over"
	case session.Discussed:
		return withNote("discussed")
	case session.Decided:
		return withNote("decision") + " (" + presence(it.Present, it.Absent, esc) + ")"
	case session.SentToRetro:
		return withNote("sent to retro")
	case session.Dropped:
		return withNote("dropped")
	}
	return withNote(esc(it.Status.String()))
}

// parkedHead is the head of the parking lot's table.
var parkedHead = []string{"#", "Topic", "Raised by", "During", "Stays", "Outcome"}

// parkedCells are a parking-lot item's cells, as parkedHead names them.
func parkedCells(s session.Summary, it session.ParkedRow, esc escaper) []string {
	during := standupDuring(it, esc)
	if s.Kind == session.Retro {
		during = retroDuring(it, esc)
		if it.Hidden {
			during = "an earlier session"
		}
	}
	return []string{"#" + strconv.Itoa(it.ID), esc(it.Topic), parkedRaiser(it, esc), during, stays(it, esc), outcome(it, esc)}
}

// decisionLine is a decision with what it was about and who was there.
func decisionLine(d session.DecisionRow, kind session.Kind, esc escaper) string {
	var about string
	switch {
	case d.Item != 0 && kind == session.Retro:
		about = "parking lot #" + strconv.Itoa(d.Item) + " " + esc(d.ItemTopic)
	case d.Item != 0:
		about = "#" + strconv.Itoa(d.Item) + " " + esc(d.ItemTopic)
	case d.Topic != 0:
		about = "topic: " + esc(d.TopicTitle)
	default:
		about = "no topic"
	}
	return esc(d.Text) + " (" + about + "; " + presence(d.Present, d.Absent, esc) + ")"
}

// carries says how many of a thing carry over to the team's next
// session; "" for none.
func carries(n int, noun string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + noun + " carries over to the team's next session."
	}
	return strconv.Itoa(n) + " " + noun + "s carry over to the team's next session."
}

// fromStandup says how many topics a stand-up sent; "" for none.
func fromStandup(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 topic sent from a stand-up came to the board."
	}
	return strconv.Itoa(n) + " topics sent from stand-ups came to the board."
}

// formatLine names a retrospective's format and its columns.
func formatLine(r *session.RetroSummary, esc escaper) string {
	title := "custom"
	if r.FormatTitle != "" {
		title = esc(r.FormatTitle)
	}
	return title + " (" + list(r.FormatCols, esc) + ")"
}

// anonymousFact is what an anonymous retrospective's header says.
const anonymousFact = "cards, dots, check-ins and ROTI scores carry no names"

// dotVoting is the rule of the vote.
func dotVoting(r *session.RetroSummary) string {
	dots := plural(r.VoteBudget, "dot") + " per person"
	if r.VoteCap > 0 {
		dots += ", at most " + strconv.Itoa(r.VoteCap) + " on one topic"
	}
	return dots
}

// due formats a due date, or — for none.
func due(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02")
}

// ownerDue is an action item's owner and, if it has one, its due date.
func ownerDue(a session.ActionRow, esc escaper) string {
	if a.Due.IsZero() {
		return esc(a.Owner)
	}
	return esc(a.Owner) + ", due " + due(a.Due)
}

// actionStatuses are the action items' statuses in words.
var actionStatuses = map[session.ActionStatus]string{
	session.ActionOpen: "open", session.ActionDone: "done", session.ActionNotDone: "not done", session.ActionDropped: "dropped",
}

// actionStatus is an action item's status in words.
func actionStatus(st session.ActionStatus, esc escaper) string {
	if w, ok := actionStatuses[st]; ok {
		return w
	}
	return esc(st.String())
}

// reviewLine is an earlier action item as the review left it.
func reviewLine(a session.ActionRow, esc escaper) string {
	status := actionStatus(a.Status, esc)
	switch {
	case a.Pending:
		// the review is still to come
	case a.Status == session.ActionOpen:
		status = "not reviewed, carries on"
	case a.Status == session.ActionNotDone:
		status += ", carries on"
	}
	return "#" + strconv.Itoa(a.ID) + " " + esc(a.Text) + " (" + ownerDue(a, esc) + "): " + status
}

// actionHead is the head of the action items' table.
var actionHead = []string{"#", "Action", "Owner", "Due", "Status", "From"}

// actionCells are an action item's cells, as actionHead names them.
func actionCells(a session.ActionRow, esc escaper) []string {
	from := "this session"
	switch {
	case a.Session == "":
		from = "an earlier session"
	case !a.Here:
		from = "carried from " + esc(a.Session)
	}
	return []string{"#" + strconv.Itoa(a.ID), esc(a.Text), esc(a.Owner), esc(due(a.Due)), actionStatus(a.Status, esc), from}
}

// cardAbout is who wrote a card, unless the retrospective is anonymous,
// and whether a stand-up sent it; "" for neither.
func cardAbout(c session.CardRow, esc escaper) string {
	var about []string
	if c.Author != "" {
		about = append(about, esc(c.Author))
	}
	if c.FromStandup {
		about = append(about, "from a stand-up")
	}
	return strings.Join(about, ", ")
}

// boardTail is what follows a topic on the board: its dots, if anyone
// voted, and the other columns it stands in.
func boardTail(b session.BoardTopic, showDots bool, esc escaper) []string {
	var tail []string
	if showDots {
		tail = append(tail, plural(b.Dots, "dot"))
	}
	if len(b.Elsewhere) > 0 {
		tail = append(tail, "also under "+list(b.Elsewhere, esc))
	}
	return tail
}

// topicHeading is a discussed topic's heading, after its number.
func topicHeading(t session.TopicRow, esc escaper) string {
	return esc(t.Title()) + " · " + plural(t.Dots, "dot")
}

// discussionEmpty says why there is no discussion to write: there was
// nothing to discuss, or it did not start; "" if there is one.
func discussionEmpty(r *session.RetroSummary) string {
	switch {
	case r.NoTopics:
		return "There were no topics to discuss."
	case !r.Discussion:
		return "The discussion did not start."
	}
	return ""
}

// topicSaid is what was noted, decided and agreed on a topic.
func topicSaid(t session.TopicRow, esc escaper) []string {
	var said []string
	for _, n := range t.Notes {
		said = append(said, "Note: "+esc(n))
	}
	for _, d := range t.Decisions {
		said = append(said, "Decision: "+esc(d))
	}
	if len(t.Actions) > 0 {
		ids := make([]string, len(t.Actions))
		for i, id := range t.Actions {
			ids[i] = "#" + strconv.Itoa(id)
		}
		said = append(said, "Action items: "+strings.Join(ids, ", "))
	}
	return said
}

// rotiAverage is the ROTI's average sentence.
func rotiAverage(r session.RotiTally) string {
	return "Average " + r.Average() + " of 5 from " + plural(r.Scores, "score") + "."
}

// phaseWhens say when, in a retrospective's plan, something happened.
var phaseWhens = map[session.Phase]string{
	session.Waiting: "before the start", session.CheckIn: "during the check-in", session.Review: "during the review",
	session.Write: "while writing cards", session.Group: "while grouping", session.Vote: "during the vote",
	session.Discuss: "during the discussion", session.Actions: "during the action items", session.Roti: "during the ROTI",
	session.Closed: "after the close",
}

// phaseWhen says when, in a retrospective's plan, something happened.
func phaseWhen(p session.Phase, esc escaper) string {
	if w, ok := phaseWhens[p]; ok {
		return w
	}
	return "during " + esc(p.String())
}

// wordTable is a table of the minutes with the sentence that introduces
// it, if any.
type wordTable struct {
	intro string
	head  []string
	align string // as minutes.table takes it: 'r' aligns a column of numbers right
	rows  [][]string
}

// checkInTables are the check-in's tables: the ESVP answers counted, then
// the words, with who said them or, in an anonymous retrospective, only
// counted and sorted (their order would tell who).
func checkInTables(r *session.RetroSummary, esc escaper) []wordTable {
	ci := r.CheckIn
	var out []wordTable
	if ci.Answers > 0 {
		t := wordTable{intro: "ESVP poll, " + plural(ci.Answers, "answer") + ":", head: []string{"Answer", "Count"}, align: "-r"}
		for a := session.Explorer; a <= session.Prisoner; a++ {
			t.rows = append(t.rows, []string{session.ESVPNames[a], strconv.Itoa(ci.Counts[a])})
		}
		out = append(out, t)
	}
	switch {
	case len(ci.Words) == 0:
	case r.Anonymous:
		t := wordTable{intro: "In one word, " + plural(len(ci.Words), "check-in") + " without names:", head: []string{"Word", "Count"}, align: "-r"}
		for _, w := range ci.Tally {
			t.rows = append(t.rows, []string{esc(w.Word), strconv.Itoa(w.N)})
		}
		out = append(out, t)
	default:
		t := wordTable{head: []string{"Name", "Word"}, align: "--"}
		for _, w := range ci.Words {
			t.rows = append(t.rows, []string{esc(w.Who), esc(w.Word)})
		}
		out = append(out, t)
	}
	return out
}

// checkKind refuses the minutes of a session of an unknown kind.
func checkKind(s *session.State, what string) error {
	switch s.Config.Kind {
	case session.Standup, session.Retro:
		return nil
	}
	return fmt.Errorf("%w: %s of a %s are not supported", session.ErrInvalid, what, s.Config.Kind)
}

// reviewedIntro heads the decisions a retrospective's review listed.
const reviewedIntro = "Decisions taken with members absent, or asked for review:"

// reviewedLine is a decision the review listed and what it made of it:
// "Use Postgres 17 (team/1, 25 Nov; absent: Ben; review asked by Ben): confirmed".
func reviewedLine(r session.ReviewRow, esc escaper) string {
	why := []string{esc(r.Ref) + ", " + r.At.Local().Format("2 Jan")}
	if len(r.Absent) > 0 {
		why = append(why, "absent: "+list(r.Absent, esc))
	}
	if len(r.AskedBy) > 0 {
		why = append(why, "review asked by "+list(r.AskedBy, esc))
	}
	return esc(r.Text) + " (" + strings.Join(why, "; ") + "): " + r.Verdict()
}

// decisionLogCommands are the command lines that show a team's decision
// log, locally and over SSH (HOST stands for the server, which a record
// does not know); both empty for a session without a team.
func decisionLogCommands(team string) (local, ssh string) {
	if team == "" {
		return "", ""
	}
	args := "decisions --team " + shellWord(team)
	return "huddle " + args, "ssh HOST " + args
}

// shellWord quotes a word for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
