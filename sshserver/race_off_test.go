//go:build !race

package sshserver

// raceSlowdown divides the work of the heaviest tests under the race
// detector, which makes them several times slower.
const raceSlowdown = 1
