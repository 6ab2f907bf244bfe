package rrdwrite

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// DS is a data source definition. Min and Max are NaN for "U".
type DS struct {
	Name      string
	Type      string // GAUGE, COUNTER, DERIVE, ABSOLUTE
	Heartbeat uint64
	Min, Max  float64
}

// RRA is an archive definition.
type RRA struct {
	CF        string // AVERAGE, MIN, MAX, LAST
	XFF       float64
	PDPPerRow uint64
	Rows      uint64
}

// Spec is a file's schema.
type Spec struct {
	Step uint64
	DS   []DS
	RRA  []RRA
}

// validDSName says whether s is a DS name rrdtool accepts: 1 to 19 of
// [-a-zA-Z0-9_], checked by hand so that no start compiles a regexp.
func validDSName(s string) bool {
	if len(s) == 0 || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Validate checks the spec as rrdtool create would.
func (s *Spec) Validate() error {
	if s.Step == 0 || s.Step > 1<<32 {
		return fmt.Errorf("step %d out of range", s.Step)
	}
	if len(s.DS) == 0 || len(s.RRA) == 0 {
		return fmt.Errorf("need at least one DS and one RRA")
	}
	seen := map[string]bool{}
	for _, d := range s.DS {
		if !validDSName(d.Name) || seen[d.Name] {
			return fmt.Errorf("invalid or duplicate DS name %q", d.Name)
		}
		seen[d.Name] = true
		switch d.Type {
		case "GAUGE", "COUNTER", "DERIVE", "ABSOLUTE":
		default:
			return fmt.Errorf("DS %s: unsupported type %q", d.Name, d.Type)
		}
		if d.Heartbeat == 0 {
			return fmt.Errorf("DS %s: heartbeat 0", d.Name)
		}
	}
	for i, r := range s.RRA {
		switch r.CF {
		case "AVERAGE", "MIN", "MAX", "LAST":
		default:
			return fmt.Errorf("rra[%d]: unsupported CF %q", i, r.CF)
		}
		if r.PDPPerRow == 0 || r.Rows == 0 || r.XFF < 0 || r.XFF >= 1 {
			return fmt.Errorf("rra[%d]: invalid pdp_per_row, rows or xff", i)
		}
	}
	return nil
}

// On-disk sizes of the x86_64 layout (see rrdfetch/doc.go).
const (
	statHeadSize = 128
	dsDefSize    = 120
	rraDefSize   = 120
	liveHeadSize = 16
	pdpPrepSize  = 112
	cdpPrepSize  = 80
	rraPtrSize   = 8
	floatCookie  = 8.642135e130
)

// dnan is the NaN rrdtool (x86_64) fills unknown rows with.
var dnan = math.Float64frombits(0xfff8000000000000)

// cdp is the consolidation in progress for one RRA and data source.
type cdp struct {
	sum, min, max, last float64
	known, unknown      uint64
}

func (c *cdp) reset() { *c = cdp{min: math.Inf(1), max: math.Inf(-1), last: math.NaN()} }

func (c *cdp) add(v float64) {
	c.last = v // LAST is the CDP's last PDP, even an unknown one
	if math.IsNaN(v) {
		c.unknown++
		return
	}
	c.known++
	c.sum += v
	c.min = math.Min(c.min, v)
	c.max = math.Max(c.max, v)
}

func (c *cdp) value(cf string, n uint64, xff float64) float64 {
	if float64(c.unknown) > float64(n)*xff || c.known == 0 {
		return dnan
	}
	switch cf {
	case "MIN":
		return c.min
	case "MAX":
		return c.max
	case "LAST":
		if math.IsNaN(c.last) {
			return dnan
		}
		return c.last
	}
	return c.sum / float64(c.known)
}

// progress is what rrdtool keeps in cdp_prep's value slot for a CDP in
// progress: NaN until a PDP is known, then the running aggregate.
func (c *cdp) progress(cf string) float64 {
	if c.known == 0 {
		return dnan
	}
	switch cf {
	case "MIN":
		return c.min
	case "MAX":
		return c.max
	case "LAST":
		return c.last
	}
	return c.sum
}

// WriteFile writes the file atomically (a temporary file in the same
// directory, synced, then renamed). The PDP of DS i for the interval
// (t-step, t] is values[i] after pdp(t, values), for t = first+step … last;
// first and last must be multiples of the step.
func WriteFile(path string, spec Spec, first, last int64, pdp func(t int64, values []float64)) error {
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	step := int64(spec.Step)
	if first%step != 0 || last%step != 0 || last < first || first < 0 {
		return fmt.Errorf("%s: first %d and last %d must be multiples of the step %d, first <= last", path, first, last, step)
	}
	nds := len(spec.DS)
	rings := make([][]float64, len(spec.RRA))
	curRow := make([]uint64, len(spec.RRA))
	state := make([][]cdp, len(spec.RRA))
	for i, r := range spec.RRA {
		if r.Rows*uint64(nds) > 1<<28 {
			return fmt.Errorf("%s: rra[%d] too large", path, i)
		}
		rings[i] = make([]float64, int(r.Rows)*nds)
		for j := range rings[i] {
			rings[i][j] = dnan
		}
		curRow[i] = r.Rows - 1 // the first row written goes to row 0
		state[i] = make([]cdp, nds)
		for j := range state[i] {
			state[i][j].reset()
			// PDPs of this CDP before the file's start are unknown.
			state[i][j].unknown = uint64(first/step) % r.PDPPerRow
		}
	}
	vals := make([]float64, nds)
	for t := first + step; t <= last; t += step {
		for j := range vals {
			vals[j] = math.NaN()
		}
		pdp(t, vals)
		for i, r := range spec.RRA {
			st := state[i]
			for j, v := range vals {
				st[j].add(v)
			}
			if uint64(t/step)%r.PDPPerRow != 0 {
				continue
			}
			curRow[i] = (curRow[i] + 1) % r.Rows
			row := rings[i][int(curRow[i])*nds:]
			for j := range st {
				row[j] = st[j].value(r.CF, r.PDPPerRow, r.XFF)
				st[j].reset()
			}
		}
	}
	return writeAtomic(path, func(w *bufio.Writer) error {
		return encode(w, &spec, last, rings, curRow, state)
	})
}

func encode(w *bufio.Writer, spec *Spec, last int64, rings [][]float64, curRow []uint64, state [][]cdp) error {
	le := binary.LittleEndian
	var b [8]byte
	u64 := func(v uint64) { le.PutUint64(b[:], v); w.Write(b[:]) }
	f64 := func(v float64) { u64(math.Float64bits(v)) }
	zero := func(n int) {
		for range n {
			w.WriteByte(0)
		}
	}
	str := func(s string, n int) { w.WriteString(s); zero(n - len(s)) }

	// stat_head
	str("RRD", 4)
	str("0003", 5)
	zero(7) // float_cookie is 8-byte aligned: offset 16
	f64(floatCookie)
	u64(uint64(len(spec.DS)))
	u64(uint64(len(spec.RRA)))
	u64(spec.Step)
	zero(80)
	for _, d := range spec.DS {
		str(d.Name, 20)
		str(d.Type, 20)
		u64(d.Heartbeat)
		f64(d.Min)
		f64(d.Max)
		zero(56)
	}
	for _, r := range spec.RRA {
		str(r.CF, 20)
		zero(4)
		u64(r.Rows)
		u64(r.PDPPerRow)
		f64(r.XFF)
		zero(72)
	}
	// live_head
	u64(uint64(last))
	u64(0)
	// pdp_prep: last_ds "U", unknown_sec 0, value 0
	for range spec.DS {
		str("U", 30)
		zero(2)
		u64(0)
		f64(0)
		zero(64)
	}
	// cdp_prep
	for i, r := range spec.RRA {
		for j := range spec.DS {
			c := state[i][j]
			f64(c.progress(r.CF))
			u64(c.unknown)
			zero(48)
			f64(dnan) // primary
			f64(dnan) // secondary
		}
	}
	for i := range spec.RRA {
		u64(curRow[i])
	}
	for _, ring := range rings {
		for _, v := range ring {
			f64(v)
		}
	}
	return nil
}

func writeAtomic(path string, fill func(w *bufio.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err = fill(w); err != nil {
		return err
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
