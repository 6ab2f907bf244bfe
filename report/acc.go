package report

import "math"

// A metric's total over an RRA part is kept as eight interleaved sums of
// the rows that count for a whole step (row r of the part goes into sum
// r mod 8; the rows are AVERAGE rates, added as they are and multiplied
// by the step once at the end, as the seed does) plus one sum of value ×
// seconds for the rows the part's bounds cut:
//
//	total = ((s0+s1)+(s2+s3) + (s4+s5)+(s6+s7)) × step + edges
//
// The order of the additions is fixed by the rows alone, so a figure has
// the same bits whatever reads it (usage, a run, a shard): changing this
// order changes the last digits of figures already billed.

// lanes is how many interleaved sums a metric keeps.
const lanes = 8

// acc is one metric's state while a file's rows are walked.
type acc struct {
	cols    []int   // the metric's DS columns
	maxRate float64 // +Inf when the metric has none
	lane    [lanes]float64
	edges   float64 // Σ value × seconds of the rows cut by the part's bounds
	cov     int64   // seconds with a known value
	spikes  int
}

// known is the metric's value in row; ok is false when it is unknown or
// a spike.
func (a *acc) known(row []float64) (v float64, ok bool) {
	if len(a.cols) == 1 {
		v = row[a.cols[0]] // as it is: rowValue would turn -0 into +0
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

// addWhole adds rows [lo, hi) of vals (nds values per row), each of which
// lies wholly inside the part: what add does for each, a metric at a time
// down the rows. The rows from the first multiple of lanes go eight at a
// time, one into each sum, with the sums in locals, which the compiler
// keeps in registers: through a, or an array, every addition would wait
// on a store and a load.
func (a *acc) addWhole(vals []float64, nds, lo, hi int, step int64) {
	one := len(a.cols) == 1
	r := lo
	for ; r < hi && r%lanes != 0; r++ {
		a.add(vals[r*nds:(r+1)*nds], r, step, step)
	}
	l, lim, n, spikes := a.lane, a.maxRate, 0, 0
	l0, l1, l2, l3, l4, l5, l6, l7 := l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]
	if one {
		c := a.cols[0]
		for ; r+lanes <= hi; r += lanes {
			b := vals[r*nds : (r+lanes)*nds]
			_ = b[7*nds+c] // as it is: rowValue would turn -0 into +0
			l0, n, spikes = count(l0, b[c], lim, n, spikes)
			l1, n, spikes = count(l1, b[nds+c], lim, n, spikes)
			l2, n, spikes = count(l2, b[2*nds+c], lim, n, spikes)
			l3, n, spikes = count(l3, b[3*nds+c], lim, n, spikes)
			l4, n, spikes = count(l4, b[4*nds+c], lim, n, spikes)
			l5, n, spikes = count(l5, b[5*nds+c], lim, n, spikes)
			l6, n, spikes = count(l6, b[6*nds+c], lim, n, spikes)
			l7, n, spikes = count(l7, b[7*nds+c], lim, n, spikes)
		}
	} else {
		cols := a.cols
		for ; r+lanes <= hi; r += lanes {
			b := vals[r*nds : (r+lanes)*nds]
			l0, n, spikes = count(l0, rowValue(b[:nds], cols), lim, n, spikes)
			l1, n, spikes = count(l1, rowValue(b[nds:2*nds], cols), lim, n, spikes)
			l2, n, spikes = count(l2, rowValue(b[2*nds:3*nds], cols), lim, n, spikes)
			l3, n, spikes = count(l3, rowValue(b[3*nds:4*nds], cols), lim, n, spikes)
			l4, n, spikes = count(l4, rowValue(b[4*nds:5*nds], cols), lim, n, spikes)
			l5, n, spikes = count(l5, rowValue(b[5*nds:6*nds], cols), lim, n, spikes)
			l6, n, spikes = count(l6, rowValue(b[6*nds:7*nds], cols), lim, n, spikes)
			l7, n, spikes = count(l7, rowValue(b[7*nds:], cols), lim, n, spikes)
		}
	}
	a.lane = [lanes]float64{l0, l1, l2, l3, l4, l5, l6, l7}
	a.cov += int64(n) * step
	a.spikes += spikes
	for ; r < hi; r++ {
		a.add(vals[r*nds:(r+1)*nds], r, step, step)
	}
}

// count adds a row's value v to the sum l when it counts (v <= lim is
// false for NaN, unknown, and for a spike), counting the row in n or the
// spike in spikes.
func count(l, v, lim float64, n, spikes int) (float64, int, int) {
	switch {
	case v <= lim:
		return l + v, n + 1, spikes
	case v > lim:
		return l, n, spikes + 1
	}
	return l, n, spikes
}

// total is the part's sum, and resets the sums for the next part.
func (a *acc) total(step int64) float64 {
	l := &a.lane
	t := ((l[0]+l[1])+(l[2]+l[3])+((l[4]+l[5])+(l[6]+l[7])))*float64(step) + a.edges
	a.lane, a.edges = [lanes]float64{}, 0
	return t
}

// rowValue sums the known members of a metric (the seed's _sum_none),
// NaN when none is known.
func rowValue(vals []float64, cols []int) float64 {
	if len(cols) == 2 { // ticks: user + system, on every row of a fleet
		return sumNone(vals[cols[0]], vals[cols[1]])
	}
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

// sumNone is rowValue of two members x and y, to the same bits: unknown
// (NaN) members add nothing, NaN when both are unknown.
func sumNone(x, y float64) float64 {
	switch {
	case x != x:
		return 0 + y // NaN when y is
	case y != y:
		return 0 + x
	}
	return (0 + x) + y
}
