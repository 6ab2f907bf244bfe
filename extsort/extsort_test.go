package extsort

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

type rec struct{ key, value []byte }

// randomRecords has many equal keys (a small alphabet, short keys), so
// that stability is tested, and values that say where a record was
// added.
func randomRecords(r *rand.Rand, n int) []rec {
	out := make([]rec, n)
	for i := range out {
		k := make([]byte, r.IntN(4))
		for j := range k {
			k[j] = byte('a' + r.IntN(3))
		}
		v := fmt.Appendf(nil, "%d", i)
		v = append(v, bytes.Repeat([]byte{'.'}, r.IntN(40))...)
		out[i] = rec{k, v}
	}
	return out
}

func collect(t *testing.T, s *Sorter) []rec {
	t.Helper()
	var got []rec
	err := s.Each(func(k, v []byte) bool {
		got = append(got, rec{bytes.Clone(k), bytes.Clone(v)})
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// The records come back as a stable in-memory sort orders them, whether
// they stay in memory, go to a few runs, or to so many that Sort merges
// runs into runs before Each merges the rest.
func TestSortMatchesStableSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		n, limit int
		runs     func(int) bool
	}{
		{0, 1 << 20, func(n int) bool { return n == 0 }},
		{1, 1 << 20, func(n int) bool { return n == 0 }},
		{2000, 1 << 20, func(n int) bool { return n == 0 }},
		{2000, 16 << 10, func(n int) bool { return n > 1 && n <= fanIn }},
		{20000, 1 << 10, func(n int) bool { return n > 1 && n <= fanIn }}, // more than fanIn² runs before Sort
	} {
		t.Run(fmt.Sprintf("n=%d,limit=%d", tc.n, tc.limit), func(t *testing.T) {
			dir := t.TempDir()
			recs := randomRecords(r, tc.n)
			s := New(dir, tc.limit)
			for _, x := range recs {
				if err := s.Add(x.key, x.value); err != nil {
					t.Fatal(err)
				}
			}
			written := s.Runs()
			if err := s.Sort(); err != nil {
				t.Fatal(err)
			}
			if s.Len() != tc.n {
				t.Errorf("Len = %d, want %d", s.Len(), tc.n)
			}
			if !tc.runs(s.Runs()) {
				t.Errorf("%d runs after Sort (%d before)", s.Runs(), written)
			}
			want := slices.Clone(recs)
			slices.SortStableFunc(want, func(a, b rec) int { return bytes.Compare(a.key, b.key) })
			wantUnique := true
			for i := 1; i < len(want); i++ {
				wantUnique = wantUnique && !bytes.Equal(want[i].key, want[i-1].key)
			}
			if unique, err := s.Unique(); err != nil || unique != wantUnique {
				t.Errorf("Unique = %v, %v; want %v", unique, err, wantUnique)
			}
			for pass := range 2 { // Each can be called again
				got := collect(t, s)
				if len(got) != len(want) {
					t.Fatalf("pass %d: %d records, want %d", pass, len(got), len(want))
				}
				for i := range got {
					if !bytes.Equal(got[i].key, want[i].key) || !bytes.Equal(got[i].value, want[i].value) {
						t.Fatalf("pass %d: record %d is %q=%q, want %q=%q", pass, i, got[i].key, got[i].value, want[i].key, want[i].value)
					}
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("%d files left in the run directory", len(ents))
			}
		})
	}
}

// The limit decides where the records are, never what comes back.
func TestSortIndependentOfLimit(t *testing.T) {
	recs := randomRecords(rand.New(rand.NewPCG(3, 4)), 5000)
	var first []rec
	for _, limit := range []int{1 << 10, 5 << 10, 64 << 10, 1 << 30} {
		s := New(t.TempDir(), limit)
		for _, x := range recs {
			if err := s.Add(x.key, x.value); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Sort(); err != nil {
			t.Fatal(err)
		}
		got := collect(t, s)
		s.Close()
		if first == nil {
			first = got
			continue
		}
		if !slices.EqualFunc(got, first, func(a, b rec) bool {
			return bytes.Equal(a.key, b.key) && bytes.Equal(a.value, b.value)
		}) {
			t.Errorf("limit %d orders the records differently", limit)
		}
	}
}

// A record bigger than the limit is a run of its own, and keys and
// values up to the sizes that need multi-byte lengths survive the trip.
func TestLargeRecords(t *testing.T) {
	s := New(t.TempDir(), 1<<10)
	defer s.Close()
	big := bytes.Repeat([]byte("v"), 300<<10)
	keys := []string{"m", "a", "z", "a"}
	for i, k := range keys {
		if err := s.Add([]byte(k), append([]byte{byte(i)}, big...)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Sort(); err != nil {
		t.Fatal(err)
	}
	if s.Runs() != len(keys) {
		t.Errorf("%d runs, want one per record (%d)", s.Runs(), len(keys))
	}
	var order []string
	err := s.Each(func(k, v []byte) bool {
		if len(v) != len(big)+1 || !bytes.Equal(v[1:], big) {
			t.Errorf("record %q=%d: value of %d bytes changed", k, v[0], len(v))
		}
		order = append(order, fmt.Sprintf("%s%d", k, v[0]))
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a1", "a3", "m0", "z2"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

// Each stops when f says so; Add after Sort and Each before it are
// errors.
func TestEachStopsAndMisuse(t *testing.T) {
	for _, limit := range []int{1 << 10, 1 << 20} {
		s := New(t.TempDir(), limit)
		if err := s.Each(func(_, _ []byte) bool { return true }); err == nil {
			t.Error("Each before Sort: no error")
		}
		for i := range 1000 {
			if err := s.Add(fmt.Appendf(nil, "%04d", 999-i), nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Sort(); err != nil {
			t.Fatal(err)
		}
		if err := s.Add([]byte("x"), nil); !errors.Is(err, ErrSorted) {
			t.Errorf("Add after Sort: %v, want ErrSorted", err)
		}
		var seen []string
		err := s.Each(func(k, _ []byte) bool {
			seen = append(seen, string(k))
			return len(seen) < 3
		})
		if err != nil || !slices.Equal(seen, []string{"0000", "0001", "0002"}) {
			t.Errorf("limit %d: Each stopped after %v, %v; want the first three", limit, seen, err)
		}
		s.Close()
	}
}

// Memory held stays near the limit however many records are added.
func TestHeldWithinLimit(t *testing.T) {
	const limit = 4 << 10
	s := New(t.TempDir(), limit)
	defer s.Close()
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 20000 {
		k := fmt.Appendf(nil, "vps%07d", r.IntN(1e6))
		if err := s.Add(k, fmt.Appendf(nil, "/srv/rrd/%d.rrd", i)); err != nil {
			t.Fatal(err)
		}
		if held := len(s.arena) + 4*len(s.recs); held > limit {
			t.Fatalf("after %d records %d bytes held, limit %d", i+1, held, limit)
		}
	}
	if s.Runs() < 2 {
		t.Errorf("%d runs: nothing spilled", s.Runs())
	}
}

// A run whose record claims more bytes than the run has is an error,
// not a read past its end or a huge allocation.
func TestCorruptRun(t *testing.T) {
	s := New(t.TempDir(), 1<<10)
	defer s.Close()
	for i := range 200 {
		if err := s.Add(fmt.Appendf(nil, "k%03d", i), bytes.Repeat([]byte("x"), 20)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Sort(); err != nil {
		t.Fatal(err)
	}
	// The first record of the first run now says its key is 2^62 bytes.
	huge := []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40}
	if _, err := s.runs[0].f.WriteAt(huge, 0); err != nil {
		t.Fatal(err)
	}
	err := s.Each(func(_, _ []byte) bool { return true })
	if err == nil {
		t.Fatal("corrupt run read without error")
	}
}

func BenchmarkSort(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	keys := make([][]byte, 100000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "vps%07d", r.IntN(1e7))
	}
	value := []byte("\x00vps0000000.rrd\x00")
	for _, limit := range []int{64 << 20, 1 << 20} {
		b.Run(fmt.Sprintf("limit=%dKiB", limit>>10), func(b *testing.B) {
			for b.Loop() {
				s := New(b.TempDir(), limit)
				for _, k := range keys {
					if err := s.Add(k, value); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Sort(); err != nil {
					b.Fatal(err)
				}
				n := 0
				if err := s.Each(func(_, _ []byte) bool { n++; return true }); err != nil || n != len(keys) {
					b.Fatal(n, err)
				}
				s.Close()
			}
		})
	}
}

// Unique finds one repeated key among distinct ones, wherever the two
// copies landed (the same run or two).
func TestUnique(t *testing.T) {
	for _, limit := range []int{1 << 10, 1 << 20} {
		for _, dup := range []int{-1, 0, 500, 2999} {
			s := New(t.TempDir(), limit)
			for i := range 3000 {
				if err := s.Add(fmt.Appendf(nil, "%06d", (i*7)%3000), nil); err != nil {
					t.Fatal(err)
				}
			}
			if dup >= 0 {
				s.Add(fmt.Appendf(nil, "%06d", dup), nil)
			}
			if err := s.Sort(); err != nil {
				t.Fatal(err)
			}
			if unique, err := s.Unique(); err != nil || unique != (dup < 0) {
				t.Errorf("limit %d, duplicate %d: Unique = %v, %v", limit, dup, unique, err)
			}
			s.Close()
		}
	}
}
