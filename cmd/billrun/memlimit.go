package main

import (
	"os"
	"runtime/debug"

	"github.com/billrun/billrun/internal/config"
)

// setMemoryLimit gives a billing run (run, catch-up, daemon, demo) a soft
// memory limit of 64 MiB plus 12 KiB per VPS and host, unless the
// operator set GOMEMLIMIT. A run holds some 10 KiB per VPS (usage with
// daily series, invoices with their summaries and parties, the drafts'
// models) while the PDFs make short-lived garbage; under Go's default
// alone the heap grows to twice what is held (docs/performance.md). The
// limit grows with the fleet faster than what a run holds, so that the
// collector is never pressed against it without end.
func setMemoryLimit(cfg *config.Config) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(64<<20 + int64(cfg.NumVPS()+len(cfg.Hosts))*12<<10)
}
