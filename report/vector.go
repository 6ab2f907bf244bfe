package report

import (
	"math"
	"unsafe"
)

// This file is the Go side of the vector kernel (vector_amd64.s), which
// does in one pass what interior's column kernels do in one pass per
// metric and one for the bandwidth: it takes the rows eight at a time,
// turns the 8×8 block of values into columns in registers, and adds each
// column to its metric's eight sums as one vector, row r into sum r mod 8.
// That is the order the scalar kernels use, lane for lane, so both give
// the same bits (TestVectorMatchesScalar checks every figure and every
// sample, for random rows with NaN, -0, ±Inf, subnormals and spikes).
//
// A metric of two DS is summed as x' + y' (an unknown member as 0) where
// the scalar kernels compute (0+x) + y: the two differ only in the sign
// of a zero result, which changes no figure. A lane starts at +0 and can
// never become -0 (in round-to-nearest, a sum is -0 only when both terms
// are), so adding -0 or +0 leaves it as it is, and the comparisons with
// the limit treat both zeros alike.
//
// It needs AVX-512 (F), at most 8 DS per row and at most 8 metrics of one
// or two DS; other metrics in the same file take the scalar kernels. On
// other processors, other architectures and with the purego build tag,
// everything takes the scalar kernels.

// vecMetrics is how many metrics the vector kernel takes, and vecDS the
// most DS a row may have for it: one block of rows is 8 vectors of 8.
const (
	vecMetrics = 8
	vecDS      = 8
)

// The kernel works on chunks of up to vecChunk blocks (256 rows): it
// turns a chunk's rows into columns (16 KiB, which stays in the L1
// cache), then walks each metric down its column or two with the
// metric's sums, counts and limit in registers. vecColBytes is one
// column of a chunk.
const (
	vecChunk    = 32
	vecColBytes = vecChunk * lanes * 8
)

// vblock is the vector kernel's state. Its layout is read by
// vector_amd64.s through go_asm.h's offsets.
type vblock struct {
	vals    unsafe.Pointer      // the first value of the first row
	blocks  int                 // blocks of 8 rows to walk
	stride  int                 // bytes from a row to the next
	mask    int                 // which values of a row to load: (1<<nds)-1
	nm      int                 // metrics
	which   [vecMetrics]int     // accs' index of each metric
	two     [vecMetrics]int     // 1 for a metric of two DS
	limited [vecMetrics]int     // 1 for a metric with a max rate
	ca, cb  [vecMetrics]int     // its DS columns, as offsets in cols
	lim     [vecMetrics]float64 // max rates (+Inf for none)
	lane    [vecMetrics][lanes]float64
	cnt     [vecMetrics][lanes]int // rows that counted, per lane
	spikes  [vecMetrics][lanes]int

	// bandwidth, when bw is 1: in and out are one-DS metrics in columns
	// at offsets ci and co; a sample's key k counts when
	// uint64(k-keyNegInf) is at most ri (ro), and is stored when it is at
	// least lo[i]
	bw     int
	ci, co int
	ri, ro uint64
	lo     [3]int64
	band   [3]unsafe.Pointer // where the next in, out, max sample goes
	ok     [3]int            // rows whose in, out, either counted

	// a chunk's columns, 64-byte aligned inside: column c of block j at
	// c*vecColBytes + j*64
	cols [vecDS*vecColBytes/8 + lanes]float64
}

// setup readies k for rows [head, tail) (both multiples of lanes) of
// vals: it takes the metrics that suit the kernel (one or two DS) and,
// when in and out each have one DS, the bandwidth. use says whether the
// kernel has anything to do; withBW whether it takes the bandwidth. The
// metrics it does not take go through the scalar kernels.
func (k *vblock) setup(accs []acc, vals []float64, nds, head, tail, inIdx, outIdx int, bw *bandwidth) (use, withBW bool) {
	k.nm = 0
	if !useVector || nds > vecDS || tail <= head {
		return false, false
	}
	for i := range accs {
		a := &accs[i]
		if k.nm == vecMetrics || a.col < 0 && len(a.cols) != 2 {
			continue
		}
		k.ca[k.nm], k.cb[k.nm], k.two[k.nm] = a.col*vecColBytes, 0, 0
		if a.col < 0 {
			k.ca[k.nm], k.cb[k.nm], k.two[k.nm] = a.cols[0]*vecColBytes, a.cols[1]*vecColBytes, 1
		}
		k.lim[k.nm], k.limited[k.nm] = a.maxRate, 0
		if !math.IsInf(a.maxRate, 1) {
			k.limited[k.nm] = 1
		}
		k.which[k.nm] = i
		k.nm++
	}
	withBW = bw != nil && accs[inIdx].col >= 0 && accs[outIdx].col >= 0
	if k.nm == 0 && !withBW {
		return false, false
	}
	_ = vals[tail*nds-1] // the last value read
	k.vals = unsafe.Pointer(&vals[head*nds])
	k.blocks = (tail - head) / lanes
	k.stride = nds * 8
	k.mask = 1<<nds - 1
	k.bw = 0
	if withBW {
		ai, ao := &accs[inIdx], &accs[outIdx]
		k.bw, k.ci, k.co = 1, ai.col*vecColBytes, ao.col*vecColBytes
		k.ri, k.ro = uint64(key(ai.maxRate)-keyNegInf), uint64(key(ao.maxRate)-keyNegInf)
	}
	return true, withBW
}

// takes says whether k takes accs[i].
func (k *vblock) takes(i int) bool {
	for _, j := range k.which[:k.nm] {
		if j == i {
			return true
		}
	}
	return false
}

// run walks the rows setup readied, adding to its metrics' sums and, when
// it took the bandwidth, to bw's samples.
func (k *vblock) run(accs []acc, step int64, bw *bandwidth) {
	for m := range k.nm {
		k.lane[m] = accs[k.which[m]].lane
		k.cnt[m], k.spikes[m] = [lanes]int{}, [lanes]int{}
	}
	var bands [3][]int64
	if k.bw == 1 {
		k.lo = bw.lo
		// The kernel stores 8 keys at a time and moves on by those that
		// count: room for 8 past the last.
		bands, k.band = bw.openBands(k.blocks*lanes + lanes)
		k.ok = [3]int{}
	}
	vectorBlocks(k)
	for m := range k.nm {
		a := &accs[k.which[m]]
		a.lane = k.lane[m]
		cnt := 0
		for j := range lanes {
			cnt += k.cnt[m][j]
			a.spikes += k.spikes[m][j]
		}
		a.cov += int64(cnt) * step
	}
	if k.bw == 1 {
		bw.closeBands(bands, k.band)
		for i := range bw.n {
			bw.n[i] += k.ok[i]
		}
		k.band = [3]unsafe.Pointer{} // keep no pointers into bw
	}
	k.vals = nil
}
