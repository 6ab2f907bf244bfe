package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/billrun/billrun/internal/period"
)

// UptimeDS is the data source of a host's uptime RRD (0–100 %).
const UptimeDS = "admin_uptime"

// DefaultThreshold: below it a host is "degraded" (the seed's 99.99 %).
const DefaultThreshold = 99.99

// Degraded is a run of contiguous rows below the threshold.
type Degraded struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	MinPct Num    `json:"min_pct"`

	from, to int64
}

// DailyUptime is one day of a host's (or the fleet's) uptime, with the
// 7-day trailing moving average of the daily figures.
type DailyUptime struct {
	Day       string `json:"day"`
	UptimePct Num    `json:"uptime_pct"`
	MA7       Num    `json:"ma7"`
	Degraded  bool   `json:"degraded"`
}

// HostSLA is one host's figures.
type HostSLA struct {
	Name            string `json:"name"`
	File            string `json:"file"`
	UptimePct       Num    `json:"uptime_pct"`
	DowntimeMinutes Num    `json:"downtime_minutes"`
	// GapMinutes are the minutes of the period without data; with
	// GapsDown they are in DowntimeMinutes and count as 0 %; with
	// GapsEvidence so are those of them that are not UnmonitoredMinutes.
	GapMinutes Num `json:"gap_minutes"`
	// UnmonitoredMinutes (GapsEvidence) are the gap minutes in which one
	// of the host's VPS files has data: left out of the mean.
	UnmonitoredMinutes Num           `json:"unmonitored_minutes"`
	Gaps               string        `json:"gaps"`
	GapsDown           bool          `json:"gaps_down,omitempty"` // Gaps is down or evidence
	Coverage           Num           `json:"coverage"`
	Degraded           []Degraded    `json:"degraded"`
	Daily              []DailyUptime `json:"daily"`
	RRA                []Part        `json:"rra"`
	LastUpdate         int64         `json:"last_update"`
}

// Fleet is the fleet-wide figure.
type Fleet struct {
	UptimePct Num           `json:"uptime_pct"`
	Daily     []DailyUptime `json:"daily"`
}

// SLAReport is the answer of `billrun sla`.
type SLAReport struct {
	Period PeriodJSON  `json:"period"`
	Fleet  Fleet       `json:"fleet"`
	Hosts  []HostSLA   `json:"hosts"`
	Errors []FileError `json:"errors"`
}

// SLA computes uptime figures for every host for p.
func SLA(ctx context.Context, hosts []Source, p period.Period, threshold float64, opt Options) (*SLAReport, error) {
	if math.IsNaN(threshold) || threshold <= 0 || threshold > 100 {
		return nil, fmt.Errorf("threshold %v must be in (0, 100]", threshold)
	}
	out := &SLAReport{Period: NewPeriodJSON(p), Hosts: []HostSLA{}}
	var fleet sum
	n := 0
	errs, err := eachFile(ctx, hosts, opt, func(s Source, _ *scratch) (*HostSLA, error) {
		return HostUptime(s, p, threshold, opt)
	}, func(h *HostSLA) error {
		out.Hosts = append(out.Hosts, *h)
		if v := float64(h.UptimePct); !math.IsNaN(v) {
			fleet.add(v)
			n++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Errors = errs
	out.Fleet.UptimePct = Num(math.NaN())
	if n > 0 {
		out.Fleet.UptimePct = Num(fleet.value() / float64(n))
	}
	out.Fleet.Daily = fleetDaily(out.Hosts, threshold)
	return out, nil
}

// HostUptime computes one host's figures: uptime_pct is the mean of the
// known rows weighted by the seconds they cover in the period; downtime
// minutes are Σ (100 − v)/100 × covered minutes. The seconds without data
// go by opt.Gaps: with GapsDown they count as 0 % (the mean is over the
// whole period, each day's over the whole day, and they are degraded runs
// of 0 %) and their minutes are downtime; with GapsEvidence, the same only
// where none of opt.Witnesses[s.Name] has data, the rest being left out.
// The file is opened with opt.Open.
func HostUptime(s Source, p period.Period, threshold float64, opt Options) (*HostSLA, error) {
	f, err := opt.open(s)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := f.Header()
	col, err := appendDSIndex(nil, h, []string{UptimeDS})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	w := p // the host is measured over w: from its first row with FromData
	if s.FromData {
		if w, _, err = fromData(f, p); err != nil {
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
	}
	start, end := w.Start.Unix(), w.End.Unix()
	parts, err := plan(h, start, end)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	u := newUptime(p, threshold, opt.Gaps)
	u.start = start
	if opt.Gaps == GapsEvidence {
		gaps, err := gapSpans(f, parts, col[0], start, end)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
		u.witnessed = witnessed(opt.Witnesses[s.Name], gaps, w, opt)
	}
	if from := uncoveredTo(parts, end); from > start { // no RRA has these
		u.add(row{lo: start, hi: from, overlap: from - start}, math.NaN())
	}
	if err := readParts(f, parts, func(r row) { u.add(r, r.vals[col[0]]) }); err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	hs := u.figures(p)
	hs.Name, hs.File, hs.RRA, hs.LastUpdate = s.Name, s.File, parts, h.LastUpdate
	return hs, nil
}

// uptime accumulates a host's rows over a period: the weighted sums of
// the whole period and of each day, and the degraded runs.
type uptime struct {
	threshold      float64
	gaps           Gaps
	witnessed      []span  // GapsEvidence: the gap seconds a VPS has data for
	start, end     int64   // what is measured: the period, or from the first row
	days           []int64 // each day's first second
	daySum         []sum
	dayCov         []int64
	dayUnmon       []int64
	weighted, down sum
	covered, unmon int64
	deg            []Degraded
	open           bool // the last row was below the threshold
}

func newUptime(p period.Period, threshold float64, gaps Gaps) *uptime {
	days := dayStarts(p)
	return &uptime{threshold: threshold, gaps: gaps, start: p.Start.Unix(), end: p.End.Unix(), days: days,
		daySum: make([]sum, len(days)), dayCov: make([]int64, len(days)), dayUnmon: make([]int64, len(days))}
}

// add counts row r, whose value is v (NaN: unknown).
func (u *uptime) add(r row, v float64) {
	if !math.IsNaN(v) {
		u.covered += r.overlap
		u.weighted.add(v * float64(r.overlap))
		u.down.add((100 - v) / 100 * float64(r.overlap) / 60)
		spread(u.days, u.end, r.lo, r.hi, func(i int, o int64) {
			u.daySum[i].add(v * float64(o))
			u.dayCov[i] += o
		})
		u.run(r.lo, r.hi, v)
		return
	}
	switch u.gaps {
	case GapsDown:
		u.run(r.lo, r.hi, 0) // no coverage, but a degraded run
	case GapsEvidence:
		cut(r.lo, r.hi, u.witnessed, func(lo, hi int64, seen bool) {
			if !seen {
				u.run(lo, hi, 0)
				return
			}
			u.unmon += hi - lo
			spread(u.days, u.end, lo, hi, func(i int, o int64) { u.dayUnmon[i] += o })
			u.open = false
		})
	default:
		u.open = false
	}
}

// run extends the degraded runs with [lo, hi) at v, or ends the open one
// when v is at or above the threshold.
func (u *uptime) run(lo, hi int64, v float64) {
	if v >= u.threshold {
		u.open = false
		return
	}
	if n := len(u.deg); u.open && u.deg[n-1].to == lo {
		d := &u.deg[n-1]
		d.to = hi
		d.MinPct = Num(math.Min(float64(d.MinPct), v))
	} else {
		u.deg = append(u.deg, Degraded{from: lo, to: hi, MinPct: Num(v)})
	}
	u.open = true
}

// figures are the host's figures for p from what was added: the mean is
// over what is known, or when gaps count as down over it all but the
// unmonitored seconds, the gaps adding nothing up.
func (u *uptime) figures(p period.Period) *HostSLA {
	loc := p.Start.Location()
	for i := range u.deg {
		u.deg[i].Start = time.Unix(u.deg[i].from, 0).In(loc).Format(time.RFC3339)
		u.deg[i].End = time.Unix(u.deg[i].to, 0).In(loc).Format(time.RFC3339)
	}
	span := u.end - u.start
	gap := float64(span-u.covered) / 60
	down := u.gaps != GapsIgnore
	hs := &HostSLA{UptimePct: Num(math.NaN()), DowntimeMinutes: Num(u.down.value()), GapMinutes: Num(gap),
		UnmonitoredMinutes: Num(float64(u.unmon) / 60), Gaps: u.gaps.String(), GapsDown: down,
		Coverage: Num(float64(u.covered) / float64(span)), Degraded: u.deg}
	if hs.Degraded == nil {
		hs.Degraded = []Degraded{}
	}
	over := func(known, all, unmon int64) float64 {
		if down {
			return float64(all - unmon)
		}
		return float64(known)
	}
	if down {
		hs.DowntimeMinutes = Num(u.down.value() + float64(span-u.covered-u.unmon)/60)
	}
	if d := over(u.covered, span, u.unmon); d > 0 && span > 0 {
		hs.UptimePct = Num(u.weighted.value() / d)
	}
	daily := make([]float64, len(u.days))
	for i := range u.days {
		daily[i] = math.NaN()
		dayEnd := u.end
		if i+1 < len(u.days) {
			dayEnd = u.days[i+1]
		}
		if d := over(u.dayCov[i], dayEnd-max(u.days[i], u.start), u.dayUnmon[i]); d > 0 {
			daily[i] = u.daySum[i].value() / d
		}
	}
	hs.Daily = dailySeries(u.days, daily, u.threshold, loc)
	return hs
}

// dayStarts lists the starts of the calendar days of p in its zone.
// A day is labelled by its local date and starts at that date's first
// instant (period.DayStart): a date a zone skipped has no day.
func dayStarts(p period.Period) []int64 {
	var out []int64
	loc := p.Start.Location()
	y, m, d := p.Start.Date()
	for i := 0; ; i++ {
		s, ok := period.DayStart(y, m, d+i, loc)
		if !ok {
			continue
		}
		if !s.Before(p.End) {
			return out
		}
		out = append(out, max(s.Unix(), p.Start.Unix()))
	}
}

// spread calls fn for each day (days: starts, the last ending at end)
// that [lo, hi) overlaps, with the seconds of overlap.
func spread(days []int64, end, lo, hi int64, fn func(i int, o int64)) {
	i := sort.Search(len(days), func(k int) bool { return days[k] > lo }) - 1
	for i = max(i, 0); i < len(days) && days[i] < hi; i++ {
		de := end
		if i+1 < len(days) {
			de = days[i+1]
		}
		if o := min(hi, de) - max(lo, days[i]); o > 0 {
			fn(i, o)
		}
	}
}

// dailySeries builds the daily figures with the 7-day trailing moving
// average.
func dailySeries(days []int64, vals []float64, threshold float64, loc *time.Location) []DailyUptime {
	labels := make([]string, len(days))
	for i, d := range days {
		labels[i] = time.Unix(d, 0).In(loc).Format("2006-01-02")
	}
	return withMA7(labels, vals, threshold)
}

// withMA7 pairs each daily figure with the mean of the known figures of
// that day and the six before it within the period (fewer at its start).
func withMA7(labels []string, vals []float64, threshold float64) []DailyUptime {
	out := make([]DailyUptime, len(vals))
	for i := range vals {
		var s sum
		n := 0
		for k := max(0, i-6); k <= i; k++ {
			if !math.IsNaN(vals[k]) {
				s.add(vals[k])
				n++
			}
		}
		ma := math.NaN()
		if n > 0 {
			ma = s.value() / float64(n)
		}
		out[i] = DailyUptime{Day: labels[i], UptimePct: Num(vals[i]), MA7: Num(ma), Degraded: vals[i] < threshold}
	}
	return out
}

// AverageDaily averages some hosts' daily figures (an invoice's hosts).
func AverageDaily(hosts []*HostSLA, threshold float64) []DailyUptime {
	hs := make([]HostSLA, len(hosts))
	for i, h := range hosts {
		hs[i] = *h
	}
	return fleetDaily(hs, threshold)
}

// fleetDaily averages the hosts' known daily figures per day.
func fleetDaily(hosts []HostSLA, threshold float64) []DailyUptime {
	if len(hosts) == 0 {
		return []DailyUptime{}
	}
	n := len(hosts[0].Daily)
	vals := make([]float64, n)
	labels := make([]string, n)
	for i := range n {
		var s sum
		k := 0
		for _, h := range hosts {
			if v := float64(h.Daily[i].UptimePct); !math.IsNaN(v) {
				s.add(v)
				k++
			}
		}
		labels[i] = hosts[0].Daily[i].Day
		vals[i] = math.NaN()
		if k > 0 {
			vals[i] = s.value() / float64(k)
		}
	}
	return withMA7(labels, vals, threshold)
}
