package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/rrdfetch"
)

// Part is a piece of a period read from one RRA: [From, To) in epoch
// seconds.
type Part struct {
	RRA       int   `json:"rra"`
	PDPPerRow int64 `json:"pdp_per_row"`
	Step      int64 `json:"step"`
	From      int64 `json:"from"`
	To        int64 `json:"to"`
}

// plan chooses where each part of [start, end) is read from: the finest
// AVERAGE RRA that covers the whole period (every RRA ends at the last
// update, so "whole" is decided by the start), or else, from the end of
// the period backwards, each part from the finest AVERAGE RRA that still
// has it. An RRA's row stamped t covers (t-step, t]; it has data from
// (oldest row - step). What no RRA has is left out (unknown, lowering
// coverage).
func plan(h *rrdfetch.Header, start, end int64) ([]Part, error) {
	avg := averages(h)
	if len(avg) == 0 {
		return nil, fmt.Errorf("no AVERAGE RRA")
	}
	for _, i := range avg {
		if first, _ := h.RRACoverage(i); first-h.RRAStep(i) <= start {
			return []Part{{RRA: i, PDPPerRow: int64(h.RRA[i].PDPPerRow), Step: h.RRAStep(i), From: start, To: end}}, nil
		}
	}
	var parts []Part
	cur := end
	for _, i := range avg {
		first, _ := h.RRACoverage(i)
		from := max(start, first-h.RRAStep(i))
		if from >= cur {
			continue
		}
		parts = append(parts, Part{RRA: i, PDPPerRow: int64(h.RRA[i].PDPPerRow), Step: h.RRAStep(i), From: from, To: cur})
		cur = from
		if cur <= start {
			break
		}
	}
	if len(parts) == 0 {
		return nil, nil // no RRA has the period: "rra": null
	}
	slices.Reverse(parts) // chronological order
	return parts, nil
}

// row is one RRA row clipped to a part: its end-of-interval stamp, its
// step, and the seconds of its interval inside the part.
type row struct {
	t, step, overlap int64
	lo, hi           int64 // the interval clipped to the part: [lo, hi)
	vals             []float64
}

// readParts reads the rows of every part and calls fn for each row whose
// interval overlaps its part, in time order.
func readParts(f Rows, parts []Part, fn func(r row)) error {
	for _, p := range parts {
		d, err := f.ReadRRAInto(p.RRA, p.From, p.To, nil)
		if err != nil {
			return err
		}
		for i := range d.Rows() {
			t := d.Time(i)
			lo, hi := max(t-d.Step, p.From), min(t, p.To)
			if hi <= lo {
				continue
			}
			fn(row{t: t, step: d.Step, overlap: hi - lo, lo: lo, hi: hi, vals: d.Row(i)})
		}
	}
	return nil
}

// appendDSIndex appends the column indexes of names to idx, naming what
// is missing.
func appendDSIndex(idx []int, h *rrdfetch.Header, names []string) ([]int, error) {
	for _, n := range names {
		k := -1
		for i, d := range h.DS {
			if d.Name == n {
				k = i
			}
		}
		if k < 0 {
			return nil, fmt.Errorf("no data source %q", n)
		}
		idx = append(idx, k)
	}
	return idx, nil
}

// Rows is an RRD whose rows a report reads: a local file (rrdfetch.File)
// or one on another host (rrdcached.RemoteFile).
type Rows interface {
	Header() *rrdfetch.Header
	ReadRRAInto(i int, start, end int64, buf []float64) (*rrdfetch.Data, error)
	Close() error
}

// Opener opens a source's rows. It is called from several goroutines.
type Opener func(Source) (Rows, error)

// open opens s with opt.Open, or, without one, as a local file.
func (opt Options) open(s Source) (Rows, error) {
	if opt.Open != nil {
		return opt.Open(s)
	}
	if s.Daemon != "" {
		return nil, fmt.Errorf("%s: on rrdcached %s, and no opener for remote files was given", s.File, s.Daemon)
	}
	return rrdfetch.Open(s.File)
}

// openPlanned opens a source and plans the period's parts; the caller
// closes it.
func openPlanned(s Source, p period.Period, opt Options) (Rows, []Part, error) {
	f, err := opt.open(s)
	if err != nil {
		return nil, nil, err
	}
	parts, err := plan(f.Header(), p.Start.Unix(), p.End.Unix())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", s.File, err)
	}
	return f, parts, nil
}

// splitResets keeps a dropped counter reset from dropping more seconds
// when a period is read from a coarse RRA than when it is read from a fine
// one: a row of part that is a spike for some metric, and whose interval
// a finer AVERAGE RRA still holds whole, is read from the finest such RRA
// instead, where only the fine rows of the reset are spikes. It returns
// part split that way, or nil when no row needs it.
func splitResets(h *rrdfetch.Header, part Part, d *rrdfetch.Data, accs []acc) []Part {
	held := finerFrom(h, d.Step)
	if held == math.MaxInt64 || d.Rows() == 0 {
		return nil
	}
	var out []Part
	cur := part.From
	// Only the rows from the first one a finer RRA holds are looked at.
	for r := int(max(ceilDiv(held+d.Step-d.Time(0), d.Step), 0)); r < d.Rows(); r++ {
		t := d.Time(r)
		lo, hi := max(t-d.Step, part.From), min(t, part.To)
		if hi <= lo || !spiked(accs, d.Row(r)) {
			continue
		}
		fine := finestHolding(h, d.Step, t-d.Step)
		if fine < 0 {
			continue
		}
		if lo > cur {
			out = append(out, Part{RRA: part.RRA, PDPPerRow: part.PDPPerRow, Step: part.Step, From: cur, To: lo})
		}
		if n := len(out); n > 0 && out[n-1].RRA == fine && out[n-1].To == lo {
			out[n-1].To = hi
		} else {
			out = append(out, Part{RRA: fine, PDPPerRow: int64(h.RRA[fine].PDPPerRow), Step: h.RRAStep(fine), From: lo, To: hi})
		}
		cur = hi
	}
	if out != nil && cur < part.To {
		out = append(out, Part{RRA: part.RRA, PDPPerRow: part.PDPPerRow, Step: part.Step, From: cur, To: part.To})
	}
	return out
}

// spiked says whether row is a spike for any metric: above its limit.
func spiked(accs []acc, row []float64) bool {
	for i := range accs {
		if math.IsInf(accs[i].maxRate, 1) {
			continue // no limit: never a spike
		}
		if v, ok := accs[i].known(row); !ok && v > accs[i].maxRate {
			return true
		}
	}
	return false
}

// finerFrom is the earliest second an AVERAGE RRA with a step below step
// holds, or math.MaxInt64 (none is finer).
func finerFrom(h *rrdfetch.Header, step int64) int64 {
	from := int64(math.MaxInt64)
	for i, r := range h.RRA {
		if s := h.RRAStep(i); r.CF == "AVERAGE" && s < step {
			first, _ := h.RRACoverage(i)
			from = min(from, first-s)
		}
	}
	return from
}

// finestHolding is the finest AVERAGE RRA with a step below step that
// holds every second from `from` on (to the last update), or -1.
func finestHolding(h *rrdfetch.Header, step, from int64) int {
	best := -1
	for i, r := range h.RRA {
		s := h.RRAStep(i)
		if r.CF != "AVERAGE" || s >= step || best >= 0 && s >= h.RRAStep(best) {
			continue
		}
		if first, _ := h.RRACoverage(i); first-s <= from {
			best = i
		}
	}
	return best
}
