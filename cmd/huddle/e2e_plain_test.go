package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// plainE2E is a plain participant over the real OpenSSH client in tmux,
// whose ssh output is also written to a file, byte for byte, by tee.
type plainE2E struct {
	t   *testing.T
	e   *sshE2ESetup
	tm  *tmux
	log string // the file tee writes: exactly what ssh printed
}

// plainE2EJoin joins code (or watches it) with the plain view; extra are
// more ssh options or words after the code.
func plainE2EJoin(t *testing.T, e *sshE2ESetup, user, verb, code string, opts []string, extra ...string) *plainE2E {
	t.Helper()
	p := &plainE2E{t: t, e: e, log: filepath.Join(e.dir, user+"-"+verb+"-"+code+".log")}
	args := append([]string{"ssh", "-tt"}, opts...)
	args = append(args, sshE2EArgs(e.keys[user], e.port)...)
	args = append(args, user+"@127.0.0.1", verb, code)
	args = append(args, extra...)
	for i, a := range args {
		args[i] = sshE2EQuote(a)
	}
	cmd := strings.Join(args, " ") + " | tee " + sshE2EQuote(p.log) + "; echo ssh-exited; sleep 600"
	p.tm = sshE2ETmux(t, user+"-"+verb+"-plain-"+code[len(code)-5:], cmd)
	return p
}

// fatal fails the test, with the server's log if there is a server.
func (p *plainE2E) fatal(format string, args ...any) {
	p.t.Helper()
	if p.e.srv != nil {
		p.e.fatal(p.t, format, args...)
	}
	p.t.Fatalf(format, args...)
}

func (p *plainE2E) raw() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

// waitFor waits until what ssh printed holds every want.
func (p *plainE2E) waitFor(want ...string) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		raw := p.raw()
		missing := ""
		for _, w := range want {
			if !strings.Contains(raw, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			p.fatal("the plain participant never got %q; they got:\n%s", missing, raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// say types a line as the participant would, and Enter.
func (p *plainE2E) say(line string) {
	p.t.Helper()
	p.tm.text(line)
	p.tm.keys("Enter")
}

// once checks that each line was told exactly once, and that nothing
// printed holds an escape byte.
func (p *plainE2E) once(lines ...string) {
	p.t.Helper()
	raw := p.raw()
	for _, l := range lines {
		if n := strings.Count(raw, l); n != 1 {
			p.fatal("%q told %d times, not once:\n%s", l, n, raw)
		}
	}
	if i := bytes.IndexByte([]byte(raw), 0x1b); i >= 0 {
		p.fatal("an escape byte at %d of the plain output:\n%q", i, raw)
	}
}

// TestEndToEndPlainParticipantOverOpenSSH runs a whole stand-up and a
// whole retrospective with a plain participant who facilitates, over the
// real OpenSSH client, beside a TUI participant: every change reaches them
// once as a line, their output holds no escape byte, and what they type
// reaches the TUI.
func TestEndToEndPlainParticipantOverOpenSSH(t *testing.T) {
	e := sshE2EServe(t, "julia", "lukas", "olga")
	out, errOut, status := sshE2ERun(t, e.keys["julia"], e.port, "julia@127.0.0.1",
		"new", "standup", "--team", "musicstore", "--members", "Julia,Lukas,Jörg", "--turn", "2m")
	if status != 0 {
		e.fatal(t, "new standup: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	code := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])

	julia := plainE2EJoin(t, e, "julia", "join", code, nil, "--plain")
	julia.waitFor("stand-up of musicstore", "(facilitator)", "type help")
	lukas := sshE2ETmux(t, "lukas-"+code[len(code)-5:], sshE2EJoinCmd(e.keys["lukas"], e.port, "lukas", code))
	lukas.waitFor("waiting room")
	julia.waitFor("Lukas is here")
	// A watcher who asked for lines with the environment, not the flag.
	olga := plainE2EJoin(t, e, "olga", "watch", code, []string{"-o", "SetEnv=HUDDLE_PLAIN=1"})
	olga.waitFor("you are waiting at the door")
	julia.waitFor("olga knocks at the door: admit 1, or turnaway 1")
	julia.say("admit 1")
	olga.waitFor("olga is here, watching")
	julia.waitFor("olga is here, watching")

	julia.say("help")
	julia.waitFor("start                                ")
	julia.say("start")
	julia.waitFor("the stand-up has started; order: Julia, Lukas", "Julia's turn, 2:00")
	lukas.waitFor("Turn 1 of 2")
	julia.say("blocker waiting for the API")
	lukas.waitFor("waiting for the API")
	julia.say("park release date for 2.0 @Lukas")
	julia.waitFor("Julia parked #1: release date for 2.0 (stays: Lukas)")
	lukas.waitFor("release date for 2.0")
	lukas.keys("p")
	lukas.waitFor("Park a topic")
	lukas.text("ci flakes")
	lukas.keys("Enter")
	julia.waitFor("Lukas parked #2: ci flakes")
	olga.waitFor("Lukas parked #2: ci flakes")
	julia.say("plus")
	julia.waitFor("+1:00 for Julia")
	julia.say("pause coffee")
	julia.waitFor("paused: coffee")
	lukas.waitFor("coffee")
	julia.say("pause")
	julia.waitFor("resumed")
	julia.say("dance")
	julia.waitFor(`not done: "dance" is not a command; help lists what works now`)
	julia.say("next")
	julia.waitFor("Lukas's turn, 2:00")
	lukas.waitFor("Turn 2 of 2")
	julia.say("skip")
	julia.waitFor("not done: invalid: Lukas is the last speaker")
	olga.say("park nope")
	olga.waitFor("not done: not allowed")
	julia.say("next")
	julia.waitFor("parking lot: 2 open", "parking lot #1: release date for 2.0 (stays: Lukas)")
	julia.say("stay 2")
	julia.waitFor("parking lot #2: Julia stays")
	julia.say("decide 1 ship on 15 Jan")
	julia.waitFor("parking lot: #1 decided: ship on 15 Jan (absent: Jörg)")
	lukas.waitFor("ship on 15 Jan")
	julia.say("retro 2")
	julia.waitFor("parking lot: #2 sent to the retro")
	julia.say("next")
	julia.waitFor("the stand-up has ended")
	olga.waitFor("the stand-up has ended")
	julia.once("Lukas is here", "Julia's turn", "Lukas's turn", "blocker 1 for Julia: waiting for the API",
		"Julia parked #1", "Lukas parked #2", "+1:00 for Julia", "paused: coffee", "resumed",
		"parking lot #2: Julia stays", "#1 decided", "#2 sent to the retro", "the stand-up has ended")
	olga.once("Lukas parked #2", "#1 decided", "the stand-up has ended")

	// The retrospective: the topic sent from the stand-up is card #1.
	out, errOut, status = sshE2ERun(t, e.keys["julia"], e.port, "julia@127.0.0.1",
		"new", "retro", "--team", "musicstore", "--votes", "3")
	if status != 0 {
		e.fatal(t, "new retro: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	retro := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
	jr := plainE2EJoin(t, e, "julia", "join", retro, nil, "--plain")
	jr.waitFor("retrospective of musicstore", "(facilitator)", "cards: 1", "card #1 in Start (Lukas): ci flakes")
	lr := sshE2ETmux(t, "lukas-"+retro[len(retro)-5:], sshE2EJoinCmd(e.keys["lukas"], e.port, "lukas", retro))
	lr.waitFor("waiting room")
	jr.waitFor("Lukas is here")
	jr.say("start")
	jr.waitFor("now: check-in, 5:00")
	jr.say("word sunny")
	jr.waitFor("check-in: Julia: sunny")
	jr.say("next")
	jr.waitFor("now: review", "decision 1 to review: release date for 2.0: ship on 15 Jan")
	jr.say("confirm 1")
	jr.waitFor("decision 1 to review: confirmed")
	jr.say("next")
	jr.waitFor("now: write, 7:00", "columns: 1 Start, 2 Stop, 3 Continue")
	lr.waitFor("Start")
	jr.say("card Start: pair on CI")
	jr.waitFor("card #2 in Start (yours): pair on CI")
	jr.say("done")
	jr.waitFor("Julia is done (1 of 2)")
	jr.say("reveal")
	jr.waitFor("cards revealed: 2")
	lr.waitFor("pair on CI")
	jr.say("next")
	jr.waitFor("now: group")
	jr.say("group 2 1")
	jr.waitFor("card #2 grouped into topic #1")
	jr.say("name 1 CI")
	jr.waitFor("topic #1 named: CI")
	jr.say("next")
	jr.waitFor("now: vote", "topic #1: CI")
	jr.say("vote 1")
	jr.waitFor("your dot on #1: 1 on it, 2 left")
	jr.say("next")
	jr.waitFor("now: discuss", "topic 1 of 1: #1 CI (1 dots)")
	jr.say("up")
	jr.waitFor("thumbs: 1 up, 0 down (Julia up)")
	jr.say("note flaky tests")
	jr.waitFor("note on #1: flaky tests")
	jr.say("decide we pair daily")
	jr.waitFor("decision on #1: we pair daily")
	jr.say("action fix CI @Lukas due 2026-12-24")
	jr.waitFor("action #1: fix CI (Lukas, due 2026-12-24)")
	lr.waitFor("fix CI")
	jr.say("next")
	jr.waitFor("now: actions")
	jr.say("next")
	jr.waitFor("now: ROTI")
	jr.say("score 4")
	jr.waitFor("ROTI: 1 of 2 scored")
	jr.say("next")
	jr.waitFor("the retrospective has ended", "ROTI scores: 4, average 4.0")
	jr.once("now: check-in", "check-in: Julia: sunny", "now: write", "cards revealed",
		"grouped into topic #1", "topic #1 named: CI", "your dot on #1", "topic 1 of 1", "thumbs: 1 up",
		"note on #1", "decision on #1", "action #1: fix CI", "ROTI: 1 of 2 scored", "ROTI scores", "the retrospective has ended")
}

// TestEndToEndPlainLocal runs a stand-up as lines at the one keyboard,
// chosen by HUDDLE_PLAIN=1: the operator facilitates and acts for the
// others; nothing printed holds an escape byte.
func TestEndToEndPlainLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildHuddle(t)
	dir := t.TempDir()
	e := &sshE2ESetup{dir: dir}
	p := &plainE2E{t: t, e: e, log: filepath.Join(dir, "local.log")}
	cmd := "HUDDLE_PLAIN=1 " + sshE2EQuote(bin) + " --data-dir " + sshE2EQuote(filepath.Join(dir, "data")) +
		" standup --team musicstore --members Julia,Lukas --turn 1m --name maria | tee " + sshE2EQuote(p.log) + "; echo huddle-exited; sleep 600"
	p.tm = startTmux(t, cmd)
	p.waitFor("stand-up of musicstore", "you are maria (facilitator)", "type help")
	p.say("here Julia")
	p.waitFor("Julia is here")
	p.say("here lukas")
	p.waitFor("Lukas is here")
	p.say("start")
	p.waitFor("order: Julia, Lukas", "Julia's turn, 1:00")
	p.say("for Lukas park ci flakes @Julia")
	p.waitFor("Lukas parked #1: ci flakes (stays: Julia)")
	p.say("next")
	p.waitFor("Lukas's turn, 1:00")
	p.say("next")
	p.waitFor("parking lot #1: ci flakes (stays: Julia)")
	p.say("decide 1 pair on it")
	p.waitFor("parking lot: #1 decided: pair on it")
	p.say("next")
	p.waitFor("the stand-up has ended")
	p.say("quit")
	p.tm.waitFor("huddle-exited")
	p.once("Julia is here", "Lukas parked #1", "Julia's turn", "Lukas's turn", "#1 decided", "the stand-up has ended")
}
