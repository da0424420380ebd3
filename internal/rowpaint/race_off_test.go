//go:build !race

package rowpaint

const raceOn = false
