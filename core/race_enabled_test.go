//go:build race

package core_test

// raceEnabled says the race detector is on: sync.Pool then drops items at
// random, so allocation counts are not deterministic.
const raceEnabled = true
