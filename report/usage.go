package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/billrun/billrun/rrdfetch"
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
	keep := func(u *VPSUsage) (*VPSUsage, error) { return u, nil }
	errs, err := usageEach(ctx, SourcesOf(sources), p, metrics, opt, false, keep, func(u *VPSUsage) error {
		out.VPS = append(out.VPS, *u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Errors = errs
	return out, nil
}

// UsageEach is Usage handing each file's result to emit, in the order
// sources yields them, instead of keeping them, so that memory does not
// grow with the fleet (billrun usage streams its JSON and CSV this way,
// from a SortedSources). An error sources yields ends the run with it.
// encode turns a result into what emit takes (its JSON, say); it runs in
// the worker that read the file, so that encoding is spread over the
// workers like the reading, and must be safe to call from several
// goroutines. The workers run ahead of emit by at most 64 files each:
// they never wait for it until then, and what waits is bounded. The files
// that could not be read are returned, by name, in order.
//
// encode must not keep the *VPSUsage it is given, nor the lists it holds:
// each worker works out its files' figures in the same memory.
func UsageEach[T any](ctx context.Context, sources iter.Seq2[Source, error], p Period, metrics []Metric, opt Options,
	encode func(*VPSUsage) (T, error), emit func(T) error) ([]FileError, error) {
	return usageEach(ctx, sources, p, metrics, opt, true, encode, emit)
}

// usageEach is UsageEach, reusing each worker's *VPSUsage from file to
// file when reuse is true.
func usageEach[T any](ctx context.Context, sources iter.Seq2[Source, error], p Period, metrics []Metric, opt Options, reuse bool,
	encode func(*VPSUsage) (T, error), emit func(T) error) ([]FileError, error) {
	if err := ValidateMetrics(metrics); err != nil {
		return nil, err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type result struct {
		v     T
		file  string // with a file's error
		err   error
		fatal bool // err ends the run (encode failed, sources failed, or interrupted); else it is the file's
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// queue holds, in the sources' order, one channel per file started;
	// its capacity is how far the workers may run ahead of emit.
	queue := make(chan chan result, 64*workers)
	type job struct {
		s Source
		c chan result
	}
	jobs := make(chan job, workers)
	// A fixed set of workers rather than a goroutine per file: each new
	// goroutine grew its stack to what FileUsage needs, and copying
	// stacks was 5 % of the CPU time over 10,000 files. They never fail
	// as a group (a file's error is its result), so a WaitGroup and ctx,
	// which the loop below cancels when it stops, are all they need.
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var mine VPSUsage // the figures of this worker's files, in turn
			for j := range jobs {
				j.c <- func() result {
					defer tick(opt.Progress)
					if err := ctx.Err(); err != nil {
						return result{err: err, fatal: true}
					}
					u := &mine
					if !reuse {
						u = new(VPSUsage)
					}
					if err := fileUsage(j.s, p, metrics, opt, u); err != nil {
						return result{file: j.s.File, err: err}
					}
					v, err := encode(u)
					return result{v: v, err: err, fatal: err != nil}
				}()
			}
		})
	}
	// Each file's result channel is one of these, in turn, so that a run
	// makes no garbage per file for them. A channel is queued again (for
	// file i+len(slots)) only when the queue has room, which it first has
	// after the loop below took file i+1 from it, and so after that loop
	// read file i's result: the channel is empty and nothing else holds it.
	slots := make([]chan result, cap(queue)+1)
	go func() {
		defer close(jobs)
		defer close(queue)
		i := 0
		for s, err := range sources {
			c := slots[i%len(slots)]
			if c == nil {
				c = make(chan result, 1)
				slots[i%len(slots)] = c
			}
			i++
			select {
			case queue <- c:
			case <-ctx.Done():
				return
			}
			if err != nil {
				c <- result{err: err, fatal: true}
				return
			}
			// c is queued, so it must get a result: the workers take
			// jobs until it is closed, so this send always completes.
			jobs <- job{s, c}
		}
	}()
	failed := []FileError{}
	var stop error
	for c := range queue {
		r := <-c
		switch {
		case stop != nil:
		case r.fatal:
			stop = r.err
		case r.err != nil:
			failed = append(failed, FileError{File: r.file, Error: r.err.Error()})
		default:
			stop = emit(r.v)
		}
		if stop != nil {
			cancel() // the producer stops; the rest of the queue drains
		}
	}
	wg.Wait()
	if stop == nil {
		stop = ctx.Err() // the caller's: interrupted
	}
	if stop != nil {
		return nil, stop
	}
	return failed, nil
}

// scratch is the memory a file's figures are worked out in, reused from
// file to file (the pool hands it from one to the next): a month of
// 1-minute rows is 2.5 MB per file, and the header and the metrics' state
// some 4 KB more, which would otherwise be garbage after each one.
type scratch struct {
	rows   []float64
	bw     bandwidth
	file   rrdfetch.File // reopened for each local file
	accs   []acc
	cols   []int // the accs' DS columns
	totals []sum
	vec    vblock
}

// setAccs readies sc.accs, one per metric, for a file with header h.
func (sc *scratch) setAccs(h *rrdfetch.Header, metrics []Metric) ([]acc, error) {
	var err error
	sc.cols = sc.cols[:0]
	for _, m := range metrics {
		if sc.cols, err = appendDSIndex(sc.cols, h, m.DS); err != nil {
			return nil, fmt.Errorf("metric %s: %w", m.Name, err)
		}
	}
	accs := grow(sc.accs, len(metrics))
	sc.accs = accs
	cols := sc.cols
	for i, m := range metrics {
		accs[i] = acc{col: -1, cols: cols[:len(m.DS):len(m.DS)], maxRate: math.Inf(1)}
		cols = cols[len(m.DS):]
		if len(m.DS) == 1 {
			accs[i].col = accs[i].cols[0]
		}
		if m.MaxRate > 0 {
			accs[i].maxRate = m.MaxRate
		}
	}
	return accs, nil
}

var bufPool = sync.Pool{New: func() any { return new(scratch) }}

// grow returns b resized to n, reusing its memory (and keeping its
// contents).
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return append(b[:cap(b)], make([]T, n-cap(b))...)
	}
	return b[:n]
}

// FileUsage computes one file's usage for p.
func FileUsage(s Source, p Period, metrics []Metric, opt Options) (*VPSUsage, error) {
	u := new(VPSUsage)
	if err := fileUsage(s, p, metrics, opt, u); err != nil {
		return nil, err
	}
	return u, nil
}

// fileUsage is FileUsage into u, whose Metrics and RRA lists it reuses;
// after an error u is not a result.
func fileUsage(s Source, p Period, metrics []Metric, opt Options, u *VPSUsage) error {
	full := p
	p, ok := s.Window(p)
	if !ok {
		return fmt.Errorf("%s: not active in %s", s.File, full.Label)
	}
	sc := bufPool.Get().(*scratch)
	defer bufPool.Put(sc)
	f, parts, err := openPlanned(s, p, &sc.file, u.RRA)
	if err != nil {
		return err
	}
	defer f.Close()
	h := f.Header()
	start, end := p.Start.Unix(), p.End.Unix()
	inIdx, outIdx := metricIndex(metrics, "in"), metricIndex(metrics, "out")
	accs, err := sc.setAccs(h, metrics)
	if err != nil {
		return fmt.Errorf("%s: %w", s.File, err)
	}
	totals := grow(sc.totals, len(metrics))
	sc.totals = totals
	clear(totals)
	var days []DailyBytes
	var dayStart []int64
	if opt.Daily {
		dayStart = dayStarts(p)
		for _, d := range dayStart {
			days = append(days, DailyBytes{Day: time.Unix(d, 0).In(p.Start.Location()).Format("2006-01-02")})
		}
	}
	var bw *bandwidth // nil without both in and out
	if inIdx >= 0 && outIdx >= 0 {
		bw = &sc.bw
		bw.reset()
	}
	var last *rrdfetch.Data // the last part's rows
	for _, part := range parts {
		d, err := f.ReadRRAInto(part.RRA, part.From, part.To, sc.rows)
		if err != nil {
			return fmt.Errorf("%s: %w", s.File, err)
		}
		if cap(d.Values) > cap(sc.rows) {
			sc.rows = d.Values
		}
		last = d
		n, nds := d.Rows(), len(d.DSNames)
		if bw != nil && len(parts) == 1 {
			bw.plan(d.Values, nds, n, &accs[inIdx], &accs[outIdx])
		}
		// row walks row r, which covers [lo, hi) of the part, through
		// every metric: the general path, for rows the part's bounds cut
		// and for daily series.
		row := func(r int, lo, hi int64) {
			vals := d.Values[r*nds : (r+1)*nds : (r+1)*nds]
			var in, out float64
			var inOK, outOK bool
			for i := range accs {
				v, ok := accs[i].add(vals, r, hi-lo, d.Step)
				switch i {
				case inIdx:
					in, inOK = v, ok
				case outIdx:
					out, outOK = v, ok
				}
			}
			if bw == nil {
				return
			}
			bw.add(in, inOK, out, outOK)
			if opt.Daily {
				if !inOK {
					in = 0
				}
				if !outOK {
					out = 0
				}
				spread(dayStart, end, lo, hi, func(k int, o int64) {
					days[k].In += Num(in * float64(o))
					days[k].Out += Num(out * float64(o))
				})
			}
		}
		// Rows [a, b) lie wholly inside the part: each counts for a whole
		// step. Without daily series they are walked a metric at a time,
		// down a column (rows.go), several times faster than row by row
		// and to the same sums.
		a, b := 0, 0
		if !opt.Daily {
			a = int(min(max(ceilDiv(part.From-d.Start, d.Step), 0), int64(n)))
			b = int(min(max(floorDiv(part.To-d.Start, d.Step), int64(a)), int64(n)))
		}
		overlap(d, part, 0, a, row)
		if b > a {
			interior(&sc.vec, accs, d.Values, nds, a, b, d.Step, inIdx, outIdx, bw)
		}
		overlap(d, part, b, n, row)
		for i, m := range metrics {
			t := accs[i].total(d.Step)
			if m.Kind == Gauge {
				t /= 60
			}
			totals[i].add(t)
		}
	}
	ms := u.Metrics[:0]
	if cap(ms) < len(metrics) {
		ms = make(Metrics, 0, len(metrics))
	}
	*u = VPSUsage{Name: s.Name, File: s.File, RRA: parts, LastUpdate: h.LastUpdate, Daily: days, Metrics: ms}
	if len(parts) > 0 {
		u.Step = parts[len(parts)-1].Step
	}
	span := float64(end - start)
	for i, m := range metrics {
		u.Metrics = append(u.Metrics, MetricUsage{Name: m.Name, Unit: m.Unit,
			Total: Num(totals[i].value()), Coverage: Num(float64(accs[i].cov) / span), Spikes: accs[i].spikes})
	}
	if bw != nil {
		p95, ok := bw.p95()
		if !ok {
			// plan's bounds (one part only) were too high for this file:
			// take every sample again from the part's rows, still in hand
			bw.reset()
			ai, ao := &accs[inIdx], &accs[outIdx]
			nds := len(last.DSNames)
			overlap(last, parts[0], 0, last.Rows(), func(r int, _, _ int64) {
				row := last.Values[r*nds : (r+1)*nds]
				in, inOK := ai.known(row)
				out, outOK := ao.known(row)
				bw.add(in, inOK, out, outOK)
			})
			p95, _ = bw.p95()
		}
		u.P95 = p95
	}
	return nil
}

// overlap calls f for each of rows [from, to) of d that overlaps part,
// with the part of the row's interval inside it, [lo, hi).
func overlap(d *rrdfetch.Data, part Part, from, to int, f func(r int, lo, hi int64)) {
	for r := from; r < to; r++ {
		// rows are in time order
		t := d.Time(r)
		if lo, hi := max(t-d.Step, part.From), min(t, part.To); hi > lo {
			f(r, lo, hi)
		}
	}
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func tick(f func()) {
	if f != nil {
		f()
	}
}

func metricIndex(ms []Metric, name string) int {
	for i, m := range ms {
		if m.Name == name {
			return i
		}
	}
	return -1
}
