package report

import (
	"context"
	"testing"
	"time"

	"github.com/billrun/billrun/fleet"
	"github.com/billrun/billrun/rrdfetch"
)

// benchFile generates one seed-schema VPS file with 100 days of data
// ending with October 2026 (the bench/ fleet's shape) and returns its path
// and the month.
func benchFile(b *testing.B) (string, Period) {
	b.Helper()
	dir := b.TempDir()
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	fl, err := fleet.Generate(context.Background(), fleet.Options{Dir: dir, VPS: 1, Hosts: 1, Start: end.AddDate(0, 0, -100), End: end, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	p, err := ParsePeriod("2026-10", time.UTC)
	if err != nil {
		b.Fatal(err)
	}
	return fl.VPS[0].File, p
}

// BenchmarkFileUsage is one file's month (4,464 10-minute rows of 7 DS)
// with the demo's metrics, next to only reading the rows it needs, the
// floor the row loop adds to.
func BenchmarkFileUsage(b *testing.B) {
	file, p := benchFile(b)
	ms := DefaultMetrics()
	for i := range ms {
		if ms[i].Name == "in" || ms[i].Name == "out" {
			ms[i].MaxRate = 1.25e9
		}
	}
	b.Run("usage", func(b *testing.B) {
		for b.Loop() {
			if _, err := FileUsage(Source{Name: "v", File: file}, p, ms, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read-only", func(b *testing.B) {
		var buf []float64
		for b.Loop() {
			f, parts, err := openPlanned(Source{File: file}, p, nil, nil)
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

// BenchmarkInterior is the row walk alone over one file's month of rows
// in memory (the demo's metrics, p95 bounds planned as FileUsage plans
// them), on the scalar kernels and on the vector kernel where the
// processor has one (vector.go).
func BenchmarkInterior(b *testing.B) {
	file, p := benchFile(b)
	ms := DefaultMetrics()
	f, parts, err := openPlanned(Source{File: file}, p, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	d, err := f.ReadRRAInto(parts[0].RRA, parts[0].From, parts[0].To, nil)
	if err != nil {
		b.Fatal(err)
	}
	var sc scratch
	accs, err := sc.setAccs(f.Header(), ms)
	if err != nil {
		b.Fatal(err)
	}
	inIdx, outIdx := metricIndex(ms, "in"), metricIndex(ms, "out")
	nds, n := len(d.DSNames), d.Rows()
	paths := []struct {
		name string
		vec  bool
	}{{"scalar", false}, {"vector", true}}
	for _, path := range paths {
		b.Run(path.name, func(b *testing.B) {
			if path.vec && !useVector {
				b.Skip("no vector kernel on this processor")
			}
			defer func(v bool) { useVector = v }(useVector)
			useVector = path.vec
			var bw bandwidth
			var k vblock
			for b.Loop() {
				bw.reset()
				bw.plan(d.Values, nds, n, &accs[inIdx], &accs[outIdx])
				interior(&k, accs, d.Values, nds, 0, n, d.Step, inIdx, outIdx, &bw)
				for i := range accs {
					accs[i].total(d.Step)
				}
			}
		})
	}
}
