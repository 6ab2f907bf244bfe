package rrdfetch

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// One File reopened over every fixture, forwards then backwards (so each
// reuses memory from a file of another shape), and over files it cannot
// read in between, answers as rrdtool did: Reopen keeps nothing of the
// file before but memory.
func TestReopen(t *testing.T) {
	dirs := fixtureDirs(t)
	order := append(slices.Clone(dirs), dirs...)
	slices.Reverse(order[len(dirs):])
	var f File
	for i, dir := range order {
		file := filepath.Join(dir, "file.rrd")
		if err := f.Reopen(file); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for k, l := range readLines(t, filepath.Join(dir, "fetch.txt")) {
			want := readFile(t, filepath.Join(dir, "expected", fmt.Sprintf("%02d.txt", k)))
			if got := fetchText(t, &f, l); got != want {
				t.Errorf("%s after %d files: fetch %s differs from rrdtool's output\n%s", file, i, l, firstDiff(want, got))
			}
		}
		want := readFile(t, filepath.Join(dir, "info.txt"))
		if got := infoText(f.Header(), "file.rrd"); got != want {
			t.Errorf("%s after %d files: info differs from rrdtool's\n%s", file, i, firstDiff(want, got))
		}
		// a file that is not an RRD, and one that is missing, leave f
		// closed and reusable
		for _, bad := range []string{filepath.Join(dir, "make.sh"), filepath.Join(dir, "missing.rrd")} {
			if err := f.Reopen(bad); err == nil {
				t.Fatalf("Reopen(%s) read it as an RRD", bad)
			}
		}
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close after a failed Reopen: %v", err)
	}
	if err := f.Reopen(filepath.Join(dirs[0], "file.rrd")); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// Reading file after file of one schema through Reopen allocates only
// small objects per file (the path for the system call, the descriptor,
// its lock probe, the Data, and each DS's last_ds string): the header and
// its image are reused. Open allocated some 4 KB per file, a collection
// every few hundred files of a fleet.
func TestReopenAllocs(t *testing.T) {
	if raceEnabled {
		// The header and live-image buffers come from sync.Pools, which
		// the race detector empties at random: the count would be noise.
		// make test runs this test without -race first.
		t.Skip("allocation counts are random under -race (sync.Pool drops items)")
	}
	file := filepath.Join("testdata", "fixtures", "seed-schema", "file.rrd")
	var f File
	var buf []float64
	read := func() {
		if err := f.Reopen(file); err != nil {
			t.Fatal(err)
		}
		first, last := f.Header().RRACoverage(0)
		d, err := f.ReadRRAInto(0, first-f.Header().RRAStep(0), last, buf)
		if err != nil {
			t.Fatal(err)
		}
		buf = d.Values
		f.Close()
	}
	read()
	want := float64(4 + len(f.Header().DS))
	if n := testing.AllocsPerRun(50, read); n > want {
		t.Errorf("Reopen and a read allocate %v objects per file, want at most %v", n, want)
	}
}
