package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"huddle/session"
	"huddle/session/postgres"
	"huddle/session/sqlite"
)

// database is what the commands need of a store: SQLite in the data
// directory, or PostgreSQL shared by several nodes (--database). Both
// stores satisfy it; a command never asks which one it has, except serve
// for the host key (session.HostKeyStore) and the data-directory lock,
// which guards SQLite only.
type database interface {
	session.Store
	session.DefaultsStore
	session.TeamLogStore
	session.TeamLogRewriter
	session.DeliveryStore
	Close() error
}

var (
	_ database = (*sqlite.Store)(nil)
	_ database = (*postgres.Store)(nil)
)

// openPostgres opens the PostgreSQL store at a postgres:// URL (tests
// replace it).
var openPostgres = func(ctx context.Context, url string) (database, error) {
	st, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// storeAt says where a command's store is: the PostgreSQL database at
// database (a postgres:// URL) if it is set, else SQLite in dataDir.
type storeAt struct {
	dataDir  string
	database string
	flag     string // how errors name the database: --database, or HUDDLE_DATABASE
}

// shared reports whether the store is a database server's rather than a
// file in the data directory.
func (w storeAt) shared() bool { return w.database != "" }

// where is the store the global flags name.
func (g globalFlags) where() storeAt {
	flag := g.databaseFlag
	if flag == "" {
		flag = "--database"
	}
	return storeAt{dataDir: g.dataDir, database: strings.TrimSpace(g.database), flag: flag}
}

// openDatabase opens the store w names. A PostgreSQL store's schema is
// created or migrated as it opens. Errors are one line, name the flag
// and never show the URL's password.
func openDatabase(ctx context.Context, w storeAt) (database, error) {
	if !w.shared() {
		return openStore(w.dataDir)
	}
	u, err := postgresURL(w.database)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %s", session.ErrInvalid, w.flag, redactURL(w.database), err)
	}
	st, err := openPostgres(ctx, u)
	if err != nil {
		msg := scrubPassword(err.Error(), w.database)
		msg = strings.Join(strings.Fields(msg), " ") // one line
		return nil, fmt.Errorf("%s %s: cannot open the database: %s", w.flag, redactURL(w.database), msg)
	}
	return st, nil
}

// openLocked opens the store for a command that must not run beside a
// huddle serve on the same data directory (serve itself, and those that
// import, delete or rewrite records): with SQLite, this is where the
// data-directory lock is taken (lockDataDir(dataDir, what)). A shared
// database needs no such lock: its writes are checked by the database
// (sequence numbers, unique codes), and several nodes use it at once.
// The returned func closes the store and releases the lock.
func openLocked(ctx context.Context, w storeAt, what string) (database, func(), error) {
	release := func() {}
	if !w.shared() {
		r, err := lockDataDir(w.dataDir, what)
		if err != nil {
			return nil, nil, err
		}
		release = r
	}
	st, err := openDatabase(ctx, w)
	if err != nil {
		release()
		return nil, nil, err
	}
	return st, func() { st.Close(); release() }, nil
}

// postgresURL checks that s is a PostgreSQL URL and returns it, with a
// connect timeout if it has none, so that an unreachable database is an
// error rather than a hang. The error never contains s.
func postgresURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("not a URL; want one like postgres://user@host:5432/huddle")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", errors.New("want a postgres:// URL, like postgres://user@host:5432/huddle (without the flag, huddle keeps SQLite in the data directory)")
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return "", errors.New("no host; want one like postgres://user@host:5432/huddle")
	}
	if u.Port() != "" {
		if _, err := parsePort(u.Port()); err != nil {
			return "", err
		}
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "10")
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

func parsePort(p string) (int, error) {
	n := 0
	for _, r := range p {
		if r < '0' || r > '9' {
			return 0, errors.New("the port is not a number")
		}
		n = n*10 + int(r-'0')
		if n > 65535 {
			return 0, errors.New("the port is out of range")
		}
	}
	return n, nil
}

// userinfo is the user:password@ part of a URL, even one that does not
// parse.
var userinfo = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@`)

// redactURL is s with its password, if any, replaced by xxxxx, for
// messages and logs; it works on URLs that do not parse too.
func redactURL(s string) string {
	s = strings.TrimSpace(s)
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return userinfo.ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfo.FindStringSubmatch(m)
		user, _, hasPass := strings.Cut(sub[2], ":")
		if !hasPass {
			return m
		}
		return sub[1] + user + ":xxxxx@"
	})
}

// scrubPassword removes the password of the URL s from msg (a driver's
// error may quote the connection string).
func scrubPassword(msg, s string) string {
	pass := ""
	if u, err := url.Parse(strings.TrimSpace(s)); err == nil && u.User != nil {
		pass, _ = u.User.Password()
	} else if sub := userinfo.FindStringSubmatch(strings.TrimSpace(s)); sub != nil {
		_, pass, _ = strings.Cut(sub[2], ":")
	}
	if pass == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, s, redactURL(s))
	msg = strings.ReplaceAll(msg, pass, "xxxxx")
	if esc := url.QueryEscape(pass); esc != pass {
		msg = strings.ReplaceAll(msg, esc, "xxxxx")
	}
	return msg
}
