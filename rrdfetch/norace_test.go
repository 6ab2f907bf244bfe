//go:build !race

package rrdfetch

const raceEnabled = false
