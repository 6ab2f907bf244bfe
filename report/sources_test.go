package report

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// randomSources are sources of every shape a SortedSources holds: files
// relative to one of a few directories or taken as they are, daemons,
// From and Until, names that repeat.
func randomSources(r *rand.Rand, n int) (srcs []Source, dirs []string) {
	bases := []string{"", "/srv/rrd", "rel/dir", "/srv/rrd/../other"}
	daemons := []string{"", "", "10.0.0.1:42217", "unix:/run/rrdcached.sock"}
	zone, _ := time.LoadLocation("Europe/Berlin")
	for range n {
		s := Source{
			Name:   fmt.Sprintf("vps%d", r.IntN(n+1)),
			File:   []string{"a.rrd", "vps/x.rrd", "../up.rrd", "/abs/y.rrd", ""}[r.IntN(5)],
			Daemon: daemons[r.IntN(len(daemons))],
		}
		if r.IntN(4) == 0 {
			s.From = time.Date(2026, 10, 1+r.IntN(28), 0, 0, 0, 0, zone)
		}
		if r.IntN(4) == 0 {
			s.Until = time.Date(2026, 11, 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		srcs = append(srcs, s)
		dirs = append(dirs, bases[r.IntN(len(bases))])
	}
	return srcs, dirs
}

// All gives back what Add took, with the file joined to its directory as
// filepath.Join joins it, in the order a stable sort by name gives, and
// Sort's uniqueness check agrees with one over a []Source: held in
// memory or spilled to temporary files.
func TestSortedSources(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		srcs, dirs := randomSources(r, r.IntN(300))
		limit := []int{1 << 10, 0}[round%2]
		l := NewSortedSources(t.TempDir(), limit)
		want := make([]Source, len(srcs))
		for i, s := range srcs {
			if err := l.Add(s, dirs[i]); err != nil {
				t.Fatal(err)
			}
			want[i] = s
			if dirs[i] != "" {
				want[i].File = filepath.Join(dirs[i], s.File)
			}
		}
		if err := l.Sort(); err != nil {
			t.Fatal(err)
		}
		unique, err := l.Unique()
		if err != nil {
			t.Fatal(err)
		}
		slices.SortStableFunc(want, func(a, b Source) int { return strings.Compare(a.Name, b.Name) })
		wantUnique := true
		for i := 1; i < len(want); i++ {
			wantUnique = wantUnique && want[i].Name != want[i-1].Name
		}
		if unique != wantUnique {
			t.Fatalf("round %d: Sort says unique %v, want %v", round, unique, wantUnique)
		}
		if l.Len() != len(want) {
			t.Fatalf("round %d: Len %d, want %d", round, l.Len(), len(want))
		}
		for pass := range 2 {
			var got []Source
			for s, err := range l.All() {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, s)
			}
			if len(got) != len(want) {
				t.Fatalf("round %d pass %d: %d sources, want %d", round, pass, len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("round %d pass %d: source %d = %+v, want %+v", round, pass, i, got[i], want[i])
				}
			}
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// All stops when the loop does.
func TestSortedSourcesBreak(t *testing.T) {
	srcs, _ := randomSources(rand.New(rand.NewPCG(3, 4)), 500)
	l := NewSortedSources(t.TempDir(), 1<<10)
	defer l.Close()
	for _, s := range srcs {
		if err := l.Add(s, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Sort(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for range l.All() {
		if n++; n == 7 {
			break
		}
	}
	if n != 7 {
		t.Errorf("loop ran %d times, broke at 7", n)
	}
}

// The heap a SortedSources holds does not grow with the number of
// sources: 200,000 of them (some 6 MB as records) take no more than the
// limit and the merge's buffers.
func TestSortedSourcesMemoryBounded(t *testing.T) {
	const limit = 256 << 10
	heap := func() int64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	l := NewSortedSources(t.TempDir(), limit)
	const n = 200000
	for i := range n {
		s := Source{Name: fmt.Sprintf("vps%06d", (i*7919)%n), File: fmt.Sprintf("vps%06d.rrd", i)}
		if err := l.Add(s, "/var/lib/billrun/rrd"); err != nil {
			t.Fatal(err)
		}
	}
	adding := heap() // what the last run to spill held, and the tables
	if err := l.Sort(); err != nil {
		t.Fatal(err)
	}
	if unique, err := l.Unique(); err != nil || !unique {
		t.Fatal(unique, err)
	}
	count, last := 0, ""
	for s, err := range l.All() {
		if err != nil {
			t.Fatal(err)
		}
		if s.Name <= last {
			t.Fatalf("%q after %q", s.Name, last)
		}
		last = s.Name
		count++
	}
	if count != n {
		t.Fatalf("%d sources read back, want %d", count, n)
	}
	with := heap()
	runtime.KeepAlive(l)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = nil
	none := heap()
	t.Logf("%d sources hold %d bytes of heap while added, %d when sorted", n, adding-none, with-none)
	if adding-none > 2*limit || with-none > 2*limit {
		t.Errorf("%d sources hold %d bytes of heap while added, %d when sorted; limit %d", n, adding-none, with-none, limit)
	}
}
