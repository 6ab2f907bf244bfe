package rrdfetch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
)

// maxHeaderCount bounds ds_cnt and rra_cnt before anything is allocated:
// rrdtool itself cannot create more than a few hundred of either, and a
// corrupt count must not turn into a huge allocation.
const maxHeaderCount = 1 << 16

func (f *File) errf(off int64, format string, a ...any) error {
	return &FormatError{File: f.name, Offset: off, Msg: fmt.Sprintf(format, a...)}
}

// headPrefix is how much of the file's start Open reads at once: the
// whole header of any usual file (the seed's schema has 3,832 bytes), so
// that decoding it takes one read instead of four.
const headPrefix = 8192

// readHeader is readAt for the header while Open decodes it: from the
// prefix read first when it holds the bytes.
func (f *File) readHeader(b []byte, off int64, what string) error {
	if off >= 0 && off+int64(len(b)) <= int64(len(f.head)) {
		copy(b, f.head[off:])
		return nil
	}
	return f.readAt(b, off, what)
}

// readAt reads exactly len(b) bytes at off; a short file is a FormatError.
func (f *File) readAt(b []byte, off int64, what string) error {
	if off < 0 || off > f.size || int64(len(b)) > f.size-off {
		return f.errf(off, "truncated: %s needs %d bytes at offset %d, file has %d", what, len(b), off, f.size)
	}
	n, err := f.r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return f.errf(off, "truncated: short read of %s", what)
	}
	return fmt.Errorf("%s: read %s: %w", f.displayName(), what, err)
}

func (f *File) displayName() string {
	if f.name == "" {
		return "rrd"
	}
	return f.name
}

// cstring returns the bytes up to the first NUL.
func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// shape is what the fixed part of a header says about the file's size.
type shape struct {
	lay              layout
	dsCnt, rraCnt    int64
	step             uint64
	rowCnt, pdpCnt   []uint64
	headerSize, want int64 // header bytes, total bytes the header describes
}

// measure reads the counts through lay and computes the size the file
// should have, checking every count against the file size first.
func (f *File) measure(lay layout, stat []byte) (*shape, error) {
	s := &shape{lay: lay}
	dsCnt := lay.ulong(stat[lay.offDSCnt:])
	rraCnt := lay.ulong(stat[lay.offRRACnt:])
	s.step = lay.ulong(stat[lay.offStep:])
	if dsCnt == 0 || dsCnt > maxHeaderCount {
		return nil, f.errf(lay.offDSCnt, "inconsistent header: ds_cnt %d", dsCnt)
	}
	if rraCnt == 0 || rraCnt > maxHeaderCount {
		return nil, f.errf(lay.offRRACnt, "inconsistent header: rra_cnt %d", rraCnt)
	}
	s.dsCnt, s.rraCnt = int64(dsCnt), int64(rraCnt)
	dsOff := lay.statHeadSize
	rraOff := dsOff + s.dsCnt*lay.dsDefSize
	rraEnd := rraOff + s.rraCnt*lay.rraDefSize
	if rraEnd > f.size {
		return nil, f.errf(rraOff, "truncated: %d RRA definitions end at byte %d, file has %d", rraCnt, rraEnd, f.size)
	}
	defs := make([]byte, rraEnd-rraOff)
	if err := f.readHeader(defs, rraOff, "rra defs"); err != nil {
		return nil, err
	}
	s.rowCnt = make([]uint64, s.rraCnt)
	s.pdpCnt = make([]uint64, s.rraCnt)
	var rows uint64
	for i := range s.rraCnt {
		d := defs[i*lay.rraDefSize:]
		s.rowCnt[i] = lay.ulong(d[lay.offRowCnt:])
		s.pdpCnt[i] = lay.ulong(d[lay.offPDPCnt:])
		var carry uint64
		rows, carry = bits.Add64(rows, s.rowCnt[i], 0)
		if carry != 0 || rows > uint64(math.MaxInt64/8) {
			return nil, f.errf(rraOff+i*lay.rraDefSize+lay.offRowCnt, "inconsistent header: row counts overflow")
		}
	}
	live := lay.liveHeadSize
	s.headerSize = rraEnd + live + s.dsCnt*lay.pdpPrepSize + s.rraCnt*s.dsCnt*lay.cdpPrepSize + s.rraCnt*lay.rraPtrSize
	hi, lo := bits.Mul64(rows, uint64(s.dsCnt)*8)
	if hi != 0 || lo > uint64(math.MaxInt64-s.headerSize) {
		return nil, f.errf(-1, "inconsistent header: data area overflows")
	}
	s.want = s.headerSize + int64(lo)
	return s, nil
}

// newFile decides the layout and reads the whole header.
func newFile(r io.ReaderAt, size int64, name string) (*File, error) {
	f := new(File)
	if err := f.init(r, size, name); err != nil {
		return nil, err
	}
	return f, nil
}

// init makes f the file r of size bytes, deciding the layout and reading
// the whole header.
func (f *File) init(r io.ReaderAt, size int64, name string) error {
	*f = File{name: name, r: r, size: size}
	if size < 0 {
		return f.errf(-1, "negative size")
	}
	f.head = make([]byte, min(size, headPrefix))
	defer func() { f.head = nil }() // only Open reads through it
	if err := f.readAt(f.head, 0, "header"); err != nil {
		return err
	}
	if err := f.decodeStatic(); err != nil {
		return err
	}
	live := make([]byte, f.shape.headerSize-f.liveOffset())
	if err := f.readHeader(live, f.liveOffset(), "live head"); err != nil {
		return fmt.Errorf("read live header: %w", err)
	}
	if err := f.decodeLive(live, &f.hdr); err != nil {
		return err
	}
	f.live = live
	for i := range f.hdr.DS {
		f.names = append(f.names, f.hdr.DS[i].Name)
	}
	return nil
}

// decodeStatic decides the layout from the file's start and decodes the
// parts of the header that never change: stat_head, ds_def, rra_def.
func (f *File) decodeStatic() error {
	n := min(f.size, 128)
	stat := make([]byte, 128)
	copy(stat, f.head)
	if n < 16 || cstring(stat[:4]) != "RRD" || stat[3] != 0 {
		if n < 4 || string(stat[:3]) != "RRD" {
			return f.errf(0, "not an RRD file")
		}
		return f.errf(0, "truncated: %d bytes", f.size)
	}
	ver := cstring(stat[4:9])
	v, err := strconv.Atoi(ver)
	if err != nil || len(ver) != 4 || v < 1 || v > 5 {
		return f.errf(4, "unsupported RRD version %q", ver)
	}
	cands := candidates(stat[:n])
	if len(cands) == 0 {
		return f.errf(12, "unsupported layout: float cookie not found at offset 12 or 16 in either byte order")
	}
	var fits, firstErr error
	var chosen *shape
	for _, lay := range cands {
		if v < 3 {
			lay.liveHeadSize = lay.timeSize
		}
		if lay.statHeadSize > n {
			continue
		}
		s, err := f.measure(lay, stat)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if s.want == f.size {
			chosen = s
			break
		}
		// rrdtool accepts a file longer than its header says; keep the
		// first such candidate in case no layout matches exactly.
		if s.want < f.size && fits == nil && chosen == nil {
			chosen = s
			fits = errors.New("")
		} else if firstErr == nil {
			firstErr = f.errf(-1, "truncated: header describes %d bytes, file has %d", s.want, f.size)
		}
	}
	if chosen == nil {
		if firstErr == nil {
			firstErr = f.errf(-1, "truncated: %d bytes", f.size)
		}
		return firstErr
	}
	f.lay = chosen.lay
	f.shape = chosen
	f.hdr.Version = v
	f.hdr.VersionString = ver
	f.hdr.Step = chosen.step
	f.hdr.HeaderSize = chosen.headerSize
	f.hdr.Layout = chosen.lay.String()
	if chosen.step == 0 {
		return f.errf(chosen.lay.offStep, "inconsistent header: pdp_step 0")
	}
	if err := f.readStatic(); err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	return nil
}

// maxSpan bounds step×pdp_per_row×rows so time arithmetic cannot overflow.
const maxSpan = int64(1) << 52

// readStatic decodes ds_def and rra_def.
func (f *File) readStatic() error {
	l, s := &f.lay, f.shape
	dsOff := l.statHeadSize
	buf := make([]byte, s.dsCnt*l.dsDefSize+s.rraCnt*l.rraDefSize)
	if err := f.readHeader(buf, dsOff, "ds and rra defs"); err != nil {
		return err
	}
	f.hdr.DS = make([]DS, s.dsCnt)
	for i := range f.hdr.DS {
		b := buf[int64(i)*l.dsDefSize:]
		off := dsOff + int64(i)*l.dsDefSize
		if bytes.IndexByte(b[:20], 0) < 0 {
			return f.errf(off, "inconsistent header: ds[%d] name not terminated", i)
		}
		ds := &f.hdr.DS[i]
		ds.Name = cstring(b[:20])
		ds.Type = cstring(b[20:40])
		par := b[l.offDSPar:]
		ds.Heartbeat = l.ulong(par)
		ds.Min = l.double(par[univalSize:])
		ds.Max = l.double(par[2*univalSize:])
	}
	// COMPUTE expressions name other data sources, so decode them once
	// every name is known.
	for i := range f.hdr.DS {
		if f.hdr.DS[i].Type == "COMPUTE" {
			b := buf[int64(i)*l.dsDefSize:]
			f.hdr.DS[i].CDEF = f.decodeCDEF(b[l.offDSPar : l.offDSPar+10*univalSize])
		}
	}
	rraBuf := buf[s.dsCnt*l.dsDefSize:]
	rraOff := dsOff + s.dsCnt*l.dsDefSize
	f.hdr.RRA = make([]RRA, s.rraCnt)
	for i := range f.hdr.RRA {
		b := rraBuf[int64(i)*l.rraDefSize:]
		off := rraOff + int64(i)*l.rraDefSize
		r := &f.hdr.RRA[i]
		r.CF = cstring(b[:20])
		r.Rows = s.rowCnt[i]
		r.PDPPerRow = s.pdpCnt[i]
		for j := range 10 {
			r.Params[j] = l.unival(b[l.offRRAPar+int64(j)*univalSize:])
		}
		if r.Rows == 0 {
			return f.errf(off+l.offRowCnt, "inconsistent header: rra[%d] has 0 rows", i)
		}
		if r.PDPPerRow == 0 {
			return f.errf(off+l.offPDPCnt, "inconsistent header: rra[%d] has 0 pdp_per_row", i)
		}
		hi, span := bits.Mul64(f.hdr.Step, r.PDPPerRow)
		hi2, total := bits.Mul64(span, r.Rows+1)
		if hi != 0 || hi2 != 0 || span > uint64(maxSpan) || total > uint64(maxSpan) {
			return f.errf(off+l.offPDPCnt, "inconsistent header: rra[%d] spans too many seconds", i)
		}
	}
	return nil
}

// liveOffset is where live_head starts; everything from there to the data
// area changes with every update.
func (f *File) liveOffset() int64 {
	l, s := &f.lay, f.shape
	return l.statHeadSize + s.dsCnt*l.dsDefSize + s.rraCnt*l.rraDefSize
}

// readLive reads live_head, pdp_prep, cdp_prep and rra_ptr in one pread.
func (f *File) readLive() ([]byte, error) {
	off := f.liveOffset()
	b := make([]byte, f.shape.headerSize-off)
	if err := f.readAt(b, off, "live head"); err != nil {
		return nil, err
	}
	return b, nil
}

// decodeLive fills the live parts of h from b (as read by readLive).
func (f *File) decodeLive(b []byte, h *Header) error {
	l, s := &f.lay, f.shape
	base := f.liveOffset()
	h.LastUpdate = l.sword(b, l.timeSize)
	h.LastUpdateUsec = 0
	if h.Version >= 3 {
		h.LastUpdateUsec = l.sword(b[l.offUsec:], l.longSize)
	}
	if h.LastUpdate < 0 || h.LastUpdate > maxSpan {
		return f.errf(base, "inconsistent header: last_update %d", h.LastUpdate)
	}
	p := l.liveHeadSize
	for i := range h.DS {
		d := &h.DS[i]
		pb := b[p+int64(i)*l.pdpPrepSize:]
		d.LastDS = cstring(pb[:30])
		d.UnknownSec = l.ulong(pb[l.offPDPScratch:])
		d.Value = l.double(pb[l.offPDPScratch+univalSize:])
	}
	p += s.dsCnt * l.pdpPrepSize
	h.cdp, h.lay = b[p:p+s.rraCnt*s.dsCnt*l.cdpPrepSize], l
	p += s.rraCnt * s.dsCnt * l.cdpPrepSize
	for i := range h.RRA {
		off := p + int64(i)*l.rraPtrSize
		cur := l.ulong(b[off:])
		if cur >= h.RRA[i].Rows {
			return f.errf(base+off, "inconsistent header: rra[%d] cur_row %d >= rows %d", i, cur, h.RRA[i].Rows)
		}
		h.RRA[i].CurRow = cur
	}
	return nil
}
