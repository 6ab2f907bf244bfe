package report

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/billrun/billrun/rrdwrite"
)

// rowsFile writes a file of random rows: gaps, spikes, ties, negative
// gauges, +Inf, and two AVERAGE RRAs (1 and 5 PDPs per row) so that a
// period reaching before the finest one is read in parts.
func rowsFile(t *testing.T, seed uint64) (string, int64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	spec := rrdwrite.Spec{Step: 60, RRA: []rrdwrite.RRA{
		{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 1, Rows: 3000},
		{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 5, Rows: 2000},
	}}
	for _, n := range []string{"a", "b", "c", "in", "out"} {
		spec.DS = append(spec.DS, rrdwrite.DS{Name: n, Type: "GAUGE", Heartbeat: 120, Min: math.NaN(), Max: math.NaN()})
	}
	const first = 1_790_000_040 // a multiple of 60 and of 300
	last := int64(first + 60*8000)
	path := filepath.Join(t.TempDir(), "rows.rrd")
	err := rrdwrite.WriteFile(path, spec, first, last, func(_ int64, v []float64) {
		for i := range v {
			switch x := r.IntN(100); {
			case x < 6:
				v[i] = math.NaN()
			case x < 8:
				v[i] = 5e9 // a spike for max_rate 1e9
			case x < 20:
				v[i] = float64(r.IntN(4)) // ties
			case x < 22 && i < 3:
				v[i] = -r.Float64() * 1e3
			case x == 22 && i == 2:
				v[i] = math.Inf(1)
			default:
				v[i] = r.Float64() * 1e8
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return path, last
}

// The column kernels (rows wholly inside a part, without daily series)
// give every figure bit for bit as the row-by-row path (which daily
// series take), for aligned and unaligned periods, one part or several.
func TestKernelsMatchRowByRow(t *testing.T) {
	sets := map[string][]Metric{
		"one-DS in/out": {
			{Name: "one", DS: []string{"a"}, Kind: Gauge},
			{Name: "two", DS: []string{"a", "b"}, Kind: Counter, MaxRate: 1e9},
			{Name: "three", DS: []string{"a", "b", "c"}, Kind: Counter},
			{Name: "in", DS: []string{"in"}, Kind: Counter, MaxRate: 1e9},
			{Name: "c", DS: []string{"c"}, Kind: Gauge, MaxRate: 1e9},
			{Name: "out", DS: []string{"out"}, Kind: Counter},
		},
		"two-DS in": {
			{Name: "in", DS: []string{"in", "c"}, Kind: Counter, MaxRate: 1e9},
			{Name: "out", DS: []string{"out"}, Kind: Counter, MaxRate: 1e9},
			{Name: "b", DS: []string{"b"}, Kind: Gauge},
		},
		"no p95": {
			{Name: "in", DS: []string{"in"}, Kind: Counter},
			{Name: "b", DS: []string{"b"}, Kind: Gauge, MaxRate: 1e9},
		},
	}
	for seed := range uint64(3) {
		file, last := rowsFile(t, seed)
		r := rand.New(rand.NewPCG(seed, 9))
		for range 20 {
			// from 10 to 8000 minutes back, often not on a row boundary
			end := last - int64(r.IntN(600))
			start := end - 600 - int64(r.IntN(480000))
			if r.IntN(3) == 0 {
				start -= start % 300
				end -= end % 60
			}
			p, err := Custom(time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC())
			if err != nil {
				t.Fatal(err)
			}
			for name, ms := range sets {
				fast, err := FileUsage(Source{Name: "x", File: file}, p, ms, Options{})
				if err != nil {
					t.Fatal(err)
				}
				slow, err := FileUsage(Source{Name: "x", File: file}, p, ms, Options{Daily: true})
				if err != nil {
					t.Fatal(err)
				}
				for i := range fast.Metrics {
					f, s := fast.Metrics[i], slow.Metrics[i]
					if !same(f.Total, s.Total) || !same(f.Coverage, s.Coverage) || f.Spikes != s.Spikes {
						t.Fatalf("%s, [%d, %d), %d parts: %s %+v, row by row %+v", name, start, end, len(fast.RRA), f.Name, f, s)
					}
				}
				if (fast.P95 == nil) != (slow.P95 == nil) || fast.P95 != nil &&
					(!same(fast.P95.In, slow.P95.In) || !same(fast.P95.Out, slow.P95.Out) || !same(fast.P95.Max, slow.P95.Max)) {
					t.Fatalf("%s, [%d, %d): p95 %+v, row by row %+v", name, start, end, fast.P95, slow.P95)
				}
			}
		}
	}
}

func same(a, b Num) bool { return math.Float64bits(float64(a)) == math.Float64bits(float64(b)) }

// The kernels' sums are the figures a plain loop gets (to rounding): the
// in metric over one part, against rows summed one by one.
func TestKernelSumsAgainstPlainLoop(t *testing.T) {
	file, last := rowsFile(t, 5)
	p, _ := Custom(time.Unix(last-60*2000, 0), time.Unix(last, 0))
	ms := []Metric{{Name: "in", DS: []string{"in"}, Kind: Counter, MaxRate: 1e9}, {Name: "out", DS: []string{"out"}, Kind: Counter}}
	u, err := FileUsage(Source{Name: "x", File: file}, p, ms, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, parts, err := openPlanned(Source{File: file}, p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(parts) != 1 {
		t.Fatalf("parts %+v", parts)
	}
	d, err := f.ReadRRAInto(parts[0].RRA, parts[0].From, parts[0].To, nil)
	if err != nil {
		t.Fatal(err)
	}
	var tot float64
	var known, spikes int
	var in []float64
	for r := range d.Rows() {
		switch v := d.Row(r)[3]; {
		case math.IsNaN(v):
		case v > 1e9:
			spikes++
		default:
			tot += v * 60
			known++
			in = append(in, v*8)
		}
	}
	got, _ := u.Metrics.Get("in")
	if !relClose(float64(got.Total), tot, 1e-12) || got.Spikes != spikes || float64(got.Coverage) != float64(known*60)/float64(2000*60) {
		t.Errorf("in %+v, want total %v, %d spikes, %d rows known", got, tot, spikes, known)
	}
	slices.Sort(in)
	if want := in[int(math.Ceil(0.95*float64(len(in))))-1]; float64(u.P95.In) != want {
		t.Errorf("p95 in %v, want %v", u.P95.In, want)
	}
}
