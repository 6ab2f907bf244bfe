package report

import (
	"math"
	"unsafe"
)

// This file adds up a part's rows. On the machines billrun is measured
// on, a floating-point addition waits several nanoseconds for the one
// before it, so one running sum per metric is bound by that wait. A
// metric's total over a part is therefore kept as eight interleaved sums
// of the rows that count for a whole step (row r of the part goes into
// sum r mod 8; the rows are AVERAGE rates, added as they are, × the step
// once at the end, as the seed does) plus one sum of value × seconds for
// the rows the part's bounds cut:
//
//	total = ((s0+s1)+(s2+s3) + (s4+s5)+(s6+s7)) × step + edges
//
// The order is fixed by the rows alone, so every path here gives the same
// figure bit for bit (TestKernelsMatchRowByRow), and the eight sums keep
// the adder busy.
//
// FileUsage sends the cut rows and, for daily series, every row through
// row-by-row code (acc.add); the whole rows go through the column kernels
// below.

// lanes is how many interleaved sums a metric keeps.
const lanes = 8

// acc is one metric's state while a file's rows are walked.
type acc struct {
	col     int     // the DS column of a one-DS metric, else -1
	cols    []int   // its DS columns
	maxRate float64 // +Inf when the metric has none
	lane    [lanes]float64
	edges   float64 // Σ value × seconds of the rows cut by the part's bounds
	cov     int64
	spikes  int
}

// known is the metric's value in row; ok is false when it is unknown or
// a spike.
func (a *acc) known(row []float64) (v float64, ok bool) {
	if a.col >= 0 {
		v = row[a.col]
	} else {
		v = rowValue(row, a.cols)
	}
	// false for NaN (unknown, or a sum of +Inf and -Inf) and for a spike
	return v, v <= a.maxRate
}

// add adds row r of a part of the given step, sec seconds of it, and says
// whether it counted (its value, when it did).
func (a *acc) add(row []float64, r int, sec, step int64) (float64, bool) {
	v, ok := a.known(row)
	switch {
	case !ok:
		if v > a.maxRate {
			a.spikes++
		}
		return v, false
	case sec == step:
		a.lane[r%lanes] += v
	default:
		a.edges += v * float64(sec)
	}
	a.cov += sec
	return v, true
}

// total is the part's sum, and resets the sums for the next part.
func (a *acc) total(step int64) float64 {
	l := &a.lane
	t := ((l[0]+l[1])+(l[2]+l[3])+((l[4]+l[5])+(l[6]+l[7])))*float64(step) + a.edges
	a.lane, a.edges = [lanes]float64{}, 0
	return t
}

// interior adds rows [lo, hi) of vals (nds values per row), each counting
// for a whole step, to every metric, and adds the rows' bandwidth samples
// to bw when it is not nil (in and out are then metrics inIdx and outIdx).
// The rows between the first and last multiple of lanes go through the
// vector kernel (vector.go) where it can take them, else through the
// column kernels below.
func interior(k *vblock, accs []acc, vals []float64, nds, lo, hi int, step int64, inIdx, outIdx int, bw *bandwidth) {
	vals = vals[:hi*nds]
	// rows before the first multiple of lanes, and after the last, one
	// at a time
	head := min(lo+(lanes-lo%lanes)%lanes, hi)
	tail := head + (hi-head)/lanes*lanes
	vec, vecBW := k.setup(accs, vals, nds, head, tail, inIdx, outIdx, bw)
	for i := range accs {
		a := &accs[i]
		for r := lo; r < head; r++ {
			a.add(vals[r*nds:(r+1)*nds], r, step, step)
		}
		switch {
		case vec && k.takes(i):
			continue // the kernel's rows, then the tail, below
		case a.col >= 0:
			a.single(vals, nds, head, tail, step)
		case len(a.cols) == 2:
			a.double(vals, nds, head, tail, step)
		default:
			for r := head; r < tail; r++ {
				a.add(vals[r*nds:(r+1)*nds], r, step, step)
			}
		}
		for r := tail; r < hi; r++ {
			a.add(vals[r*nds:(r+1)*nds], r, step, step)
		}
	}
	if !vec {
		if bw != nil {
			bandwidthRows(accs, vals, nds, lo, hi, inIdx, outIdx, bw)
		}
		return
	}
	// The samples go into bw in row order, as without the kernel.
	if vecBW {
		bandwidthRows(accs, vals, nds, lo, head, inIdx, outIdx, bw)
	}
	k.run(accs, step, bw)
	for _, i := range k.which[:k.nm] {
		a := &accs[i]
		for r := tail; r < hi; r++ {
			a.add(vals[r*nds:(r+1)*nds], r, step, step)
		}
	}
	switch {
	case vecBW:
		bandwidthRows(accs, vals, nds, tail, hi, inIdx, outIdx, bw)
	case bw != nil:
		bandwidthRows(accs, vals, nds, lo, hi, inIdx, outIdx, bw)
	}
}

// bandwidthRows adds the bandwidth samples of rows [lo, hi) to bw.
func bandwidthRows(accs []acc, vals []float64, nds, lo, hi, inIdx, outIdx int, bw *bandwidth) {
	ai, ao := &accs[inIdx], &accs[outIdx]
	if ai.col >= 0 && ao.col >= 0 {
		bw.columns(vals, nds, lo, hi, ai.col, ao.col, ai.maxRate, ao.maxRate)
		return
	}
	for r := lo; r < hi; r++ {
		row := vals[r*nds : (r+1)*nds]
		in, inOK := ai.known(row)
		out, outOK := ao.known(row)
		bw.add(in, inOK, out, outOK)
	}
}

// count adds one row's value v to the lane sum l when it counts (v <= lim
// is false for NaN, unknown, and for a spike), counting the row in cnt or
// the spike in spikes.
func count(l, v, lim float64, cnt, spikes int) (float64, int, int) {
	if v <= lim {
		return l + v, cnt + 1, spikes
	}
	return l, cnt, spikes + b2i(v > lim)
}

// The kernels below walk unsafe pointers, every address checked against
// vals before the loop: written with slices, the bounds checks and the
// registers they need cost more than the additions (the compiler kept
// half the loop's state on the stack).

// single adds rows [lo, hi) (multiples of lanes) of a one-DS metric.
func (a *acc) single(vals []float64, nds, lo, hi int, step int64) {
	if hi <= lo {
		return
	}
	_ = vals[(hi-1)*nds+a.col] // the last value read
	base := unsafe.Pointer(&vals[lo*nds+a.col])
	stride := uintptr(nds) * 8
	lim := a.maxRate
	l := a.lane
	l0, l1, l2, l3, l4, l5, l6, l7 := l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]
	cnt, spikes := 0, a.spikes
	for off, end := uintptr(0), uintptr(hi-lo)*stride; off < end; off += lanes * stride {
		// rows r … r+7, all before hi
		p := unsafe.Add(base, off)
		l0, cnt, spikes = count(l0, *(*float64)(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l1, cnt, spikes = count(l1, *(*float64)(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l2, cnt, spikes = count(l2, *(*float64)(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l3, cnt, spikes = count(l3, *(*float64)(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l4, cnt, spikes = count(l4, *(*float64)(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l5, cnt, spikes = count(l5, *(*float64)(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l6, cnt, spikes = count(l6, *(*float64)(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l7, cnt, spikes = count(l7, *(*float64)(p), lim, cnt, spikes)
	}
	a.lane = [lanes]float64{l0, l1, l2, l3, l4, l5, l6, l7}
	a.cov += int64(cnt) * step
	a.spikes = spikes
}

// double adds rows [lo, hi) (multiples of lanes) of a metric of two DS
// (ticks: user + system).
func (a *acc) double(vals []float64, nds, lo, hi int, step int64) {
	if hi <= lo {
		return
	}
	c0, c1 := a.cols[0], a.cols[1]
	_ = vals[(hi-1)*nds+max(c0, c1)] // the last value read
	base := unsafe.Pointer(&vals[lo*nds+c0])
	d := (c1 - c0) * 8 // bytes from the first member to the second
	stride := uintptr(nds) * 8
	lim := a.maxRate
	l := a.lane
	l0, l1, l2, l3, l4, l5, l6, l7 := l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]
	cnt, spikes := 0, a.spikes
	v := func(p unsafe.Pointer) float64 { return sumNone(*(*float64)(p), *(*float64)(unsafe.Add(p, d))) }
	for off, end := uintptr(0), uintptr(hi-lo)*stride; off < end; off += lanes * stride {
		p := unsafe.Add(base, off)
		l0, cnt, spikes = count(l0, v(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l1, cnt, spikes = count(l1, v(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l2, cnt, spikes = count(l2, v(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l3, cnt, spikes = count(l3, v(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l4, cnt, spikes = count(l4, v(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l5, cnt, spikes = count(l5, v(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l6, cnt, spikes = count(l6, v(p), lim, cnt, spikes)
		p = unsafe.Add(p, stride)
		l7, cnt, spikes = count(l7, v(p), lim, cnt, spikes)
	}
	a.lane = [lanes]float64{l0, l1, l2, l3, l4, l5, l6, l7}
	a.cov += int64(cnt) * step
	a.spikes = spikes
}

// sumNone is x + y where unknown (NaN) members add nothing, NaN when both
// are unknown: rowValue for two DS, as the seed's _sum_none.
func sumNone(x, y float64) float64 {
	switch {
	case x != x:
		return 0 + y // NaN when y is
	case y != y:
		return 0 + x
	}
	return (0 + x) + y
}

// rowValue sums the known members of a metric (the seed's _sum_none),
// NaN when none is known.
func rowValue(vals []float64, cols []int) float64 {
	s, ok := 0.0, false
	for _, c := range cols {
		if v := vals[c]; v == v {
			s += v
			ok = true
		}
	}
	if !ok {
		return math.NaN()
	}
	return s
}
