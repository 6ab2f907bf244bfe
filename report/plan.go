package report

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/rrdfetch"
	"golang.org/x/sync/errgroup"
)

// Part is a piece of a period read from one RRA: [From, To) in epoch
// seconds.
type Part struct {
	RRA       int   `json:"rra"`
	PDPPerRow int64 `json:"pdp_per_row"`
	Step      int64 `json:"step"`
	From      int64 `json:"from"`
	To        int64 `json:"to"`
}

// plan chooses where each part of [start, end) is read from: the finest
// AVERAGE RRA that covers the whole period (every RRA ends at the last
// update, so "whole" is decided by the start), or else, from the end of
// the period backwards, each part from the finest AVERAGE RRA that still
// has it. An RRA's row stamped t covers (t-step, t]; it has data from
// (oldest row - step). What no RRA has is left out (unknown, lowering
// coverage).
func plan(h *rrdfetch.Header, start, end int64) ([]Part, error) {
	var avg []int
	for i, r := range h.RRA {
		if r.CF == "AVERAGE" {
			avg = append(avg, i)
		}
	}
	if len(avg) == 0 {
		return nil, fmt.Errorf("no AVERAGE RRA")
	}
	slices.SortStableFunc(avg, func(a, b int) int { return cmp.Compare(h.RRAStep(a), h.RRAStep(b)) })
	for _, i := range avg {
		if first, _ := h.RRACoverage(i); first-h.RRAStep(i) <= start {
			return []Part{{RRA: i, PDPPerRow: int64(h.RRA[i].PDPPerRow), Step: h.RRAStep(i), From: start, To: end}}, nil
		}
	}
	var parts []Part
	cur := end
	for _, i := range avg {
		first, _ := h.RRACoverage(i)
		from := max(start, first-h.RRAStep(i))
		if from >= cur {
			continue
		}
		parts = append(parts, Part{RRA: i, PDPPerRow: int64(h.RRA[i].PDPPerRow), Step: h.RRAStep(i), From: from, To: cur})
		cur = from
		if cur <= start {
			break
		}
	}
	if len(parts) == 0 {
		return nil, nil // no RRA has the period: "rra": null
	}
	slices.Reverse(parts) // chronological order
	return parts, nil
}

// row is one RRA row clipped to a part: its end-of-interval stamp, its
// step, and the seconds of its interval inside the part.
type row struct {
	t, step, overlap int64
	lo, hi           int64 // the interval clipped to the part: [lo, hi)
	vals             []float64
}

// readParts reads the rows of every part and calls fn for each row whose
// interval overlaps its part, in time order.
func readParts(f rows, parts []Part, fn func(r row)) error {
	for _, p := range parts {
		d, err := f.ReadRRAInto(p.RRA, p.From, p.To, nil)
		if err != nil {
			return err
		}
		for i := range d.Rows() {
			t := d.Time(i)
			lo, hi := max(t-d.Step, p.From), min(t, p.To)
			if hi <= lo {
				continue
			}
			fn(row{t: t, step: d.Step, overlap: hi - lo, lo: lo, hi: hi, vals: d.Row(i)})
		}
	}
	return nil
}

// appendDSIndex appends the column indexes of names to idx, naming what
// is missing.
func appendDSIndex(idx []int, h *rrdfetch.Header, names []string) ([]int, error) {
	for _, n := range names {
		k := -1
		for i, d := range h.DS {
			if d.Name == n {
				k = i
			}
		}
		if k < 0 {
			return nil, fmt.Errorf("no data source %q", n)
		}
		idx = append(idx, k)
	}
	return idx, nil
}

// rows is where a source's rows come from: a local file (rrdfetch) or a
// remote one through an rrdcached daemon's INFO and FETCH.
type rows interface {
	Header() *rrdfetch.Header
	ReadRRAInto(i int, start, end int64, buf []float64) (*rrdfetch.Data, error)
	Close() error
}

// remoteTimeout bounds one remote file's INFO and FETCHes.
const remoteTimeout = 2 * time.Minute

// remoteFile reads a file that lives on another host through its
// rrdcached (1.7's FETCH flushes the file first).
type remoteFile struct {
	c      *rrdcached.Client
	file   string
	h      *rrdfetch.Header
	ctx    context.Context
	cancel context.CancelFunc
}

func openRemote(s Source) (*remoteFile, error) {
	ctx, cancel := context.WithTimeout(context.Background(), remoteTimeout)
	c, err := rrdcached.Dial(ctx, s.Daemon)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	h, err := c.Header(ctx, s.File)
	if err != nil {
		c.Close()
		cancel()
		return nil, err
	}
	return &remoteFile{c: c, file: s.File, h: h, ctx: ctx, cancel: cancel}, nil
}

func (r *remoteFile) Header() *rrdfetch.Header { return r.h }

func (r *remoteFile) Close() error { r.cancel(); return r.c.Close() }

// ReadRRAInto fetches [start, end]; rrdcached picks the RRA itself (the
// finest that covers start, which is what plan chose), so a different
// step is an error rather than silently different rows.
func (r *remoteFile) ReadRRAInto(i int, start, end int64, _ []float64) (*rrdfetch.Data, error) {
	d, err := r.c.Fetch(r.ctx, r.file, "AVERAGE", start, end)
	if err != nil {
		return nil, err
	}
	if want := r.h.RRAStep(i); d.Step != want {
		return nil, fmt.Errorf("%s: rrdcached answered with %d-second rows, rra[%d] has %d", r.file, d.Step, i, want)
	}
	d.RRA = i
	return d, nil
}

// openPlanned opens a source and plans the period's parts; the caller
// closes it.
func openPlanned(s Source, p period.Period) (rows, []Part, error) {
	var f rows
	var err error
	if s.Daemon != "" {
		f, err = openRemote(s)
	} else {
		f, err = rrdfetch.Open(s.File)
	}
	if err != nil {
		return nil, nil, err
	}
	parts, err := plan(f.Header(), p.Start.Unix(), p.End.Unix())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", s.File, err)
	}
	return f, parts, nil
}

// perFile runs fn over the sources with at most workers at once (0:
// GOMAXPROCS), keeping results and per-file errors by index so the output
// order never depends on scheduling. It fails only when ctx is done.
func perFile[T any](ctx context.Context, sources []Source, workers int, fn func(Source) (*T, error)) ([]*T, []error, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	res := make([]*T, len(sources))
	errs := make([]error, len(sources))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, s := range sources {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			res[i], errs[i] = fn(s)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	return res, errs, nil
}
