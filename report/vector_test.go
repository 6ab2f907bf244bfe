package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomValue draws the values that make kernels differ: unknowns (NaN of
// either sign and other payloads), zeros of both signs, infinities,
// subnormals, negative and huge values, ties, and values at, just under
// and just over a limit.
func randomValue(r *rand.Rand, lim float64) float64 {
	switch r.IntN(20) {
	case 0:
		return math.NaN()
	case 1:
		return math.Float64frombits(0xfff8000000000001) // -NaN with a payload
	case 2:
		return math.Copysign(0, -1)
	case 3:
		return 0
	case 4:
		return math.Inf(1 - 2*r.IntN(2))
	case 5:
		return math.SmallestNonzeroFloat64 * float64(r.IntN(1000))
	case 6:
		return -r.Float64() * 1e6
	case 7:
		return math.MaxFloat64 / float64(1+r.IntN(4))
	case 8:
		return float64(r.IntN(3)) // ties
	case 9:
		return lim
	case 10:
		return math.Nextafter(lim, math.Inf(1))
	case 11:
		return math.Nextafter(lim, math.Inf(-1))
	}
	return r.Float64() * 1e9
}

// The vector kernel gives every sum, count, spike and bandwidth sample the
// scalar kernels give, bit for bit and in the same order: random rows of
// 1 to 8 DS, metrics of one, two and three DS with and without limits, in
// and out of one or two DS or absent, bands bounded or not, and row ranges
// that start and end anywhere (a chunk is 256 rows; a range may hold
// several, or no whole block).
func TestVectorMatchesScalar(t *testing.T) {
	if !useVector {
		t.Skip("this processor has no AVX-512: interior uses the scalar kernels only")
	}
	defer func(v bool) { useVector = v }(useVector)
	r := rand.New(rand.NewPCG(12, 34))
	lims := []float64{math.Inf(1), 1e9, 0.5, 1}
	for it := range 3000 {
		nds := 1 + r.IntN(vecDS)
		rows := r.IntN(1200)
		if it%10 == 0 {
			rows = r.IntN(20)
		}
		vals := make([]float64, rows*nds)
		colLim := make([]float64, nds)
		for c := range colLim {
			colLim[c] = lims[r.IntN(len(lims))]
		}
		for i := range vals {
			vals[i] = randomValue(r, colLim[i%nds])
		}
		var ms []acc
		for range 1 + r.IntN(vecMetrics+2) {
			a := acc{col: -1, maxRate: math.Inf(1)}
			switch k := r.IntN(6); {
			case k < 3 || nds == 1:
				a.col = r.IntN(nds)
				a.cols = []int{a.col}
			case k < 5:
				a.cols = []int{r.IntN(nds), r.IntN(nds)}
			default:
				a.cols = []int{r.IntN(nds), r.IntN(nds), r.IntN(nds)}
			}
			if r.IntN(2) == 0 {
				a.maxRate = colLim[a.cols[0]]
			}
			ms = append(ms, a)
		}
		inIdx, outIdx := -1, -1
		if len(ms) >= 2 && r.IntN(4) != 0 {
			inIdx = r.IntN(len(ms))
			outIdx = (inIdx + 1 + r.IntN(len(ms)-1)) % len(ms)
		}
		lo := r.IntN(rows + 1)
		hi := lo + r.IntN(rows-lo+1)
		var bounds [3]int64
		for i := range bounds {
			bounds[i] = math.MinInt64
			if r.IntN(2) == 0 && rows > 0 {
				bounds[i] = key(math.Abs(randomValue(r, 1e9)))
			}
		}

		run := func(vec bool) ([]acc, *bandwidth) {
			useVector = vec
			accs := make([]acc, len(ms))
			copy(accs, ms)
			// sums carried in from rows before, as from a part's cut rows
			for i := range accs {
				for j := range accs[i].lane {
					accs[i].lane[j] = float64(i*lanes + j)
				}
			}
			var bw *bandwidth
			if inIdx >= 0 {
				bw = new(bandwidth)
				bw.reset()
				bw.lo = bounds
			}
			var k vblock
			interior(&k, accs, vals, nds, lo, hi, 600, inIdx, outIdx, bw)
			return accs, bw
		}
		sa, sb := run(false)
		va, vb := run(true)
		for i := range sa {
			s, v := sa[i], va[i]
			for j := range s.lane {
				if math.Float64bits(s.lane[j]) != math.Float64bits(v.lane[j]) {
					t.Fatalf("case %d (nds %d, rows [%d, %d)): metric %d %v lane %d: vector %v, scalar %v",
						it, nds, lo, hi, i, s.cols, j, v.lane[j], s.lane[j])
				}
			}
			if s.cov != v.cov || s.spikes != v.spikes || s.edges != v.edges {
				t.Fatalf("case %d (nds %d, rows [%d, %d)): metric %d %v: vector cov %d spikes %d, scalar %d %d",
					it, nds, lo, hi, i, s.cols, v.cov, v.spikes, s.cov, s.spikes)
			}
		}
		if sb != nil {
			if !slices.Equal(sb.in, vb.in) || !slices.Equal(sb.out, vb.out) || !slices.Equal(sb.max, vb.max) || sb.n != vb.n {
				t.Fatalf("case %d (nds %d, rows [%d, %d), in %v out %v, bounds %x): bandwidth differs:\nvector %v %v %v %v\nscalar %v %v %v %v",
					it, nds, lo, hi, ms[inIdx].cols, ms[outIdx].cols, bounds, vb.n, vb.in, vb.out, vb.max, sb.n, sb.in, sb.out, sb.max)
			}
		}
	}
}

// vector.go's setup leaves to the scalar kernels what the vector kernel
// cannot take, and the vector kernel runs for the seed's schema.
func TestVectorTakes(t *testing.T) {
	if !useVector {
		t.Skip("this processor has no AVX-512: interior uses the scalar kernels only")
	}
	one := func(c int) acc { return acc{col: c, cols: []int{c}, maxRate: math.Inf(1)} }
	two := acc{col: -1, cols: []int{0, 1}, maxRate: math.Inf(1)}
	three := acc{col: -1, cols: []int{0, 1, 2}, maxRate: math.Inf(1)}
	vals := make([]float64, 9*64)
	var k vblock
	// the seed's: ticks (two DS), vm, rss, disk, in, out
	accs := []acc{two, one(4), one(5), one(6), one(2), one(3)}
	bw := new(bandwidth)
	bw.reset()
	use, withBW := k.setup(accs, vals[:7*64], 7, 0, 64, 4, 5, bw)
	if !use || !withBW || k.nm != 6 {
		t.Errorf("seed schema: use %v, bandwidth %v, %d metrics; want all 6 and the bandwidth", use, withBW, k.nm)
	}
	// a metric of three DS, and in of two: left to the scalar kernels
	accs = []acc{three, two, one(3)}
	use, withBW = k.setup(accs, vals[:7*64], 7, 0, 64, 1, 2, bw)
	if !use || withBW || k.nm != 2 || k.takes(0) || !k.takes(1) || !k.takes(2) {
		t.Errorf("three DS and in of two: use %v, bandwidth %v, takes %v", use, withBW, k.which[:k.nm])
	}
	// rows of 9 DS, and ranges without a whole block
	if use, _ := k.setup([]acc{one(0)}, vals, 9, 0, 64, -1, -1, nil); use {
		t.Error("9 DS taken")
	}
	if use, _ := k.setup([]acc{one(0)}, vals, 7, 8, 8, -1, -1, nil); use {
		t.Error("no block taken")
	}
	// more metrics than the kernel holds: the first vecMetrics
	var many []acc
	for range vecMetrics + 3 {
		many = append(many, one(0))
	}
	if use, _ := k.setup(many, vals, 7, 0, 64, -1, -1, nil); !use || k.nm != vecMetrics || k.takes(vecMetrics) {
		t.Errorf("%d metrics: took %v", len(many), k.which[:k.nm])
	}
}
