package report

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// randomSources are sources of every shape a SourceList holds: files
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

// At gives back what Add took, with the file joined to its directory as
// filepath.Join joins it, in order; sorting, keeping and the uniqueness
// check agree with the same done on a []Source.
func TestSourceList(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		srcs, dirs := randomSources(r, r.IntN(60))
		var l SourceList
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
		check := func(what string, want []Source) {
			t.Helper()
			if l.Len() != len(want) {
				t.Fatalf("round %d %s: %d sources, want %d", round, what, l.Len(), len(want))
			}
			for i := range want {
				if got := l.At(i); !reflect.DeepEqual(got, want[i]) {
					t.Fatalf("round %d %s: At(%d) = %+v, want %+v", round, what, i, got, want[i])
				}
			}
		}
		check("added", want)

		unique := l.SortByName()
		slices.SortStableFunc(want, func(a, b Source) int { return strings.Compare(a.Name, b.Name) })
		wantUnique := true
		for i := 1; i < len(want); i++ {
			wantUnique = wantUnique && want[i].Name != want[i-1].Name
		}
		if unique != wantUnique {
			t.Fatalf("round %d: SortByName says unique %v, want %v", round, unique, wantUnique)
		}
		check("sorted", want)

		keep := func(s Source) bool { return s.Daemon == "" && len(s.Name)%2 == 0 }
		l.Keep(keep)
		check("kept", slices.DeleteFunc(want, func(s Source) bool { return !keep(s) }))
	}
}

// ListOf keeps the sources as they are.
func TestListOf(t *testing.T) {
	srcs, _ := randomSources(rand.New(rand.NewPCG(3, 4)), 100)
	l, err := ListOf(srcs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range srcs {
		if got := l.At(i); !reflect.DeepEqual(got, srcs[i]) {
			t.Fatalf("At(%d) = %+v, want %+v", i, got, srcs[i])
		}
	}
}

// A fleet named as billrun demo names it costs 44 bytes per VPS, under 56
// with the spare capacity append leaves, against about 170 as a []Source:
// the point of the list.
func TestSourceListSize(t *testing.T) {
	var l SourceList
	const n = 10000
	for i := range n {
		s := Source{Name: fmt.Sprintf("vps%05d", i), File: fmt.Sprintf("vps/vps%05d.rrd", i)}
		if err := l.Add(s, "/var/lib/billrun/rrd"); err != nil {
			t.Fatal(err)
		}
	}
	held := cap(l.text) + cap(l.items)*int(unsafe.Sizeof(listItem{}))
	if per := held / n; per > 56 {
		t.Errorf("%d bytes per source (text %d, items %d of %d bytes)", per, cap(l.text), cap(l.items), unsafe.Sizeof(listItem{}))
	}
	if got := l.At(n - 1).File; got != "/var/lib/billrun/rrd/vps/vps09999.rrd" {
		t.Errorf("last file %q", got)
	}
}
