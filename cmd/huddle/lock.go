package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// lockFileName is the file in the data directory whose lock says that a
// huddle runs sessions there or writes to it. It is never removed: a
// process that had opened it just before another removed it would lock a
// file nobody else sees.
const lockFileName = "huddle.lock"

// lockHolder is what the lock file says about the process that holds it.
type lockHolder struct {
	Command string    `json:"command"`
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
}

// dataDirInUseError is the refusal of a data directory that another
// process has locked. holder is the zero lockHolder when the lock file did
// not say who (it had not written it yet).
type dataDirInUseError struct {
	dir    string
	holder lockHolder
	now    time.Time
}

func (e *dataDirInUseError) Error() string {
	who := "another huddle"
	if h := e.holder; h.Command != "" && h.PID > 0 {
		who = fmt.Sprintf("%q (pid %d, since %s)", h.Command, h.PID, sinceText(h.Since, e.now))
	}
	return fmt.Sprintf("the data directory %s is in use by %s; stop it first or use --data-dir", e.dir, who)
}

// sinceText is when a lock was taken, for people: 10:02 today, else with
// the day.
func sinceText(t, now time.Time) string {
	if t.IsZero() {
		return "a moment ago"
	}
	t, now = t.Local(), now.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Mon 2 Jan 15:04")
}

// lockDataDir takes the exclusive lock of the data directory dir for the
// command what (e.g. "huddle serve"), creating the directory (mode 0700)
// and its lock file (0600) if need be. Every command that runs sessions or
// writes the store takes it before it opens the store, and holds it until
// it is done; commands that only read (export, history, show) do not, and
// run alongside. If another process holds the lock, lockDataDir fails at
// once with a *dataDirInUseError naming it.
//
// The lock is an advisory lock on the open file (flock(2) on Unix): the
// kernel drops it when the process ends however it ends, kill -9
// included, so a lock file left behind never blocks anyone. The returned
// release drops it; it may be called more than once.
func lockDataDir(dir, what string) (release func(), err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data directory %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(abs, lockFileName)
	f, err := openLockFile(path)
	if err != nil {
		return nil, fmt.Errorf("lock the data directory: %w", err)
	}
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		return nil, fmt.Errorf("lock the data directory: %w", err)
	}
	locked, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock the data directory %s: %w", abs, err)
	}
	if !locked {
		defer f.Close()
		return nil, &dataDirInUseError{dir: abs, holder: readHolder(f), now: time.Now()}
	}
	// Say who holds it. A reader may catch the file empty or half
	// written; it then says "another huddle".
	b, _ := json.Marshal(lockHolder{Command: what, PID: os.Getpid(), Since: time.Now().Round(time.Second)})
	b = append(b, '\n')
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt(b, 0)
	}
	if err != nil {
		unlock(f)
		f.Close()
		return nil, fmt.Errorf("lock the data directory: %w", err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			// Clear the holder while still holding the lock, so that the
			// file never names a process that has let go.
			_ = f.Truncate(0)
			unlock(f)
			f.Close()
		})
	}, nil
}

// readHolder reads who holds the lock from its file: the zero lockHolder
// if it does not say.
func readHolder(f *os.File) lockHolder {
	b := make([]byte, 4096)
	n, _ := f.ReadAt(b, 0)
	var h lockHolder
	if json.Unmarshal(b[:n], &h) != nil {
		return lockHolder{}
	}
	return h
}
