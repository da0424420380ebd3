package tui

import (
	"strconv"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"huddle/session"
)

// A *session.Player is a Room: the live screens show its replays.
var _ Room = (*session.Player)(nil)

// MaxReplaySpeed is the fastest a replay plays: an hour in under four
// seconds.
const MaxReplaySpeed = 1000

const (
	minReplaySpeed = 1.0 / 16
	// replayTick is how often a playing replay moves on, by replayTick
	// times its speed of recorded time.
	replayTick = 100 * time.Millisecond
)

// replayWatcher is who watches a replay: nobody in the session, so that
// the screen is the one an observer saw live.
const replayWatcher session.ParticipantID = "replay:watcher"

// ReplayModel plays a recorded session back in the live interface: the
// session's screens as an observer saw them, read-only, with a footer of
// its own to play, pause, step and jump. It moves the player only on its
// own ticks and keys, and ticks only while playing. Like App it is used by
// pointer: Update changes it in place and returns it.
type ReplayModel struct {
	player  *session.Player
	marks   []session.Mark
	inner   *Model // the session's screens, handed each state by sync
	help    help.Model
	styles  *Styles
	speed   float64
	playing bool
	gen     int // the tick chain that counts: play starts a new one
}

// replayTickMsg moves a playing replay on; gen tells an old chain's
// ticks, still in flight after a pause, from the current one's.
type replayTickMsg struct{ gen int }

// NewReplay returns the replay of the player's session at speed (recorded
// seconds per real second, at most MaxReplaySpeed; 1 if not positive),
// playing from the player's position, in the theme. Close ends the session screen's subscription once
// the program has ended.
func NewReplay(p *session.Player, speed float64, theme Theme) *ReplayModel {
	inner := New(p, replayWatcher, Options{Theme: theme})
	inner.ticking = false // the replay hands it each state and the time
	r := &ReplayModel{
		player: p,
		marks:  p.Marks(),
		inner:  inner,
		help:   help.New(),
		styles: theme.Styles(true),
		speed:  1,
	}
	if speed > 0 {
		r.speed = min(speed, MaxReplaySpeed)
	}
	r.help.Styles = r.styles.Help
	seq, total := p.Position()
	r.playing = seq < total
	r.sync()
	return r
}

// Close ends the session screen's subscription. The player is the
// caller's to close.
func (r *ReplayModel) Close() { r.inner.Close() }

// Init asks for the terminal's background and starts playing.
func (r *ReplayModel) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, r.tick())
}

func (r *ReplayModel) tick() tea.Cmd {
	if !r.playing {
		return nil
	}
	gen := r.gen
	return tea.Tick(replayTick, func(time.Time) tea.Msg { return replayTickMsg{gen: gen} })
}

// Update plays on at a tick, handles the replay's keys and hands the
// rest to the session screen.
func (r *ReplayModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case replayTickMsg:
		if msg.gen != r.gen || !r.playing {
			return r, nil // a tick from before a pause
		}
		r.playing = r.player.Advance(time.Duration(float64(replayTick) * r.speed))
		r.sync()
		return r, r.tick()
	case tea.KeyPressMsg:
		return r.onKey(msg)
	case tea.WindowSizeMsg:
		r.help.SetWidth(msg.Width - 2)
	case tea.BackgroundColorMsg:
		r.styles = r.inner.opts.Theme.Styles(msg.IsDark())
		r.help.Styles = r.styles.Help
	}
	return r.forward(msg)
}

func (r *ReplayModel) onKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := r.keyMap()
	seq, _ := r.player.Position()
	prev, next := r.around(seq)
	switch {
	case key.Matches(msg, k.Quit):
		return r, tea.Quit
	case key.Matches(msg, k.Play):
		return r.togglePlay()
	case key.Matches(msg, k.Step):
		r.playing = false
		r.player.Step()
	case key.Matches(msg, k.Back):
		r.playing = false
		r.player.SeekTo(seq - 1)
	case key.Matches(msg, k.PrevPhase):
		r.player.SeekTo(prev.Seq)
	case key.Matches(msg, k.NextPhase):
		r.player.SeekTo(next.Seq)
	case key.Matches(msg, k.Faster):
		r.speed *= 2
		return r, nil
	case key.Matches(msg, k.Slower):
		r.speed /= 2
		return r, nil
	case key.Matches(msg, k.Scroll):
		return r.forward(msg) // the summary scrolls
	default:
		return r, nil // the session's own keys: a replay changes nothing
	}
	r.sync()
	return r, nil
}

// togglePlay pauses, or plays on; at the end it plays again from the
// start.
func (r *ReplayModel) togglePlay() (tea.Model, tea.Cmd) {
	if r.playing {
		r.playing = false
		return r, nil
	}
	if seq, total := r.player.Position(); seq >= total {
		r.player.SeekTo(1)
		r.sync()
	}
	r.playing = true
	r.gen++
	return r, r.tick()
}

// sync hands the session screen the player's state and time. Its
// commands are dropped: they are the bell of a time-box that ran out,
// which a replay does not ring.
func (r *ReplayModel) sync() {
	m, _ := r.inner.Update(snapshotMsg(r.player.Snapshot()))
	r.inner = m.(*Model)
}

func (r *ReplayModel) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.inner.Update(msg)
	r.inner = m.(*Model)
	return r, cmd
}

// around returns the phase marks before and after the position; a zero
// Seq when there is none.
func (r *ReplayModel) around(seq int64) (prev, next session.Mark) {
	for _, m := range r.marks {
		if m.Seq < seq {
			prev = m
		}
		if m.Seq > seq && next.Seq == 0 {
			next = m
		}
	}
	return prev, next
}

// View is the session screen with the replay's footer in place of its own.
func (r *ReplayModel) View() tea.View {
	v := r.inner.View()
	v.Content = r.render()
	v.WindowTitle = "huddle replay · " + r.inner.state.Config.Team
	return v
}

// render lays out the session's header and body as Model.render does,
// above the replay's footer, which is as high as the session's own.
func (r *ReplayModel) render() string {
	m := r.inner
	if m.width < minWidth || m.height < minHeight {
		return string(m.render(nil))
	}
	w := m.width - 2 // App padding
	header, footer := m.header(w), r.footer(w)
	bodyHeight := max(1, m.height-lipgloss.Height(header)-lipgloss.Height(footer))
	return frame(header, m.body(w, bodyHeight), footer, bodyHeight)
}

// footer is the status line, "replay · 12:04:33 · event 57 of 230 · ×10 ·
// paused", and the replay's keys.
func (r *ReplayModel) footer(w int) string {
	st := r.styles
	seq, total := r.player.Position()
	state := st.Paused.Render("paused")
	switch {
	case r.playing:
		state = st.Calm.Render("playing")
	case seq >= total:
		state = st.Subtle.Render("the end")
	}
	status := st.Title.Render("replay") + st.Subtle.Render(" · ") +
		st.Clock.Render(r.player.Clock().Now().Local().Format("15:04:05")) +
		st.Subtle.Render(" · event "+strconv.FormatInt(seq, 10)+" of "+strconv.FormatInt(total, 10)+" · ") +
		st.Text.Render("×"+speedText(r.speed)) + st.Subtle.Render(" · ") + state
	return truncate(status, w) + "\n" + truncate(r.help.View(r.keyMap()), w)
}

// speedText prints a speed as ×10 or ×0.25 would want it.
func speedText(s float64) string { return strconv.FormatFloat(s, 'g', 4, 64) }

// keyMap returns the replay's keys for this moment.
func (r *ReplayModel) keyMap() replayKeyMap {
	seq, total := r.player.Position()
	prev, next := r.around(seq)
	k := newReplayKeyMap()
	switch {
	case r.playing:
		k.Play.SetHelp("space", "pause")
	case seq >= total:
		k.Play.SetHelp("space", "play again")
	}
	k.Step.SetEnabled(seq < total)
	k.Back.SetEnabled(seq > 1)
	k.PrevPhase.SetEnabled(prev.Seq > 0)
	k.NextPhase.SetEnabled(next.Seq > 0)
	k.Phases.SetEnabled(prev.Seq > 0 || next.Seq > 0)
	k.Faster.SetEnabled(r.speed*2 <= MaxReplaySpeed)
	k.Slower.SetEnabled(r.speed/2 >= minReplaySpeed)
	k.Speed.SetEnabled(k.Faster.Enabled() || k.Slower.Enabled())
	k.Scroll.SetEnabled(r.inner.state.Phase == session.Closed)
	return k
}

// ShortHelp is the footer's keys.
func (k replayKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Play, k.Step, k.Back, k.Phases, k.Speed, k.Scroll, k.Quit}
}

// FullHelp is the same keys, one per line.
func (k replayKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Play, k.Step, k.Back, k.PrevPhase, k.NextPhase, k.Faster, k.Slower, k.Scroll, k.Quit}}
}
