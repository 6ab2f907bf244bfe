package main

import (
	"os"
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
	n := int64(len(cfg.VPSSources()) + len(cfg.HostSources()))
	debug.SetMemoryLimit(memLimitBase + n*memLimitPerVPS)
}

// reportGC tunes the collector for billrun usage, from its start (the
// configuration is parsed under it too): a heap allowed to grow to three
// times its live size between collections instead of two (GOGC=200),
// unless the operator set GOGC. usage streams JSON and CSV, so its live
// heap stays small, and collections were a large share of its CPU time.
// Measured over 10,000 files, 5 runs each, when the YAML parse tree still
// set the peak: GOGC=100 0.82 s and 54 MiB peak RSS, 200 0.74 s and 55
// MiB, 400 0.71 s and 71 MiB. Again at c4ffc61 (alternating runs): 200
// 0.52 s and 29 MiB, 400 0.50 s and 38 MiB; at 1,000 files 58 and 56 ms,
// 23 and 26 MiB. 200 stays: 400's few percent cost memory that then grows
// with the fleet.
func reportGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

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
