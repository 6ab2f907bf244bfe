package report

import (
	"math"
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
type bandwidth struct{ in, out, max []int64 }

// add adds one row's samples.
func (bw *bandwidth) add(in float64, inOK bool, out float64, outOK bool) {
	ki, ko := key(0), key(0)
	if inOK {
		ki = key(in)
		bw.in = append(bw.in, ki)
	}
	if outOK {
		ko = key(out)
		bw.out = append(bw.out, ko)
	}
	if inOK || outOK {
		bw.max = append(bw.max, max(ki, ko))
	}
}

// columns adds the samples of rows [lo, hi) of vals (nds values per row)
// for one-DS in and out metrics in columns ci and co with rate limits li
// and lo2. It works on the values' bits alone: moving a value between
// floating-point and integer registers costs as much as the rest.
func (bw *bandwidth) columns(vals []float64, nds, lo, hi, ci, co int, li, lo2 float64) {
	n := hi - lo
	in, out, mx := grow(bw.in, len(bw.in)+n), grow(bw.out, len(bw.out)+n), grow(bw.max, len(bw.max)+n)
	ni, no, nm := len(bw.in), len(bw.out), len(bw.max)
	bits := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(vals))), len(vals))
	kli, klo := key(li), key(lo2)
	for r := lo; r < hi; r++ {
		row := bits[r*nds : (r+1)*nds]
		bx, by := row[ci], row[co]
		ki, ko := keyBits(bx), keyBits(by)
		// counts: not NaN (all exponent bits and some mantissa bit set)
		// and not above the limit
		inOK := bx<<1 <= 0x7ff0_0000_0000_0000<<1 && ki <= kli
		outOK := by<<1 <= 0x7ff0_0000_0000_0000<<1 && ko <= klo
		switch {
		case inOK && outOK:
			in[ni], out[no], mx[nm] = ki, ko, max(ki, ko)
			ni, no, nm = ni+1, no+1, nm+1
		case inOK:
			in[ni], mx[nm] = ki, max(ki, 0)
			ni, nm = ni+1, nm+1
		case outOK:
			out[no], mx[nm] = ko, max(0, ko)
			no, nm = no+1, nm+1
		}
	}
	bw.in, bw.out, bw.max = in[:ni], out[:no], mx[:nm]
}

// p95 is the figures in bits per second.
func (bw *bandwidth) p95(band *[]int64) *P95 {
	return &P95{In: Num(8 * percentile95(bw.in, band)), Out: Num(8 * percentile95(bw.out, band)), Max: Num(8 * percentile95(bw.max, band))}
}

// percentile95 is the nearest-rank 95th percentile of the samples whose
// order keys are ks: sort them, discard the top 5 % (rounded down), take
// the highest remaining, i.e. the value at rank ceil(0.95 n). NaN without
// samples. It selects in about one pass (a month of 1-minute rows is
// 44,640 samples per VPS and direction) and reorders ks. band, when not
// nil, is scratch space it reuses.
func percentile95(ks []int64, band *[]int64) float64 {
	if len(ks) == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(0.95 * float64(len(ks))))
	if band == nil {
		band = new([]int64)
	}
	return unkey(nthBanded(ks, max(rank, 1)-1, band))
}

// nthBanded is nth in about one pass over a large xs: a sample of xs
// gives a bound lo that very likely has the k-th smallest at or above it;
// one pass gathers the values at or above lo, and the k-th is selected
// among those few (a 95th percentile leaves about 8 % of the values). The
// answer is exact whatever the sample: when the bound misses (or ties
// crowd the band), it selects over all of xs.
func nthBanded(xs []int64, k int, band *[]int64) int64 {
	const m = bandSample
	const d = 8 // sample ranks below k's
	n := len(xs)
	if n < 8*m {
		return nth(xs, k)
	}
	var sample [m]int64
	stride := n / m
	for i := range sample {
		sample[i] = xs[samplePos(i, stride)]
	}
	lo := nth(sample[:], max(k*m/n-d, 0))
	// Without branches: values near the percentile come and go with the
	// traffic, and a branch on them is mispredicted as often.
	nb := 0
	bd := grow((*band)[:0], n)
	*band = bd
	for _, x := range xs {
		bd[nb] = x
		nb += b2i(x >= lo)
	}
	if below := n - nb; below <= k {
		return nth(bd[:nb], k-below)
	}
	return nth(xs, k)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bandSample is how many values nthBanded samples.
const bandSample = 256

// samplePos is where nthBanded takes sample i: somewhere in the i-th
// stride, at an offset that varies from stride to stride, so that a daily
// rhythm in the rows cannot line up with the sample.
func samplePos(i, stride int) int {
	h := uint32(i) * 2654435761 // Knuth's multiplicative hash
	return i*stride + int(h>>16)%stride
}

// nth returns the k-th smallest element (0-based), partially ordering xs
// (quickselect with a median-of-three pivot).
func nth(xs []int64, k int) int64 {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k]
		}
	}
	return xs[k]
}
