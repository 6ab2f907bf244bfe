package report

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/rrdwrite"
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

func same(a, b Num) bool { return math.Float64bits(float64(a)) == math.Float64bits(float64(b)) }

// FileUsage's sums are the figures a plain loop gets (to rounding): the
// in metric over one part, against rows summed one by one.
func TestSumsAgainstPlainLoop(t *testing.T) {
	file, last := rowsFile(t, 5)
	p, _ := period.Custom(time.Unix(last-60*2000, 0), time.Unix(last, 0))
	ms := []Metric{{Name: "in", DS: []string{"in"}, Kind: Counter, MaxRate: 1e9}, {Name: "out", DS: []string{"out"}, Kind: Counter}}
	u, err := FileUsage(Source{Name: "x", File: file}, p, ms, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, parts, err := openPlanned(Source{File: file}, p, Options{})
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
