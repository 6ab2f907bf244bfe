package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// trialVPS is one VPS of the trial fleet: its host, when its file begins,
// the minutes it reported nothing, and when its counters restarted.
type trialVPS struct {
	name, host string
	born       time.Time
	silent     [][2]time.Time
	reset      time.Time
}

// The trial's fleet, as issue 27's trial had it: data from 21 October to
// 4 December (UTC); host-a down for two hours on 10 November (its VPS
// silent too); host-b's uptime collector silent on 14 November while its
// VPS reported; v2 without monitoring on 20 November; v3 rebooted on 25
// November (its counters restart); v8 created on 16 November.
var (
	trialStart = time.Date(2026, 10, 21, 0, 0, 0, 0, time.UTC)
	trialEnd   = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	outage     = [2]time.Time{time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)}
	collector  = [2]time.Time{time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)}
	trialFleet = []trialVPS{
		{name: "v1", host: "host-a", silent: [][2]time.Time{outage}},
		{name: "v2", host: "host-a", silent: [][2]time.Time{outage, {time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)}}},
		{name: "v3", host: "host-a", silent: [][2]time.Time{outage}, reset: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)},
		{name: "v4", host: "host-a", silent: [][2]time.Time{outage}},
		{name: "v5", host: "host-b"}, {name: "v6", host: "host-b"}, {name: "v7", host: "host-b"},
		{name: "v8", host: "host-b", born: time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)},
		{name: "g1"}, // a gone customer's VPS
	}
)

// cmdTrialFleet: trialfleet DIR has rrdtool write the trial's fleet into
// DIR: host-a.rrd, host-b.rrd (admin_uptime) and one seed-schema file per
// VPS (step 60; AVERAGE 1×14400, 10×13392, 43200×120).
func cmdTrialFleet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: trialfleet DIR")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	var b strings.Builder
	const rras = "RRA:AVERAGE:0.5:1:14400 RRA:AVERAGE:0.5:10:13392 RRA:AVERAGE:0.5:43200:120"
	for _, h := range []string{"host-a", "host-b"} {
		file := filepath.Join(dir, h+".rrd")
		fmt.Fprintf(&b, "create %s --start %d --step 60 DS:admin_uptime:GAUGE:120:0:100 %s\n", file, trialStart.Unix(), rras)
		updates(&b, file, trialStart, func(t time.Time) string {
			switch {
			case h == "host-a" && in(t, outage):
				return "0"
			case h == "host-b" && in(t, collector):
				return ""
			}
			return "100"
		})
	}
	for _, v := range trialFleet {
		file := filepath.Join(dir, v.name+".rrd")
		born := trialStart
		if !v.born.IsZero() {
			born = v.born
		}
		fmt.Fprintf(&b, "create %s --start %d --step 60 DS:vs_uticks:COUNTER:120:0:U DS:vs_sticks:COUNTER:120:0:U "+
			"DS:vs_in:COUNTER:120:0:U DS:vs_out:COUNTER:120:0:U DS:vs_vm:GAUGE:120:0:U DS:vs_rss:GAUGE:120:0:U DS:vs_disk_b_used:GAUGE:120:0:U %s\n",
			file, born.Unix(), rras)
		var u, s, i, o int64 = 1e10, 1e9, 1e12, 1e12
		updates(&b, file, born, func(t time.Time) string {
			n := t.Unix() / 60
			u, s, i, o = u+60*(20+n%7), s+60*(5+n%3), i+60*(40000+(n*7919)%20000), o+60*(20000+(n*104729)%9000)
			if t.Equal(v.reset) {
				u, s, i, o = 100, 100, 1000, 1000
			}
			for _, q := range v.silent {
				if in(t, q) {
					return ""
				}
			}
			return fmt.Sprintf("%d:%d:%d:%d:500000:200000:%d", u, s, i, o, 9000000+n%1000)
		})
	}
	cmd := exec.Command("rrdtool", "-")
	cmd.Stdin = strings.NewReader(b.String())
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "ERROR") {
		ts.Fatalf("rrdtool: %v\n%.500s", err, out)
	}
}

// in says whether the row ending at t lies in (q[0], q[1]].
func in(t time.Time, q [2]time.Time) bool { return t.After(q[0]) && !t.After(q[1]) }

// updates writes update commands for every minute after from to the
// trial's end, 500 a command; value gives each row's values, "" for none.
func updates(b *strings.Builder, file string, from time.Time, value func(t time.Time) string) {
	var line []string
	flush := func() {
		if len(line) > 0 {
			fmt.Fprintf(b, "update %s %s\n", file, strings.Join(line, " "))
			line = line[:0]
		}
	}
	for t := from.Add(time.Minute); !t.After(trialEnd); t = t.Add(time.Minute) {
		if v := value(t); v != "" {
			line = append(line, fmt.Sprintf("%d:%s", t.Unix(), v))
		}
		if len(line) == 500 {
			flush()
		}
	}
	flush()
}
