package rrdfetch

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"time"
	"unsafe"
)

// cfIndex maps a consolidation function name to rrdtool's enum cf_en
// (case-sensitive, as rrd_cf_conv compares with strcmp).
func cfIndex(name string) int {
	switch name {
	case "AVERAGE":
		return 0
	case "MIN":
		return 1
	case "MAX":
		return 2
	case "LAST":
		return 3
	case "HWPREDICT":
		return 4
	case "SEASONAL":
		return 5
	case "DEVPREDICT":
		return 6
	case "DEVSEASONAL":
		return 7
	case "FAILURES":
		return 8
	case "MHWPREDICT":
		return 9
	}
	return -1
}

// plainCF reports whether the CF is one of AVERAGE, MIN, MAX, LAST: since
// rrdtool 1.5 an RRA with one PDP per row serves any of them.
func plainCF(i int) bool { return i >= 0 && i <= 3 }

// minStart is rrdtool's "after 1980" floor (3600*24*365*10 seconds).
const minStart = 3600 * 24 * 365 * 10

// maxValues bounds the values one fetch may return (1 GiB of float64), so
// an absurd window fails cleanly instead of exhausting memory.
const maxValues = 1 << 27

// dnan is the NaN rrdtool 1.7.2 on x86_64 writes for rows outside an RRA's
// coverage: 0.0/0.0 evaluated by SSE yields the "default NaN" with the sign
// bit set, which glibc prints as "-nan".
var dnan = math.Float64frombits(0xfff8000000000000)

// Fetch returns exactly what rrdtool 1.7.2's fetch returns for
// `rrdtool fetch FILE CF --start start --end end [--resolution resolution]
// [--align-start]`, with start and end already resolved to epoch seconds.
// resolution <= 0 means "not given" (rrdtool's default of 1 second).
//
// The checks run in rrdtool's order: start before 1980, then alignment,
// then end before start, then the CF name, then the RRA choice.
func (f *File) Fetch(cf string, start, end, resolution int64, alignStart bool) (*Data, error) {
	step := resolution
	if step <= 0 {
		step = 1
	}
	if start < minStart {
		return nil, fmt.Errorf("%s: %w: the first entry to fetch should be after 1980", f.displayName(), ErrTime)
	}
	if alignStart {
		delta := start % step
		start -= delta
		end -= delta
	}
	if end < start {
		return nil, fmt.Errorf("%s: %w: start (%d) should be less than end (%d)", f.displayName(), ErrTime, start, end)
	}
	cfi := cfIndex(cf)
	if cfi < 0 {
		return nil, fmt.Errorf("%s: %w '%s'", f.displayName(), ErrUnknownCF, cf)
	}
	return f.snapshot(func(h *Header) (*Data, error) {
		rra := chooseRRA(h, cfi, start, end, step)
		if rra < 0 {
			return nil, fmt.Errorf("%s: %w", f.displayName(), ErrNoRRA)
		}
		s := h.RRAStep(rra)
		st := start - start%s
		en := end + (s - end%s)
		return f.readRows(h, rra, st, en, nil)
	})
}

// chooseRRA is rrd_fetch_fn's choice: among the RRAs that can serve cf,
// the one covering start ("full match") whose step is nearest the wanted
// step; failing that, the one covering most of the window ("partial
// match"), ties broken by step distance; the first wins every tie.
func chooseRRA(h *Header, cf int, start, end, step int64) int {
	bestFull, bestPart := -1, -1
	var fullDiff, partDiff, partMatch int64
	for i := range h.RRA {
		r := &h.RRA[i]
		rcf := cfIndex(r.CF)
		if rcf != cf && !(r.PDPPerRow == 1 && plainCF(cf) && plainCF(rcf)) {
			continue
		}
		s := h.RRAStep(i)
		calEnd := h.LastUpdate - h.LastUpdate%s
		calStart := calEnd - s*int64(r.Rows)
		diff := step - s
		if diff < 0 {
			diff = -diff
		}
		if calStart <= start {
			if bestFull < 0 || diff < fullDiff {
				bestFull, fullDiff = i, diff
			}
			continue
		}
		match := end - start - (calStart - start)
		if bestPart < 0 || partMatch < match || (partMatch == match && diff < partDiff) {
			bestPart, partMatch, partDiff = i, match, diff
		}
	}
	if bestFull >= 0 {
		return bestFull
	}
	return bestPart
}

// ReadRRA reads the rows of RRA i stamped t with start' < t <= end', where
// start' is start rounded down and end' is end rounded up to the RRA's
// step, so the rows cover exactly the intervals that intersect
// (start, end]. Rows outside the RRA's coverage are NaN. It reads a
// consistent snapshot like Fetch.
func (f *File) ReadRRA(i int, start, end int64) (*Data, error) {
	return f.ReadRRAInto(i, start, end, nil)
}

// ReadRRAInto is ReadRRA reusing buf for Data.Values when it is large
// enough, so a caller reading many files allocates once.
func (f *File) ReadRRAInto(i int, start, end int64, buf []float64) (*Data, error) {
	if i < 0 || i >= len(f.hdr.RRA) {
		return nil, fmt.Errorf("%s: no rra[%d] (the file has %d)", f.displayName(), i, len(f.hdr.RRA))
	}
	if end < start {
		return nil, fmt.Errorf("%s: %w: start (%d) should be less than end (%d)", f.displayName(), ErrTime, start, end)
	}
	return f.snapshot(func(h *Header) (*Data, error) {
		s := h.RRAStep(i)
		st := floorDiv(start, s) * s
		en := -floorDiv(-end, s) * s
		return f.readRows(h, i, st, en, buf)
	})
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// readRows returns the rows of RRA rra stamped start+step … end (both
// multiples of the RRA's step), as rrd_fetch_fn reads them: the ring's
// oldest row follows cur_row, and rows outside the ring are NaN.
func (f *File) readRows(h *Header, rra int, start, end int64, buf []float64) (*Data, error) {
	r := &h.RRA[rra]
	step := h.RRAStep(rra)
	nds := int64(len(h.DS))
	n := (end - start) / step
	if n < 0 || n*nds > maxValues {
		return nil, fmt.Errorf("%s: %w: window of %d rows of %d values is too large", f.displayName(), ErrTime, n, nds)
	}
	d := &Data{Start: start, End: end, Step: step, RRA: rra, DSNames: f.names}
	if int64(cap(buf)) >= n*nds {
		d.Values = buf[:n*nds]
	} else {
		d.Values = make([]float64, n*nds)
	}
	rows := int64(r.Rows)
	rraEnd := h.LastUpdate - h.LastUpdate%step
	rraStart := rraEnd - step*(rows-1)
	// Output row k is ring position i = first+k, valid when 0 <= i < rows.
	first := (start + step - rraStart) / step
	lo := max(first, 0)
	hi := min(first+n, rows)
	// Rows outside the ring are unknown: those before its first
	// position and those after its last, filled apart from the rows read
	// so that the copy loop has no test per row.
	// (lo >= first and hi <= first+n; hi < lo when no row is in the ring)
	known0 := min(lo-first, n)
	known1 := max(hi-first, known0)
	fillNaN(d.Values[:known0*nds])
	fillNaN(d.Values[known1*nds:])
	if lo < hi {
		base := h.HeaderSize
		for j := range rra {
			base += int64(h.RRA[j].Rows) * nds * 8
		}
		// Physical row of ring position i is (cur_row+1+i) mod rows; read
		// the valid span in at most two preads (before and after the wrap).
		dst := d.Values[(lo-first)*nds : (hi-first)*nds]
		p := (int64(r.CurRow) + 1 + lo) % rows
		for len(dst) > 0 {
			cnt := min(int64(len(dst))/nds, rows-p)
			if err := f.readValues(dst[:cnt*nds], base+p*nds*8); err != nil {
				return nil, fmt.Errorf("read rra[%d] rows: %w", rra, err)
			}
			dst = dst[cnt*nds:]
			p = 0
		}
	}
	return d, nil
}

func fillNaN(v []float64) {
	for i := range v {
		v[i] = dnan
	}
}

// readValues reads len(dst) doubles at off in the file's byte order. The
// bytes are read straight into dst's memory and swapped in place when the
// file's byte order is not the machine's: no copy, no per-value decoding
// on the common path.
func (f *File) readValues(dst []float64, off int64) error {
	if len(dst) == 0 {
		return nil
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), len(dst)*8)
	if err := f.readAt(b, off, "rra rows"); err != nil {
		return err
	}
	if f.lay.order != nativeOrder {
		for i := range dst {
			dst[i] = math.Float64frombits(bits.ReverseBytes64(math.Float64bits(dst[i])))
		}
	}
	return nil
}

// nativeOrder is the machine's byte order, as the encoding/binary value
// a file's layout is compared with.
var nativeOrder = func() binary.ByteOrder {
	x := uint16(1)
	if *(*byte)(unsafe.Pointer(&x)) == 1 {
		return binary.LittleEndian
	}
	return binary.BigEndian
}()

// maxAttempts bounds how often a read is retried while writers keep
// changing the file.
const maxAttempts = 50

// snapshot runs read against a freshly read header and retries until the
// header did not change while it ran, so the rows belong to one state of
// the file. rrdtool update moves rra_ptr before it writes a row and
// last_update after, so a row overwritten under the reader always shows as
// a changed header. It takes no lock: a concurrent rrdtool update (which
// takes a non-blocking write lock) never fails because of billrun. When the
// file is an os.File, it also waits while another process holds a write
// lock, i.e. while an update is in progress.
func (f *File) snapshot(read func(h *Header) (*Data, error)) (*Data, error) {
	wait := 100 * time.Microsecond
	// The first try compares with the image the header was last decoded
	// from (by Open, or by the last snapshot) instead of reading it again:
	// the comparison after the read catches any change since, and the try
	// after a change reads afresh.
	live := f.live
	for attempt := 0; attempt < maxAttempts; {
		if live == nil {
			if attempt > 0 {
				time.Sleep(wait)
				wait = min(2*wait, 20*time.Millisecond)
			}
			attempt++
			if f.writeLocked != nil && f.writeLocked() {
				continue
			}
			var err error
			if live, err = f.readLive(); err != nil {
				return nil, fmt.Errorf("read live header: %w", err)
			}
		}
		// The header as of live: f's own while nothing changed (no copy,
		// which the read would make escape), else a new one.
		h := &f.hdr
		if !bytes.Equal(live, f.live) {
			c := f.hdr
			c.RRA = append([]RRA(nil), f.hdr.RRA...)
			c.DS = append([]DS(nil), f.hdr.DS...)
			if err := f.decodeLive(live, &c); err != nil {
				return nil, err
			}
			h = &c
		}
		d, err := read(h)
		if err != nil {
			return nil, err
		}
		after, err := f.readLive()
		if err != nil {
			return nil, fmt.Errorf("read live header: %w", err)
		}
		if bytes.Equal(live, after) {
			f.hdr, f.live = *h, live
			return d, nil
		}
		live = nil
	}
	return nil, fmt.Errorf("%s: %w (%d attempts)", f.displayName(), ErrBusy, maxAttempts)
}

// WriteText writes d as rrdtool's fetch command prints it: 11 spaces and
// the DS names right-aligned in 20 columns, a blank line, then for every
// row "%10lu:" and " %0.10e" per value.
func (d *Data) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("           ")
	for _, n := range d.DSNames {
		fmt.Fprintf(bw, "%20s", n)
	}
	bw.WriteString("\n\n")
	var buf []byte
	for i := range d.Rows() {
		buf = buf[:0]
		t := strconv.FormatInt(d.Time(i), 10)
		for k := len(t); k < 10; k++ {
			buf = append(buf, ' ')
		}
		buf = append(buf, t...)
		buf = append(buf, ':')
		for _, v := range d.Row(i) {
			buf = append(buf, ' ')
			buf = append(buf, FormatValue(v)...)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	return bw.Flush()
}
