package main

import (
	"os"
	"runtime"
	"runtime/debug"

	"github.com/billrun/billrun/config"
)

// Sizing of the soft memory limit of a billing run (see setMemoryLimit).
const (
	memLimitBase   = 128 << 20 // headroom for rendering: fpdf makes ~19 MB of garbage per invoice
	memLimitPerVPS = 10 << 10  // results held per VPS (usage, daily series, invoice lines): 8-13 KB measured
)

// setMemoryLimit gives the Go runtime a soft memory limit sized to the
// fleet, unless the operator set GOMEMLIMIT. Without one the heap of a run
// grows to twice its live size before each collection, and PDF rendering
// makes so much short-lived garbage that a run over 10,000 VPS peaked at
// 350 MB RSS with ~130 MB live; with the limit it stays under 300 MB at no
// measured cost in time. The limit grows with the fleet so that a larger
// one never has its live results pressed against it (the runtime would
// then spend up to half the CPU collecting).
func setMemoryLimit(cfg *config.Config) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	n := int64(cfg.NumVPS() + len(cfg.Hosts))
	debug.SetMemoryLimit(memLimitBase + n*memLimitPerVPS)
}

// reportGC tunes the collector for billrun usage, unless the operator set
// GOGC. Its reports stream, so the live heap stays small, and collections
// had been a large share of its CPU time: the heap may grow to three times
// its live size between collections (GOGC=200). Measured over 10,000
// files, 5 runs each, when the YAML parse tree still set the peak: GOGC=100
// 0.82 s and 54 MiB peak RSS, 200 0.74 s and 55 MiB, 400 0.71 s and 71
// MiB. Again at c4ffc61 (alternating runs): 200 0.52 s and 29 MiB, 400
// 0.50 s and 38 MiB; at 1,000 files 58 and 56 ms, 23 and 26 MiB. 200
// stays: 400's few percent cost memory that then grows with the fleet.
//
// A large configuration (configBytes, the file's size, from
// largeConfig up) is read under GOGC=25, and the function reportGC
// returns, called once the configuration has been dropped, collects once
// and sets 200. Reading it (config.LoadSources) decodes its lists a piece
// at a time into records it drops as soon as their sources are in the
// list: several bytes of short-lived garbage per byte of YAML, which
// under 200 would take the heap to 8 MB before the first file. Peak RSS
// with 200 throughout: 22 MiB at 10,000 VPS and 28.5 MiB at 50,000,
// against 19.2 and 26.4 MiB (3 runs each, at 2fc7c30). A small
// configuration is left alone: its garbage stays under the 4 MB heap the
// runtime starts with, and the collections (two under GOGC=25 and the
// forced one) cost 4 ms at 1,000 VPS (47 -> 51 ms, when Load still read
// it).
func reportGC(configBytes int64) (afterConfig func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	if configBytes < largeConfig {
		debug.SetGCPercent(200)
		return func() {}
	}
	debug.SetGCPercent(configGCPercent)
	return func() {
		debug.SetGCPercent(200)
		runtime.GC()
	}
}

// largeConfig is the configuration size from which usage collects while
// reading it: 512 KiB, about 5,000 VPS as billrun demo writes them, whose
// garbage reaches the runtime's initial 4 MB heap goal.
const largeConfig = 512 << 10

// configGCPercent is GOGC while usage parses a large configuration.
const configGCPercent = 25

// reportLimit gives usage a soft memory limit unless GOMEMLIMIT is set:
// 128 MiB when streaming, and sized as setMemoryLimit sizes it for n
// files when held is true (the table, which keeps every result).
func reportLimit(n int, held bool) {
	if os.Getenv("GOMEMLIMIT") == "" {
		limit := int64(memLimitBase)
		if held {
			limit += int64(n) * memLimitPerVPS
		}
		debug.SetMemoryLimit(limit)
	}
}
