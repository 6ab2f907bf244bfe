package report

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/fleet"
	"github.com/billrun/billrun/rrdfetch"
)

// benchFile generates one seed-schema VPS file with 100 days of data
// ending with October 2026 (the bench/ fleet's shape) and returns its path
// and the month.
func benchFile(b *testing.B) (string, period.Period) {
	b.Helper()
	dir := b.TempDir()
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	fl, err := fleet.Generate(context.Background(), fleet.Options{Dir: dir, VPS: 1, Hosts: 1, Start: end.AddDate(0, 0, -100), End: end, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	p, err := period.Parse("2026-10", time.UTC)
	if err != nil {
		b.Fatal(err)
	}
	return fl.VPS[0].File, p
}

// BenchmarkFileUsage is one file's month (4,464 10-minute rows of 7 DS)
// with the demo's metrics: a 95th-percentile sample per row, and per
// 600-second step as a plan's p95.step makes them (the default), next to
// only reading the rows it needs, the floor the row loop adds to.
func BenchmarkFileUsage(b *testing.B) {
	file, p := benchFile(b)
	ms := DefaultMetrics()
	for i := range ms {
		if ms[i].Name == "in" || ms[i].Name == "out" {
			ms[i].MaxRate = 1.25e9
		}
	}
	for _, v := range []struct {
		name  string
		daily bool
		step  int32
	}{{"usage", false, 0}, {"usage-p95-step-600", false, 600}, {"usage-daily", true, 0}} {
		b.Run(v.name, func(b *testing.B) {
			var sc scratch
			for b.Loop() {
				if _, err := fileUsage(Source{Name: "v", File: file, P95Step: v.step}, p, ms, Options{Daily: v.daily}, &sc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("read-only", func(b *testing.B) {
		var buf []float64
		for b.Loop() {
			f, parts, err := openPlanned(Source{File: file}, p, Options{})
			if err != nil {
				b.Fatal(err)
			}
			for _, pt := range parts {
				d, err := f.(*rrdfetch.File).ReadRRAInto(pt.RRA, pt.From, pt.To, buf)
				if err != nil {
					b.Fatal(err)
				}
				buf = d.Values
			}
			f.Close()
		}
	})
}

// BenchmarkPercentile95 is the selection over a month of 10-minute
// bandwidth samples (4,464, a daily cycle with noise and bursts), as
// each file's in, out and max take it.
func BenchmarkPercentile95(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]int64, 4464)
	for i := range src {
		day := 1 + math.Sin(2*math.Pi*float64(i%144)/144)
		src[i] = key(1e6 * day * (0.5 + rng.ExpFloat64()))
	}
	xs := make([]int64, len(src))
	for b.Loop() {
		copy(xs, src)
		percentile95(xs)
	}
}
