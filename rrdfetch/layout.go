package rrdfetch

import (
	"encoding/binary"
	"fmt"
	"math"
)

// floatCookie is the double rrdtool stores in every header to detect a
// foreign floating-point format.
const floatCookie = 8.642135e130

// unival is rrdtool's union of an unsigned long and a double: always 8
// bytes, aligned like the stricter of its members.
const univalSize = 8

// layout describes how a C compiler laid out rrdtool's structs on the
// machine that wrote the file. It is decided once, from the header, and
// every later decode goes through it.
type layout struct {
	order    binary.ByteOrder
	lp64le   bool  // little-endian with 8-byte longs: every unival slot is one Uint64
	longSize int64 // sizeof(unsigned long): 8 on LP64, 4 on ILP32
	timeSize int64 // sizeof(time_t)
	dalign   int64 // alignment of double (and of 8-byte integers) inside structs: 8, or 4 on i386

	// stat_head
	offFloatCookie, offDSCnt, offRRACnt, offStep, offStatPar, statHeadSize int64
	// ds_def
	offDSPar, dsDefSize int64
	// rra_def
	offRowCnt, offPDPCnt, offRRAPar, rraDefSize int64
	// live_head (version >= 3) or a bare time_t (versions 1 and 2)
	offUsec, liveHeadSize int64
	// pdp_prep
	offPDPScratch, pdpPrepSize int64
	cdpPrepSize, rraPtrSize    int64
}

func alignUp(x, a int64) int64 { return (x + a - 1) / a * a }

// newLayout computes the struct offsets for one (byte order, long, time_t,
// double alignment) combination, following the C rules: each member at a
// multiple of its alignment, each struct padded to its largest alignment.
func newLayout(order binary.ByteOrder, longSize, timeSize, dalign int64) layout {
	l := layout{order: order, longSize: longSize, timeSize: timeSize, dalign: dalign}
	l.lp64le = order == binary.LittleEndian && longSize == 8
	univalAlign := max(longSize, dalign)
	longAlign := longSize
	timeAlign := min(timeSize, dalign)
	if timeSize == 4 {
		timeAlign = 4
	}

	// stat_head: char cookie[4]; char version[5]; double float_cookie;
	// ulong ds_cnt, rra_cnt, pdp_step; unival par[10].
	l.offFloatCookie = alignUp(9, dalign)
	l.offDSCnt = alignUp(l.offFloatCookie+8, longAlign)
	l.offRRACnt = l.offDSCnt + longSize
	l.offStep = l.offRRACnt + longSize
	l.offStatPar = alignUp(l.offStep+longSize, univalAlign)
	l.statHeadSize = alignUp(l.offStatPar+10*univalSize, max(dalign, longAlign, univalAlign))

	// ds_def: char ds_nam[20]; char dst[20]; unival par[10].
	l.offDSPar = alignUp(40, univalAlign)
	l.dsDefSize = alignUp(l.offDSPar+10*univalSize, univalAlign)

	// rra_def: char cf_nam[20]; ulong row_cnt, pdp_cnt; unival par[10].
	l.offRowCnt = alignUp(20, longAlign)
	l.offPDPCnt = l.offRowCnt + longSize
	l.offRRAPar = alignUp(l.offPDPCnt+longSize, univalAlign)
	l.rraDefSize = alignUp(l.offRRAPar+10*univalSize, univalAlign)

	// live_head: time_t last_up; long last_up_usec.
	l.offUsec = alignUp(timeSize, longAlign)
	l.liveHeadSize = alignUp(l.offUsec+longSize, max(timeAlign, longAlign))

	// pdp_prep: char last_ds[30]; unival scratch[10].
	l.offPDPScratch = alignUp(30, univalAlign)
	l.pdpPrepSize = alignUp(l.offPDPScratch+10*univalSize, univalAlign)

	l.cdpPrepSize = 10 * univalSize
	l.rraPtrSize = longSize
	return l
}

func (l *layout) String() string {
	o := "little-endian"
	if l.order == binary.BigEndian {
		o = "big-endian"
	}
	return fmt.Sprintf("%s, %d-byte long, %d-byte time_t, %d-byte double alignment", o, l.longSize, l.timeSize, l.dalign)
}

// word decodes an unsigned integer of n (4 or 8) bytes.
func (l *layout) word(b []byte, n int64) uint64 {
	if n == 4 {
		return uint64(l.order.Uint32(b))
	}
	return l.order.Uint64(b)
}

// sword decodes a signed integer of n bytes.
func (l *layout) sword(b []byte, n int64) int64 {
	if n == 4 {
		return int64(int32(l.order.Uint32(b)))
	}
	return int64(l.order.Uint64(b))
}

func (l *layout) ulong(b []byte) uint64 { return l.word(b, l.longSize) }

func (l *layout) double(b []byte) float64 { return math.Float64frombits(l.order.Uint64(b)) }

// unival decodes one union slot both ways.
func (l *layout) unival(b []byte) Word {
	if l.lp64le {
		// the common machine, without the byte order's three interface
		// calls: an open decodes over 200 of these
		u := binary.LittleEndian.Uint64(b)
		return Word{U: u, F: math.Float64frombits(u), raw: u}
	}
	return Word{U: l.ulong(b), F: l.double(b), raw: binary.LittleEndian.Uint64(b)}
}

// candidates lists the layouts whose float cookie is where the header has
// it, most common first: LP64 (x86_64, aarch64, ppc64, s390x), then ILP32
// with 8-byte double alignment (ARM EABI, x32, with 32- or 64-bit time_t),
// then i386 (4-byte double alignment).
func candidates(head []byte) []layout {
	var out []layout
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		if len(head) >= 24 && math.Float64frombits(order.Uint64(head[16:24])) == floatCookie {
			out = append(out,
				newLayout(order, 8, 8, 8),
				newLayout(order, 4, 4, 8),
				newLayout(order, 4, 8, 8))
		}
		if len(head) >= 20 && math.Float64frombits(order.Uint64(head[12:20])) == floatCookie {
			out = append(out,
				newLayout(order, 4, 4, 4),
				newLayout(order, 4, 8, 4))
		}
	}
	return out
}
