package rrdfetch_test

import (
	"io"
	"os/exec"
	"testing"

	"github.com/billrun/billrun/rrdfetch"
)

// BenchmarkOpenFetchMonth opens a seed-schema file (7 DS; AVERAGE
// 1x14400, 10x13392, 43200x120 at step 60) and fetches a month of
// 10-minute rows (4,465 rows: rrdtool adds one past an aligned end), next to the same fetch by the rrdtool CLI
// (process start included: that is what a shell loop pays) in one run.
func BenchmarkOpenFetchMonth(b *testing.B) {
	const file = "testdata/fixtures/seed-schema/file.rrd"
	const start, end = 1759276800, 1761955200 // October 2025 (UTC), relative to the fixture's data
	b.Run("rrdfetch", func(b *testing.B) {
		for b.Loop() {
			f, err := rrdfetch.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			d, err := f.Fetch("AVERAGE", start, end, 600, false)
			if err != nil || d.Rows() != 4465 {
				b.Fatalf("%v rows=%d", err, d.Rows())
			}
			f.Close()
		}
	})
	b.Run("rrdfetch+text", func(b *testing.B) {
		for b.Loop() {
			f, _ := rrdfetch.Open(file)
			d, _ := f.Fetch("AVERAGE", start, end, 600, false)
			d.WriteText(io.Discard)
			f.Close()
		}
	})
	b.Run("rrdtool-cli", func(b *testing.B) {
		if _, err := exec.LookPath("rrdtool"); err != nil {
			b.Skip("rrdtool not installed")
		}
		for b.Loop() {
			if err := exec.Command("rrdtool", "fetch", file, "AVERAGE", "-s", "1759276800", "-e", "1761955200", "-r", "600").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpen opens the seed-schema fixture: the per-file cost before
// any row is read, which a fleet pays once per VPS.
func BenchmarkOpen(b *testing.B) {
	const file = "testdata/fixtures/seed-schema/file.rrd"
	b.ReportAllocs()
	for b.Loop() {
		f, err := rrdfetch.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
