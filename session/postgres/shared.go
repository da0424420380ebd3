package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"huddle/session"
)

// Watch returns the doorbell: a Head for every notification of an append,
// from this node or any other. It listens on a connection of its own,
// which it pings when it has been quiet for the heartbeat and replaces
// when a ping gets no answer in time or the connection fails; after every
// (re)connection, the first one included, it sends Head{} (an empty ID),
// as rings may have been missed meanwhile. When the receiver falls behind
// it drops rings and sends Head{} once it can. The channel is closed when
// ctx ends.
func (s *Store) Watch(ctx context.Context) (<-chan session.Head, error) {
	conn, err := s.listen(ctx)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	out := make(chan session.Head, 256)
	go s.watch(ctx, conn, out)
	return out, nil
}

// listenerName is the application_name of the doorbell's connection.
const listenerName = "huddle doorbell"

// listen opens the listening connection.
func (s *Store) listen(ctx context.Context) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, s.pingTimeout+5*time.Second)
	defer cancel()
	cfg := s.cfg.ConnConfig.Copy()
	// Named, so that an operator can tell it in pg_stat_activity.
	cfg.RuntimeParams["application_name"] = listenerName
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(cctx, `LISTEN `+channel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

func (s *Store) watch(ctx context.Context, conn *pgx.Conn, out chan<- session.Head) {
	defer close(out)
	missed := true // the first Head{}: whatever happened before Watch
	send := func(h session.Head) {
		select {
		case out <- h:
		default:
			missed = true
		}
	}
	backoff := 50 * time.Millisecond
	for {
		if conn == nil {
			c, err := s.listen(ctx)
			if err != nil {
				select {
				case <-ctx.Done():
					return
				case <-time.After(backoff):
				}
				backoff = min(2*backoff, 2*time.Second)
				continue
			}
			conn, backoff, missed = c, 50*time.Millisecond, true
		}
		if missed {
			select {
			case out <- session.Head{}:
				missed = false
			default:
			}
		}
		wctx, cancel := context.WithTimeout(ctx, s.heartbeat)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if h, ok := parseHead(n.Payload); ok {
				send(h)
			} else {
				missed = true
			}
			continue
		case ctx.Err() != nil:
			conn.Close(context.Background())
			return
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// Quiet for a heartbeat: make sure the server still answers.
			pctx, cancel := context.WithTimeout(ctx, s.pingTimeout)
			err = conn.Ping(pctx)
			cancel()
			if err == nil {
				continue
			}
			if ctx.Err() != nil {
				conn.Close(context.Background())
				return
			}
		}
		// The connection failed or stopped answering: replace it.
		conn.Close(context.Background())
		conn = nil
	}
}

// parseHead reads a notification's payload, "<id> <head>".
func parseHead(payload string) (session.Head, bool) {
	i := strings.LastIndexByte(payload, ' ')
	if i <= 0 {
		return session.Head{}, false
	}
	seq, err := strconv.ParseInt(payload[i+1:], 10, 64)
	if err != nil {
		return session.Head{}, false
	}
	return session.Head{ID: payload[:i], Seq: seq}, true
}

// LockSession holds the session's lock, an advisory lock of the database
// that every node sharing it respects, until unlock is called or ctx
// ends. The lock lives on a connection of a pool of its own (see
// maxLockers) for as long as it is held; if that connection breaks, the database releases the lock
// (the append guard, not the lock, keeps the log right).
func (s *Store) LockSession(ctx context.Context, id string) (func(), error) {
	c, err := s.locks.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock session %q: %w", id, err)
	}
	obj := sessionLockID(id)
	if _, err := c.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, lockSessions, obj); err != nil {
		// A cancelled wait may leave the connection in doubt.
		c.Conn().Close(context.Background())
		c.Release()
		return nil, fmt.Errorf("lock session %q: %w", id, err)
	}
	done := make(chan struct{})
	released := make(chan struct{})
	go func() {
		defer close(released)
		select {
		case <-done:
		case <-ctx.Done():
		}
		uctx, cancel := context.WithTimeout(context.Background(), s.pingTimeout)
		defer cancel()
		var ok bool
		if err := c.QueryRow(uctx, `SELECT pg_advisory_unlock($1, $2)`, lockSessions, obj).Scan(&ok); err != nil || !ok {
			// Closing the connection releases every lock it held.
			c.Conn().Close(context.Background())
		}
		c.Release()
	}()
	var once bool
	return func() {
		if once {
			return
		}
		once = true
		close(done)
		<-released
	}, nil
}

// sessionLockID maps a session id onto the object of its advisory lock.
// Two sessions may share one, which only makes one wait for the other.
func sessionLockID(id string) int32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int32(h.Sum32())
}

// Beat records at now that node is alive and holds exactly these
// connections, and returns the holdings of nodes whose last beat is
// older than now-dead, less the keys that a live node holds in the same
// session; those nodes and their holdings are deleted in the same
// transaction. A dead node's row is locked while one caller deletes it,
// and a caller skips rows another one holds locked, so each orphan is
// returned once, to one caller. The nodes' clocks should agree within a
// small part of dead.
func (s *Store) Beat(ctx context.Context, node string, now time.Time, holds []session.Holding, dead time.Duration) ([]session.Holding, error) {
	if node == "" {
		return nil, fmt.Errorf("beat: %w: empty node", session.ErrInvalid)
	}
	sessions, keys := make([]string, len(holds)), make([]string, len(holds))
	for i, h := range holds {
		sessions[i], keys[i] = h.Session, h.Key
	}
	var orphans []session.Holding
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		orphans = nil
		if _, err := tx.Exec(ctx, `INSERT INTO nodes (node, beat) VALUES ($1, $2) ON CONFLICT (node) DO UPDATE SET beat = excluded.beat`,
			node, now.UnixNano()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM holdings WHERE node = $1`, node); err != nil {
			return err
		}
		if len(holds) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO holdings (node, session_id, key)
				SELECT DISTINCT $1, h.s, h.k FROM unnest($2::text[], $3::text[]) AS h (s, k)`, node, sessions, keys); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `
WITH dead AS (
	DELETE FROM nodes WHERE node IN (
		SELECT node FROM nodes WHERE node <> $1 AND beat < $2 FOR UPDATE SKIP LOCKED
	) RETURNING node
), gone AS (
	DELETE FROM holdings h USING dead WHERE h.node = dead.node RETURNING h.session_id, h.key
)
SELECT DISTINCT g.session_id, g.key FROM gone g
WHERE NOT EXISTS (
	SELECT 1 FROM holdings l
	WHERE l.session_id = g.session_id AND l.key = g.key AND l.node NOT IN (SELECT node FROM dead)
)
ORDER BY 1, 2`, node, now.Add(-dead).UnixNano())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h session.Holding
			if err := rows.Scan(&h.Session, &h.Key); err != nil {
				return err
			}
			orphans = append(orphans, h)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("beat: %w", err)
	}
	return orphans, nil
}

// HostKey returns the stored SSH host key; the first time it stores what
// generate returns. When two nodes race, the first key stored wins and
// both return it.
func (s *Store) HostKey(ctx context.Context, generate func() ([]byte, error)) ([]byte, error) {
	var pem []byte
	err := s.pool.QueryRow(ctx, `SELECT pem FROM host_key`).Scan(&pem)
	if err == nil {
		return pem, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("host key: %w", err)
	}
	fresh, err := generate()
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if len(fresh) == 0 {
		return nil, fmt.Errorf("host key: %w: an empty key", session.ErrInvalid)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO host_key (pem) VALUES ($1) ON CONFLICT DO NOTHING`, fresh); err != nil {
		return nil, fmt.Errorf("host key: %w", mapErr(err))
	}
	if err := s.pool.QueryRow(ctx, `SELECT pem FROM host_key`).Scan(&pem); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	return pem, nil
}
