//go:build !race

package sshserver

// raceSlowdown is how much slower the race detector makes the server:
// the monkeys pace themselves by it, so that the server keeps up.
const raceSlowdown = 1
