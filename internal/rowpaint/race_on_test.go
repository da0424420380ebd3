//go:build race

package rowpaint

// raceOn: the differential test plays fewer sequences under -race.
const raceOn = true
