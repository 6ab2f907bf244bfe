package export

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/billrun/billrun/report"
)

// A usage report's JSON is mostly its VPS entries, and encoding/json
// spends more time on one (reflection, MarshalJSON, re-indenting) than
// billrun spends reading the file's month of rows. appendEntry writes
// the same bytes directly; TestEntryMatchesEncodingJSON holds it to
// encoding/json's output for random entries.

// entry writes JSON indented as encoding/json does with prefix "    "
// and indent "  ".
type entry struct{ b []byte }

func (e *entry) nl(depth int) {
	e.b = append(e.b, "\n    "...)
	for range depth {
		e.b = append(e.b, "  "...)
	}
}

func (e *entry) key(depth int, k string) {
	e.nl(depth)
	e.str(k)
	e.b = append(e.b, ": "...)
}

// str writes s as encoding/json does without HTML escaping: plain
// printable ASCII directly, anything else through encoding/json.
func (e *entry) str(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			b, _ := json.Marshal(s) // only escapes differ, never fails
			e.b = appendUnescapedHTML(e.b, b)
			return
		}
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, s...)
	e.b = append(e.b, '"')
}

// strHTML writes s as json.Marshal does, escaping &, < and > too: how
// report.Metrics writes its keys.
func (e *entry) strHTML(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '&' || c == '<' || c == '>' || c >= utf8.RuneSelf {
			b, _ := json.Marshal(s)
			e.b = append(e.b, b...)
			return
		}
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, s...)
	e.b = append(e.b, '"')
}

// appendUnescapedHTML appends b, a JSON string from json.Marshal, with
// its \u0026, \u003c and \u003e turned back into &, < and > (the
// encoders here do not escape HTML).
func appendUnescapedHTML(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+5 < len(b) && b[i+1] == 'u' && b[i+2] == '0' && b[i+3] == '0' {
			switch string(b[i+4 : i+6]) {
			case "26":
				dst = append(dst, '&')
				i += 5
				continue
			case "3c":
				dst = append(dst, '<')
				i += 5
				continue
			case "3e":
				dst = append(dst, '>')
				i += 5
				continue
			}
		}
		if b[i] == '\\' && i+1 < len(b) {
			dst = append(dst, b[i], b[i+1])
			i++
			continue
		}
		dst = append(dst, b[i])
	}
	return dst
}

// num writes a Num as its MarshalJSON does: null for NaN and ±Inf, else
// as encoding/json writes a float64.
func (e *entry) num(n report.Num) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e.b = append(e.b, "null"...)
		return
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, f, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9, as encoding/json does
		if n := len(e.b); n >= 4 && e.b[n-4] == 'e' && e.b[n-3] == '-' && e.b[n-2] == '0' {
			e.b[n-2] = e.b[n-1]
			e.b = e.b[:n-1]
		}
	}
}

func (e *entry) int(i int64) { e.b = strconv.AppendInt(e.b, i, 10) }

// numField writes "k": n at depth, and a comma when more fields follow.
func (e *entry) numField(depth int, k string, n report.Num, more bool) {
	e.key(depth, k)
	e.num(n)
	if more {
		e.b = append(e.b, ',')
	}
}

// objects writes a non-empty list of n objects, a value at depth 1, whose
// fields fields(i) writes at depth 3.
func (e *entry) objects(n int, fields func(i int)) {
	e.b = append(e.b, '[')
	for i := range n {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.nl(2)
		e.b = append(e.b, '{')
		fields(i)
		e.nl(2)
		e.b = append(e.b, '}')
	}
	e.nl(1)
	e.b = append(e.b, ']')
}

// appendEntry appends v's entry in the "vps" list.
func appendEntry(b []byte, v *report.VPSUsage) []byte {
	e := entry{b}
	e.b = append(e.b, '{')
	e.key(1, "name")
	e.str(v.Name)
	e.b = append(e.b, ',')
	e.key(1, "file")
	e.str(v.File)
	e.b = append(e.b, ',')
	e.key(1, "step")
	e.int(v.Step)
	e.b = append(e.b, ',')
	e.key(1, "metrics")
	e.b = append(e.b, '{')
	for i, m := range v.Metrics {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.nl(2)
		e.strHTML(m.Name)
		e.b = append(e.b, ": {"...)
		e.numField(3, "total", m.Total, true)
		e.numField(3, "coverage", m.Coverage, true)
		e.key(3, "spikes")
		e.int(int64(m.Spikes))
		e.nl(2)
		e.b = append(e.b, '}')
	}
	if len(v.Metrics) > 0 {
		e.nl(1)
	}
	e.b = append(e.b, "},"...)
	if p := v.P95; p != nil {
		e.key(1, "p95_bps")
		e.b = append(e.b, '{')
		e.numField(2, "in", p.In, true)
		e.numField(2, "out", p.Out, true)
		e.numField(2, "max", p.Max, false)
		e.nl(1)
		e.b = append(e.b, "},"...)
	}
	e.key(1, "rra")
	switch {
	case v.RRA == nil:
		e.b = append(e.b, "null"...)
	case len(v.RRA) == 0:
		e.b = append(e.b, "[]"...)
	default:
		e.objects(len(v.RRA), func(i int) {
			p := v.RRA[i]
			for j, f := range [...]struct {
				k string
				v int64
			}{{"rra", int64(p.RRA)}, {"pdp_per_row", p.PDPPerRow}, {"step", p.Step}, {"from", p.From}, {"to", p.To}} {
				if j > 0 {
					e.b = append(e.b, ',')
				}
				e.key(3, f.k)
				e.int(f.v)
			}
		})
	}
	e.b = append(e.b, ',')
	e.key(1, "last_update")
	e.int(v.LastUpdate)
	if len(v.Daily) > 0 {
		e.b = append(e.b, ',')
		e.key(1, "daily")
		e.objects(len(v.Daily), func(i int) {
			d := v.Daily[i]
			e.key(3, "day")
			e.str(d.Day)
			e.b = append(e.b, ',')
			e.numField(3, "in", d.In, true)
			e.numField(3, "out", d.Out, false)
		})
	}
	e.nl(0)
	e.b = append(e.b, '}')
	return e.b
}
