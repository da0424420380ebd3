package export

import (
	"bytes"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"strings"
	"testing"
	"time"

	"huddle/session"
)

// retroOfFormat is an ordinary whole retrospective on a board with the
// given columns, as its events: an earlier action item reviewed, word
// check-ins, one member late, three cards per column, two of them grouped
// into a named topic that also takes a card of the last column, dots, a
// discussion with a note, a decision and action items (from a named
// topic, from an unnamed one, from none), a topic parked and dropped, and
// ROTI. lastAction is the text of the action item from no topic.
func retroOfFormat(f session.Format, cols []string, lastAction string) []session.Event {
	r := &recorder{}
	r.add(at(9, 55, 0), maria.ID, &session.Created{
		Config: session.Config{
			Team: "musicstore", Kind: session.Retro, Code: code,
			ScheduledAt: at(10, 0, 0), Timebox: time.Hour,
			Format: f, Columns: cols, VoteBudget: 3,
		},
		Facilitator: maria,
		Roster:      []string{"Lukas", "Julia", "Christian"},
		Actions: []session.Action{
			// Topic 2 was a topic of the earlier session's board, not of this one.
			{ID: 1, Text: "Retire the old deploy script", Owner: chris, Due: day(2026, 11, 20), Topic: 2, Session: prevID},
		},
	})
	r.add(at(9, 58, 0), lukas.ID, &session.Arrived{Who: lukas, Role: session.Member})
	r.add(at(9, 59, 0), julia.ID, &session.Arrived{Who: julia, Role: session.Member})
	r.add(at(10, 1, 0), maria.ID, &session.PhaseChanged{To: session.CheckIn})
	r.add(at(10, 1, 20), lukas.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: "Lukas", Word: "rested"}})
	r.add(at(10, 1, 40), julia.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: "Julia", Word: "busy"}})
	r.add(at(10, 2, 30), chris.ID, &session.Arrived{Who: chris, Role: session.Member, LateBy: 2*time.Minute + 30*time.Second})
	r.add(at(10, 2, 50), chris.ID, &session.CheckedIn{Entry: session.CheckInEntry{Who: "Christian", Word: "curious"}})
	r.add(at(10, 5, 0), maria.ID, &session.PhaseChanged{To: session.Review})
	r.add(at(10, 6, 0), maria.ID, &session.ActionReviewed{Action: 1, Status: session.ActionNotDone})
	r.add(at(10, 8, 0), maria.ID, &session.PhaseChanged{To: session.Write})
	authors := []session.Person{lukas, julia, chris}
	texts := []string{"the build got faster", "reviews take too long", "we shipped on time"}
	for i, col := range cols {
		for k := range 3 {
			id := 3*i + k + 1
			r.add(at(10, 9+i, 10*k), authors[k].ID, &session.CardAdded{Card: session.Card{
				ID: id, Column: i, Text: col + ": " + texts[k], Author: authors[k], Group: id,
			}})
		}
	}
	r.add(at(10, 18, 0), maria.ID, &session.CardsRevealed{})
	r.add(at(10, 18, 0), maria.ID, &session.PhaseChanged{To: session.Group})
	r.add(at(10, 19, 0), julia.ID, &session.CardMoved{Move: session.Move{Card: 2, From: 2, To: 1}})
	if last := 3*(len(cols)-1) + 1; last != 1 {
		r.add(at(10, 19, 30), lukas.ID, &session.CardMoved{Move: session.Move{Card: last, From: last, To: 1}})
	}
	r.add(at(10, 20, 0), julia.ID, &session.GroupNamed{Group: 1, Name: "Build and reviews"})
	r.add(at(10, 22, 0), maria.ID, &session.PhaseChanged{To: session.Vote})
	for i, v := range []struct {
		who   session.Person
		group int
	}{{lukas, 1}, {lukas, 1}, {julia, 1}, {julia, 3}, {chris, 3}, {maria, 3 * len(cols)}} {
		r.add(at(10, 22, 10+i), v.who.ID, &session.Voted{Dot: session.Dot{Voter: string(v.who.ID), Group: v.group}})
	}
	// Discussion order: Build and reviews (3 dots), then topic 3.
	r.add(at(10, 25, 0), maria.ID, &session.PhaseChanged{To: session.Discuss})
	r.add(at(10, 26, 0), lukas.ID, &session.Noted{Note: session.Note{Topic: 1, Text: "Reviews wait while the build is fast", At: at(10, 26, 0)}})
	r.add(at(10, 28, 0), maria.ID, &session.DecisionRecorded{Decision: session.Decision{
		Topic: 1, Text: "Review before starting new work", At: at(10, 28, 0),
		Present: []string{"Maria", "Lukas", "Julia", "Christian"},
	}})
	r.add(at(10, 29, 0), julia.ID, &session.ActionAdded{Action: session.Action{
		ID: 2, Text: "Add a review column to the board", Owner: julia, Due: day(2026, 12, 1), Topic: 1, Session: sessionID,
	}})
	r.add(at(10, 31, 0), maria.ID, &session.TopicChanged{Pos: 1})
	r.add(at(10, 32, 0), lukas.ID, &session.ActionAdded{Action: session.Action{
		ID: 3, Text: "Time-box reviews to a day", Owner: lukas, Topic: 3, Session: sessionID,
	}})
	r.add(at(10, 33, 0), chris.ID, &session.Parked{Item: 1, Topic: "Coffee machine", RaisedBy: chris, Phase: session.Discuss})
	r.add(at(10, 40, 0), maria.ID, &session.PhaseChanged{To: session.Actions})
	r.add(at(10, 41, 0), maria.ID, &session.ActionAdded{Action: session.Action{
		ID: 4, Text: lastAction, Owner: julia, Due: day(2026, 11, 30), Session: sessionID,
	}})
	r.add(at(10, 42, 0), maria.ID, &session.Resolved{Item: 1, Status: session.Dropped, Note: "not ours"})
	r.add(at(10, 45, 0), maria.ID, &session.PhaseChanged{To: session.Roti})
	for i, p := range []session.Person{lukas, julia, chris, maria} {
		r.add(at(10, 46, i), p.ID, &session.RotiGiven{Entry: session.RotiEntry{Voter: hashOf(p.ID), Score: []int{4, 3, 5, 4}[i]}})
	}
	r.add(at(10, 50, 0), maria.ID, &session.Ended{})
	return r.events
}

// customColumns are the columns of the custom format in the golden
// files, with text that HTML must escape.
var customColumns = []string{"Keep", "Drop | <Try>", `Ideas & "quotes"`}

// goldenRetro is a retrospective that has golden files.
type goldenRetro struct {
	name   string // the format, as in the golden files' names
	format session.Format
	events []session.Event
}

// goldenRetros are a retrospective of every built-in format and a custom
// one: the 4Ls and the anonymous Sailboat retrospectives of the Markdown
// tests, an ordinary one on the board of every other format.
func goldenRetros() []goldenRetro {
	var out []goldenRetro
	for _, f := range session.Formats {
		var events []session.Event
		switch f.Format {
		case session.FourLs:
			events = retro4Ls()
		case session.Sailboat:
			events = retroAnonymous()
		default:
			events = retroOfFormat(f.Format, f.Columns, "Share the "+f.Columns[0]+" cards with the other teams")
		}
		out = append(out, goldenRetro{f.Format.String(), f.Format, events})
	}
	return append(out, goldenRetro{"custom", session.Custom, retroOfFormat(session.Custom, customColumns, "=SUM(A1:A9) @channel")})
}

func mustHTML(tb testing.TB, s *session.State) string {
	tb.Helper()
	var b bytes.Buffer
	if err := HTML(&b, s); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// htmlDoc is what readHTML found in a document.
type htmlDoc struct {
	// parts holds the text and attribute values of the document's parts,
	// entities decoded: "head", "header", "footer", and each section of
	// the minutes by its id.
	parts map[string]string
	order []string // the sections, in order
	svg   string   // the text inside the charts
	ids   map[string]int
}

// The elements and attributes that html.go writes; anything else would
// be a leak of markup or a reference to something outside the file.
var (
	htmlElements = map[string]bool{
		"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true,
		"header": true, "h1": true, "dl": true, "dt": true, "dd": true, "main": true, "section": true,
		"h2": true, "h3": true, "p": true, "table": true, "thead": true, "tbody": true, "tr": true,
		"th": true, "td": true, "ul": true, "li": true, "strong": true, "span": true, "div": true,
		"figure": true, "figcaption": true, "footer": true, "code": true,
		"svg": true, "g": true, "rect": true, "line": true, "text": true,
	}
	htmlAttributes = map[string]bool{
		"lang": true, "charset": true, "name": true, "content": true, "http-equiv": true, "id": true,
		"class": true, "width": true, "height": true, "viewBox": true, "role": true, "aria-labelledby": true,
		"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true, "text-anchor": true,
	}
)

// readHTML reads a document as strict XML — html.go writes HTML5 that is
// also well-formed XML — and checks that it holds only the elements and
// attributes html.go writes, with unique ids.
func readHTML(tb testing.TB, out string) htmlDoc {
	tb.Helper()
	if !strings.HasPrefix(out, "<!DOCTYPE html>\n") {
		tb.Fatalf("no doctype: %.40q", out)
	}
	d := htmlDoc{parts: map[string]string{}, ids: map[string]int{}}
	dec := xml.NewDecoder(strings.NewReader(out))
	dec.Strict = true
	var stack []string
	part, partDepth, svgDepth := "", -1, -1
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("not well-formed: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if !htmlElements[name] || t.Name.Space != "" {
				tb.Errorf("unexpected element <%s>", name)
			}
			id := ""
			for _, a := range t.Attr {
				if !htmlAttributes[a.Name.Local] || a.Name.Space != "" {
					tb.Errorf("unexpected attribute %s=%q on <%s>", a.Name.Local, a.Value, name)
				}
				if a.Name.Local == "id" {
					id = a.Value
					d.ids[id]++
				}
			}
			switch {
			case part == "" && (name == "head" || name == "header" || name == "footer"):
				part, partDepth = name, len(stack)
			case part == "" && name == "section":
				part, partDepth = id, len(stack)
				d.order = append(d.order, id)
			case name == "svg":
				svgDepth = len(stack)
			}
			for _, a := range t.Attr {
				d.parts[part] += " " + a.Value + " "
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if len(stack) == partDepth {
				part, partDepth = "", -1
			}
			if len(stack) == svgDepth {
				svgDepth = -1
			}
		case xml.CharData:
			d.parts[part] += string(t)
			if svgDepth >= 0 {
				d.svg += string(t)
			}
		case xml.Directive:
			if string(t) != "DOCTYPE html" {
				tb.Errorf("unexpected directive %q", t)
			}
		default:
			tb.Errorf("unexpected %T %v", t, t)
		}
	}
	for id, n := range d.ids {
		if n > 1 {
			tb.Errorf("id %q is used %d times", id, n)
		}
	}
	return d
}

// checkSelfContained checks that a document loads nothing from outside
// and runs nothing, and that it has a print style.
func checkSelfContained(t *testing.T, out string) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, bad := range []string{"://", "<script", "<link", "<img", "<iframe", "<object", "href=", "src=", "url(", "@import", "@font-face", "javascript:"} {
		if strings.Contains(lower, bad) {
			t.Errorf("the document contains %q", bad)
		}
	}
	for _, want := range []string{"<meta charset=\"utf-8\" />", "default-src 'none'", "@media print{", "--bg:#fff", "background:#fff"} {
		if !strings.Contains(out, want) {
			t.Errorf("the document has no %q", want)
		}
	}
}

func TestHTMLMinutesOfAStandupMatchTheGoldenFile(t *testing.T) {
	_, events := standup()
	out := mustHTML(t, session.Fold(sessionID, events))
	golden(t, "html-standup.html", []byte(out))
	checkSelfContained(t, out)
	d := readHTML(t, out)
	want := []string{"attendance", "turns", "blockers", "parking-lot", "decisions"}
	if strings.Join(d.order, " ") != strings.Join(want, " ") {
		t.Errorf("sections %v, want %v", d.order, want)
	}
	// The chart reads without colour: every turn has its numbers in words.
	for _, want := range []string{
		"Time per speaker against the turn time-box",
		"Lukas: 3:00 of 2:00, +1:00 over", "3:00 of 2:00, +1:00 over",
		"Julia: 0:20 of 2:00, skipped", "Christian: 1:40 of 2:00",
	} {
		if !strings.Contains(d.svg, want) {
			t.Errorf("no %q in the chart's text:\n%s", want, d.svg)
		}
	}
	if n := strings.Count(out, `<rect class="over"`); n != 2 {
		t.Errorf("%d overtime bars, want 2 (Lukas and Julia's second turn)", n)
	}
	if n := strings.Count(out, `<line class="mark"`); n != 4 {
		t.Errorf("%d time-box marks, want one per turn", n)
	}
}

func TestHTMLMinutesOfARetroOfEveryFormatMatchTheGoldenFiles(t *testing.T) {
	for _, r := range goldenRetros() {
		t.Run(r.name, func(t *testing.T) {
			s := session.Fold(sessionID, r.events)
			if s.Config.Format != r.format || s.Config.Kind != session.Retro {
				t.Fatalf("the fixture is a %s %s", s.Config.Format, s.Config.Kind)
			}
			out := mustHTML(t, s)
			golden(t, "html-retro-"+r.name+".html", []byte(out))
			checkSelfContained(t, out)
			d := readHTML(t, out)
			want := []string{"attendance", "check-in", "review", "board", "discussion", "decisions", "actions", "roti", "parking-lot"}
			if strings.Join(d.order, " ") != strings.Join(want, " ") {
				t.Errorf("sections %v, want %v", d.order, want)
			}
			for _, col := range session.Summarize(s).Retro.FormatCols {
				if !strings.Contains(d.parts["board"], col) {
					t.Errorf("no column %q on the board", col)
				}
			}
			for _, want := range []string{"Dots per topic", "ROTI: 4 scores, average ", "Score 1: 0 votes"} {
				if !strings.Contains(d.svg, want) {
					t.Errorf("no %q in the charts' text:\n%s", want, d.svg)
				}
			}
			for _, g := range s.Topics {
				if want := session.Summarize(s).Retro.Topic(g).Title() + ": " + plural(s.VotesFor(g), "dot"); !strings.Contains(d.svg, want) {
					t.Errorf("no bar %q in the dots chart:\n%s", want, d.svg)
				}
			}
		})
	}
}

func TestHTMLOfAnAnonymousRetroNamesNobodyNextToCardsVotesOrScores(t *testing.T) {
	s := session.Fold(sessionID, retroAnonymous())
	if !s.Config.Anonymous || len(s.Votes) == 0 || len(s.CheckIns) == 0 || len(s.Rotis) == 0 || !s.Cards[0].FromStandup {
		t.Fatalf("the fixture does not cover what this test is about: %+v", s)
	}
	out := mustHTML(t, s)
	d := readHTML(t, out)
	people := peopleOf(s)
	// Names belong only to the attendance, the review and the action
	// items (owners), the decisions (who was there) and the header's
	// facilitator.
	for _, part := range []string{"head", "check-in", "board", "discussion", "roti", "parking-lot", "footer"} {
		text, ok := d.parts[part]
		if !ok || strings.TrimSpace(text) == "" {
			t.Fatalf("no %s part in\n%s", part, out)
		}
		for _, who := range people {
			if strings.Contains(text, who) {
				t.Errorf("the %s part names %q:\n%s", part, who, text)
			}
		}
	}
	for _, who := range people {
		if who != "Maria" && strings.Contains(d.parts["header"], who) {
			t.Errorf("the header names %q besides the facilitator:\n%s", who, d.parts["header"])
		}
		if strings.Contains(d.svg, who) {
			t.Errorf("a chart names %q:\n%s", who, d.svg)
		}
	}
	// No element with a card's text names anyone, wherever it stands.
	for l := range strings.Lines(out) {
		for _, c := range s.Cards {
			if !strings.Contains(l, html.EscapeString(c.Text)) {
				continue
			}
			for _, who := range people {
				if strings.Contains(l, who) || strings.Contains(l, html.EscapeString(who)) {
					t.Errorf("a line with the card %q names %q: %s", c.Text, who, l)
				}
			}
		}
	}
	hashes := hashesOf(s)
	if len(hashes) == 0 {
		t.Fatal("the fixture has no hashes")
	}
	for _, h := range hashes {
		if strings.Contains(out, h) || strings.Contains(out, h[:8]) {
			t.Errorf("the document shows the hash %s", h)
		}
	}
	// The names that do belong in the minutes are there, so the search
	// above would have seen them.
	for part, want := range map[string]string{
		"attendance": "Jörg", "review": "Lukas", "actions": "Julia",
		"decisions": "present: Maria, Lukas, Julia, Christian; absent: Jörg", "header": "Maria",
	} {
		if !strings.Contains(d.parts[part], want) {
			t.Errorf("no %q in the %s part:\n%s", want, part, d.parts[part])
		}
	}
}

func TestHTMLOfARetroNamesAuthorsWhenNotAnonymous(t *testing.T) {
	s := session.Fold(sessionID, retro4Ls())
	d := readHTML(t, mustHTML(t, s))
	for _, want := range []string{"(Lukas)", "(Julia)", "(Christian)", "(Maria, from a stand-up)"} {
		if !strings.Contains(d.parts["board"], want) {
			t.Errorf("no %q on the board:\n%s", want, d.parts["board"])
		}
	}
	if !strings.Contains(d.parts["check-in"], "Christian*curious*") {
		t.Errorf("no named check-in:\n%s", d.parts["check-in"])
	}
	for _, id := range []session.ParticipantID{maria.ID, lukas.ID, julia.ID, chris.ID, jorg.ID, petra.ID} {
		for part, text := range d.parts {
			if strings.Contains(text, string(id)) {
				t.Errorf("the %s part shows the participant id %s", part, id)
			}
		}
	}
	// Named check-ins and dots carry names and ids, not hashes; ROTI
	// scores always carry hashes.
	for _, r := range s.Rotis {
		for part, text := range d.parts {
			if strings.Contains(text, r.Voter) {
				t.Errorf("the %s part shows the hash %s", part, r.Voter)
			}
		}
	}
}

// evil is user text that must reach the page as text, never as markup.
const evil = `<script>alert(1)</script> "quotes" & ampersands`

func TestHTMLEscapesUserText(t *testing.T) {
	escaped := html.EscapeString(evil)
	if escaped != `&lt;script&gt;alert(1)&lt;/script&gt; &#34;quotes&#34; &amp; ampersands` {
		t.Fatalf("html.EscapeString gives %q", escaped)
	}
	_, events := standup()
	standupState := session.Fold(sessionID, events)
	standupState.Config.Team = evil
	standupState.Participants[1].Name = evil // Lukas: a speaker, in the chart
	standupState.Blockers[0].Text = evil
	standupState.Items[1].Topic = evil
	standupState.Items[2].Present = []string{evil}

	retro := session.Fold(sessionID, retroOfFormat(session.Custom, []string{"Keep", evil}, evil))
	retro.GroupNames[1] = evil // a topic, in the dots chart
	retro.Cards[2].Text = evil // an ungrouped card
	retro.Cards[2].Author.Name = evil
	retro.Notes[0].Text = evil
	retro.Actions[1].Owner.Name = evil
	retro.CheckIns[0].Word = evil
	retro.ID = evil

	for name, s := range map[string]*session.State{"stand-up": standupState, "retro": retro} {
		t.Run(name, func(t *testing.T) {
			out := mustHTML(t, s)
			if strings.Contains(strings.ToLower(out), "<script") || strings.Contains(out, `"quotes"`) || strings.Contains(out, "& ampersands") {
				t.Errorf("user text reached the page unescaped:\n%s", out)
			}
			if n := strings.Count(out, escaped); n < 4 {
				t.Errorf("the escaped text is there %d times, want at least 4:\n%s", n, out)
			}
			d := readHTML(t, out) // fails on any <script> element
			all := strings.Join(func() []string {
				var v []string
				for _, text := range d.parts {
					v = append(v, text)
				}
				return v
			}(), "\n")
			if !strings.Contains(all, evil) {
				t.Errorf("the text does not read back as typed")
			}
			if !strings.Contains(d.svg, evil+": ") {
				t.Errorf("a chart's title does not read back as typed:\n%s", d.svg)
			}
			checkSelfContained(t, out)
		})
	}
}

func TestShortenCutsTextBeforeItIsEscaped(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"Lukas", 20, "Lukas"},
		{"Jörg & the <team>", 17, "Jörg & the <team>"},
		{"Jörg & the <team>", 8, "Jörg &…"},
		{"  two\n lines  ", 20, "two lines"},
		{"abcdef", 4, "abc…"},
	} {
		if got := shorten(c.in, c.n); got != c.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestHTMLOfAnUnfinishedStandup(t *testing.T) {
	_, events := standup()
	// Stop in Christian's turn, 40s into it.
	out := mustHTML(t, session.Fold(sessionID, events[:19]))
	d := readHTML(t, out)
	for part, want := range map[string]string{
		"head":   "Stand-up · musicstore · Wed 25 Nov 2026 (unfinished)",
		"header": "4:00 (time-box 7:00, within)",
		"turns":  "Christian: 0:40 of 2:00, unfinished",
	} {
		if !strings.Contains(d.parts[part], want) {
			t.Errorf("no %q in the %s part:\n%s", want, part, d.parts[part])
		}
	}
}

func TestHTMLOfARetroBeforeTheRevealShowsNoCard(t *testing.T) {
	events := retro4Ls()
	n := 0
	for i, e := range events {
		if _, ok := e.Payload.(*session.CardsRevealed); ok {
			n = i
			break
		}
	}
	s := session.Fold(sessionID, events[:n])
	out := mustHTML(t, s)
	for _, c := range s.Cards {
		if !c.FromStandup && strings.Contains(out, html.EscapeString(c.Text)) {
			t.Errorf("the card %q, never revealed, is in the document", c.Text)
		}
	}
	if strings.Contains(out, "dots-chart") {
		t.Error("a dots chart before the vote")
	}
	d := readHTML(t, out)
	if !strings.Contains(d.parts["board"], "The cards were not revealed") || !strings.Contains(d.parts["discussion"], "The discussion did not start.") {
		t.Errorf("board and discussion:\n%s\n%s", d.parts["board"], d.parts["discussion"])
	}
}

func TestHTMLOfARetroThatNeverStarted(t *testing.T) {
	s := session.Fold(sessionID, retro4Ls()[:3])
	s.Apply(session.Event{Seq: 4, Time: at(14, 30, 0), Actor: maria.ID, Payload: &session.Ended{}})
	d := readHTML(t, mustHTML(t, s))
	for part, want := range map[string]string{
		"header":   "the retrospective did not start (time-box 1:00:00)",
		"check-in": "Nobody checked in.",
		"roti":     "Nobody scored the retrospective.",
	} {
		if !strings.Contains(d.parts[part], want) {
			t.Errorf("no %q in the %s part:\n%s", want, part, d.parts[part])
		}
	}
}

func TestHTMLAndCSVRefuseAnUnknownKind(t *testing.T) {
	s := &session.State{Config: session.Config{Kind: session.Kind(7)}}
	for name, export := range map[string]func(io.Writer, *session.State) error{"html": HTML, "csv": CSV} {
		var b bytes.Buffer
		if err := export(&b, s); !errors.Is(err, session.ErrInvalid) || b.Len() > 0 {
			t.Errorf("%s: err = %v, wrote %d bytes", name, err, b.Len())
		}
	}
}

func TestHTMLAndCSVStopAtTheWritersFirstError(t *testing.T) {
	_, events := standup()
	states := map[string]*session.State{
		"stand-up": session.Fold(sessionID, events),
		"retro":    session.Fold(sessionID, retro4Ls()),
	}
	for name, export := range map[string]func(io.Writer, *session.State) error{"html": HTML, "csv": CSV} {
		for kind, s := range states {
			var full bytes.Buffer
			if err := export(&full, s); err != nil {
				t.Fatal(err)
			}
			n := full.Len()
			for _, limit := range []int{0, 1, 100, n / 2, n - 1} {
				if limit >= n {
					continue
				}
				w := &failingWriter{limit: limit}
				if err := export(w, s); !errors.Is(err, errDiskFull) {
					t.Errorf("%s of a %s, failing after %d of %d bytes: err = %v, want the writer's", name, kind, limit, n, err)
				}
				if w.writesAfter > 0 {
					t.Errorf("%s of a %s, failing after %d bytes: %d writes after the first error", name, kind, limit, w.writesAfter)
				}
			}
			if err := export(shortWriter{}, s); !errors.Is(err, io.ErrShortWrite) {
				t.Errorf("%s of a %s to a short writer: err = %v", name, kind, err)
			}
		}
	}
}

func TestHTMLAndCSVAreDeterministic(t *testing.T) {
	_, standupEvents := standup()
	fixtures := map[string][]session.Event{"stand-up": standupEvents}
	for _, r := range goldenRetros() {
		fixtures[r.name] = r.events
	}
	for name, events := range fixtures {
		for format, export := range map[string]func(io.Writer, *session.State) error{"html": HTML, "csv": CSV} {
			var first bytes.Buffer
			if err := export(&first, session.Fold(sessionID, events)); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				var again bytes.Buffer
				if err := export(&again, session.Fold(sessionID, events)); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(first.Bytes(), again.Bytes()) {
					t.Fatalf("two %s exports of the %s differ", format, name)
				}
			}
		}
	}
}
