package rrdfetch

import "errors"

// layout is decided once from the header.
type layout struct{}

var errTODO = errors.New("rrdfetch: not implemented yet")

func newFile(r interface{}, size int64, name string) (*File, error) { return nil, errTODO }

// Fetch returns exactly what rrdtool 1.7.2's fetch returns for
// `rrdtool fetch FILE CF --start start --end end [--resolution resolution] [--align-start]`
// with start and end already resolved to epoch seconds. resolution 0 means
// "not given" (rrdtool's default of 1 second).
func (f *File) Fetch(cf string, start, end, resolution int64, alignStart bool) (*Data, error) {
	return nil, errTODO
}

// ReadRRA reads the rows of RRA i whose intervals lie in [start, end]
// after aligning start down and end up to the RRA's step: row timestamps
// t with start' < t <= end'. Rows outside the RRA's coverage are NaN.
// It reads a consistent snapshot like Fetch.
func (f *File) ReadRRA(i int, start, end int64) (*Data, error) { return nil, errTODO }

// RRAStep is the seconds per row of RRA i.
func (h *Header) RRAStep(i int) int64 { return int64(h.Step * h.RRA[i].PDPPerRow) }

// RRACoverage returns the timestamps of the oldest and newest rows RRA i
// holds (rows may still be NaN if the file is young).
func (h *Header) RRACoverage(i int) (first, last int64) {
	s := h.RRAStep(i)
	last = h.LastUpdate - h.LastUpdate%s
	first = last - (int64(h.RRA[i].Rows)-1)*s
	return first, last
}

// InfoLine is one line of `rrdtool info`: Key = Value.
type InfoLine struct{ Key, Value string }

// Info returns the lines `rrdtool info filename` prints, in order.
func (h *Header) Info(filename string) []InfoLine { return nil }

// FormatValue formats v as C's printf("%0.10e") does with glibc, including
// "nan"/"-nan" by the NaN's sign bit and "inf"/"-inf".
func FormatValue(v float64) string { return "" }
