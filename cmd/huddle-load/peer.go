package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"huddle/internal/procstat"
)

// The peer: a chat server over SSH (shazow's ssh-chat), measured with the
// same clients, screens and clock as huddle, so that the two figures of
// one run compare like with like. Its one room is every participant;
// a member "parks" by typing a line with the marker and Enter, and the
// clock stops for each other member when the line is on their screen.
// The peer is a binary given on the command line, never a dependency.

// runPeer starts the chat server at cfg.peer on a free loopback port and
// runs the rounds against it.
func runPeer(ctx context.Context, cfg config) (*report, error) {
	rep := &report{}
	start := time.Now()
	defer func() { rep.elapsed = time.Since(start) }()
	srv, err := spawnPeer(cfg.peer)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	cfg.addr, cfg.addrs, cfg.pids = srv.addr, []string{srv.addr}, []int{srv.cmd.Process.Pid}
	t := cfg.timeout
	time.Sleep(200 * time.Millisecond) // let the server settle before the baseline
	rep.rssBase, _ = rss(cfg.pids)

	r := &room{}
	var all []*participant
	defer func() {
		for _, p := range all {
			p.close()
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	joinStart := time.Now()
	for i := 0; i < cfg.n && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			began := time.Now()
			name := fmt.Sprintf("p%04d", i)
			p, err := join(cfg.addr, source(cfg.addr, i, cfg.perSource), name, r, [2]int{cfg.width, cfg.height}, t)
			if err != nil {
				rep.fail("connect", err)
				return
			}
			mu.Lock()
			all = append(all, p)
			mu.Unlock()
			// The chat announces everyone who comes in, them too.
			if err := p.waitFor(name+" joined", t); err != nil {
				rep.fail("join", err)
				return
			}
			p.member.Store(true)
			mu.Lock()
			r.members = append(r.members, p)
			rep.connects = append(rep.connects, time.Since(began))
			rep.connected++
			mu.Unlock()
		}()
	}
	wg.Wait()
	rep.connectWall = time.Since(joinStart)
	rep.rssJoined, _ = rss(cfg.pids)
	// Every arrival was announced to everyone: let those N² lines reach
	// the screens before the clock runs, as huddle's rounds start only
	// once each session has started.
	time.Sleep(2 * time.Second)

	cpuServer0, cpuLoad0, roundsStart := cpuTime(cfg.pids), procstat.OwnCPU(), time.Now()
	r.rounds(ctx, cfg, rep)
	rep.roundsWall = time.Since(roundsStart)
	rep.serverCPU, rep.loadCPU = cpuTime(cfg.pids)-cpuServer0, procstat.OwnCPU()-cpuLoad0
	rep.rssEnd, rep.hwm = rss(cfg.pids)
	return rep, ctx.Err()
}

// spawnPeer starts the chat server with a fresh host key in a temporary
// directory.
func spawnPeer(bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "huddle-load-peer-")
	if err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return nil, err
	}
	keyFile := filepath.Join(dir, "host_key")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	return startServer(dir, "peer.log", func(addr string) *exec.Cmd {
		return exec.Command(bin, "--bind", addr, "-i", keyFile)
	})
}
