package main

import (
	"strings"
	"testing"
)

// TestEndToEndThemeOverOpenSSH: with the real OpenSSH client, a
// participant who sends HUDDLE_THEME (ssh -o SetEnv=…) gets the
// high-contrast screen while another in the same session keeps the
// default one; `-- --theme high-contrast` gives the lobby the theme; a
// wrong name after join is refused with the themes listed.
func TestEndToEndThemeOverOpenSSH(t *testing.T) {
	e := sshE2EServe(t, "lukas", "julia", "olga")
	out, errOut, status := sshE2ERun(t, e.keys["lukas"], e.port, "lukas@127.0.0.1",
		"new", "standup", "--team", "musicstore", "--members", "Lukas,Julia")
	if status != 0 {
		e.fatal(t, "new standup: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	code, _, _ := strings.Cut(out, "\n")
	code = strings.TrimSpace(code)

	// ssh -t [options] [extra] user@host remote…, in a terminal.
	sshCmd := func(name string, extra []string, remote ...string) string {
		args := append([]string{"ssh", "-t"}, sshE2EArgs(e.keys[name], e.port)...)
		args = append(append(args, extra...), name+"@127.0.0.1")
		args = append(args, remote...)
		for i, a := range args {
			args[i] = sshE2EQuote(a)
		}
		return strings.Join(args, " ") + "; echo ssh-exited-$?; sleep 600"
	}
	plain := sshE2ETmux(t, "theme-lukas", sshE2EJoinCmd(e.keys["lukas"], e.port, "lukas", code))
	contrast := sshE2ETmux(t, "theme-julia", sshCmd("julia", []string{"-o", "SetEnv=HUDDLE_THEME=high-contrast"}, "join", code))
	lobby := sshE2ETmux(t, "theme-olga", sshCmd("olga", nil, "--", "--theme", "high-contrast"))
	plain.waitFor("waiting room", "Here (2)")
	contrast.waitFor("waiting room", "Here (2)")
	lobby.waitFor("lobby")
	if hasAny(plain.screenEscapes(), highContrastAccents) {
		e.fatal(t, "a participant who chose no theme got the high-contrast one:\n%q", plain.screenEscapes())
	}
	for name, tm := range map[string]*tmux{"SetEnv HUDDLE_THEME": contrast, "-- --theme": lobby} {
		if !hasAny(tm.screenEscapes(), highContrastAccents) {
			e.fatal(t, "%s: no high-contrast colours:\n%q", name, tm.screenEscapes())
		}
	}

	out, errOut, status = sshE2ERun(t, e.keys["julia"], e.port, "julia@127.0.0.1", "join", code, "--theme", "neon")
	if status != 2 || !strings.Contains(errOut, `unknown theme "neon": the themes are default, high-contrast`) {
		e.fatal(t, "join --theme neon: status %d, stdout %q, stderr %q", status, out, errOut)
	}
}
