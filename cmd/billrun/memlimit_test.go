package main

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/billrun/billrun/config"
)

// The soft memory limit grows with the fleet, and GOMEMLIMIT overrides it.
func TestSetMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	cfg, err := config.Parse([]byte("hosts: [{name: h1, file: h1.rrd}]\nvps: [{name: a}, {name: b}, {name: c}]\n"), ".")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	setMemoryLimit(cfg)
	if got, want := debug.SetMemoryLimit(-1), int64(128<<20+4*10<<10); got != want {
		t.Errorf("limit for 3 VPS and 1 host = %d, want %d", got, want)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(math.MaxInt64)
	setMemoryLimit(cfg)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set, yet billrun changed the limit to %d", got)
	}
}

// usage collects less often unless GOGC says otherwise (often while it
// parses a large configuration), under a soft limit unless GOMEMLIMIT
// says otherwise.
func TestReportGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	reportGC(largeConfig - 1)()
	if got := debug.SetGCPercent(100); got != 200 {
		t.Errorf("GOGC unset, small config: GC percent %d, want 200", got)
	}
	after := reportGC(largeConfig)
	if got := debug.SetGCPercent(configGCPercent); got != configGCPercent {
		t.Errorf("GOGC unset, parsing a large config: GC percent %d, want %d", got, configGCPercent)
	}
	after()
	if got := debug.SetGCPercent(100); got != 200 {
		t.Errorf("GOGC unset, after a large config: GC percent %d, want 200", got)
	}
	reportLimit(1000, true)
	if got, want := debug.SetMemoryLimit(-1), int64(128<<20+1000*10<<10); got != want {
		t.Errorf("limit for 1,000 files held = %d, want %d", got, want)
	}
	reportLimit(1000, false)
	if got, want := debug.SetMemoryLimit(-1), int64(128<<20); got != want {
		t.Errorf("limit for 1,000 files streamed = %d, want %d", got, want)
	}
	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(math.MaxInt64)
	reportGC(largeConfig)()
	reportLimit(1000, false)
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GOGC set, yet billrun changed the GC percent to %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set, yet billrun changed the limit to %d", got)
	}
}
