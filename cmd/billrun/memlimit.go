package main

import (
	"os"
	"runtime/debug"

	"github.com/billrun/billrun/internal/config"
)

// setMemoryLimit gives a billing run (run, catch-up, daemon, demo) a soft
// memory limit of 128 MiB plus 18 KiB per VPS and host, unless the
// operator set GOMEMLIMIT. PDF rendering makes some 19 MB of short-lived
// garbage per invoice, which under Go's default alone takes a run over
// 10,000 VPS past 400 MiB; under the limit it stays near it
// (docs/performance.md). The limit grows with the fleet so that what a run
// holds (some 13 KiB per VPS: usage, invoices with their summaries and
// parties, the drafts' data) is never pressed against it, where the
// collector would run without end.
func setMemoryLimit(cfg *config.Config) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(128<<20 + int64(cfg.NumVPS()+len(cfg.Hosts))*18<<10)
}
