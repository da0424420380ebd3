package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"charm.land/log/v2"

	"huddle/session"
	"huddle/session/export"
)

// exportOnEnd returns the RoomOptions.Ended hook of --export-dir: when a
// session ends, its minutes (.md) and record (.json) are written into dir,
// each file whole or not at all and readable by its owner only (0600). A
// dir that does not exist is made 0700, as the data directory is; one that
// exists keeps its mode. Failures are logged, never fatal: the session
// itself is safe in the store.
func exportOnEnd(dir string, st session.Store, logger *log.Logger) (func(id string), error) {
	if dir == "" {
		return nil, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("export dir: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("export dir: %w", err)
	}
	return func(id string) {
		if err := exportSession(abs, st, id); err != nil {
			logger.Error("export on end", "session", id, "err", err)
		}
	}, nil
}

func exportSession(dir string, st session.Store, id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	info, err := st.Session(ctx, id)
	if err != nil {
		return err
	}
	events, err := st.Events(ctx, id)
	if err != nil {
		return err
	}
	base := filepath.Join(dir, fmt.Sprintf("%s-%s-%s-%s", info.Created.Local().Format("2006-01-02-1504"),
		safeFileName(info.Team), info.Kind, info.ID))
	if err := writeFileAtomic(base+".md", func(w io.Writer) error {
		return export.Markdown(w, session.Fold(id, events))
	}); err != nil {
		return err
	}
	return writeFileAtomic(base+".json", func(w io.Writer) error { return export.JSON(w, info, events) })
}

// safeFileName keeps letters, digits, dashes and underscores of a team
// name (which is cleaned text, but may hold slashes or dots).
func safeFileName(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			out = append(out, r)
		case r == ' ':
			out = append(out, '-')
		}
	}
	if len(out) == 0 {
		return "team"
	}
	return string(out)
}
