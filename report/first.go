package report

import (
	"context"
	"math"
)

// firstChunk is how many rows firstKnown reads at a time: a file with
// old data has a known row first, and one created lately is read only up
// to its first.
const firstChunk = 1024

// firstKnown is when f's data begins: the start of the interval of its
// earliest row, in any AVERAGE RRA, with a known value. ok is false when
// no row holds one.
func firstKnown(f Rows) (t int64, ok bool, err error) {
	h := f.Header()
	for i, r := range h.RRA {
		if r.CF != "AVERAGE" {
			continue
		}
		step := h.RRAStep(i)
		first, last := h.RRACoverage(i)
		for from := first - step; from < last && (!ok || from < t); from += firstChunk * step {
			d, err := f.ReadRRAInto(i, from, min(from+firstChunk*step, last), nil)
			if err != nil {
				return 0, false, err
			}
			if k, found := firstKnownRow(d.Values, len(d.DSNames)); found {
				if at := d.Time(k) - d.Step; !ok || at < t {
					t, ok = at, true
				}
				break
			}
		}
	}
	return t, ok, nil
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
		first, found, err := firstKnown(f)
		f.Close()
		if err == nil && found && (!ok || first < t) {
			t, ok = first, true
		}
	}
	return t, ok, nil
}
