package report

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"
)

// rrdtoolPipe runs commands through `rrdtool -`, failing the test on any
// error; it skips without rrdtool, except in CI.
func rrdtoolPipe(t *testing.T, cmds string) {
	t.Helper()
	if _, err := exec.LookPath("rrdtool"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("rrdtool is required in CI")
		}
		t.Skip("rrdtool not installed")
	}
	cmd := exec.Command("rrdtool", "-")
	cmd.Stdin = strings.NewReader(cmds)
	if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "ERROR") {
		t.Fatalf("rrdtool: %v\n%.500s", err, out)
	}
}

// writeMinutes has rrdtool write a one-minute GAUGE file with one data
// source from start to end, skipping the minutes skip says to.
func writeMinutes(t *testing.T, file, ds string, start, end int64, skip func(ts int64) bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "create %s --start %d --step 60 DS:%s:GAUGE:120:0:U RRA:AVERAGE:0.5:1:50000\n", file, start, ds)
	line := []string{"update", file}
	for ts := start + 60; ts <= end; ts += 60 {
		if !skip(ts) {
			line = append(line, fmt.Sprintf("%d:100", ts))
		}
		if len(line) == 500 || ts+60 > end {
			b.WriteString(strings.Join(line, " ") + "\n")
			line = []string{"update", file}
		}
	}
	rrdtoolPipe(t, b.String())
}

// knownRows asks rrdtool fetch which one-minute rows of (start, end] are
// known.
func knownRows(t *testing.T, file string, start, end int64) map[int64]bool {
	out, err := exec.Command("rrdtool", "fetch", file, "AVERAGE", "-s", fmt.Sprint(start), "-e", fmt.Sprint(end)).Output()
	if err != nil {
		t.Fatal(err)
	}
	known := map[int64]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		ts, v, ok := strings.Cut(l, ": ")
		n, err := strconv.ParseInt(ts, 10, 64)
		if !ok || err != nil || n <= start || n > end {
			continue
		}
		known[n] = !strings.Contains(v, "nan")
	}
	return known
}

// The three uptime_gaps policies on files written by rrdtool: a host
// whose uptime collector was down for a day while its VPS reported data, a
// two-hour outage in which nothing reported, and four hours of which one
// VPS reported the first two. The expected figures come from rrdtool
// fetch's rows: a host gap minute is unmonitored when a VPS row of that
// minute is known, down otherwise.
func TestUptimeGapPolicies(t *testing.T) {
	month := period.Month(2026, time.October, time.UTC)
	start, end := month.Start.Unix(), month.End.Unix()
	at := func(d, h int) int64 { return time.Date(2026, 10, d, h, 0, 0, 0, time.UTC).Unix() }
	in := func(ts, from, to int64) bool { return ts > from && ts <= to }
	dir := t.TempDir()
	host, vps1, vps2 := filepath.Join(dir, "host.rrd"), filepath.Join(dir, "vps1.rrd"), filepath.Join(dir, "vps2.rrd")
	writeMinutes(t, host, UptimeDS, start-3600, end+3600, func(ts int64) bool {
		return in(ts, at(10, 0), at(11, 0)) || in(ts, at(20, 10), at(20, 12)) || in(ts, at(25, 0), at(25, 4))
	})
	writeMinutes(t, vps1, "vs_vm", start-3600, end+3600, func(ts int64) bool {
		return in(ts, at(20, 10), at(20, 12)) || in(ts, at(25, 2), at(25, 4))
	})
	writeMinutes(t, vps2, "vs_vm", start-3600, end+3600, func(ts int64) bool {
		return in(ts, at(20, 10), at(20, 12)) || in(ts, at(25, 0), at(25, 4))
	})

	hostRows, rows1, rows2 := knownRows(t, host, start, end), knownRows(t, vps1, start, end), knownRows(t, vps2, start, end)
	var gap, unmon int64
	for ts, ok := range hostRows {
		if !ok {
			gap++
			if rows1[ts] || rows2[ts] {
				unmon++
			}
		}
	}
	span := (end - start) / 60
	if len(hostRows) != int(span) || unmon < 1440 || gap-unmon < 240 {
		t.Fatalf("rrdtool's rows: %d of %d, %d gap minutes, %d witnessed", len(hostRows), span, gap, unmon)
	}
	src := Source{Name: "h1", File: host}
	witnesses := map[string][]Source{"h1": {{Name: "v1", File: vps1}, {Name: "v2", File: vps2}}, "other": {{Name: "x", File: host}}}
	want := map[Gaps]struct{ uptime, downtime, unmon float64 }{
		GapsIgnore:   {100, 0, 0},
		GapsDown:     {100 * float64(span-gap) / float64(span), float64(gap), 0},
		GapsEvidence: {100 * float64(span-gap) / float64(span-unmon), float64(gap - unmon), float64(unmon)},
	}
	for policy, w := range want {
		hs, err := HostUptime(src, month, DefaultThreshold, Options{Gaps: policy, Witnesses: witnesses})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(hs.UptimePct)-w.uptime) > 1e-9 || math.Abs(float64(hs.DowntimeMinutes)-w.downtime) > 1e-9 ||
			float64(hs.UnmonitoredMinutes) != w.unmon || float64(hs.GapMinutes) != float64(gap) || hs.Gaps != policy.String() {
			t.Errorf("%s: uptime %v, downtime %v, unmonitored %v, gaps %v; want %v, %v, %v, %d",
				policy, hs.UptimePct, hs.DowntimeMinutes, hs.UnmonitoredMinutes, hs.GapMinutes, w.uptime, w.downtime, w.unmon, gap)
		}
		var degraded float64
		for _, d := range hs.Degraded {
			degraded += float64(d.to-d.from) / 60
		}
		if degraded != w.downtime {
			t.Errorf("%s: %v minutes in degraded runs, want the %v down", policy, degraded, w.downtime)
		}
		// The collector's day off: no figure when left out or
		// unmonitored, 0 % when gaps are down.
		if day10 := float64(hs.Daily[9].UptimePct); (policy == GapsDown) != (day10 == 0) || (policy != GapsDown) != math.IsNaN(day10) {
			t.Errorf("%s: 10 October at %v %%", policy, day10)
		}
		t.Logf("%s: uptime %.6f %%, downtime %v min, unmonitored %v min", policy, hs.UptimePct, hs.DowntimeMinutes, hs.UnmonitoredMinutes)
	}
	// Without witnesses, evidence is down.
	alone, err := HostUptime(src, month, DefaultThreshold, Options{Gaps: GapsEvidence})
	if err != nil {
		t.Fatal(err)
	}
	if float64(alone.DowntimeMinutes) != float64(gap) || alone.UnmonitoredMinutes != 0 {
		t.Errorf("evidence without VPS: downtime %v, unmonitored %v", alone.DowntimeMinutes, alone.UnmonitoredMinutes)
	}
}

// A host whose file begins during the period (a new host) is measured
// from its first row with FromData, as a new VPS is: the days before it
// existed are not downtime, and have no figure.
func TestHostFromItsFirstRow(t *testing.T) {
	month := period.Month(2026, time.October, time.UTC)
	born := time.Date(2026, 10, 21, 0, 0, 0, 0, time.UTC).Unix()
	file := filepath.Join(t.TempDir(), "new-host.rrd")
	writeMinutes(t, file, UptimeDS, born, month.End.Unix()+3600, func(int64) bool { return false })
	for _, fromData := range []bool{false, true} {
		hs, err := HostUptime(Source{Name: "h", File: file, FromData: fromData}, month, DefaultThreshold, Options{Gaps: GapsDown})
		if err != nil {
			t.Fatal(err)
		}
		before, after := float64(hs.Daily[19].UptimePct), float64(hs.Daily[21].UptimePct)
		if fromData && (hs.UptimePct != 100 || hs.DowntimeMinutes != 0 || !math.IsNaN(before) || after != 100) {
			t.Errorf("from its first row: uptime %v, downtime %v, 20 Oct %v, 22 Oct %v", hs.UptimePct, hs.DowntimeMinutes, before, after)
		}
		if !fromData && (hs.UptimePct > 40 || before != 0) {
			t.Errorf("the whole period: uptime %v, 20 Oct %v", hs.UptimePct, before)
		}
	}
}
