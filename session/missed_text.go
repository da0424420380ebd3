package session

import (
	"fmt"
	"strings"
	"time"
)

// MissedText is what a member missed as plain text for a terminal, as the
// missed command (locally and over SSH) prints it. All its text was
// cleaned when it was recorded.
func MissedText(m Missed) string {
	var b strings.Builder
	if m.Empty() {
		fmt.Fprintf(&b, "%s missed nothing.\n", m.Member)
		return b.String()
	}
	if m.Since.IsZero() {
		fmt.Fprintf(&b, "What %s missed (%s has not taken part in a session yet):\n", m.Member, m.Member)
	} else {
		fmt.Fprintf(&b, "What %s missed since %s:\n", m.Member, m.Since.Local().Format("Mon 2 Jan 2006 15:04"))
	}
	if len(m.Decisions) > 0 {
		fmt.Fprintf(&b, "\nDecisions taken without %s (acknowledge with ack --all):\n", m.Member)
		for _, e := range m.Decisions {
			review := ""
			if len(e.Reviews) > 0 {
				review = fmt.Sprintf(" · review asked by %d", len(e.Reviews))
			}
			fmt.Fprintf(&b, "  %-12s %s  %s (present: %s)%s\n", e.ShortRef(), e.At.Local().Format("2 Jan 15:04"), e.Text, orNobody(e.Present), review)
		}
	}
	if len(m.Outcomes) > 0 {
		fmt.Fprintln(&b, "\nParked topics that got an outcome:")
		for _, o := range m.Outcomes {
			note := ""
			if o.Item.Note != "" {
				note = ": " + o.Item.Note
			}
			fmt.Fprintf(&b, "  #%d %s — %s%s\n", o.Item.ID, o.Item.Topic, o.Item.Status, note)
		}
	}
	if len(m.Actions) > 0 {
		fmt.Fprintf(&b, "\nAction items given to %s:\n", m.Member)
		for _, a := range m.Actions {
			due := ""
			if !a.Due.IsZero() {
				due = " (due " + a.Due.Format(time.DateOnly) + ")"
			}
			fmt.Fprintf(&b, "  %s%s\n", a.Text, due)
		}
	}
	if len(m.Added)+len(m.Removed) > 0 {
		fmt.Fprintln(&b, "\nWorking agreements:")
		for _, a := range m.Added {
			fmt.Fprintf(&b, "  + %s\n", a)
		}
		for _, a := range m.Removed {
			fmt.Fprintf(&b, "  − %s\n", a)
		}
	}
	return b.String()
}

func orNobody(names []string) string {
	if len(names) == 0 {
		return "nobody"
	}
	return strings.Join(names, ", ")
}

// PreparedReceipt confirms a prepared update; openNow: the team has a
// stand-up open already (see OpenStandup).
func PreparedReceipt(u UpdatePrepared, team string, openNow bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Your update for the next stand-up of %s is written:\n", team)
	if u.Yesterday != "" {
		fmt.Fprintf(&b, "  yesterday: %s\n", u.Yesterday)
	}
	if u.Today != "" {
		fmt.Fprintf(&b, "  today:     %s\n", u.Today)
	}
	for _, bl := range u.Blockers {
		fmt.Fprintf(&b, "  blocker:   %s\n", bl)
	}
	fmt.Fprintln(&b, "If you come after all, speak in your turn: that replaces it.")
	if openNow {
		fmt.Fprintf(&b, "Note: a stand-up of %s is open already; it does not take this update, the next one opened does. Tell its facilitator, or join it.\n", team)
	}
	return b.String()
}

// AwayReceipt confirms an excused absence, or its end.
func AwayReceipt(w WentAway, team string) string {
	if w.Until == "" {
		return fmt.Sprintf("%s is back: the sessions of %s expect %s again.\n", w.Who, team, w.Who)
	}
	return fmt.Sprintf("%s is away from %s until %s: the sessions of %s on those days show %s as excused.\n", w.Who, w.From, w.Until, team, w.Who)
}
