package tui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

type testKeys struct{ short []key.Binding }

func (k testKeys) ShortHelp() []key.Binding { return k.short }
func (k testKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.short[:2], nil, k.short[2:]}
}

// TestHelpViewIsTheHelp: the cached key help equals the help drawn anew,
// whatever the bindings, their state, the width, the form, the theme and
// the background, in any order of calls.
func TestHelpViewIsTheHelp(t *testing.T) {
	bind := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	keys := testKeys{[]key.Binding{bind("p", "park"), bind("n", "next"), bind("x", "decide"), bind("?", "more"), bind("q", "quit")}}
	var last helpMemo // one program's, drawing every one in turn (and again)
	for range 2 {     // the second time from the cache
		for _, st := range []*Styles{ThemeDefault.Styles(true), ThemeDefault.Styles(false), ThemeHighContrast.Styles(true), ThemeHighContrast.Styles(false)} {
			for _, all := range []bool{false, true} {
				for _, w := range []int{0, 12, 30, 200} {
					for off := -1; off < len(keys.short); off++ {
						ks := testKeys{append([]key.Binding{}, keys.short...)}
						if off >= 0 {
							ks.short[off].SetEnabled(false)
						}
						h := help.New()
						h.Styles = st.Help
						h.ShowAll = all
						h.SetWidth(w)
						for range 2 { // the second time from the program's memo
							if got, want := helpView(&h, ks, st, -1, &last), h.View(ks); got != want {
								t.Errorf("%v dark %v, all %v, width %d, disabled %d: %q, want %q", st.theme, st.dark, all, w, off, got, want)
							}
						}
						for _, cut := range []int{0, 9, w} { // the footer's lines, cut to its width
							lines := strings.Split(h.View(ks), "\n")
							for i, l := range lines {
								lines[i] = ansi.Truncate(l, cut, "…")
							}
							if got, want := helpView(&h, ks, st, cut, &last), strings.Join(lines, "\n"); got != want {
								t.Errorf("%v dark %v, all %v, width %d, disabled %d, cut to %d: %q, want %q", st.theme, st.dark, all, w, off, cut, got, want)
							}
						}
					}
				}
			}
		}
	}
}
