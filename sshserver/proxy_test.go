package sshserver

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	proxyproto "github.com/pires/go-proxyproto"
	gossh "golang.org/x/crypto/ssh"
)

// waitProxyLog waits until the log has a line containing all of want.
func waitProxyLog(t *testing.T, logs *syncBuffer, want ...string) {
	t.Helper()
	deadline := time.Now().Add(testClientHangGuard)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(logs.String(), "\n") {
			all := true
			for _, w := range want {
				all = all && strings.Contains(line, w)
			}
			if all {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no log line with %q in:\n%s", want, logs.String())
}

// proxyDial connects to addr, sends header (a PROXY header, or nothing)
// and then speaks SSH with key, running command once; it returns the
// SSH handshake's error.
func proxyDial(t *testing.T, addr string, header []byte, key gossh.Signer, command string) error {
	t.Helper()
	tcp, err := net.DialTimeout("tcp", addr, testClientHangGuard)
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	if len(header) > 0 {
		if _, err := tcp.Write(header); err != nil {
			t.Fatal(err)
		}
	}
	sc, chans, reqs, err := gossh.NewClientConn(tcp, addr, &gossh.ClientConfig{
		User: "ana", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: testClientHangGuard,
	})
	if err != nil {
		return err
	}
	client := gossh.NewClient(sc, chans, reqs)
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	_, _ = sess.CombinedOutput(command)
	return nil
}

func proxyV1(src string, port int) []byte {
	return fmt.Appendf(nil, "PROXY TCP4 %s 192.0.2.1 %d 2222\r\n", src, port)
}

func proxyV2(t *testing.T, src string, port int) []byte {
	t.Helper()
	h := &proxyproto.Header{Version: 2, Command: proxyproto.PROXY, TransportProtocol: proxyproto.TCPv4,
		SourceAddr:      &net.TCPAddr{IP: net.ParseIP(src), Port: port},
		DestinationAddr: &net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 2222}}
	b, err := h.Format()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Behind a load balancer, the log and the per-address limits see the
// address of the PROXY header (v1 and v2), not the balancer's; a
// connection without a header is refused.
func TestProxyProtocolGivesTheClientsAddress(t *testing.T) {
	logs := &syncBuffer{}
	ts := startServer(t, t.TempDir(), func(c *Config) {
		c.ProxyProtocol = true
		c.Logger = log.New(logs)
		c.ConnsPerAddress = 1
	})
	key := newTestKey(t)

	if err := proxyDial(t, ts.addr, proxyV1("203.0.113.7", 51000), key, "frobnicate"); err != nil {
		t.Fatalf("v1: %v", err)
	}
	waitProxyLog(t, logs, "connect", "remote=203.0.113.7:51000")
	if err := proxyDial(t, ts.addr, proxyV2(t, "198.51.100.9", 52000), key, "frobnicate"); err != nil {
		t.Fatalf("v2: %v", err)
	}
	waitProxyLog(t, logs, "connect", "remote=198.51.100.9:52000")

	t.Run("without a header the connection is refused", func(t *testing.T) {
		if err := proxyDial(t, ts.addr, nil, key, "frobnicate"); err == nil {
			t.Fatal("an SSH client without a PROXY header got in")
		}
	})
	t.Run("limits count the header's address", func(t *testing.T) {
		// One unauthenticated connection from 203.0.113.7 is its limit
		// (PreAuthPerAddress 1): a second from there is closed, while
		// another address, through the same balancer, still gets in.
		held, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		if _, err := held.Write(proxyV1("203.0.113.7", 51001)); err != nil {
			t.Fatal(err)
		}
		// The held connection's header is read and it counts once the
		// server sent its SSH version line.
		if _, err := held.Read(make([]byte, 4)); err != nil {
			t.Fatal(err)
		}
		if err := proxyDial(t, ts.addr, proxyV1("203.0.113.7", 51002), key, "frobnicate"); err == nil {
			t.Fatal("a second connection from the held address got in")
		}
		if err := proxyDial(t, ts.addr, proxyV1("203.0.113.8", 51003), key, "frobnicate"); err != nil {
			t.Fatalf("another address was refused: %v", err)
		}
		waitProxyLog(t, logs, "connect", "remote=203.0.113.8:51003")
	})
}

// Without ProxyProtocol, a PROXY header never gives a client an
// address: a v1 header is a line before the SSH version, which SSH skips
// (RFC 4253; the address stays the connection's), and a v2 header is
// garbage that fails the handshake.
func TestProxyHeaderIsNotTakenWithoutProxyProtocol(t *testing.T) {
	logs := &syncBuffer{}
	ts := startServer(t, t.TempDir(), func(c *Config) { c.Logger = log.New(logs) })
	key := newTestKey(t)
	if err := proxyDial(t, ts.addr, proxyV1("203.0.113.7", 51000), key, "frobnicate"); err != nil {
		t.Fatalf("v1: %v", err)
	}
	waitProxyLog(t, logs, "connect", "remote=127.0.0.1:")
	if strings.Contains(logs.String(), "203.0.113.7") {
		t.Fatalf("the header's address was taken:\n%s", logs.String())
	}
	if err := proxyDial(t, ts.addr, proxyV2(t, "198.51.100.9", 52000), key, "frobnicate"); err == nil {
		t.Fatal("a v2 PROXY header was taken without ProxyProtocol")
	}
}
