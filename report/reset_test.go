package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"
)

// resetFile has rrdtool write a seed-schema RRD (step 60; 1×14400 and
// 10×13392 AVERAGE) with one counter, vs_in, updated every minute through
// October 2026 (Berlin) to 1 November 02:00 UTC, whose counter restarts at
// 28 October 12:00 UTC: rrdtool reads it as a 64-bit wrap, a ~3e17 B/s
// rate. The 1-minute RRA then holds the last ten days, so October as a
// whole is read from the 10-minute RRA and 28 October from the 1-minute.
func resetFile(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "reset.rrd")
	start := time.Date(2026, 9, 30, 20, 0, 0, 0, time.UTC).Unix()
	end := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC).Unix()
	reset := time.Date(2026, 10, 28, 12, 0, 0, 0, time.UTC).Unix()
	var cmds strings.Builder
	fmt.Fprintf(&cmds, "create %s --start %d --step 60 DS:vs_in:COUNTER:120:0:U RRA:AVERAGE:0.5:1:14400 RRA:AVERAGE:0.5:10:13392\n", file, start)
	counter := int64(1_000_000_000_000)
	line := []string{"update", file}
	for ts := start + 60; ts <= end; ts += 60 {
		counter += 60 * (40000 + (ts/60*7919)%20000)
		if ts == reset {
			counter = 5000
		}
		line = append(line, fmt.Sprintf("%d:%d", ts, counter))
		if len(line) == 500 || ts+60 > end {
			cmds.WriteString(strings.Join(line, " ") + "\n")
			line = []string{"update", file}
		}
	}
	rrdtoolPipe(t, cmds.String())
	return file
}

// A dropped counter reset drops the same seconds whichever RRA a period is
// read from: every day of a Berlin October, one of them with the reset,
// adds up to the month, and the month loses the one minute the 1-minute
// RRA flags, not the ten of the 10-minute row around it.
func TestDaysSumToMonthWithAReset(t *testing.T) {
	src := Source{Name: "reset", File: resetFile(t)}
	metrics := []Metric{{Name: "in", DS: []string{"vs_in"}, Kind: Counter, Unit: "bytes"}}
	month := oct2026(t, "Europe/Berlin")
	mu, err := FileUsage(src, month, metrics, Options{})
	if err != nil {
		t.Fatal(err)
	}
	span := month.End.Unix() - month.Start.Unix()
	if m := mu.Metrics[0]; m.Spikes != 1 || float64(m.Coverage)*float64(span) != float64(span-60) {
		t.Errorf("month: %d spikes, %v s covered of %d; want 1 spike and one minute dropped", m.Spikes, float64(m.Coverage)*float64(span), span)
	}
	if len(mu.RRA) != 3 || mu.RRA[1].Step != 60 {
		t.Errorf("month read from %+v; want the reset's 10 minutes from the 1-minute RRA", mu.RRA)
	}
	sum, spikes := 0.0, 0
	loc := month.Start.Location()
	for d := period.Day(2026, time.October, 1, loc); d.Start.Before(month.End); d = period.Day(d.Start.Year(), d.Start.Month(), d.Start.Day()+1, loc) {
		du, err := FileUsage(src, d, metrics, Options{})
		if err != nil {
			t.Fatal(err)
		}
		sum += float64(du.Metrics[0].Total)
		spikes += du.Metrics[0].Spikes
	}
	if month := float64(mu.Metrics[0].Total); !relClose(sum, month, 1e-12) || spikes != 1 {
		t.Errorf("days sum to %v (%d spikes), the month is %v (rel. diff %.3g)", sum, spikes, month, (sum-month)/month)
	}
}
