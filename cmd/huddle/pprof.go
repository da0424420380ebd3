//go:build pprof

package main

// Built with -tags pprof, huddle serves Go's profiles on the address in
// HUDDLE_PPROF (default 127.0.0.1:6060), for measuring it under load:
//
//	go build -tags pprof -o huddle ./cmd/huddle
//	go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=10

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	addr := os.Getenv("HUDDLE_PPROF")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	go func() { _ = http.ListenAndServe(addr, nil) }()
}
