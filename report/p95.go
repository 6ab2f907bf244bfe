package report

import (
	"math"
	"math/bits"
	"slices"
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
// order keys: in and out for each sample where they count, and the larger
// of the two and their sum (an uncounted one taken as 0) where either
// does. A sample is a row, or with step a fixed step the rows are
// consolidated to.
type bandwidth struct {
	in, out, max, sum []int64

	wantSum bool
	step    int64 // 0: a sample per row
	bucket  bucket
	coarse  bool // a row was coarser than step
}

// bucket is the step being consolidated: the time-weighted sums of the
// known rates in it and the seconds they cover.
type bucket struct {
	k               int64 // its start / step
	open            bool
	inSum, outSum   float64
	inSecs, outSecs int64
}

// reset empties bw, keeping its memory for the next file.
func (bw *bandwidth) reset() {
	bw.in, bw.out, bw.max, bw.sum = bw.in[:0], bw.out[:0], bw.max[:0], bw.sum[:0]
	bw.step, bw.bucket, bw.coarse, bw.wantSum = 0, bucket{}, false, false
}

// consolidate adds the part [lo, hi) of a row of rowStep seconds to the
// steps it falls in, as RRDtool's AVERAGE consolidates: each step's
// sample is the mean of the known rates over the seconds they are known.
// Steps are aligned to the epoch, so the samples do not depend on which
// RRA the rows came from when its rows are no coarser than the step (its
// rows are then averages of whole steps' rows). Rows must come in time
// order; a row coarser than the step gives each step it covers its rate.
func (bw *bandwidth) consolidate(lo, hi, rowStep int64, in float64, inOK bool, out float64, outOK bool) {
	if rowStep > bw.step {
		bw.coarse = true
	}
	// a row adds its known seconds to each step it falls in, which flush
	// turns into the sample
	for lo < hi {
		k := floorDiv(lo, bw.step)
		end := min(hi, (k+1)*bw.step)
		b := &bw.bucket
		if !b.open || b.k != k {
			bw.flush()
			*b = bucket{k: k, open: true}
		}
		if secs := end - lo; inOK {
			b.inSum += in * float64(secs)
			b.inSecs += secs
		}
		if secs := end - lo; outOK {
			b.outSum += out * float64(secs)
			b.outSecs += secs
		}
		lo = end
	}
}

// rows adds rows [lo, hi) of vals (nds values per row) as samples, one
// each: rows without a step, or rows of exactly the step, which RRDtool
// aligns to it. It is what consolidate and add do for each row, without
// the bookkeeping a row cut by the part's bounds, or of another step,
// needs: the same samples, in the same order, with the same bits.
func (bw *bandwidth) rows(vals []float64, nds, lo, hi int, ai, ao *acc) {
	bw.flush()
	for r := lo; r < hi; r++ {
		row := vals[r*nds : (r+1)*nds]
		in, inOK := ai.known(row)
		out, outOK := ao.known(row)
		if bw.step > 0 {
			in, out = mean(in, bw.step), mean(out, bw.step)
		}
		bw.add(in, inOK, out, outOK)
	}
}

// mean is a step's sample from one rate known for secs seconds, as the
// bucket sums it and flush divides: (0 + v*secs) / secs, which is not
// always v (and is +0 for -0).
func mean(v float64, secs int64) float64 {
	sum := 0.0
	sum += v * float64(secs)
	return sum / float64(secs)
}

// flush adds the step being consolidated as a sample.
func (bw *bandwidth) flush() {
	b := &bw.bucket
	if !b.open {
		return
	}
	var in, out float64
	if b.inSecs > 0 {
		in = b.inSum / float64(b.inSecs)
	}
	if b.outSecs > 0 {
		out = b.outSum / float64(b.outSecs)
	}
	bw.add(in, b.inSecs > 0, out, b.outSecs > 0)
	b.open = false
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
		bw.in = append(bw.in, ki)
	}
	if outOK {
		ko = key(out)
		bw.out = append(bw.out, ko)
	}
	if inOK || outOK {
		bw.max = append(bw.max, maxKey(ki, inOK, ko, outOK))
	}
	if bw.wantSum && (inOK || outOK) {
		s := 0.0
		if inOK {
			s += in
		}
		if outOK {
			s += out
		}
		bw.sum = append(bw.sum, key(s))
	}
}

// p95 is the figures in bits per second.
func (bw *bandwidth) p95() *P95 {
	p := &P95{In: Num(8 * percentile95(bw.in)), Out: Num(8 * percentile95(bw.out)), Max: Num(8 * percentile95(bw.max)),
		Step: bw.step, Coarse: bw.coarse}
	if bw.wantSum {
		p.Sum = Num(8 * percentile95(bw.sum))
	}
	return p
}

// percentile95 is the nearest-rank 95th percentile of the samples whose
// order keys are ks: sort them, discard the top 5 % (rounded down), take
// the highest remaining, i.e. the value at rank ceil(0.95 n). NaN without
// samples. It reorders ks: selection, not a sort, as a month of 1-minute
// rows is 44,640 samples.
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

// nth returns the k-th smallest element (0-based), partially ordering xs.
func nth(xs []int64, k int) int64 { return nthWithin(xs, k, 4*bits.Len(uint(len(xs)))) }

// nthWithin is quickselect with a partition without branches on the
// values: which side a value goes to is as good as random, so a branch on
// it is mispredicted about half the time. The pivot is the median of
// three. When no value lies below the pivot, the values equal to it are
// set aside in one more pass, so ties cannot make it quadratic.
// After rounds rounds, which pivots that split well never need, it sorts
// what is left: the time is O(n log n) whatever the values.
func nthWithin(xs []int64, k, rounds int) int64 {
	lo, hi := 0, len(xs)-1
	for ; lo < hi; rounds-- {
		if rounds <= 0 {
			slices.Sort(xs[lo : hi+1])
			break
		}
		medianOfThree(xs, lo, hi)
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

// medianOfThree moves the median of xs[lo], xs[mid] and xs[hi] to xs[hi].
func medianOfThree(xs []int64, lo, hi int) {
	mid := lo + (hi-lo)/2
	if xs[mid] < xs[lo] {
		xs[mid], xs[lo] = xs[lo], xs[mid]
	}
	if xs[hi] < xs[lo] {
		xs[hi], xs[lo] = xs[lo], xs[hi]
	}
	if xs[mid] < xs[hi] {
		xs[hi], xs[mid] = xs[mid], xs[hi]
	}
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
