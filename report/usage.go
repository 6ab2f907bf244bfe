package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/rrdfetch"
)

// Source is one RRD file to report on, under a name. From and Until, when
// set, clip the period to the time the VPS was active: its usage and
// coverage are over the clipped window only.
type Source struct {
	Name string
	File string
	// From and Until bound the VPS's active window, in Unix seconds; 0
	// is no bound. Seconds rather than time.Time keep a source 32 bytes
	// smaller, and usage holds one per VPS of the fleet, sorted.
	From, Until int64
	// Daemon, when set, is the rrdcached (host:port) that serves File,
	// a name relative to its base directory: the file lives on that host.
	Daemon string
	// P95Step, when set, is the step in seconds the bandwidth is
	// consolidated to before its 95th percentile is taken (the plan's
	// p95.step); unset, each RRA row is a sample. (32 bits, with P95Sum
	// beside it, keep a source 8 bytes larger only: a fleet holds 100,000.)
	P95Step int32
	// P95Sum asks for the 95th percentile of in + out too (a plan that
	// bills direction sum): one more selection per file, made only then.
	P95Sum bool
	// FromData measures the VPS (or the host) from its file's first known
	// row when the file has no data before the window and that row is
	// later than its start (created during the period): the time before
	// it was not missed, it did not exist.
	FromData bool
}

// Bound is t as a Source's From or Until: Unix seconds, 0 for the zero
// time (no bound). Config refuses active dates before 1971, so 0 is never
// a real bound.
func Bound(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// Window is the part of p a source was active in (empty: ok false).
func (s Source) Window(p period.Period) (period.Period, bool) {
	var from, until time.Time
	if s.From != 0 {
		from = time.Unix(s.From, 0).In(p.Start.Location())
	}
	if s.Until != 0 {
		until = time.Unix(s.Until, 0).In(p.Start.Location())
	}
	return p.Clip(from, until)
}

// PeriodJSON is how a period appears in every output.
type PeriodJSON struct {
	Start      string `json:"start"`
	End        string `json:"end"`
	StartEpoch int64  `json:"start_epoch"`
	EndEpoch   int64  `json:"end_epoch"`
	// UntilNow: the period asked for had not ended, and the report stops
	// at the time it was made (billrun usage and sla --until-now).
	UntilNow bool `json:"until_now,omitempty"`
}

// NewPeriodJSON is p as every output shows it.
func NewPeriodJSON(p period.Period) PeriodJSON {
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

// P95 is the 95th percentile of bandwidth in bits per second: of in, of
// out, of the larger of the two and of their sum, per sample.
type P95 struct {
	In  Num `json:"in"`
	Out Num `json:"out"`
	Max Num `json:"max"`
	Sum Num `json:"sum,omitempty"` // with Source.P95Sum
	// Step is the samples' fixed step in seconds (Source.P95Step); 0:
	// each RRA row was a sample.
	Step int64 `json:"step,omitempty"`
	// Coarse: some rows were coarser than Step, so their rate stands for
	// each of the steps they cover.
	Coarse bool `json:"coarse,omitempty"`
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
	// DataFrom, with Source.FromData, is when the file's data begins, when
	// that is inside or after the window (Unix seconds): the VPS is
	// measured from then, and not at all when it is the window's end or
	// later (the file has no data for the period).
	DataFrom int64 `json:"data_from,omitempty"`
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
	// Open opens a source's rows; nil opens local files only.
	Open Opener
	// Gaps (SLA): what the seconds of a period a host's uptime file has
	// no data for count as.
	Gaps Gaps
	// Witnesses (SLA, GapsEvidence): each host's VPS files, by host name,
	// read where the host's uptime file has gaps.
	Witnesses map[string][]Source
}

// Gaps is a policy for the seconds a host's uptime file has no data for.
type Gaps int

const (
	// GapsIgnore leaves them out of the mean, as rrdtool's AVERAGE
	// leaves unknowns out.
	GapsIgnore Gaps = iota
	// GapsDown counts them as downtime (0 %), as LibreNMS and Observium
	// count an unreachable host.
	GapsDown
	// GapsEvidence counts a second as downtime only where none of the
	// host's VPS files has data either; where one has, the second is
	// unmonitored: left out of the mean, and reported.
	GapsEvidence
)

// ParseGaps reads a policy's name: down, ignore or evidence.
func ParseGaps(s string) (Gaps, bool) {
	for g := GapsIgnore; g <= GapsEvidence; g++ {
		if g.String() == s {
			return g, true
		}
	}
	return GapsIgnore, false
}

// String is the policy's name in the config and the JSON.
func (g Gaps) String() string { return [...]string{"ignore", "down", "evidence"}[g] }

// Usage computes the usage of every source for p, reading files in
// parallel; the output keeps the sources' order, and a file that cannot be
// read lands in Errors (by name) while the others are reported.
func Usage(ctx context.Context, sources []Source, p period.Period, metrics []Metric, opt Options) (*UsageReport, error) {
	out := &UsageReport{Period: NewPeriodJSON(p), VPS: []VPSUsage{}}
	keep := func(u *VPSUsage) (*VPSUsage, error) { return u, nil }
	errs, err := UsageEach(ctx, sources, p, metrics, opt, keep, func(u *VPSUsage) error {
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
// order, instead of keeping them, so that what is held does not grow with
// the fleet (billrun usage streams its JSON and CSV this way). encode
// turns a result into what emit takes (its JSON, say); it runs in the
// worker that read the file, so that encoding is spread over the cores
// like the reading, and must be safe to call from several goroutines. The
// files that could not be read are returned, by name, in order.
func UsageEach[T any](ctx context.Context, sources []Source, p period.Period, metrics []Metric, opt Options,
	encode func(*VPSUsage) (T, error), emit func(T) error) ([]FileError, error) {
	if err := ValidateMetrics(metrics); err != nil {
		return nil, err
	}
	// A VPS not active in the period (ended before it, or begun after)
	// has no usage to report and no file to read: it is left out.
	sources = slices.DeleteFunc(slices.Clone(sources), func(s Source) bool {
		_, active := s.Window(p)
		return !active
	})
	return eachFile(ctx, sources, opt, func(s Source, sc *scratch) (T, error) {
		u, err := fileUsage(s, p, metrics, opt, sc)
		if err != nil {
			var zero T
			return zero, err
		}
		v, err := encode(u)
		if err != nil {
			return v, runError{err}
		}
		return v, nil
	}, emit)
}

// runError is an error that ends a run rather than failing one file.
type runError struct{ err error }

func (e runError) Error() string { return e.err.Error() }

// eachFile is the reports' worker pool: work runs over the sources on
// opt.Workers goroutines (0: GOMAXPROCS), each with its own scratch, and
// emit is handed the results in the sources' order, so no output depends
// on scheduling. The workers run ahead of emit by at most 64 files each. A
// work error fails its file (returned by name, in order); a runError from
// work, an error from emit or ctx's end stops the run.
func eachFile[T any](ctx context.Context, sources []Source, opt Options, work func(Source, *scratch) (T, error), emit func(T) error) ([]FileError, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type result struct {
		v   T
		err error
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
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var sc scratch // reused from file to file
			for j := range jobs {
				var r result
				if err := ctx.Err(); err != nil {
					r.err = runError{err}
				} else {
					r.v, r.err = work(j.s, &sc)
				}
				tick(opt.Progress)
				j.c <- r
			}
		})
	}
	go func() {
		defer close(jobs)
		defer close(queue)
		for _, s := range sources {
			c := make(chan result, 1)
			select {
			case queue <- c:
			case <-ctx.Done():
				return
			}
			// c is queued, so it must get a result: the workers take
			// jobs until jobs is closed, so this send always completes.
			jobs <- job{s, c}
		}
	}()
	failed := []FileError{}
	var stop error
	i := 0
	for c := range queue {
		r := <-c
		var fatal runError
		switch {
		case stop != nil:
		case errors.As(r.err, &fatal):
			stop = fatal.err
		case r.err != nil:
			failed = append(failed, FileError{File: sources[i].File, Error: r.err.Error()})
		default:
			stop = emit(r.v)
		}
		if stop != nil {
			cancel() // the producer stops; the rest of the queue drains
		}
		i++
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

// FileUsage computes one file's usage for p.
func FileUsage(s Source, p period.Period, metrics []Metric, opt Options) (*VPSUsage, error) {
	return fileUsage(s, p, metrics, opt, new(scratch))
}

// scratch is the memory a file's figures are worked out in, which a
// worker reuses from file to file: a month of rows and its bandwidth
// samples are some 350 KB per file.
type scratch struct {
	rows []float64
	bw   bandwidth
}

// fileUsage is FileUsage working in sc.
func fileUsage(s Source, p period.Period, metrics []Metric, opt Options, sc *scratch) (*VPSUsage, error) {
	f, p, dataFrom, err := openMeasured(s, p, opt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := f.Header()
	if !p.End.After(p.Start) { // no data in the window
		return &VPSUsage{Name: s.Name, File: s.File, LastUpdate: h.LastUpdate, DataFrom: dataFrom, Metrics: Metrics{}}, nil
	}
	parts, err := plan(h, p.Start.Unix(), p.End.Unix())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	accs, err := newAccs(h, metrics)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	start, end := p.Start.Unix(), p.End.Unix()
	inIdx, outIdx := metricIndex(metrics, "in"), metricIndex(metrics, "out")
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
		bw.step, bw.wantSum = int64(s.P95Step), s.P95Sum
	}
	totals := make([]sum, len(metrics))
	var used []Part
	for todo := parts; len(todo) > 0; {
		part := todo[0]
		d, err := f.ReadRRAInto(part.RRA, part.From, part.To, sc.rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
		sc.rows = d.Values
		if split := splitResets(h, part, d, accs); split != nil {
			todo = append(split, todo[1:]...)
			continue
		}
		todo, used = todo[1:], append(used, part)
		addPart(d, part, accs, metrics, totals)
		if bw != nil {
			a, b := whole(d, part)
			bandwidthRows(d, part, a, b, &accs[inIdx], &accs[outIdx], bw, days, dayStart, end)
		}
	}
	parts = used
	u := &VPSUsage{Name: s.Name, File: s.File, RRA: parts, LastUpdate: h.LastUpdate, Daily: days, Metrics: make(Metrics, 0, len(metrics)), DataFrom: dataFrom}
	if len(parts) > 0 {
		u.Step = parts[len(parts)-1].Step
	}
	span := float64(end - start)
	for i, m := range metrics {
		u.Metrics = append(u.Metrics, MetricUsage{Name: m.Name, Unit: m.Unit,
			Total: Num(totals[i].value()), Coverage: Num(float64(accs[i].cov) / span), Spikes: accs[i].spikes})
	}
	if bw != nil {
		bw.flush()
		u.P95 = bw.p95()
	}
	return u, nil
}

// openMeasured opens s and gives the part of p it is measured over: its
// active window, from its file's first known row with s.FromData, and
// that row's start when it moved the window.
func openMeasured(s Source, p period.Period, opt Options) (Rows, period.Period, int64, error) {
	w, ok := s.Window(p)
	if !ok {
		return nil, w, 0, fmt.Errorf("%s: not active in %s", s.File, p.Label)
	}
	f, err := opt.open(s)
	if err != nil || !s.FromData {
		return f, w, 0, err
	}
	w, dataFrom, err := fromData(f, w)
	if err != nil {
		f.Close()
		return nil, w, 0, fmt.Errorf("%s: %w", s.File, err)
	}
	return f, w, dataFrom, nil
}

// newAccs are the accumulators of metrics over the columns of h.
func newAccs(h *rrdfetch.Header, metrics []Metric) ([]acc, error) {
	accs := make([]acc, len(metrics))
	for i, m := range metrics {
		cols, err := appendDSIndex(nil, h, m.DS)
		if err != nil {
			return nil, fmt.Errorf("metric %s: %w", m.Name, err)
		}
		accs[i] = acc{cols: cols, maxRate: m.limit(h, cols)}
	}
	return accs, nil
}

// fromData is window w started at f's first known row when the file
// holds no known row before w's start (a VPS created during w), and that
// start; a file with data before w keeps w whole, a gap at its start
// being a gap in monitoring. A file with no known row in w or before it
// has w emptied at its end.
func fromData(f Rows, w period.Period) (period.Period, int64, error) {
	start := w.Start.Unix()
	first, ok, err := firstKnownFrom(f, start)
	if err != nil || ok && first <= start {
		return w, 0, err // data at the window's start: nothing moves
	}
	// the window begins in a gap: data before it makes it one of monitoring
	if before, err := knownBefore(f, start); err != nil || before {
		return w, 0, err
	}
	if !ok || first >= w.End.Unix() {
		w.Start = w.End
		return w, w.End.Unix(), nil
	}
	w.Start = time.Unix(first, 0).In(w.Start.Location())
	return w, first, nil
}

// bandwidthRows adds the bandwidth samples of d's rows that overlap part
// to bw, and their bytes to the days that start at dayStart when days is
// not nil (the last day ends at end). in and out count as ai and ao do.
// Rows [a, b) lie wholly inside the part: without days, and with no p95
// step or the rows' own, each of them is one sample (bandwidth.rows);
// every other row goes through consolidate, or add without a step.
func bandwidthRows(d *rrdfetch.Data, part Part, a, b int, ai, ao *acc, bw *bandwidth, days []DailyBytes, dayStart []int64, end int64) {
	each := func(from, to int) {
		for r := from; r < to; r++ {
			t := d.Time(r)
			lo, hi := max(t-d.Step, part.From), min(t, part.To)
			if hi <= lo {
				continue
			}
			row := d.Row(r)
			in, inOK := ai.known(row)
			out, outOK := ao.known(row)
			if bw.step > 0 {
				bw.consolidate(lo, hi, d.Step, in, inOK, out, outOK)
			} else {
				bw.add(in, inOK, out, outOK)
			}
			if days == nil {
				continue
			}
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
	if days != nil || bw.step != 0 && bw.step != d.Step {
		each(0, d.Rows())
		return
	}
	each(0, a)
	bw.rows(d.Values, len(d.DSNames), a, b, ai, ao)
	each(b, d.Rows())
}

// addPart adds the rows of d, read for part, to each metric's total.
func addPart(d *rrdfetch.Data, part Part, accs []acc, metrics []Metric, totals []sum) {
	a, b := whole(d, part)
	n, nds := d.Rows(), len(d.DSNames)
	for i := range accs {
		edge := func(r int, lo, hi int64) { accs[i].add(d.Row(r), r, hi-lo, d.Step) }
		overlap(d, part, 0, a, edge)
		accs[i].addWhole(d.Values, nds, a, b, d.Step)
		overlap(d, part, b, n, edge)
		t := accs[i].total(d.Step)
		if metrics[i].Kind == Gauge {
			t /= 60
		}
		totals[i].add(t)
	}
}

// whole gives the rows [a, b) of d that lie wholly inside part and count
// for a whole step; the others are cut by its bounds or miss it.
func whole(d *rrdfetch.Data, part Part) (a, b int) {
	n := int64(d.Rows())
	a64 := min(max(ceilDiv(part.From-d.Start, d.Step), 0), n)
	return int(a64), int(min(max(floorDiv(part.To-d.Start, d.Step), a64), n))
}

// overlap calls f for each of rows [from, to) of d that overlaps part, in
// time order, with the part of the row's interval inside it, [lo, hi).
func overlap(d *rrdfetch.Data, part Part, from, to int, f func(r int, lo, hi int64)) {
	for r := from; r < to; r++ {
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
