package sshserver

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// officeSize is how many people join from one address in
// TestOfficeBehindOneAddressJoinsOneStandup: more than the cap of
// connections per address, few enough for two busy cores (each join
// redraws every screen of the room): 60, and 36 under -race.
func officeSize() int {
	if raceSlowdown > 1 {
		return 36
	}
	return 60
}

// TestOfficeBehindOneAddressJoinsOneStandup: an office behind one NAT
// address, each person with a key of their own, all join one stand-up
// and stay in it, though the address may hold only 8 connections that
// have not authenticated yet: once authenticated, a connection counts
// against its key, not its address. The connect rate is the default.
func TestOfficeBehindOneAddressJoinsOneStandup(t *testing.T) {
	const perAddress = 8
	ts := startServer(t, t.TempDir(), func(c *Config) {
		c.ConnectRate, c.ConnectBurst = 0, 0 // the defaults
		c.KeyConnectRate, c.KeyConnectBurst = 0, 0
		c.ConnsPerAddress = perAddress
	})
	code := ts.newStandupCode("--team office")
	officeSize := officeSize()
	office := sourceDialer(t, net.IPv4(127, 0, 0, 1), ts.addr)

	var (
		mu      sync.Mutex
		clients []*leanClient
		errs    []error
		wg      sync.WaitGroup
		sem     = make(chan struct{}, perAddress/2) // people typing ssh at once
	)
	defer func() {
		for _, c := range clients {
			_ = c.close()
		}
	}()
	for i := range officeSize {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			key := newTestKey(t)
			c, err := dialLeanVia(office, ts.addr, fmt.Sprintf("p%02d", i), key, "join "+code, 60, 16)
			for try := 0; try < 3 && isTimeout(err); try++ {
				// A server starved of CPU by the other tests (2
				// busy cores under -race) answered too late; a
				// person would try again. A refusal is not retried.
				c, err = dialLeanVia(office, ts.addr, fmt.Sprintf("p%02d", i), key, "join "+code, 60, 16)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			clients = append(clients, c)
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d from one address could not join; the first: %v", len(errs), officeSize, errs[0])
	}
	deadline := time.Now().Add(2 * testClientHangGuard)
	for {
		present := 0
		for _, p := range ts.state(code).Participants {
			if p.Present {
				present++
			}
		}
		pre, authed := ts.srv.listener.Load().counts()
		if present == officeSize {
			t.Logf("%d present; connections: %d unauthenticated, %d authenticated", present, pre, authed)
			if authed < officeSize {
				t.Errorf("%d authenticated connections for %d people", authed, officeSize)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d present in the stand-up", present, officeSize)
		}
		time.Sleep(testClientPoll)
	}
}

// TestUnauthenticatedFromOneAddressStillCapped: with people of the
// address in a session, connections from it that have not authenticated
// are still capped at ConnsPerAddress; one beyond is closed before any
// SSH work, and once the silent ones go, the address gets in again.
func TestUnauthenticatedFromOneAddressStillCapped(t *testing.T) {
	const perAddress = 3
	ts := startServer(t, t.TempDir(), func(c *Config) { c.ConnsPerAddress = perAddress })
	code := ts.newStandupCode("--team office")
	here := sourceDialer(t, net.IPv4(127, 0, 0, 1), ts.addr)
	for i := range perAddress + 2 { // more people in than the cap
		c, err := dialLeanVia(here, ts.addr, fmt.Sprintf("p%d", i), newTestKey(t), "join "+code, 80, 24)
		if err != nil {
			t.Fatalf("person %d: %v", i+1, err)
		}
		defer c.close()
	}
	var silent []net.Conn
	defer func() {
		for _, c := range silent {
			c.Close()
		}
	}()
	for range perAddress + 5 { // connections that never say a word
		c, err := here.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		silent = append(silent, c)
	}
	deadline := time.Now().Add(testClientHangGuard)
	for pre, _ := ts.srv.listener.Load().counts(); pre != perAddress; pre, _ = ts.srv.listener.Load().counts() {
		if pre > perAddress || time.Now().After(deadline) {
			t.Fatalf("%d unauthenticated connections from one address held, want %d", pre, perAddress)
		}
		time.Sleep(testClientPoll)
	}
	if ok, err := runHelp(here, ts.addr, newTestKey(t)); ok || err == nil || !strings.Contains(err.Error(), "handshake failed") {
		t.Fatalf("a connection beyond the cap of %d: served %v, %v; want closed before SSH", perAddress, ok, err)
	}
	for _, c := range silent {
		c.Close()
	}
	silent = nil
	for {
		ok, err := runHelp(here, ts.addr, newTestKey(t))
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection after the silent ones closed: %v", err)
		}
		time.Sleep(testClientPoll)
	}
}

// TestKeyThatFloodsIsRefused: after authentication the limits are per
// key. One key's new sessions beyond its rate are refused with a message
// while another key from the same address is served; and a key holding
// ConnsPerKey connections gets no other, while another key does.
func TestKeyThatFloodsIsRefused(t *testing.T) {
	const perSecond, burst, perKey = 1, 3, 2
	start := time.Now()
	ts := startServer(t, t.TempDir(), func(c *Config) {
		c.KeyConnectRate, c.KeyConnectBurst, c.ConnsPerKey = perSecond, burst, perKey
	})
	here := sourceDialer(t, net.IPv4(127, 0, 0, 1), ts.addr)
	flooder := newTestKey(t)
	served, refused := 0, 0
	for range 10 {
		ok, err := runHelp(here, ts.addr, flooder)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			served++
		} else {
			refused++
		}
	}
	bound := burst + int(perSecond*time.Since(start).Seconds()+1)
	if served > bound || refused == 0 {
		t.Errorf("one key: %d sessions served, %d refused; the rate allows %d", served, refused, bound)
	}
	if ok, err := runHelp(here, ts.addr, newTestKey(t)); !ok || err != nil {
		t.Fatalf("another key from the same address during the flood: served %v, %v", ok, err)
	}

	// Open connections per key: each holds a session channel.
	holder := newTestKey(t)
	hold := func(key gossh.Signer) (*gossh.Client, error) {
		c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{User: "holder", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: testClientHangGuard})
		if err != nil {
			return nil, err
		}
		if _, err := c.NewSession(); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
	for range perKey {
		c, err := hold(holder)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	if c, err := hold(holder); err == nil {
		c.Close()
		t.Fatalf("a key holding %d connections got another", perKey)
	} else if !strings.Contains(err.Error(), "too many connections") {
		t.Fatalf("refused with %v; want the key's limit named", err)
	}
	c, err := hold(newTestKey(t))
	if err != nil {
		t.Fatalf("another key while one holds %d connections: %v", perKey, err)
	}
	c.Close()
}

// TestAnonymousLoginsCountAgainstTheirAddress: logins without a key
// (--allow-anonymous) have no key to be counted against; they stay
// limited per address, while a key from the same address gets in.
func TestAnonymousLoginsCountAgainstTheirAddress(t *testing.T) {
	const perAddress = 2
	ts := startServer(t, t.TempDir(), func(c *Config) {
		c.AllowAnonymous, c.ConnsPerAddress = true, perAddress
	})
	hold := func(auth gossh.AuthMethod) (*gossh.Client, error) {
		c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{User: "guest", Auth: []gossh.AuthMethod{auth},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: testClientHangGuard})
		if err != nil {
			return nil, err
		}
		if _, err := c.NewSession(); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
	anonymous := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
	for range perAddress {
		c, err := hold(anonymous)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	if c, err := hold(anonymous); err == nil {
		c.Close()
		t.Fatalf("a login without a key beyond the %d of its address got in", perAddress)
	} else if !strings.Contains(err.Error(), "too many connections") {
		t.Fatalf("refused with %v; want the limit named", err)
	}
	c, err := hold(gossh.PublicKeys(newTestKey(t)))
	if err != nil {
		t.Fatalf("a key from the same address: %v", err)
	}
	c.Close()
}

// The default session limit is what half the memory holds at 1 MiB a
// participant, within bounds; a cgroup limit lowers it; without
// /proc/meminfo it is 200.
func TestDefaultMaxSessionsFollowsMemory(t *testing.T) {
	dir := t.TempDir()
	meminfo := filepath.Join(dir, "meminfo")
	cg := filepath.Join(dir, "memory.max")
	write := func(path, s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(meminfo, "MemTotal:       16384000 kB\nMemFree:         1000 kB\n")
	if got, want := sessionsFor(readMemory(meminfo, cg)), 16384000*1024/2/(1<<20); got != want {
		t.Errorf("16 GB: %d sessions, want %d", got, want)
	}
	write(cg, "max\n")
	if got, want := sessionsFor(readMemory(meminfo, cg)), 16384000*1024/2/(1<<20); got != want {
		t.Errorf("16 GB, no cgroup limit: %d sessions, want %d", got, want)
	}
	write(cg, fmt.Sprint(2<<30))
	if got := sessionsFor(readMemory(meminfo, cg)); got != 1024 {
		t.Errorf("a 2 GiB cgroup: %d sessions, want 1024", got)
	}
	write(cg, fmt.Sprint(64<<20))
	if got := sessionsFor(readMemory(meminfo, cg)); got != minSessions {
		t.Errorf("64 MiB: %d sessions, want the floor %d", got, minSessions)
	}
	if got := sessionsFor(readMemory(filepath.Join(dir, "none"), cg)); got != fallbackSessions {
		t.Errorf("no meminfo: %d sessions, want %d", got, fallbackSessions)
	}
	write(meminfo, "MemTotal: lots\n")
	if got := sessionsFor(readMemory(meminfo, cg)); got != fallbackSessions {
		t.Errorf("unreadable meminfo: %d sessions, want %d", got, fallbackSessions)
	}
	if got := sessionsFor(1 << 50); got != maxSessions {
		t.Errorf("a petabyte: %d sessions, want the ceiling %d", got, maxSessions)
	}
}

// isTimeout reports an error of a connection that was not answered in
// time (not one that was refused).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
