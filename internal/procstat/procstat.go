// Package procstat reads what a process costs, for the load generator
// (cmd/huddle-load) and the attack runner (cmd/huddle-attack): the
// resident memory and CPU time of the server they started, from Linux's
// /proc, and their own CPU time. On a system without /proc the server's
// figures are zero.
package procstat

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RSS reads the resident set size and its high-water mark of a process,
// in bytes; zero if pid is not positive or the figures cannot be read.
func RSS(pid int) (cur, hwm int64) {
	if pid <= 0 {
		return 0, 0
	}
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) < 1 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			cur = n * 1024
		case "VmHWM":
			hwm = n * 1024
		}
	}
	return cur, hwm
}

// CPUTime is the user and system CPU time a process has used so far;
// zero if pid is not positive or it cannot be read.
func CPUTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	s := string(data)
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // clock ticks (USER_HZ = 100 on Linux)
}

// OwnCPU is the user and system CPU time this process has used so far.
func OwnCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
