package export

import (
	"html"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"huddle/session"
)

// hostileMD is user text that, pasted raw into a GitHub issue, would ping
// people, reference issues, link away and inject markup.
const hostileMD = "# @julia see #9876, GH-9876 and owner/repo#9876|x: https://evil.example/a_b www.evil.example " +
	"ops@evil.example mailto:ops xmpp:ops <img src=x> [click](http://evil.example) ![i](y) a|b `c` **d**"

// setUserText puts text into every field of v that holds what people
// typed: names, the team, card and note text, topics, decisions, action
// items, check-in words, columns, who was present and absent.
func setUserText(v reflect.Value, text string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			setUserText(v.Elem(), text)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			setUserText(v.Index(i), text)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f, name := v.Field(i), v.Type().Field(i).Name
			if !f.CanSet() {
				continue
			}
			switch {
			case f.Kind() == reflect.String:
				switch name {
				case "Team", "Name", "Text", "Topic", "Note", "Word", "Who":
					f.SetString(text)
				}
			case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
				switch name {
				case "Columns", "Present", "Absent", "Roster":
					for j := range f.Len() {
						f.Index(j).SetString(text)
					}
				}
			case f.Kind() == reflect.Map && name == "GroupNames":
				for _, k := range f.MapKeys() {
					f.SetMapIndex(k, reflect.ValueOf(text))
				}
			default:
				setUserText(f, text)
			}
		}
	}
}

// outsideCode reads a line of minutes as GitHub renders it, code spans
// left out: rendered is the text outside code with escapes resolved (a
// backslash stops markup, not a mention), markup the characters outside
// code that no backslash escapes.
func outsideCode(line string) (rendered, markup string) {
	var r, m strings.Builder
	inCode := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '`':
			inCode = !inCode
			r.WriteByte(' ')
		case inCode:
		case c == '\\' && i+1 < len(line):
			i++
			r.WriteByte(line[i])
		default:
			r.WriteByte(c)
			m.WriteByte(c)
		}
	}
	return r.String(), m.String()
}

var (
	// liveOnGitHub is what GitHub would make a mention, a reference or a
	// link. (Huddle's own item numbers, #1 and the like, are not
	// hostileMD's #9876.)
	liveOnGitHub = regexp.MustCompile(`(?i)@[\pL\pN_-]|#9876|gh-\d|://|www\.|mailto:|xmpp:`)
	// huddleHeading is a heading that huddle writes.
	huddleHeading = regexp.MustCompile(`^(# (Stand-up|Retrospective) · |## [A-Z]|### )`)
)

func TestMarkdownMinutesLeaveNoMentionReferenceOrLinkLive(t *testing.T) {
	_, events := standup()
	for name, s := range map[string]*session.State{
		"stand-up":  session.Fold(sessionID, events),
		"retro":     session.Fold(sessionID, retroOfFormat(session.Custom, []string{"Keep", "Drop"}, "Book the room")),
		"4Ls":       session.Fold(sessionID, retro4Ls()),
		"anonymous": session.Fold(sessionID, retroAnonymous()),
	} {
		t.Run(name, func(t *testing.T) {
			setUserText(reflect.ValueOf(s), hostileMD)
			out := mustMarkdown(t, s)
			if n := strings.Count(out, md(hostileMD)); n < 5 {
				t.Fatalf("the hostile text is in the minutes %d times, want at least 5:\n%s", n, out)
			}
			cells := 0
			for l := range strings.Lines(out) {
				l = strings.TrimSuffix(l, "\n")
				rendered, markup := outsideCode(l)
				if live := liveOnGitHub.FindAllString(rendered, -1); live != nil {
					t.Errorf("live on GitHub: %q in %s", live, l)
				}
				if strings.HasPrefix(l, "- **") {
					markup = strings.Replace(markup, "**", "", 2) // a topic's name, in bold
				}
				if strings.ContainsAny(markup, "<>[]*_") {
					t.Errorf("unescaped markup in %s", l)
				}
				if strings.HasPrefix(l, "#") && !huddleHeading.MatchString(l) {
					t.Errorf("a heading huddle did not write: %s", l)
				}
				// Every table row has as many cell borders as its header.
				switch n := strings.Count(markup, "|"); {
				case !strings.HasPrefix(l, "|"):
					cells = 0
				case cells == 0:
					cells = n
				case n != cells:
					t.Errorf("row with %d cell borders, want %d: %s", n, cells, l)
				}
			}
			if t.Failed() {
				t.Logf("the minutes:\n%s", out)
			}
		})
	}
}

// The HTML minutes link nothing: user text is escaped text there, and the
// page has no <a> element for a URL or a mention to become.
func TestHTMLMinutesLinkNothing(t *testing.T) {
	_, events := standup()
	for name, s := range map[string]*session.State{
		"stand-up": session.Fold(sessionID, events),
		"retro":    session.Fold(sessionID, retroOfFormat(session.Custom, []string{"Keep", "Drop"}, "Book the room")),
	} {
		t.Run(name, func(t *testing.T) {
			setUserText(reflect.ValueOf(s), hostileMD)
			out := mustHTML(t, s)
			readHTML(t, out) // fails on any element or attribute html.go does not write
			if n := strings.Count(out, html.EscapeString(hostileMD)); n < 5 {
				t.Fatalf("the hostile text is in the page %d times, want at least 5", n)
			}
			lower := strings.ToLower(out)
			for _, bad := range []string{"<a ", "<a>", "href", "<img"} {
				if strings.Contains(lower, bad) {
					t.Errorf("the page contains %q", bad)
				}
			}
		})
	}
}
