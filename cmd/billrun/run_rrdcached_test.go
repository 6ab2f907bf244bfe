package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/rrdcached/rrdcachedtest"
	"github.com/billrun/billrun/rrdfetch"
)

// billrun run with `daemon:` in the config bills updates that are still
// queued in a real rrdcached, without a manual flush.
func TestRunFlushesThroughRRDcached(t *testing.T) {
	addr, base := rrdcachedtest.Start(t)
	file := filepath.Join(base, "v1.rrd")
	const start = 1790812800 // 2026-10-01T00:00:00Z
	if out, err := exec.Command("rrdtool", "create", file, "--start", fmt.Sprint(start), "--step", "60",
		"DS:vs_in:COUNTER:120:0:U", "DS:vs_out:COUNTER:120:0:U", "RRA:AVERAGE:0.5:1:50000").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	// 1000 B/s in for the first day, through the daemon (queued for an hour).
	var ups []string
	for i := int64(1); i <= 1440; i++ {
		ups = append(ups, fmt.Sprintf("%d:%d:%d", start+i*60, i*60000, 0))
	}
	for i := 0; i < len(ups); i += 30 {
		rrdcachedtest.Update(t, addr, file, ups[i:min(i+30, len(ups))]...)
	}
	if f, err := rrdfetch.Open(file); err != nil || f.Header().LastUpdate != start {
		t.Fatalf("the updates reached the file before billrun flushed them; the test is void (%v)", err)
	} else {
		f.Close()
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "billing.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`daemon: %s
rrd_dir: %s
out_dir: out
issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
metrics:
  - {name: in, ds: [vs_in], kind: counter, unit: bytes}
  - {name: out, ds: [vs_out], kind: counter, unit: bytes}
tax: {rate: "0"}
plans: [{id: p, monthly_fee: "1"}]
customers: [{id: A, country: DE, city: Berlin, name: A, currency: EUR, plan: p, vps: [{name: v1}]}]
`, addr, base)), 0o644)
	var out, errb bytes.Buffer
	if code := execute(context.Background(), []string{"run", "--config", cfg, "--period", "2026-10-01"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "2026-10-01", "usage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var u struct {
		VPS []struct {
			Metrics map[string]struct{ Total float64 } `json:"metrics"`
		} `json:"vps"`
	}
	json.Unmarshal(b, &u)
	// The first minute has no rate (no previous reading): 1439 minutes.
	if got, want := u.VPS[0].Metrics["in"].Total, 1000.0*60*1439; got != want {
		t.Fatalf("in total %v, want %v (the updates queued in rrdcached)", got, want)
	}
}

// A silent rrdcached (it accepts connections and never answers) ends a
// run in exit 1 naming it, within rrdcached_timeout and not once per file
// or per retry: as the daemon every file is flushed through, and as the
// daemon of six hosts whose files are read through it.
func TestRunSilentRRDcached(t *testing.T) {
	// a local daemon is a unix socket (absolute names); a host's, TCP
	sock := filepath.Join(t.TempDir(), "rrdcached.sock")
	_, tcp := silentDaemon(t, "unix", sock), silentDaemon(t, "tcp", "127.0.0.1:0")
	fx, err := filepath.Abs("../../report/testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, silent, config string }{
		{"flush", "unix:" + sock, "daemon: unix:" + sock},
		{"remote hosts", tcp, hostsOn(tcp, 6)},
	} {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "billing.yaml")
		os.WriteFile(cfg, []byte(fmt.Sprintf(`%s
rrdcached_timeout: 2s
rrd_dir: %s
out_dir: out
issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
tax: {rate: "0"}
plans: [{id: p, monthly_fee: "1"}]
customers: [{id: A, country: DE, city: Berlin, name: A, currency: EUR, plan: p, vps: [{name: v1, file: vps-full/file.rrd}]}]
`, c.config, fx)), 0o644)
		var out, errb bytes.Buffer
		start := time.Now()
		code := execute(context.Background(), []string{"run", "--config", cfg, "--period", "2026-10"}, &out, &errb)
		took := time.Since(start)
		if code != 1 || !strings.Contains(errb.String(), "rrdcached "+c.silent+" did not answer within rrdcached_timeout (2s)") {
			t.Errorf("%s: exit %d: %s", c.name, code, errb.String())
		}
		// six files waited for one by one, two at a time, would take 6 s
		if took < 2*time.Second || took > 4*time.Second {
			t.Errorf("%s: the run ended after %v, want rrdcached_timeout (2s) and little more", c.name, took)
		}
	}
}

// silentDaemon listens on network/address, accepts every connection and
// never answers; it returns the address it listens on.
func silentDaemon(t *testing.T, network, address string) string {
	ln, err := net.Listen(network, address)
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // open, never answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// hostsOn is the config's hosts list of n hosts whose files daemon serves.
func hostsOn(daemon string, n int) string {
	var hs []string
	for i := range n {
		hs = append(hs, fmt.Sprintf("{name: h%d, file: h%d.rrd, daemon: %q}", i, i, daemon))
	}
	return "hosts: [" + strings.Join(hs, ", ") + "]"
}
