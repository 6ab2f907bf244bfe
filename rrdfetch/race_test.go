//go:build race

package rrdfetch

// raceEnabled says whether the tests run under the race detector, which
// makes sync.Pool drop a quarter of the items put back, at random.
const raceEnabled = true
