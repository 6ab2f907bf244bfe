package report

import (
	"cmp"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/rrdwrite"
	"github.com/billrun/billrun/rrdfetch"
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

// FileUsage's percentiles are the ones a full sort gives, over files of
// random, tied, gappy, negative and spiking rows, with daily series or
// without (the same kernel either way).
func TestP95AsSorted(t *testing.T) {
	spec := rrdwrite.Spec{Step: 60, RRA: []rrdwrite.RRA{{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 1, Rows: 6000}}}
	for _, n := range []string{"in", "out"} {
		spec.DS = append(spec.DS, rrdwrite.DS{Name: n, Type: "GAUGE", Heartbeat: 120, Min: math.NaN(), Max: math.NaN()})
	}
	const first = 1_790_000_040
	last := int64(first + 60*5000)
	dir := t.TempDir()
	p, err := period.Custom(time.Unix(last-60*4464, 0).UTC(), time.Unix(last, 0).UTC())
	if err != nil {
		t.Fatal(err)
	}
	const limit = 5e8
	ms := []Metric{{Name: "in", DS: []string{"in"}, Kind: Counter, MaxRate: limit}, {Name: "out", DS: []string{"out"}, Kind: Counter, MaxRate: limit}}
	r := rand.New(rand.NewPCG(3, 4))
	gens := map[string]func() float64{
		"random":   func() float64 { return r.Float64() * 1e6 },
		"ties":     func() float64 { return float64(r.IntN(4)) },
		"gaps":     func() float64 { return []float64{math.NaN(), 5, r.Float64()}[r.IntN(3)] },
		"negative": func() float64 { return r.Float64() - 0.5 },
		"spikes":   func() float64 { return []float64{1e9, r.Float64()}[r.IntN(2)] },
	}
	for name, g := range gens {
		file := filepath.Join(dir, name+".rrd")
		var in, out []float64
		err = rrdwrite.WriteFile(file, spec, first, last, func(t int64, v []float64) {
			v[0], v[1] = g(), g()
			if t > p.Start.Unix() && t <= p.End.Unix() {
				in, out = append(in, v[0]), append(out, v[1])
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		want := plainP95(in, out, limit, limit)
		for _, daily := range []bool{false, true} {
			u, err := FileUsage(Source{Name: "x", File: file}, p, ms, Options{Daily: daily})
			if err != nil {
				t.Fatal(err)
			}
			if !sameP95(u.P95, want) {
				t.Errorf("%s, daily %v: %+v, want %v", name, daily, *u.P95, want)
			}
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
		for _, n := range []int{1, 2, 3, 5, 17, 64, 257, 1000, 2000} {
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

// Consolidated to a fixed step, the 95th percentile does not depend on
// which RRA the rows came from: 1-minute rows and the 10-minute rows
// RRDtool's AVERAGE makes of them give the same samples at a 600-second
// step (to the last bits of rounding), where taking each row as a sample
// does not. Rows coarser than the step are flagged.
func TestP95FixedStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	const minutes = 3 * 24 * 60
	start := int64(1_790_000_000 / 600 * 600)
	in, out := make([]float64, minutes), make([]float64, minutes)
	for i := range in {
		in[i], out[i] = rng.ExpFloat64()*1e6, rng.ExpFloat64()*2e6
	}
	fine, coarse, rows := &bandwidth{step: 600, wantSum: true}, &bandwidth{step: 600, wantSum: true}, &bandwidth{wantSum: true}
	for i := range minutes {
		t := start + int64(i)*60
		fine.consolidate(t, t+60, 60, in[i], true, out[i], i%7 != 0) // some out unknown
		rows.add(in[i], true, out[i], i%7 != 0)
	}
	for i := 0; i < minutes; i += 10 {
		var si, so float64
		ko := 0
		for j := i; j < i+10; j++ {
			si += in[j]
			if j%7 != 0 {
				so += out[j]
				ko++
			}
		}
		t := start + int64(i)*60
		coarse.consolidate(t, t+600, 600, si/10, true, so/float64(ko), ko > 0)
	}
	fine.flush()
	coarse.flush()
	a, b, r := fine.p95(), coarse.p95(), rows.p95()
	close := func(x, y Num) bool { return math.Abs(float64(x-y)) <= 1e-9*math.Abs(float64(y)) }
	if !close(a.In, b.In) || !close(a.Out, b.Out) || !close(a.Max, b.Max) || !close(a.Sum, b.Sum) {
		t.Errorf("1-minute rows at 600 s: %+v; 10-minute rows: %+v", *a, *b)
	}
	if close(r.Max, b.Max) {
		t.Errorf("the rows as samples (%v) agree with the 10-minute rows (%v): the test shows nothing", r.Max, b.Max)
	}
	if a.Coarse || b.Coarse || a.Step != 600 || len(fine.max) != minutes/10 {
		t.Errorf("flags %+v %+v, %d samples", *a, *b, len(fine.max))
	}
	// a 10-minute row at a 300-second step stands for both steps
	c := &bandwidth{step: 300}
	c.consolidate(start, start+600, 600, 5, true, 7, true)
	c.flush()
	if p := c.p95(); !p.Coarse || len(c.max) != 2 || p.Max != 56 || p.Sum != 0 {
		t.Errorf("coarse rows: %+v, %d samples", *p, len(c.max))
	}
}

// TestRowsAreEach: a part's rows give the same samples, bit for bit and
// in the same order, when the rows wholly inside it are taken one sample
// each (bandwidth.rows) as when every row goes through consolidate or
// add, with -0, unknowns, spikes, subnormal and huge rates among them, in
// and out of one data source or two, parts cut mid-row or on a row's
// bounds, and p95 steps equal to the rows', none, or another.
func TestRowsAreEach(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	odd := []float64{math.Copysign(0, -1), 0, 5e-324, math.MaxFloat64 / 700, 1.0 / 3, 123456.789, 2e9, -1}
	const nds, n, rowStep = 4, 900, 600
	start := int64(1790812800)
	for trial := range 40 {
		d := &rrdfetch.Data{Start: start, End: start + n*rowStep, Step: rowStep, DSNames: make([]string, nds), Values: make([]float64, n*nds)}
		for i := range d.Values {
			switch rng.IntN(8) {
			case 0:
				d.Values[i] = math.NaN()
			case 1:
				d.Values[i] = odd[rng.IntN(len(odd))]
			default:
				d.Values[i] = rng.Float64() * math.Pow(10, float64(rng.IntN(10)))
			}
		}
		part := Part{From: start + rng.Int64N(3*rowStep), To: d.End - rng.Int64N(3*rowStep)}
		if trial%2 == 0 { // on rows' bounds
			part.From -= (part.From - start) % rowStep
			part.To -= (part.To - start) % rowStep
		}
		a := int(ceilDiv(part.From-d.Start, d.Step))
		b := int(floorDiv(part.To-d.Start, d.Step))
		ai, ao := &acc{cols: []int{0}, maxRate: 1e9}, &acc{cols: []int{1}, maxRate: 1e9}
		if trial%4 == 1 {
			ai.cols, ao.cols = []int{0, 2}, []int{1, 3}
		}
		for _, step := range []int64{0, rowStep, 300, 3600} {
			var whole, each bandwidth
			whole.step, whole.wantSum = step, true
			each.step, each.wantSum = step, true
			bandwidthRows(d, part, a, b, ai, ao, &whole, nil, nil, part.To)
			bandwidthRows(d, part, 0, 0, ai, ao, &each, nil, nil, part.To) // no rows taken whole
			whole.flush()
			each.flush()
			for name, pair := range map[string][2][]int64{"in": {whole.in, each.in}, "out": {whole.out, each.out}, "max": {whole.max, each.max}, "sum": {whole.sum, each.sum}} {
				if len(pair[0]) == 0 || !slices.Equal(pair[0], pair[1]) {
					t.Fatalf("trial %d, step %d: %d and %d %s samples, or they differ", trial, step, len(pair[0]), len(pair[1]), name)
				}
			}
			if whole.coarse != each.coarse {
				t.Fatalf("trial %d, step %d: coarse %v, each row: %v", trial, step, whole.coarse, each.coarse)
			}
		}
	}
}
