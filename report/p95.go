package report

import (
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// The bandwidth samples for the 95th percentile are kept as order keys:
// a float64's bits, turned so that comparing the keys as integers orders
// them as the numbers (negative values below positive ones, -0 just below
// +0). Comparing, selecting and taking the larger of in and out then take
// integer instructions, which cost far less than floating-point ones, and
// the answer is exactly a sample: key and value map one to one.

// key is v's order key (v is not NaN).
func key(v float64) int64 { return keyBits(math.Float64bits(v)) }

// keyBits is the order key of the value with bits u.
func keyBits(u uint64) int64 {
	b := int64(u)
	return b ^ int64(uint64(b>>63)>>1)
}

// unkey is the value whose order key is k.
func unkey(k int64) float64 {
	return math.Float64frombits(uint64(k ^ int64(uint64(k>>63)>>1)))
}

// bandwidth collects a file's bandwidth samples, in bytes per second, as
// order keys: in and out for each row where they count, and the larger of
// the two (an uncounted one taken as 0) where either does.
//
// Only the samples at or above a bound lo are kept, per series; the
// others are only counted. The 95th percentile is near the top, so plan
// sets the bounds from a sample of the rows before they are walked, and
// the rows are then gathered in the same pass that makes their keys: the
// selection works on about a tenth of them. A bound that turns out too
// high (more samples below it than the percentile's rank) is detected
// exactly by p95, and the file's samples are then taken again with no
// bound. With the bounds at math.MinInt64 (reset) every sample is kept.
type bandwidth struct {
	in, out, max []int64 // the samples at or above lo
	lo           [3]int64
	n            [3]int // samples of each series, kept or not
}

// reset empties bw and keeps every sample from now on.
func (bw *bandwidth) reset() {
	bw.in, bw.out, bw.max = bw.in[:0], bw.out[:0], bw.max[:0]
	bw.lo = [3]int64{math.MinInt64, math.MinInt64, math.MinInt64}
	bw.n = [3]int{}
}

// maxKey is the key of a row's larger direction, an uncounted one taken
// as 0 (whose key is 0); at least one of them counts.
func maxKey(ki int64, inOK bool, ko int64, outOK bool) int64 {
	switch {
	case !outOK:
		return max(ki, 0)
	case !inOK:
		return max(0, ko)
	}
	return max(ki, ko)
}

// add adds one row's samples.
func (bw *bandwidth) add(in float64, inOK bool, out float64, outOK bool) {
	var ki, ko int64
	if inOK {
		ki = key(in)
		bw.n[0]++
		if ki >= bw.lo[0] {
			bw.in = append(bw.in, ki)
		}
	}
	if outOK {
		ko = key(out)
		bw.n[1]++
		if ko >= bw.lo[1] {
			bw.out = append(bw.out, ko)
		}
	}
	if inOK || outOK {
		bw.n[2]++
		if m := maxKey(ki, inOK, ko, outOK); m >= bw.lo[2] {
			bw.max = append(bw.max, m)
		}
	}
}

// planMin is the fewest rows plan bounds a series for: below it the
// selection over every sample costs little anyway.
const planMin = 8 * bandSample

// planMargin is how many sampled ranks below the percentile's plan puts a
// bound. The bound falls below the percentile unless more than 95 % of
// the rows lie below it while only 88 % of the sample does: with 256
// sampled rows that happens about once in a few thousand files, and costs
// that file a second pass.
const planMargin = 16

// plan sets the bounds from bandSample of rows [0, n) of vals (nds values
// per row), with in and out counted as ai and ao count them.
func (bw *bandwidth) plan(vals []float64, nds, n int, ai, ao *acc) {
	if n < planMin {
		return
	}
	var s [3][bandSample]int64
	var c [3]int
	stride := n / bandSample
	for i := range bandSample {
		r := samplePos(i, stride)
		row := vals[r*nds : (r+1)*nds]
		var ki, ko int64
		in, inOK := ai.known(row)
		out, outOK := ao.known(row)
		if inOK {
			ki = key(in)
			s[0][c[0]], c[0] = ki, c[0]+1
		}
		if outOK {
			ko = key(out)
			s[1][c[1]], c[1] = ko, c[1]+1
		}
		if inOK || outOK {
			s[2][c[2]], c[2] = maxKey(ki, inOK, ko, outOK), c[2]+1
		}
	}
	for i := range s {
		// too few known rows to judge by: keep every sample
		if c[i] >= bandSample/4 {
			r := int(math.Ceil(0.95*float64(c[i]))) - 1 - planMargin
			bw.lo[i] = nth(s[i][:c[i]], max(r, 0))
		}
	}
}

// columns adds the samples of rows [lo, hi) of vals (nds values per row)
// for one-DS in and out metrics in columns ci and co with rate limits li
// and lo2.
//
// This loop is bound by registers, not arithmetic: written with slices,
// the compiler keeps half its state on the stack. So it walks unsafe
// pointers (every address is checked against the slices before the loop)
// and works on the values' bits alone: a value counts when its key lies
// in [key(-Inf), key(limit)], which leaves out NaN of either sign. The
// band is gathered without branches on the values (those near a bound
// come and go with the traffic, and a branch on them is mispredicted as
// often). The rows where in or out does not count are rare and go to a
// function of their own, which keeps its counts in memory: in the loop
// they had taken the registers the common rows need (one call per rare
// row costs less than spilling on every row: 15.5 -> 12.3 us for a
// month's rows).
func (bw *bandwidth) columns(vals []float64, nds, lo, hi, ci, co int, li, lo2 float64) {
	n := hi - lo
	if n <= 0 {
		return
	}
	_ = vals[(hi-1)*nds+max(ci, co)] // the last value read below
	// One more than the band can take: a pointer may point just past the
	// last sample stored, but not past the memory it was taken from.
	bands, next := bw.openBands(n + 1)
	st := rareRows{
		band: next,
		lo:   bw.lo,
		ri:   uint64(key(li) - keyNegInf),
		ro:   uint64(key(lo2) - keyNegInf),
	}
	base := unsafe.Pointer(&vals[lo*nds+ci])
	d := uintptr(co-ci) * 8 // from a row's in to its out
	stride := uintptr(nds) * 8
	pi, po, pm := st.band[0], st.band[1], st.band[2]
	ri, ro := st.ri, st.ro
	// An offset, not a pointer, walks the rows: a pointer past row hi-1
	// may point past vals' memory, which the GC does not allow.
	for off, end := uintptr(0), uintptr(n)*stride; off != end; off += stride {
		p := unsafe.Add(base, off)
		ki, ko := keyBits(*(*uint64)(p)), keyBits(*(*uint64)(unsafe.Add(p, d)))
		if uint64(ki-keyNegInf) <= ri && uint64(ko-keyNegInf) <= ro {
			km := max(ki, ko)
			*(*int64)(pi) = ki
			pi = unsafe.Add(pi, 8*b2i(ki >= st.lo[0]))
			*(*int64)(po) = ko
			po = unsafe.Add(po, 8*b2i(ko >= st.lo[1]))
			*(*int64)(pm) = km
			pm = unsafe.Add(pm, 8*b2i(km >= st.lo[2]))
			continue
		}
		st.band = [3]unsafe.Pointer{pi, po, pm}
		st.add(ki, ko)
		pi, po, pm = st.band[0], st.band[1], st.band[2]
	}
	bw.closeBands(bands, [3]unsafe.Pointer{pi, po, pm})
	bw.n[0], bw.n[1], bw.n[2] = bw.n[0]+n-st.miss[0], bw.n[1]+n-st.miss[1], bw.n[2]+n-st.miss[2]
}

// openBands grows bw's in, out and max samples by room for as many more,
// for code that stores them through pointers: it returns the grown
// slices and where the next sample of each goes.
func (bw *bandwidth) openBands(room int) (bands [3][]int64, next [3]unsafe.Pointer) {
	for i, b := range [3][]int64{bw.in, bw.out, bw.max} {
		bands[i] = grow(b, len(b)+room)
		next[i] = unsafe.Pointer(unsafe.SliceData(bands[i][len(b):]))
	}
	return bands, next
}

// closeBands ends bw's samples where the pointers from openBands got to.
func (bw *bandwidth) closeBands(bands [3][]int64, next [3]unsafe.Pointer) {
	var b [3][]int64
	for i := range b {
		b[i] = bands[i][:(uintptr(next[i])-uintptr(unsafe.Pointer(unsafe.SliceData(bands[i]))))/8]
	}
	bw.in, bw.out, bw.max = b[0], b[1], b[2]
}

// keyNegInf is key(-Inf), the lowest key a counted value can have.
const keyNegInf = -0x7ff0000000000001

// rareRows is columns' state for the rows where in or out does not count.
type rareRows struct {
	band   [3]unsafe.Pointer // where the next in, out and max sample goes
	lo     [3]int64          // the bounds
	ri, ro uint64            // a key k counts when k-keyNegInf <= these
	miss   [3]int            // rows whose in, out, max does not count
}

// add adds a row where in (key ki) or out (ko) does not count.
//
//go:noinline
func (st *rareRows) add(ki, ko int64) {
	inOK, outOK := uint64(ki-keyNegInf) <= st.ri, uint64(ko-keyNegInf) <= st.ro
	if inOK {
		*(*int64)(st.band[0]) = ki
		st.band[0] = unsafe.Add(st.band[0], 8*b2i(ki >= st.lo[0]))
	} else {
		st.miss[0]++
	}
	if outOK {
		*(*int64)(st.band[1]) = ko
		st.band[1] = unsafe.Add(st.band[1], 8*b2i(ko >= st.lo[1]))
	} else {
		st.miss[1]++
	}
	if !inOK && !outOK {
		st.miss[2]++
		return
	}
	km := maxKey(ki, inOK, ko, outOK)
	*(*int64)(st.band[2]) = km
	st.band[2] = unsafe.Add(st.band[2], 8*b2i(km >= st.lo[2]))
}

// p95 is the figures in bits per second; false when a bound from plan
// was above a percentile (the samples must then be taken again, with
// none).
func (bw *bandwidth) p95() (*P95, bool) {
	var v [3]float64
	for i, ks := range [3][]int64{bw.in, bw.out, bw.max} {
		n := bw.n[i]
		switch rank := int(math.Ceil(0.95 * float64(n))); {
		case n == 0:
			v[i] = math.NaN()
		case bw.lo[i] == math.MinInt64:
			v[i] = percentile95(ks)
		case n-len(ks) < rank:
			// the samples below the bound rank below the percentile
			v[i] = unkey(nth(ks, rank-1-(n-len(ks))))
		default:
			return nil, false
		}
	}
	return &P95{In: Num(8 * v[0]), Out: Num(8 * v[1]), Max: Num(8 * v[2])}, true
}

// percentile95 is the nearest-rank 95th percentile of the samples whose
// order keys are ks: sort them, discard the top 5 % (rounded down), take
// the highest remaining, i.e. the value at rank ceil(0.95 n). NaN without
// samples. It reorders ks. A file's samples come here only when plan set
// no bound (few rows, a period read from several RRAs, or plan's bound
// was too high); otherwise p95 selects from the band.
func percentile95(ks []int64) float64 {
	if len(ks) == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(0.95 * float64(len(ks))))
	return unkey(nth(ks, max(rank, 1)-1))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bandSample is how many rows plan samples.
const bandSample = 256

// samplePos is where plan takes sample i: somewhere in the i-th
// stride, at an offset that varies from stride to stride, so that a daily
// rhythm in the rows cannot line up with the sample.
func samplePos(i, stride int) int {
	h := uint32(i) * 2654435761 // Knuth's multiplicative hash
	return i*stride + int(h>>16)%stride
}

// nth returns the k-th smallest element (0-based), partially ordering xs.
func nth(xs []int64, k int) int64 { return nthWithin(xs, k, 4*bits.Len(uint(len(xs)))) }

// nthWithin is quickselect with a median-of-three pivot and a partition
// without branches on the values: which side a value goes to is as good
// as random, so a branch on it is mispredicted about half the time
// (measured: 3.5× slower over 256 to 500 values that differ from call to
// call). When no value lies below the pivot, the values equal to it are
// set aside in one more pass, so ties cannot make it quadratic. After
// rounds rounds, which pivots that split well never need, it sorts what
// is left: the time is O(n log n) whatever the values.
func nthWithin(xs []int64, k, rounds int) int64 {
	lo, hi := 0, len(xs)-1
	for ; lo < hi; rounds-- {
		if rounds <= 0 {
			slices.Sort(xs[lo : hi+1])
			break
		}
		mid := lo + (hi-lo)/2
		// the median of xs[lo], xs[mid], xs[hi] to xs[hi]
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[mid] < xs[hi] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[hi]
		i := lo + partition(xs[lo:hi], pivot, false)
		ties := i == lo
		if ties {
			// nothing below the pivot: xs[lo, i) then hold its equals
			i = lo + partition(xs[lo:hi], pivot, true)
		}
		xs[i], xs[hi] = xs[hi], xs[i]
		switch {
		case k == i || ties && k < i:
			return pivot
		case k < i:
			hi = i - 1
		default:
			lo = i + 1
		}
	}
	return xs[k]
}

// partition moves the values of s below pivot (or equal to it too) to the
// front, keeping the others behind them, and returns how many it moved.
func partition(s []int64, pivot int64, orEqual bool) int {
	i := 0
	if orEqual {
		for j, x := range s {
			s[j] = s[i]
			s[i] = x
			i += b2i(x <= pivot)
		}
		return i
	}
	for j, x := range s {
		s[j] = s[i]
		s[i] = x
		i += b2i(x < pivot)
	}
	return i
}
