package rrdfetch

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Sentinel errors. Every error about a file's content or a request wraps
// one of them, so callers can classify failures with errors.Is; I/O errors
// from the reader are wrapped as they are. Their texts carry no package
// prefix because they are printed after the file name.
var (
	// ErrFormat: the bytes are not a readable RRD (not an RRD, truncated,
	// unsupported version or layout, inconsistent header).
	ErrFormat = errors.New("invalid RRD file")
	// ErrUnknownCF: the consolidation function name is not one rrdtool knows.
	ErrUnknownCF = errors.New("unknown consolidation function")
	// ErrNoRRA: the file has no RRA that can serve the requested CF.
	ErrNoRRA = errors.New("the RRD does not contain an RRA matching the chosen CF")
	// ErrTime: the requested time window is refused (start before 1980,
	// end before start), exactly where rrdtool refuses it.
	ErrTime = errors.New("invalid time window")
	// ErrBusy: the file kept changing under the reader (a writer updated it
	// between every attempt) and no consistent snapshot could be read.
	ErrBusy = errors.New("file changed during every read attempt")
)

// FormatError reports what is wrong with a file and where.
type FormatError struct {
	File   string // file name, "" for NewFile readers without a name
	Offset int64  // byte offset of the offending field, -1 if not tied to one
	Msg    string
}

func (e *FormatError) Error() string {
	name := e.File
	if name == "" {
		name = "rrd"
	}
	if e.Offset >= 0 {
		return fmt.Sprintf("%s: %s (at byte %d)", name, e.Msg, e.Offset)
	}
	return fmt.Sprintf("%s: %s", name, e.Msg)
}

func (e *FormatError) Unwrap() error { return ErrFormat }

// DS is one data source definition plus its live PDP state.
type DS struct {
	Name       string
	Type       string  // COUNTER, GAUGE, DERIVE, ABSOLUTE, COMPUTE, DCOUNTER, DDERIVE
	Heartbeat  uint64  // minimal_heartbeat (not for COMPUTE)
	Min, Max   float64 // NaN when unset (not for COMPUTE)
	CDEF       string  // COMPUTE only: the RPN expression as rrdtool info prints it
	LastDS     string  // pdp_prep.last_ds
	Value      float64 // pdp_prep value
	UnknownSec uint64  // pdp_prep unknown seconds
}

// RRA is one round robin archive definition with its live state.
type RRA struct {
	CF        string
	Rows      uint64
	PDPPerRow uint64
	CurRow    uint64   // rra_ptr.cur_row: the most recently written row
	Params    [10]Word // rra_def.par, raw
}

// Word is one raw 8-byte-or-less union slot (rrdtool's unival): read it as
// an unsigned count or as a double.
type Word struct {
	U   uint64
	F   float64
	raw uint64 // the 8 bytes as stored, packed little-endian (FAILURES keeps bytes here)
}

// Header is everything before the data area.
type Header struct {
	Version        int    // 1..5
	VersionString  string // as stored, e.g. "0003"
	Step           uint64 // pdp_step, seconds
	LastUpdate     int64  // seconds since the epoch
	LastUpdateUsec int64  // 0 for versions 1 and 2
	DS             []DS
	RRA            []RRA
	HeaderSize     int64  // offset of the first data row
	Layout         string // e.g. "little-endian, 8-byte long, 8-byte time_t, 8-byte double alignment"

	// cdp is the cdp_prep array of the live header this Header was
	// decoded from, read through lay: CDPPrep decodes it on demand.
	cdp []byte
	lay *layout
}

// CDPPrep is the raw cdp_prep scratch of RRA rra, one [10]Word per DS.
// It is decoded on demand from the live header the Header was read with:
// a fetch never needs it, and decoding it for every file was 40 % of what
// opening a file allocated.
func (h *Header) CDPPrep(rra int) [][10]Word {
	if h.lay == nil || rra < 0 || rra >= len(h.RRA) {
		return nil
	}
	nds := len(h.DS)
	size := int(h.lay.cdpPrepSize)
	out := make([][10]Word, nds)
	for j := range out {
		b := h.cdp[(rra*nds+j)*size:]
		for k := range 10 {
			out[j][k] = h.lay.unival(b[k*univalSize:])
		}
	}
	return out
}

// Data is the answer to a fetch: Rows() rows of len(DSNames) values, the
// i-th row stamped End-of-interval at Start+(i+1)*Step, as rrdtool prints it.
type Data struct {
	Start, End int64
	Step       int64
	DSNames    []string  // shared by the Data of one File: not to be modified
	RRA        int       // index of the RRA the rows were read from
	Values     []float64 // row-major, NaN for unknown
}

// Rows is the number of rows.
func (d *Data) Rows() int {
	if len(d.DSNames) == 0 {
		return 0
	}
	return len(d.Values) / len(d.DSNames)
}

// Row returns the values of row i (aliasing Values).
func (d *Data) Row(i int) []float64 {
	n := len(d.DSNames)
	return d.Values[i*n : (i+1)*n : (i+1)*n]
}

// Time returns the timestamp of row i: the end of the interval it covers,
// (Time(i)-Step, Time(i)].
func (d *Data) Time(i int) int64 { return d.Start + int64(i+1)*d.Step }

// File is an open RRD file.
type File struct {
	name   string
	r      io.ReaderAt
	size   int64
	closer io.Closer
	lay    layout
	shape  *shape
	hdr    Header
	// live is the live header hdr was decoded from, as read last: the
	// first image a snapshot compares with.
	live []byte
	// head is the start of the file while Open decodes the header.
	head []byte
	// writeLocked reports whether another process holds a write lock on
	// the file (rrdtool update does while it writes); nil when unknown.
	writeLocked func() bool
	// names are the DS names, which every Data from this file shares.
	names []string
}

// Open opens the named RRD file and reads its header. Only a regular file
// is read: a FIFO or a device is refused without blocking.
func Open(name string) (*File, error) {
	fh, size, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	f, err := newFile(fh, size, name)
	if err != nil {
		fh.Close()
		return nil, err
	}
	f.closer = fh
	f.writeLocked = writeLockProbe(fh)
	return f, nil
}

// checkRegular returns f and its size if it is a regular file, and closes
// it otherwise.
func checkRegular(f *os.File, name string) (*os.File, int64, error) {
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a regular file (%s)", name, st.Mode().Type())
	}
	return f, st.Size(), nil
}

// NewFile reads an RRD from r, which holds size bytes.
func NewFile(r io.ReaderAt, size int64) (*File, error) { return newFile(r, size, "") }

// Close closes the file if it was opened by Open, once.
func (f *File) Close() error {
	c := f.closer
	f.closer = nil
	if c != nil {
		return c.Close()
	}
	return nil
}

// Name is the file name given to Open ("" for NewFile).
func (f *File) Name() string { return f.name }

// Header returns the header as read by the last Open, Fetch or Refresh.
func (f *File) Header() *Header { return &f.hdr }
