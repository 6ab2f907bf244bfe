package rrdfetch

import (
	"math"
	"strconv"
	"strings"
)

// RRAStep is the seconds per row of RRA i.
func (h *Header) RRAStep(i int) int64 { return int64(h.Step * h.RRA[i].PDPPerRow) }

// RRACoverage returns the timestamps of the oldest and newest rows RRA i
// holds (rows of a young file may still be NaN).
func (h *Header) RRACoverage(i int) (first, last int64) {
	s := h.RRAStep(i)
	last = h.LastUpdate - h.LastUpdate%s
	first = last - (int64(h.RRA[i].Rows)-1)*s
	return first, last
}

// InfoLine is one line of `rrdtool info`: "Key = Value".
type InfoLine struct{ Key, Value string }

func (l InfoLine) String() string { return l.Key + " = " + l.Value }

// Info returns the lines `rrdtool info filename` prints, in its order and
// with its formatting (strings quoted, values %0.10e or NaN, counts %lu).
func (h *Header) Info(filename string) []InfoLine {
	var out []InfoLine
	str := func(k, v string) { out = append(out, InfoLine{k, `"` + v + `"`}) }
	cnt := func(k string, v uint64) { out = append(out, InfoLine{k, strconv.FormatUint(v, 10)}) }
	val := func(k string, v float64) {
		s := "NaN"
		if !math.IsNaN(v) {
			s = FormatValue(v)
		}
		out = append(out, InfoLine{k, s})
	}
	str("filename", filename)
	str("rrd_version", h.VersionString)
	cnt("step", h.Step)
	cnt("last_update", uint64(h.LastUpdate))
	cnt("header_size", uint64(h.HeaderSize))
	for i, d := range h.DS {
		p := "ds[" + d.Name + "]."
		cnt(p+"index", uint64(i))
		str(p+"type", d.Type)
		if d.Type == "COMPUTE" {
			str(p+"cdef", d.CDEF)
		} else {
			cnt(p+"minimal_heartbeat", d.Heartbeat)
			val(p+"min", d.Min)
			val(p+"max", d.Max)
		}
		str(p+"last_ds", d.LastDS)
		val(p+"value", d.Value)
		cnt(p+"unknown_sec", d.UnknownSec)
	}
	for i, r := range h.RRA {
		p := "rra[" + strconv.Itoa(i) + "]."
		str(p+"cf", r.CF)
		cnt(p+"rows", r.Rows)
		cnt(p+"cur_row", r.CurRow)
		cnt(p+"pdp_per_row", r.PDPPerRow)
		switch r.CF {
		case "HWPREDICT", "MHWPREDICT":
			val(p+"alpha", r.Params[1].F)
			val(p+"beta", r.Params[2].F)
		case "SEASONAL", "DEVSEASONAL":
			val(p+"gamma", r.Params[1].F)
			if h.Version >= 4 {
				val(p+"smoothing_window", r.Params[2].F)
			}
		case "FAILURES":
			val(p+"delta_pos", r.Params[1].F)
			val(p+"delta_neg", r.Params[2].F)
			cnt(p+"failure_threshold", r.Params[5].U)
			cnt(p+"window_length", r.Params[4].U)
		case "DEVPREDICT":
		default:
			val(p+"xff", r.Params[0].F)
		}
		for j, c := range h.CDPPrep(i) {
			q := p + "cdp_prep[" + strconv.Itoa(j) + "]."
			switch r.CF {
			case "HWPREDICT", "MHWPREDICT":
				val(q+"intercept", c[2].F)
				val(q+"slope", c[4].F)
				cnt(q+"NaN_count", c[6].U)
			case "SEASONAL":
				val(q+"seasonal", c[2].F)
			case "DEVSEASONAL":
				val(q+"deviation", c[2].F)
			case "DEVPREDICT":
			case "FAILURES":
				str(q+"history", failureHistory(c, r.Params[4].U))
			default:
				val(q+"value", c[0].F)
				cnt(q+"unknown_datapoints", c[1].U)
			}
		}
	}
	return out
}

// failureHistory renders the FAILURES violation bytes stored in the
// cdp_prep scratch area as rrdtool does: one '1' or '0' per byte, for the
// window length (at most 28, the scratch area's capacity).
func failureHistory(c [10]Word, window uint64) string {
	var raw []byte
	for _, w := range c {
		var b [8]byte
		for k := range 8 {
			b[k] = byte(w.raw >> (8 * k))
		}
		raw = append(raw, b[:]...)
	}
	window = min(window, 28)
	var sb strings.Builder
	for j := range window {
		if raw[j] == 1 {
			sb.WriteByte('1')
		} else {
			sb.WriteByte('0')
		}
	}
	return sb.String()
}

// FormatValue formats v as C's printf("%0.10e") does with glibc: "nan" or
// "-nan" by the NaN's sign bit, "inf" or "-inf", otherwise a mantissa with
// ten decimals and an exponent of at least two digits.
func FormatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		if math.Signbit(v) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'e', 10, 64)
}
