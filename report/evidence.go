package report

import (
	"slices"
	"time"

	"github.com/billrun/billrun/internal/period"
)

// span is [lo, hi) in epoch seconds.
type span struct{ lo, hi int64 }

// appendSpan adds [lo, hi) to spans kept in time order, joining it to the
// last one when they touch.
func appendSpan(spans []span, lo, hi int64) []span {
	if n := len(spans); n > 0 && spans[n-1].hi >= lo {
		spans[n-1].hi = max(spans[n-1].hi, hi)
		return spans
	}
	return append(spans, span{lo, hi})
}

// uncoveredTo is where the parts begin: the seconds of the period before
// it are in no RRA (the whole period when there are no parts).
func uncoveredTo(parts []Part, end int64) int64 {
	if len(parts) == 0 {
		return end
	}
	return parts[0].From
}

// gapSpans lists the seconds of [start, end) that a host's uptime column
// has no data for: the unknown rows, and what no RRA has.
func gapSpans(f Rows, parts []Part, col int, start, end int64) ([]span, error) {
	var gaps []span
	if from := uncoveredTo(parts, end); from > start {
		gaps = append(gaps, span{start, from})
	}
	err := readParts(f, parts, func(r row) {
		if v := r.vals[col]; v != v {
			gaps = appendSpan(gaps, r.lo, r.hi)
		}
	})
	return gaps, err
}

// witnessed lists the seconds of gaps in which at least one of the VPS
// files has a row with a known value: the host ran then, whatever its
// uptime file says. A VPS file that cannot be read witnesses nothing (its
// error is the usage report's to give).
func witnessed(vps []Source, gaps []span, p period.Period, opt Options) []span {
	if len(gaps) == 0 || len(vps) == 0 {
		return nil
	}
	loc := p.Start.Location()
	window := period.Period{Start: time.Unix(gaps[0].lo, 0).In(loc), End: time.Unix(gaps[len(gaps)-1].hi, 0).In(loc), Kind: p.Kind, Label: p.Label}
	var all []span
	for _, s := range vps {
		f, parts, err := openPlanned(s, window, opt)
		if err != nil {
			continue
		}
		var seen []span
		err = readParts(f, parts, func(r row) {
			if !allNaN(r.vals) {
				cut(r.lo, r.hi, gaps, func(lo, hi int64, in bool) {
					if in {
						seen = appendSpan(seen, lo, hi)
					}
				})
			}
		})
		f.Close()
		if err == nil {
			all = append(all, seen...)
		}
	}
	slices.SortFunc(all, func(a, b span) int { return int(min(max(a.lo-b.lo, -1), 1)) })
	var out []span
	for _, s := range all {
		out = appendSpan(out, s.lo, s.hi)
	}
	return out
}

// cut calls fn for the pieces of [lo, hi) in time order, saying of each
// whether it lies in spans (sorted, disjoint).
func cut(lo, hi int64, spans []span, fn func(lo, hi int64, in bool)) {
	i, _ := slices.BinarySearchFunc(spans, lo, func(s span, t int64) int { return int(min(max(s.hi-t, -1), 1)) })
	for ; lo < hi && i < len(spans) && spans[i].lo < hi; i++ {
		if s := spans[i]; s.lo > lo {
			fn(lo, s.lo, false)
			lo = s.lo
		}
		if e := min(spans[i].hi, hi); e > lo {
			fn(lo, e, true)
			lo = e
		}
	}
	if lo < hi {
		fn(lo, hi, false)
	}
}
