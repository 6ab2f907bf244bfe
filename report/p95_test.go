package report

import (
	"cmp"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/billrun/billrun/rrdwrite"
)

// plainP95 is the 95th percentile by sorting: in, out and the larger of
// the two per row (an uncounted one as 0), in bits per second, over the
// rows where they count (not NaN, not above the limit).
func plainP95(in, out []float64, limIn, limOut float64) [3]float64 {
	var xs [3][]float64
	for r := range in {
		i, o := in[r], out[r]
		iOK, oOK := i <= limIn, o <= limOut
		if iOK {
			xs[0] = append(xs[0], i)
		}
		if oOK {
			xs[1] = append(xs[1], o)
		}
		if iOK || oOK {
			// math.Max takes +0 over -0, as a key comparison does
			x, y := 0.0, 0.0
			if iOK {
				x = i
			}
			if oOK {
				y = o
			}
			xs[2] = append(xs[2], math.Max(x, y))
		}
	}
	var p [3]float64
	for i, s := range xs {
		if len(s) == 0 {
			p[i] = math.NaN()
			continue
		}
		// in numeric order, -0 before +0
		slices.SortFunc(s, func(a, b float64) int {
			if c := cmp.Compare(a, b); c != 0 {
				return c
			}
			return cmp.Compare(b2i(!math.Signbit(a)), b2i(!math.Signbit(b)))
		})
		p[i] = 8 * s[int(math.Ceil(0.95*float64(len(s))))-1]
	}
	return p
}

func sameP95(p *P95, want [3]float64) bool {
	return same(p.In, Num(want[0])) && same(p.Out, Num(want[1])) && same(p.Max, Num(want[2]))
}

// The band plan keeps (the column kernel and the row-by-row path alike)
// gives the percentiles a full sort gives; when the sample misleads it, p95
// says so and the samples taken again without bounds give them.
func TestP95Band(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const nds = 3
	for _, n := range []int{100, 2047, 2048, 4464, 44640} {
		stride := n / bandSample
		sampled := map[int]bool{}
		for i := range bandSample {
			sampled[samplePos(i, max(stride, 1))] = true
		}
		gens := []struct {
			name    string
			f       func(row int) float64
			mislead bool // the sample is expected to mislead plan
		}{
			{"uniform", func(int) float64 { return r.Float64() * 1e8 }, false},
			{"ties", func(int) float64 { return float64(r.IntN(3)) }, false},
			{"gaps and spikes", func(int) float64 {
				switch x := r.IntN(20); {
				case x == 0:
					return math.NaN()
				case x == 1:
					return -math.NaN()
				case x == 2:
					return 5e9
				case x == 3:
					return math.Inf(1)
				case x == 4:
					return math.Copysign(0, -1)
				}
				return r.Float64() * 1e8
			}, false},
			{"mostly unknown", func(int) float64 {
				if r.IntN(10) > 0 {
					return math.NaN()
				}
				return r.Float64()
			}, false},
			{"negative, half unknown", func(int) float64 { // max is mostly the 0 of an unknown direction
				if r.IntN(2) == 0 {
					return math.NaN()
				}
				return -r.Float64()
			}, false},
			{"daily rhythm", func(i int) float64 { return 1 + math.Sin(float64(i%144)/144*2*math.Pi) }, false},
			{"sample misleads", func(i int) float64 {
				if sampled[i] {
					return 1e9 + float64(i)
				}
				return float64(i % 1000)
			}, true},
		}
		for _, g := range gens {
			vals := make([]float64, n*nds)
			in, out := make([]float64, n), make([]float64, n)
			for i := range n {
				in[i], out[i] = g.f(i), g.f(i)
				vals[i*nds], vals[i*nds+1], vals[i*nds+2] = 7, in[i], out[i]
			}
			limIn, limOut := 1e9+1e6, math.Inf(1)
			if g.name == "gaps and spikes" {
				limIn = 1e9
			}
			want := plainP95(in, out, limIn, limOut)
			ai := acc{col: 1, cols: []int{1}, maxRate: limIn}
			ao := acc{col: 2, cols: []int{2}, maxRate: limOut}
			// the column kernel, in two calls as for parts of a file
			var bw bandwidth
			bw.reset()
			bw.plan(vals, nds, n, &ai, &ao)
			bw.columns(vals, nds, 0, n/3, 1, 2, limIn, limOut)
			bw.columns(vals, nds, n/3, n, 1, 2, limIn, limOut)
			p, ok := bw.p95()
			if ok == (g.mislead && n >= planMin) {
				t.Errorf("%s, n=%d: p95 ok = %v", g.name, n, ok)
			}
			if !ok {
				bw.reset()
				bw.columns(vals, nds, 0, n, 1, 2, limIn, limOut)
				if p, ok = bw.p95(); !ok {
					t.Fatalf("%s, n=%d: no bounds, and still not ok", g.name, n)
				}
			}
			if !sameP95(p, want) {
				t.Errorf("%s, n=%d: columns %+v, want %v", g.name, n, *p, want)
			}
			// row by row
			bw.reset()
			bw.plan(vals, nds, n, &ai, &ao)
			for i := range n {
				row := vals[i*nds : (i+1)*nds]
				x, xOK := ai.known(row)
				y, yOK := ao.known(row)
				bw.add(x, xOK, y, yOK)
			}
			if p, ok = bw.p95(); ok && !sameP95(p, want) {
				t.Errorf("%s, n=%d: row by row %+v, want %v", g.name, n, *p, want)
			}
		}
	}
}

// p95 uses a band exactly when fewer samples lie below its bound than the
// percentile's rank.
func TestP95BandBound(t *testing.T) {
	for _, c := range []struct {
		lo   float64
		want float64 // NaN: the bound is too high
	}{{0, 94}, {93, 94}, {94, 94}, {95, math.NaN()}, {99, math.NaN()}} {
		var bw bandwidth
		bw.reset()
		bw.lo = [3]int64{key(c.lo), key(c.lo), math.MinInt64}
		for i := range 100 { // 0..99: rank ceil(95) = 95, the value 94
			bw.add(float64(99-i), true, float64(i), true)
		}
		p, ok := bw.p95()
		if !ok {
			if !math.IsNaN(c.want) {
				t.Errorf("bound %v: not ok", c.lo)
			}
			continue
		}
		if math.IsNaN(c.want) || p.In != Num(8*c.want) || p.Out != Num(8*c.want) || p.Max != 8*97 {
			t.Errorf("bound %v: %+v, want %v", c.lo, *p, c.want)
		}
	}
}

// A file whose rows mislead plan's sample still gets the exact
// percentiles: FileUsage takes the samples again.
func TestP95SampleMisleadsFile(t *testing.T) {
	spec := rrdwrite.Spec{Step: 60, RRA: []rrdwrite.RRA{{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 1, Rows: 6000}}}
	for _, n := range []string{"in", "out"} {
		spec.DS = append(spec.DS, rrdwrite.DS{Name: n, Type: "GAUGE", Heartbeat: 120, Min: math.NaN(), Max: math.NaN()})
	}
	const first = 1_790_000_040
	last := int64(first + 60*5000)
	dir := t.TempDir()
	p, err := Custom(time.Unix(last-60*4464, 0).UTC(), time.Unix(last, 0).UTC())
	if err != nil {
		t.Fatal(err)
	}
	ms := []Metric{{Name: "in", DS: []string{"in"}, Kind: Counter}, {Name: "out", DS: []string{"out"}, Kind: Counter}}
	// first a plain file, to learn which rows plan samples
	plain := filepath.Join(dir, "plain.rrd")
	if err := rrdwrite.WriteFile(plain, spec, first, last, func(_ int64, v []float64) { v[0], v[1] = 1, 2 }); err != nil {
		t.Fatal(err)
	}
	f, parts, err := openPlanned(Source{File: plain}, p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.ReadRRAInto(parts[0].RRA, parts[0].From, parts[0].To, nil)
	f.Close()
	if err != nil || len(parts) != 1 {
		t.Fatal(err, parts)
	}
	sampled := map[int64]bool{}
	for i := range bandSample {
		sampled[d.Time(samplePos(i, d.Rows()/bandSample))] = true
	}
	file := filepath.Join(dir, "mislead.rrd")
	var in, out []float64
	err = rrdwrite.WriteFile(file, spec, first, last, func(t int64, v []float64) {
		v[0], v[1] = float64(t%997), float64(t%991)
		if sampled[t] {
			v[0], v[1] = 1e9+float64(t%7), 2e9
		}
		if t > p.Start.Unix() && t <= p.End.Unix() {
			in, out = append(in, v[0]), append(out, v[1])
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// the sample does mislead plan on this file
	f, _, _ = openPlanned(Source{File: file}, p, nil, nil)
	d, err = f.ReadRRAInto(parts[0].RRA, parts[0].From, parts[0].To, nil)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	ai, ao := acc{col: 0, cols: []int{0}, maxRate: math.Inf(1)}, acc{col: 1, cols: []int{1}, maxRate: math.Inf(1)}
	var bw bandwidth
	bw.reset()
	bw.plan(d.Values, 2, d.Rows(), &ai, &ao)
	bw.columns(d.Values, 2, 0, d.Rows(), 0, 1, math.Inf(1), math.Inf(1))
	if _, ok := bw.p95(); ok {
		t.Fatal("the file was meant to mislead plan's sample")
	}
	want := plainP95(in, out, math.Inf(1), math.Inf(1))
	for _, daily := range []bool{false, true} {
		u, err := FileUsage(Source{Name: "x", File: file}, p, ms, Options{Daily: daily})
		if err != nil {
			t.Fatal(err)
		}
		if !sameP95(u.P95, want) {
			t.Errorf("daily %v: %+v, want %v", daily, *u.P95, want)
		}
	}
}

// nth agrees with sorting for every rank, over values with many ties, all
// equal, sorted either way, and when its rounds run out.
func TestNth(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	gens := map[string]func(i, n int) int64{
		"random":     func(int, int) int64 { return r.Int64() - r.Int64() },
		"ties":       func(_, n int) int64 { return int64(r.IntN(n/8 + 1)) },
		"two values": func(int, int) int64 { return int64(r.IntN(2)) },
		"all equal":  func(int, int) int64 { return 7 },
		"ascending":  func(i, _ int) int64 { return int64(i) },
		"descending": func(i, n int) int64 { return int64(n - i) },
		"organ pipe": func(i, n int) int64 { return int64(min(i, n-i)) },
	}
	for name, g := range gens {
		for _, n := range []int{1, 2, 3, 5, 17, 64, 257, 1000} {
			src := make([]int64, n)
			for i := range src {
				src[i] = g(i, n)
			}
			sorted := slices.Sorted(slices.Values(src))
			for k := range n {
				for _, rounds := range []int{1, 2, 4 * n} {
					xs := slices.Clone(src)
					if got := nthWithin(xs, k, rounds); got != sorted[k] {
						t.Fatalf("%s, n=%d, k=%d, %d rounds: %d, want %d", name, n, k, rounds, got, sorted[k])
					}
					if rounds == 4*n && !slices.Equal(slices.Sorted(slices.Values(xs)), sorted) {
						t.Fatalf("%s, n=%d: nth lost or changed values", name, n)
					}
				}
			}
		}
	}
}
