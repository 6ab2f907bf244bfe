package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/internal/rrdcached/rrdcachedtest"
)

// fetch/info --daemon (and RRDCACHED_ADDRESS) flush the file through a
// real rrdcached first, so updates still queued there are printed; without
// it they are not (the daemon holds them for an hour).
func TestFetchInfoDaemonFlush(t *testing.T) {
	addr, base := rrdcachedtest.Start(t)
	file := filepath.Join(base, "vps.rrd")
	if out, err := exec.Command("rrdtool", "create", file, "--start", "1700000000", "--step", "60",
		"DS:v:GAUGE:120:U:U", "RRA:AVERAGE:0.5:1:100").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	rrdcachedtest.Update(t, addr, file, "1700000060:1", "1700000120:2", "1700000180:3")
	run := func(args ...string) string {
		var out, errb bytes.Buffer
		if code := execute(context.Background(), args, &out, &errb); code != 0 {
			t.Fatalf("billrun %v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	t.Setenv("RRDCACHED_ADDRESS", "")
	fetch := []string{"fetch", file, "AVERAGE", "-s", "1700000000", "-e", "1700000170"}
	if got := run(fetch...); strings.Contains(got, "2.6666666667e+00") {
		t.Fatalf("the update was on disk before any flush; the test is void:\n%s", got)
	}
	got := run(append(fetch, "--daemon", addr)...)
	want, err := exec.Command("rrdtool", append([]string{"fetch", "--daemon", addr}, fetch[1:]...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) || !strings.Contains(got, "2.6666666667e+00") {
		t.Fatalf("fetch --daemon:\n%s\nrrdtool fetch --daemon:\n%s", got, want)
	}
	// info through RRDCACHED_ADDRESS
	rrdcachedtest.Update(t, addr, file, "1700000240:4")
	t.Setenv("RRDCACHED_ADDRESS", addr)
	if info := run("info", file); !strings.Contains(info, "last_update = 1700000240") {
		t.Fatalf("info with RRDCACHED_ADDRESS did not flush:\n%s", info)
	}
}

// usage --config flushes every VPS of the fleet through rrdcached before
// reading, in batches on one connection, and the figures include the
// updates the daemon held.
func TestUsageDaemonFlushesFleet(t *testing.T) {
	addr, base := rrdcachedtest.Start(t)
	old := rrdcached.FlushBatch
	rrdcached.FlushBatch = 2 // five files: three batches
	t.Cleanup(func() { rrdcached.FlushBatch = old })
	cfg := "timezone: UTC\nrrd_dir: " + base + "\nmetrics:\n  - {name: vm, ds: [v], kind: gauge, unit: KB-minutes}\nvps:\n"
	for i := range 5 {
		name := fmt.Sprintf("vps%d", i)
		file := filepath.Join(base, name+".rrd")
		if out, err := exec.Command("rrdtool", "create", file, "--start", "1699999980", "--step", "60",
			"DS:v:GAUGE:120:U:U", "RRA:AVERAGE:0.5:1:100").CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		rrdcachedtest.Update(t, addr, file, "1700000040:1", fmt.Sprintf("1700000100:%d", i+1))
		cfg += "  - {name: " + name + "}\n"
	}
	cfgFile := filepath.Join(t.TempDir(), "billrun.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	usage := func(daemon string) string {
		var out, errb bytes.Buffer
		args := []string{"usage", "--config", cfgFile, "--start", "1699999980", "--end", "1700000100", "--format", "csv"}
		if daemon != "" {
			args = append(args, "--daemon", daemon)
		}
		if code := execute(context.Background(), args, &out, &errb); code != 0 {
			t.Fatalf("billrun %v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	t.Setenv("RRDCACHED_ADDRESS", "")
	if got := usage(""); !strings.Contains(got, ",0,") {
		t.Fatalf("the updates were on disk before any flush; the test is void:\n%s", got)
	}
	got := usage(addr)
	// each VPS: 1 for the first minute, i+1 for the second, in KB-minutes
	for i := range 5 {
		want := fmt.Sprintf("vps%d,", i)
		line := ""
		for _, l := range strings.Split(got, "\n") {
			if strings.HasPrefix(l, want) {
				line = l
			}
		}
		if !strings.Contains(line, fmt.Sprintf(",%d,1,", i+2)) {
			t.Errorf("vps%d after the flush: %q, want vm total %d with coverage 1\n%s", i, line, i+2, got)
		}
	}
}
