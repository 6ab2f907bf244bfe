package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billrun/billrun/rrdcached/rrdcachedtest"
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
