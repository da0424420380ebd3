package tui

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"

	"huddle/internal/rowpaint"
	"huddle/session"
)

// standupChange is a participant's stand-up screen (busyRounds) at a
// size, before and after a member parks one more topic.
func standupChange(b *testing.B, w, h int) (before, after tea.View) {
	d := busyRounds(b)
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	before = d.m.View()
	if err := d.room.Submit(fac, session.Park{Topic: "the build is red since the backend changed"}); err != nil {
		b.Fatal(err)
	}
	d.deliver()
	after = d.m.View()
	if before.Content == after.Content {
		b.Fatal("parking a topic changed nothing on screen")
	}
	return before, after
}

// own gives a view a first row of its own, as each participant's header
// is (their name, their role).
func own(v tea.View, i int) tea.View {
	_, rest, _ := strings.Cut(v.Content, "\n")
	v.Content = fmt.Sprintf(" header of member %03d", i) + "\n" + rest
	return v
}

// cellPainter is the work of Bubble Tea v2.1.1's renderer for a frame
// (cursedRenderer.flush, without its bookkeeping): the frame parsed into
// a cell buffer, diffed against the terminal's cells and encoded.
type cellPainter struct {
	buf uv.ScreenBuffer
	scr *uv.TerminalRenderer
}

func newCellPainter(w, h int) *cellPainter {
	c := &cellPainter{buf: uv.NewScreenBuffer(w, h), scr: uv.NewTerminalRenderer(io.Discard, []string{"TERM=xterm-256color"})}
	c.scr.SetColorProfile(colorprofile.ANSI256)
	c.scr.SetFullscreen(true)
	c.scr.SetRelativeCursor(false)
	c.scr.SetScrollOptim(true)
	c.scr.Resize(w, h)
	return c
}

func (c *cellPainter) paint(v tea.View) {
	c.buf.Clear()
	uv.NewStyledString(v.Content).Draw(c.buf, c.buf.Bounds())
	c.scr.Render(c.buf.RenderBuffer)
	_ = c.scr.Flush()
}

// BenchmarkPaintChange is the cost of showing one change (a topic
// parked) on one participant's screen: rowpaint, with the rows already
// encoded by another participant's paint as for all but the first of a
// room, and the work of Bubble Tea's renderer for the same frames.
func BenchmarkPaintChange(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		before, after := standupChange(b, size[0], size[1])
		name := fmt.Sprintf("%dx%d", size[0], size[1])
		b.Run("rowpaint/"+name, func(b *testing.B) {
			p := rowpaint.New(io.Discard, rowpaint.Options{Width: size[0], Height: size[1], Profile: colorprofile.ANSI256})
			_ = p.Paint(before)
			_ = p.Paint(after)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i%2 == 0 {
					_ = p.Paint(before)
				} else {
					_ = p.Paint(after)
				}
				i++
			}
		})
		b.Run("bubbletea/"+name, func(b *testing.B) {
			c := newCellPainter(size[0], size[1])
			c.paint(before)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i%2 == 0 {
					c.paint(before)
				} else {
					c.paint(after)
				}
				i++
			}
		})
	}
}

// BenchmarkPaintRoom is one change shown on 200 participants' screens
// at 80×24 (each with a header row of its own), painted one after the
// other: an op is the whole room. heap-B/participant is what each
// participant's painter (or cell renderer) holds after its paints.
func BenchmarkPaintRoom(b *testing.B) {
	const n = 200
	before, after := standupChange(b, 80, 24)
	views := [2][n]tea.View{}
	for i := range n {
		views[0][i], views[1][i] = own(before, i), own(after, i)
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	b.Run("rowpaint", func(b *testing.B) {
		h0 := heap()
		ps := make([]*rowpaint.Painter, n)
		for i := range ps {
			ps[i] = rowpaint.New(io.Discard, rowpaint.Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
			_ = ps[i].Paint(views[0][i])
		}
		held := float64(heap()-h0) / n
		k := 1
		for b.Loop() {
			for i, p := range ps {
				_ = p.Paint(views[k][i])
			}
			k ^= 1
		}
		runtime.KeepAlive(ps)
		b.ReportMetric(held, "heap-B/participant") // after the loop: it resets the metrics
	})
	b.Run("bubbletea", func(b *testing.B) {
		h0 := heap()
		cs := make([]*cellPainter, n)
		for i := range cs {
			cs[i] = newCellPainter(80, 24)
			cs[i].paint(views[0][i])
		}
		held := float64(heap()-h0) / n
		k := 1
		for b.Loop() {
			for i, c := range cs {
				c.paint(views[k][i])
			}
			k ^= 1
		}
		runtime.KeepAlive(cs)
		b.ReportMetric(held, "heap-B/participant")
	})
}

// seenWriter counts the programs whose output showed the current marker.
type seenWriter struct {
	marker *atomic.Pointer[string]
	last   *string
	seen   *atomic.Int64
	all    chan struct{}
	n      int64
}

func (w *seenWriter) Write(p []byte) (int, error) {
	if m := w.marker.Load(); m != nil && m != w.last && bytes.Contains(p, []byte(*m)) {
		w.last = m
		if w.seen.Add(1) == w.n {
			w.all <- struct{}{}
		}
	}
	return len(p), nil
}

// BenchmarkRoomPrograms runs 200 real programs of one stand-up at 80×24
// in this process (the facilitator's and the 20 members', in turn), each painting into a writer of its own, and times a
// change (a topic parked) until every program's output showed it; with
// rowpaint (tea.WithoutRenderer, one frame a second) and with Bubble
// Tea's renderer (60 frames a second). heap-B/program is the heap the
// running programs hold, each.
func BenchmarkRoomPrograms(b *testing.B) {
	const n = 200
	for _, ours := range []bool{true, false} {
		name := "rowpaint"
		if !ours {
			name = "bubbletea"
		}
		b.Run(name, func(b *testing.B) {
			d := busyRounds(b)
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			h0 := ms.HeapAlloc
			var marker atomic.Pointer[string]
			var seen atomic.Int64
			all := make(chan struct{}, 1)
			progs := make([]*tea.Program, n)
			var who []session.ParticipantID // the facilitator and the 20 members, in turn
			for _, pt := range d.room.Snapshot().State.Participants {
				who = append(who, pt.ID)
			}
			for i := range progs {
				w := &seenWriter{marker: &marker, seen: &seen, all: all, n: n}
				m := New(d.room, who[i%len(who)], Options{Bodies: testBodies})
				opts := []tea.ProgramOption{tea.WithInput(nil), tea.WithOutput(w), tea.WithWindowSize(80, 24),
					tea.WithoutSignalHandler(), tea.WithColorProfile(colorprofile.ANSI256), tea.WithEnvironment([]string{"TERM=xterm-256color"})}
				var model tea.Model = m
				if ours {
					pt := rowpaint.New(w, rowpaint.Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
					wrapped := rowpaint.Wrap(m, pt)
					model = wrapped
					opts = append(opts, tea.WithoutRenderer(), tea.WithFPS(1), tea.WithFilter(wrapped.Filter(nil)))
				}
				progs[i] = tea.NewProgram(model, opts...)
				go func() { _, _ = progs[i].Run() }()
				b.Cleanup(m.Close)
			}
			defer func() {
				for _, p := range progs {
					p.Kill()
				}
			}()
			round := 0
			park := func() {
				round++
				topic := fmt.Sprintf("marker%04d", round)
				seen.Store(0)
				marker.Store(&topic)
				if err := d.room.Submit(fac, session.Park{Topic: topic}); err != nil {
					b.Fatal(err)
				}
				select {
				case <-all:
				case <-time.After(30 * time.Second):
					b.Fatalf("%d of %d programs showed %s", seen.Load(), n, topic)
				}
			}
			park() // all running and painted
			runtime.GC()
			runtime.ReadMemStats(&ms)
			held := float64(ms.HeapAlloc-h0) / n
			c0 := processCPU()
			var aside time.Duration // the CPU of emptying the parking lot
			for b.Loop() {
				if len(d.room.Snapshot().State.Items) >= session.MaxTopics-1 {
					// The lot takes MaxTopics: empty it, out of the
					// measure, and wait until every program shows it.
					b.StopTimer()
					c := processCPU()
					for _, it := range d.room.Snapshot().State.Items {
						if err := d.room.Submit(fac, session.DeleteItem{Item: it.ID}); err != nil {
							b.Fatal(err)
						}
					}
					park()
					aside += processCPU() - c
					b.StartTimer()
				}
				park()
			}
			b.ReportMetric(held, "heap-B/program")
			// The process's CPU time (the room's work included) per
			// program and change: wall time on a loaded machine says
			// little, CPU time what a participant costs.
			b.ReportMetric(float64(processCPU()-c0-aside)/float64(n*b.N), "cpu-ns/program-change")
		})
	}
}

// BenchmarkIdlePrograms is the CPU that 200 running programs of one
// stand-up in its rounds (countdowns ticking, nobody typing) painted by
// rowpaint cost this process, at Bubble Tea's default 60 frames a second
// and at the 1 the SSH server uses (its frame ticker then wakes once a
// second instead of 60 times). An op is one second of wall time;
// cpu-%core is the process's CPU time over it.
func BenchmarkIdlePrograms(b *testing.B) {
	const n = 200
	for _, fps := range []int{60, 1} {
		b.Run(fmt.Sprintf("fps%d", fps), func(b *testing.B) {
			d := busyRounds(b)
			progs := make([]*tea.Program, n)
			for i := range progs {
				m := New(d.room, fac, Options{Bodies: testBodies})
				pt := rowpaint.New(io.Discard, rowpaint.Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256})
				wrapped := rowpaint.Wrap(m, pt)
				progs[i] = tea.NewProgram(wrapped, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24),
					tea.WithoutSignalHandler(), tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutRenderer(), tea.WithFPS(fps),
					tea.WithFilter(wrapped.Filter(nil)))
				go func() { _, _ = progs[i].Run() }()
				b.Cleanup(m.Close)
			}
			defer func() {
				for _, p := range progs {
					p.Kill()
				}
			}()
			time.Sleep(time.Second) // all started
			c0, t0 := processCPU(), time.Now()
			for b.Loop() {
				time.Sleep(time.Second)
			}
			b.ReportMetric(100*float64(processCPU()-c0)/float64(time.Since(t0)), "cpu-%core")
		})
	}
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTick is the work of one second on the screens of a room of
// ten at 80×24 in its rounds, per program, without the goroutines and
// the SSH connection around it: the tick's update, the view (the room's
// body drawn once for all ten) and the paint of what changed (the
// countdowns), into io.Discard.
func BenchmarkTick(b *testing.B) {
	d := busyRounds(b)
	var progs []*rowpaint.Model
	for _, p := range d.room.Snapshot().State.Participants[:10] {
		m := New(d.room, p.ID, Options{Bodies: NewBodyCache()})
		m.ticking = false
		b.Cleanup(m.Close)
		w := rowpaint.Wrap(m, rowpaint.New(io.Discard, rowpaint.Options{Width: 80, Height: 24, Profile: colorprofile.ANSI256}))
		w.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		w.View()
		progs = append(progs, w)
	}
	for b.Loop() {
		d.clock.Advance(time.Second)
		now := d.clock.Now()
		for _, w := range progs {
			w.Update(tickMsg(now))
			w.View()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(progs)), "ns/program-tick")
}
