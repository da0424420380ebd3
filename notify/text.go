package notify

import (
	"cmp"
	"strconv"
	"strings"

	"huddle/session"
	"huddle/session/export"
)

// esc is what people typed, escaped for Markdown.
func esc(s string) string { return export.MarkdownText(s) }

// OpenedText is the message that a session is open: its kind and team,
// and the command to join it over SSH (join, up to the code, as the
// facilitator's screen gives it; "" at the shared keyboard).
func OpenedText(info session.Info, join string) string {
	var b strings.Builder
	b.WriteString("**" + info.Kind.Title() + " of " + esc(info.Team) + " is open**")
	if join == "" {
		b.WriteString(" at the facilitator's keyboard.")
		return b.String()
	}
	b.WriteString(". Join with:\n```\n" + join + " " + info.Code + "\n```")
	return b.String()
}

// EndedText is the message that a session ended: its attendance,
// blockers, decisions and the action items agreed in it with their
// owners, as the minutes have them (session.Summarize). In an anonymous
// retrospective it names nobody but the owners of action items: it counts
// attendance and leaves out who was absent from a decision, so that no
// author of a card (one a stand-up sent keeps its author) is named.
func EndedText(s *session.State) string {
	sum := session.Summarize(s)
	anonymous := sum.Retro != nil && sum.Retro.Anonymous
	var b strings.Builder
	b.WriteString("**" + sum.Kind.Title() + " of " + esc(sum.Team) + " ended** · " + sum.Created.Local().Format("Mon 2 Jan 2006"))
	if sum.Started.IsZero() {
		// Closed, or expired, before it started: nobody missed it.
		b.WriteString(" · it never started.")
		return b.String()
	}
	b.WriteString(" · " + session.MinSec(sum.Took) + " of " + session.MinSec(sum.Budget))
	if over := sum.Over(); over > 0 {
		b.WriteString(" (" + session.MinSec(over) + " over)")
	}
	b.WriteString("\n\n**Attendance:** " + attendance(sum, anonymous))
	if len(sum.Blockers) > 0 {
		b.WriteString("\n\n**Blockers**")
		for _, x := range sum.Blockers {
			b.WriteString("\n- " + esc(x.Speaker) + ": " + esc(x.Text))
		}
	}
	if len(sum.Decisions) > 0 {
		b.WriteString("\n\n**Decisions**")
		for _, d := range sum.Decisions {
			b.WriteString("\n- ")
			if about := cmp.Or(d.ItemTopic, d.TopicTitle); about != "" {
				b.WriteString(esc(about) + " → ")
			}
			b.WriteString(esc(d.Text))
			if len(d.Absent) > 0 && !anonymous {
				b.WriteString(" (absent: " + names(d.Absent) + ")")
			}
		}
	}
	var here []session.ActionRow
	earlier := 0 // earlier items that carry on
	for _, a := range sum.Actions {
		switch {
		case a.Here && a.Status != session.ActionDropped:
			here = append(here, a)
		case !a.Here && a.Carries():
			earlier++
		}
	}
	if len(here) > 0 {
		b.WriteString("\n\n**Action items**")
		for _, a := range here {
			b.WriteString("\n- " + esc(a.Text) + " — " + esc(a.Owner))
			if !a.Due.IsZero() {
				b.WriteString(", due " + a.Due.Local().Format("Mon 2 Jan"))
			}
		}
	}
	if n := earlier; n > 0 {
		b.WriteString("\n\n" + session.Plural(n, "earlier action item") + verb(n, " carries", " carry") + " on.")
	}
	if sum.CarryOver > 0 {
		b.WriteString("\n\n" + session.Plural(sum.CarryOver, "parked topic") + verb(sum.CarryOver, " carries", " carry") + " over to the next session.")
	}
	return b.String()
}

// attendance is who came, late and absent; in an anonymous retrospective
// only how many.
func attendance(sum session.Summary, anonymous bool) string {
	came := sum.Came()
	out := strconv.Itoa(came) + " of " + strconv.Itoa(len(sum.Attendance)) + " came"
	if anonymous || len(sum.Attendance) == 0 {
		return out
	}
	var present, absent []string
	for _, a := range sum.Attendance {
		switch {
		case a.Late():
			present = append(present, esc(a.Name)+" (late by "+strconv.Itoa(a.LateMinutes())+" min)")
		case a.Came():
			present = append(present, esc(a.Name))
		case a.Excused:
			absent = append(absent, esc(a.Name)+" (excused)")
		default:
			absent = append(absent, esc(a.Name))
		}
	}
	if len(present) > 0 {
		out += ": " + strings.Join(present, ", ")
	}
	if len(absent) > 0 {
		out += " · absent: " + strings.Join(absent, ", ")
	}
	return out
}

func names(list []string) string {
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = esc(n)
	}
	return strings.Join(out, ", ")
}

// verb is one for a single thing, else many.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
