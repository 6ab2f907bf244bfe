package report

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/billrun/billrun/rrdfetch"
)

// MetricKind says how a metric's rows turn into a total.
type MetricKind string

const (
	// Counter: the RRD stores a per-second rate; total = Σ rate × seconds.
	Counter MetricKind = "counter"
	// Gauge: the RRD stores a level; total = Σ level × minutes (the seed's
	// AVERAGE × step/60, "unit-minutes").
	Gauge MetricKind = "gauge"
)

// Metric is a billable figure: the sum of some data sources per row.
type Metric struct {
	Name    string
	DS      []string
	Kind    MetricKind
	Unit    string
	MaxRate float64 // > 0: rows whose summed value exceeds it are unknown and counted as spikes
}

// CounterLimits are the rates above which a counter metric's row is taken
// for a counter reset (a reboot read by rrdtool as a 32- or 64-bit wrap)
// when neither the metric's max_rate nor its data sources' max in the RRD
// header says: 100 Gbit/s of traffic, 1,024 CPUs' ticks at USER_HZ 100.
var CounterLimits = map[string]float64{"bytes": 1.25e10, "ticks": 1024 * 100}

// limit is the rate above which a row of m is a spike, not usage: the
// metric's max_rate; for a counter without one, the sum of its data
// sources' max from the RRD header when each has one, else the default
// for its unit (CounterLimits); +Inf when none applies.
func (m Metric) limit(h *rrdfetch.Header, cols []int) float64 {
	if m.MaxRate > 0 {
		return m.MaxRate
	}
	if m.Kind != Counter {
		return math.Inf(1)
	}
	sum := 0.0
	for _, c := range cols {
		max := h.DS[c].Max
		if math.IsNaN(max) || math.IsInf(max, 0) || max <= 0 {
			sum = math.NaN()
			break
		}
		sum += max
	}
	if sum == sum {
		return sum
	}
	if l, ok := CounterLimits[m.Unit]; ok {
		return l
	}
	return math.Inf(1)
}

// DefaultMetrics are the seed's six (report_sum): ticks, vm, rss, disk, in, out.
func DefaultMetrics() []Metric {
	return []Metric{
		{Name: "ticks", DS: []string{"vs_uticks", "vs_sticks"}, Kind: Counter, Unit: "ticks"},
		{Name: "vm", DS: []string{"vs_vm"}, Kind: Gauge, Unit: "KB-minutes"},
		{Name: "rss", DS: []string{"vs_rss"}, Kind: Gauge, Unit: "KB-minutes"},
		{Name: "in", DS: []string{"vs_in"}, Kind: Counter, Unit: "bytes"},
		{Name: "out", DS: []string{"vs_out"}, Kind: Counter, Unit: "bytes"},
		{Name: "disk", DS: []string{"vs_disk_b_used"}, Kind: Gauge, Unit: "KB-minutes"},
	}
}

// Validate checks a metric list.
func ValidateMetrics(ms []Metric) error {
	seen := map[string]bool{}
	for i, m := range ms {
		if m.Name == "" || seen[m.Name] {
			return fmt.Errorf("metrics[%d]: empty or duplicate name %q", i, m.Name)
		}
		seen[m.Name] = true
		if len(m.DS) == 0 {
			return fmt.Errorf("metrics[%d] (%s): no ds", i, m.Name)
		}
		if m.Kind != Counter && m.Kind != Gauge {
			return fmt.Errorf("metrics[%d] (%s): kind must be counter or gauge, not %q", i, m.Name, m.Kind)
		}
		if m.MaxRate < 0 || math.IsNaN(m.MaxRate) {
			return fmt.Errorf("metrics[%d] (%s): max_rate must be positive", i, m.Name)
		}
	}
	return nil
}

// Num is a float64 that marshals NaN and infinities as JSON null (a figure
// with no data), and everything else as encoding/json does.
type Num float64

func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// String formats n for CSV and tables: shortest exact form, "" for no data.
func (n Num) String() string {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// sum is Neumaier's compensated summation: totals over a month of rows
// stay exact to the last digits that matter, so adjacent periods add up.
type sum struct{ s, c float64 }

func (a *sum) add(x float64) {
	t := a.s + x
	if math.Abs(a.s) >= math.Abs(x) {
		a.c += (a.s - t) + x
	} else {
		a.c += (x - t) + a.s
	}
	a.s = t
}

func (a *sum) value() float64 { return a.s + a.c }
