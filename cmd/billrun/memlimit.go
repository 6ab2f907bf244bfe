package main

import (
	"os"
	"runtime/debug"

	"github.com/billrun/billrun/internal/config"
)

// setMemoryLimit gives a billing run (run, catch-up, daemon, demo) a soft
// memory limit of 128 MiB plus 10 KiB per VPS and host, unless the
// operator set GOMEMLIMIT. PDF rendering makes some 19 MB of short-lived
// garbage per invoice, which under Go's default alone takes a run over
// 10,000 VPS to 365 MiB; with the limit it peaks at 240 MiB in the same
// time (docs/performance.md). The limit grows with the fleet so that the
// results a run holds (some 10 KiB per VPS) are never pressed against it.
func setMemoryLimit(cfg *config.Config) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(128<<20 + int64(cfg.NumVPS()+len(cfg.Hosts))*10<<10)
}
