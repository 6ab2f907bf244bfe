package report

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/billrun/billrun/rrdfetch"
)

// firstChunk is how many rows a scan for known rows reads at first,
// doubling up to maxFirstChunk: a file with old data has a known row
// first, and one created lately is read only up to its first.
const firstChunk, maxFirstChunk = 16, 1024

// beginning is before every row of every file: firstKnownFrom(f,
// beginning) is when f's data begins.
const beginning = math.MinInt64

// scanRRA calls fn with the rows of RRA i of f from t onwards (forward)
// or back from t, a chunk at a time (firstChunk rows, doubling up to
// maxFirstChunk), until fn says stop or the ring ends.
func scanRRA(f Rows, i int, t int64, forward bool, fn func(d *rrdfetch.Data) (stop bool)) error {
	h := f.Header()
	step := h.RRAStep(i)
	first, last := h.RRACoverage(i)
	n := int64(firstChunk)
	// rows outside the ring are unknown: start where it starts or ends
	t = min(max(t, first-step), last)
	for lo, hi := t, t; ; {
		n = min(n*2, maxFirstChunk)
		if forward {
			lo, hi = hi, min(hi+n*step, last)
		} else {
			lo, hi = max(lo-n*step, first-step), lo
		}
		if hi <= lo {
			return nil
		}
		d, err := f.ReadRRAInto(i, lo, hi, nil)
		if err != nil {
			return err
		}
		if fn(d) {
			return nil
		}
	}
}

// averages are f's AVERAGE RRAs, finest first.
func averages(h *rrdfetch.Header) []int {
	var avg []int
	for i, r := range h.RRA {
		if r.CF == "AVERAGE" {
			avg = append(avg, i)
		}
	}
	slices.SortStableFunc(avg, func(a, b int) int { return cmp.Compare(h.RRAStep(a), h.RRAStep(b)) })
	return avg
}

// knownBefore says whether any row of f that begins before t holds a
// known value: for a file with data, the rows just before t.
func knownBefore(f Rows, t int64) (bool, error) {
	found := false
	h := f.Header()
	for _, i := range averages(h) {
		limit := finerFrom(h, h.RRAStep(i))
		err := scanRRA(f, i, t, false, func(d *rrdfetch.Data) bool {
			for k := range d.Rows() {
				if d.Time(k)-d.Step < t && d.Time(k) <= limit && !allNaN(d.Row(k)) {
					found = true
				}
			}
			return found
		})
		if err != nil || found {
			return found, err
		}
	}
	return false, nil
}

// firstKnownFrom is the start of the earliest row of f holding a known
// value among the rows that end after t. A row of a coarse RRA counts
// only where no finer RRA holds its time (it ends before their first
// rows): averaged with rrdtool's xff, a 30-day row is known when half of
// its days are, and would date the data weeks too early.
func firstKnownFrom(f Rows, t int64) (first int64, ok bool, err error) {
	h := f.Header()
	for _, i := range averages(h) {
		limit := finerFrom(h, h.RRAStep(i))
		err := scanRRA(f, i, t, true, func(d *rrdfetch.Data) bool {
			if ok && d.Start >= first {
				return true // this RRA has nothing earlier
			}
			if k, found := firstKnownRow(d.Values, len(d.DSNames)); found {
				if at := d.Time(k) - d.Step; d.Time(k) <= limit && (!ok || at < first) {
					first, ok = at, true
				}
				return true
			}
			return false
		})
		if err != nil {
			return 0, false, err
		}
	}
	return first, ok, nil
}

func allNaN(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) {
			return false
		}
	}
	return true
}

// firstKnownRow is the index of the first row of values (nds per row)
// with a value that is not NaN.
func firstKnownRow(values []float64, nds int) (int, bool) {
	for j, v := range values {
		if !math.IsNaN(v) {
			return j / nds, true
		}
	}
	return 0, false
}

// DataBegins is when the earliest data of the sources begins (Unix
// seconds): the start of the earliest known row of any of their files. A
// file that cannot be read is passed over (the run that bills reports
// it); ok is false when no readable file holds a known row.
func DataBegins(ctx context.Context, sources []Source, opt Options) (t int64, ok bool, err error) {
	for _, s := range sources {
		if err := ctx.Err(); err != nil {
			return 0, false, err
		}
		f, err := opt.open(s)
		if err != nil {
			continue
		}
		first, found, err := firstKnownFrom(f, beginning)
		f.Close()
		if err == nil && found && (!ok || first < t) {
			t, ok = first, true
		}
	}
	return t, ok, nil
}
