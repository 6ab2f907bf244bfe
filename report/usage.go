package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Source is one RRD file to report on, under a name. From and Until, when
// set, clip the period to the time the VPS was active: its usage and
// coverage are over the clipped window only.
type Source struct {
	Name        string
	File        string
	From, Until time.Time
	// Daemon, when set, is the rrdcached (host:port) that serves File,
	// a name relative to its base directory: the file lives on that host.
	Daemon string
}

// Window is the part of p a source was active in (empty: ok false).
func (s Source) Window(p Period) (Period, bool) {
	if !s.From.IsZero() && s.From.After(p.Start) {
		p.Start = s.From
	}
	if !s.Until.IsZero() && s.Until.Before(p.End) {
		p.End = s.Until
	}
	return p, p.End.After(p.Start)
}

// PeriodJSON is how a period appears in every output.
type PeriodJSON struct {
	Start      string `json:"start"`
	End        string `json:"end"`
	StartEpoch int64  `json:"start_epoch"`
	EndEpoch   int64  `json:"end_epoch"`
}

// NewPeriodJSON is p as every output shows it.
func NewPeriodJSON(p Period) PeriodJSON {
	return PeriodJSON{
		Start: p.Start.Format(time.RFC3339), End: p.End.Format(time.RFC3339),
		StartEpoch: p.Start.Unix(), EndEpoch: p.End.Unix(),
	}
}

// MetricUsage is one metric's figures for a period.
type MetricUsage struct {
	Name     string `json:"-"`
	Unit     string `json:"-"`
	Total    Num    `json:"total"`
	Coverage Num    `json:"coverage"`
	Spikes   int    `json:"spikes"`
}

// Metrics keeps metrics in configuration order and marshals as a JSON
// object in that order.
type Metrics []MetricUsage

func (ms Metrics) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.Name)
		v, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Get returns the metric named name.
func (ms Metrics) Get(name string) (MetricUsage, bool) {
	for _, m := range ms {
		if m.Name == name {
			return m, true
		}
	}
	return MetricUsage{}, false
}

// P95 is the 95th percentile of bandwidth in bits per second.
type P95 struct {
	In  Num `json:"in"`
	Out Num `json:"out"`
	Max Num `json:"max"`
}

// DailyBytes is one day's in/out totals in bytes (for invoice charts).
type DailyBytes struct {
	Day string `json:"day"` // YYYY-MM-DD in the period's zone
	In  Num    `json:"in"`
	Out Num    `json:"out"`
}

// VPSUsage is one file's usage for a period.
type VPSUsage struct {
	Name       string       `json:"name"`
	File       string       `json:"file"`
	Step       int64        `json:"step"`
	Metrics    Metrics      `json:"metrics"`
	P95        *P95         `json:"p95_bps,omitempty"`
	RRA        []Part       `json:"rra"`
	LastUpdate int64        `json:"last_update"`
	Daily      []DailyBytes `json:"daily,omitempty"` // with Options.Daily
}

// FileError is a file that could not be reported on.
type FileError struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// UsageReport is the answer of `billrun usage`.
type UsageReport struct {
	Period PeriodJSON  `json:"period"`
	VPS    []VPSUsage  `json:"vps"`
	Errors []FileError `json:"errors"`
}

// Options tune a report run.
type Options struct {
	Workers  int    // files read at once; 0 = GOMAXPROCS
	Daily    bool   // also compute daily series (invoices)
	Progress func() // called (from any goroutine) after each file; may be nil
}

// Usage computes the usage of every source for p, reading files in
// parallel; the output keeps the sources' order, and a file that cannot be
// read lands in Errors (by name) while the others are reported.
func Usage(ctx context.Context, sources []Source, p Period, metrics []Metric, opt Options) (*UsageReport, error) {
	out := &UsageReport{Period: NewPeriodJSON(p), VPS: []VPSUsage{}}
	errs, err := UsageEach(ctx, sources, p, metrics, opt, func(u *VPSUsage) error {
		out.VPS = append(out.VPS, *u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Errors = errs
	return out, nil
}

// UsageEach is Usage handing each file's result to emit, in the sources'
// order, instead of keeping them: files are read in windows of 64 per
// worker and each window's results are emitted and dropped before the next
// is read, so memory does not grow with the fleet (billrun usage streams
// its JSON and CSV this way). The files that could not be read are
// returned, by name, in order.
func UsageEach(ctx context.Context, sources []Source, p Period, metrics []Metric, opt Options, emit func(*VPSUsage) error) ([]FileError, error) {
	if err := ValidateMetrics(metrics); err != nil {
		return nil, err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := 64 * workers
	failed := []FileError{}
	for lo := 0; lo < len(sources); lo += window {
		part := sources[lo:min(lo+window, len(sources))]
		res, errs, err := perFile(ctx, part, workers, func(s Source) (*VPSUsage, error) {
			defer tick(opt.Progress)
			return FileUsage(s, p, metrics, opt)
		})
		if err != nil {
			return nil, err
		}
		for i := range part {
			if errs[i] != nil {
				failed = append(failed, FileError{File: part[i].File, Error: errs[i].Error()})
				continue
			}
			if err := emit(res[i]); err != nil {
				return nil, err
			}
		}
	}
	return failed, nil
}

// scratch holds the per-file buffers; the pool recycles them across files
// (a month of 1-minute rows is 2.5 MB per file, which would otherwise be
// garbage after each one).
type scratch struct {
	rows, pIn, pOut, pMax, band []float64
}

var bufPool = sync.Pool{New: func() any { return new(scratch) }}

// grow returns b resized to n, reusing its memory.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// FileUsage computes one file's usage for p.
func FileUsage(s Source, p Period, metrics []Metric, opt Options) (*VPSUsage, error) {
	full := p
	p, ok := s.Window(p)
	if !ok {
		return nil, fmt.Errorf("%s: not active in %s", s.File, full.Label)
	}
	f, parts, err := openPlanned(s, p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := f.Header()
	start, end := p.Start.Unix(), p.End.Unix()
	cols := make([][]int, len(metrics))
	for i, m := range metrics {
		if cols[i], err = dsIndex(h, m.DS); err != nil {
			return nil, fmt.Errorf("%s: metric %s: %w", s.File, m.Name, err)
		}
	}
	totals := make([]sum, len(metrics))
	inIdx, outIdx := metricIndex(metrics, "in"), metricIndex(metrics, "out")
	var pIn, pOut, pMax []float64
	var days []DailyBytes
	var dayStart []int64
	if opt.Daily {
		dayStart = dayStarts(p)
		for _, d := range dayStart {
			days = append(days, DailyBytes{Day: time.Unix(d, 0).In(p.Start.Location()).Format("2006-01-02")})
		}
	}
	sc := bufPool.Get().(*scratch)
	defer bufPool.Put(sc)
	pIn, pOut, pMax = sc.pIn[:0], sc.pOut[:0], sc.pMax[:0]
	defer func() { sc.pIn, sc.pOut, sc.pMax = pIn, pOut, pMax }()
	// One pass over the rows per part, every metric per row: the rows are
	// read once from memory. Each metric's total still adds its rows in
	// time order, so the sums are the same as one metric at a time.
	// Each metric's state, packed so the row loop touches one small array.
	type acc struct {
		col     int   // the DS column of a one-DS metric, else -1
		cols    []int // its DS columns
		maxRate float64
		tot     float64 // this part's Σ value × seconds
		cov     int64
		spikes  int
	}
	accs := make([]acc, len(metrics))
	for i, c := range cols {
		accs[i] = acc{col: -1, cols: c, maxRate: metrics[i].MaxRate}
		if len(c) == 1 {
			accs[i].col = c[0]
		}
	}
	p95 := inIdx >= 0 && outIdx >= 0
	for _, part := range parts {
		d, err := f.ReadRRAInto(part.RRA, part.From, part.To, sc.rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
		if cap(d.Values) > cap(sc.rows) {
			sc.rows = d.Values
		}
		n, nds := d.Rows(), len(d.DSNames)
		for i := range accs {
			accs[i].tot = 0
		}
		for r := range n {
			// the row's seconds inside the part; rows are in time order
			t := d.Time(r)
			lo, hi := max(t-d.Step, part.From), min(t, part.To)
			if hi <= lo {
				continue
			}
			ov := hi - lo
			row := d.Values[r*nds : (r+1)*nds : (r+1)*nds]
			in, out := math.NaN(), math.NaN()
			for i := range accs {
				a := &accs[i]
				var v float64
				var ok bool
				if a.col >= 0 {
					v = row[a.col]
					ok = v == v // not NaN
				} else {
					v, ok = rowValue(row, a.cols)
				}
				if !ok {
					continue
				}
				if a.maxRate > 0 && v > a.maxRate {
					a.spikes++
					continue
				}
				a.tot += v * float64(ov)
				a.cov += ov
				switch i {
				case inIdx:
					in = v
				case outIdx:
					out = v
				}
			}
			if !p95 {
				continue
			}
			inOK, outOK := !math.IsNaN(in), !math.IsNaN(out)
			if inOK {
				pIn = append(pIn, in*8)
			}
			if outOK {
				pOut = append(pOut, out*8)
			}
			if inOK || outOK {
				pMax = append(pMax, max(nanTo0(in), nanTo0(out))*8) // neither is NaN
			}
			if opt.Daily {
				in, out := nanTo0(in), nanTo0(out)
				spread(dayStart, end, lo, hi, func(k int, o int64) {
					days[k].In += Num(in * float64(o))
					days[k].Out += Num(out * float64(o))
				})
			}
		}
		for i, m := range metrics {
			if m.Kind == Gauge {
				accs[i].tot /= 60
			}
			totals[i].add(accs[i].tot)
		}
	}
	u := &VPSUsage{Name: s.Name, File: s.File, RRA: parts, LastUpdate: h.LastUpdate, Daily: days}
	if len(parts) > 0 {
		u.Step = parts[len(parts)-1].Step
	}
	span := float64(end - start)
	for i, m := range metrics {
		u.Metrics = append(u.Metrics, MetricUsage{Name: m.Name, Unit: m.Unit,
			Total: Num(totals[i].value()), Coverage: Num(float64(accs[i].cov) / span), Spikes: accs[i].spikes})
	}
	if inIdx >= 0 && outIdx >= 0 {
		u.P95 = &P95{In: Num(percentile95(pIn, &sc.band)), Out: Num(percentile95(pOut, &sc.band)), Max: Num(percentile95(pMax, &sc.band))}
	}
	return u, nil
}

func tick(f func()) {
	if f != nil {
		f()
	}
}

func nanTo0(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// rowValue sums the known members of a metric (the seed's _sum_none): the
// row counts when at least one is known.
func rowValue(vals []float64, cols []int) (float64, bool) {
	var s float64
	ok := false
	for _, c := range cols {
		if v := vals[c]; !math.IsNaN(v) {
			s += v
			ok = true
		}
	}
	return s, ok
}

func metricIndex(ms []Metric, name string) int {
	for i, m := range ms {
		if m.Name == name {
			return i
		}
	}
	return -1
}

// percentile95 is the nearest-rank 95th percentile: sort the samples,
// discard the top 5 % (rounded down), take the highest remaining, i.e. the
// value at rank ceil(0.95 n). NaN without samples. It selects in linear
// time (a month of 1-minute rows is 44,640 samples per VPS and direction)
// and reorders xs.
// band, when not nil, is scratch space it reuses.
func percentile95(xs []float64, band *[]float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(0.95 * float64(len(xs))))
	if band == nil {
		band = new([]float64)
	}
	return nthBanded(xs, max(rank, 1)-1, band)
}

// nthBanded is nth in about one pass over a large xs: the sorted values of
// a regular sample of xs give two bounds, lo and hi, that very likely
// bracket the k-th smallest; one pass counts the values below lo and
// gathers those in [lo, hi], and the k-th is selected among those few.
// The answer is exact whatever the sample: when the bounds miss (or ties
// crowd the band), it selects over all of xs.
func nthBanded(xs []float64, k int, band *[]float64) float64 {
	const m = 128 // sample size
	n := len(xs)
	if n < 8*m {
		return nth(xs, k)
	}
	var sample [m]float64
	stride := n / m
	for i := range sample {
		sample[i] = xs[i*stride]
	}
	slices.Sort(sample[:])
	pos := k * m / n
	lo, hi := sample[max(pos-8, 0)], sample[min(pos+8, m-1)]
	below := 0
	b := (*band)[:0]
	for _, x := range xs {
		if x < lo {
			below++
		} else if x <= hi {
			b = append(b, x)
		}
	}
	*band = b
	if below <= k && k < below+len(b) {
		return nth(b, k-below)
	}
	return nth(xs, k)
}

// nth returns the k-th smallest element (0-based), partially ordering xs
// (quickselect with a median-of-three pivot; xs holds no NaN).
func nth(xs []float64, k int) float64 {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k]
		}
	}
	return xs[k]
}
