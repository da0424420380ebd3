package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"huddle/internal/pgtest"
	"huddle/session"
	"huddle/session/postgres"
	"huddle/session/storetest"
)

var t0 = storetest.T0

var bob = session.Person{ID: session.RosterID("Bob"), Name: "Bob"}

// note is an event that names what appended it.
func note(seq int64, text string) session.Event {
	return storetest.Ev(seq, t0.Add(time.Duration(seq)*time.Millisecond), bob.ID, &session.BlockerNoted{Speaker: bob, Text: text})
}

// submit appends one event with the text on top of whatever the log
// holds, as a node's room does: decide on the head it knows, append, and
// on a conflict catch up and decide again, under the session's lock after
// the first conflict. It returns how many conflicts it met.
func submit(ctx context.Context, st *postgres.Store, id, text string, head *int64) (int, error) {
	conflicts := 0
	var unlock func()
	defer func() {
		if unlock != nil {
			unlock()
		}
	}()
	for {
		err := st.Append(ctx, id, note(*head+1, text))
		if err == nil {
			*head++
			return conflicts, nil
		}
		if !errors.Is(err, session.ErrConflict) {
			return conflicts, err
		}
		conflicts++
		if unlock == nil {
			if unlock, err = st.LockSession(ctx, id); err != nil {
				return conflicts, err
			}
		}
		newer, err := st.EventsAfter(ctx, id, *head)
		if err != nil {
			return conflicts, err
		}
		if len(newer) > 0 {
			*head = newer[len(newer)-1].Seq
		}
	}
}

func TestTwoNodesRacingConflictingAppendsLoseAndDoubleNothing(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	nodes := []*postgres.Store{openURL(t, url), openURL(t, url)}
	storetest.MustCreate(t, nodes[0], "s1", "c1", "musicstore", session.Retro, t0)

	const perWorker, workersPerNode = 125, 4 // 1,000 commands in all
	var (
		wg        sync.WaitGroup
		conflicts atomic.Int64
		errs      = make(chan error, 2*workersPerNode)
	)
	for n, st := range nodes {
		for w := range workersPerNode {
			wg.Go(func() {
				head := int64(1)
				for i := range perWorker {
					c, err := submit(ctx, st, "s1", fmt.Sprintf("node%d/worker%d/%d", n, w, i), &head)
					conflicts.Add(int64(c))
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	events := storetest.MustEvents(t, nodes[1], "s1")
	seen := map[string]int{}
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
		if b, ok := e.Payload.(*session.BlockerNoted); ok {
			seen[b.Text]++
		}
	}
	for n := range nodes {
		for w := range workersPerNode {
			for i := range perWorker {
				if k := fmt.Sprintf("node%d/worker%d/%d", n, w, i); seen[k] != 1 {
					t.Errorf("%s is in the log %d times", k, seen[k])
				}
			}
		}
	}
	if want := 2*workersPerNode*perWorker + 1; len(events) != want {
		t.Errorf("%d events, want %d", len(events), want)
	}
	if conflicts.Load() == 0 {
		t.Error("no append met a conflict: the test raced nothing")
	}
	t.Logf("%d conflicts", conflicts.Load())
}

// nextHead waits for a Head from the doorbell that satisfies ok.
func nextHead(t *testing.T, bell <-chan session.Head, what string, ok func(session.Head) bool) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case h, open := <-bell:
			if !open {
				t.Fatalf("the doorbell closed while waiting for %s", what)
			}
			if ok(h) {
				return
			}
		case <-timeout:
			t.Fatalf("no %s within a minute", what)
		}
	}
}

func catchUp(h session.Head) bool { return h.ID == "" }

func ring(id string, seq int64) func(session.Head) bool {
	return func(h session.Head) bool { return h.ID == id && h.Seq == seq }
}

func TestWatchRingsForTheOtherNodesAppends(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	url := pgtest.Database(t)
	a, b := openURL(t, url), openURL(t, url)
	storetest.MustCreate(t, b, "s1", "c1", "musicstore", session.Standup, t0)
	bell, err := a.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the first catch-up", catchUp)
	if err := b.Append(ctx, "s1", note(2, "from b"), note(3, "from b too")); err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the ring of s1 at 3", ring("s1", 3))
	// A refused append rings nothing; the next accepted one does.
	if err := b.Append(ctx, "s1", note(3, "stale")); !errors.Is(err, session.ErrConflict) {
		t.Fatalf("stale append: %v", err)
	}
	if err := a.Append(ctx, "s1", note(4, "from a")); err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the ring of s1 at 4", func(h session.Head) bool {
		if h.ID == "s1" && h.Seq != 4 {
			t.Errorf("rang %+v", h)
		}
		return h.ID == "s1"
	})
	cancel()
	for range bell {
	}
}

// terminateListeners ends the doorbell's connections to the database.
func terminateListeners(t *testing.T, url string) int {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = $1 AND application_name = $2`, cfg.Database, postgres.ListenerName).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWatchReconnectsAfterItsConnectionIsTerminated(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := pgtest.Database(t)
	a, b := openURL(t, url), openURL(t, url)
	postgres.SetHeartbeat(a, 200*time.Millisecond, time.Second)
	storetest.MustCreate(t, b, "s1", "c1", "musicstore", session.Standup, t0)
	bell, err := a.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the first catch-up", catchUp)
	if n := terminateListeners(t, url); n != 1 {
		t.Fatalf("terminated %d listeners, want 1", n)
	}
	nextHead(t, bell, "the catch-up after the reconnection", catchUp)
	if err := b.Append(ctx, "s1", note(2, "after")); err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the ring of s1 at 2", ring("s1", 2))
}

func TestImmediateRestartLosesNothingAcknowledgedAndTheDoorbellCarriesOn(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts the cluster")
	}
	cluster := pgtest.Shared(t)
	url := cluster.Database(t)
	a, b := openURL(t, url), openURL(t, url)
	postgres.SetHeartbeat(a, 200*time.Millisecond, time.Second)
	storetest.MustCreate(t, b, "s1", "c1", "musicstore", session.Standup, t0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bell, err := a.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the first catch-up", catchUp)

	// A writer appends as fast as it can and remembers what was
	// acknowledged; an append that failed may or may not have
	// committed, so it reads the head and goes on from there.
	var (
		mu    sync.Mutex
		acked = map[int64]string{}
		stop  = make(chan struct{})
		done  = make(chan error, 1)
		count atomic.Int64
	)
	go func() {
		head := int64(1)
		deadline := time.Now().Add(2 * time.Minute)
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			text := fmt.Sprintf("write %d", i)
			err := b.Append(ctx, "s1", note(head+1, text))
			if err == nil {
				head++
				mu.Lock()
				acked[head] = text
				mu.Unlock()
				count.Add(1)
				continue
			}
			if time.Now().After(deadline) {
				done <- fmt.Errorf("no append for two minutes: %w", err)
				return
			}
			if info, err := b.Session(ctx, "s1"); err == nil {
				head = info.Events
			} else {
				time.Sleep(20 * time.Millisecond) // the server is coming back
			}
		}
	}()
	waitFor(t, "appends before the restart", func() bool { return count.Load() >= 20 })
	if err := cluster.Restart("immediate"); err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "the catch-up after the restart", catchUp)
	before := count.Load()
	waitFor(t, "appends after the restart", func() bool { return count.Load() >= before+20 })
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	events := storetest.MustEvents(t, a, "s1")
	mu.Lock()
	defer mu.Unlock()
	for seq, text := range acked {
		if seq > int64(len(events)) {
			t.Errorf("acknowledged event %d is lost", seq)
			continue
		}
		if got := events[seq-1].Payload.(*session.BlockerNoted).Text; got != text {
			t.Errorf("event %d is %q, acknowledged was %q", seq, got, text)
		}
	}
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
	}
	t.Logf("%d appends acknowledged, %d events", len(acked), len(events))
	// The doorbell rings again.
	last := int64(len(events))
	if err := b.Append(ctx, "s1", note(last+1, "the end")); err != nil {
		t.Fatal(err)
	}
	nextHead(t, bell, "a ring after the restart", ring("s1", last+1))
}

// waitFor polls a condition, never longer than a minute.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within a minute", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBeatReturnsADeadNodesHoldingsOnceToOneCaller(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	stores := []*postgres.Store{openURL(t, url), openURL(t, url)}
	const dead = 30 * time.Second
	h := func(s, k string) session.Holding { return session.Holding{Session: s, Key: k} }

	if orphans, err := stores[0].Beat(ctx, "a", t0, []session.Holding{h("s1", "k1"), h("s1", "k2"), h("s2", "k3"), h("s2", "k3")}, dead); err != nil || len(orphans) != 0 {
		t.Fatalf("a's beat: %v, %v", orphans, err)
	}
	// c is alive and holds k2 in s1 too (the person reconnected there);
	// it counts a node dead after two minutes.
	if orphans, err := stores[1].Beat(ctx, "c", t0.Add(50*time.Second), []session.Holding{h("s1", "k2")}, 2*time.Minute); err != nil || len(orphans) != 0 {
		t.Fatalf("c's beat: %v, %v", orphans, err)
	}
	// Eight nodes beat at once, a minute later: a is dead.
	var (
		mu   sync.Mutex
		got  []session.Holding
		wg   sync.WaitGroup
		errs = make(chan error, 8)
	)
	for i := range 8 {
		st := stores[i%2]
		wg.Go(func() {
			orphans, err := st.Beat(ctx, fmt.Sprintf("racer%d", i), t0.Add(time.Minute), nil, dead)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			got = append(got, orphans...)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(x, y session.Holding) int { return strings.Compare(x.Session+x.Key, y.Session+y.Key) })
	if want := []session.Holding{h("s1", "k1"), h("s2", "k3")}; !slices.Equal(got, want) {
		t.Fatalf("orphans %v, want %v", got, want)
	}
	// Once only.
	if orphans, err := stores[0].Beat(ctx, "racer0", t0.Add(2*time.Minute), nil, 2*time.Minute); err != nil || len(orphans) != 0 {
		t.Fatalf("a later beat: %v, %v", orphans, err)
	}
	// A node that was declared dead comes back by beating.
	if orphans, err := stores[0].Beat(ctx, "a", t0.Add(2*time.Minute), []session.Holding{h("s1", "k1")}, 2*time.Minute); err != nil || len(orphans) != 0 {
		t.Fatalf("a's return: %v, %v", orphans, err)
	}
	// c and the racers are now dead to a, which gets what c held.
	if orphans, err := stores[0].Beat(ctx, "a", t0.Add(3*time.Minute), []session.Holding{h("s1", "k1")}, dead); err != nil || !slices.Equal(orphans, []session.Holding{h("s1", "k2")}) {
		t.Fatalf("a's beat after c died: %v, %v", orphans, err)
	}
	if _, err := stores[0].Beat(ctx, "", t0, nil, dead); !errors.Is(err, session.ErrInvalid) {
		t.Errorf("a beat without a node: %v", err)
	}
}

func TestHostKeyRaceKeepsOneKey(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	stores := []*postgres.Store{openURL(t, url), openURL(t, url)}
	var (
		mu   sync.Mutex
		keys = map[string]int{}
		wg   sync.WaitGroup
	)
	for i := range 8 {
		wg.Go(func() {
			k, err := stores[i%2].HostKey(ctx, func() ([]byte, error) { return fmt.Appendf(nil, "key of %d", i), nil })
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			keys[string(k)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(keys) != 1 {
		t.Fatalf("keys %v, want one", keys)
	}
	again, err := stores[1].HostKey(ctx, func() ([]byte, error) { t.Error("generated a second key"); return nil, nil })
	if err != nil || keys[string(again)] == 0 {
		t.Errorf("the key read later: %q, %v", again, err)
	}
	if _, err := openURL(t, pgtest.Database(t)).HostKey(ctx, func() ([]byte, error) { return nil, errors.New("no entropy") }); err == nil || !strings.Contains(err.Error(), "no entropy") {
		t.Errorf("a failed generate: %v", err)
	}
}

func TestLockSessionExcludesOtherNodesUntilUnlockedOrCancelled(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	a, b := openURL(t, url), openURL(t, url)
	unlock, err := a.LockSession(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	// b waits; a short wait shows that it does not get the lock.
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	if _, err := b.LockSession(short, "s1"); err == nil {
		t.Fatal("b locked the session a holds")
	}
	cancel()
	// Another session's lock is free.
	other, err := b.LockSession(ctx, "s2")
	if err != nil {
		t.Fatal(err)
	}
	other()

	got := make(chan func(), 1)
	go func() {
		u, err := b.LockSession(ctx, "s1")
		if err != nil {
			t.Error(err)
			u = func() {}
		}
		got <- u
	}()
	unlock()
	unlock() // twice is harmless
	bUnlock := <-got

	// A lock also ends with its context.
	lctx, lcancel := context.WithCancel(ctx)
	go func() {
		u, err := a.LockSession(lctx, "s1") // waits for b
		if err == nil {
			_ = u // released by the cancel below
		}
	}()
	bUnlock()
	waitFor(t, "a's second lock", func() bool { return locked(t, url) == 1 })
	lcancel()
	waitFor(t, "the lock released with its context", func() bool { return locked(t, url) == 0 })
}

// locked counts the advisory locks held in the database.
func locked(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestJoinCodesAreUniqueAcrossNodes(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	stores := []*postgres.Store{openURL(t, url), openURL(t, url)}
	var (
		wg  sync.WaitGroup
		won atomic.Int64
	)
	for i := range 8 {
		wg.Go(func() {
			info, first := storetest.NewInfo(fmt.Sprintf("s%d", i), "SAME01", "musicstore", session.Standup, t0)
			err := stores[i%2].Create(ctx, info, first)
			switch {
			case err == nil:
				won.Add(1)
			case !errors.Is(err, session.ErrConflict):
				t.Errorf("create %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Errorf("%d sessions got the code", won.Load())
	}
}

func TestTeamRulesAreTheDatabases(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	team := session.Team{Name: "musicstore", Members: []string{"Ann", "Bob"}, Keys: map[string]string{"Ann": "SHA256:ann", "": "SHA256:ann"}}
	if err := st.PutTeam(ctx, team); err != nil {
		t.Fatalf("the opener's key may also be a member's: %v", err)
	}
	for name, keys := range map[string]map[string]string{
		"a key bound to two names":         {"Ann": "SHA256:ann", "Bob": "SHA256:ann"},
		"a name bound twice in other case": {"Ann": "SHA256:ann", "ann": "SHA256:other"},
	} {
		bad := team
		bad.Keys = keys
		if err := st.PutTeam(ctx, bad); !errors.Is(err, session.ErrConflict) {
			t.Errorf("%s: %v", name, err)
		}
	}
	got, err := st.Team(ctx, "musicstore")
	if err != nil {
		t.Fatal(err)
	}
	storetest.SameTeam(t, got, team)
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("nodes starting at once migrate once", func(t *testing.T) {
		url := pgtest.Database(t)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				st, err := postgres.Open(ctx, url)
				if err != nil {
					t.Error(err)
					return
				}
				st.Close()
			})
		}
		wg.Wait()
		if v := schemaVersion(t, url); v != postgres.SchemaVersion {
			t.Errorf("schema version %d, want %d", v, postgres.SchemaVersion)
		}
	})
	t.Run("newer schema is refused naming both versions", func(t *testing.T) {
		url := pgtest.Database(t)
		openURL(t, url)
		execSQL(t, url, `UPDATE schema_version SET version = 99`)
		st, err := postgres.Open(ctx, url)
		if err == nil {
			st.Close()
			t.Fatal("opened a database from the future")
		}
		storetest.WantErr(t, err, postgres.ErrNewerSchema)
		if msg := err.Error(); !strings.Contains(msg, "99") || !strings.Contains(msg, fmt.Sprintf("version %d", postgres.SchemaVersion)) {
			t.Errorf("error %q does not name both versions", msg)
		}
	})
	t.Run("empty or malformed URL is invalid", func(t *testing.T) {
		for _, url := range []string{"", "postgres://x:y@[::1"} {
			if _, err := postgres.Open(ctx, url); !errors.Is(err, session.ErrInvalid) {
				t.Errorf("Open(%q): %v", url, err)
			}
		}
	})
	t.Run("the password is not in messages", func(t *testing.T) {
		st := openURL(t, pgtest.Database(t))
		if p := st.Path(); strings.Contains(p, "secretpw") {
			t.Fatal(p)
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := postgres.Open(ctx, "postgres://huddle:secretpw@127.0.0.1:1/nope?sslmode=disable&connect_timeout=2")
		if err == nil || strings.Contains(err.Error(), "secretpw") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("secrets of ended sessions are deleted on open", func(t *testing.T) {
		url := pgtest.Database(t)
		st := openURL(t, url)
		storetest.MustCreate(t, st, "s1", "c1", "t", session.Retro, t0)
		storetest.MustCreate(t, st, "s2", "c2", "t", session.Retro, t0)
		for _, id := range []string{"s1", "s2"} {
			if _, err := st.Secret(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Append(ctx, "s1", storetest.Ev(2, t0, bob.ID, &session.Ended{})); err != nil {
			t.Fatal(err)
		}
		openURL(t, url)
		if n := count(t, url, `SELECT count(*) FROM secrets`); n != 1 {
			t.Errorf("%d secrets left, want the unfinished session's", n)
		}
	})
}

func TestForgetSecretVacuumsTheTable(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	st := openURL(t, url)
	storetest.MustCreate(t, st, "s1", "c1", "t", session.Retro, t0)
	if _, err := st.Secret(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, url, `SELECT pg_relation_size('secrets')`); n == 0 {
		t.Fatal("the secrets table is empty before: the check below would prove nothing")
	}
	if err := st.ForgetSecret(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	// The vacuum found the only page empty and cut it off the file.
	if n := count(t, url, `SELECT pg_relation_size('secrets')`); n != 0 {
		t.Errorf("the secrets table has %d bytes after the forget", n)
	}
}

func execSQL(t *testing.T, url, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, url, sql string) int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func schemaVersion(t *testing.T, url string) int {
	return int(count(t, url, `SELECT version FROM schema_version`))
}
